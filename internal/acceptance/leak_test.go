package acceptance

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/draw"
	"github.com/ssgk/ssgk/ent/publication"
	hubpkg "github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/sharing"
	"github.com/ssgk/ssgk/internal/viewer"
)

// classValues returns the distinct text values stored in the columns of the fields whose class
// satisfies keep: values a reader could recognise (at least 5 characters; numbers of at least 7
// digits, like phones and ID numbers; no enum constants).
func classValues(t *testing.T, ctx context.Context, db *hubpkg.Hub, keep func(sharing.Rule) bool) map[string]string {
	t.Helper()
	enum := regexp.MustCompile(`^[A-Za-z0-9_]+$`) // enum constants and type names
	digits := regexp.MustCompile(`^[0-9]+$`)
	out := map[string]string{}
	for typ, fields := range ent.SharingCatalog {
		for _, r := range fields {
			if r.Edge || !keep(r) || !slices.Contains(ent.TypeColumns[typ], r.Name) {
				continue
			}
			rows, err := db.SQL.QueryContext(ctx, fmt.Sprintf(`SELECT "%s" FROM "%s" WHERE "%s" IS NOT NULL`, r.Name, ent.TypeTables[typ], r.Name))
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var v any
				if err := rows.Scan(&v); err != nil {
					t.Fatal(err)
				}
				var s string
				switch x := v.(type) {
				case string:
					s = x
				case []byte:
					s = string(x)
				default:
					continue
				}
				s = strings.TrimSpace(s)
				if strings.HasPrefix(s, "{") || strings.HasPrefix(s, "[") {
					collectJSONStrings(s, typ+"."+r.Name, out) // a JSON column: its string leaves
					continue
				}
				if len([]rune(s)) < 5 || (enum.MatchString(s) && !(digits.MatchString(s) && len(s) >= 7)) {
					continue
				}
				out[s] = typ + "." + r.Name
			}
			rows.Close()
		}
	}
	return out
}

// collectJSONStrings adds the string leaves of a JSON document.
func collectJSONStrings(doc, field string, out map[string]string) {
	var v any
	if json.Unmarshal([]byte(doc), &v) != nil {
		return
	}
	var walk func(any)
	walk = func(x any) {
		switch y := x.(type) {
		case string:
			if len([]rune(y)) >= 5 {
				out[y] = field
			}
		case []any:
			for _, e := range y {
				walk(e)
			}
		case map[string]any:
			for _, e := range y {
				walk(e)
			}
		}
	}
	walk(v)
}

// TestSharing_PublicPathsCarryNoRestrictedValue: no value of a CONDITIONAL or PRIVATE field of
// the demo year — contact and legal representatives' phones, inspectors' ID numbers and phones,
// review notes, conflicts, lead details … — appears on any portal page, in the open data, in a
// draw's verification bundle or in a transparency-log leaf.
func TestSharing_PublicPathsCarryNoRestrictedValue(t *testing.T) {
	t.Parallel()
	h := newDemoHub(t)
	db, base := h.db, h.url
	sys := viewer.NewContext(context.Background(), viewer.NewSystem("leak test"))
	restricted := classValues(t, sys, db, sharing.Restricted)
	open := classValues(t, sys, db, func(r sharing.Rule) bool { return !sharing.Restricted(r) })
	for v := range open {
		// Also stored in a field that may be shown: a name quoted in a note, or a value that
		// was published on purpose (a draw's secret in its reveal publication).
		delete(restricted, v)
	}
	if len(restricted) < 100 {
		t.Fatalf("only %d restricted values found; the demo data or the catalogue was not read", len(restricted))
	}

	var paths []string
	paths = append(paths, "/", "/lists", "/plans", "/tasks", "/results", "/verify", "/open",
		"/open/results.csv", "/open/results.json", "/open/tasks.csv", "/open/tasks.json", "/ledger/checkpoint")
	pubs, err := db.Client.Publication.Query().Order(ent.Asc(publication.FieldID)).All(sys)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pubs {
		if p.LedgerIndex != nil {
			paths = append(paths, fmt.Sprintf("/ledger/leaves/%d", *p.LedgerIndex))
		}
		if code, ok := p.Payload["target_code"].(string); ok && code != "" {
			paths = append(paths, "/enterprises/"+code, "/results?q="+code)
		}
		if n, ok := p.Payload["task_number"].(string); ok && n != "" {
			paths = append(paths, "/tasks/"+n)
		}
		if p.Kind == publication.KindITEM_LIST {
			paths = append(paths, fmt.Sprintf("/lists/%d", p.SubjectID))
		}
	}
	revealed, err := db.Client.Draw.Query().Where(draw.RevealedAtNotNil()).IDs(sys)
	if err != nil {
		t.Fatal(err)
	}
	if len(revealed) == 0 {
		t.Fatal("the demo year revealed no draw")
	}
	for _, id := range revealed {
		paths = append(paths, fmt.Sprintf("/draws/%d/bundle.json", id))
	}
	slices.Sort(paths)
	paths = slices.Compact(paths)
	bytes := 0
	for _, p := range paths {
		resp, err := http.Get(base + p)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", p, resp.StatusCode)
			continue
		}
		bytes += len(body)
		text := string(body)
		for v, field := range restricted {
			if strings.Contains(text, v) {
				t.Errorf("GET %s shows %q, the value of %s", p, v, field)
			}
		}
	}
	t.Logf("%d public paths, %d bytes, checked against %d restricted values", len(paths), bytes, len(restricted))
}
