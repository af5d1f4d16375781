package library

import (
	"context"
	"fmt"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/internal/audit"
	"github.com/ssgk/ssgk/internal/importer"
)

// CreateTargetsBulk runs the bulk create path of the import on recs inside tx (in batch mode),
// for tests of the Go-computed audit digests. It fails when the digests would be read back.
func CreateTargetsBulk(ctx context.Context, tx *ent.Tx, dep *ent.Department, libraryID int, recs []*importer.TargetRecord) ([]int, error) {
	w := &writer{tx: tx, dep: dep, opt: ImportOptions{Kind: importer.KindTargets, DepartmentID: dep.ID}, libraryID: libraryID}
	d, err := newTargetRowDigest(ctx, tx)
	if err != nil {
		return nil, err
	}
	if d == nil {
		return nil, fmt.Errorf("targets has columns the Go digest does not know")
	}
	w.digest = d
	ids, err := w.createTargets(ctx, recs)
	if err != nil {
		return nil, err
	}
	if err := w.finish(ctx); err != nil {
		return nil, err
	}
	return ids, audit.Flush(ctx, tx)
}

// JSONStrings exposes jsonStrings.
var JSONStrings = jsonStrings
