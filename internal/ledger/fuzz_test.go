package ledger_test

import (
	"encoding/json"
	"testing"

	"github.com/ssgk/ssgk/internal/ledger"
)

// FuzzVerifyFiles: ssgk ledger verify reads checkpoints, records and proofs from files or a
// server it does not trust; any JSON is verified or refused, never a panic.
func FuzzVerifyFiles(f *testing.F) {
	f.Add([]byte(`{"size":3,"root":"00","at":"2026-01-01T00:00:00Z","keyId":"x","signature":"AA==","publicKey":"AA=="}`),
		[]byte(`{"index":1,"size":3,"hashes":["00","11"]}`), []byte(`{"index":0,"leaf":"{}","leafHash":"00"}`))
	f.Add([]byte(`{}`), []byte(`{"first":1,"second":2,"hashes":[]}`), []byte(`{"index":-1}`))
	f.Fuzz(func(t *testing.T, checkpoint, proof, record []byte) {
		var c ledger.SignedCheckpoint
		if json.Unmarshal(checkpoint, &c) == nil {
			if pub, err := ledger.ParsePublicKey(c.PublicKey); err == nil {
				_ = ledger.VerifyCheckpoint(pub, c)
			}
		}
		var in ledger.Inclusion
		if json.Unmarshal(proof, &in) == nil {
			_ = ledger.VerifyInclusion(in, c.Root, c.Root)
		}
		var co ledger.Consistency
		if json.Unmarshal(proof, &co) == nil {
			_ = ledger.VerifyConsistency(co, c.Root, c.Root)
		}
		var r ledger.Record
		if json.Unmarshal(record, &r) == nil {
			_, _ = ledger.VerifyRecord(r)
		}
	})
}
