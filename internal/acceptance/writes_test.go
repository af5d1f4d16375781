package acceptance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/conflict"
	"github.com/ssgk/ssgk/ent/followupoption"
	"github.com/ssgk/ssgk/ent/implementationrule"
	"github.com/ssgk/ssgk/ent/inspectionitem"
	"github.com/ssgk/ssgk/ent/inspector"
	"github.com/ssgk/ssgk/ent/itemlist"
	"github.com/ssgk/ssgk/ent/plan"
	"github.com/ssgk/ssgk/ent/planbatch"
	"github.com/ssgk/ssgk/ent/result"
	"github.com/ssgk/ssgk/ent/sharegrant"
	"github.com/ssgk/ssgk/ent/target"
	"github.com/ssgk/ssgk/ent/targetlibrary"
	"github.com/ssgk/ssgk/graph"
	"github.com/ssgk/ssgk/internal/authz"
	"github.com/ssgk/ssgk/internal/demo"
	"github.com/ssgk/ssgk/internal/leads"
	"github.com/ssgk/ssgk/internal/lists"
	"github.com/ssgk/ssgk/internal/plans"
	"github.com/ssgk/ssgk/internal/results"
	"github.com/ssgk/ssgk/internal/tasks"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/uscc"
	"github.com/ssgk/ssgk/internal/viewer"
)

// relation is the viewer's department's relation to the record a read or a write touches.
type relation string

const (
	owning         relation = "owning department"
	otherNoGrant   relation = "other department, no grant"
	otherWithGrant relation = "other department, with grant"
)

// allowedWrite is docs/authorisation.md's rule for one mutation, role and relation, read from
// the same table the code enforces (authz.Rules). self marks a write on the viewer's own
// department whatever the relation (a request, a saved query, an import of leads).
func allowedWrite(r *authz.Rule, role string, rel relation, self bool) bool {
	switch {
	case r.Scope == authz.Anyone:
		return true
	case !slices.Contains(r.Roles, role):
		return false
	case r.Scope == authz.All, r.Scope == authz.Self, self, role == viewer.RoleOffice:
		return true
	}
	return rel == owning
}

// writeCase is one request of the write matrix.
type writeCase struct {
	varDefs string            // "$id: ID!, …"
	args    string            // "id: $id, …"
	vars    map[string]any    // variables
	files   map[string][]byte // upload variables (name → content)
	self    bool              // the write is on the viewer's own department
}

// writeWorld holds the market regulator's (SCJG) records every write of the matrix touches.
type writeWorld struct {
	h              *hub
	og             *ongoing
	target         *ent.Target // held by SCJG only
	lib            int         // SCJG's MAIN sub-library
	insp           *ent.Inspector
	conflict       int
	list           int // SCJG's published list
	draftList      int
	draftItem      int
	rule           int
	filing         int
	publishedPlan  int
	draftPlan      int
	batch          int
	draftTask      int
	approved       int // an approved SCJG result of the ongoing task
	published      *ent.Result
	followUp       int
	transfer       int
	received       int   // a lead received, not assigned
	notification   int   // a notice (抄告) from WJ to SCJG
	account        int   // an SCJG inspector's account, for setAccountActive
	tokens         []int // SCJG tokens, one for each revokeApiToken call
	draftTasks     []int // SCJG draft tasks, one for each deleteTask call
	draftBatches   []int // batches of the draft plan, one for each deletePlanBatch call (the last for updatePlanBatch)
	assigned       int   // a lead assigned to SCJG
	clusters       []int
	pending        []int // grants SCJG is asked for
	approvedGrant  int   // a grant of SCJG's, requested by CZ
	seq            int
	scjgItem       int
	scjgPublishedI int
}

func (w *writeWorld) next() int { w.seq++; return w.seq }

// taskInput is a valid TaskInput of SCJG: no batch, a window after the hub's clock.
func (w *writeWorld) taskInput(name string) map[string]any {
	O := w.h.deps["SCJG"]
	return map[string]any{"initiatorID": O.ID, "name": name, "windowStart": "2026-12-01T00:00:00+08:00", "windowEnd": "2026-12-20T00:00:00+08:00",
		"items": []map[string]any{{"departmentID": O.ID, "itemID": w.scjgItem}}, "libraryIDs": []int{w.lib},
		"strata": []map[string]any{{"name": "A", "count": 1}, {"name": "B", "count": 1}, {"name": "C", "count": 1}, {"name": "D", "count": 1}}}
}

// newWriteWorld builds the records on the demo hub, as operator commands.
func newWriteWorld(t *testing.T, h *hub) *writeWorld {
	ctx, c := h.sys, h.db.Client
	w := &writeWorld{h: h, og: h.ongoingTask()}
	O, X := h.deps["SCJG"], h.deps["WJ"]
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var err error
	w.lib, err = c.TargetLibrary.Query().Where(targetlibrary.Code("MAIN"), targetlibrary.DepartmentID(O.ID)).OnlyID(ctx)
	must(err)
	w.target, err = c.Target.Query().Where(target.HasLibrariesWith(targetlibrary.ID(w.lib)),
		target.Not(target.HasLibrariesWith(targetlibrary.DepartmentIDNEQ(O.ID)))).First(ctx)
	must(err)
	w.insp, err = c.Inspector.Query().Where(inspector.DepartmentID(O.ID), inspector.CertificateNoNotNil()).First(ctx)
	must(err)
	must(txn.Run(ctx, c, func(tx *ent.Tx) error {
		cf, err := tx.Conflict.Create().SetRelation(conflict.RelationFAMILY).SetReason("近亲属任职").SetDeclaredAt(day(2026, 3, 1)).
			SetInspectorID(w.insp.ID).SetTargetID(w.target.ID).Save(ctx)
		if err == nil {
			w.conflict = cf.ID
		}
		return err
	}))
	pub, err := c.ItemList.Query().Where(itemlist.DepartmentID(O.ID), itemlist.StatusEQ(itemlist.StatusPUBLISHED)).Only(ctx)
	must(err)
	w.list = pub.ID
	w.scjgPublishedI, err = c.InspectionItem.Query().Where(inspectionitem.ItemListID(pub.ID)).FirstID(ctx)
	must(err)
	dl, err := lists.NewVersion(ctx, c, O.ID, "", "授权矩阵测试")
	must(err)
	w.draftList = dl.ID
	w.draftItem, err = c.InspectionItem.Query().Where(inspectionitem.ItemListID(dl.ID), inspectionitem.HasRule()).FirstID(ctx)
	must(err)
	w.rule, err = c.ImplementationRule.Query().Where(implementationrule.ItemID(w.draftItem)).OnlyID(ctx)
	must(err)
	w.filing, err = c.Filing.Query().FirstID(ctx)
	must(err)
	w.publishedPlan, err = c.Plan.Query().Where(plan.DepartmentID(O.ID), plan.StatusEQ(plan.StatusPUBLISHED)).FirstID(ctx)
	must(err)
	w.batch, err = c.PlanBatch.Query().Where(planbatch.PlanID(w.publishedPlan)).FirstID(ctx)
	must(err)
	dp, err := plans.Create(ctx, c, O.ID, 2027, "授权矩阵测试计划", false)
	must(err)
	w.draftPlan = dp.ID
	for i := range 61 {
		b, err := plans.AddBatch(ctx, c, dp.ID, plans.BatchInput{Seq: 1000 + i, Name: fmt.Sprintf("矩阵测试待删除批次 %d", i),
			Start: day(2027, 3, 1), End: day(2027, 5, 31), InitiatorID: O.ID, ItemIDs: []int{w.scjgPublishedI}})
		must(err)
		w.draftBatches = append(w.draftBatches, b.ID)
	}
	scjgItem := w.scjgPublishedI
	w.scjgItem = scjgItem
	dt, err := tasks.Create(ctx, c, tasks.Input{BatchID: &w.batch, InitiatorID: O.ID, Name: "授权矩阵测试任务",
		WindowStart: day(2026, 9, 1), WindowEnd: day(2026, 9, 20), Items: []tasks.ItemRef{{DepartmentID: O.ID, ItemID: scjgItem}},
		LibraryIDs: []int{w.lib}, Strata: []tasks.Stratum{{Name: "A", Count: 1}, {Name: "B", Count: 1}, {Name: "C", Count: 1}, {Name: "D", Count: 1}}})
	must(err)
	w.draftTask = dt.ID
	for i := range 60 {
		dt, err := tasks.Create(ctx, c, tasks.Input{InitiatorID: O.ID, Name: fmt.Sprintf("授权矩阵待删除任务 %d", i),
			WindowStart: day(2026, 12, 1), WindowEnd: day(2026, 12, 20), Items: []tasks.ItemRef{{DepartmentID: O.ID, ItemID: scjgItem}},
			LibraryIDs: []int{w.lib}, Strata: []tasks.Stratum{{Name: "A", Count: 1}, {Name: "B", Count: 1}, {Name: "C", Count: 1}, {Name: "D", Count: 1}}})
		must(err)
		w.draftTasks = append(w.draftTasks, dt.ID)
	}
	// An approved result of the ongoing task, for publishResult.
	back := h.clock.Now()
	h.clock.Move(day(2026, 9, 27).Add(10 * time.Hour))
	r, err := results.Save(ctx, c, results.ResultInput{TaskID: w.og.TaskID, TargetID: w.og.Targets[2].ID, DepartmentID: O.ID,
		InspectionEndDate: day(2026, 9, 25), Summary: "矩阵测试", Codes: []string{"NO_PROBLEM"}, MethodCodes: []string{"ON_SITE"},
		Items: []results.ItemInput{{ItemID: w.ongoingItem(t), Checked: true}}})
	must(err)
	_, err = results.Submit(ctx, c, r.ID)
	must(err)
	_, err = results.Approve(ctx, c, r.ID)
	must(err)
	w.approved = r.ID
	h.clock.Move(back)
	w.published, err = c.Result.Query().Where(result.DepartmentID(O.ID), result.StatusEQ(result.StatusPUBLISHED),
		result.Not(result.HasCorrections())).First(ctx)
	must(err)
	// Follow-ups of a published result.
	for _, code := range []string{"ORDER_CORRECTION", "CASE_TRANSFER"} {
		opt, err := c.FollowUpOption.Query().Where(followupoption.Code(code)).Only(ctx)
		must(err)
		var fu *ent.FollowUpAction
		must(txn.Run(ctx, c, func(tx *ent.Tx) error {
			fu, err = tx.FollowUpAction.Create().SetResultID(w.published.ID).SetOptionID(opt.ID).Save(ctx)
			return err
		}))
		if code == "CASE_TRANSFER" {
			w.transfer = fu.ID
		} else {
			w.followUp = fu.ID
		}
	}
	// An SCJG inspector's account, for setAccountActive.
	acc, err := h.auth.CreateAccount(ctx, "mx.managed.scjg", "矩阵测试被管理账号", matrixPassword, "SCJG", []string{viewer.RoleInspector})
	must(err)
	w.account = acc.ID
	for i := range 200 {
		_, tok, err := h.auth.CreateToken(ctx, "SCJG", fmt.Sprintf("矩阵测试待吊销令牌 %d", i), []string{viewer.RoleInspector}, nil)
		must(err)
		w.tokens = append(w.tokens, tok.ID)
	}
	// A notice from WJ to SCJG, for markNotificationRead.
	must(txn.Run(ctx, c, func(tx *ent.Tx) error {
		n, err := tx.Notification.Create().SetMessage("矩阵测试抄告").SetFromDepartmentID(X.ID).SetToDepartmentID(O.ID).Save(ctx)
		if err == nil {
			w.notification = n.ID
		}
		return err
	}))
	// Leads: one received, one assigned to SCJG, and two clusters on SCJG's item.
	l, err := leads.Receive(ctx, c, leads.LeadInput{Source: "COMPLAINT", Summary: "矩阵测试：投诉一"})
	must(err)
	w.received = l.ID
	l, err = leads.Receive(ctx, c, leads.LeadInput{Source: "COMPLAINT", Summary: "矩阵测试：投诉二"})
	must(err)
	_, err = leads.Assign(ctx, c, l.ID, O.ID)
	must(err)
	w.assigned = l.ID
	for _, industry := range []string{"5211", "5212"} {
		for i := range 3 {
			_, err := leads.Receive(ctx, c, leads.LeadInput{Source: "COMPLAINT", Summary: fmt.Sprintf("矩阵测试：聚集 %s-%d", industry, i),
				ItemID: scjgItem, IndustryCode: industry})
			must(err)
		}
	}
	w.clusters, err = c.LeadCluster.Query().IDs(ctx)
	must(err)
	if len(w.clusters) < 2 {
		t.Fatalf("lead clusters: %d", len(w.clusters))
	}
	// Grants SCJG is asked for, and one it granted to CZ.
	must(txn.Run(ctx, c, func(tx *ent.Tx) error {
		for i := range 2 {
			g, err := tx.ShareGrant.Create().SetRequesterID(X.ID).SetOwnerID(O.ID).SetGroup("contact").
				SetPurpose(fmt.Sprintf("矩阵测试 %d", i)).SetExpiresAt(h.clock.Now().AddDate(0, 3, 0)).Save(ctx)
			if err != nil {
				return err
			}
			w.pending = append(w.pending, g.ID)
		}
		g, err := tx.ShareGrant.Create().SetRequesterID(h.deps["CZ"].ID).SetOwnerID(O.ID).SetGroup("contact").
			SetPurpose("矩阵测试").SetExpiresAt(h.clock.Now().AddDate(0, 3, 0)).SetStatus(sharegrant.StatusAPPROVED).Save(ctx)
		if err == nil {
			w.approvedGrant = g.ID
		}
		return err
	}))
	return w
}

// ongoingItem is SCJG's item in the ongoing task.
func (w *writeWorld) ongoingItem(t *testing.T) int {
	id, err := w.h.db.Client.InspectionItem.Query().Where(inspectionitem.Name("企业公示信息的检查"),
		inspectionitem.HasItemListWith(itemlist.DepartmentID(w.h.deps["SCJG"].ID), itemlist.StatusEQ(itemlist.StatusPUBLISHED))).Only(w.h.sys)
	if err != nil {
		t.Fatal(err)
	}
	return id.ID
}

func newUSCC(n int) string {
	first := fmt.Sprintf("913709217%08dX", 10000000+n)[:17]
	return first + string(uscc.CheckChar(first))
}

func pngBytes() []byte {
	var b bytes.Buffer
	_ = png.Encode(&b, image.NewGray(image.Rect(0, 0, 1, 1)))
	return b.Bytes()
}

// fixtures give, for every mutation of the schema, a request on a record owned by SCJG.
func (w *writeWorld) fixtures() map[string]func() writeCase {
	O := w.h.deps["SCJG"]
	og := w.og
	key := func(t *ent.Target) string { return *t.Uscc }
	cert := *w.insp.CertificateNo
	now := w.h.clock.Now()
	return map[string]func() writeCase{
		"login": func() writeCase {
			return writeCase{varDefs: "$u: String!, $p: String!", args: "username: $u, password: $p", vars: map[string]any{"u": "scjg.inspector", "p": demo.Password}, self: true}
		},
		"createDepartment": func() writeCase {
			return writeCase{varDefs: "$in: CreateDepartmentInput!", args: "input: $in", vars: map[string]any{"in": map[string]any{"code": fmt.Sprintf("MX%d", w.next()), "name": "矩阵测试部门"}}}
		},
		"updateDepartment": func() writeCase {
			return writeCase{varDefs: "$id: ID!, $in: UpdateDepartmentInput!", args: "id: $id, input: $in", vars: map[string]any{"id": O.ID, "in": map[string]any{"name": O.Name}}}
		},
		"createTarget": func() writeCase {
			return writeCase{varDefs: "$in: CreateTargetInput!", args: "input: $in", vars: map[string]any{"in": map[string]any{
				"uscc": newUSCC(w.next()), "name": "宁阳县矩阵测试有限公司", "libraryIDs": []int{w.lib}}}}
		},
		"updateTarget": func() writeCase {
			return writeCase{varDefs: "$id: ID!, $in: UpdateTargetInput!", args: "id: $id, input: $in", vars: map[string]any{"id": w.target.ID, "in": map[string]any{"address": "宁阳县矩阵路 1 号"}}}
		},
		"createTargetLibrary": func() writeCase {
			return writeCase{varDefs: "$in: CreateTargetLibraryInput!", args: "input: $in", vars: map[string]any{"in": map[string]any{
				"code": fmt.Sprintf("MX%d", w.next()), "name": "矩阵测试分库", "departmentID": O.ID}}}
		},
		"updateTargetLibrary": func() writeCase {
			return writeCase{varDefs: "$id: ID!, $in: UpdateTargetLibraryInput!", args: "id: $id, input: $in", vars: map[string]any{"id": w.lib, "in": map[string]any{"domain": "市场主体登记"}}}
		},
		"createInspector": func() writeCase {
			return writeCase{varDefs: "$in: CreateInspectorInput!", args: "input: $in", vars: map[string]any{"in": map[string]any{"name": "矩阵测试员", "departmentID": O.ID}}}
		},
		"updateInspector": func() writeCase {
			return writeCase{varDefs: "$id: ID!, $in: UpdateInspectorInput!", args: "id: $id, input: $in", vars: map[string]any{"id": w.insp.ID, "in": map[string]any{"active": true}}}
		},
		"createConflict": func() writeCase {
			return writeCase{varDefs: "$in: CreateConflictInput!", args: "input: $in", vars: map[string]any{"in": map[string]any{
				"relation": "OTHER", "reason": "矩阵测试", "declaredAt": now.Format(time.RFC3339), "inspectorID": w.insp.ID, "targetID": og.Targets[0].ID}}}
		},
		"updateConflict": func() writeCase {
			return writeCase{varDefs: "$id: ID!, $in: UpdateConflictInput!", args: "id: $id, input: $in", vars: map[string]any{"id": w.conflict, "in": map[string]any{"active": false, "endedReason": "矩阵测试：关系已解除"}}}
		},
		"createItemList": func() writeCase {
			return writeCase{varDefs: "$in: CreateItemListInput!", args: "input: $in", vars: map[string]any{"in": map[string]any{"name": "矩阵测试清单", "version": 90 + w.next(), "departmentID": O.ID}}}
		},
		"updateItemList": func() writeCase {
			return writeCase{varDefs: "$id: ID!, $in: UpdateItemListInput!", args: "id: $id, input: $in", vars: map[string]any{"id": w.draftList, "in": map[string]any{"changeReason": "矩阵测试"}}}
		},
		"createInspectionItem": func() writeCase {
			return writeCase{varDefs: "$in: CreateInspectionItemInput!", args: "input: $in", vars: map[string]any{"in": map[string]any{
				"code": fmt.Sprintf("MX-%d", w.next()), "name": "矩阵测试事项", "category": "GENERAL", "legalBasis": "矩阵", "responsibleBody": "矩阵",
				"targetType": "企业", "content": "矩阵", "frequency": "每年", "itemListID": w.draftList}}}
		},
		"updateInspectionItem": func() writeCase {
			return writeCase{varDefs: "$id: ID!, $in: UpdateInspectionItemInput!", args: "id: $id, input: $in", vars: map[string]any{"id": w.draftItem, "in": map[string]any{"content": "矩阵测试内容"}}}
		},
		"createImplementationRule": func() writeCase {
			return writeCase{varDefs: "$in: CreateImplementationRuleInput!", args: "input: $in", vars: map[string]any{"in": map[string]any{
				"basis": "矩阵", "content": "矩阵", "procedure": "矩阵", "approvalAuthority": "矩阵", "publicationProcedure": "矩阵", "archiving": "矩阵", "itemID": w.draftItem}}}
		},
		"updateImplementationRule": func() writeCase {
			return writeCase{varDefs: "$id: ID!, $in: UpdateImplementationRuleInput!", args: "id: $id, input: $in", vars: map[string]any{"id": w.rule, "in": map[string]any{"content": "矩阵测试细则"}}}
		},
		"newItemListVersion": func() writeCase {
			return writeCase{varDefs: "$d: ID!", args: `departmentID: $d, changeReason: "矩阵测试"`, vars: map[string]any{"d": O.ID}}
		},
		"submitItemList": func() writeCase {
			return writeCase{varDefs: "$id: ID!", args: "id: $id", vars: map[string]any{"id": w.draftList}}
		},
		"decideFiling": func() writeCase {
			return writeCase{varDefs: "$id: ID!", args: "id: $id, accept: true", vars: map[string]any{"id": w.filing}}
		},
		"publishItemList": func() writeCase {
			return writeCase{varDefs: "$id: ID!, $e: Time!", args: "id: $id, effectiveDate: $e", vars: map[string]any{"id": w.list, "e": now.Format(time.RFC3339)}}
		},
		"confirmLibraries": func() writeCase {
			return writeCase{varDefs: "$d: ID!", args: "departmentID: $d", vars: map[string]any{"d": O.ID}}
		},
		"importFile": func() writeCase {
			csv := fmt.Sprintf("统一社会信用代码,企业名称\n%s,宁阳县矩阵导入有限公司\n", newUSCC(w.next()))
			return writeCase{varDefs: "$d: ID!, $f: Upload!", args: "kind: TARGETS, departmentID: $d, file: $f", vars: map[string]any{"d": O.ID},
				files: map[string][]byte{"f": []byte(csv)}}
		},
		"createPlan": func() writeCase {
			return writeCase{varDefs: "$d: ID!", args: `departmentID: $d, year: 2027, name: "矩阵测试计划"`, vars: map[string]any{"d": O.ID}}
		},
		"addPlanBatch": func() writeCase {
			return writeCase{varDefs: "$p: ID!, $in: PlanBatchInput!", args: "planID: $p, input: $in", vars: map[string]any{"p": w.draftPlan, "in": map[string]any{
				"seq": w.next(), "name": "矩阵测试批次", "start": "2027-03-01T00:00:00+08:00", "end": "2027-05-31T00:00:00+08:00",
				"initiatorID": O.ID, "itemIDs": []int{w.scjgItem}}}}
		},
		"updatePlanBatch": func() writeCase {
			return writeCase{varDefs: "$id: ID!, $in: PlanBatchInput!", args: "id: $id, input: $in", vars: map[string]any{"id": w.draftBatches[len(w.draftBatches)-1], "in": map[string]any{
				"seq": 999, "name": "矩阵测试批次（修改）", "start": "2027-03-01T00:00:00+08:00", "end": "2027-05-31T00:00:00+08:00",
				"initiatorID": O.ID, "itemIDs": []int{w.scjgItem}}}}
		},
		"deletePlanBatch": func() writeCase {
			id := w.draftBatches[0]
			w.draftBatches = w.draftBatches[1:]
			return writeCase{varDefs: "$id: ID!", args: "id: $id", vars: map[string]any{"id": id}}
		},
		"submitPlan": func() writeCase {
			return writeCase{varDefs: "$id: ID!", args: "id: $id", vars: map[string]any{"id": w.draftPlan}}
		},
		"publishPlan": func() writeCase {
			return writeCase{varDefs: "$id: ID!", args: "id: $id", vars: map[string]any{"id": w.publishedPlan}}
		},
		"adjustPlan": func() writeCase {
			return writeCase{varDefs: "$id: ID!", args: `id: $id, reason: "矩阵测试"`, vars: map[string]any{"id": w.publishedPlan}}
		},
		// Without a batch, in a window after the hub's clock (2026-11-20): a task must fit its
		// batch and may not lie in the past (TestRegime_ConsistencyChecksRefused).
		"createTask": func() writeCase {
			return writeCase{varDefs: "$in: TaskInput!", args: "input: $in", vars: map[string]any{"in": w.taskInput("矩阵测试任务")}}
		},
		"updateTask": func() writeCase {
			return writeCase{varDefs: "$id: ID!, $in: TaskInput!", args: "id: $id, input: $in", vars: map[string]any{"id": w.draftTask, "in": w.taskInput("矩阵测试任务（修改）")}}
		},
		"deleteTask": func() writeCase {
			id := w.draftTasks[0]
			w.draftTasks = w.draftTasks[1:]
			return writeCase{varDefs: "$id: ID!", args: "id: $id", vars: map[string]any{"id": id}}
		},
		"announceTask": func() writeCase {
			return writeCase{varDefs: "$id: ID!", args: "id: $id", vars: map[string]any{"id": w.draftTask}}
		},
		"cancelTask": func() writeCase {
			return writeCase{varDefs: "$id: ID!", args: "id: $id", vars: map[string]any{"id": w.draftTask}}
		},
		"startInspection": func() writeCase {
			return writeCase{varDefs: "$id: ID!", args: "id: $id", vars: map[string]any{"id": og.TaskID}}
		},
		"freezeDraw": func() writeCase {
			return writeCase{varDefs: "$id: ID!", args: "taskID: $id", vars: map[string]any{"id": og.TaskID}}
		},
		"commitDraw": func() writeCase {
			return writeCase{varDefs: "$id: ID!", args: "id: $id", vars: map[string]any{"id": og.DrawID}}
		},
		"executeDraw": func() writeCase {
			return writeCase{varDefs: "$id: ID!", args: `id: $id, entropy: "1 2 3 4 5 6"`, vars: map[string]any{"id": og.DrawID}}
		},
		"recuseTeam": func() writeCase {
			return writeCase{varDefs: "$id: ID!, $k: String!, $i: [String!]!", args: `drawID: $id, targetKey: $k, inspectorKeys: $i, reasonCode: "OTHER", reason: "矩阵测试"`,
				vars: map[string]any{"id": og.DrawID, "k": key(og.Targets[len(og.Targets)-1]), "i": []string{cert}}}
		},
		"replaceTarget": func() writeCase {
			return writeCase{varDefs: "$id: ID!, $k: String!", args: `drawID: $id, targetKey: $k, reasonCode: "CLOSED", reason: "矩阵测试"`,
				vars: map[string]any{"id": og.DrawID, "k": key(og.Targets[len(og.Targets)-2])}}
		},
		"revealDraw": func() writeCase {
			return writeCase{varDefs: "$id: ID!", args: "id: $id", vars: map[string]any{"id": og.DrawID}}
		},
		"closeTask": func() writeCase {
			return writeCase{varDefs: "$id: ID!", args: "id: $id", vars: map[string]any{"id": og.TaskID}}
		},
		"saveResult": func() writeCase {
			return writeCase{varDefs: "$in: ResultInput!", args: "input: $in", vars: map[string]any{"in": map[string]any{
				"taskID": og.TaskID, "targetID": og.Targets[0].ID, "departmentID": O.ID, "summary": "矩阵测试改写", "codes": []string{"NO_PROBLEM"}}}}
		},
		"addEvidence": func() writeCase {
			return writeCase{varDefs: "$id: ID!, $f: Upload!", args: "resultID: $id, file: $f", vars: map[string]any{"id": og.DraftID},
				files: map[string][]byte{"f": pngBytes()}}
		},
		"submitResult": func() writeCase {
			return writeCase{varDefs: "$id: ID!", args: "id: $id", vars: map[string]any{"id": og.DraftID}}
		},
		"returnResult": func() writeCase {
			return writeCase{varDefs: "$id: ID!", args: `id: $id, reason: "矩阵测试"`, vars: map[string]any{"id": og.PendingID}}
		},
		"approveResult": func() writeCase {
			return writeCase{varDefs: "$id: ID!", args: "id: $id", vars: map[string]any{"id": og.PendingID}}
		},
		"publishResult": func() writeCase {
			return writeCase{varDefs: "$id: ID!", args: "id: $id", vars: map[string]any{"id": w.approved}}
		},
		"enrollSigningKey": func() writeCase {
			return writeCase{args: `password: "` + matrixPassword + `"`, self: true}
		},
		"correctResult": func() writeCase {
			return writeCase{varDefs: "$id: ID!, $in: ResultInput!", args: `id: $id, reason: "矩阵测试", input: $in, password: "` + matrixPassword + `"`,
				vars: map[string]any{"id": w.published.ID, "in": map[string]any{"taskID": w.published.TaskID, "targetID": w.published.TargetID, "codes": []string{"NO_PROBLEM"}}}}
		},
		"completeFollowUp": func() writeCase {
			return writeCase{varDefs: "$id: ID!, $d: Time!", args: "id: $id, doneOn: $d", vars: map[string]any{"id": w.followUp, "d": now.Format(time.RFC3339)}}
		},
		"transferCase": func() writeCase {
			return writeCase{varDefs: "$id: ID!, $d: Time!", args: `id: $id, receivingUnit: "矩阵测试办案机构", judicial: false, on: $d`, vars: map[string]any{"id": w.transfer, "d": now.Format(time.RFC3339)}}
		},
		"createAccount": func() writeCase {
			return writeCase{varDefs: "$in: AccountInput!", args: "input: $in", vars: map[string]any{"in": map[string]any{
				"username": fmt.Sprintf("mx.new.%d", w.next()), "displayName": "矩阵测试新账号", "password": matrixPassword,
				"departmentID": O.ID, "roles": []string{viewer.RoleInspector}}}}
		},
		"setAccountActive": func() writeCase {
			return writeCase{varDefs: "$id: ID!", args: "id: $id, active: false", vars: map[string]any{"id": w.account}}
		},
		"createApiToken": func() writeCase {
			return writeCase{varDefs: "$d: ID!", args: `departmentID: $d, name: "矩阵测试令牌", roles: ["INSPECTOR"]`, vars: map[string]any{"d": O.ID}}
		},
		"revokeApiToken": func() writeCase {
			id := w.tokens[0]
			w.tokens = w.tokens[1:]
			return writeCase{varDefs: "$id: ID!", args: "id: $id", vars: map[string]any{"id": id}}
		},
		"markNotificationRead": func() writeCase {
			return writeCase{varDefs: "$id: ID!", args: "id: $id", vars: map[string]any{"id": w.notification}}
		},
		"receiveLead": func() writeCase {
			return writeCase{varDefs: "$in: LeadInput!", args: "input: $in", vars: map[string]any{"in": map[string]any{"source": "COMPLAINT", "summary": "矩阵测试线索", "departmentID": O.ID}}}
		},
		"importLeads": func() writeCase {
			csv := "来源,来源编号,接收时间,线索摘要\n投诉举报,MX-" + fmt.Sprint(w.next()) + ",2026-11-01,矩阵测试导入线索\n"
			return writeCase{varDefs: "$f: Upload!", args: "file: $f", files: map[string][]byte{"f": []byte(csv)}, self: true}
		},
		"assignLead": func() writeCase {
			return writeCase{varDefs: "$id: ID!, $d: ID!", args: "id: $id, departmentID: $d", vars: map[string]any{"id": w.received, "d": O.ID}}
		},
		"startLeadHandling": func() writeCase {
			return writeCase{varDefs: "$id: ID!", args: "id: $id", vars: map[string]any{"id": w.assigned}}
		},
		"closeLead": func() writeCase {
			return writeCase{varDefs: "$id: ID!", args: `id: $id, outcome: "矩阵测试"`, vars: map[string]any{"id": w.assigned}}
		},
		"acceptLeadCluster": func() writeCase {
			return writeCase{varDefs: "$id: ID!, $d: ID!", args: `id: $id, initiatorID: $d, windowStart: "2026-12-01T00:00:00+08:00", windowEnd: "2026-12-20T00:00:00+08:00"`,
				vars: map[string]any{"id": w.clusters[0], "d": O.ID}}
		},
		"dismissLeadCluster": func() writeCase {
			return writeCase{varDefs: "$id: ID!", args: `id: $id, note: "矩阵测试"`, vars: map[string]any{"id": w.clusters[1]}}
		},
		"requestGrant": func() writeCase {
			return writeCase{varDefs: "$e: Time!", args: `ownerCode: "YJ", group: "contact", purpose: "矩阵测试", expiresAt: $e`,
				vars: map[string]any{"e": now.AddDate(0, 1, 0).Format(time.RFC3339)}, self: true}
		},
		"approveGrant": func() writeCase {
			return writeCase{varDefs: "$id: ID!", args: "id: $id", vars: map[string]any{"id": w.pending[0]}}
		},
		"refuseGrant": func() writeCase {
			return writeCase{varDefs: "$id: ID!", args: `id: $id, note: "矩阵测试"`, vars: map[string]any{"id": w.pending[1]}}
		},
		"revokeGrant": func() writeCase {
			return writeCase{varDefs: "$id: ID!", args: "id: $id", vars: map[string]any{"id": w.approvedGrant}}
		},
		"savePersistedQuery": func() writeCase {
			return writeCase{args: fmt.Sprintf(`name: "矩阵测试", query: "query M%d { departments { totalCount } }"`, w.next()), self: true}
		},
	}
}

const matrixPassword = "matrix-test-2026"

// gqlUpload runs a GraphQL operation with file uploads (the multipart request specification).
func (h *hub) gqlUpload(token, query string, vars map[string]any, files map[string][]byte) gqlResponse {
	h.t.Helper()
	if vars == nil {
		vars = map[string]any{}
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
		vars[n] = nil
	}
	sort.Strings(names)
	ops, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	fileMap := map[string][]string{}
	for i, n := range names {
		fileMap[fmt.Sprint(i)] = []string{"variables." + n}
	}
	m, _ := json.Marshal(fileMap)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("operations", string(ops))
	_ = mw.WriteField("map", string(m))
	for i, n := range names {
		fw, _ := mw.CreateFormFile(fmt.Sprint(i), n+".bin")
		_, _ = fw.Write(files[n])
	}
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, h.url+"/graphql", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out := gqlResponse{Status: resp.StatusCode, Raw: string(raw)}
	if err := json.Unmarshal(raw, &out); err != nil {
		h.t.Fatalf("not JSON (%d): %s", resp.StatusCode, raw)
	}
	return out
}

// accountToken logs in an account of the department holding exactly one role (created once).
func (h *hub) accountToken(dep, role string) string {
	h.t.Helper()
	k := "account:" + dep + "/" + role
	if tok, ok := h.tokens[k]; ok {
		return tok
	}
	username := strings.ToLower("mx." + dep + "." + role)
	if _, err := h.auth.CreateAccount(h.sys, username, "矩阵 "+dep+" "+role, matrixPassword, dep, []string{role}); err != nil {
		h.t.Fatal(err)
	}
	tok, _, _, err := h.auth.Login(h.sys, username, matrixPassword)
	if err != nil {
		h.t.Fatal(err)
	}
	h.tokens[k] = tok
	return tok
}

// refusal reports whether a response refused the write: FORBIDDEN or UNAUTHENTICATED, or
// NOT_FOUND for a record the viewer may not see at all (row rules).
func refusal(r gqlResponse) bool {
	return r.has("FORBIDDEN") || r.has("UNAUTHENTICATED") || r.has("NOT_FOUND")
}

// TestWriteMatrix is generated from the GraphQL schema: every mutation must have a rule in
// authz.Rules (docs/authorisation.md is generated from it) and a fixture here; then every
// mutation × every role × the owning department / another department / another department
// holding grants is asked for, on a record the market regulator owns, and the answer must be
// what the table says — refused with FORBIDDEN (nothing written: the audit trail does not grow)
// or let through to the workflow (whatever its own checks then say).
func TestWriteMatrix(t *testing.T) {
	t.Parallel()
	schema := graph.NewSchema(nil).Schema()
	var mutations []string
	for _, f := range schema.Mutation.Fields {
		mutations = append(mutations, f.Name)
	}
	sort.Strings(mutations)
	for _, m := range mutations {
		if _, ok := authz.MutationRule(m); !ok {
			t.Errorf("mutation %s has no write rule in authz.Rules", m)
		}
	}
	for _, r := range authz.Rules {
		for _, m := range r.Mutations {
			if schema.Mutation.Fields.ForName(m) == nil {
				t.Errorf("authz rule %s names %s, which is not a mutation", r.Action, m)
			}
		}
	}

	h := newDemoHub(t)
	w := newWriteWorld(t, h)
	fixtures := w.fixtures()
	// The grantee holds an approved grant of every CONDITIONAL group from SCJG.
	G := h.deps["JT"]
	err := txn.Run(h.sys, h.db.Client, func(tx *ent.Tx) error {
		for _, g := range []string{"contact", "evidence", "identity", "leads"} {
			if err := tx.ShareGrant.Create().SetRequesterID(G.ID).SetOwnerID(h.deps["SCJG"].ID).SetGroup(g).SetPurpose("授权矩阵测试").
				SetExpiresAt(h.clock.Now().AddDate(0, 6, 0)).SetStatus(sharegrant.StatusAPPROVED).Exec(h.sys); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	rels := []struct {
		rel relation
		dep string
	}{{owning, "SCJG"}, {otherNoGrant, "WJ"}, {otherWithGrant, "JT"}}
	auditCount := func() int {
		var n int
		if err := h.db.SQL.QueryRowContext(h.sys, "SELECT count(*) FROM audit_events").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, r := range rels { // the accounts exist before any write is counted
		for _, role := range viewer.AllRoles {
			h.accountToken(r.dep, role)
		}
	}
	cells, refused := 0, 0
	for _, name := range mutations {
		fx, ok := fixtures[name]
		if !ok {
			t.Errorf("mutation %s has no fixture in the write matrix", name)
			continue
		}
		rule, _ := authz.MutationRule(name)
		def := schema.Mutation.Fields.ForName(name)
		sel := ""
		if k := schema.Types[def.Type.Name()].Kind; k == "OBJECT" || k == "INTERFACE" {
			sel = "{ __typename }"
		}
		type cell struct {
			rel   relation
			dep   string
			role  string
			allow bool
		}
		var forbidden, allowed []cell
		for _, r := range rels {
			for _, role := range viewer.AllRoles {
				c := cell{r.rel, r.dep, role, false}
				c.allow = allowedWrite(rule, role, r.rel, fx().self)
				if c.allow {
					allowed = append(allowed, c)
				} else {
					forbidden = append(forbidden, c)
				}
			}
		}
		ask := func(c cell) gqlResponse {
			wc := fx()
			q := "mutation Matrix"
			if wc.varDefs != "" {
				q += "(" + wc.varDefs + ")"
			}
			q += " { " + name + "(" + wc.args + ") " + sel + " }"
			tok := h.accountToken(c.dep, c.role)
			if len(wc.files) > 0 {
				return h.gqlUpload(tok, q, wc.vars, wc.files)
			}
			return h.gql(tok, q, wc.vars)
		}
		before := auditCount()
		for _, c := range forbidden { // on the records as the fixtures made them
			cells++
			r := ask(c)
			if !refusal(r) || (r.Data[name] != nil && string(r.Data[name]) != "null") {
				t.Errorf("%s by %s %s (%s) was not refused: %s", name, c.dep, c.role, c.rel, r.Raw)
			} else {
				refused++
			}
		}
		if after := auditCount(); after != before {
			t.Errorf("%s: the refused attempts wrote %d audit events", name, after-before)
		}
		for _, c := range allowed {
			cells++
			if r := ask(c); refusal(r) {
				t.Errorf("%s by %s %s (%s) was refused: %s", name, c.dep, c.role, c.rel, r.Raw)
			}
		}
	}
	t.Logf("write matrix: %d mutations, %d cells, %d refusals", len(mutations), cells, refused)
	if cells < 1000 || refused < 500 {
		t.Errorf("matrix too small: %d cells, %d refusals", cells, refused)
	}
}
