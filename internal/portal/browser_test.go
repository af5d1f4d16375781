package portal_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ssgk/ssgk/internal/server"
)

// chromiumPath is Debian's Chromium, installed with fonts-noto-cjk for the browser tests.
const chromiumPath = "/usr/bin/chromium"

// TestPortal_Browser drives headless Chromium through the portal as a visitor would: search an
// enterprise by its USCC, open its page, follow a proof link to the transparency log. It saves
// screenshots to $SSGK_ARTIFACTS (default: the test's temporary directory) and checks that the
// Chinese text is there and is rendered. Without Chromium the test is skipped, unless
// SSGK_BROWSER_TESTS=1 says the browser must be there.
func TestPortal_Browser(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("SSGK_BROWSER_TESTS") == "1" {
			t.Fatalf("SSGK_BROWSER_TESTS=1 but %s is missing: %v", chromiumPath, err)
		}
		t.Skipf("%s not installed (set SSGK_BROWSER_TESTS=1 to require it)", chromiumPath)
	}
	artifacts := os.Getenv("SSGK_ARTIFACTS")
	if artifacts == "" {
		artifacts = t.TempDir()
	}
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}

	h := newHub(t)
	srv := httptest.NewServer(server.New(h.db.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))), server.DefaultLimits))
	t.Cleanup(srv.Close)

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.WindowSize(1280, 900), chromedp.Flag("lang", "zh-CN"))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()

	shot := func(name string) {
		t.Helper()
		// A viewport capture, retried: under a loaded CI machine the first capture of a freshly
		// started browser can stall while fonts are cached.
		var png []byte
		var err error
		for attempt := 0; attempt < 3; attempt++ {
			sctx, scancel := context.WithTimeout(ctx, 20*time.Second)
			png, err = chromedp.Run(sctx, chromedp.CaptureScreenshot())
			scancel()
			if err == nil {
				break
			}
			t.Logf("screenshot %s, attempt %d: %v", name, attempt+1, err)
		}
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(artifacts, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("browser, %s: %v", what, err)
		}
	}
	text := func(what string, a chromedp.Action[string]) string {
		t.Helper()
		s, err := chromedp.Run(ctx, a)
		if err != nil {
			t.Fatalf("browser, %s: %v", what, err)
		}
		return s
	}
	width := func(what, js string) float64 {
		t.Helper()
		w, err := chromedp.Run(ctx, chromedp.Evaluate[float64](js))
		if err != nil {
			t.Fatalf("browser, %s: %v", what, err)
		}
		return w
	}
	uscc := *h.problem.Uscc
	link := chromedp.CSS(`a[href="/enterprises/` + uscc + `"]`)

	do("open the home page", chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.ID("q")))
	title := text("title", chromedp.Title())
	shot("01-home.png")
	do("search by USCC", chromedp.SendKeys(chromedp.ID("q"), uscc), chromedp.Submit(chromedp.ID("q")))
	// The home page may link to the enterprise too: wait for the results page itself.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		loc, err := chromedp.Run(ctx, chromedp.Location())
		if err == nil && strings.Contains(loc, "/results") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("browser: the search did not open the results page (at %q, %v)", loc, err)
		}
	}
	do("results page", chromedp.WaitReady(chromedp.CSS("body")), chromedp.WaitVisible(link))
	resultsText := text("results", chromedp.Text(chromedp.CSS("main")))
	shot("02-results.png")
	do("open the enterprise", chromedp.Click(link), chromedp.WaitVisible(chromedp.ID("enterprise-name")))
	name := text("enterprise name", chromedp.Text(chromedp.ID("enterprise-name")))
	nameWidth := width("name width", `document.querySelector('#enterprise-name').getBoundingClientRect().width`)
	// A Chinese glyph from a CJK font is about one em wide; without one the text falls back to
	// narrow boxes or nothing. Latin "i" is far narrower.
	measure := func(s string) string {
		return `(() => { const s = document.createElement('span'); s.style.fontSize = '40px'; s.textContent = '` + s + `';
			document.body.appendChild(s); const w = s.getBoundingClientRect().width; s.remove(); return w; })()`
	}
	cjkWidth := width("CJK width", measure("公示公示公示公示公示"))
	latinWidth := width("Latin width", measure("iiiiiiiiii"))
	shot("03-enterprise.png")
	do("mobile viewport", chromedp.EmulateViewport(390, 844))
	shot("04-enterprise-mobile.png")
	do("desktop viewport", chromedp.EmulateViewport(1280, 900))
	do("follow the proof link", chromedp.Click(chromedp.CSS("a.proof-link")))
	// The click navigates; the location is read until the new page is there.
	var location string
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		loc, err := chromedp.Run(ctx, chromedp.Location())
		if err == nil && strings.Contains(loc, "/ledger/") {
			location = loc
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("browser: the proof link did not lead to /ledger/ (at %q, %v)", loc, err)
		}
	}
	shot("05-proof.png")
	do("open the task", chromedp.Navigate(srv.URL+"/tasks/"+h.taskNumber), chromedp.WaitVisible(chromedp.CSS(".commitment-digest")))
	taskText := text("task", chromedp.Text(chromedp.CSS("main")))
	shot("06-task.png")
	if !strings.Contains(taskText, h.commitmentDigest) || !strings.Contains(taskText, h.entropy) {
		t.Errorf("task page lacks the commitment digest or the entropy:\n%.500s", taskText)
	}

	if !strings.Contains(title, "双随机、一公开") {
		t.Errorf("home title %q", title)
	}
	if !strings.Contains(resultsText, h.problem.Name) || !strings.Contains(resultsText, "未按规定公示应当公示的信息") {
		t.Errorf("results page text lacks the enterprise or its result:\n%.500s", resultsText)
	}
	if strings.TrimSpace(name) != h.problem.Name {
		t.Errorf("enterprise page heading %q, want %q", name, h.problem.Name)
	}
	if nameWidth <= 0 {
		t.Errorf("the enterprise name is not rendered (width %v)", nameWidth)
	}
	// Ten CJK glyphs at 40px: about 400px; ten Latin "i": far less.
	if cjkWidth < 300 || cjkWidth <= 2*latinWidth {
		t.Errorf("Chinese text does not render with a CJK font: 10 glyphs %.0fpx, 10 Latin i %.0fpx", cjkWidth, latinWidth)
	}
	if !strings.Contains(location, "/ledger/proof/inclusion?index=") {
		t.Errorf("proof link went to %s", location)
	}
	t.Logf("screenshots in %s", artifacts)
}
