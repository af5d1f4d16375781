package draws

import (
	"context"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/internal/apperr"
)

// CodeAppendOnly refuses a deletion or rewrite of the draw's record.
const CodeAppendOnly = "DRAW_APPEND_ONLY"

// Hooks keep draws append-only (design.md §4.8): draws and teams are never deleted, and the
// frozen inputs and the event log are never changed or deleted. States advance through this
// package only.
func Hooks() []ent.Hook {
	return []ent.Hook{func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			switch m.Type() {
			case ent.TypeDraw, ent.TypeInspectionTeam:
				if m.Op().Is(ent.OpDelete | ent.OpDeleteOne) {
					return nil, apperr.New(CodeAppendOnly, "抽取记录只增不删：不能删除抽取或检查组；重抽须重新冻结并说明原因")
				}
			case ent.TypeDrawEvent, ent.TypeDrawSnapshot:
				if !m.Op().Is(ent.OpCreate) {
					return nil, apperr.New(CodeAppendOnly, "抽取事件与抽取输入快照写入后不能修改或删除")
				}
			}
			return next.Mutate(ctx, m)
		})
	}}
}
