package draws

import (
	"context"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/draw"
	"github.com/ssgk/ssgk/internal/tasks"
)

// specialStratum is the one stratum of a special (定向) task that names its targets.
const specialStratum = "SPECIAL"

// The hook for special tasks (tasks.NamedTargets): no target sampling — the frame is the named
// targets, in one stratum whose count is all of them, so the verifiable draw takes every
// eligible one — while the inspectors are drawn exactly as for any task, with every team rule.
// A named target that has closed (注销、吊销…) is excluded with its reason like in any frame.

// specialStrata is the stratum of a special task, nil for a task drawn from its libraries.
func specialStrata(t *ent.Task) []draw.StratumSpec {
	n := len(tasks.NamedTargets(t))
	if n == 0 {
		return nil
	}
	return []draw.StratumSpec{{Name: specialStratum, Mode: draw.ModeCount, Count: int64(n)}}
}

// specialFrame is the frame of a special task: its named targets.
func (d *Drawer) specialFrame(ctx context.Context, tx *ent.Tx, t *ent.Task) (*draw.Frame, *frameIDs, error) {
	ids := tasks.NamedTargets(t)
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	q := `SELECT ` + targetKeySQL + `, t.status = 'EXISTING' FROM targets t WHERE t.id IN (` + d.placeholders(len(ids), 1) + `)`
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	fb := draw.NewFrameBuilder()
	n := 0
	for rows.Next() {
		var key string
		var existing bool
		if err := rows.Scan(&key, &existing); err != nil {
			return nil, nil, err
		}
		n++
		if existing {
			err = fb.Eligible(specialStratum, key)
		} else {
			err = fb.Excluded(specialStratum, key, draw.ReasonClosed)
		}
		if err != nil {
			return nil, nil, err
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	if n != len(ids) {
		return nil, nil, apperr.New(tasks.CodeInvalid, "任务 %s 点名的检查对象中有 %d 个不存在", t.Number, len(ids)-n)
	}
	f, err := fb.Frame()
	if err != nil {
		return nil, nil, err
	}
	return f, nil, nil
}
