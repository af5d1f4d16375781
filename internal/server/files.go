package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/department"
	"github.com/ssgk/ssgk/ent/itemlist"
	"github.com/ssgk/ssgk/ent/targetlibrary"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/authz"
	"github.com/ssgk/ssgk/internal/httperr"
	"github.com/ssgk/ssgk/internal/library"
	"github.com/ssgk/ssgk/internal/viewer"
)

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// fileRoutes serve spreadsheets: import error reports and library/list exports. A department
// reads its own; the office reads all.
func (s *Server) fileRoutes(r chi.Router) {
	r.Get("/imports/{id}/report.xlsx", s.importReport)
	r.Get("/export/duty-records.xlsx", s.dutyRecords)
	r.Get("/export/{kind}.xlsx", s.export)
	r.Get("/evidence/{id}", s.evidenceFile)
}

// writeError writes err as the JSON error envelope (httperr); an internal error is logged.
func (s *Server) writeError(w http.ResponseWriter, err error) {
	if apperr.CodeOf(err) == apperr.Internal {
		s.log.Error("file request failed", "err", err)
	}
	httperr.WriteError(w, err)
}

func attachment(w http.ResponseWriter, name string) {
	w.Header().Set("Content-Type", xlsxType)
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	w.Header().Set("Cache-Control", "no-store")
}

func (s *Server) importReport(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := strconv.Atoi(chi.URLParam(r, "id"))
	if err != nil {
		s.writeError(w, apperr.New(apperr.NotFound, "导入任务不存在"))
		return
	}
	job, err := s.db.Client.ImportJob.Get(ctx, id)
	if err != nil {
		s.writeError(w, err)
		return
	}
	if err := authz.CheckDepartmentFiles(viewer.FromContext(ctx), job.DepartmentID); err != nil {
		s.writeError(w, err)
		return
	}
	if len(job.Report) == 0 {
		s.writeError(w, apperr.New(apperr.NotFound, "该导入没有错误，无错误报告"))
		return
	}
	attachment(w, fmt.Sprintf("导入错误报告-%d.xlsx", job.ID))
	_, _ = w.Write(job.Report)
}

func (s *Server) export(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	dep, err := s.db.Client.Department.Query().Where(department.Code(q.Get("department"))).Only(ctx)
	if err != nil {
		s.writeError(w, apperr.Wrap(err, apperr.NotFound, "部门编码“%s”不存在", q.Get("department")))
		return
	}
	if err := authz.CheckExport(viewer.FromContext(ctx)); err != nil {
		s.writeError(w, err)
		return
	}
	kind := chi.URLParam(r, "kind")
	switch kind {
	case "targets":
		libID := 0
		if code := q.Get("library"); code != "" {
			lib, err := s.db.Client.TargetLibrary.Query().Where(targetlibrary.DepartmentID(dep.ID)).All(ctx)
			if err != nil {
				s.writeError(w, err)
				return
			}
			for _, l := range lib {
				if l.Code == code {
					libID = l.ID
				}
			}
			if libID == 0 {
				s.writeError(w, apperr.New(apperr.NotFound, "分库“%s”不存在", code))
				return
			}
		}
		attachment(w, dep.ShortName+"检查对象名录.xlsx")
		err = library.ExportTargets(ctx, s.db.Client, dep.ID, libID, w)
	case "inspectors":
		attachment(w, dep.ShortName+"执法检查人员名录.xlsx")
		err = library.ExportInspectors(ctx, s.db.Client, dep.ID, w)
	case "items":
		var v *ent.ItemList
		v, err = s.db.Client.ItemList.Query().Where(itemlist.DepartmentID(dep.ID)).Order(ent.Desc(itemlist.FieldVersion)).First(ctx)
		if err != nil {
			s.writeError(w, apperr.Wrap(err, apperr.NotFound, "部门“%s”还没有抽查事项清单", dep.Name))
			return
		}
		attachment(w, fmt.Sprintf("%s抽查事项清单第%d版.xlsx", dep.ShortName, v.Version))
		err = library.ExportItems(ctx, s.db.Client, v.ID, w)
	default:
		s.writeError(w, apperr.New(apperr.NotFound, "未知的导出类型“%s”：应为 targets、inspectors 或 items", kind))
		return
	}
	if err != nil {
		s.log.Error("export failed", "kind", kind, "err", err)
	}
}
