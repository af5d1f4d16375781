package publish

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/publication"
	"github.com/ssgk/ssgk/internal/draw"
)

// The public payloads, one type per kind of act. Producers build them and readers (the portal,
// the open data) decode them, so that a renamed member is a compile error rather than an empty
// cell. The stored payload and its digest are the JSON of the value with map keys sorted, as
// before these types existed: Record passes the value through JSON into a map, and encoding/json
// writes a map's keys sorted, so neither field order nor anything but the JSON tags matters. A
// member without omitempty is always written (null for a nil pointer, slice or map); one with
// omitempty is written only when set, exactly as the string-keyed maps did.
// TestPayloadsRoundTrip (internal/acceptance) decodes every payload of the demo year into its
// type and checks that encoding it again gives the stored bytes.

// ItemList is the payload of an ITEM_LIST publication: a filed list version.
type ItemList struct {
	ChangeReason   string     `json:"changeReason"`
	Department     string     `json:"department"`
	DepartmentCode string     `json:"departmentCode"`
	EffectiveDate  string     `json:"effectiveDate"` // YYYY-MM-DD, China Standard Time
	Items          []ListItem `json:"items"`
	Name           string     `json:"name"`
	Version        int        `json:"version"`
}

// ListItem is one inspection item of a published list.
type ListItem struct {
	Category              string    `json:"category"`
	Code                  string    `json:"code"`
	Content               string    `json:"content"`
	Frequency             string    `json:"frequency"`
	InspectorRequirements string    `json:"inspectorRequirements"`
	LegalBasis            string    `json:"legalBasis"`
	Methods               []string  `json:"methods"`
	Name                  string    `json:"name"`
	RatioMax              *float64  `json:"ratioMax"` // a fraction (0–1), null if none
	RatioMin              *float64  `json:"ratioMin"`
	ResponsibleBody       string    `json:"responsibleBody"`
	Rule                  *ListRule `json:"rule,omitempty"`
	TargetType            string    `json:"targetType"`
}

// ListRule is an item's implementation rule (实施细则), when it has one.
type ListRule struct {
	ApprovalAuthority    string `json:"approvalAuthority"`
	Archiving            string `json:"archiving"`
	Basis                string `json:"basis"`
	Content              string `json:"content"`
	Procedure            string `json:"procedure"`
	PublicationProcedure string `json:"publicationProcedure"`
}

// Plan is the payload of a PLAN publication: a published plan version.
type Plan struct {
	AdjustmentReason string      `json:"adjustmentReason"`
	Batches          []PlanBatch `json:"batches"`
	CountyWide       bool        `json:"countyWide"`
	Department       string      `json:"department"`
	DepartmentCode   string      `json:"departmentCode"`
	LateFiling       bool        `json:"lateFiling"`
	Name             string      `json:"name"`
	Number           string      `json:"number"`
	Version          int         `json:"version"`
	Year             int         `json:"year"`
}

// PlanBatch is one batch of a published plan.
type PlanBatch struct {
	EndDate      string    `json:"endDate"`
	Initiator    string    `json:"initiator"`
	Items        []CodeRef `json:"items"`
	Name         string    `json:"name"`
	Participants []string  `json:"participants"`
	PlannedCount *int      `json:"plannedCount"`
	PlannedRatio *float64  `json:"plannedRatio"`
	Scope        string    `json:"scope"`
	Seq          int       `json:"seq"`
	StartDate    string    `json:"startDate"`
}

// CodeRef is a code and its name: an item of a plan batch, a result code.
type CodeRef struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// TaskAnnouncement is the payload of a TASK_ANNOUNCEMENT publication.
type TaskAnnouncement struct {
	Batch            *string        `json:"batch,omitempty"` // with PlanNumber and PlanName, when the task is a plan batch's
	Initiator        string         `json:"initiator"`
	Items            []TaskItem     `json:"items"`
	Joint            bool           `json:"joint"`
	Kind             string         `json:"kind"`
	Libraries        []string       `json:"libraries"`
	Methods          []string       `json:"methods"`
	Name             string         `json:"name"`
	NamedTargetCount *int           `json:"namedTargetCount,omitempty"` // with TargetReason, when targets are named
	Number           string         `json:"number"`
	Participants     []string       `json:"participants"`
	PlanName         *string        `json:"planName,omitempty"`
	PlanNumber       *string        `json:"planNumber,omitempty"`
	Scope            map[string]any `json:"scope"` // the task's filters as stored (tasks.Scope)
	Special          bool           `json:"special"`
	TargetReason     *string        `json:"targetReason,omitempty"`
	WindowEnd        string         `json:"windowEnd"`
	WindowStart      string         `json:"windowStart"`
}

// TaskItem is one item of an announced task.
type TaskItem struct {
	Category   string `json:"category"`
	Code       string `json:"code"`
	Department string `json:"department"`
	Name       string `json:"name"`
}

// Result is the payload of a RESULT publication, and of a CORRECTION with Correction set
// (domain.md §2.8).
type Result struct {
	AdoptedFromResultID int               `json:"adopted_from_result_id"`
	Authority           string            `json:"authority"`
	CompletedOn         string            `json:"completed_on"`
	Correction          *ResultCorrection `json:"correction,omitempty"`
	FollowUp            string            `json:"follow_up"`
	Items               []ResultItem      `json:"items"`
	Methods             []string          `json:"methods"`
	PlanName            string            `json:"plan_name"`
	PlanNumber          string            `json:"plan_number"`
	ResultCodes         []CodeRef         `json:"result_codes"`
	ResultID            int               `json:"result_id"`
	TargetCode          string            `json:"target_code"`
	TargetName          string            `json:"target_name"`
	TaskName            string            `json:"task_name"`
	TaskNumber          string            `json:"task_number"`
	TaskType            string            `json:"task_type"`
	Version             int               `json:"version"`
}

// ResultItem is one item of a published result.
type ResultItem struct {
	Checked      bool      `json:"checked"`
	Codes        []CodeRef `json:"codes"`
	Handling     string    `json:"handling"`
	ItemCode     string    `json:"item_code"`
	ItemName     string    `json:"item_name"`
	Problem      string    `json:"problem"`
	ProblemFound bool      `json:"problem_found"`
	Result       string    `json:"result"`
}

// ResultCorrection is the correction a CORRECTION publication carries: the reason and the
// department head's signature over the correction digest.
type ResultCorrection struct {
	Digest                    string `json:"digest"`
	OriginalPublicationDigest string `json:"original_publication_digest"`
	OriginalResultID          int    `json:"original_result_id"`
	OriginalVersion           int    `json:"original_version"`
	Reason                    string `json:"reason"`
	Signature                 string `json:"signature"`
	SignatureAlgorithm        string `json:"signature_algorithm"`
	SignedAt                  string `json:"signed_at"` // RFC 3339, UTC
	SignedBy                  int    `json:"signed_by"`
}

// TaskCancellation is the payload of a TASK_CANCELLATION publication (docs/draw-algorithm.md §16).
type TaskCancellation struct {
	Event           string `json:"event"` // draw.EventTaskCancel
	Format          string `json:"format"`
	Reason          string `json:"reason"`
	Status          string `json:"status"` // the task's status before
	SupersededDraws []int  `json:"supersededDraws"`
	Task            string `json:"task"`
}

// DrawEventHead is what every event of a draw carries (docs/draw-algorithm.md §16.1).
type DrawEventHead struct {
	DrawSeq  int    `json:"drawSeq"`
	Event    string `json:"event"`
	EventSeq int    `json:"eventSeq"`
	Format   string `json:"format"`
	Task     string `json:"task"`
}

// SetHead sets the common members; every draw event type has it through DrawEventHead.
func (h *DrawEventHead) SetHead(v DrawEventHead) { *h = v }

// Head returns the common members.
func (h *DrawEventHead) Head() DrawEventHead { return *h }

// DrawEvent is one of the draw event payloads below (a pointer to it).
type DrawEvent interface {
	SetHead(DrawEventHead)
	Head() DrawEventHead
}

// DrawFreeze is the FREEZE event: the frame is frozen.
type DrawFreeze struct {
	DrawEventHead
	FrameRoot           string `json:"frameRoot"`
	FrameSize           int    `json:"frameSize"`
	InspectorPoolDigest string `json:"inspectorPoolDigest"`
	ParametersDigest    string `json:"parametersDigest"`
	Reason              string `json:"reason"`
	SecretHash          string `json:"secretHash"`
	Supersedes          int    `json:"supersedes"` // the seq of the draw this one replaces, 0 if none
}

// DrawCommitment is the COMMIT event, the payload of a DRAW_COMMITMENT publication.
type DrawCommitment struct {
	DrawEventHead
	Commitment       draw.Commitment `json:"commitment"`
	CommitmentDigest string          `json:"commitmentDigest"`
	Reason           string          `json:"reason"`
	Supersedes       *int            `json:"supersedes"` // the ID of the draw this one replaces
	TargetCount      int             `json:"targetCount"`
	TaskName         string          `json:"taskName"`
}

// DrawExecute is the EXECUTE event: the external entropy and the keyed digest of the outcome.
type DrawExecute struct {
	DrawEventHead
	Entropy       string `json:"entropy"`
	OutcomeDigest string `json:"outcomeDigest"`
	SeedHash      string `json:"seedHash"`
	TargetCount   int    `json:"targetCount"`
}

// DrawFail is the FAIL event: the draw broke a rule; the secret is public.
type DrawFail struct {
	DrawEventHead
	Entropy     string  `json:"entropy"`
	EventLeaves []int64 `json:"eventLeaves"`
	Message     string  `json:"message"`
	Rule        string  `json:"rule"`
	Secret      string  `json:"secret"`
	Seed        string  `json:"seed"`
}

// DrawAmendment is a RECUSE or REPLACE event.
type DrawAmendment struct {
	DrawEventHead
	Amendment       int    `json:"amendment"`
	AmendmentDigest string `json:"amendmentDigest"`
	OfficeApproved  bool   `json:"officeApproved"`
	ReasonCode      string `json:"reasonCode"`
}

// DrawSupersede is the SUPERSEDE event: the draw is replaced; the secret is public.
type DrawSupersede struct {
	DrawEventHead
	EventLeaves  []int64 `json:"eventLeaves"`
	Reason       string  `json:"reason"`
	Secret       string  `json:"secret"`
	Status       string  `json:"status"`
	SupersededBy int     `json:"supersededBy"`
}

// DrawReveal is the REVEAL event, the payload of a DRAW_REVEAL publication.
type DrawReveal struct {
	DrawEventHead
	Amendments       int     `json:"amendments"`
	CommitmentDigest string  `json:"commitmentDigest"`
	Entropy          string  `json:"entropy"`
	EventLeaves      []int64 `json:"eventLeaves"`
	OutcomeDigest    string  `json:"outcomeDigest"`
	Recusals         int     `json:"recusals"`
	Replacements     int     `json:"replacements"`
	Secret           string  `json:"secret"`
	SecretHash       string  `json:"secretHash"`
	Seed             string  `json:"seed"`
}

// Decode reads a stored payload (a JSON object as the database gives it back) into v, a
// pointer to one of the payload types.
func Decode(payload map[string]any, v any) error {
	b, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// DecodeDrawEvent reads a draw event payload into the type its "event" member names.
func DecodeDrawEvent(payload map[string]any) (DrawEvent, error) {
	var ev DrawEvent
	switch e, _ := payload["event"].(string); e {
	case draw.EventFreeze:
		ev = &DrawFreeze{}
	case draw.EventCommit:
		ev = &DrawCommitment{}
	case draw.EventExecute:
		ev = &DrawExecute{}
	case draw.EventFail:
		ev = &DrawFail{}
	case draw.EventRecuse, draw.EventReplace:
		ev = &DrawAmendment{}
	case draw.EventSupersede:
		ev = &DrawSupersede{}
	case draw.EventReveal:
		ev = &DrawReveal{}
	default:
		return nil, fmt.Errorf("publish: unknown draw event %q", e)
	}
	return ev, Decode(payload, ev)
}

// DecodeFor reads the payload of p into the type of its kind: *ItemList, *Plan,
// *TaskAnnouncement, *Result (RESULT and CORRECTION), *TaskCancellation or a DrawEvent
// (DRAW_COMMITMENT, DRAW_EVENT, DRAW_REVEAL).
func DecodeFor(p *ent.Publication) (any, error) {
	var v any
	switch p.Kind {
	case publication.KindITEM_LIST:
		v = &ItemList{}
	case publication.KindPLAN:
		v = &Plan{}
	case publication.KindTASK_ANNOUNCEMENT:
		v = &TaskAnnouncement{}
	case publication.KindRESULT, publication.KindCORRECTION:
		v = &Result{}
	case publication.KindTASK_CANCELLATION:
		v = &TaskCancellation{}
	case publication.KindDRAW_COMMITMENT, publication.KindDRAW_EVENT, publication.KindDRAW_REVEAL:
		return DecodeDrawEvent(p.Payload)
	default:
		return nil, fmt.Errorf("publish: no payload type for kind %s", p.Kind)
	}
	return v, Decode(p.Payload, v)
}

// CheckRoundTrip decodes the stored payload of p into its type (DecodeFor) and checks that
// encoding it as Record does — JSON with map keys sorted — gives back exactly the stored bytes,
// whose SHA-256 is p.Digest. It is how the tests prove that the types describe what is stored.
func CheckRoundTrip(p *ent.Publication) error {
	stored, err := json.Marshal(p.Payload)
	if err != nil {
		return err
	}
	v, err := DecodeFor(p)
	if err != nil {
		return err
	}
	back, err := normalize(v)
	if err != nil {
		return err
	}
	again, err := json.Marshal(back)
	if err != nil {
		return err
	}
	if !bytes.Equal(again, stored) {
		return fmt.Errorf("publication %d (%s, %T) does not round-trip:\nstored %s\nagain  %s", p.ID, p.Kind, v, stored, again)
	}
	if d, err := Digest(back); err != nil || d != p.Digest {
		return fmt.Errorf("publication %d (%s): digest after the round trip %s, recorded %s (%v)", p.ID, p.Kind, d, p.Digest, err)
	}
	return nil
}
