// Package hooks holds the one helper the rule packages use to attach a check to the mutations of
// one entity type.
package hooks

import (
	"context"

	"github.com/ssgk/ssgk/ent"
)

// On runs check before every mutation of entity type typ; an error refuses the mutation.
func On(typ string, check func(context.Context, ent.Mutation) error) ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			if m.Type() == typ {
				if err := check(ctx, m); err != nil {
					return nil, err
				}
			}
			return next.Mutate(ctx, m)
		})
	}
}
