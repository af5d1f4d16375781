package lists

import (
	"context"
	"fmt"
	"time"

	"github.com/ssgk/ssgk/internal/authz"
	"github.com/ssgk/ssgk/internal/clock"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/filing"
	"github.com/ssgk/ssgk/ent/inspectionitem"
	"github.com/ssgk/ssgk/ent/itemlist"
	"github.com/ssgk/ssgk/ent/publication"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/publish"
	"github.com/ssgk/ssgk/internal/txn"
)

// NewVersion starts a new draft version of a department's list. It copies the items, their
// methods and implementation rules from the latest version, so a change is an edit of a copy;
// the filed versions stay as they were.
func NewVersion(ctx context.Context, client *ent.Client, departmentID int, name, reason string) (*ent.ItemList, error) {
	ctx, err := authz.Require(ctx, authz.EditItems, departmentID)
	if err != nil {
		return nil, err
	}
	var out *ent.ItemList
	err = txn.Run(ctx, client, func(tx *ent.Tx) error {
		open, err := tx.ItemList.Query().Where(itemlist.DepartmentID(departmentID),
			itemlist.StatusIn(itemlist.StatusDRAFT, itemlist.StatusFILED, itemlist.StatusACKNOWLEDGED, itemlist.StatusRETURNED)).First(ctx)
		if err == nil {
			return apperr.New(apperr.Conflict, "第 %d 版（%s）尚未办结，请先完成或在其上修改，不能同时新建版本", open.Version, StatusName(open.Status))
		} else if !ent.IsNotFound(err) {
			return err
		}
		if err := supersedeReplaced(ctx, tx, departmentID, clock.Now(ctx)); err != nil {
			return err
		}
		dep, err := tx.Department.Get(ctx, departmentID)
		if err != nil {
			return err
		}
		prev, err := tx.ItemList.Query().Where(itemlist.DepartmentID(departmentID)).Order(ent.Desc(itemlist.FieldVersion)).
			WithItems(func(q *ent.InspectionItemQuery) { q.WithMethods().WithRule().Order(ent.Asc(inspectionitem.FieldCode)) }).First(ctx)
		if err != nil && !ent.IsNotFound(err) {
			return err
		}
		c := tx.ItemList.Create().SetDepartmentID(departmentID).SetName(name).SetChangeReason(reason).
			SetDivisionCode(dep.DivisionCode).SetVersion(1)
		if prev != nil {
			c.SetVersion(prev.Version + 1).SetPreviousID(prev.ID)
			if name == "" {
				c.SetName(prev.Name)
			}
		}
		if out, err = c.Save(ctx); err != nil {
			return err
		}
		if prev == nil {
			return nil
		}
		for _, it := range prev.Edges.Items {
			ic := tx.InspectionItem.Create().SetItemListID(out.ID).SetDivisionCode(it.DivisionCode).
				SetCode(it.Code).SetName(it.Name).SetCategory(it.Category).SetLegalBasis(it.LegalBasis).
				SetResponsibleBody(it.ResponsibleBody).SetTargetType(it.TargetType).SetContent(it.Content).
				SetNillableRatioMin(it.RatioMin).SetNillableRatioMax(it.RatioMax).SetFrequency(it.Frequency).
				SetInspectorRequirements(it.InspectorRequirements).SetRequiredQualifications(it.RequiredQualifications)
			for _, m := range it.Edges.Methods {
				ic.AddMethodIDs(m.ID)
			}
			ni, err := ic.Save(ctx)
			if err != nil {
				return err
			}
			if r := it.Edges.Rule; r != nil {
				err := tx.ImplementationRule.Create().SetItemID(ni.ID).SetDivisionCode(r.DivisionCode).
					SetBasis(r.Basis).SetContent(r.Content).SetProcedure(r.Procedure).SetApprovalAuthority(r.ApprovalAuthority).
					SetPublicationProcedure(r.PublicationProcedure).SetArchiving(r.Archiving).Exec(ctx)
				if err != nil {
					return err
				}
			}
		}
		return nil
	})
	return out, err
}

// Submit files a draft (or returned) version with the joint-meeting office (备案).
func Submit(ctx context.Context, client *ent.Client, listID int) (*ent.Filing, error) {
	var out *ent.Filing
	err := txn.Run(ctx, client, func(tx *ent.Tx) error {
		v, err := tx.ItemList.Get(ctx, listID)
		if err != nil {
			return err
		}
		if ctx, err = authz.Require(ctx, authz.SubmitFiling, v.DepartmentID); err != nil {
			return err
		}
		if !editable(v.Status) {
			return apperr.New(CodeBadState, "清单第 %d 版状态为%s，只有草稿或被退回的版本可以报备", v.Version, StatusName(v.Status))
		}
		n, err := tx.InspectionItem.Query().Where(inspectionitem.ItemListID(listID)).Count(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			return apperr.New(apperr.Invalid, "清单第 %d 版没有抽查事项，不能报备", v.Version)
		}
		wctx := withWorkflow(ctx)
		if err := tx.ItemList.UpdateOneID(listID).SetStatus(itemlist.StatusFILED).Exec(wctx); err != nil {
			return err
		}
		out, err = RecordFiling(ctx, tx.Filing.Create().SetKind(filing.KindITEM_LIST).
			SetDepartmentID(v.DepartmentID).SetItemListID(listID).SetDivisionCode(v.DivisionCode), clock.Now(ctx))
		return err
	})
	return out, err
}

// Decide is the office's decision on a list filing (DecideFiling): the version becomes
// ACKNOWLEDGED or RETURNED with it.
func Decide(ctx context.Context, client *ent.Client, filingID int, accept bool, comment string) (*ent.Filing, error) {
	return DecideFiling(ctx, client, filingID, accept, comment, FilingDecision{
		BadState: CodeBadState,
		Check: func(f *ent.Filing) error {
			if f.Kind != filing.KindITEM_LIST {
				return apperr.New(CodeBadState, "该备案不是抽查事项清单的备案")
			}
			return nil
		},
		Apply: func(ctx context.Context, tx *ent.Tx, f *ent.Filing, accept bool) error {
			if f.ItemListID == nil {
				return nil
			}
			listStatus := itemlist.StatusRETURNED
			if accept {
				listStatus = itemlist.StatusACKNOWLEDGED
			}
			return tx.ItemList.UpdateOneID(*f.ItemListID).SetStatus(listStatus).Exec(withWorkflow(ctx))
		},
	})
}

// Publish publishes an acknowledged version with its effective date. The version it replaces
// stays current until that date (CurrentVersions) and is then marked SUPERSEDED (at once when
// the date has come). The publication records what the public sees and its digest.
func Publish(ctx context.Context, client *ent.Client, listID int, effective time.Time) (*ent.ItemList, error) {
	var out *ent.ItemList
	err := txn.Run(ctx, client, func(tx *ent.Tx) error {
		v, err := tx.ItemList.Query().Where(itemlist.ID(listID)).WithDepartment().
			WithItems(func(q *ent.InspectionItemQuery) { q.WithMethods().WithRule().Order(ent.Asc(inspectionitem.FieldCode)) }).Only(ctx)
		if err != nil {
			return err
		}
		if ctx, err = authz.Require(ctx, authz.PublishList, v.DepartmentID); err != nil {
			return err
		}
		if v.Status != itemlist.StatusACKNOWLEDGED {
			return apperr.New(CodeBadState, "清单第 %d 版状态为%s，备案确认后才能公示", v.Version, StatusName(v.Status))
		}
		wctx := withWorkflow(ctx)
		now := clock.Now(ctx)
		if out, err = tx.ItemList.UpdateOneID(listID).SetStatus(itemlist.StatusPUBLISHED).SetPublishedAt(now).SetEffectiveDate(effective).Save(wctx); err != nil {
			return err
		}
		// The versions it replaces become SUPERSEDED only once it is in effect (current.go);
		// until its effective date the old version stays current.
		if err := supersedeReplaced(ctx, tx, v.DepartmentID, now); err != nil {
			return err
		}
		_, err = publish.Record(ctx, tx, publish.Act{Kind: publication.KindITEM_LIST,
			Title:       fmt.Sprintf("%s 抽查事项清单（第 %d 版）", v.Edges.Department.Name, v.Version),
			SubjectType: ent.TypeItemList, SubjectID: v.ID, DepartmentID: v.DepartmentID, DivisionCode: v.DivisionCode,
			Payload: publicList(v, effective), At: now})
		return err
	})
	return out, err
}

// publicList is what the public sees of a list version.
func publicList(v *ent.ItemList, effective time.Time) publish.ItemList {
	items := []publish.ListItem{}
	for _, it := range v.Edges.Items {
		methods := []string{}
		for _, m := range it.Edges.Methods {
			methods = append(methods, m.Name)
		}
		item := publish.ListItem{
			Code: it.Code, Name: it.Name, Category: string(it.Category), LegalBasis: it.LegalBasis,
			ResponsibleBody: it.ResponsibleBody, TargetType: it.TargetType, Content: it.Content,
			Methods: methods, RatioMin: it.RatioMin, RatioMax: it.RatioMax, Frequency: it.Frequency,
			InspectorRequirements: it.InspectorRequirements,
		}
		if r := it.Edges.Rule; r != nil {
			item.Rule = &publish.ListRule{Basis: r.Basis, Content: r.Content, Procedure: r.Procedure,
				ApprovalAuthority: r.ApprovalAuthority, PublicationProcedure: r.PublicationProcedure, Archiving: r.Archiving}
		}
		items = append(items, item)
	}
	return publish.ItemList{
		Department: v.Edges.Department.Name, DepartmentCode: v.Edges.Department.Code,
		Name: v.Name, Version: v.Version, EffectiveDate: effective.In(clock.CST).Format("2006-01-02"),
		ChangeReason: v.ChangeReason, Items: items,
	}
}
