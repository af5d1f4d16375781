package acceptance

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/publication"
	"github.com/ssgk/ssgk/internal/publish"
)

// TestPayloadsRoundTrip: every payload the demo year publishes decodes into its type
// (publish.DecodeFor) and encodes again to exactly the stored bytes — the bytes whose SHA-256 is
// the publication's digest and so the ledger leaf's (publish.CheckRoundTrip). A member the type
// lacks, renames or writes differently (absent versus null, a number's form) fails here. The
// drawing tests check the same for every draw event, cancellation and amendment they log.
func TestPayloadsRoundTrip(t *testing.T) {
	t.Parallel()
	h := newDemoHub(t)
	ps, err := h.db.Client.Publication.Query().Order(ent.Asc(publication.FieldID)).All(h.sys)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, p := range ps {
		if err := publish.CheckRoundTrip(p); err != nil {
			t.Error(err)
			continue
		}
		v, _ := publish.DecodeFor(p)
		seen[fmt.Sprintf("%s/%T", p.Kind, v)]++
	}
	for _, k := range []publication.Kind{publication.KindITEM_LIST, publication.KindPLAN, publication.KindTASK_ANNOUNCEMENT,
		publication.KindDRAW_COMMITMENT, publication.KindDRAW_EVENT, publication.KindDRAW_REVEAL,
		publication.KindRESULT, publication.KindCORRECTION} {
		n := 0
		for key, c := range seen {
			if strings.HasPrefix(key, string(k)+"/") {
				n += c
			}
		}
		if n == 0 {
			t.Errorf("the demo year published no %s", k)
		}
	}
	t.Logf("payloads checked: %v", seen)
}
