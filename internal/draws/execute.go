package draws

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	"github.com/lib/pq"

	"github.com/ssgk/ssgk/ent"
	entdraw "github.com/ssgk/ssgk/ent/draw"
	"github.com/ssgk/ssgk/ent/drawevent"
	"github.com/ssgk/ssgk/ent/inspectionteam"
	"github.com/ssgk/ssgk/ent/inspector"
	"github.com/ssgk/ssgk/ent/target"
	"github.com/ssgk/ssgk/ent/task"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/audit"
	"github.com/ssgk/ssgk/internal/bulk"
	"github.com/ssgk/ssgk/internal/clock"
	"github.com/ssgk/ssgk/internal/draw"
	"github.com/ssgk/ssgk/internal/publish"
	"github.com/ssgk/ssgk/internal/tasks"
	"github.com/ssgk/ssgk/internal/viewer"
)

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
	err = d.withDraw(ctx, drawID, func(tx *ent.Tx, dr *ent.Draw, t *ent.Task) error {
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
			SetDrawnAt(clock.Now(ctx)).SetReason(reason).Save(ctx2)
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
		SetStatus(entdraw.StatusDRAWN).SetExternalEntropy(entropy).SetSeed(seed.String()).SetDrawnAt(clock.Now(ctx)).Save(ctx)
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
	return storeMembers(ctx, tx, ids, iids, targets, drawn)
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
	ids, err := bulk.ReserveIDs(ctx, tx, inspectionteam.Table, len(teams))
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
			return nil, nil, fmt.Errorf("draws: column %s missing from %s", c.Name, inspectionteam.Table)
		}
	}
	if len(cols) != len(teamColumns)+1 { // + reason, always NULL here
		return nil, nil, fmt.Errorf("draws: %s has columns %v; update teamColumns", inspectionteam.Table, cols)
	}
	digester := audit.NewRowDigester(cols)
	vals := make([]any, len(cols))
	now := time.Now().UTC().Truncate(time.Microsecond)
	w, err := bulk.NewWriter(ctx, tx, inspectionteam.Table, teamColumns)
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
	if err := audit.AppendCreated(audit.WithBatch(ctx), tx, ent.TypeInspectionTeam, created); err != nil {
		return nil, nil, err
	}
	return ids, iids, nil
}

// storeMembers inserts the members of the teams whose rows storeTargets wrote (ids in the order
// of targets; teams are the drawn teams, in the same order).
func storeMembers(ctx context.Context, tx *ent.Tx, ids []int, iids map[string]int, targets, teams []draw.Team) error {
	if len(teams) != len(targets) {
		return fmt.Errorf("draws: %d teams for %d stored targets", len(teams), len(targets))
	}
	mw, err := bulk.NewWriter(ctx, tx, inspectionteam.MembersTable, memberColumns)
	if err != nil {
		return err
	}
	sets := make(map[int][]int, len(teams))
	for i, tm := range teams {
		if tm.Target != targets[i].Target {
			mw.Abort()
			return fmt.Errorf("draws: team %d is of %s, the stored row of %s", i, tm.Target, targets[i].Target)
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
	return audit.NewJoinSets(ctx, tx, inspectionteam.MembersTable, sets)
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
	if d.Client.Dialect() == dialect.Postgres {
		per = max(len(rest), 1)
	}
	for _, col := range []string{target.FieldUscc, target.FieldObjectCode, target.FieldRegNo} {
		for lo := 0; lo < len(rest); lo += per {
			part := rest[lo:min(lo+per, len(rest))]
			var rows *sql.Rows
			var err error
			if d.Client.Dialect() == dialect.Postgres {
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
