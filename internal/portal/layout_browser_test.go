package portal_test

import (
	"fmt"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ssgk/ssgk/internal/logging"
	"github.com/ssgk/ssgk/internal/server"
	"github.com/ssgk/ssgk/internal/testutil/browser"
)

// overflowJS lists what sticks out sideways: the page's scroll width beyond the viewport, and
// the elements whose right edge passes it (outside the tables' own scroll boxes).
const overflowJS = `(() => {
  const w = document.documentElement.clientWidth;
  const out = [];
  if (document.documentElement.scrollWidth > w + 1) out.push('page ' + document.documentElement.scrollWidth + 'px');
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.tbl')) continue;
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > w + 1) out.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') + ' ' + Math.round(r.right) + 'px: ' + (el.textContent || '').trim().slice(0, 40));
  }
  return out.slice(0, 10);
})()`

// brokenCodesJS lists the codes (USCCs, task and plan numbers) that the browser broke across
// lines: a code may move to the next line as a whole, never split.
const brokenCodesJS = `Array.from(document.querySelectorAll('.code')).filter(e => e.getClientRects().length > 1).map(e => e.textContent).slice(0, 10)`

// TestPortal_PagesFitPhonesAndDesktops opens every kind of portal page at phone widths (360,
// 390, 414 px) and on a desktop (1366 px): nothing may overflow sideways and no code may break
// inside. Full-page screenshots at 390 px and 1366 px are kept under $SSGK_ARTIFACTS.
func TestPortal_PagesFitPhonesAndDesktops(t *testing.T) {
	t.Parallel()
	b := browser.Start(t, browser.Options{Offline: true, Timeout: 6 * time.Minute})
	h := newHub(t)
	srv := httptest.NewServer(server.New(h.db.WithLogger(logging.Discard()), server.DefaultLimits))
	t.Cleanup(srv.Close)
	list := h.get(t, "/lists").body
	i := strings.Index(list, `href="/lists/`)
	if i < 0 {
		t.Fatal("no list version to open")
	}
	listPath := list[i+len(`href="`):]
	listPath = listPath[:strings.Index(listPath, `"`)]
	uscc := *h.problem.Uscc
	pages := []struct{ name, path, want string }{
		{"home", "/", "最新公示"},
		{"lists", "/lists", "抽查事项清单"},
		{"list", listPath, "抽查依据"},
		{"plans", "/plans", h.planNumber},
		{"tasks", "/tasks", h.taskNumber},
		{"task", "/tasks/" + h.taskNumber, h.commitmentDigest},
		{"results", "/results", "检查结果公示"},
		{"results-search", "/results?q=" + uscc, h.problem.Name},
		{"enterprise", "/enterprises/" + uscc, h.problem.Name},
		{"enterprise-none", "/enterprises/91350200776049653A", "暂无公示的抽查检查结果"},
		{"verify", "/verify", "如何核验"},
		{"open", "/open", "开放数据"},
		{"dictionary", "/open/dictionary", "开放数据字典"},
		{"glossary", "/glossary", "名词解释"},
		{"stats", "/stats?year=2026", "2026 年度抽查统计"},
		{"error-404", "/no/such/page", "没有找到这个页面"},
		{"error-400", "/results?from=2026-13-01", "查询条件有误"},
	}
	widths := []int64{360, 390, 414, 1366}
	for n, p := range pages {
		b.Do("open "+p.path, chromedp.EmulateViewport(1366, 900), chromedp.Navigate(srv.URL+p.path), chromedp.WaitReady(chromedp.CSS("footer")))
		if text := browser.Eval[string](b, "text", `document.body.innerText`); !strings.Contains(text, p.want) {
			t.Errorf("%s: the page lacks %q", p.path, p.want)
		}
		for _, w := range widths {
			b.Do("resize", chromedp.EmulateViewport(w, 800))
			if over := browser.Eval[[]string](b, "overflow", overflowJS); len(over) > 0 {
				t.Errorf("%s at %d px overflows sideways: %v", p.path, w, over)
			}
			if broken := browser.Eval[[]string](b, "codes", brokenCodesJS); w <= 414 && len(broken) > 0 {
				t.Errorf("%s at %d px breaks codes inside: %v", p.path, w, broken)
			}
			if w == 390 || w == 1366 {
				b.Screenshot(fmt.Sprintf("portal-%02d-%s-%s.png", n+1, p.name, strconv.FormatInt(w, 10)), true)
			}
		}
	}
	if foreign := b.ForeignRequests(srv.URL); len(foreign) > 0 {
		t.Errorf("the portal requested URLs outside the hub: %v", foreign)
	}
	t.Logf("screenshots in %s", browser.Artifacts(t))
}
