// Package drawing runs the verifiable draw (design.md §4) against the database: it freezes a
// task's frame and inputs, publishes the commitment, accepts the external entropy, stores the
// drawn targets and their teams, logs recusals and replacements, reveals the server secret
// after the results are published, and rebuilds the verification bundle. The algorithm itself
// is internal/draw; this package only feeds it and records what it returns. Draws are
// append-only: rows are added and states advance, nothing is deleted or rewritten.
package drawing

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"entgo.io/ent/dialect"
	"github.com/lib/pq"

	"github.com/ssgk/ssgk/ent"
	entdraw "github.com/ssgk/ssgk/ent/draw"
	"github.com/ssgk/ssgk/ent/drawevent"
	"github.com/ssgk/ssgk/ent/drawsnapshot"
	"github.com/ssgk/ssgk/ent/inspectionteam"
	"github.com/ssgk/ssgk/ent/inspector"
	"github.com/ssgk/ssgk/ent/publication"
	"github.com/ssgk/ssgk/ent/result"
	"github.com/ssgk/ssgk/ent/target"
	"github.com/ssgk/ssgk/ent/task"
	"github.com/ssgk/ssgk/ent/taskitem"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/audit"
	"github.com/ssgk/ssgk/internal/authz"
	"github.com/ssgk/ssgk/internal/bulk"
	"github.com/ssgk/ssgk/internal/clock"
	"github.com/ssgk/ssgk/internal/draw"
	"github.com/ssgk/ssgk/internal/library"
	"github.com/ssgk/ssgk/internal/publish"
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
	Client  *ent.Client
	Dialect string
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

// New returns a Drawer for client on the named dialect ("sqlite3" or "postgres").
func New(client *ent.Client, dialectName string) *Drawer {
	return &Drawer{Client: client, Dialect: dialectName, NewSecret: draw.NewSecret, cache: map[int]cached{}}
}

func (d *Drawer) ph(i int) string {
	if d.Dialect == dialect.Postgres {
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
		return draw.Inputs{}, fmt.Errorf("drawing: snapshot digest mismatch")
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

// Freeze freezes the task's frame and inputs and prepares the commitment (not yet published).
// A task already frozen or committed (but not drawn) may be frozen again, with a reason; the
// earlier draw is superseded and stays visible.
func (d *Drawer) Freeze(ctx context.Context, taskID int, reason string) (*ent.Draw, error) {
	ctx, err := d.authorizeTask(ctx, taskID)
	if err != nil {
		return nil, err
	}
	var out *ent.Draw
	var in draw.Inputs
	var fids *frameIDs
	var sum string
	err = txn.Run(ctx, d.Client, func(tx *ent.Tx) error {
		t, err := tx.Task.Get(ctx, taskID)
		if err != nil {
			return err
		}
		if !tasks.CanMove(t.Status, task.StatusFROZEN) {
			return apperr.New(tasks.CodeBadTransition, "任务 %s 当前状态为“%s”，不能冻结抽取框（须先公告任务；已抽取的任务不能重新冻结）",
				t.Number, tasks.StatusName(t.Status))
		}
		prev, err := tx.Draw.Query().Where(entdraw.TaskID(taskID)).Order(ent.Desc(entdraw.FieldSeq)).First(ctx)
		if ent.IsNotFound(err) {
			prev, err = nil, nil
		}
		if err != nil {
			return err
		}
		if prev != nil && strings.TrimSpace(reason) == "" {
			return apperr.New(CodeReasonRequired, "任务 %s 已有第 %d 次抽取（%s），重新冻结须说明原因", t.Number, prev.Seq, prev.Status)
		}
		now := clock.Now()
		depts, err := tasks.Departments(ctx, tx.Client(), taskID)
		if err != nil {
			return err
		}
		var confirmations []int
		for _, dp := range depts {
			c, err := library.ValidConfirmation(ctx, tx.Client(), dp.ID, now)
			if err != nil {
				if apperr.CodeOf(err) == "LIBRARY_NOT_CONFIRMED" {
					return apperr.New("LIBRARY_NOT_CONFIRMED", "抽取前须对两库进行更新确认：%s没有有效的两库更新确认", dp.Name)
				}
				return err
			}
			confirmations = append(confirmations, c.ID)
		}
		if in, fids, err = d.inputsOf(ctx, tx, t, now); err != nil {
			return err
		}
		// The snapshot (JSON + gzip) is encoded while the commitment hashes the frame.
		type encoded struct {
			data []byte
			sum  string
			size int64
			err  error
		}
		snap := make(chan encoded, 1)
		go func() {
			var e encoded
			e.data, e.sum, e.size, e.err = encodeSnapshot(in)
			snap <- e
		}()
		secret, err := d.NewSecret()
		if err != nil {
			<-snap
			return err
		}
		c, err := draw.Commit(in, draw.SecretHash(secret))
		enc := <-snap
		if err != nil {
			return err
		}
		cj, err := c.CanonicalJSON()
		if err != nil {
			return err
		}
		digest, err := c.Digest()
		if err != nil {
			return err
		}
		seq := 1
		if prev != nil {
			seq = prev.Seq + 1
		}
		sealed, err := d.seal(secret, c.SecretHash.String())
		if err != nil {
			return err
		}
		pdigest, err := draw.ParamsDigest(c)
		if err != nil {
			return err
		}
		create := tx.Draw.Create().SetTaskID(taskID).SetSeq(seq).SetStatus(entdraw.StatusFROZEN).SetDivisionCode(t.DivisionCode).
			SetFrameRoot(c.FrameRoot.String()).SetFrameSize(c.FrameSize).SetParameters(parameters(c, in.Frame)).
			SetInspectorPoolDigest(c.InspectorPoolDigest.String()).SetSecretHash(c.SecretHash.String()).
			SetSealedSecret(sealed).SetCommitment(string(cj)).SetCommitmentDigest(digest.String()).
			AddConfirmationIDs(confirmations...)
		supersedes := 0
		if prev != nil {
			if prev.Status != entdraw.StatusSUPERSEDED {
				if prev.Status != entdraw.StatusFROZEN && prev.Status != entdraw.StatusCOMMITTED {
					return apperr.New(CodeAlreadyDrawn, "任务 %s 的第 %d 次抽取已完成，不能重新冻结", t.Number, prev.Seq)
				}
				if err := d.supersede(ctx, tx, prev, t, seq, reason); err != nil {
					return err
				}
			}
			create.SetSupersedesID(prev.ID).SetReason(reason)
			supersedes = prev.Seq
		}
		if out, err = create.Save(ctx); err != nil {
			return err
		}
		if enc.err != nil {
			return enc.err
		}
		sum = enc.sum
		if err := tx.DrawSnapshot.Create().SetDrawID(out.ID).SetData(enc.data).SetSha256(enc.sum).SetSize(enc.size).Exec(ctx); err != nil {
			return err
		}
		if err := d.event(ctx, tx, out, t, drawevent.KindFREEZE, "冻结抽取框", &publish.DrawFreeze{
			FrameRoot: c.FrameRoot.String(), FrameSize: c.FrameSize, ParametersDigest: pdigest,
			InspectorPoolDigest: c.InspectorPoolDigest.String(), SecretHash: c.SecretHash.String(),
			Supersedes: supersedes, Reason: reason,
		}, func(c *ent.DrawEventCreate) { c.SetReason(reason) }); err != nil {
			return err
		}
		_, err = tasks.Move(ctx, tx, t, task.StatusFROZEN)
		return err
	})
	if err != nil {
		return nil, err
	}
	d.remember(out.ID, sum, in, fids)
	return unwrap(ctx, out), nil
}

// parameters is the summary stored on the draw row: per-stratum N, excluded by reason, and n.
func parameters(c draw.Commitment, f *draw.Frame) map[string]any {
	strata := []any{}
	total := 0
	for _, s := range c.Strata {
		reasons := map[string]int{}
		if fs := f.Stratum(s.Name); fs != nil {
			for _, e := range fs.Excluded {
				reasons[string(e.Reason)]++
			}
		}
		strata = append(strata, map[string]any{"name": s.Name, "eligible": s.Eligible, "excluded": s.Excluded, "draw": s.Draw, "excludedByReason": reasons})
		total += s.Draw
	}
	return map[string]any{"algorithm": c.Algorithm, "strata": strata, "drawTotal": total, "team": c.Params.Team, "exclusion": c.Params.Exclusion}
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

// Commit publishes the draw's commitment (frame root, per-stratum N and n, parameters, pool
// digest, H(secret)) before any entropy exists. A draw is committed once.
func (d *Drawer) Commit(ctx context.Context, drawID int) (*ent.Draw, error) {
	ctx, err := d.authorizeDraw(ctx, drawID)
	if err != nil {
		return nil, err
	}
	var out *ent.Draw
	err = txn.Run(ctx, d.Client, func(tx *ent.Tx) error {
		dr, t, err := d.load(ctx, tx, drawID)
		if err != nil {
			return err
		}
		switch dr.Status {
		case entdraw.StatusFROZEN:
		case entdraw.StatusCOMMITTED, entdraw.StatusDRAWN, entdraw.StatusREVEALED:
			return apperr.New(CodeAlreadyCommitted, "任务 %s 的第 %d 次抽取已公布承诺，不能重复承诺", t.Number, dr.Seq)
		default:
			return apperr.New(CodeBadState, "第 %d 次抽取已被重抽取代，不能承诺", dr.Seq)
		}
		now := clock.Now()
		n, err := tx.Draw.Update().Where(entdraw.ID(drawID), entdraw.StatusEQ(entdraw.StatusFROZEN)).
			SetStatus(entdraw.StatusCOMMITTED).SetCommittedAt(now).Save(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			return apperr.New(CodeAlreadyCommitted, "任务 %s 的第 %d 次抽取已由其他操作承诺", t.Number, dr.Seq)
		}
		var commitment draw.Commitment
		if err := json.Unmarshal([]byte(dr.Commitment), &commitment); err != nil {
			return err
		}
		total := 0
		if v, ok := dr.Parameters["drawTotal"].(float64); ok {
			total = int(v)
		}
		if _, err := d.logged(ctx, tx, dr, t, drawevent.KindCOMMIT, publication.KindDRAW_COMMITMENT,
			fmt.Sprintf("抽取承诺：任务 %s 第 %d 次抽取", t.Number, dr.Seq),
			&publish.DrawCommitment{TaskName: t.Name, Commitment: commitment, CommitmentDigest: dr.CommitmentDigest,
				TargetCount: total, Supersedes: dr.SupersedesID, Reason: dr.Reason}, nil); err != nil {
			return err
		}
		if _, err := tasks.Move(ctx, tx, t, task.StatusCOMMITTED); err != nil {
			return err
		}
		if err := tx.Task.UpdateOneID(t.ID).SetAnnouncedTargetCount(total).Exec(ctx); err != nil {
			return err
		}
		out, err = tx.Draw.Get(ctx, drawID)
		return err
	})
	return unwrap(ctx, out), err
}

// Execute accepts the external entropy — exactly as entered — derives the seed, draws the
// targets and their teams and stores them. If the pool cannot satisfy the team rules the draw
// fails; the failed attempt is kept (with its entropy and the reason) and the task must be
// frozen again, so that nobody can try entropies until an outcome suits them.
func (d *Drawer) Execute(ctx context.Context, drawID int, entropy string) (*ent.Draw, error) {
	ctx, err := d.authorizeDraw(ctx, drawID)
	if err != nil {
		return nil, err
	}
	if err := draw.ValidateEntropy(entropy); err != nil {
		return nil, err
	}
	var out *ent.Draw
	var failure error
	err = txn.Run(ctx, d.Client, func(tx *ent.Tx) error {
		dr, t, err := d.load(ctx, tx, drawID)
		if err != nil {
			return err
		}
		switch dr.Status {
		case entdraw.StatusCOMMITTED:
		case entdraw.StatusDRAWN, entdraw.StatusREVEALED:
			return apperr.New(CodeAlreadyDrawn, "任务 %s 的第 %d 次抽取已经完成，不能再次输入外部熵", t.Number, dr.Seq)
		case entdraw.StatusFROZEN:
			return apperr.New(CodeBadState, "第 %d 次抽取尚未公布承诺：须先公布承诺，再输入外部熵", dr.Seq)
		default:
			return apperr.New(CodeBadState, "第 %d 次抽取已被取代，不能抽取", dr.Seq)
		}
		in, fids, err := d.inputs(ctx, tx, drawID)
		if err != nil {
			return err
		}
		secret, seed, err := d.secretAndSeed(dr, entropy)
		if err != nil {
			return err
		}
		// The database work — the draw's new state, the team rows and their audit events — starts
		// on its own goroutine as soon as the targets are drawn, while the teams are ranked; the
		// members follow when the teams are known. Only that goroutine uses the transaction until
		// it has finished.
		var stored chan error
		teams := make(chan []draw.Team, 1)
		o, err := draw.RunWith(in, seed, func(targets []draw.Team) {
			stored = make(chan error, 1)
			go func() { stored <- d.store(ctx, tx, dr, t, seed, entropy, targets, in, fids, teams) }()
		})
		if stored != nil {
			if err != nil {
				teams <- nil // the draw failed: store no members; the transaction rolls back
			} else {
				teams <- o.Teams
			}
			if serr := <-stored; err == nil {
				err = serr
			}
		}
		if err != nil {
			if code := apperr.CodeOf(err); code == draw.CodePoolExhausted || code == draw.CodeReplacementExhausted {
				failure = err
			}
			return err
		}
		od, err := draw.OutcomeDigest(secret, o.Teams)
		if err != nil {
			return err
		}
		if err := d.event(ctx, tx, dr, t, drawevent.KindDRAW, "输入外部熵并抽取", &publish.DrawExecute{
			Entropy: entropy, SeedHash: draw.SeedHash(seed), TargetCount: len(o.Teams), OutcomeDigest: od,
		}, nil); err != nil {
			return err
		}
		if _, err := tasks.Move(ctx, tx, t, task.StatusDRAWN); err != nil {
			return err
		}
		out, err = tx.Draw.Get(ctx, drawID)
		return err
	})
	if failure != nil {
		if rerr := d.recordFailure(ctx, drawID, entropy, failure); rerr != nil {
			return nil, fmt.Errorf("%w (记录失败的抽取时出错：%v)", failure, rerr)
		}
	}
	return unwrap(ctx, out), err
}

// recordFailure keeps a failed draw in its own transaction — the caller's rolls back with the
// error — marking it superseded, with the entropy that was entered and the reason.
func (d *Drawer) recordFailure(ctx context.Context, drawID int, entropy string, cause error) error {
	fctx := viewer.NewContext(context.WithoutCancel(ctx), viewer.FromContext(ctx))
	fctx = ent.NewTxContext(fctx, nil)
	tx, err := d.Client.Tx(fctx)
	if err != nil {
		return err
	}
	ctx2 := ent.NewTxContext(fctx, tx)
	reason := "抽取失败：" + apperr.From(cause).Message
	err = func() error {
		dr, t, err := d.load(ctx2, tx, drawID)
		if err != nil {
			return err
		}
		secret, seed, err := d.secretAndSeed(dr, entropy)
		if err != nil {
			return err
		}
		n, err := tx.Draw.Update().Where(entdraw.ID(drawID), entdraw.StatusEQ(entdraw.StatusCOMMITTED)).
			SetStatus(entdraw.StatusSUPERSEDED).SetExternalEntropy(entropy).SetSeed(seed.String()).SetSecret(hexOf(secret)).
			SetDrawnAt(clock.Now()).SetReason(reason).Save(ctx2)
		if err != nil || n == 0 {
			return err
		}
		leaves, _, err := eventLeaves(ctx2, tx, drawID)
		if err != nil {
			return err
		}
		return d.event(ctx2, tx, dr, t, drawevent.KindFAIL, "抽取失败", &publish.DrawFail{
			Entropy: entropy, Rule: apperr.CodeOf(cause), Message: apperr.From(cause).Message,
			Secret: hexOf(secret), Seed: seed.String(), EventLeaves: leaves,
		}, func(c *ent.DrawEventCreate) { c.SetReason(reason) })
	}()
	if err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// seed derives the draw's seed from its commitment, its secret and the entropy.
// secretAndSeed unseals a committed draw's secret and derives its seed from the entropy.
func (d *Drawer) secretAndSeed(dr *ent.Draw, entropy string) ([]byte, draw.Hash, error) {
	secret, err := d.unseal(dr.Secret, dr.SealedSecret, dr.SecretHash)
	if err != nil {
		return nil, draw.Hash{}, err
	}
	seed, err := d.seed(dr, secret, entropy)
	return secret, seed, err
}

func (d *Drawer) seed(dr *ent.Draw, secret []byte, entropy string) (draw.Hash, error) {
	var c draw.Commitment
	if err := json.Unmarshal([]byte(dr.Commitment), &c); err != nil {
		return draw.Hash{}, err
	}
	_, seed, err := draw.DeriveSeed(c, secret, entropy)
	return seed, err
}

// run derives the seed and runs the kernel.
func (d *Drawer) run(dr *ent.Draw, in draw.Inputs, entropy string) (draw.Hash, *draw.Outcome, error) {
	_, seed, err := d.secretAndSeed(dr, entropy)
	if err != nil {
		return draw.Hash{}, nil, err
	}
	o, err := draw.Run(in, seed)
	return seed, o, err
}

// store records a fresh draw inside tx while its teams are being drawn: the state DRAWN with
// entropy and seed (conditional on the state read, so that of two concurrent draws one
// succeeds), the team rows of the drawn targets with their audit events; then it waits for the
// teams — nil if the draw failed — and stores their members.
func (d *Drawer) store(ctx context.Context, tx *ent.Tx, dr *ent.Draw, t *ent.Task, seed draw.Hash, entropy string,
	targets []draw.Team, in draw.Inputs, fids *frameIDs, teams <-chan []draw.Team) error {
	n, err := tx.Draw.Update().Where(entdraw.ID(dr.ID), entdraw.StatusEQ(entdraw.StatusCOMMITTED)).
		SetStatus(entdraw.StatusDRAWN).SetExternalEntropy(entropy).SetSeed(seed.String()).SetDrawnAt(clock.Now()).Save(ctx)
	if err != nil {
		return err
	}
	if n == 0 {
		return apperr.New(CodeAlreadyDrawn, "任务 %s 的第 %d 次抽取已由其他操作完成", t.Number, dr.Seq)
	}
	ids, iids, err := d.storeTargets(ctx, tx, dr, targets, in, fids)
	if err != nil {
		return err
	}
	drawn := <-teams
	if drawn == nil {
		return nil
	}
	return storeMembers(ctx, tx, d.Dialect, ids, iids, targets, drawn)
}

// outcome recomputes a drawn draw's outcome and replays its logged recusals and replacements.
func (d *Drawer) outcome(ctx context.Context, tx *ent.Tx, dr *ent.Draw, in draw.Inputs) (*draw.Outcome, error) {
	_, o, err := d.run(dr, in, dr.ExternalEntropy)
	if err != nil {
		return nil, err
	}
	evs, err := tx.DrawEvent.Query().Where(drawevent.DrawID(dr.ID), drawevent.KindIn(drawevent.KindRECUSE, drawevent.KindREPLACE)).
		Order(ent.Asc(drawevent.FieldSeq)).All(ctx)
	if err != nil {
		return nil, err
	}
	for _, e := range evs {
		if e.Kind == drawevent.KindRECUSE {
			o, err = draw.Recuse(in, o, e.TargetKey, e.Inspectors, e.Reason)
		} else {
			o, err = draw.Replace(in, o, e.TargetKey, e.Reason)
		}
		if err != nil {
			return nil, err
		}
	}
	return o, nil
}

var teamColumns = []bulk.Column{
	{Name: "id", PGType: "bigint"},
	{Name: "created_at", PGType: "timestamptz"}, {Name: "updated_at", PGType: "timestamptz"},
	{Name: "division_code", PGType: "character varying"}, {Name: "stratum", PGType: "character varying"},
	{Name: "ticket", PGType: "character varying"}, {Name: "position", PGType: "bigint"},
	{Name: "version", PGType: "bigint"}, {Name: "status", PGType: "character varying"},
	{Name: "draw_id", PGType: "bigint"}, {Name: "target_id", PGType: "bigint"},
}

var memberColumns = []bulk.Column{{Name: "inspection_team_id", PGType: "bigint"}, {Name: "inspector_id", PGType: "bigint"}}

// storeTargets inserts the team rows of a fresh draw's targets in bulk — tens of thousands of
// rows on a large frame — with COPY on PostgreSQL and prepared multi-row inserts on SQLite, and
// their audit events. Each event carries the digest of the row computed from the values written
// (the form audit.Verify reads back), so nothing is read back; `ssgk audit verify` checks every
// one. It returns the rows' ids (in the order of targets) and the pool's inspector ids, for
// storeMembers. The targets' row ids come from fids when the frame was frozen in this process.
func (d *Drawer) storeTargets(ctx context.Context, tx *ent.Tx, dr *ent.Draw, teams []draw.Team, in draw.Inputs, fids *frameIDs) ([]int, map[string]int, error) {
	keys := make([]string, len(teams))
	for i, tm := range teams {
		keys[i] = tm.Target
	}
	tids, err := d.targetIDs(ctx, tx, keys, fids)
	if err != nil {
		return nil, nil, err
	}
	iids, err := inspectorIDs(ctx, tx, in.Inspectors)
	if err != nil {
		return nil, nil, err
	}
	ids, err := bulk.ReserveIDs(ctx, tx, d.Dialect, inspectionteam.Table, len(teams))
	if err != nil {
		return nil, nil, err
	}
	cols, err := audit.Columns(ctx, tx, inspectionteam.Table)
	if err != nil {
		return nil, nil, err
	}
	pos := make(map[string]int, len(cols))
	for i, c := range cols {
		pos[c] = i
	}
	for _, c := range teamColumns {
		if _, ok := pos[c.Name]; !ok {
			return nil, nil, fmt.Errorf("drawing: column %s missing from %s", c.Name, inspectionteam.Table)
		}
	}
	if len(cols) != len(teamColumns)+1 { // + reason, always NULL here
		return nil, nil, fmt.Errorf("drawing: %s has columns %v; update teamColumns", inspectionteam.Table, cols)
	}
	digester := audit.NewRowDigester(cols)
	vals := make([]any, len(cols))
	now := time.Now().UTC().Truncate(time.Microsecond)
	w, err := bulk.NewWriter(ctx, tx, d.Dialect, inspectionteam.Table, teamColumns)
	if err != nil {
		return nil, nil, err
	}
	created := make([]audit.CreatedRow, len(teams))
	for i, tm := range teams {
		row := []any{int64(ids[i]), now, now, dr.DivisionCode, tm.Stratum, tm.Ticket.String(), int64(tm.Position),
			int64(1), "ACTIVE", int64(dr.ID), int64(tids[tm.Target])}
		if err := w.Add(row...); err != nil {
			w.Abort()
			return nil, nil, err
		}
		for j, c := range teamColumns {
			vals[pos[c.Name]] = row[j]
		}
		vals[pos["reason"]] = nil
		created[i] = audit.CreatedRow{ID: ids[i], Digest: digester.Digest(vals)}
	}
	if err := w.Close(); err != nil {
		return nil, nil, err
	}
	if err := audit.AppendCreated(audit.WithBatch(ctx, d.Dialect), tx, ent.TypeInspectionTeam, created); err != nil {
		return nil, nil, err
	}
	return ids, iids, nil
}

// storeMembers inserts the members of the teams whose rows storeTargets wrote (ids in the order
// of targets; teams are the drawn teams, in the same order).
func storeMembers(ctx context.Context, tx *ent.Tx, dialectName string, ids []int, iids map[string]int, targets, teams []draw.Team) error {
	if len(teams) != len(targets) {
		return fmt.Errorf("drawing: %d teams for %d stored targets", len(teams), len(targets))
	}
	mw, err := bulk.NewWriter(ctx, tx, dialectName, inspectionteam.MembersTable, memberColumns)
	if err != nil {
		return err
	}
	sets := make(map[int][]int, len(teams))
	for i, tm := range teams {
		if tm.Target != targets[i].Target {
			mw.Abort()
			return fmt.Errorf("drawing: team %d is of %s, the stored row of %s", i, tm.Target, targets[i].Target)
		}
		set := make([]int, 0, len(tm.Members))
		for _, m := range tm.Members {
			if err := mw.Add(int64(ids[i]), int64(iids[m.Inspector])); err != nil {
				mw.Abort()
				return err
			}
			set = append(set, iids[m.Inspector])
		}
		sets[ids[i]] = set
	}
	if err = mw.Close(); err != nil {
		return err
	}
	// The members are business state the audit trail covers as sets per team: the teams are
	// new, so the sets just written are complete and need not be read back.
	return audit.NewJoinSets(ctx, tx, dialectName, inspectionteam.MembersTable, sets)
}

// targetIDs maps business keys to row ids: by USCC, then object code, then registration number,
// then the "id:N" fallback of library.TargetKey. Keys found in known (the frozen frame's ids,
// nil if not at hand) are not looked up.
func (d *Drawer) targetIDs(ctx context.Context, tx *ent.Tx, keys []string, known *frameIDs) (map[string]int, error) {
	out := make(map[string]int, len(keys))
	rest := keys
	if known != nil {
		out = known.resolve(keys)
		rest = notIn(keys, out)
	}
	// PostgreSQL: one array parameter per column, whatever the number of keys; SQLite: lists of
	// 500 placeholders.
	per := 500
	if d.Dialect == dialect.Postgres {
		per = max(len(rest), 1)
	}
	for _, col := range []string{target.FieldUscc, target.FieldObjectCode, target.FieldRegNo} {
		for lo := 0; lo < len(rest); lo += per {
			part := rest[lo:min(lo+per, len(rest))]
			var rows *sql.Rows
			var err error
			if d.Dialect == dialect.Postgres {
				// One index probe per key, in key order: a scalar subquery per element of the
				// sorted list (the planner turns a join with the list into a hash join over the
				// whole table, and "= ANY(array)" costs more too: 0.42–0.48 s against 0.31–0.34 s
				// for 30,000 keys among 1,000,000 targets).
				sorted := slices.Clone(part)
				slices.Sort(sorted)
				rows, err = tx.QueryContext(ctx, `SELECT id, v FROM (SELECT (SELECT id FROM targets WHERE `+col+` = k.v) AS id, k.v
  FROM unnest($1::text[]) AS k(v)) p WHERE id IS NOT NULL`, pq.Array(sorted))
			} else {
				args := make([]any, len(part))
				for i, k := range part {
					args[i] = k
				}
				rows, err = tx.QueryContext(ctx, `SELECT id, `+col+` FROM targets WHERE `+col+` IN (`+d.placeholders(len(part), 1)+`)`, args...)
			}
			if err != nil {
				return nil, err
			}
			for rows.Next() {
				var id int
				var k string
				if err := rows.Scan(&id, &k); err != nil {
					rows.Close()
					return nil, err
				}
				out[k] = id
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, err
			}
		}
		rest = notIn(rest, out)
	}
	for _, k := range rest {
		if s, ok := strings.CutPrefix(k, "id:"); ok {
			if id, err := strconv.Atoi(s); err == nil {
				out[k] = id
				continue
			}
		}
		return nil, apperr.New(apperr.NotFound, "检查对象“%s”已不在对象名录库中", k)
	}
	return out, nil
}

// notIn returns the keys that found does not hold.
func notIn(keys []string, found map[string]int) []string {
	var rest []string
	for _, k := range keys {
		if _, ok := found[k]; !ok {
			rest = append(rest, k)
		}
	}
	return rest
}

// inspectorIDs maps the pool's keys to row ids.
func inspectorIDs(ctx context.Context, tx *ent.Tx, pool []draw.Inspector) (map[string]int, error) {
	out := map[string]int{}
	var certs []string
	for _, x := range pool {
		if id, ok := strings.CutPrefix(x.Key, "EXPERT-"); ok {
			if n, err := strconv.Atoi(id); err == nil {
				out[x.Key] = n
				continue
			}
		}
		certs = append(certs, x.Key)
	}
	for lo := 0; lo < len(certs); lo += 500 {
		xs, err := tx.Inspector.Query().Where(inspector.CertificateNoIn(certs[lo:min(lo+500, len(certs))]...)).All(ctx)
		if err != nil {
			return nil, err
		}
		for _, x := range xs {
			out[*x.CertificateNo] = x.ID
		}
	}
	return out, nil
}

// teamOf returns the active team row of a target key in the draw.
func (d *Drawer) teamOf(ctx context.Context, tx *ent.Tx, drawID int, key string) (*ent.InspectionTeam, error) {
	ids, err := d.targetIDs(ctx, tx, []string{key}, nil)
	if err != nil {
		return nil, err
	}
	id, ok := ids[key]
	if !ok {
		return nil, apperr.New(apperr.NotFound, "检查对象“%s”不存在", key)
	}
	tm, err := tx.InspectionTeam.Query().Where(inspectionteam.DrawID(drawID), inspectionteam.TargetID(id),
		inspectionteam.StatusEQ(inspectionteam.StatusACTIVE)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, apperr.New(draw.CodeNotDrawn, "检查对象“%s”不在本次抽取的有效名单中", key)
	}
	return tm, err
}

// amend applies a recusal or a replacement: the old team row keeps its members and gets the
// status and reason; a new team row holds the redrawn team; the event logs the inputs.
func (d *Drawer) amend(ctx context.Context, drawID int, kind draw.AmendmentKind, key string, recused []string, reasonCode, reason string) (*ent.InspectionTeam, error) {
	ctx, err := d.authorizeDraw(ctx, drawID)
	if err != nil {
		return nil, err
	}
	if kind == draw.AmendRecuse {
		err = checkReasonCode(RecusalReasons, reasonCode, "回避重组")
	} else {
		err = checkReasonCode(ReplacementReasons, reasonCode, "对象替换")
	}
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(reason) == "" {
		return nil, apperr.New(CodeReasonRequired, "回避重组或对象替换须说明原因")
	}
	v := viewer.FromContext(ctx)
	office := v.Kind == viewer.System || v.HasRole(viewer.RoleOffice)
	var out *ent.InspectionTeam
	err = txn.Run(ctx, d.Client, func(tx *ent.Tx) error {
		dr, t, err := d.load(ctx, tx, drawID)
		if err != nil {
			return err
		}
		if dr.Status != entdraw.StatusDRAWN {
			return apperr.New(CodeBadState, "第 %d 次抽取状态为 %s，只有已抽取、尚未揭示的抽取可以回避重组或替换对象", dr.Seq, dr.Status)
		}
		old, err := d.teamOf(ctx, tx, drawID, key)
		if err != nil {
			return err
		}
		n, err := tx.Result.Query().Where(result.TaskID(t.ID), result.TargetID(old.TargetID)).Count(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			return apperr.New(CodeResultsExist, "检查对象“%s”已录入检查结果，不能再回避重组或替换", key)
		}
		over := false
		if kind == draw.AmendRecuse {
			done, err := tx.DrawEvent.Query().Where(drawevent.DrawID(drawID), drawevent.KindEQ(drawevent.KindRECUSE), drawevent.TargetKey(key)).Count(ctx)
			if err != nil {
				return err
			}
			if over = done >= MaxRecusals; over && !office {
				return apperr.New(CodeRecusalLimit, "检查对象“%s”的检查组已回避重组 %d 次，再次回避须由联席会议办公室办理", key, done)
			}
		}
		in, _, err := d.inputs(ctx, tx, drawID)
		if err != nil {
			return err
		}
		o, err := d.outcome(ctx, tx, dr, in)
		if err != nil {
			return err
		}
		if kind == draw.AmendRecuse {
			o, err = draw.Recuse(in, o, key, recused, reason)
		} else {
			o, err = draw.Replace(in, o, key, reason)
		}
		if err != nil {
			return err
		}
		a := o.Amendments[len(o.Amendments)-1]
		status, version, newKey := inspectionteam.StatusRECUSED, old.Version+1, key
		if kind == draw.AmendReplace {
			status, version, newKey = inspectionteam.StatusREPLACED, 1, a.Replacement.Key
		}
		if err := tx.InspectionTeam.UpdateOneID(old.ID).SetStatus(status).SetReason(reason).Exec(ctx); err != nil {
			return err
		}
		tids, err := d.targetIDs(ctx, tx, []string{newKey}, nil)
		if err != nil {
			return err
		}
		iids, err := inspectorIDs(ctx, tx, in.Inspectors)
		if err != nil {
			return err
		}
		members := make([]int, len(a.Team.Members))
		for i, m := range a.Team.Members {
			members[i] = iids[m.Inspector]
		}
		if out, err = tx.InspectionTeam.Create().SetDrawID(drawID).SetTargetID(tids[newKey]).SetStratum(a.Team.Stratum).
			SetTicket(a.Team.Ticket.String()).SetPosition(a.Team.Position).SetVersion(version).SetReason(reason).
			SetDivisionCode(dr.DivisionCode).AddMemberIDs(members...).Save(ctx); err != nil {
			return err
		}
		k, label := drawevent.KindRECUSE, "回避重组"
		if kind == draw.AmendReplace {
			k, label = drawevent.KindREPLACE, "对象替换"
		}
		secret, err := d.unseal(dr.Secret, dr.SealedSecret, dr.SecretHash)
		if err != nil {
			return err
		}
		ad, err := draw.AmendmentDigest(secret, a)
		if err != nil {
			return err
		}
		return d.event(ctx, tx, dr, t, k, label, &publish.DrawAmendment{
			Amendment: len(o.Amendments), ReasonCode: reasonCode, OfficeApproved: over, AmendmentDigest: ad,
		}, func(c *ent.DrawEventCreate) {
			c.SetTargetKey(key).SetReason(reason).SetReasonCode(reasonCode)
			if kind == draw.AmendRecuse {
				c.SetInspectors(a.Recused)
			} else {
				c.SetReplacementKey(newKey)
			}
		})
	})
	return unwrapTeam(ctx, out), err
}

// Recuse redraws a target's team without the recused inspectors (an enterprise's recusal
// request or a newly found conflict), from the same seed's order. reasonCode is one of
// RecusalReasons; a target's team is recused at most MaxRecusals times unless the office runs it.
func (d *Drawer) Recuse(ctx context.Context, drawID int, targetKey string, inspectors []string, reasonCode, reason string) (*ent.InspectionTeam, error) {
	return d.amend(ctx, drawID, draw.AmendRecuse, targetKey, inspectors, reasonCode, reason)
}

// Replace replaces a target found closed by the next target of its stratum's replacement order.
// reasonCode is one of ReplacementReasons.
func (d *Drawer) Replace(ctx context.Context, drawID int, targetKey, reasonCode, reason string) (*ent.InspectionTeam, error) {
	return d.amend(ctx, drawID, draw.AmendReplace, targetKey, nil, reasonCode, reason)
}

// Pending counts the drawn targets × departments with items that have no published result.
func Pending(ctx context.Context, client *ent.Client, dr *ent.Draw) (int, error) {
	targets, err := client.InspectionTeam.Query().Where(inspectionteam.DrawID(dr.ID), inspectionteam.StatusEQ(inspectionteam.StatusACTIVE)).
		Select(inspectionteam.FieldTargetID).Ints(ctx)
	if err != nil {
		return 0, err
	}
	depts, err := client.TaskItem.Query().Where(taskitem.TaskID(dr.TaskID)).Unique(true).Select(taskitem.FieldDepartmentID).Ints(ctx)
	if err != nil {
		return 0, err
	}
	type pair struct{ t, d int }
	done := map[pair]bool{}
	var rs []struct {
		TargetID     int `json:"target_id"`
		DepartmentID int `json:"department_id"`
	}
	if err := client.Result.Query().Where(result.TaskID(dr.TaskID), result.StatusEQ(result.StatusPUBLISHED)).
		Select(result.FieldTargetID, result.FieldDepartmentID).Scan(ctx, &rs); err != nil {
		return 0, err
	}
	for _, r := range rs {
		done[pair{r.TargetID, r.DepartmentID}] = true
	}
	n := 0
	for _, t := range targets {
		for _, dp := range depts {
			if !done[pair{t, dp}] {
				n++
			}
		}
	}
	return n, nil
}

// Reveal publishes the server secret once every drawn target's results are published, so
// that anybody can re-derive the draw from the bundle.
func (d *Drawer) Reveal(ctx context.Context, drawID int) (*ent.Draw, error) {
	ctx, err := d.authorizeDraw(ctx, drawID)
	if err != nil {
		return nil, err
	}
	var out *ent.Draw
	err = txn.Run(ctx, d.Client, func(tx *ent.Tx) error {
		dr, t, err := d.load(ctx, tx, drawID)
		if err != nil {
			return err
		}
		if dr.Status != entdraw.StatusDRAWN {
			return apperr.New(CodeBadState, "第 %d 次抽取状态为 %s，只有已抽取的抽取可以揭示", dr.Seq, dr.Status)
		}
		n, err := Pending(ctx, tx.Client(), dr)
		if err != nil {
			return err
		}
		if n > 0 {
			return apperr.New(CodeResultsPending, "任务 %s 还有 %d 项检查结果未公示，结果全部公示后才能公开服务端密钥", t.Number, n)
		}
		secret, err := d.unseal(dr.Secret, dr.SealedSecret, dr.SecretHash)
		if err != nil {
			return err
		}
		in, _, err := d.inputs(ctx, tx, drawID)
		if err != nil {
			return err
		}
		o, err := d.outcome(ctx, tx, dr, in)
		if err != nil {
			return err
		}
		fd, err := draw.FinalDigest(o.CurrentTeams())
		if err != nil {
			return err
		}
		leaves, evs, err := eventLeaves(ctx, tx, drawID)
		if err != nil {
			return err
		}
		recusals, replacements := 0, 0
		for _, e := range evs {
			switch e.Kind {
			case drawevent.KindRECUSE:
				recusals++
			case drawevent.KindREPLACE:
				replacements++
			}
		}
		now := clock.Now()
		if m, err := tx.Draw.Update().Where(entdraw.ID(drawID), entdraw.StatusEQ(entdraw.StatusDRAWN)).
			SetStatus(entdraw.StatusREVEALED).SetRevealedAt(now).SetSecret(hexOf(secret)).Save(ctx); err != nil || m == 0 {
			if err == nil {
				err = apperr.New(CodeBadState, "第 %d 次抽取已由其他操作揭示", dr.Seq)
			}
			return err
		}
		if _, err := d.logged(ctx, tx, dr, t, drawevent.KindREVEAL, publication.KindDRAW_REVEAL,
			fmt.Sprintf("抽取揭示：任务 %s 第 %d 次抽取", t.Number, dr.Seq),
			&publish.DrawReveal{Secret: hexOf(secret), SecretHash: dr.SecretHash,
				Entropy: dr.ExternalEntropy, Seed: dr.Seed, CommitmentDigest: dr.CommitmentDigest,
				Amendments: len(o.Amendments), Recusals: recusals, Replacements: replacements,
				EventLeaves: leaves, OutcomeDigest: fd}, nil); err != nil {
			return err
		}
		out, err = tx.Draw.Get(ctx, drawID)
		return err
	})
	return unwrap(ctx, out), err
}

// Bundle rebuilds the verification bundle of a revealed draw from its frozen inputs, its
// commitment, entropy and secret and its logged amendments, and checks that the teams stored in
// the database are the ones the algorithm gives.
func (d *Drawer) Bundle(ctx context.Context, drawID int) (*draw.Bundle, error) {
	var out *draw.Bundle
	err := txn.Run(ctx, d.Client, func(tx *ent.Tx) error {
		dr, err := tx.Draw.Get(ctx, drawID)
		if err != nil {
			return err
		}
		if dr.Status != entdraw.StatusREVEALED {
			return apperr.New(CodeNotRevealed, "第 %d 次抽取尚未揭示：结果全部公示、服务端密钥公开后才能下载核验包", dr.Seq)
		}
		in, _, err := d.inputs(ctx, tx, drawID)
		if err != nil {
			return err
		}
		o, err := d.outcome(ctx, tx, dr, in)
		if err != nil {
			return err
		}
		if err := d.checkStored(ctx, tx, dr, o); err != nil {
			return err
		}
		var c draw.Commitment
		if err := json.Unmarshal([]byte(dr.Commitment), &c); err != nil {
			return err
		}
		secret, err := hex.DecodeString(dr.Secret)
		if err != nil {
			return err
		}
		if out, err = draw.NewBundle(in, c, dr.ExternalEntropy, secret, o); err != nil {
			return err
		}
		_, evs, err := eventLeaves(ctx, tx, drawID)
		if err != nil {
			return err
		}
		lg := &draw.Log{Format: draw.LogFormat, Events: []draw.LogEvent{}}
		for _, e := range evs {
			if e.LedgerIndex == nil {
				return nil // a draw made before the event log: a v1 bundle
			}
			lg.Events = append(lg.Events, draw.LogEvent{Event: eventName(e.Kind), Leaf: *e.LedgerIndex})
		}
		out.Log = lg
		return nil
	})
	return out, err
}

// checkStored compares the active teams in the database with the recomputed outcome.
func (d *Drawer) checkStored(ctx context.Context, tx *ent.Tx, dr *ent.Draw, o *draw.Outcome) error {
	stored, err := tx.InspectionTeam.Query().Where(inspectionteam.DrawID(dr.ID), inspectionteam.StatusEQ(inspectionteam.StatusACTIVE)).
		WithTarget().WithMembers().All(ctx)
	if err != nil {
		return err
	}
	want := map[string][]string{}
	for _, tm := range o.CurrentTeams() {
		ks := []string{}
		for _, m := range tm.Members {
			ks = append(ks, m.Inspector)
		}
		want[tm.Target] = ks
	}
	if len(stored) != len(want) {
		return apperr.New(draw.CodeVerifyMismatch, "数据库中的有效检查组数（%d）与重新计算的结果（%d）不一致", len(stored), len(want))
	}
	for _, s := range stored {
		k := library.TargetKey(s.Edges.Target)
		ks, ok := want[k]
		if !ok || len(ks) != len(s.Edges.Members) {
			return apperr.New(draw.CodeVerifyMismatch, "数据库中检查对象“%s”的检查组与重新计算的结果不一致", k)
		}
		have := map[string]bool{}
		for _, m := range s.Edges.Members {
			have[InspectorKey(m)] = true
		}
		for _, x := range ks {
			if !have[x] {
				return apperr.New(draw.CodeVerifyMismatch, "数据库中检查对象“%s”的检查组与重新计算的结果不一致", k)
			}
		}
	}
	return nil
}

// CloseTask closes a task once every drawn target's results are published (a task still
// inspecting passes through REPORTING). The draw can then be revealed.
func (d *Drawer) CloseTask(ctx context.Context, taskID int) (*ent.Task, error) {
	ctx, err := d.authorizeTask(ctx, taskID)
	if err != nil {
		return nil, err
	}
	var out *ent.Task
	err = txn.Run(ctx, d.Client, func(tx *ent.Tx) error {
		t, err := tx.Task.Get(ctx, taskID)
		if err != nil {
			return err
		}
		dr, err := tx.Draw.Query().Where(entdraw.TaskID(taskID), entdraw.StatusIn(entdraw.StatusDRAWN, entdraw.StatusREVEALED)).Only(ctx)
		if ent.IsNotFound(err) {
			return apperr.New(tasks.CodeBadTransition, "任务 %s 尚未完成抽取，不能办结", t.Number)
		}
		if err != nil {
			return err
		}
		n, err := Pending(ctx, tx.Client(), dr)
		if err != nil {
			return err
		}
		if n > 0 {
			return apperr.New(CodeResultsPending, "任务 %s 还有 %d 项检查结果未公示，不能办结", t.Number, n)
		}
		if t.Status == task.StatusINSPECTING {
			if t, err = tasks.Move(ctx, tx, t, task.StatusREPORTING); err != nil {
				return err
			}
		}
		out, err = tasks.Move(ctx, tx, t, task.StatusCLOSED)
		return err
	})
	return out, err
}
