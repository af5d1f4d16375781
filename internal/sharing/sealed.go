package sharing

import (
	"context"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/draw"
	"github.com/ssgk/ssgk/internal/viewer"
)

// sealedUntilReveal are the fields that rank candidates and inspectors — a draw's seed, a drawn
// target's ticket and position. Knowing them before the results are out would let an insider
// choose recusals until a wanted inspector lands on a target (issue 18), so until the draw is
// revealed only the office (and operator commands) read them; the task's departments see their
// teams, not the ranking. After the reveal they follow their class like any field. They have no
// filters (entgql.SkipWhereInput), so no query can probe them either.
var sealedUntilReveal = map[string]map[string]bool{
	ent.TypeDraw:           {"seed": true},
	ent.TypeInspectionTeam: {"ticket": true, "position": true},
}

// sealedField reports whether typ.field is sealed until its draw's reveal.
func sealedField(typ, field string) bool { return sealedUntilReveal[typ][field] }

// sealedReason is the reason given with a refused sealed field (FORBIDDEN_FIELD).
const sealedReason = "抽取揭示前，种子、抽签值与名次仅联席会议办公室可见"

// checkSealed refuses a sealed field of a draw not yet revealed to all but the office.
func (r *Reader) checkSealed(ctx context.Context, typ, field string, obj any) error {
	if r.v.Kind == viewer.System || r.v.HasRole(viewer.RoleOffice) {
		return nil
	}
	revealed, err := r.drawRevealed(ctx, obj)
	if err != nil || revealed {
		return err
	}
	rule, _ := Lookup(typ, field)
	return Forbidden(typ, field, rule, sealedReason)
}

// drawRevealed reports whether the draw a Draw or InspectionTeam belongs to is revealed; the
// answer for a team is looked up once per draw and read.
func (r *Reader) drawRevealed(ctx context.Context, obj any) (bool, error) {
	var id int
	switch x := obj.(type) {
	case *ent.Draw:
		return x.Status == draw.StatusREVEALED, nil
	case *ent.InspectionTeam:
		id = x.DrawID
	default:
		return false, nil // unknown holder: sealed
	}
	r.mu.Lock()
	st, ok := r.revealed[id]
	r.mu.Unlock()
	if ok {
		return st, nil
	}
	n, err := r.client.Draw.Query().Where(draw.ID(id), draw.StatusEQ(draw.StatusREVEALED)).Count(ctx)
	if err != nil {
		return false, err
	}
	r.mu.Lock()
	if r.revealed == nil {
		r.revealed = map[int]bool{}
	}
	r.revealed[id] = n > 0
	r.mu.Unlock()
	return n > 0, nil
}
