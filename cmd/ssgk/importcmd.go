package main

import (
	"context"
	"flag"
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
	"github.com/ssgk/ssgk/internal/importer"
	"github.com/ssgk/ssgk/internal/leads"
	"github.com/ssgk/ssgk/internal/library"
	"github.com/ssgk/ssgk/internal/viewer"
)

// cmdImport: ssgk import targets|inspectors|items FILE --department CODE [--library CODE] [--partial] [--report FILE]
func cmdImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) < 2 {
		fmt.Fprint(stderr, usage)
		return flag.ErrHelp
	}
	if args[0] == "leads" {
		return cmdImportLeads(ctx, args[1:], stdout, stderr)
	}
	kind, err := importer.ParseKind(args[0])
	if err != nil {
		return apperr.Wrap(err, apperr.Invalid, "%v", err)
	}
	path := args[1]
	var cfg config
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.bind(fs)
	dept := fs.String("department", "", "导入部门编码（必填）")
	libCode := fs.String("library", "", "检查对象加入的分库编码（默认 MAIN 或该部门第一个分库）")
	partial := fs.Bool("partial", false, "只导入有效行（默认：有任一行错误则不写入任何数据）")
	reportPath := fs.String("report", "", "错误报告（XLSX）保存路径（默认 文件名.errors.xlsx）")
	if err := fs.Parse(args[2:]); err != nil {
		return err
	}
	if *dept == "" {
		return apperr.New(apperr.Invalid, "需要 --department 部门编码")
	}
	st, err := os.Stat(path)
	if err != nil {
		return apperr.Wrap(err, apperr.NotFound, "无法读取文件 %s", path)
	}
	db, _, err := openHub(ctx, &cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = viewer.NewContext(ctx, viewer.NewSystem("ssgk import "+string(kind)))
	dep, err := db.Client.Department.Query().Where(department.Code(*dept)).Only(ctx)
	if err != nil {
		return apperr.Wrap(err, apperr.NotFound, "部门编码“%s”不存在", *dept)
	}
	opt := library.ImportOptions{Kind: kind, DepartmentID: dep.ID, Partial: *partial, FileName: filepath.Base(path), Dialect: db.Dialect}
	if *libCode != "" {
		lib, err := db.Client.TargetLibrary.Query().Where(targetlibrary.DepartmentID(dep.ID), targetlibrary.Code(*libCode)).Only(ctx)
		if err != nil {
			return apperr.Wrap(err, apperr.NotFound, "部门“%s”没有编码为“%s”的分库", dep.Name, *libCode)
		}
		opt.LibraryID = lib.ID
	}
	// The bar follows the bytes read in each pass (validate, then write).
	var bar *progressbar.ProgressBar
	open := func() (io.ReadCloser, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		if bar != nil {
			bar.Finish() //nolint:errcheck
		}
		// Outside a transaction the import reads the file once, checking and writing together.
		desc := "导入"
		if bar != nil {
			desc = "再次读取"
		}
		bar = progressbar.NewOptions64(st.Size(), progressbar.OptionSetWriter(stderr), progressbar.OptionSetDescription(desc),
			progressbar.OptionSetVisibility(isTerminal(stderr)),
			progressbar.OptionShowBytes(true), progressbar.OptionThrottle(200_000_000), progressbar.OptionClearOnFinish())
		r := progressbar.NewReader(f, bar)
		return struct {
			io.Reader
			io.Closer
		}{&r, f}, nil
	}
	res, err := library.Import(ctx, db.Client, open, opt)
	if bar != nil {
		bar.Finish() //nolint:errcheck
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, res.Report.Summary())
	for i, e := range res.Report.Errors {
		if i == 20 {
			fmt.Fprintf(stdout, "……共 %d 处错误，完整列表见错误报告\n", res.Report.ErrorCount)
			break
		}
		fmt.Fprintf(stdout, "  第 %d 行“%s”列：%s\n", e.Line, e.Column, e.Reason)
	}
	if len(res.Job.Report) > 0 {
		out := *reportPath
		if out == "" {
			out = path + ".errors.xlsx"
		}
		if err := os.WriteFile(out, res.Job.Report, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "错误报告：%s\n", out)
	}
	fmt.Fprintf(stdout, "导入任务 %d：%s；新增 %d，更新 %d，未变化 %d\n", res.Job.ID, jobStatusName(res.Job.Status.String()),
		res.Job.Created, res.Job.Updated, res.Job.Unchanged)
	if res.Foreign > 0 {
		fmt.Fprintf(stdout, "其中 %d 个已有对象此前不在本部门的分库中：已加入本部门分库，但文件中与现有信息不同的内容未写入（只有原收录部门可以修改，见 docs/authorisation.md）\n", res.Foreign)
	}
	if res.Job.Status.String() == "REJECTED" {
		return apperr.New("IMPORT_REJECTED", "文件中有 %d 行错误，未写入任何数据；修正后重新导入，或使用 --partial 只导入有效行", res.Report.Rejected)
	}
	return nil
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

func jobStatusName(s string) string {
	switch s {
	case "SUCCEEDED":
		return "全部导入"
	case "PARTIAL":
		return "已导入有效行"
	}
	return "已拒绝"
}

// cmdExport: ssgk export targets|inspectors|items --department CODE [--library CODE] --out FILE
func cmdExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) < 1 {
		fmt.Fprint(stderr, usage)
		return flag.ErrHelp
	}
	if args[0] == "leads" {
		return cmdImportLeads(ctx, args[1:], stdout, stderr)
	}
	kind, err := importer.ParseKind(args[0])
	if err != nil {
		return apperr.Wrap(err, apperr.Invalid, "%v", err)
	}
	var cfg config
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.bind(fs)
	dept := fs.String("department", "", "部门编码（必填）")
	libCode := fs.String("library", "", "只导出该分库（检查对象）")
	out := fs.String("out", "", "输出文件（XLSX，必填）")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *dept == "" || *out == "" {
		return apperr.New(apperr.Invalid, "需要 --department 和 --out")
	}
	db, _, err := openHub(ctx, &cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = viewer.NewContext(ctx, viewer.NewSystem("ssgk export "+string(kind)))
	dep, err := db.Client.Department.Query().Where(department.Code(*dept)).Only(ctx)
	if err != nil {
		return apperr.Wrap(err, apperr.NotFound, "部门编码“%s”不存在", *dept)
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

// cmdImportLeads: ssgk import leads FILE — leads from complaints, transfers and monitoring (CSV,
// all or nothing); prints the special inspections offered when leads cluster.
func cmdImportLeads(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	path := args[0]
	var cfg config
	fs := flag.NewFlagSet("import leads", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.bind(fs)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return apperr.Wrap(err, apperr.NotFound, "无法读取文件 %s", path)
	}
	defer f.Close()
	db, _, err := openHub(ctx, &cfg)
	if err != nil {
		return err
	}
	defer db.Close()
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
