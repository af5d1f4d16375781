package sharing

import (
	"context"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/accesslog"
	"github.com/ssgk/ssgk/ent/auditevent"
	"github.com/ssgk/ssgk/ent/department"
	"github.com/ssgk/ssgk/ent/evidence"
	"github.com/ssgk/ssgk/ent/inspectionitem"
	"github.com/ssgk/ssgk/ent/intercept"
	"github.com/ssgk/ssgk/ent/itemlist"
	"github.com/ssgk/ssgk/ent/lead"
	"github.com/ssgk/ssgk/ent/leadcluster"
	"github.com/ssgk/ssgk/ent/predicate"
	"github.com/ssgk/ssgk/ent/result"
	"github.com/ssgk/ssgk/ent/resultitem"
	"github.com/ssgk/ssgk/ent/sharegrant"
	"github.com/ssgk/ssgk/ent/task"
	"github.com/ssgk/ssgk/internal/viewer"
)

// Row visibility (which records a viewer sees at all) is enforced by traversal interceptors on
// the client — they filter every query and every edge traversal, whatever path reads:
//
//   - a result before publication is seen only by the departments of its task (initiator,
//     participants, the department that entered it) and the office; the anonymous public and
//     everyone else see published results only; its items and evidence follow it;
//   - the access log: the owning department (who read my data), the reading department
//     (what did we read) and the office;
//   - grants: the requesting and the owning department, and the office;
//   - leads: the department they are assigned to, and the office; lead clusters: the department
//     whose item they concern, and the office;
//   - the audit trail: the department whose actions it records, and the office.
//
// Operator commands (SYSTEM viewers) see every row.

// InstallRowPolicies registers the row-visibility interceptors on the client.
func InstallRowPolicies(client *ent.Client) {
	client.Result.Intercept(intercept.TraverseResult(func(ctx context.Context, q *ent.ResultQuery) error {
		if p := VisibleResults(viewer.FromContext(ctx)); p != nil {
			q.Where(p)
		}
		return nil
	}))
	client.ResultItem.Intercept(intercept.TraverseResultItem(func(ctx context.Context, q *ent.ResultItemQuery) error {
		if p := VisibleResults(viewer.FromContext(ctx)); p != nil {
			q.Where(resultitem.HasResultWith(p))
		}
		return nil
	}))
	client.Evidence.Intercept(intercept.TraverseEvidence(func(ctx context.Context, q *ent.EvidenceQuery) error {
		if p := VisibleResults(viewer.FromContext(ctx)); p != nil {
			q.Where(evidence.HasResultWith(p))
		}
		return nil
	}))
	client.AccessLog.Intercept(intercept.TraverseAccessLog(func(ctx context.Context, q *ent.AccessLogQuery) error {
		return unlessSeesAll(ctx, func(v *viewer.Viewer) {
			q.Where(accesslog.Or(accesslog.OwnerID(v.DepartmentID), accesslog.ViewerDepartmentID(v.DepartmentID)))
		})
	}))
	client.Lead.Intercept(intercept.TraverseLead(func(ctx context.Context, q *ent.LeadQuery) error {
		return unlessSeesAll(ctx, func(v *viewer.Viewer) { q.Where(lead.DepartmentID(v.DepartmentID)) })
	}))
	client.LeadCluster.Intercept(intercept.TraverseLeadCluster(func(ctx context.Context, q *ent.LeadClusterQuery) error {
		return unlessSeesAll(ctx, func(v *viewer.Viewer) {
			q.Where(leadcluster.HasItemWith(inspectionitem.HasItemListWith(itemlist.DepartmentID(v.DepartmentID))))
		})
	}))
	client.AuditEvent.Intercept(intercept.TraverseAuditEvent(func(ctx context.Context, q *ent.AuditEventQuery) error {
		return unlessSeesAll(ctx, func(v *viewer.Viewer) {
			q.Where(auditevent.DepartmentCode(v.DepartmentCode), auditevent.DepartmentCodeNEQ(""))
		})
	}))
	client.ShareGrant.Intercept(intercept.TraverseShareGrant(func(ctx context.Context, q *ent.ShareGrantQuery) error {
		return unlessSeesAll(ctx, func(v *viewer.Viewer) {
			q.Where(sharegrant.Or(sharegrant.RequesterID(v.DepartmentID), sharegrant.OwnerID(v.DepartmentID)))
		})
	}))
}

// unlessSeesAll applies a department's row rule (restrict) unless the viewer sees every row.
func unlessSeesAll(ctx context.Context, restrict func(v *viewer.Viewer)) error {
	if v := viewer.FromContext(ctx); !seesAll(v) {
		restrict(v)
	}
	return nil
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
	if v.IsAnonymous() || v.DepartmentID == 0 {
		return published
	}
	d := v.DepartmentID
	return result.Or(published, result.DepartmentID(d),
		result.HasTaskWith(task.Or(task.InitiatorID(d), task.HasParticipantsWith(department.ID(d)))))
}
