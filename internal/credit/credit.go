// Package credit serves the credit centre (信用中心): an enterprise's whole published
// inspection history by USCC, and the change feed of public acts in transparency-log order —
// stable, gap-free cursors, so that a nightly sync never misses or duplicates a record.
package credit

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/correction"
	"github.com/ssgk/ssgk/ent/draw"
	"github.com/ssgk/ssgk/ent/followupaction"
	"github.com/ssgk/ssgk/ent/inspectionteam"
	"github.com/ssgk/ssgk/ent/predicate"
	"github.com/ssgk/ssgk/ent/publication"
	"github.com/ssgk/ssgk/ent/result"
	"github.com/ssgk/ssgk/ent/target"
	"github.com/ssgk/ssgk/ent/task"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/sharing"
	"github.com/ssgk/ssgk/internal/uscc"
	"github.com/ssgk/ssgk/internal/viewer"
)

// Error codes.
const (
	CodeBadCursor = "INVALID_CURSOR"
	// MaxPage is the largest page of the change feed.
	MaxPage = 10000
)

// Target returns the target with the USCC (nil when the hub has none).
func Target(ctx context.Context, client *ent.Client, code string) (*ent.Target, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	if err := uscc.Validate(code); err != nil {
		return nil, err
	}
	t, err := client.Target.Query().Where(target.Uscc(code)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	return t, err
}

// Results selects the published results of the target, in publication order.
func Results(client *ent.Client, targetID int) *ent.ResultQuery {
	return client.Result.Query().Where(result.TargetID(targetID), result.StatusEQ(result.StatusPUBLISHED)).
		Order(ent.Asc(result.FieldPublishedAt), ent.Asc(result.FieldID))
}

// Corrections selects the published corrections of the target's results.
func Corrections(client *ent.Client, targetID int) *ent.CorrectionQuery {
	return client.Correction.Query().Where(correction.PublishedAtNotNil(),
		correction.HasOriginalWith(result.TargetID(targetID))).Order(ent.Asc(correction.FieldPublishedAt), ent.Asc(correction.FieldID))
}

// Tasks selects the announced tasks that drew the target (where the viewer may see the drawn
// list: sharing.VisibleTeams) or published a result about it.
func Tasks(ctx context.Context, client *ent.Client, targetID int) *ent.TaskQuery {
	drawn := []predicate.InspectionTeam{inspectionteam.TargetID(targetID)}
	if p := sharing.VisibleTeams(viewer.FromContext(ctx)); p != nil {
		drawn = append(drawn, p)
	}
	return client.Task.Query().Where(task.StatusNotIn(task.StatusDRAFT, task.StatusCANCELLED), task.Or(
		task.HasDrawsWith(draw.HasTeamsWith(drawn...)),
		task.HasResultsWith(result.TargetID(targetID), result.StatusEQ(result.StatusPUBLISHED)),
	)).Order(ent.Asc(task.FieldID))
}

// FollowUps selects the follow-up actions of the target's published results.
func FollowUps(client *ent.Client, targetID int) *ent.FollowUpActionQuery {
	return client.FollowUpAction.Query().Where(followupaction.HasResultWith(result.TargetID(targetID), result.StatusEQ(result.StatusPUBLISHED))).
		Order(ent.Asc(followupaction.FieldID))
}

// History is an enterprise's published history; its lists are read by Results, Corrections,
// Tasks and FollowUps (the GraphQL resolvers collect the fields asked for).
type History struct {
	USCC   string
	Target *ent.Target
}

// Change is one public act in the feed.
type Change struct {
	Cursor      string
	LedgerIndex int64
	Publication *ent.Publication
	USCC        *string // of a result or correction
	Result      *ent.Result
	Correction  *ent.Correction
}

// Kind is the kind of the public act.
func (c *Change) Kind() publication.Kind { return c.Publication.Kind }

// PublishedAt is when the act was published.
func (c *Change) PublishedAt() time.Time { return c.Publication.PublishedAt }

// Page is a page of the change feed.
type Page struct {
	Changes   []*Change
	EndCursor string
	HasNext   bool
}

// ParseCursor reads a feed cursor ("" is the beginning).
func ParseCursor(after string) (int64, error) {
	if after == "" {
		return -1, nil
	}
	n, err := strconv.ParseInt(after, 10, 64)
	if err != nil || n < 0 {
		return 0, apperr.New(CodeBadCursor, "游标“%s”无效：应为上一页返回的 endCursor（非负整数）", after)
	}
	return n, nil
}

// Changes returns up to first public acts after the cursor, in transparency-log order. Leaves are
// appended under a lock held to the end of the publishing transaction, so their indexes become
// visible in order and without gaps: resuming from the last cursor seen never skips or repeats.
// A RESULT or CORRECTION change carries the result (for a correction, its new version) and the
// correction; reading them goes through the usual row and field rules.
func Changes(ctx context.Context, client *ent.Client, after string, first int, kinds []publication.Kind) (*Page, error) {
	from, err := ParseCursor(after)
	if err != nil {
		return nil, err
	}
	if first <= 0 || first > MaxPage {
		return nil, apperr.New(apperr.PageTooLarge, "first 须在 1 到 %d 之间", MaxPage)
	}
	q := client.Publication.Query().Where(publication.LedgerIndexGT(from))
	if len(kinds) > 0 {
		q.Where(publication.KindIn(kinds...))
	}
	pubs, err := q.Order(ent.Asc(publication.FieldLedgerIndex)).Limit(first + 1).All(ctx)
	if err != nil {
		return nil, err
	}
	page := &Page{EndCursor: after}
	if len(pubs) > first {
		page.HasNext, pubs = true, pubs[:first]
	}
	var resultIDs []int
	for _, p := range pubs {
		if p.SubjectType == ent.TypeResult {
			resultIDs = append(resultIDs, p.SubjectID)
		}
	}
	results := map[int]*ent.Result{}
	corrections := map[int]*ent.Correction{}
	for chunk := range slices.Chunk(resultIDs, 2000) {
		rs, err := client.Result.Query().Where(result.IDIn(chunk...)).All(ctx)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			results[r.ID] = r
		}
		cs, err := client.Correction.Query().Where(correction.CorrectedIDIn(chunk...)).All(ctx)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			corrections[c.CorrectedID] = c
		}
	}
	for _, p := range pubs {
		c := &Change{Cursor: strconv.FormatInt(*p.LedgerIndex, 10), LedgerIndex: *p.LedgerIndex, Publication: p}
		if p.SubjectType == ent.TypeResult {
			c.Result = results[p.SubjectID]
			if p.Kind == publication.KindCORRECTION {
				c.Correction = corrections[p.SubjectID]
			}
			if code, ok := p.Payload["target_code"].(string); ok && code != "" {
				c.USCC = &code
			}
		}
		page.Changes = append(page.Changes, c)
		page.EndCursor = c.Cursor
	}
	return page, nil
}
