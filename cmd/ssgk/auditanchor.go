package main

import (
	"context"
	"fmt"
	"io"

	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/ledger"
)

// verifySavedAnchors checks each saved checkpoint's signature (with the public key it carries)
// and its anchor in the audit trail; it returns one Chinese line per problem.
func verifySavedAnchors(ctx context.Context, db *hub.Hub, files []string, stderr io.Writer) ([]string, error) {
	var out []string
	for _, f := range files {
		var cp ledger.SignedCheckpoint
		if err := readJSONFile(f, "检查点", &cp); err != nil {
			return nil, err
		}
		pub, err := ledger.ParsePublicKey(cp.PublicKey)
		if err == nil {
			err = ledger.VerifyCheckpoint(pub, cp)
		}
		if err == nil {
			err = ledger.VerifyAuditAnchor(ctx, db.Client, cp)
		}
		switch {
		case err != nil:
			out = append(out, f+"："+apperr.From(err).Message)
		case cp.AuditHead == "":
			fmt.Fprintf(stderr, "%s：该检查点签署于审计日志锚定之前，没有可核验的锚点\n", f)
		default:
			fmt.Fprintf(stderr, "%s：审计日志仍含其锚定的事件 #%d\n", f, cp.AuditSeq)
		}
	}
	return out, nil
}
