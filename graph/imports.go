package graph

import (
	"context"
	"fmt"
	"io"

	"github.com/99designs/gqlgen/graphql"

	"github.com/ssgk/ssgk/ent/importjob"
	"github.com/ssgk/ssgk/graph/model"
	"github.com/ssgk/ssgk/internal/importer"
	"github.com/ssgk/ssgk/internal/library"
)

// importFile runs an uploaded file through library.Import.
func (r *Resolver) importFile(ctx context.Context, kind importjob.Kind, departmentID int, file graphql.Upload, libraryID *int, partial *bool) (*model.ImportOutcome, error) {
	k := map[importjob.Kind]importer.Kind{
		importjob.KindTARGETS: importer.KindTargets, importjob.KindINSPECTORS: importer.KindInspectors, importjob.KindITEMS: importer.KindItems,
	}[kind]
	open := func() (io.ReadCloser, error) {
		if _, err := file.File.Seek(0, io.SeekStart); err != nil {
			return nil, err
		}
		return io.NopCloser(file.File), nil
	}
	opt := library.ImportOptions{Kind: k, DepartmentID: departmentID, Partial: partial != nil && *partial, FileName: file.Filename}
	if libraryID != nil {
		opt.LibraryID = *libraryID
	}
	res, err := library.Import(ctx, r.Client, open, opt)
	if err != nil {
		return nil, err
	}
	rep := res.Report
	out := &model.ImportOutcome{Job: res.Job, Summary: rep.Summary(), HeaderLine: rep.HeaderLine, RowsRead: rep.Read(),
		RowsBlank: rep.Blank, RowsFooter: rep.Footer, RowsAccepted: rep.Accepted,
		Columns: []*model.ImportColumn{}, Skipped: []*model.ImportSkippedRow{}, Errors: []*model.ImportRowError{}}
	for _, c := range rep.Columns {
		col := &model.ImportColumn{Letter: c.Letter, Header: c.Header}
		if c.Imported() {
			col.Field, col.Name = &c.Field, &c.Name
		} else {
			col.Reason = &c.Reason
		}
		if c.Note != "" {
			col.Note = &c.Note
		}
		out.Columns = append(out.Columns, col)
	}
	for i, sk := range rep.Skipped {
		if i == 1000 {
			break
		}
		out.Skipped = append(out.Skipped, &model.ImportSkippedRow{Line: sk.Line, Kind: sk.Kind, Reason: sk.Reason})
	}
	for i, e := range rep.Errors {
		if i == 1000 {
			break
		}
		out.Errors = append(out.Errors, &model.ImportRowError{Line: e.Line, Column: e.Column, Value: e.Value, Reason: e.Reason})
	}
	if len(res.Job.Report) > 0 {
		u := fmt.Sprintf("/imports/%d/report.xlsx", res.Job.ID)
		out.ReportURL = &u
	}
	return out, nil
}
