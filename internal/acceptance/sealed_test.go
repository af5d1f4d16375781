package acceptance

import (
	"strings"
	"testing"

	entdraw "github.com/ssgk/ssgk/ent/draw"
	"github.com/ssgk/ssgk/internal/viewer"
)

// TestSealed_RankingOfficeOnlyUntilReveal: before the reveal the seed, the tickets and the
// positions — from which the inspectors' ranking follows — are the office's only; the task's
// departments see their teams (targets and members) but not the ranking, and no filter probes
// the seed. After the reveal they are public like the rest of the draw.
func TestSealed_RankingOfficeOnlyUntilReveal(t *testing.T) {
	t.Parallel()
	h := newDemoHub(t)
	o := h.ongoingTask()
	admin := h.token("SCJG", viewer.RoleDeptAdmin)
	wjAdmin := h.token("WJ", viewer.RoleDeptAdmin)
	office := h.token("SCJG", viewer.RoleOffice)
	drawQ := `query($id: ID!) { node(id: $id) { ... on Draw { status seed } } }`
	teamsQ := `query($id: ID!) { node(id: $id) { ... on Draw { teams(first: 50) { edges { node { ticket position target { name } } } } } } }`
	membersQ := `query($id: ID!) { node(id: $id) { ... on Draw { teams(first: 50) { totalCount edges { node { stratum target { name } members { name } } } } } } }`
	vars := map[string]any{"id": o.DrawID}
	for who, tok := range map[string]string{"initiator's administrator": admin, "participant's administrator": wjAdmin} {
		for _, q := range []string{drawQ, teamsQ} {
			r := h.gql(tok, q, vars)
			if !r.has("FORBIDDEN_FIELD") || !strings.Contains(r.Raw, "揭示前") {
				t.Errorf("%s reads the ranking before the reveal: %s", who, r.Raw)
			}
		}
		if r := h.gql(tok, membersQ, vars); len(r.Errors) > 0 || !strings.Contains(r.Raw, `"members"`) {
			t.Errorf("%s does not see its teams: %s", who, r.Raw)
		}
	}
	for _, q := range []string{drawQ, teamsQ} {
		if r := h.gql(office, q, vars); len(r.Errors) > 0 || strings.Contains(r.Raw, `"seed":null`) {
			t.Errorf("the office does not read the ranking: %s", r.Raw)
		}
	}
	// No filter may probe the seed.
	if r := h.gql(admin, `{ draws(where: {seedHasPrefix: "0"}) { totalCount } }`, nil); len(r.Errors) == 0 {
		t.Errorf("a filter on the seed is accepted: %s", r.Raw)
	}
	// The sample year's draw is revealed: its seed and tickets are public.
	rev := h.db.Client.Draw.Query().Where(entdraw.StatusEQ(entdraw.StatusREVEALED)).FirstIDX(h.sys)
	for _, q := range []string{drawQ, teamsQ} {
		if r := h.gql(wjAdmin, q, map[string]any{"id": rev}); len(r.Errors) > 0 {
			t.Errorf("the ranking of a revealed draw is refused: %s", r.Raw)
		}
	}
}
