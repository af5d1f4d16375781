package portal

import (
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/publication"
)

// cst is China Standard Time, in which the portal shows dates.
var cst = time.FixedZone("CST", 8*3600)

// Payload accessors: a payload is JSON read back from the database (numbers are float64,
// lists []any). A missing or mistyped value reads as empty.

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

func num(m map[string]any, k string) (float64, bool) {
	v, ok := m[k].(float64)
	return v, ok
}

func boolean(m map[string]any, k string) bool { v, _ := m[k].(bool); return v }

func obj(m map[string]any, k string) map[string]any { v, _ := m[k].(map[string]any); return v }

func list(m map[string]any, k string) []map[string]any {
	raw, _ := m[k].([]any)
	out := make([]map[string]any, 0, len(raw))
	for _, x := range raw {
		if o, ok := x.(map[string]any); ok {
			out = append(out, o)
		}
	}
	return out
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

func names(codes []map[string]any) []string {
	out := make([]string, 0, len(codes))
	for _, c := range codes {
		out = append(out, str(c, "name"))
	}
	return out
}

func fmtTime(t time.Time) string { return t.In(cst).Format("2006-01-02 15:04") }
func fmtDay(t time.Time) string  { return t.In(cst).Format("2006-01-02") }

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
		v.Link = "/plans#plan-" + url.PathEscape(str(p.Payload, "number"))
	case publication.KindTASK_ANNOUNCEMENT:
		v.Link = "/tasks/" + url.PathEscape(str(p.Payload, "number"))
	case publication.KindDRAW_COMMITMENT, publication.KindDRAW_REVEAL, publication.KindDRAW_EVENT, publication.KindTASK_CANCELLATION:
		v.Link = "/tasks/" + url.PathEscape(str(p.Payload, "task"))
	case publication.KindRESULT, publication.KindCORRECTION:
		if c := str(p.Payload, "target_code"); c != "" {
			v.Link = "/enterprises/" + url.PathEscape(c)
		} else {
			v.Link = "/results?task=" + url.QueryEscape(str(p.Payload, "task_number"))
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
	m := p.Payload
	v := resultView{Pub: h.pub(p, cpSize), PlanNumber: str(m, "plan_number"), PlanName: str(m, "plan_name"),
		TaskNumber: str(m, "task_number"), TaskName: str(m, "task_name"), TaskType: str(m, "task_type"),
		Authority: str(m, "authority"), TargetName: str(m, "target_name"), TargetCode: str(m, "target_code"),
		CompletedOn: str(m, "completed_on"), ResultCodes: names(list(m, "result_codes")), Methods: strs(m, "methods"),
		FollowUp: str(m, "follow_up")}
	if n, ok := num(m, "version"); ok {
		v.Version = int(n)
	}
	for _, it := range list(m, "items") {
		v.Items = append(v.Items, resultItemView{Code: str(it, "item_code"), Name: str(it, "item_name"),
			Result: str(it, "result"), ProblemFound: boolean(it, "problem_found"), Problem: str(it, "problem"),
			Handling: str(it, "handling"), Codes: names(list(it, "codes"))})
	}
	if c := obj(m, "correction"); c != nil {
		cv := &correctionView{Reason: str(c, "reason"), OriginalVersion: str(c, "original_version"),
			Algorithm: str(c, "signature_algorithm"), Digest: str(c, "digest")}
		if t, err := time.Parse(time.RFC3339, str(c, "signed_at")); err == nil {
			cv.SignedAt = fmtTime(t)
		}
		v.Correction = cv
	}
	return v
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
func eventDetail(m map[string]any) string {
	switch str(m, "event") {
	case "FREEZE":
		d := "候选对象 " + str(m, "frameSize") + " 个，抽取框根 " + short(str(m, "frameRoot"))
		if r := str(m, "reason"); r != "" {
			d += "；重新冻结原因：" + r
		}
		return d
	case "COMMIT":
		return "承诺摘要 " + short(str(m, "commitmentDigest")) + "，抽取 " + str(m, "targetCount") + " 户"
	case "EXECUTE":
		return "外部熵“" + str(m, "entropy") + "”，抽中 " + str(m, "targetCount") + " 户（结果摘要 " + short(str(m, "outcomeDigest")) + "）"
	case "FAIL":
		return "外部熵“" + str(m, "entropy") + "”，未满足规则 " + str(m, "rule") + "：" + str(m, "message") + "；服务端密钥已公开 " + short(str(m, "secret"))
	case "RECUSE", "REPLACE":
		d := "第 " + str(m, "amendment") + " 次变更，原因代码 " + str(m, "reasonCode") + "（" + reasonNames[str(m, "reasonCode")] + "）"
		if boolean(m, "officeApproved") {
			d += "，超过次数限制，经联席会议办公室办理"
		}
		return d
	case "SUPERSEDE":
		return "原因：" + str(m, "reason") + "；服务端密钥已公开 " + short(str(m, "secret"))
	case "REVEAL":
		return "回避重组 " + str(m, "recusals") + " 次、对象替换 " + str(m, "replacements") + " 次；服务端密钥已公开"
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
	m := p.Payload
	v := taskView{Pub: h.pub(p, cpSize), Number: str(m, "number"), Name: str(m, "name"),
		Kind: taskKindNames[str(m, "kind")], Joint: boolean(m, "joint"), Special: boolean(m, "special"),
		Initiator: str(m, "initiator"), Participants: strs(m, "participants"), Libraries: strs(m, "libraries"),
		Methods: strs(m, "methods"), WindowStart: str(m, "windowStart"), WindowEnd: str(m, "windowEnd"),
		PlanNumber: str(m, "planNumber"), PlanName: str(m, "planName"), Batch: str(m, "batch"),
		ResultsURL: "/results?task=" + url.QueryEscape(str(m, "number"))}
	if v.Kind == "" {
		v.Kind = str(m, "kind")
	}
	v.Scope = scopeText(obj(m, "scope"))
	for _, it := range list(m, "items") {
		v.Items = append(v.Items, taskItemView{Code: str(it, "code"), Name: str(it, "name"),
			Category: categoryNames[str(it, "category")], Department: str(it, "department")})
	}
	if c := tk.Cancel; c != nil {
		cv := h.pub(c, cpSize)
		v.Cancelled, v.CancelReason, v.Cancel = true, str(c.Payload, "reason"), &cv
	}
	for _, d := range draws {
		if d.Commitment == nil && len(d.Events) == 0 {
			continue
		}
		dv := drawView{ID: d.DrawID, Seq: d.Seq, Superseded: d.Superseded, Status: "已冻结"}
		for _, e := range d.Events {
			m := e.Payload
			name := str(m, "event")
			dv.Events = append(dv.Events, eventView{Seq: str(m, "eventSeq"), Name: eventNames[name], Detail: eventDetail(m), Pub: h.pub(e, cpSize)})
			switch name {
			case "COMMIT":
				dv.Status = "已公布承诺，待输入外部熵"
			case "EXECUTE":
				dv.Status = "已抽取，结果公示后揭示"
			case "FAIL":
				dv.Status, dv.Failed, dv.FailRule = "抽取失败，已公开服务端密钥", true, str(m, "rule")
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
		cm := d.Commitment.Payload
		dv.CommitmentDigest, dv.TargetCount, dv.Reason = str(cm, "commitmentDigest"), str(cm, "targetCount"), str(cm, "reason")
		c := obj(cm, "commitment")
		dv.FrameRoot, dv.FrameSize, dv.Algorithm = str(c, "frameRoot"), str(c, "frameSize"), str(c, "algorithm")
		for _, s := range list(c, "strata") {
			dv.Strata = append(dv.Strata, stratumView{Name: str(s, "name"), Eligible: str(s, "eligible"),
				Excluded: str(s, "excluded"), Draw: str(s, "draw")})
		}
		if !d.Superseded {
			v.TargetCount = dv.TargetCount
		}
		if d.Reveal != nil {
			rp := h.pub(d.Reveal, cpSize)
			rm := d.Reveal.Payload
			dv.Revealed, dv.Reveal = true, &rp
			dv.Entropy, dv.Secret, dv.SecretHash, dv.Seed = str(rm, "entropy"), str(rm, "secret"), str(rm, "secretHash"), str(rm, "seed")
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
	m := p.Payload
	v := listView{Pub: h.pub(p, cpSize), SubjectID: p.SubjectID, Department: str(m, "department"),
		DepartmentCode: str(m, "departmentCode"), Name: str(m, "name"), Version: str(m, "version"),
		EffectiveDate: str(m, "effectiveDate"), ChangeReason: str(m, "changeReason")}
	for _, it := range list(m, "items") {
		iv := listItemView{Code: str(it, "code"), Name: str(it, "name"), Category: categoryNames[str(it, "category")],
			LegalBasis: str(it, "legalBasis"), ResponsibleBody: str(it, "responsibleBody"), TargetType: str(it, "targetType"),
			Content: str(it, "content"), Methods: strs(it, "methods"), Frequency: str(it, "frequency"),
			InspectorRequirements: str(it, "inspectorRequirements"), Ratio: ratio(it)}
		if r := obj(it, "rule"); r != nil {
			for _, f := range [][2]string{{"basis", "依据"}, {"content", "检查内容"}, {"procedure", "检查程序"},
				{"approvalAuthority", "审批权限"}, {"publicationProcedure", "公示程序"}, {"archiving", "归档要求"}} {
				if s := str(r, f[0]); s != "" {
					iv.RuleRows = append(iv.RuleRows, [2]string{f[1], s})
				}
			}
		}
		v.Items = append(v.Items, iv)
	}
	return v
}

// ratio renders an item's ratio bounds, stored as fractions (0–1).
func ratio(it map[string]any) string {
	lo, okLo := num(it, "ratioMin")
	hi, okHi := num(it, "ratioMax")
	pct := func(x float64) string { return strconv.FormatFloat(math.Round(x*10000)/100, 'f', -1, 64) + "%" }
	switch {
	case okLo && okHi:
		return pct(lo) + " 至 " + pct(hi)
	case okHi:
		return "不超过 " + pct(hi)
	case okLo:
		return "不低于 " + pct(lo) + "（无上限）"
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
	m := p.Payload
	v := planView{Pub: h.pub(p, cpSize), Number: str(m, "number"), Name: str(m, "name"), Version: str(m, "version"),
		Year: str(m, "year"), CountyWide: boolean(m, "countyWide"), Department: str(m, "department"),
		AdjustmentReason: str(m, "adjustmentReason"), LateFiling: boolean(m, "lateFiling")}
	for _, b := range list(m, "batches") {
		bv := batchView{Seq: str(b, "seq"), Name: str(b, "name"), Scope: str(b, "scope"), Start: str(b, "startDate"),
			End: str(b, "endDate"), Initiator: str(b, "initiator"), Participants: strs(b, "participants")}
		if c := str(b, "plannedCount"); c != "" {
			bv.Planned = c + " 户"
		} else if r, ok := num(b, "plannedRatio"); ok {
			bv.Planned = ratio(map[string]any{"ratioMax": r})
		}
		for _, it := range list(b, "items") {
			bv.Items = append(bv.Items, str(it, "code")+" "+str(it, "name"))
		}
		v.Batches = append(v.Batches, bv)
	}
	return v
}
