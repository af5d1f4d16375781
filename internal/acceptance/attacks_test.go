package acceptance

import (
	"encoding/json"
	"fmt"
	"github.com/ssgk/ssgk/internal/clock"
	"strings"
	"testing"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/accesslog"
	"github.com/ssgk/ssgk/ent/conflict"
	"github.com/ssgk/ssgk/ent/inspector"
	"github.com/ssgk/ssgk/ent/result"
	"github.com/ssgk/ssgk/ent/target"
	"github.com/ssgk/ssgk/ent/targetlibrary"
	"github.com/ssgk/ssgk/internal/audit"
	"github.com/ssgk/ssgk/internal/sharing"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/viewer"
)

// scjgOnlyTarget returns a target with contact details that only SCJG's sub-libraries hold and
// SCJG recorded.
func (h *hub) scjgOnlyTarget() *ent.Target {
	h.t.Helper()
	scjg := h.deps["SCJG"].ID
	tg, err := h.db.Client.Target.Query().Where(target.HasLibrariesWith(targetlibrary.DepartmentID(scjg)),
		target.Not(target.HasLibrariesWith(targetlibrary.DepartmentIDNEQ(scjg))), target.ContactPhoneNEQ(""),
		target.ContactDepartmentID(scjg)).First(h.sys)
	if err != nil {
		h.t.Fatal(err)
	}
	return tg
}

func (h *hub) library(dep, code string) int {
	h.t.Helper()
	id, err := h.db.Client.TargetLibrary.Query().Where(targetlibrary.DepartmentID(h.deps[dep].ID), targetlibrary.Code(code)).OnlyID(h.sys)
	if err != nil {
		h.t.Fatal(err)
	}
	return id
}

func (h *hub) auditEvents() int {
	h.t.Helper()
	n, err := h.db.Client.AuditEvent.Query().Count(h.sys)
	if err != nil {
		h.t.Fatal(err)
	}
	return n
}

// refused asserts a response refused the request with FORBIDDEN and wrote nothing.
func (h *hub) refused(what string, r gqlResponse, auditBefore int) {
	h.t.Helper()
	if !r.has("FORBIDDEN") {
		h.t.Errorf("%s: not refused: %s", what, r.Raw)
	}
	if n := h.auditEvents(); n != auditBefore {
		h.t.Errorf("%s: %d audit events written by a refused request", what, n-auditBefore)
	}
}

// TestAttack_WritesToAnotherDepartmentsTarget: the health commission's system changes, links or
// unlinks nothing of a target only the market regulator holds, nor the regulator's library.
func TestAttack_WritesToAnotherDepartmentsTarget(t *testing.T) {
	t.Parallel()
	h := newDemoHub(t)
	tg := h.scjgOnlyTarget()
	wj := h.token("WJ", viewer.RoleDeptAdmin, viewer.RoleInspector)
	wjLib, scjgLib := h.library("WJ", "GGWS"), h.library("SCJG", "MAIN")
	attempts := []struct {
		name, q string
		vars    map[string]any
	}{
		{"updateTarget on a target the regulator holds", `mutation($id: ID!) { updateTarget(id: $id, input: {name: "改名", creditRiskClass: A}) { id } }`, map[string]any{"id": tg.ID}},
		{"updateTarget that adds it to one's own library", `mutation($id: ID!, $l: ID!) { updateTarget(id: $id, input: {addLibraryIDs: [$l]}) { id } }`, map[string]any{"id": tg.ID, "l": wjLib}},
		{"updateTarget that removes it from the regulator's library", `mutation($id: ID!, $l: ID!) { updateTarget(id: $id, input: {removeLibraryIDs: [$l]}) { id } }`, map[string]any{"id": tg.ID, "l": scjgLib}},
		{"createTarget into the regulator's library", `mutation($u: String!, $l: ID!) { createTarget(input: {uscc: $u, name: "宁阳县冒名有限公司", libraryIDs: [$l]}) { id } }`, map[string]any{"u": newUSCC(7001), "l": scjgLib}},
		{"updateTargetLibrary of the regulator's library", `mutation($l: ID!, $id: ID!) { updateTargetLibrary(id: $l, input: {removeTargetIDs: [$id]}) { id } }`, map[string]any{"l": scjgLib, "id": tg.ID}},
		{"createTargetLibrary for the regulator", `mutation($d: ID!) { createTargetLibrary(input: {code: "FAKE", name: "冒名分库", departmentID: $d}) { id } }`, map[string]any{"d": h.deps["SCJG"].ID}},
		{"updateInspector of the regulator", `mutation($id: ID!) { updateInspector(id: $id, input: {active: false}) { id } }`, map[string]any{"id": h.db.Client.Inspector.Query().Where(inspector.DepartmentID(h.deps["SCJG"].ID)).FirstIDX(h.sys)}},
	}
	for _, a := range attempts {
		before := h.auditEvents()
		h.refused(a.name, h.gql(wj, a.q, a.vars), before)
	}
	after, err := h.db.Client.Target.Query().Where(target.ID(tg.ID)).WithLibraries().Only(h.sys)
	if err != nil {
		t.Fatal(err)
	}
	if after.Name != tg.Name || after.CreditRiskClass != tg.CreditRiskClass || len(after.Edges.Libraries) == 0 {
		t.Errorf("the target changed: %+v", after)
	}
	// The regulator itself may.
	if r := h.gql(h.token("SCJG", viewer.RoleDeptAdmin), `mutation($id: ID!) { updateTarget(id: $id, input: {address: "宁阳县新址"}) { address } }`,
		map[string]any{"id": tg.ID}); len(r.Errors) > 0 {
		t.Errorf("the holder cannot update its target: %s", r.Raw)
	}
}

// TestAttack_ConflictsOfAnotherDepartment: one department can neither switch off nor invent
// another's avoidance declarations (回避 drives the draw); the owning department deactivates one
// only with a reason, kept in the audit trail.
func TestAttack_ConflictsOfAnotherDepartment(t *testing.T) {
	t.Parallel()
	h := newDemoHub(t)
	scjg := h.deps["SCJG"].ID
	cf, err := h.db.Client.Conflict.Query().Where(conflict.HasInspectorWith(inspector.DepartmentID(scjg)), conflict.Active(true)).First(h.sys)
	if err != nil {
		t.Fatal(err)
	}
	insp := h.db.Client.Inspector.Query().Where(inspector.DepartmentID(scjg)).FirstIDX(h.sys)
	tg := h.scjgOnlyTarget()
	wj := h.token("WJ", viewer.RoleDeptAdmin)
	before := h.auditEvents()
	h.refused("updateConflict of the regulator's inspector", h.gql(wj, `mutation($id: ID!) { updateConflict(id: $id, input: {active: false, endedReason: "x"}) { id } }`,
		map[string]any{"id": cf.ID}), before)
	h.refused("createConflict for the regulator's inspector", h.gql(wj, `mutation($i: ID!, $t: ID!, $d: Time!) { createConflict(input: {relation: OTHER, reason: "捏造", declaredAt: $d, inspectorID: $i, targetID: $t}) { id } }`,
		map[string]any{"i": insp, "t": tg.ID, "d": h.clock.Now().Format(time.RFC3339)}), before)
	if got := h.db.Client.Conflict.GetX(h.sys, cf.ID); !got.Active {
		t.Fatal("the conflict was switched off")
	}
	own := h.token("SCJG", viewer.RoleDeptAdmin)
	if r := h.gql(own, `mutation($id: ID!) { updateConflict(id: $id, input: {active: false}) { id } }`, map[string]any{"id": cf.ID}); !r.has("INVALID") {
		t.Errorf("deactivation without a reason: %s", r.Raw)
	}
	if r := h.gql(own, `mutation($id: ID!) { updateConflict(id: $id, input: {active: false, endedReason: "当事人已退休"}) { id } }`, map[string]any{"id": cf.ID}); len(r.Errors) > 0 {
		t.Fatalf("deactivation with a reason: %s", r.Raw)
	}
	if got := h.db.Client.Conflict.GetX(h.sys, cf.ID); got.Active || got.EndedReason != "当事人已退休" {
		t.Errorf("after deactivation: %+v", got)
	}
	if rep, err := audit.Verify(h.sys, h.db.Client, nil); err != nil || !rep.OK() {
		t.Errorf("audit trail after the deactivation: %v %+v", err, rep)
	}
}

// TestAttack_OwnershipBySelfService: a department that puts another department's target into
// its own library (allowed: 谁审批谁监管) does not get the contact details the other department
// recorded — not by reading, not by overwriting — and the refused read leaves no access-log entry.
func TestAttack_OwnershipBySelfService(t *testing.T) {
	t.Parallel()
	h := newDemoHub(t)
	tg := h.scjgOnlyTarget()
	wj := h.token("WJ", viewer.RoleDeptAdmin, viewer.RoleInspector)
	if r := h.gql(wj, `mutation($l: ID!, $id: ID!) { updateTargetLibrary(id: $l, input: {addTargetIDs: [$id]}) { id } }`,
		map[string]any{"l": h.library("WJ", "GGWS"), "id": tg.ID}); len(r.Errors) > 0 {
		t.Fatalf("adding to one's own library: %s", r.Raw)
	}
	logs := h.db.Client.AccessLog.Query().CountX(h.sys)
	r := h.gql(wj, `query($id: ID!) { node(id: $id) { ... on Target { name contactPhone contactPerson legalRepPhone } } }`, map[string]any{"id": tg.ID})
	var n struct{ Name, ContactPhone, ContactPerson, LegalRepPhone *string }
	r.into(t, "node", &n)
	if n.Name == nil || n.ContactPhone != nil || n.ContactPerson != nil || n.LegalRepPhone != nil || !r.has(sharing.CodeForbiddenField) {
		t.Errorf("contact details read by the new holder: %s", r.Raw)
	}
	if got := h.db.Client.AccessLog.Query().CountX(h.sys); got != logs {
		t.Errorf("%d access-log entries for a refused read", got-logs)
	}
	// Now a holder, it may change the target's shared fields — but not the regulator's contacts.
	before := h.auditEvents()
	h.refused("overwriting the recorded contact phone", h.gql(wj, `mutation($id: ID!) { updateTarget(id: $id, input: {contactPhone: "13800000000"}) { id } }`,
		map[string]any{"id": tg.ID}), before)
	if got := h.db.Client.Target.GetX(h.sys, tg.ID); got.ContactPhone != tg.ContactPhone || *got.ContactDepartmentID != h.deps["SCJG"].ID {
		t.Errorf("contact after the attempt: %q by %v", got.ContactPhone, *got.ContactDepartmentID)
	}
	if r := h.gql(wj, `mutation($id: ID!) { updateTarget(id: $id, input: {address: "宁阳县卫健核实地址"}) { id } }`, map[string]any{"id": tg.ID}); len(r.Errors) > 0 {
		t.Errorf("a holder cannot change a shared field: %s", r.Raw)
	}
	// A new target whose contact details WJ records is WJ's: the regulator reads them only
	// with a grant.
	u := newUSCC(7002)
	if r := h.gql(wj, `mutation($u: String!, $l: ID!) { createTarget(input: {uscc: $u, name: "宁阳县卫健登记有限公司", contactPhone: "0538-5600000", libraryIDs: [$l]}) { id } }`,
		map[string]any{"u": u, "l": h.library("WJ", "GGWS")}); len(r.Errors) > 0 {
		t.Fatalf("createTarget: %s", r.Raw)
	}
	created := h.db.Client.Target.Query().Where(target.Uscc(u)).OnlyX(h.sys)
	if created.ContactDepartmentID == nil || *created.ContactDepartmentID != h.deps["WJ"].ID {
		t.Errorf("the recorder of a new target's contact: %v", created.ContactDepartmentID)
	}
}

// TestAttack_LowRolesCannotDecideTheRegime: a dashboard and the credit centre write nothing; an
// inspector enters results but cannot draw, file, confirm, approve or publish.
func TestAttack_LowRolesCannotDecideTheRegime(t *testing.T) {
	t.Parallel()
	h := newDemoHub(t)
	o := h.ongoingTask()
	scjg := h.deps["SCJG"].ID
	dash, credit := h.token("SCJG", viewer.RoleDashboard), h.token("FG", viewer.RoleCreditCenter)
	insp := h.token("SCJG", viewer.RoleInspector)
	lib := h.library("SCJG", "MAIN")
	cases := []struct {
		who, tok, q string
		vars        map[string]any
	}{
		{"a dashboard", dash, `mutation($u: String!, $l: ID!) { createTarget(input: {uscc: $u, name: "宁阳县看板有限公司", libraryIDs: [$l]}) { id } }`, map[string]any{"u": newUSCC(7003), "l": lib}},
		{"the credit centre", credit, `mutation($id: ID!) { updateTarget(id: $id, input: {creditRiskClass: D}) { id } }`, map[string]any{"id": o.Targets[0].ID}},
		{"an inspector freezing", insp, `mutation($id: ID!) { freezeDraw(taskID: $id) { id } }`, map[string]any{"id": o.TaskID}},
		{"an inspector entering entropy", insp, `mutation($id: ID!) { executeDraw(id: $id, entropy: "6 6 6") { id } }`, map[string]any{"id": o.DrawID}},
		{"an inspector confirming libraries", insp, `mutation($d: ID!) { confirmLibraries(departmentID: $d) { id } }`, map[string]any{"d": scjg}},
		{"an inspector filing a plan", insp, `mutation($d: ID!) { createPlan(departmentID: $d, year: 2027, name: "检查员的计划") { id } }`, map[string]any{"d": scjg}},
		{"an inspector approving", insp, `mutation($id: ID!) { approveResult(id: $id) { id } }`, map[string]any{"id": o.PendingID}},
		{"an inspector cancelling a task", insp, `mutation($id: ID!) { cancelTask(id: $id) { id } }`, map[string]any{"id": o.TaskID}},
	}
	for _, c := range cases {
		before := h.auditEvents()
		h.refused(c.who, h.gql(c.tok, c.q, c.vars), before)
	}
	// The inspector does enter results.
	if r := h.gql(insp, `mutation($id: ID!) { submitResult(id: $id) { status } }`, map[string]any{"id": o.DraftID}); r.has("FORBIDDEN") {
		t.Errorf("an inspector cannot submit its department's result: %s", r.Raw)
	}
}

// TestAttack_SystemAdminReadsNoBusinessData: the system administrator manages accounts and
// tokens; targets, counts, aggregates and feeds are refused, public fields included.
func TestAttack_SystemAdminReadsNoBusinessData(t *testing.T) {
	t.Parallel()
	h := newDemoHub(t)
	admin := h.token("SCJG", viewer.RoleSystemAdmin)
	for _, q := range []string{
		`{ targets(first: 5) { totalCount edges { node { name } } } }`,
		`{ results { totalCount } }`,
		`{ resultAggregate(groupBy: [DEPARTMENT]) { total } }`,
		`{ changes(first: 5) { endCursor } }`,
		`{ departments { totalCount } }`,
	} {
		if r := h.gql(admin, q, nil); !r.has("FORBIDDEN") || strings.Contains(r.Raw, "宁阳县") {
			t.Errorf("%s: %s", q, r.Raw)
		}
	}
	tg := h.scjgOnlyTarget()
	if r := h.gql(admin, `query($id: ID!) { node(id: $id) { ... on Target { name } } }`, map[string]any{"id": tg.ID}); strings.Contains(r.Raw, tg.Name) {
		t.Errorf("a target's name through node: %s", r.Raw)
	}
	r := h.gql(admin, `{ accounts(first: 50) { totalCount edges { node { username roles } } } }`, nil)
	if len(r.Errors) > 0 || !strings.Contains(r.Raw, "scjg.head") {
		t.Errorf("accounts: %s", r.Raw)
	}
}

// TestFailClosed_OwnerReadsItsOwnRestrictedFields: the owning department reads its PRIVATE and
// CONDITIONAL fields whatever else the query selects (departmentID not needed).
func TestFailClosed_OwnerReadsItsOwnRestrictedFields(t *testing.T) {
	t.Parallel()
	h := newDemoHub(t)
	o := h.ongoingTask()
	scjg := h.token("SCJG", viewer.RoleDeptAdmin, viewer.RoleApprover, viewer.RoleInspector)
	for _, q := range []string{
		`{ inspectors(first: 20, where: {hasDepartmentWith: {code: "SCJG"}}) { edges { node { idNumber phone } } } }`,
		`{ results(where: {statusNEQ: PUBLISHED}) { edges { node { reviewNote } } } }`,
		`{ accounts(where: {hasDepartmentWith: {code: "SCJG"}}) { edges { node { roles } } } }`,
		fmt.Sprintf(`{ targets(first: 50, where: {contactDepartmentID: %d}) { edges { node { contactPhone } } } }`, h.deps["SCJG"].ID),
	} {
		if r := h.gql(scjg, q, nil); len(r.Errors) > 0 || !strings.Contains(r.Raw, "node") {
			t.Errorf("%s: %s", q, r.Raw)
		}
	}
	_ = o
	// Under an approved grant, the grantee reads the group without selecting the owner either.
	wj := h.token("WJ", viewer.RoleDeptAdmin)
	tg := h.scjgOnlyTarget()
	h.grant("WJ", "SCJG", "contact")
	r := h.gql(wj, `query($id: ID!) { node(id: $id) { ... on Target { contactPhone } } }`, map[string]any{"id": tg.ID})
	if len(r.Errors) > 0 || !strings.Contains(r.Raw, tg.ContactPhone) {
		t.Errorf("under a grant: %s", r.Raw)
	}
}

// grant approves a grant of the owner's group to the requester.
func (h *hub) grant(requester, owner, group string) {
	h.t.Helper()
	err := txn.Run(h.sys, h.db.Client, func(tx *ent.Tx) error {
		return tx.ShareGrant.Create().SetRequesterID(h.deps[requester].ID).SetOwnerID(h.deps[owner].ID).SetGroup(group).
			SetPurpose("验收测试").SetExpiresAt(h.clock.Now().AddDate(0, 1, 0)).SetStatus("APPROVED").Exec(h.sys)
	})
	if err != nil {
		h.t.Fatal(err)
	}
}

// TestFailClosed_MutationKeepsItsWriteWhenAFieldIsRefused: a mutation whose response selects a
// field the caller may not read is not undone; the field is null with FORBIDDEN_FIELD.
func TestFailClosed_MutationKeepsItsWriteWhenAFieldIsRefused(t *testing.T) {
	t.Parallel()
	h := newDemoHub(t)
	wj := h.token("WJ", viewer.RoleDeptAdmin)
	r := h.gql(wj, `mutation { receiveLead(input: {source: COMPLAINT, summary: "验收测试：响应中含无权查看的字段"}) { id summary department { id } } }`, nil)
	var lead struct{ ID string }
	r.into(t, "receiveLead", &lead)
	if lead.ID == "" {
		t.Fatalf("no lead: %s", r.Raw)
	}
	tg := h.scjgOnlyTarget()
	r = h.gql(wj, `mutation($l: ID!, $id: ID!) { updateTargetLibrary(id: $l, input: {addTargetIDs: [$id]}) { id targets(where: {id: $id}) { edges { node { name contactPhone } } } } }`,
		map[string]any{"l": h.library("WJ", "GGWS"), "id": tg.ID})
	if !r.has(sharing.CodeForbiddenField) || strings.Contains(r.Raw, tg.ContactPhone) {
		t.Fatalf("want the refused contact phone: %s", r.Raw)
	}
	if !h.db.Client.Target.Query().Where(target.ID(tg.ID), target.HasLibrariesWith(targetlibrary.DepartmentID(h.deps["WJ"].ID))).ExistX(h.sys) {
		t.Error("the mutation was undone because of a refused field")
	}
}

// TestFailClosed_GrantExpiryIsAnInstant: a grant written with +08:00 (as the README shows)
// ends at that instant on both databases, not up to 8 hours later.
func TestFailClosed_GrantExpiryIsAnInstant(t *testing.T) {
	t.Parallel()
	h := newDemoHub(t)
	tg := h.scjgOnlyTarget()
	wj := h.token("WJ", viewer.RoleDeptAdmin)
	now := h.clock.Now()
	expires := now.Add(2 * time.Hour).In(clock.CST).Format("2006-01-02T15:04:05-07:00")
	var req struct{ ID string }
	r := h.gql(wj, `mutation($e: Time!) { requestGrant(ownerCode: "SCJG", group: "contact", purpose: "核对联系电话", expiresAt: $e) { id } }`, map[string]any{"e": expires})
	r.into(t, "requestGrant", &req)
	if r := h.gql(h.token("SCJG", viewer.RoleDeptAdmin), `mutation($id: ID!) { approveGrant(id: $id) { status } }`, map[string]any{"id": req.ID}); len(r.Errors) > 0 {
		t.Fatal(r.Raw)
	}
	read := func() gqlResponse {
		return h.gql(wj, `query($id: ID!) { node(id: $id) { ... on Target { contactPhone } } }`, map[string]any{"id": tg.ID})
	}
	if r := read(); len(r.Errors) > 0 {
		t.Fatalf("within the grant: %s", r.Raw)
	}
	h.clock.Move(now.Add(2*time.Hour + time.Minute))
	if r := read(); !r.has(sharing.CodeForbiddenField) {
		t.Errorf("a minute after expiry: %s", r.Raw)
	}
}

// TestFailClosed_AccessLogAndAuditTrail: a granted cross-department read is logged with its
// operation, and the audit trail verifies after it (on both databases).
func TestFailClosed_AccessLogAndAuditTrail(t *testing.T) {
	t.Parallel()
	h := newDemoHub(t)
	tg := h.scjgOnlyTarget()
	wj := h.token("WJ", viewer.RoleDeptAdmin)
	h.grant("WJ", "SCJG", "contact")
	r := h.gql(wj, `query ContactCheck($id: ID!) { node(id: $id) { ... on Target { contactPhone } } }`, map[string]any{"id": tg.ID})
	if len(r.Errors) > 0 {
		t.Fatal(r.Raw)
	}
	l, err := h.db.Client.AccessLog.Query().Where(accesslog.OwnerID(h.deps["SCJG"].ID)).Order(ent.Desc(accesslog.FieldID)).First(h.sys)
	if err != nil {
		t.Fatal(err)
	}
	if l.Operation != "graphql:ContactCheck" {
		t.Errorf("access log operation = %q", l.Operation)
	}
	rep, err := audit.Verify(h.sys, h.db.Client, nil)
	if err != nil || !rep.OK() {
		b, _ := json.Marshal(rep)
		t.Errorf("audit verify after a granted read: %v %s", err, b)
	}
}

// TestFailClosed_RefusalsReportedOnce: a page of 200 rows with one refused field gives one
// error with the count, and null in every refused place.
func TestFailClosed_RefusalsReportedOnce(t *testing.T) {
	t.Parallel()
	h := newDemoHub(t)
	wj := h.token("WJ", viewer.RoleDeptAdmin)
	scjg := h.deps["SCJG"].ID
	r := h.gql(wj, fmt.Sprintf(`{ targets(first: 200, where: {contactDepartmentID: %d}) { edges { node { name contactPhone } } } }`, scjg), nil)
	var page struct {
		Edges []struct {
			Node struct{ Name, ContactPhone *string }
		}
	}
	r.into(t, "targets", &page)
	if len(page.Edges) != 200 || len(r.Errors) != 1 || r.Errors[0].Extensions["count"] != float64(200) {
		t.Fatalf("%d rows, errors %v", len(page.Edges), r.Errors)
	}
	for _, e := range page.Edges {
		if e.Node.Name == nil || e.Node.ContactPhone != nil {
			t.Fatalf("row %+v", e.Node)
		}
	}
	var pub int
	if err := h.db.SQL.QueryRowContext(h.sys, "SELECT count(*) FROM results WHERE status = 'PUBLISHED'").Scan(&pub); err != nil || pub == 0 {
		t.Fatal(pub, err)
	}
	_ = result.StatusPUBLISHED
}
