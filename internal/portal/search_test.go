package portal_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"testing"
	"unicode"

	"entgo.io/ent/dialect"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/predicate"
	"github.com/ssgk/ssgk/ent/publication"
	"github.com/ssgk/ssgk/ent/result"
	"github.com/ssgk/ssgk/ent/target"
	"github.com/ssgk/ssgk/internal/store"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/viewer"
)

// candidates are the ids the name search index gives for a fragment (without the LIKE).
func candidates(t *testing.T, c *ent.Client, fragment string) []int {
	t.Helper()
	p, ok := store.NameCandidates(fragment)
	if !ok {
		t.Fatalf("the index does not serve %q", fragment)
	}
	ids, err := c.Target.Query().Where(predicate.Target(p)).IDs(sysCtx())
	if err != nil {
		t.Fatalf("index lookup %q: %v", fragment, err)
	}
	return ids
}

func sysCtx() context.Context {
	return viewer.NewContext(context.Background(), viewer.NewSystem("portal test"))
}

// cjkRun returns the first run of n Chinese characters of name (at or after rune from), or "".
func cjkRun(name string, from, n int) string {
	rs := []rune(name)
	for i := from; i+n <= len(rs); i++ {
		ok := true
		for _, r := range rs[i : i+n] {
			ok = ok && unicode.Is(unicode.Han, r)
		}
		if ok {
			return string(rs[i : i+n])
		}
	}
	return ""
}

// wantCount is the number of RESULT publications of published results whose enterprise name
// contains fragment, by the LIKE alone (target.NameContains), without the index.
func wantCount(t *testing.T, c *ent.Client, fragment string) int {
	t.Helper()
	ctx := sysCtx()
	tids := c.Target.Query().Where(target.NameContains(fragment)).IDsX(ctx)
	if len(tids) == 0 {
		return 0
	}
	rids := c.Result.Query().Where(result.StatusEQ(result.StatusPUBLISHED), result.TargetIDIn(tids...)).IDsX(ctx)
	if len(rids) == 0 {
		return 0
	}
	return c.Publication.Query().Where(publication.KindEQ(publication.KindRESULT), publication.SubjectType(ent.TypeResult),
		publication.SubjectIDIn(rids...)).CountX(ctx)
}

// TestPortal_SearchIndex: a result published through the workflow (newHub) is found by a
// two- and a four-character Chinese fragment of its enterprise's name and by its USCC, with the
// exact count; the index finds every target a LIKE finds; a renamed target is found by its new
// name. Run on PostgreSQL with SSGK_TEST_POSTGRES.
// Not parallel: it changes store.BroadName, a package variable the other tests' searches read.
func TestPortal_SearchIndex(t *testing.T) {
	h := newHub(t)
	ctx := sysCtx()
	for _, tg := range h.targets {
		frags := []string{cjkRun(tg.Name, 3, 2), cjkRun(tg.Name, 3, 4), cjkRun(tg.Name, 0, 2)}
		for _, f := range frags {
			if f == "" {
				t.Fatalf("no Chinese fragment in %q", tg.Name)
			}
			if !slices.Contains(candidates(t, h.client, f), tg.ID) {
				t.Errorf("index lookup %q misses %q", f, tg.Name)
			}
			body := h.get(t, "/results?q="+url.QueryEscape(f)).body
			contains(t, "/results?q="+f, body, tg.Name, fmt.Sprintf("共 %d 条检查结果", wantCount(t, h.client, f)))
		}
		if tg.Uscc != nil {
			// Each drawn enterprise has two published results (SCJG's and WJ's).
			contains(t, "/results?q="+*tg.Uscc, h.get(t, "/results?q="+*tg.Uscc).body, tg.Name, "共 2 条检查结果")
		}
	}

	// Every target a LIKE finds, the index finds (it may find more: the portal applies both), and
	// the page counts exactly what the LIKE alone finds.
	superset := func(f string) {
		t.Helper()
		idx := candidates(t, h.client, f)
		for _, id := range h.client.Target.Query().Where(target.NameContains(f)).IDsX(ctx) {
			if !slices.Contains(idx, id) {
				t.Errorf("index lookup %q misses target %d", f, id)
			}
		}
	}
	check := func(f string) {
		t.Helper()
		superset(f)
		contains(t, "/results?q="+f, h.get(t, "/results?q="+url.QueryEscape(f)).body, fmt.Sprintf("共 %d 条检查结果", wantCount(t, h.client, f)))
	}
	all := h.client.Target.Query().AllX(ctx)
	rng := rand.New(rand.NewPCG(1, 2))
	for k := range 300 {
		rs := []rune(all[rng.IntN(len(all))].Name)
		n := 1 + rng.IntN(min(6, len(rs)))
		i := rng.IntN(len(rs) - n + 1)
		if k%10 == 0 {
			check(string(rs[i : i+n]))
		} else {
			superset(string(rs[i : i+n]))
		}
	}
	// ASCII letters, quotes, LIKE wildcards and tsquery operators are characters like any other.
	special := []string{"'", `\`, "%", "_", "&", ":*", "a", "Ab", "b'c", "C%_\\d&|", "'Ab C%_\\d&|!():*"}
	for _, f := range special {
		check(f)
	}
	// A broad fragment (more candidates than store.BroadName) is searched without the index:
	// same pages.
	broad := []string{cjkRun(h.targets[1].Name, 0, 2), cjkRun(h.targets[1].Name, 3, 4), "'", "Ab"}
	pages := map[string]string{}
	for _, f := range broad {
		pages[f] = h.get(t, "/results?q="+url.QueryEscape(f)+"&page=1").body
	}
	saved := store.BroadName
	defer func() { store.BroadName = saved }()
	store.BroadName = 0
	for _, f := range broad {
		if got := h.get(t, "/results?q="+url.QueryEscape(f)+"&page=1").body; got != pages[f] {
			t.Errorf("/results?q=%s: the page differs when the fragment is broad", f)
		}
		check(f)
	}
	store.BroadName = saved

	// A renamed target is found by its new name (SQLite folds ASCII case, PostgreSQL does not).
	tg := h.targets[0]
	old := cjkRun(tg.Name, 3, 4)
	newName := "宁阳县'Ab C%_\\d&|!():*鲁岳粮油经营部"
	err := txn.Run(ctx, h.client, func(tx *ent.Tx) error {
		return tx.Target.UpdateOneID(tg.ID).SetName(newName).Exec(ctx)
	})
	if err != nil {
		t.Fatalf("renaming: %v", err)
	}
	news := []string{"鲁岳", "鲁岳粮油", "岳", "部", `\`, "%", "_", "&", ":*", "'Ab", "C%_\\d&|", "'Ab C%_\\d&|!():*鲁"}
	if h.db.Dialect == dialect.SQLite {
		news = append(news, "a", "ab c", "AB")
	}
	for _, f := range news {
		if !h.client.Target.Query().Where(target.ID(tg.ID), target.NameContains(f)).ExistX(ctx) {
			t.Errorf("LIKE %q does not find the renamed target", f)
		}
		check(f) // the index finds it too
	}
	if !strings.Contains(newName, old) && slices.Contains(candidates(t, h.client, old), tg.ID) {
		t.Errorf("index lookup %q still finds the renamed target", old)
	}
	contains(t, "/results?q=鲁岳粮油", h.get(t, "/results?q="+url.QueryEscape("鲁岳粮油")).body, "共 2 条检查结果")
}
