package results_test

import (
	"testing"

	"github.com/ssgk/ssgk/ent/followupaction"
	"github.com/ssgk/ssgk/ent/followupoption"
	"github.com/ssgk/ssgk/internal/codes"
	"github.com/ssgk/ssgk/internal/results"
)

// TestPublish_AbnormalCodeListsTheTargetAndOpensAFollowUp: a published result with a code that
// leads to the abnormal list (未按规定公示应当公示的信息) sets the target's list status and opens
// the follow-up "列入经营异常名录" beside the one the inspector chose; a result without such a
// code does neither.
func TestPublish_AbnormalCodeListsTheTargetAndOpensAFollowUp(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	at := results.PublishOptions{}
	clean := h.published(h.input(h.b, day("2026-10-08")), at)
	if h.client.Target.GetX(h.sys, h.b.ID).AbnormalList || h.client.FollowUpAction.Query().Where(followupaction.ResultID(clean.ID)).CountX(h.sys) != 0 {
		t.Fatal("a result without a 经营异常 code listed the target or opened a follow-up")
	}
	r := h.published(h.problemInput(h.a, day("2026-10-08"), "ORDER_CORRECTION"), at)
	if !r.AbnormalFlag {
		t.Fatal("abnormal flag not set")
	}
	if !h.client.Target.GetX(h.sys, h.a.ID).AbnormalList {
		t.Fatal("the target's abnormal-list status is unchanged")
	}
	acts := h.client.FollowUpAction.Query().Where(followupaction.ResultID(r.ID)).WithOption().
		Order(followupaction.ByID()).AllX(h.sys)
	if len(acts) != 2 || acts[0].Edges.Option.Code != codes.AbnormalListFollowUp || acts[1].Edges.Option.Code != "ORDER_CORRECTION" ||
		acts[0].Status != followupaction.StatusOPEN {
		t.Fatalf("follow-ups = %+v", acts)
	}
	if n := h.client.FollowUpOption.Query().Where(followupoption.Code(codes.AbnormalListFollowUp)).CountX(h.sys); n != 1 {
		t.Fatalf("%d ABNORMAL_LIST options", n)
	}
}
