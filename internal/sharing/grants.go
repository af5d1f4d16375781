package sharing

import (
	"context"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/department"
	"github.com/ssgk/ssgk/ent/sharegrant"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/authz"
	"github.com/ssgk/ssgk/internal/clock"
	"github.com/ssgk/ssgk/internal/sharing/class"
	"github.com/ssgk/ssgk/internal/viewer"
)

// Error codes of the grant workflow.
const (
	CodeUnknownGroup = "UNKNOWN_FIELD_GROUP"
	CodeGrantState   = "GRANT_STATE"
	CodeGrantExpiry  = "GRANT_EXPIRY"
	MaxGrantValidity = 366 * 24 * time.Hour
)

// Group is a CONDITIONAL field group and the fields (Type.field) it covers.
type Group struct {
	Group  string
	Fields []string
}

// Groups lists the CONDITIONAL field groups declared in the schema, in a stable order.
func Groups() []Group {
	by := map[string][]string{}
	for typ, fields := range ent.SharingCatalog {
		for name, r := range fields {
			if class.Class(r.Class) == class.ConditionalClass && r.Group != "" {
				by[r.Group] = append(by[r.Group], typ+"."+name)
			}
		}
	}
	out := make([]Group, 0, len(by))
	for g, fs := range by {
		slices.Sort(fs)
		out = append(out, Group{Group: g, Fields: fs})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Group < out[j].Group })
	return out
}

// RequestGrant records the viewer's department's application for a field group of the owning
// department (by code), with a purpose and an expiry.
func RequestGrant(ctx context.Context, client *ent.Client, ownerCode, group, purpose string, expiresAt time.Time) (*ent.ShareGrant, error) {
	v := viewer.FromContext(ctx)
	ctx, err := authz.Require(ctx, authz.RequestGrants, v.DepartmentID)
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(Groups(), func(g Group) bool { return g.Group == group }) {
		return nil, apperr.New(CodeUnknownGroup, "字段组“%s”不是有条件共享字段组（可申请：%s）", group, groupNames())
	}
	purpose = strings.TrimSpace(purpose)
	if purpose == "" {
		return nil, apperr.New(apperr.Invalid, "请填写共享用途")
	}
	now := clock.Now(ctx)
	if !expiresAt.After(now) || expiresAt.Sub(now) > MaxGrantValidity {
		return nil, apperr.New(CodeGrantExpiry, "有效期须晚于当前时间且不超过一年")
	}
	owner, err := client.Department.Query().Where(department.Code(ownerCode)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, apperr.New(apperr.NotFound, "部门编码 %s 不存在", ownerCode)
	}
	if err != nil {
		return nil, err
	}
	if owner.ID == v.DepartmentID {
		return nil, apperr.New(apperr.Invalid, "本部门的数据无需申请共享")
	}
	c := client.ShareGrant.Create().SetRequesterID(v.DepartmentID).SetOwnerID(owner.ID).SetGroup(group).
		SetPurpose(purpose).SetExpiresAt(expiresAt)
	if v.AccountID != 0 {
		c.SetRequestedByID(v.AccountID)
	}
	return c.Save(ctx)
}

// DecideGrant approves (approve = true) or refuses a pending grant: the owning department's
// administrator or head, or the office.
func DecideGrant(ctx context.Context, client *ent.Client, id int, approve bool, note string) (*ent.ShareGrant, error) {
	v := viewer.FromContext(ctx)
	g, err := grantFor(ctx, client, id)
	if err != nil {
		return nil, err
	}
	if ctx, err = authz.Require(ctx, authz.DecideGrants, g.OwnerID); err != nil {
		return nil, err
	}
	if g.Status != sharegrant.StatusPENDING {
		return nil, apperr.New(CodeGrantState, "该申请已办理（%s），不能再次审批", g.Status)
	}
	status := sharegrant.StatusREFUSED
	if approve {
		status = sharegrant.StatusAPPROVED
		if !g.ExpiresAt.After(clock.Now(ctx)) {
			return nil, apperr.New(CodeGrantExpiry, "申请的有效期已过，请重新申请")
		}
	} else if strings.TrimSpace(note) == "" {
		return nil, apperr.New(apperr.Invalid, "拒绝共享申请须说明理由")
	}
	u := client.ShareGrant.UpdateOneID(id).SetStatus(status).SetDecidedAt(clock.Now(ctx)).SetDecisionNote(note)
	if v.AccountID != 0 {
		u.SetDecidedByID(v.AccountID)
	}
	return u.Save(ctx)
}

// RevokeGrant ends an approved grant before its expiry: the owning or the requesting
// department, or the office.
func RevokeGrant(ctx context.Context, client *ent.Client, id int, note string) (*ent.ShareGrant, error) {
	g, err := grantFor(ctx, client, id)
	if err != nil {
		return nil, err
	}
	if ctx, err = authz.Require(ctx, authz.RevokeGrants, g.OwnerID, g.RequesterID); err != nil {
		return nil, err
	}
	if g.Status != sharegrant.StatusAPPROVED {
		return nil, apperr.New(CodeGrantState, "只有已批准的共享可以撤销（当前：%s）", g.Status)
	}
	u := client.ShareGrant.UpdateOneID(id).SetStatus(sharegrant.StatusREVOKED).SetRevokedAt(clock.Now(ctx))
	if note != "" {
		u.SetDecisionNote(note)
	}
	return u.Save(ctx)
}

func grantFor(ctx context.Context, client *ent.Client, id int) (*ent.ShareGrant, error) {
	g, err := client.ShareGrant.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, apperr.New(apperr.NotFound, "共享申请 %d 不存在或无权查看", id)
	}
	return g, err
}

func groupNames() string {
	var names []string
	for _, g := range Groups() {
		names = append(names, g.Group)
	}
	return strings.Join(names, "、")
}
