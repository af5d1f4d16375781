// Package codes holds the hub's code tables — result labels, inspection methods and follow-up
// options — and seeds them into the database. Results refer to these codes; they are never
// stored as free text or comma-joined strings (domain.md §2.7).
package codes

import (
	"context"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/followupoption"
	"github.com/ssgk/ssgk/ent/inspectionmethod"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/viewer"
)

// Result is a standard result label.
type Result struct {
	Code, Name, Parent string
	ProblemFound       bool
	// AbnormalList: the label leads to listing in 经营异常名录 (企业信息公示暂行条例 art. 17).
	AbnormalList bool
}

// Results are the standard result labels seen across provincial systems.
var Results = []Result{
	{Code: "NO_PROBLEM", Name: "未发现问题"},
	{Code: "NOT_DISCLOSED", Name: "未按规定公示应当公示的信息", ProblemFound: true, AbnormalList: true},
	{Code: "FALSE_DISCLOSURE", Name: "公示信息隐瞒真实情况弄虚作假", ProblemFound: true, AbnormalList: true},
	{Code: "UNREACHABLE", Name: "通过登记的住所（经营场所）无法联系", ProblemFound: true, AbnormalList: true},
	{Code: "NON_COOPERATION", Name: "不配合检查情节严重", ProblemFound: true},
	{Code: "NO_RELEVANT_BUSINESS", Name: "未发现开展本次抽查涉及的经营活动"},
	{Code: "CORRECTED", Name: "发现问题已责令改正", ProblemFound: true},
	{Code: "PENDING_FOLLOW_UP", Name: "发现问题待后续处理", ProblemFound: true},
	{Code: "PENDING_MARKET", Name: "违反市场监管相关规定", Parent: "PENDING_FOLLOW_UP", ProblemFound: true},
	{Code: "PENDING_FOOD_DRUG", Name: "违反食品药品相关规定", Parent: "PENDING_FOLLOW_UP", ProblemFound: true},
	{Code: "PENDING_QUALITY", Name: "违反质量相关规定", Parent: "PENDING_FOLLOW_UP", ProblemFound: true},
	{Code: "PENDING_OTHER_DEPT", Name: "违反其他部门相关规定", Parent: "PENDING_FOLLOW_UP", ProblemFound: true},
	{Code: "PENDING_POLICE", Name: "违反公安部门相关规定", Parent: "PENDING_FOLLOW_UP", ProblemFound: true},
	{Code: "CLOSED_OR_LIQUIDATING", Name: "已关闭停业或正在组织清算"},
	{Code: "DEREGISTERED", Name: "注销"},
	{Code: "LICENCE_REVOKED", Name: "被吊销"},
	{Code: "REGISTRATION_CANCELLED", Name: "被撤销"},
	{Code: "MOVED_OUT", Name: "迁出"},
}

// Code is a plain code-table entry.
type Code struct{ Code, Name string }

// Methods are the inspection methods (检查方式).
var Methods = []Code{
	{"ON_SITE", "实地核查"},
	{"WRITTEN", "书面检查"},
	{"ONLINE", "网络监测"},
	{"TESTING", "检验检测"},
	{"ADOPTED", "采信其他部门检查结论、司法机关法律文书或专业机构意见"},
}

// FollowUp is a follow-up option (后续处置).
type FollowUp struct {
	Code, Name    string
	TransfersCase bool
}

// FollowUps are the follow-up options.
var FollowUps = []FollowUp{
	{Code: "NONE", Name: "无需后续处置"},
	{Code: "ROUTINE", Name: "终止检查，转日常监管"},
	{Code: "ORDER_CORRECTION", Name: "责令改正并跟踪复查"},
	{Code: "CASE_TRANSFER", Name: "作为案件线索移交办案机构", TransfersCase: true},
	{Code: "JUDICIAL_TRANSFER", Name: "涉嫌犯罪，移送司法机关", TransfersCase: true},
	{Code: "NOTIFY_DEPT", Name: "抄告相关部门"},
	// Opened by the hub itself when a published result carries a code that leads to the
	// abnormal list (经营异常名录); not chosen by the inspector.
	{Code: AbnormalListFollowUp, Name: "列入经营异常名录"},
}

// AbnormalListFollowUp is the follow-up a published result with a 经营异常 code opens.
const AbnormalListFollowUp = "ABNORMAL_LIST"

// Seed inserts the code-table entries that are missing. It never changes or removes an entry
// that exists, so it is safe on every start.
func Seed(ctx context.Context, client *ent.Client) error {
	ctx = viewer.NewContext(ctx, viewer.NewSystem("seed codes"))
	return txn.Run(ctx, client, func(tx *ent.Tx) error {
		ids := map[string]int{}
		existing, err := tx.ResultCode.Query().All(ctx)
		if err != nil {
			return err
		}
		for _, c := range existing {
			ids[c.Code] = c.ID
		}
		for i, r := range Results {
			if _, ok := ids[r.Code]; ok {
				continue
			}
			c := tx.ResultCode.Create().SetCode(r.Code).SetName(r.Name).SetSortOrder(i + 1).
				SetProblemFound(r.ProblemFound).SetLeadsToAbnormalList(r.AbnormalList)
			if r.Parent != "" {
				c.SetParentID(ids[r.Parent])
			}
			rc, err := c.Save(ctx)
			if err != nil {
				return err
			}
			ids[r.Code] = rc.ID
		}
		for i, m := range Methods {
			n, err := tx.InspectionMethod.Query().Where(inspectionmethod.Code(m.Code)).Count(ctx)
			if err != nil {
				return err
			}
			if n == 0 {
				if err := tx.InspectionMethod.Create().SetCode(m.Code).SetName(m.Name).SetSortOrder(i + 1).Exec(ctx); err != nil {
					return err
				}
			}
		}
		for i, f := range FollowUps {
			n, err := tx.FollowUpOption.Query().Where(followupoption.Code(f.Code)).Count(ctx)
			if err != nil {
				return err
			}
			if n == 0 {
				if err := tx.FollowUpOption.Create().SetCode(f.Code).SetName(f.Name).SetSortOrder(i + 1).SetTransfersCase(f.TransfersCase).Exec(ctx); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
