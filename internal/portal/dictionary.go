package portal

import (
	"crypto/ed25519"
	"net/http"

	"github.com/ssgk/ssgk/internal/ledger"
)

// column is one column of an open-data file as the data dictionary (数据字典) explains it.
type column struct {
	Name, Label, Type, Note string
}

// resultDictionary explains resultColumns, in their order.
var resultDictionary = []column{
	{"publication_id", "公示编号", "整数", "公示记录的编号，在本平台唯一且不变"},
	{"kind", "公示类别", "文本", "RESULT 检查结果；CORRECTION 结果更正"},
	{"published_at", "公示时间", "日期时间", "北京时间，ISO 8601 格式（如 2026-10-20T10:00:00+08:00）"},
	{"ledger_index", "透明日志叶子序号", "整数", "该公示在透明日志中的序号，用于下载包含证明（/ledger/proof/inclusion?index=序号）；尚未记入时为空"},
	{"digest", "公示摘要", "文本", "公示内容的 SHA-256 摘要（十六进制），可用于核对内容未被改动"},
	{"corrects_publication_id", "被更正的公示编号", "整数", "更正行指向其更正的原公示；检查结果行为空"},
	{"version", "版本", "整数", "结果版本：原公示为 1，每次更正加 1"},
	{"plan_number", "计划编号", "文本", "所属年度抽查计划的编号（行政区划代码 + 年份 + 序号）"},
	{"plan_name", "计划名称", "文本", "所属年度抽查计划的名称"},
	{"task_number", "任务编号", "文本", "抽查任务编号"},
	{"task_name", "任务名称", "文本", "抽查任务名称"},
	{"task_type", "抽查类型", "文本", "定向或不定向抽查，是否部门联合抽查"},
	{"authority", "检查机关", "文本", "实施检查并公示结果的部门（谁检查、谁录入、谁公开）"},
	{"department_code", "部门编码", "文本", "检查机关的部门编码（见开放数据页的部门编码表）"},
	{"target_code", "统一社会信用代码", "文本", "检查对象的统一社会信用代码（18 位），或 15 位注册号、其他对象代码"},
	{"target_name", "检查对象名称", "文本", "公示时检查对象的名称"},
	{"completed_on", "检查完成日期", "日期", "检查结束日期（YYYY-MM-DD），公示期限自次日起按工作日计算"},
	{"result_codes", "检查结果", "文本（CSV 中以“；”分隔）", "标准结果表述，如“未发现问题”“未按规定公示应当公示的信息”；JSON 中为数组"},
	{"items", "逐项检查情况", "文本（CSV 中以“；”分隔）", "每个抽查事项的代码、名称与检查情况；JSON 中为对象数组（item_code、item_name、result、problem、handling、codes）"},
	{"methods", "检查方式", "文本（CSV 中以“；”分隔）", "实地核查、书面检查、网络监测、检验检测、采信其他结论等；JSON 中为数组"},
	{"follow_up", "后续处置", "文本", "发现问题后的处置方式，无则为空"},
	{"correction_reason", "更正原因", "文本", "更正行填写，经部门负责人签名确认"},
}

// taskDictionary explains taskColumns, in their order.
var taskDictionary = []column{
	{"publication_id", "公示编号", "整数", "任务公告的公示编号"},
	{"published_at", "公告时间", "日期时间", "北京时间，ISO 8601 格式"},
	{"ledger_index", "透明日志叶子序号", "整数", "该公告在透明日志中的序号；尚未记入时为空"},
	{"digest", "公示摘要", "文本", "公告内容的 SHA-256 摘要（十六进制）"},
	{"task_number", "任务编号", "文本", "抽查任务编号"},
	{"task_name", "任务名称", "文本", "抽查任务名称"},
	{"kind", "抽查类型", "文本", "UNTARGETED 不定向抽查；TARGETED 定向抽查"},
	{"special", "是否专项检查", "真/假", "true 表示由线索聚集发起的专项检查"},
	{"joint", "是否部门联合抽查", "真/假", "true 表示有参与部门的部门联合抽查"},
	{"initiator", "发起部门", "文本", "牵头发起任务的部门"},
	{"department_code", "发起部门编码", "文本", "发起部门的部门编码"},
	{"participants", "参与部门", "文本（CSV 中以“；”分隔）", "参与联合抽查的部门；JSON 中为数组"},
	{"items", "抽查事项", "文本（CSV 中以“；”分隔）", "任务涉及的抽查事项（代码、名称、负责部门）；JSON 中为对象数组"},
	{"libraries", "检查对象名录库", "文本（CSV 中以“；”分隔）", "抽取所用的名录分库；JSON 中为数组"},
	{"methods", "检查方式", "文本（CSV 中以“；”分隔）", "任务采用的检查方式；JSON 中为数组"},
	{"scope", "抽查范围", "文本", "定向抽查的对象类型、行业等条件；不定向为“不限”"},
	{"window_start", "检查开始日期", "日期", "检查期限的第一天"},
	{"window_end", "检查结束日期", "日期", "检查期限的最后一天"},
	{"plan_number", "计划编号", "文本", "所属年度抽查计划的编号"},
	{"plan_name", "计划名称", "文本", "所属年度抽查计划的名称"},
	{"batch", "计划批次", "文本", "所属计划批次"},
	{"cancelled", "是否已撤销", "真/假", "true 表示任务公告后由联席会议办公室撤销（撤销记入透明日志）"},
	{"cancel_reason", "撤销原因", "文本", "任务撤销的原因"},
	{"draws", "抽取次数", "整数", "本任务记入透明日志的抽取次数（含被取代、失败的抽取）"},
	{"draw_status", "抽取状态", "文本", "最近一次抽取的状态：FROZEN 已冻结、COMMITTED 已承诺、DRAWN 已抽取、FAILED 抽取失败、SUPERSEDED 已被取代、REVEALED 已揭示"},
	{"recusals", "回避重组次数", "整数", "本任务各次抽取记入透明日志的回避重组次数"},
	{"replacements", "对象替换次数", "整数", "本任务各次抽取记入透明日志的对象替换次数"},
}

// dictionary is the Chinese data dictionary of the open data (/open/dictionary). Columns the
// open files gain later without an entry here are listed with their English name only, so the
// page never hides a column.
func (h *handler) dictionary(w http.ResponseWriter, r *http.Request, _ stamp) error {
	return h.render(w, r, http.StatusOK, "dictionary", view{Title: "开放数据字典", Section: "open", D: struct {
		Results, Tasks []column
	}{explain(resultColumns, resultDictionary), explain(taskColumns, taskDictionary)}})
}

func explain(names []string, dict []column) []column {
	byName := map[string]column{}
	for _, c := range dict {
		byName[c.Name] = c
	}
	out := make([]column, len(names))
	for i, n := range names {
		c, ok := byName[n]
		if !ok {
			c = column{Name: n, Label: n, Type: "—", Note: "—"}
		}
		out[i] = c
	}
	return out
}

// term is an entry of the glossary (名词解释) that pages link to.
type term struct {
	ID, Name, Text string
}

// glossaryTerms are the words of the draw and the publication a citizen meets on the portal.
var glossaryTerms = []term{
	{"stratum", "层（分层抽取）", "抽取前把候选检查对象按规则分成若干组，每组称为一“层”，各层分别按规定的比例或户数随机抽取。本平台通常按企业的信用风险分类分层：层 A 为信用风险低，层 B 为一般，层 C 为较高，层 D 为高。风险越高的层抽取比例越高，风险低的企业被抽到的机会相应较小，这是“信用风险分类监管”的要求。"},
	{"exclusion", "排除", "在冻结抽取框时，依规定不参加本次抽取的对象，例如已注销、吊销或迁出的企业，近期已被检查过的企业，或本年度被检查次数已达上限的企业。每个被排除的对象都记录了原因代码，排除数量随抽取承诺一并公示，任何人都可以在核验包中看到排除了谁、为什么。"},
	{"frame", "抽取框", "一次抽取的全部候选检查对象名单。抽取前冻结，并计算它的 Merkle 根（一个 64 位十六进制数）随承诺公示；名单中任何一户被增删或改动，Merkle 根都会改变。"},
	{"commitment", "承诺（抽取承诺）", "在掷骰子等外部随机数产生之前，平台先公示的一份“保证书”：抽取框的 Merkle 根、各层候选数和抽取数、全部参数、检查人员池摘要，以及服务端密钥的哈希。承诺公示后就不能再更换名单或参数，因此谁也无法事先安排抽中谁。承诺摘要是这份承诺的 SHA-256 摘要。"},
	{"entropy", "外部熵", "抽取现场由见证人掷骰子得到的数字，或事先确定的公开彩票开奖号码等。它在承诺公示之后才产生，平台无法预知，原样录入并公示。"},
	{"seed", "种子", "决定抽取结果的随机数：种子 S = SHA-256(“ssgk-draw/v1” ‖ 承诺摘要 ‖ 服务端密钥 ‖ 外部熵)。承诺摘要、服务端密钥（揭示后公开）和外部熵都已公示，任何人都可以重新计算出同一个种子，进而算出同样的抽中名单。"},
	{"secret", "服务端密钥", "平台在承诺时只公示其哈希值、在结果全部公示后才公开的随机数。它保证在结果公示前外界无法推算抽中名单；公开后任何人可核对它与承诺中的哈希一致。"},
	{"reveal", "揭示", "任务的检查结果全部公示后，平台公开服务端密钥、抽中名单和核验包。此前任务公告只公示抽取户数，不公开抽中哪些企业。"},
	{"ledger", "透明日志与检查点", "每一项公示都作为一片“叶子”追加到只增不改的 Merkle 日志中（RFC 6962）。平台定期用自己的密钥签署“检查点”（日志大小与根哈希）。保存一个检查点后，任何人都能验证某项公示确在日志中（包含证明），以及日志此后只增加、没有被改写或删除（一致性证明）。"},
	{"correction", "更正", "已公示的检查结果不得修改。确有错误的，经部门负责人签名确认后公示更正版本，原公示与更正并列显示，二者都保留公示时间。"},
}

// glossary is the page of terms (名词解释).
func (h *handler) glossary(w http.ResponseWriter, r *http.Request, _ stamp) error {
	return h.render(w, r, http.StatusOK, "glossary", view{Title: "名词解释", Section: "verify", D: glossaryTerms})
}

// verifyInfo is what /verify shows of the hub's own log: its public key and latest checkpoint.
type verifyInfo struct {
	PublicKey string // base64, "" when the hub has not made its key yet
	KeyID     string
	Size      int64
	Root      string
	At        string
	HasCP     bool
}

func (h *handler) verifyInfo(r *http.Request) (verifyInfo, error) {
	var v verifyInfo
	if k, err := ledger.LoadKey(h.dataDir); err == nil {
		pub := k.Public().(ed25519.PublicKey)
		v.PublicKey, v.KeyID = ledger.EncodePublicKey(pub), ledger.KeyID(pub)
	}
	cp, err := h.d.latestCheckpoint(r.Context())
	if err != nil {
		return v, err
	}
	if cp != nil {
		v.HasCP, v.Size, v.Root, v.At = true, cp.Size, cp.Root, fmtTime(cp.At)
	}
	return v, nil
}
