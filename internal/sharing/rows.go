package sharing

import (
	"context"
	"reflect"

	entgo "entgo.io/ent"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/99designs/gqlgen/graphql"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/accesslog"
	"github.com/ssgk/ssgk/ent/auditevent"
	"github.com/ssgk/ssgk/ent/department"
	"github.com/ssgk/ssgk/ent/draw"
	"github.com/ssgk/ssgk/ent/drawevent"
	"github.com/ssgk/ssgk/ent/evidence"
	"github.com/ssgk/ssgk/ent/followupaction"
	"github.com/ssgk/ssgk/ent/inspectionitem"
	"github.com/ssgk/ssgk/ent/inspectionteam"
	"github.com/ssgk/ssgk/ent/intercept"
	"github.com/ssgk/ssgk/ent/itemlist"
	"github.com/ssgk/ssgk/ent/lead"
	"github.com/ssgk/ssgk/ent/leadcluster"
	"github.com/ssgk/ssgk/ent/predicate"
	"github.com/ssgk/ssgk/ent/result"
	"github.com/ssgk/ssgk/ent/resultitem"
	"github.com/ssgk/ssgk/ent/sharegrant"
	"github.com/ssgk/ssgk/ent/task"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/viewer"
)

// Row visibility (which records a viewer sees at all) is one rule per row-restricted entity
// (class.Rows in the ent schema), enforced on every path that reaches the rows:
//
//   - a result before publication is seen only by the departments of its task (initiator,
//     participants, the department that entered it) and the office; the anonymous public and
//     everyone else see published results only; its items, evidence and follow-ups follow it;
//   - the drawn targets of an inspection and their teams ("结果公示前只公开数量，不公开名单"): the
//     departments of the task and the office, until the team's result is published or the draw
//     is revealed; the recusals and replacements of a draw, which name targets, likewise;
//   - the access log: the owning department (who read my data), the reading department
//     (what did we read) and the office;
//   - grants: the requesting and the owning department, and the office;
//   - leads: the department they are assigned to, and the office; lead clusters: the department
//     whose item they concern, and the office;
//   - the audit trail: the department whose actions it records, and the office.
//
// Operator commands (SYSTEM viewers) see every row. Direct reads and edge traversals are
// filtered by ent interceptors (InstallRowPolicies); filters that reach a restricted entity
// through an edge (`hasResultsWith` from any root, at any depth) get the same rule through the
// @rowRule directive (RowRuleDirective), which the code generator puts on every such filter.

// rowRules are the row rules by entity type; each returns the predicate (of the entity's
// predicate type) the viewer's rows must satisfy, or nil when the viewer sees every row.
var rowRules = map[string]func(v *viewer.Viewer) any{
	ent.TypeResult:         rule(VisibleResults),
	ent.TypeResultItem:     rule(visibleResultItems),
	ent.TypeEvidence:       rule(visibleEvidence),
	ent.TypeFollowUpAction: rule(visibleFollowUps),
	ent.TypeInspectionTeam: rule(VisibleTeams),
	ent.TypeDrawEvent:      rule(visibleDrawEvents),
	ent.TypeAccessLog:      rule(visibleAccessLogs),
	ent.TypeLead:           rule(visibleLeads),
	ent.TypeLeadCluster:    rule(visibleLeadClusters),
	ent.TypeAuditEvent:     rule(visibleAuditEvents),
	ent.TypeShareGrant:     rule(visibleGrants),
}

// rule turns a typed row rule into an entry of rowRules (a nil predicate stays an untyped nil).
func rule[P ~func(*entsql.Selector)](f func(*viewer.Viewer) P) func(*viewer.Viewer) any {
	return func(v *viewer.Viewer) any {
		if p := f(v); p != nil {
			return p
		}
		return nil
	}
}

// HasRowRule reports whether the entity type has a row rule (every class.Rows entity must).
func HasRowRule(typ string) bool { _, ok := rowRules[typ]; return ok }

// ownerColumnsInterceptor makes every query read the columns naming a record's owning departments, even
// when GraphQL field collection selects only the fields a query asked for: the owning
// department reads its own restricted fields whatever else it selected.
type ownerColumnsInterceptor struct{}

func (ownerColumnsInterceptor) Intercept(next ent.Querier) ent.Querier { return next }

func (ownerColumnsInterceptor) Traverse(ctx context.Context, q ent.Query) error {
	// Only loads of records: a scalar select (IDs, Exist, Count, Select(…).Ints) scans exactly
	// the columns it asked for.
	if qc := entgo.QueryFromContext(ctx); qc != nil {
		switch qc.Op {
		case entgo.OpQueryAll, entgo.OpQueryOnly, entgo.OpQueryFirst:
			ent.SharingEnsureOwnerColumns(q)
		}
	}
	return nil
}

// InstallRowPolicies registers the row-visibility interceptors on the client, the one that
// keeps the owner columns of every record read (ownerColumnsInterceptor) and the one that
// counts visible rows with COUNT(*) (ent.CountRows).
func InstallRowPolicies(client *ent.Client) {
	client.Intercept(ownerColumnsInterceptor{})
	// Counts (totalCount) of plain queries with COUNT(*), so that PostgreSQL can answer a
	// filtered count from an index (ent.CountRows). It runs after every row rule below has
	// added its predicates (they are traversers), so it counts exactly the visible rows.
	client.Intercept(ent.CountRows())
	// A system administrator sees no rows of business data at all (separation of duties).
	client.Intercept(intercept.TraverseFunc(func(ctx context.Context, q intercept.Query) error {
		if !adminRows[q.Type()] && OnlySystemAdmin(viewer.FromContext(ctx)) {
			q.WhereP(entsql.FieldLT("id", 0))
		}
		return nil
	}))
	client.Result.Intercept(intercept.TraverseResult(func(ctx context.Context, q *ent.ResultQuery) error {
		if p := VisibleResults(viewer.FromContext(ctx)); p != nil {
			q.Where(p)
		}
		return nil
	}))
	client.ResultItem.Intercept(intercept.TraverseResultItem(func(ctx context.Context, q *ent.ResultItemQuery) error {
		if p := visibleResultItems(viewer.FromContext(ctx)); p != nil {
			q.Where(p)
		}
		return nil
	}))
	client.Evidence.Intercept(intercept.TraverseEvidence(func(ctx context.Context, q *ent.EvidenceQuery) error {
		if p := visibleEvidence(viewer.FromContext(ctx)); p != nil {
			q.Where(p)
		}
		return nil
	}))
	client.FollowUpAction.Intercept(intercept.TraverseFollowUpAction(func(ctx context.Context, q *ent.FollowUpActionQuery) error {
		if p := visibleFollowUps(viewer.FromContext(ctx)); p != nil {
			q.Where(p)
		}
		return nil
	}))
	client.InspectionTeam.Intercept(intercept.TraverseInspectionTeam(func(ctx context.Context, q *ent.InspectionTeamQuery) error {
		if p := VisibleTeams(viewer.FromContext(ctx)); p != nil {
			q.Where(p)
		}
		return nil
	}))
	client.DrawEvent.Intercept(intercept.TraverseDrawEvent(func(ctx context.Context, q *ent.DrawEventQuery) error {
		if p := visibleDrawEvents(viewer.FromContext(ctx)); p != nil {
			q.Where(p)
		}
		return nil
	}))
	client.AccessLog.Intercept(intercept.TraverseAccessLog(func(ctx context.Context, q *ent.AccessLogQuery) error {
		if p := visibleAccessLogs(viewer.FromContext(ctx)); p != nil {
			q.Where(p)
		}
		return nil
	}))
	client.Lead.Intercept(intercept.TraverseLead(func(ctx context.Context, q *ent.LeadQuery) error {
		if p := visibleLeads(viewer.FromContext(ctx)); p != nil {
			q.Where(p)
		}
		return nil
	}))
	client.LeadCluster.Intercept(intercept.TraverseLeadCluster(func(ctx context.Context, q *ent.LeadClusterQuery) error {
		if p := visibleLeadClusters(viewer.FromContext(ctx)); p != nil {
			q.Where(p)
		}
		return nil
	}))
	client.AuditEvent.Intercept(intercept.TraverseAuditEvent(func(ctx context.Context, q *ent.AuditEventQuery) error {
		if p := visibleAuditEvents(viewer.FromContext(ctx)); p != nil {
			q.Where(p)
		}
		return nil
	}))
	client.ShareGrant.Intercept(intercept.TraverseShareGrant(func(ctx context.Context, q *ent.ShareGrantQuery) error {
		if p := visibleGrants(viewer.FromContext(ctx)); p != nil {
			q.Where(p)
		}
		return nil
	}))
}

// RowRuleDirective implements @rowRule(type:) on the where-input fields that filter through an
// edge into a row-restricted entity: each nested filter gets the entity's row rule for the
// viewer, so it matches only rows the viewer may see. The bare `hasX: Boolean` form cannot
// carry a rule; it is refused to viewers who do not see every row (they use `hasXWith`).
func RowRuleDirective(ctx context.Context, _ any, next graphql.Resolver, typ string) (any, error) {
	val, err := next(ctx)
	if err != nil || val == nil {
		return val, err
	}
	f, ok := rowRules[typ]
	if !ok {
		return nil, apperr.New(apperr.Internal, "实体 %s 缺少行可见规则", typ)
	}
	p := f(viewer.FromContext(ctx))
	if p == nil {
		return val, nil
	}
	rv := reflect.ValueOf(val)
	switch {
	case rv.Kind() == reflect.Pointer && rv.Elem().Kind() == reflect.Bool:
		if rv.IsNil() {
			return val, nil
		}
		field := graphql.GetPathContext(ctx)
		name := ""
		if field != nil && field.Field != nil {
			name = *field.Field
		}
		return nil, apperr.New(apperr.Forbidden, "不能按“%s”筛选：它涉及您无权查看的%s记录；请改用“%sWith”，只匹配您可见的记录", name, typ, name)
	case rv.Kind() == reflect.Slice:
		for i := range rv.Len() {
			in := rv.Index(i)
			if in.IsNil() {
				continue
			}
			in.MethodByName("AddPredicates").Call([]reflect.Value{reflect.ValueOf(p)})
		}
		return val, nil
	}
	return nil, apperr.New(apperr.Internal, "行可见规则不适用于 %T", val)
}

// unlessSeesAll returns the department's row predicate unless the viewer sees every row.
func unlessSeesAll[P any](v *viewer.Viewer, restrict func(d int) P) P {
	var none P
	if seesAll(v) {
		return none
	}
	return restrict(rowDepartment(v))
}

// workRoles are the roles that do a department's work: a viewer holding one sees its
// department's rows (drafts, leads, grants, its audit trail). The credit centre, dashboards and
// system administrators see what every department sees — published rows — whatever department
// their account or token belongs to.
var workRoles = []string{viewer.RoleDeptAdmin, viewer.RoleInspector, viewer.RoleApprover, viewer.RoleHead}

// rowDepartment is the department whose rows the viewer sees besides the published ones (0:
// none).
func rowDepartment(v *viewer.Viewer) int {
	if v.IsAnonymous() || !hasAny(v, workRoles) {
		return 0
	}
	return v.DepartmentID
}

// seesAll reports whether the viewer sees every row: operator commands and the office.
func seesAll(v *viewer.Viewer) bool {
	return v != nil && (v.Kind == viewer.System || v.HasRole(viewer.RoleOffice))
}

// VisibleResults is the row rule of results for viewer v, nil when v sees every result.
func VisibleResults(v *viewer.Viewer) predicate.Result {
	if seesAll(v) {
		return nil
	}
	published := result.StatusEQ(result.StatusPUBLISHED)
	d := rowDepartment(v)
	if d == 0 {
		return published
	}
	return result.Or(published, result.DepartmentID(d), result.HasTaskWith(taskOf(d)))
}

// taskOf is the predicate of the tasks department d initiates or takes part in.
func taskOf(d int) predicate.Task {
	return task.Or(task.InitiatorID(d), task.HasParticipantsWith(department.ID(d)))
}

func visibleResultItems(v *viewer.Viewer) predicate.ResultItem {
	if p := VisibleResults(v); p != nil {
		return resultitem.HasResultWith(p)
	}
	return nil
}

func visibleEvidence(v *viewer.Viewer) predicate.Evidence {
	if p := VisibleResults(v); p != nil {
		return evidence.HasResultWith(p)
	}
	return nil
}

func visibleFollowUps(v *viewer.Viewer) predicate.FollowUpAction {
	if p := VisibleResults(v); p != nil {
		return followupaction.HasResultWith(p)
	}
	return nil
}

// VisibleTeams is the row rule of drawn targets and their teams: before publication only the
// task's departments and the office know who will be inspected (the announcement gives the
// number only); a team becomes visible to all when its result is published or its draw is
// revealed.
func VisibleTeams(v *viewer.Viewer) predicate.InspectionTeam {
	if seesAll(v) {
		return nil
	}
	public := inspectionteam.Or(inspectionteam.HasDrawWith(draw.StatusEQ(draw.StatusREVEALED)),
		inspectionteam.HasResultsWith(result.StatusEQ(result.StatusPUBLISHED)))
	d := rowDepartment(v)
	if d == 0 {
		return public
	}
	return inspectionteam.Or(public, inspectionteam.HasDrawWith(draw.HasTaskWith(taskOf(d))))
}

// visibleDrawEvents: the recusals and replacements of a draw name drawn targets; they are
// sealed like the teams until the draw is revealed. The other events are public.
func visibleDrawEvents(v *viewer.Viewer) predicate.DrawEvent {
	if seesAll(v) {
		return nil
	}
	open := drawevent.Or(drawevent.KindNotIn(drawevent.KindRECUSE, drawevent.KindREPLACE),
		drawevent.HasDrawWith(draw.StatusEQ(draw.StatusREVEALED)))
	d := rowDepartment(v)
	if d == 0 {
		return open
	}
	return drawevent.Or(open, drawevent.HasDrawWith(draw.HasTaskWith(taskOf(d))))
}

// visibleAccessLogs: the access log of a department's data and of its reads, for the roles
// that may read restricted data (the credit centre included: what did we read).
func visibleAccessLogs(v *viewer.Viewer) predicate.AccessLog {
	if seesAll(v) {
		return nil
	}
	d := sharingDepartment(v)
	return accesslog.Or(accesslog.OwnerID(d), accesslog.ViewerDepartmentID(d))
}

// sharingDepartment is the department whose grants and access log the viewer sees: that of a
// viewer with a role that may read restricted data (businessRoles), else none (0).
func sharingDepartment(v *viewer.Viewer) int {
	if v.IsAnonymous() || !hasAny(v, businessRoles) {
		return 0
	}
	return v.DepartmentID
}

func visibleLeads(v *viewer.Viewer) predicate.Lead {
	return unlessSeesAll(v, func(d int) predicate.Lead { return lead.DepartmentID(d) })
}

func visibleLeadClusters(v *viewer.Viewer) predicate.LeadCluster {
	return unlessSeesAll(v, func(d int) predicate.LeadCluster {
		return leadcluster.HasItemWith(inspectionitem.HasItemListWith(itemlist.DepartmentID(d)))
	})
}

func visibleAuditEvents(v *viewer.Viewer) predicate.AuditEvent {
	return unlessSeesAll(v, func(d int) predicate.AuditEvent {
		if d == 0 {
			return auditevent.IDLT(0) // none
		}
		return auditevent.And(auditevent.DepartmentCode(v.DepartmentCode), auditevent.DepartmentCodeNEQ(""))
	})
}

func visibleGrants(v *viewer.Viewer) predicate.ShareGrant {
	if seesAll(v) {
		return nil
	}
	d := sharingDepartment(v)
	return sharegrant.Or(sharegrant.RequesterID(d), sharegrant.OwnerID(d))
}
