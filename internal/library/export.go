package library

import (
	"context"
	"io"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/inspectionitem"
	"github.com/ssgk/ssgk/ent/inspector"
	"github.com/ssgk/ssgk/ent/target"
	"github.com/ssgk/ssgk/ent/targetlibrary"
	"github.com/ssgk/ssgk/internal/importer"
	"github.com/ssgk/ssgk/internal/sharing"
	"github.com/ssgk/ssgk/internal/viewer"
)

// Exports read through the sharing catalogue like every other path: a column the viewer may not
// read (a contact phone of another department's target, an inspector's ID number …) is left
// empty, and cross-department reads of restricted columns go to the access log page by page,
// before the page is written.

// ExportTargets streams the targets of a department's sub-libraries (or of one library) as
// XLSX in the import layout, page by page.
func ExportTargets(ctx context.Context, client *ent.Client, departmentID, libraryID int, w io.Writer) error {
	sr := sharing.NewReader(client, viewer.FromContext(ctx))
	q := func() *ent.TargetQuery {
		if libraryID != 0 {
			return client.TargetLibrary.Query().Where(targetlibrary.ID(libraryID)).QueryTargets()
		}
		return client.Target.Query().Where(target.HasLibrariesWith(targetlibrary.DepartmentID(departmentID)))
	}
	return importer.WriteTargetsXLSX(w, pages(ctx, func(after, limit int) ([]*ent.Target, error) {
		ts, err := q().Where(target.IDGT(after)).Order(ent.Asc(target.FieldID)).Limit(limit).All(ctx)
		if err != nil {
			return nil, err
		}
		return ts, redactPage(ctx, sr, ent.TypeTarget, ts, func(t *ent.Target) int { return t.ID },
			func(t *ent.Target, field string) {
				switch field {
				case target.FieldLegalRepPhone:
					t.LegalRepPhone = ""
				case target.FieldContactPerson:
					t.ContactPerson = ""
				case target.FieldContactPhone:
					t.ContactPhone = ""
				}
			}, target.FieldLegalRepPhone, target.FieldContactPerson, target.FieldContactPhone)
	}, func(t *ent.Target) int { return t.ID }, func(t *ent.Target) (*importer.TargetRecord, error) {
		return TargetRecordOf(t), nil
	}))
}

// ExportInspectors streams a department's inspectors as XLSX in the import layout.
func ExportInspectors(ctx context.Context, client *ent.Client, departmentID int, w io.Writer) error {
	sr := sharing.NewReader(client, viewer.FromContext(ctx))
	return importer.WriteInspectorsXLSX(w, pages(ctx, func(after, limit int) ([]*ent.Inspector, error) {
		ins, err := client.Inspector.Query().Where(inspector.DepartmentID(departmentID), inspector.IDGT(after)).
			Order(ent.Asc(inspector.FieldID)).Limit(limit).All(ctx)
		if err != nil {
			return nil, err
		}
		return ins, redactPage(ctx, sr, ent.TypeInspector, ins, func(in *ent.Inspector) int { return in.ID },
			func(in *ent.Inspector, field string) {
				switch field {
				case inspector.FieldIDNumber:
					in.IDNumber = ""
				case inspector.FieldPhone:
					in.Phone = ""
				}
			}, inspector.FieldIDNumber, inspector.FieldPhone)
	}, func(in *ent.Inspector) int { return in.ID }, func(in *ent.Inspector) (*importer.InspectorRecord, error) {
		return InspectorRecordOf(in), nil
	}))
}

// ExportItems writes the items of a list version as XLSX in the import layout (items are
// PUBLIC once their list version is published).
func ExportItems(ctx context.Context, client *ent.Client, listID int, w io.Writer) error {
	return importer.WriteItemsXLSX(w, pages(ctx, func(after, limit int) ([]*ent.InspectionItem, error) {
		return client.InspectionItem.Query().Where(inspectionitem.ItemListID(listID), inspectionitem.IDGT(after)).
			Order(ent.Asc(inspectionitem.FieldID)).Limit(limit).WithMethods().All(ctx)
	}, func(it *ent.InspectionItem) int { return it.ID }, func(it *ent.InspectionItem) (*importer.ItemRecord, error) {
		return ItemRecordOf(it), nil
	}))
}

// redactPage decides the restricted fields of a page of records together (one owners lookup),
// blanks those the viewer may not read, and writes the access-log entries of the page's
// cross-department reads before the page is handed to the writer.
func redactPage[E any](ctx context.Context, sr *sharing.Reader, typ string, page []E, id func(E) int, blank func(E, string), fields ...string) error {
	ids := make([]int, len(page))
	for i, e := range page {
		ids[i] = id(e)
	}
	if err := sr.Prefetch(ctx, typ, ids); err != nil {
		return err
	}
	for _, e := range page {
		refused, err := sr.Refused(ctx, typ, e, fields...)
		if err != nil {
			return err
		}
		for f := range refused {
			blank(e, f)
		}
	}
	return sr.Flush(ctx)
}
