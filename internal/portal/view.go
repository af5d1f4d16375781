package portal

import (
	"fmt"
	"github.com/ssgk/ssgk/internal/clock"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/publication"
	"github.com/ssgk/ssgk/internal/publish"
)

// decode reads a stored payload into its type (publish.Decode). A payload that does not fit
// (it is checked against its digest elsewhere) reads as far as it fits: a missing or mistyped
// member reads as empty.
func decode[T any](m map[string]any) T {
	var v T
	_ = publish.Decode(m, &v)
	return v
}

// The task's scope is a free-form map of filters (tasks.Scope); these read its members.

func str(m map[string]any, k string) string {
	switch v := m[k].(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		if v {
			return "是"
		}
		return "否"
	case nil:
		return ""
	}
	return fmt.Sprint(m[k])
}

func strs(m map[string]any, k string) []string {
	raw, _ := m[k].([]any)
	out := make([]string, 0, len(raw))
	for _, x := range raw {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func names(codes []publish.CodeRef) []string {
	out := make([]string, 0, len(codes))
	for _, c := range codes {
		out = append(out, c.Name)
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }

func optString(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func fmtTime(t time.Time) string { return t.In(clock.CST).Format("2006-01-02 15:04") }
func fmtDay(t time.Time) string  { return t.In(clock.CST).Format("2006-01-02") }

var kindNames = map[publication.Kind]string{
	publication.KindITEM_LIST:         "抽查事项清单",
	publication.KindPLAN:              "年度抽查计划",
	publication.KindTASK_ANNOUNCEMENT: "抽查任务公告",
	publication.KindDRAW_COMMITMENT:   "抽取承诺",
	publication.KindDRAW_REVEAL:       "抽取揭示",
	publication.KindDRAW_EVENT:        "抽取事件",
	publication.KindTASK_CANCELLATION: "任务撤销",
	publication.KindRESULT:            "检查结果",
	publication.KindCORRECTION:        "结果更正",
}

var categoryNames = map[string]string{"KEY": "重点检查事项", "GENERAL": "一般检查事项"}
var taskKindNames = map[string]string{"UNTARGETED": "不定向抽查", "TARGETED": "定向抽查"}

// pubView is what every page shows of a publication: when, what, its digest and its place in
// the transparency log.
type pubView struct {
	ID          int
	Kind        string
	KindName    string
	Title       string
	PublishedAt string
	Digest      string
	LedgerIndex string // "" until the publication is a leaf of the log
	LeafURL     string
	ProofURL    string
	Link        string // the portal page that shows it
}

func (h *handler) pub(p *ent.Publication, cpSize int64) pubView {
	v := pubView{ID: p.ID, Kind: string(p.Kind), KindName: kindNames[p.Kind], Title: p.Title,
		PublishedAt: fmtTime(p.PublishedAt), Digest: p.Digest}
	if p.LedgerIndex != nil {
		i := *p.LedgerIndex
		v.LedgerIndex = strconv.FormatInt(i, 10)
		v.LeafURL = fmt.Sprintf("/ledger/leaves/%d", i)
		v.ProofURL = fmt.Sprintf("/ledger/proof/inclusion?index=%d", i)
		if cpSize > i {
			v.ProofURL += fmt.Sprintf("&size=%d", cpSize)
		}
	}
	switch p.Kind {
	case publication.KindITEM_LIST:
		v.Link = fmt.Sprintf("/lists/%d", p.SubjectID)
	case publication.KindPLAN:
		v.Link = "/plans#plan-" + url.PathEscape(decode[publish.Plan](p.Payload).Number)
	case publication.KindTASK_ANNOUNCEMENT:
		v.Link = "/tasks/" + url.PathEscape(decode[publish.TaskAnnouncement](p.Payload).Number)
	case publication.KindDRAW_COMMITMENT, publication.KindDRAW_REVEAL, publication.KindDRAW_EVENT:
		v.Link = "/tasks/" + url.PathEscape(decode[publish.DrawEventHead](p.Payload).Task)
	case publication.KindTASK_CANCELLATION:
		v.Link = "/tasks/" + url.PathEscape(decode[publish.TaskCancellation](p.Payload).Task)
	case publication.KindRESULT, publication.KindCORRECTION:
		if r := decode[publish.Result](p.Payload); r.TargetCode != "" {
			v.Link = "/enterprises/" + url.PathEscape(r.TargetCode)
		} else {
			v.Link = "/results?task=" + url.QueryEscape(r.TaskNumber)
		}
	}
	return v
}

// resultView is a published result as the public sees it (domain.md §2.8).
type resultView struct {
	Pub                  pubView
	Version              int
	PlanNumber, PlanName string
	TaskNumber, TaskName string
	TaskType, Authority  string
	TargetName           string
	TargetCode           string
	CompletedOn          string
	Items                []resultItemView
	ResultCodes          []string
	Methods              []string
	FollowUp             string
	Correction           *correctionView
}

type resultItemView struct {
	Code, Name, Result string
	ProblemFound       bool
	Problem, Handling  string
	Codes              []string
}

type correctionView struct {
	Reason          string
	OriginalVersion string
	SignedAt        string
	Algorithm       string
	Digest          string
}

func (h *handler) result(p *ent.Publication, cpSize int64) resultView {
	m := decode[publish.Result](p.Payload)
	v := resultView{Pub: h.pub(p, cpSize), PlanNumber: m.PlanNumber, PlanName: m.PlanName,
		TaskNumber: m.TaskNumber, TaskName: m.TaskName, TaskType: m.TaskType,
		Authority: m.Authority, TargetName: m.TargetName, TargetCode: m.TargetCode,
		CompletedOn: m.CompletedOn, ResultCodes: names(m.ResultCodes), Methods: nonNil(m.Methods),
		FollowUp: m.FollowUp, Version: m.Version}
	for _, it := range m.Items {
		v.Items = append(v.Items, resultItemView{Code: it.ItemCode, Name: it.ItemName,
			Result: it.Result, ProblemFound: it.ProblemFound, Problem: it.Problem,
			Handling: it.Handling, Codes: names(it.Codes)})
	}
	if c := m.Correction; c != nil {
		cv := &correctionView{Reason: c.Reason, OriginalVersion: itoa(c.OriginalVersion),
			Algorithm: c.SignatureAlgorithm, Digest: c.Digest}
		if t, err := time.Parse(time.RFC3339, c.SignedAt); err == nil {
			cv.SignedAt = fmtTime(t)
		}
		v.Correction = cv
	}
	return v
}

// nonNil is s, or an empty slice for nil (as the map accessors gave).
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// recordView is a result and, next to it, its corrections.
type recordView struct {
	Original    resultView
	Corrections []resultView
}

func (h *handler) records(recs []resultRecord, cpSize int64) []recordView {
	out := make([]recordView, len(recs))
	for i, r := range recs {
		out[i].Original = h.result(r.Root, cpSize)
		for _, c := range r.Corrections {
			out[i].Corrections = append(out[i].Corrections, h.result(c, cpSize))
		}
	}
	return out
}

// taskView is a task announcement with its draws.
type taskView struct {
	Pub                     pubView
	Number, Name            string
	Kind                    string
	Joint, Special          bool
	Initiator               string
	Participants            []string
	Items                   []taskItemView
	Libraries, Methods      []string
	Scope                   string
	WindowStart, WindowEnd  string
	PlanNumber, PlanName    string
	Batch                   string
	TargetCount             string // from the newest committed draw, "" before the commitment
	Draws                   []drawView
	Cancelled               bool
	CancelReason            string
	Cancel                  *pubView
	Recusals, Replacements  int // over all draws of the task, from the logged events
	ResultsURL              string
	AnnouncementWithoutDraw bool
}

type taskItemView struct{ Code, Name, Category, Department string }

type drawView struct {
	ID               int
	Seq              int
	Superseded       bool
	Reason           string
	Commitment       *pubView
	CommitmentDigest string
	TargetCount      string
	FrameRoot        string
	FrameSize        string
	Algorithm        string
	Strata           []stratumView
	Revealed         bool
	Reveal           *pubView
	Entropy          string
	Secret           string
	SecretHash       string
	Seed             string
	BundleURL        string
	Targets          []drawnTarget
	Status           string // the draw's state in words, from its logged events
	Failed           bool
	FailRule         string
	Events           []eventView
	Amendments       []amendmentView // after the reveal: each recusal and replacement in full
}

// eventView is one logged step of a draw (docs/draw-algorithm.md §16): a transparency-log leaf.
type eventView struct {
	Seq    string
	Name   string
	Detail string
	Pub    pubView
}

// amendmentView is a recusal or replacement as published after the reveal.
type amendmentView struct {
	Kind, Target, Replacement, ReasonCode, Reason string
	Inspectors                                    []string
}

var eventNames = map[string]string{
	"FREEZE": "冻结抽取框", "COMMIT": "公布承诺", "EXECUTE": "输入外部熵并抽取", "FAIL": "抽取失败",
	"RECUSE": "回避重组", "REPLACE": "对象替换", "SUPERSEDE": "被取代（公开密钥）", "REVEAL": "揭示",
}

// eventDetail is the public content of an event in words: nothing that names a target before the
// reveal is in the payload, so everything here may be shown.
func eventDetail(ev publish.DrawEvent) string {
	switch m := ev.(type) {
	case *publish.DrawFreeze:
		d := "候选对象 " + itoa(m.FrameSize) + " 个，抽取框根 " + short(m.FrameRoot)
		if r := m.Reason; r != "" {
			d += "；重新冻结原因：" + r
		}
		return d
	case *publish.DrawCommitment:
		return "承诺摘要 " + short(m.CommitmentDigest) + "，抽取 " + itoa(m.TargetCount) + " 户"
	case *publish.DrawExecute:
		return "外部熵“" + m.Entropy + "”，抽中 " + itoa(m.TargetCount) + " 户（结果摘要 " + short(m.OutcomeDigest) + "）"
	case *publish.DrawFail:
		return "外部熵“" + m.Entropy + "”，未满足规则 " + m.Rule + "：" + m.Message + "；服务端密钥已公开 " + short(m.Secret)
	case *publish.DrawAmendment:
		d := "第 " + itoa(m.Amendment) + " 次变更，原因代码 " + m.ReasonCode + "（" + reasonNames[m.ReasonCode] + "）"
		if m.OfficeApproved {
			d += "，超过次数限制，经联席会议办公室办理"
		}
		return d
	case *publish.DrawSupersede:
		return "原因：" + m.Reason + "；服务端密钥已公开 " + short(m.Secret)
	case *publish.DrawReveal:
		return "回避重组 " + itoa(m.Recusals) + " 次、对象替换 " + itoa(m.Replacements) + " 次；服务端密钥已公开"
	}
	return ""
}

var reasonNames = map[string]string{"DECLARED_CONFLICT": "申报的利害关系", "KINSHIP": "亲属关系", "PRIOR_INVOLVEMENT": "曾参与相关处理",
	"ILLNESS_ABSENCE": "疾病或缺勤", "OTHER": "其他", "CLOSED": "已注销或吊销", "NOT_FOUND": "经营场所查无", "OUT_OF_SCOPE": "不属检查范围"}

func short(h string) string {
	if len(h) > 16 {
		return h[:16] + "…"
	}
	return h
}

type stratumView struct{ Name, Eligible, Excluded, Draw string }

func (h *handler) task(p *ent.Publication, tk *taskPubs, cpSize int64) taskView {
	var draws []*drawPubs
	if tk == nil {
		tk = &taskPubs{}
	}
	draws = tk.Draws
	m := decode[publish.TaskAnnouncement](p.Payload)
	v := taskView{Pub: h.pub(p, cpSize), Number: m.Number, Name: m.Name,
		Kind: taskKindNames[m.Kind], Joint: m.Joint, Special: m.Special,
		Initiator: m.Initiator, Participants: nonNil(m.Participants), Libraries: nonNil(m.Libraries),
		Methods: nonNil(m.Methods), WindowStart: m.WindowStart, WindowEnd: m.WindowEnd,
		PlanNumber: optString(m.PlanNumber), PlanName: optString(m.PlanName), Batch: optString(m.Batch),
		ResultsURL: "/results?task=" + url.QueryEscape(m.Number)}
	if v.Kind == "" {
		v.Kind = m.Kind
	}
	v.Scope = scopeText(m.Scope)
	for _, it := range m.Items {
		v.Items = append(v.Items, taskItemView{Code: it.Code, Name: it.Name,
			Category: categoryNames[it.Category], Department: it.Department})
	}
	if c := tk.Cancel; c != nil {
		cv := h.pub(c, cpSize)
		v.Cancelled, v.CancelReason, v.Cancel = true, decode[publish.TaskCancellation](c.Payload).Reason, &cv
	}
	for _, d := range draws {
		if d.Commitment == nil && len(d.Events) == 0 {
			continue
		}
		dv := drawView{ID: d.DrawID, Seq: d.Seq, Superseded: d.Superseded, Status: "已冻结"}
		for _, e := range d.Events {
			ev, _ := publish.DecodeDrawEvent(e.Payload)
			var head publish.DrawEventHead
			if ev != nil {
				head = ev.Head()
			}
			name := head.Event
			seq := ""
			if head.EventSeq != 0 {
				seq = itoa(head.EventSeq)
			}
			dv.Events = append(dv.Events, eventView{Seq: seq, Name: eventNames[name], Detail: eventDetail(ev), Pub: h.pub(e, cpSize)})
			switch name {
			case "COMMIT":
				dv.Status = "已公布承诺，待输入外部熵"
			case "EXECUTE":
				dv.Status = "已抽取，结果公示后揭示"
			case "FAIL":
				dv.Status, dv.Failed = "抽取失败，已公开服务端密钥", true
				if f, ok := ev.(*publish.DrawFail); ok {
					dv.FailRule = f.Rule
				}
			case "SUPERSEDE":
				dv.Status = "已被取代，已公开服务端密钥"
			case "REVEAL":
				dv.Status = "已揭示，可核验"
			case "RECUSE":
				v.Recusals++
			case "REPLACE":
				v.Replacements++
			}
		}
		dv.Amendments = d.Amendments
		if d.Commitment == nil {
			v.Draws = append(v.Draws, dv)
			continue
		}
		cp := h.pub(d.Commitment, cpSize)
		dv.Commitment = &cp
		cm := decode[publish.DrawCommitment](d.Commitment.Payload)
		dv.CommitmentDigest, dv.TargetCount, dv.Reason = cm.CommitmentDigest, itoa(cm.TargetCount), cm.Reason
		c := cm.Commitment
		dv.FrameRoot, dv.FrameSize, dv.Algorithm = c.FrameRoot.String(), itoa(c.FrameSize), c.Algorithm
		for _, s := range c.Strata {
			dv.Strata = append(dv.Strata, stratumView{Name: s.Name, Eligible: itoa(s.Eligible),
				Excluded: itoa(s.Excluded), Draw: itoa(s.Draw)})
		}
		if !d.Superseded {
			v.TargetCount = dv.TargetCount
		}
		if d.Reveal != nil {
			rp := h.pub(d.Reveal, cpSize)
			rm := decode[publish.DrawReveal](d.Reveal.Payload)
			dv.Revealed, dv.Reveal = true, &rp
			dv.Entropy, dv.Secret, dv.SecretHash, dv.Seed = rm.Entropy, rm.Secret, rm.SecretHash, rm.Seed
			dv.BundleURL = fmt.Sprintf("/draws/%d/bundle.json", d.DrawID)
		}
		v.Draws = append(v.Draws, dv)
	}
	return v
}

// scopeText renders a task's scope (定向 filters) in words.
func scopeText(s map[string]any) string {
	if len(s) == 0 {
		return "不限（不定向）"
	}
	var parts []string
	if k := strs(s, "kinds"); len(k) > 0 {
		parts = append(parts, "对象类型："+strings.Join(k, "、"))
	}
	if k := strs(s, "industryPrefixes"); len(k) > 0 {
		parts = append(parts, "行业代码："+strings.Join(k, "、"))
	}
	for k := range s {
		if k != "kinds" && k != "industryPrefixes" {
			parts = append(parts, k+"："+str(s, k))
		}
	}
	return strings.Join(parts, "；")
}

// listView is a published item list version.
type listView struct {
	Pub            pubView
	SubjectID      int
	Department     string
	DepartmentCode string
	Name           string
	Version        string
	EffectiveDate  string
	ChangeReason   string
	Items          []listItemView
	// Current: the department's current version (lists.CurrentIDs); Pending: published, its
	// effective date not yet come.
	Current, Pending bool
}

type listItemView struct {
	Code, Name, Category, LegalBasis, ResponsibleBody, TargetType, Content string
	Methods                                                                []string
	Ratio, Frequency, InspectorRequirements                                string
	Rule                                                                   map[string]string
	RuleRows                                                               [][2]string
}

func (h *handler) list(p *ent.Publication, cpSize int64) listView {
	m := decode[publish.ItemList](p.Payload)
	v := listView{Pub: h.pub(p, cpSize), SubjectID: p.SubjectID, Department: m.Department,
		DepartmentCode: m.DepartmentCode, Name: m.Name, Version: itoa(m.Version),
		EffectiveDate: m.EffectiveDate, ChangeReason: m.ChangeReason}
	for _, it := range m.Items {
		iv := listItemView{Code: it.Code, Name: it.Name, Category: categoryNames[it.Category],
			LegalBasis: it.LegalBasis, ResponsibleBody: it.ResponsibleBody, TargetType: it.TargetType,
			Content: it.Content, Methods: nonNil(it.Methods), Frequency: it.Frequency,
			InspectorRequirements: it.InspectorRequirements, Ratio: ratio(it.RatioMin, it.RatioMax)}
		if r := it.Rule; r != nil {
			for _, f := range [][2]string{{r.Basis, "依据"}, {r.Content, "检查内容"}, {r.Procedure, "检查程序"},
				{r.ApprovalAuthority, "审批权限"}, {r.PublicationProcedure, "公示程序"}, {r.Archiving, "归档要求"}} {
				if f[0] != "" {
					iv.RuleRows = append(iv.RuleRows, [2]string{f[1], f[0]})
				}
			}
		}
		v.Items = append(v.Items, iv)
	}
	return v
}

// ratio renders an item's ratio bounds, stored as fractions (0–1).
func ratio(lo, hi *float64) string {
	pct := func(x float64) string { return strconv.FormatFloat(math.Round(x*10000)/100, 'f', -1, 64) + "%" }
	switch {
	case lo != nil && hi != nil:
		return pct(*lo) + " 至 " + pct(*hi)
	case hi != nil:
		return "不超过 " + pct(*hi)
	case lo != nil:
		return "不低于 " + pct(*lo) + "（无上限）"
	}
	return "未规定"
}

// planView is a published plan version.
type planView struct {
	Pub              pubView
	Number, Name     string
	Version          string
	Year             string
	CountyWide       bool
	Department       string
	AdjustmentReason string
	LateFiling       bool
	Batches          []batchView
}

type batchView struct {
	Seq, Name, Scope, Planned, Start, End, Initiator string
	Participants                                     []string
	Items                                            []string
}

func (h *handler) plan(p *ent.Publication, cpSize int64) planView {
	m := decode[publish.Plan](p.Payload)
	v := planView{Pub: h.pub(p, cpSize), Number: m.Number, Name: m.Name, Version: itoa(m.Version),
		Year: itoa(m.Year), CountyWide: m.CountyWide, Department: m.Department,
		AdjustmentReason: m.AdjustmentReason, LateFiling: m.LateFiling}
	for _, b := range m.Batches {
		bv := batchView{Seq: itoa(b.Seq), Name: b.Name, Scope: b.Scope, Start: b.StartDate,
			End: b.EndDate, Initiator: b.Initiator, Participants: nonNil(b.Participants)}
		if b.PlannedCount != nil {
			bv.Planned = itoa(*b.PlannedCount) + " 户"
		} else if b.PlannedRatio != nil {
			bv.Planned = ratio(nil, b.PlannedRatio)
		}
		for _, it := range b.Items {
			bv.Items = append(bv.Items, it.Code+" "+it.Name)
		}
		v.Batches = append(v.Batches, bv)
	}
	return v
}
