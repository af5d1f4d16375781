package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/schollz/progressbar/v3"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/department"
	"github.com/ssgk/ssgk/ent/itemlist"
	"github.com/ssgk/ssgk/ent/targetlibrary"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/importer"
	"github.com/ssgk/ssgk/internal/leads"
	"github.com/ssgk/ssgk/internal/library"
	"github.com/ssgk/ssgk/internal/store"
	"github.com/ssgk/ssgk/internal/viewer"
)

// importFlags are the file and the flags of ssgk import targets|inspectors|items.
type importFlags struct {
	Path       string // the XLSX or CSV file
	Department string // --department: the importing department's code
	Library    string // --library: the sub-library targets join ("" → MAIN or the first)
	Partial    bool   // --partial: import the valid rows only
	Report     string // --report: where the import report goes ("" → FILE.report.xlsx)
	CreateDB   bool   // --create-db: create the SQLite database when it does not exist
}

// runImport: ssgk import targets|inspectors|items FILE --department CODE [--library CODE] [--partial] [--report FILE]
func runImport(ctx context.Context, cfg *config, kindName string, o importFlags, stdout, stderr io.Writer) error {
	kind, err := importer.ParseKind(kindName)
	if err != nil {
		return apperr.Wrap(err, apperr.Invalid, "%v", err)
	}
	if o.Department == "" {
		return apperr.New(apperr.Invalid, "需要 --department 部门编码")
	}
	path := o.Path
	st, err := os.Stat(path)
	if err != nil {
		return apperr.Wrap(err, apperr.NotFound, "无法读取文件 %s", path)
	}
	if err := requireDatabase(cfg, o.CreateDB); err != nil {
		return err
	}
	db, err := openHub(ctx, cfg, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = db.Context(ctx) // the hub's business clock
	ctx = viewer.NewContext(ctx, viewer.NewSystem("ssgk import "+string(kind)))
	dep, err := findDepartment(ctx, db, cfg, o.Department)
	if err != nil {
		return err
	}
	opt := library.ImportOptions{Kind: kind, DepartmentID: dep.ID, Partial: o.Partial, FileName: filepath.Base(path)}
	if o.Library != "" {
		lib, err := db.Client.TargetLibrary.Query().Where(targetlibrary.DepartmentID(dep.ID), targetlibrary.Code(o.Library)).Only(ctx)
		if err != nil {
			return apperr.Wrap(err, apperr.NotFound, "部门“%s”没有编码为“%s”的分库", dep.Name, o.Library)
		}
		opt.LibraryID = lib.ID
	}
	open, finish := progressOpener(path, st.Size(), stderr, &opt)
	res, err := library.Import(ctx, db.Client, open, opt)
	finish()
	if err != nil {
		return err
	}
	printImportReport(stdout, res.Report)
	if len(res.Job.Report) > 0 {
		out := o.Report
		if out == "" {
			out = path + ".report.xlsx"
		}
		if err := os.WriteFile(out, res.Job.Report, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "导入报告：%s\n", out)
	}
	fmt.Fprintf(stdout, "导入任务编号 %d：%s\n", res.Job.ID, importer.StatusName(res.Job.Status.String()))
	if res.Job.Status.String() == importer.StatusRejected {
		return apperr.New("IMPORT_REJECTED", "文件中有 %d 行被拒绝，未写入任何数据；修正后重新导入，或使用 --partial 只导入有效行", res.Report.Rejected)
	}
	return nil
}

// printImportReport prints the summary — the same text as the report's 汇总 sheet and the
// GraphQL summary — then every column of the file (imported as what, or why not), the skipped
// rows and the errors (the first 20 of each; the report has them all).
func printImportReport(w io.Writer, rep *importer.Report) {
	fmt.Fprintln(w, rep.Summary())
	fmt.Fprintln(w, "列：")
	for _, c := range rep.Columns {
		fmt.Fprintf(w, "  %s\n", c)
	}
	if len(rep.Skipped) > 0 {
		fmt.Fprintln(w, "跳过的行：")
		for i, sk := range rep.Skipped {
			if i == 20 {
				fmt.Fprintf(w, "  ……共 %d 行，完整列表见导入报告\n", rep.Blank+rep.Footer)
				break
			}
			fmt.Fprintf(w, "  第 %d 行：%s\n", sk.Line, sk.Reason)
		}
	}
	if len(rep.Errors) > 0 {
		fmt.Fprintln(w, "错误：")
		for i, e := range rep.Errors {
			if i == 20 {
				fmt.Fprintf(w, "  ……共 %d 处错误，完整列表见导入报告\n", rep.ErrorCount)
				break
			}
			fmt.Fprintf(w, "  %s\n", e)
		}
	}
}

// requireDatabase refuses to import into or export from a SQLite database that does not exist:
// run in the wrong directory, the command would otherwise create a new, empty one there.
func requireDatabase(cfg *config, create bool) error {
	// A wrong setting is the operator's first problem: say it before looking for the database.
	if err := cfg.check(); err != nil {
		return err
	}
	if err := applyImportLimits(cfg); err != nil {
		return err
	}
	if cfg.DatabaseURL != "" || create {
		return nil
	}
	path := filepath.Join(cfg.DataDir, "ssgk.db")
	if _, err := os.Stat(path); err != nil {
		abs, aerr := filepath.Abs(path)
		if aerr != nil {
			abs = path
		}
		return apperr.New(apperr.NotFound, "数据库 %s 不存在：请在 ssgk 的工作目录中运行，或用 --data-dir 指定数据目录、--database-url 指定 PostgreSQL；确要新建数据库时加 --create-db", abs)
	}
	return nil
}

// findDepartment looks the department up, saying which database was searched when it is not
// there — and when the database holds no department at all (a new, empty one).
func findDepartment(ctx context.Context, db *hub.Hub, cfg *config, code string) (*ent.Department, error) {
	dep, err := db.Client.Department.Query().Where(department.Code(code)).Only(ctx)
	if err == nil || !ent.IsNotFound(err) {
		return dep, err
	}
	where := store.Redact(cfg.DatabaseURL)
	if where == "" {
		where, _ = filepath.Abs(filepath.Join(cfg.DataDir, "ssgk.db"))
	}
	if n, cerr := db.Client.Department.Query().Count(ctx); cerr == nil && n == 0 {
		return nil, apperr.New(apperr.NotFound, "数据库 %s 中还没有任何部门：是否连接了错误的数据库？", where)
	}
	return nil, apperr.Wrap(err, apperr.NotFound, "部门编码“%s”在数据库 %s 中不存在", code, where)
}

// progressOpener returns the file opener of an import and the function that ends its progress
// display, shown on a terminal only. A CSV is read as it is parsed, so its bar follows the bytes
// read; an XLSX is copied whole before its sheet streams, so its bar counts the rows read.
func progressOpener(path string, size int64, stderr io.Writer, opt *library.ImportOptions) (func() (io.ReadCloser, error), func()) {
	visible := isTerminal(stderr)
	var bar *progressbar.ProgressBar
	finish := func() {
		if bar != nil {
			bar.Finish() //nolint:errcheck
		}
	}
	newBar := func(max int64, desc string, bytes bool) {
		finish()
		bar = progressbar.NewOptions64(max, progressbar.OptionSetWriter(stderr), progressbar.OptionSetDescription(desc),
			progressbar.OptionSetVisibility(visible), progressbar.OptionShowBytes(bytes), progressbar.OptionShowCount(),
			progressbar.OptionThrottle(200_000_000), progressbar.OptionClearOnFinish())
	}
	xlsx := isXLSX(path)
	passes := 0
	if xlsx && visible {
		opt.Progress = func(pass string, rows int) {
			if bar != nil {
				_ = bar.Set(rows)
			}
		}
	}
	open := func() (io.ReadCloser, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		// Outside a transaction the import reads the file once, checking and writing together.
		desc := "导入"
		if passes++; passes > 1 {
			desc = "再次读取"
		}
		if xlsx {
			newBar(-1, desc+"（已读取行数）", false)
			return f, nil
		}
		newBar(size, desc, true)
		r := progressbar.NewReader(f, bar)
		return struct {
			io.Reader
			io.Closer
		}{&r, f}, nil
	}
	return open, finish
}

// isXLSX reports whether the file is a ZIP (an XLSX workbook), as the importer decides it.
func isXLSX(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 4)
	n, _ := io.ReadFull(f, head)
	return n == 4 && string(head[:2]) == "PK"
}

// isTerminal reports whether w is a terminal: the progress bar redraws itself, which only
// makes sense on one (logs and CI get the summary lines instead).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// exportFlags are the flags of ssgk export targets|inspectors|items.
type exportFlags struct {
	Department string // --department
	Library    string // --library: one sub-library only (targets)
	Out        string // --out: the XLSX written
}

// runExport: ssgk export targets|inspectors|items --department CODE [--library CODE] --out FILE
func runExport(ctx context.Context, cfg *config, kindName string, o exportFlags, stdout io.Writer) error {
	kind, err := importer.ParseKind(kindName)
	if err != nil {
		return apperr.Wrap(err, apperr.Invalid, "%v", err)
	}
	dept, libCode, out := &o.Department, &o.Library, &o.Out
	if *dept == "" || *out == "" {
		return apperr.New(apperr.Invalid, "需要 --department 和 --out")
	}
	if err := requireDatabase(cfg, false); err != nil {
		return err
	}
	db, err := openHub(ctx, cfg, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = db.Context(ctx) // the hub's business clock
	ctx = viewer.NewContext(ctx, viewer.NewSystem("ssgk export "+string(kind)))
	dep, err := findDepartment(ctx, db, cfg, *dept)
	if err != nil {
		return err
	}
	tmp := *out + ".part"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	switch kind {
	case importer.KindTargets:
		libID := 0
		if *libCode != "" {
			lib, err := db.Client.TargetLibrary.Query().Where(targetlibrary.DepartmentID(dep.ID), targetlibrary.Code(*libCode)).Only(ctx)
			if err != nil {
				f.Close()
				return apperr.Wrap(err, apperr.NotFound, "分库“%s”不存在", *libCode)
			}
			libID = lib.ID
		}
		err = library.ExportTargets(ctx, db.Client, dep.ID, libID, f)
	case importer.KindInspectors:
		err = library.ExportInspectors(ctx, db.Client, dep.ID, f)
	default:
		var v *ent.ItemList
		v, err = db.Client.ItemList.Query().Where(itemlist.DepartmentID(dep.ID)).Order(ent.Desc(itemlist.FieldVersion)).First(ctx)
		if err == nil {
			err = library.ExportItems(ctx, db.Client, v.ID, f)
		}
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, *out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已导出到 %s\n", *out)
	return nil
}

// runImportLeads: ssgk import leads FILE — leads from complaints, transfers and monitoring (CSV,
// all or nothing); prints the special inspections offered when leads cluster.
func runImportLeads(ctx context.Context, cfg *config, path string, stdout io.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return apperr.Wrap(err, apperr.NotFound, "无法读取文件 %s", path)
	}
	defer f.Close()
	if err := requireDatabase(cfg, false); err != nil {
		return err
	}
	db, err := openHub(ctx, cfg, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = db.Context(ctx) // the hub's business clock
	ctx = viewer.NewContext(ctx, viewer.NewSystem("ssgk import leads"))
	rep, err := leads.ImportCSV(ctx, db.Client, f, filepath.Base(path))
	for i, e := range rep.Errors {
		if i == 50 {
			fmt.Fprintf(stdout, "……共 %d 处错误\n", len(rep.Errors))
			break
		}
		fmt.Fprintf(stdout, "第 %d 行「%s」：%s\n", e.Line, e.Column, e.Reason)
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, rep.Summary())
	for _, c := range rep.Clusters {
		fmt.Fprintf(stdout, "提议专项检查：%s（%d 条线索，编号 %d）\n", c.Key, c.LeadCount, c.ID)
	}
	return nil
}
