package results

import (
	"context"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/evidence"
	"github.com/ssgk/ssgk/ent/inspectionmethod"
	"github.com/ssgk/ssgk/ent/result"
	"github.com/ssgk/ssgk/ent/resultcode"
	"github.com/ssgk/ssgk/ent/resultitem"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/viewer"
)

// Hooks returns the result rules as ent hooks; hub.Open installs them on every client:
//
//   - a published result (一公开) never changes (domain.md §2.8): no update or delete of the
//     result, of its items or evidence, and no change of its code, method or item-code links,
//     from whichever side of the edge. A correction is a new version (Correct).
//   - the status of a result changes only through this package's workflow (Submit, Return,
//     Approve, Publish, Correct); operator commands (System viewers) may seed results.
//
// InstallTriggers adds the same protection in the database, for writes that bypass ent.
func Hooks() []ent.Hook {
	return []ent.Hook{guard}
}

func guard(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		var err error
		switch m := m.(type) {
		case *ent.ResultMutation:
			err = checkResult(ctx, m)
		case *ent.ResultItemMutation:
			err = checkResultItem(ctx, m)
		case *ent.EvidenceMutation:
			err = checkEvidence(ctx, m)
		case *ent.ResultCodeMutation:
			err = checkResultCode(ctx, m)
		case *ent.InspectionMethodMutation:
			err = checkMethod(ctx, m)
		}
		if err != nil {
			return nil, err
		}
		return next.Mutate(ctx, m)
	})
}

func isUpdateOrDelete(m ent.Mutation) bool {
	return m.Op().Is(ent.OpUpdate | ent.OpUpdateOne | ent.OpDelete | ent.OpDeleteOne)
}

// anyPublished reports whether any of the results is published.
func anyPublished(ctx context.Context, client *ent.Client, ids ...int) (bool, error) {
	if len(ids) == 0 {
		return false, nil
	}
	return client.Result.Query().Where(result.IDIn(ids...), result.StatusEQ(result.StatusPUBLISHED)).Exist(ctx)
}

func checkResult(ctx context.Context, m *ent.ResultMutation) error {
	if s, ok := m.Status(); ok && !isWorkflow(ctx) && viewer.FromContext(ctx).Kind != viewer.System {
		if !(m.Op().Is(ent.OpCreate) && s == result.StatusDRAFT) {
			return apperr.New(CodeBadState, "检查结果的状态只能通过提交审核、退回、审核通过和公示改变")
		}
	}
	if m.Op().Is(ent.OpCreate) {
		return nil
	}
	ids, err := m.IDs(ctx)
	if err != nil {
		return err
	}
	if pub, err := anyPublished(ctx, m.Client(), ids...); err != nil || pub {
		if err == nil {
			err = immutable()
		}
		return err
	}
	return nil
}

func checkResultItem(ctx context.Context, m *ent.ResultItemMutation) error {
	var resultIDs []int
	if id, ok := m.ResultID(); ok {
		resultIDs = append(resultIDs, id)
	}
	if isUpdateOrDelete(m) {
		ids, err := m.IDs(ctx)
		if err != nil {
			return err
		}
		if len(ids) > 0 {
			old, err := m.Client().ResultItem.Query().Where(resultitem.IDIn(ids...)).Select(resultitem.FieldResultID).Ints(ctx)
			if err != nil {
				return err
			}
			resultIDs = append(resultIDs, old...)
		}
	}
	if pub, err := anyPublished(ctx, m.Client(), resultIDs...); err != nil || pub {
		if err == nil {
			err = immutable()
		}
		return err
	}
	return nil
}

func checkEvidence(ctx context.Context, m *ent.EvidenceMutation) error {
	var resultIDs []int
	if id, ok := m.ResultID(); ok {
		resultIDs = append(resultIDs, id)
	}
	if isUpdateOrDelete(m) {
		ids, err := m.IDs(ctx)
		if err != nil {
			return err
		}
		if len(ids) > 0 {
			old, err := m.Client().Evidence.Query().Where(evidence.IDIn(ids...)).Select(evidence.FieldResultID).Ints(ctx)
			if err != nil {
				return err
			}
			resultIDs = append(resultIDs, old...)
		}
	}
	if pub, err := anyPublished(ctx, m.Client(), resultIDs...); err != nil || pub {
		if err == nil {
			err = immutable()
		}
		return err
	}
	return nil
}

// checkResultCode guards the result_code_links and result_item_codes tables from the code
// side: linking, unlinking, clearing, and deleting a code (the links cascade).
func checkResultCode(ctx context.Context, m *ent.ResultCodeMutation) error {
	client := m.Client()
	resultIDs := append(m.ResultsIDs(), m.RemovedResultsIDs()...)
	itemIDs := append(m.ResultItemsIDs(), m.RemovedResultItemsIDs()...)
	if !m.Op().Is(ent.OpCreate) && (m.ResultsCleared() || m.ResultItemsCleared() || m.Op().Is(ent.OpDelete|ent.OpDeleteOne)) {
		ids, err := m.IDs(ctx)
		if err != nil {
			return err
		}
		if len(ids) > 0 {
			linked, err := client.Result.Query().Where(result.HasCodesWith(resultcode.IDIn(ids...))).IDs(ctx)
			if err != nil {
				return err
			}
			resultIDs = append(resultIDs, linked...)
			linkedItems, err := client.ResultItem.Query().Where(resultitem.HasCodesWith(resultcode.IDIn(ids...))).IDs(ctx)
			if err != nil {
				return err
			}
			itemIDs = append(itemIDs, linkedItems...)
		}
	}
	if len(itemIDs) > 0 {
		owners, err := client.ResultItem.Query().Where(resultitem.IDIn(itemIDs...)).Select(resultitem.FieldResultID).Ints(ctx)
		if err != nil {
			return err
		}
		resultIDs = append(resultIDs, owners...)
	}
	if pub, err := anyPublished(ctx, client, resultIDs...); err != nil || pub {
		if err == nil {
			err = immutable()
		}
		return err
	}
	return nil
}

// checkMethod guards the result_methods table from the method side.
func checkMethod(ctx context.Context, m *ent.InspectionMethodMutation) error {
	client := m.Client()
	resultIDs := append(m.ResultsIDs(), m.RemovedResultsIDs()...)
	if !m.Op().Is(ent.OpCreate) && (m.ResultsCleared() || m.Op().Is(ent.OpDelete|ent.OpDeleteOne)) {
		ids, err := m.IDs(ctx)
		if err != nil {
			return err
		}
		if len(ids) > 0 {
			linked, err := client.Result.Query().Where(result.HasMethodsWith(inspectionmethod.IDIn(ids...))).IDs(ctx)
			if err != nil {
				return err
			}
			resultIDs = append(resultIDs, linked...)
		}
	}
	if pub, err := anyPublished(ctx, client, resultIDs...); err != nil || pub {
		if err == nil {
			err = immutable()
		}
		return err
	}
	return nil
}
