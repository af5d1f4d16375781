package acceptance

import (
	"context"
	"os"
	"testing"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/publication"
	ssgkhub "github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/publish"
	"github.com/ssgk/ssgk/internal/viewer"
)

// TestCompat_PayloadsWrittenByAnOlderTree is run by tools/compat/run.sh against a demo year that an
// older tree wrote (SSGK_COMPAT_DATA_DIR, and SSGK_COMPAT_DATABASE_URL on PostgreSQL): every
// stored payload decodes into today's type for its kind and encodes back to exactly the stored
// bytes, the bytes whose digest the ledger leaf holds. With the audit verify and ledger audit the
// script runs, it proves that a refactoring left the evidence byte-identical. Skipped otherwise.
func TestCompat_PayloadsWrittenByAnOlderTree(t *testing.T) {
	t.Parallel()
	dir := os.Getenv("SSGK_COMPAT_DATA_DIR")
	if dir == "" {
		t.Skip("run by tools/compat/run.sh (SSGK_COMPAT_DATA_DIR unset)")
	}
	ctx := viewer.NewContext(context.Background(), viewer.NewSystem("compat"))
	h, err := ssgkhub.Open(ctx, ssgkhub.Options{DatabaseURL: os.Getenv("SSGK_COMPAT_DATABASE_URL"), DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	ps, err := h.Client.Publication.Query().Order(ent.Asc(publication.FieldID)).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[publication.Kind]int{}
	for _, p := range ps {
		if err := publish.CheckRoundTrip(p); err != nil {
			t.Error(err)
		}
		kinds[p.Kind]++
	}
	if len(ps) == 0 || len(kinds) < 6 {
		t.Fatalf("only %d publications of %d kinds: not a demo year", len(ps), len(kinds))
	}
	t.Logf("%d payloads written by the older tree round-trip byte for byte: %v", len(ps), kinds)
}
