// Package draws runs the verifiable draw (design.md §4) against the database: it freezes a
// task's frame and inputs, publishes the commitment, accepts the external entropy, stores the
// drawn targets and their teams, logs recusals and replacements, reveals the server secret
// after the results are published, and rebuilds the verification bundle. The algorithm itself
// is internal/draw; this package only feeds it and records what it returns. Draws are
// append-only: rows are added and states advance, nothing is deleted or rewritten.
//
// One file per verb: freeze.go, commit.go, execute.go (with storing the outcome), amend.go
// (recusals and replacements), reveal.go (with the bundle and closing the task); events.go
// logs the steps; this file holds the Drawer and what the verbs share.
package draws

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"entgo.io/ent/dialect"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/drawsnapshot"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/authz"
	"github.com/ssgk/ssgk/internal/draw"
	"github.com/ssgk/ssgk/internal/tasks"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/viewer"
)

// Error codes of the draw workflow (besides internal/draw's POOL_EXHAUSTED, INVALID_ENTROPY …
// and internal/library's LIBRARY_NOT_CONFIRMED).
const (
	CodeAlreadyCommitted = "DRAW_ALREADY_COMMITTED"
	CodeAlreadyDrawn     = "DRAW_ALREADY_DRAWN"
	CodeBadState         = "DRAW_BAD_STATE"
	CodeNotRevealed      = "DRAW_NOT_REVEALED"
	CodeResultsPending   = "RESULTS_NOT_PUBLISHED"
	CodeResultsExist     = "DRAW_RESULTS_EXIST"
	CodeReasonRequired   = "REASON_REQUIRED"
)

// Drawer runs draws on one database.
type Drawer struct {
	Client *ent.Client
	// NewSecret makes the server secret of each draw; tests fix it to reproduce a draw.
	NewSecret func() ([]byte, error)
	// SealKey returns the 32-byte key that seals draw secrets at rest (WithKeyDir: derived from
	// the ledger signing key); nil refuses every draw step that needs the secret.
	SealKey func() ([]byte, error)

	mu    sync.Mutex
	cache map[int]cached // decoded snapshots of recent draws, checked against their digest
}

type cached struct {
	sha string
	in  draw.Inputs
	ids *frameIDs // nil when the snapshot was decoded rather than frozen here
}

// New returns a Drawer for client (its driver tells the SQL dialect).
func New(client *ent.Client) *Drawer {
	return &Drawer{Client: client, NewSecret: draw.NewSecret, cache: map[int]cached{}}
}

func (d *Drawer) ph(i int) string {
	if d.Client.Dialect() == dialect.Postgres {
		return "$" + strconv.Itoa(i)
	}
	return "?"
}

func (d *Drawer) placeholders(n, start int) string {
	p := make([]string, n)
	for i := range p {
		p[i] = d.ph(start + i)
	}
	return strings.Join(p, ", ")
}

// snapshot is the frozen input of a draw as stored (gzip-compressed JSON).
type snapshot struct {
	Params     draw.Params       `json:"params"`
	Frame      *draw.Frame       `json:"frame"`
	Inspectors []draw.Inspector  `json:"inspectors"`
	Conflicts  []draw.Conflict   `json:"conflicts"`
	Rotation   []draw.Assignment `json:"rotation"`
}

func encodeSnapshot(in draw.Inputs) (data []byte, sum string, size int64, err error) {
	raw, err := json.Marshal(snapshot{in.Params, in.Frame, in.Inspectors, in.Conflicts, in.Rotation})
	if err != nil {
		return nil, "", 0, err
	}
	h := sha256.Sum256(raw)
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if _, err := zw.Write(raw); err != nil {
		return nil, "", 0, err
	}
	if err := zw.Close(); err != nil {
		return nil, "", 0, err
	}
	return buf.Bytes(), hex.EncodeToString(h[:]), int64(len(raw)), nil
}

func decodeSnapshot(data []byte, want string) (draw.Inputs, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return draw.Inputs{}, err
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return draw.Inputs{}, err
	}
	if h := sha256.Sum256(raw); hex.EncodeToString(h[:]) != want {
		return draw.Inputs{}, fmt.Errorf("draws: snapshot digest mismatch")
	}
	var s snapshot
	if err := json.Unmarshal(raw, &s); err != nil {
		return draw.Inputs{}, err
	}
	return draw.Inputs{Frame: s.Frame, Params: s.Params, Inspectors: s.Inspectors, Conflicts: s.Conflicts, Rotation: s.Rotation}, nil
}

// inputs loads a draw's frozen inputs, from the cache when its digest still matches, and the
// eligible targets' row ids when this process froze the frame (else nil).
func (d *Drawer) inputs(ctx context.Context, tx *ent.Tx, drawID int) (draw.Inputs, *frameIDs, error) {
	sum, err := tx.DrawSnapshot.Query().Where(drawsnapshot.DrawID(drawID)).Select(drawsnapshot.FieldSha256).String(ctx)
	if err != nil {
		return draw.Inputs{}, nil, err
	}
	d.mu.Lock()
	c, ok := d.cache[drawID]
	d.mu.Unlock()
	if ok && c.sha == sum {
		return c.in, c.ids, nil
	}
	s, err := tx.DrawSnapshot.Query().Where(drawsnapshot.DrawID(drawID)).Only(ctx)
	if err != nil {
		return draw.Inputs{}, nil, err
	}
	in, err := decodeSnapshot(s.Data, s.Sha256)
	if err != nil {
		return draw.Inputs{}, nil, err
	}
	d.remember(drawID, sum, in, nil)
	return in, nil, nil
}

func (d *Drawer) remember(drawID int, sum string, in draw.Inputs, ids *frameIDs) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.cache) >= 4 {
		clear(d.cache)
	}
	d.cache[drawID] = cached{sum, in, ids}
}

func actor(ctx context.Context) string { return viewer.FromContext(ctx).Actor() }

func hexOf(b []byte) string { return hex.EncodeToString(b) }

// withDraw runs fn in one transaction with the draw and its task loaded (load): the
// opening of every verb that changes a draw.
func (d *Drawer) withDraw(ctx context.Context, drawID int, fn func(tx *ent.Tx, dr *ent.Draw, t *ent.Task) error) error {
	return txn.Run(ctx, d.Client, func(tx *ent.Tx) error {
		dr, t, err := d.load(ctx, tx, drawID)
		if err != nil {
			return err
		}
		return fn(tx, dr, t)
	})
}

func (d *Drawer) load(ctx context.Context, tx *ent.Tx, drawID int) (*ent.Draw, *ent.Task, error) {
	dr, err := tx.Draw.Get(ctx, drawID)
	if err != nil {
		return nil, nil, err
	}
	t, err := tx.Task.Get(ctx, dr.TaskID)
	if err != nil {
		return nil, nil, err
	}
	return dr, t, nil
}

// authorizeTask checks the viewer for a draw step of the task (authz.RunDraws: the initiating
// department's administrator, or the office) and returns the context authorised for its writes.
func (d *Drawer) authorizeTask(ctx context.Context, taskID int) (context.Context, error) {
	client := d.Client
	if tx := ent.TxFromContext(ctx); tx != nil {
		client = tx.Client()
	}
	t, err := client.Task.Get(ctx, taskID)
	if ent.IsNotFound(err) {
		return ctx, apperr.New(apperr.NotFound, "抽查任务不存在")
	} else if err != nil {
		return ctx, err
	}
	return tasks.Authorize(ctx, t, authz.RunDraws)
}

// authorizeDraw is authorizeTask for the task of a draw.
func (d *Drawer) authorizeDraw(ctx context.Context, drawID int) (context.Context, error) {
	client := d.Client
	if tx := ent.TxFromContext(ctx); tx != nil {
		client = tx.Client()
	}
	dr, err := client.Draw.Get(ctx, drawID)
	if ent.IsNotFound(err) {
		return ctx, apperr.New(apperr.NotFound, "抽取记录不存在")
	} else if err != nil {
		return ctx, err
	}
	return d.authorizeTask(ctx, dr.TaskID)
}
