package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/draw"
	"github.com/ssgk/ssgk/internal/library"
	"github.com/ssgk/ssgk/internal/uscc"
)

func TestDrawVerify_PublishedBundle(t *testing.T) {
	bundle := filepath.Join("..", "..", "internal", "draw", "testdata", "bundle.json")
	raw, err := os.ReadFile(bundle)
	if err != nil {
		t.Fatal(err)
	}
	var b draw.Bundle
	if err := json.Unmarshal(raw, &b); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"draw", "verify", bundle, "--commitment", b.CommitmentDigest.String()}, &out, &errOut); err != nil {
		t.Fatalf("verify: %v", err)
	}
	// The report counts the bundle's amendments (recusals and replacements).
	if !strings.Contains(out.String(), "验证通过") || !strings.Contains(out.String(), fmt.Sprintf("变更 %d 次", len(b.Outcome.Amendments))) {
		t.Fatalf("output = %q", out.String())
	}
	// A different published commitment is refused.
	err = run(context.Background(), []string{"draw", "verify", bundle, "--commitment", strings.Repeat("0", 64)}, &out, &errOut)
	if apperr.CodeOf(err) != draw.CodeVerifyMismatch {
		t.Fatalf("wrong commitment: err = %v", err)
	}
	// Swapping one drawn target is the first mismatch reported.
	s := b.Outcome.Strata[2].Drawn
	s[0].Key, s[1].Key = s[1].Key, s[0].Key
	tampered := filepath.Join(t.TempDir(), "tampered.json")
	raw, _ = json.Marshal(&b)
	if err := os.WriteFile(tampered, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	err = run(context.Background(), []string{"draw", "verify", tampered}, &out, &errOut)
	if ae := apperr.From(err); ae.Code != draw.CodeVerifyMismatch || !strings.Contains(ae.Message, "抽中") {
		t.Fatalf("tampered bundle: %v", err)
	}
	// A member the specification does not define is refused, not ignored (§10.1).
	extra := filepath.Join(t.TempDir(), "extra.json")
	if err := os.WriteFile(extra, append([]byte(`{"note":"x",`), raw[1:]...), 0o644); err != nil {
		t.Fatal(err)
	}
	err = run(context.Background(), []string{"draw", "verify", extra}, &out, &errOut)
	if apperr.CodeOf(err) != draw.CodeInvalidBundle {
		t.Fatalf("bundle with an unknown member: err = %v, want %s", err, draw.CodeInvalidBundle)
	}
}

func TestCalendarCommands(t *testing.T) {
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	common := []string{"--data-dir", dir}
	t.Setenv("DATABASE_URL", "")
	err := run(context.Background(), append([]string{"calendar", "deadline", "2028-03-01"}, common...), &out, &errOut)
	if apperr.CodeOf(err) != "CALENDAR_MISSING" {
		t.Fatalf("2028 before load: %v", err)
	}
	sample := filepath.Join("..", "..", "testdata", "calendar", "2028-sample.json")
	if err := run(context.Background(), append([]string{"calendar", "load", sample}, common...), &out, &errOut); err != nil {
		t.Fatalf("load: %v", err)
	}
	out.Reset()
	if err := run(context.Background(), append([]string{"calendar", "deadline", "2026-09-30"}, common...), &out, &errOut); err != nil ||
		!strings.Contains(out.String(), "2026-11-03") {
		t.Fatalf("deadline across National Day 2026: %v %q", err, out.String())
	}
	out.Reset()
	if err := run(context.Background(), append([]string{"calendar", "list"}, common...), &out, &errOut); err != nil ||
		!strings.Contains(out.String(), "2028 年") || !strings.Contains(out.String(), "lunar-go") {
		t.Fatalf("list: %v %q", err, out.String())
	}
}

func TestImportCommand_RefusesADatabaseThatDoesNotExist(t *testing.T) {
	t.Setenv("DATABASE_URL", "")
	dir := filepath.Join(t.TempDir(), "elsewhere")
	file := filepath.Join("..", "..", "testdata", "targets_gbk.csv")
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"import", "targets", file, "--department", "SCJG", "--data-dir", dir}, &out, &errOut)
	want := filepath.Join(dir, "ssgk.db")
	if apperr.CodeOf(err) != apperr.NotFound || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "--create-db") {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("the command created %s", dir)
	}
	// Asked to create one, it does — and then says the database holds no department.
	err = run(context.Background(), []string{"import", "targets", file, "--department", "SCJG", "--data-dir", dir, "--create-db"}, &out, &errOut)
	if apperr.CodeOf(err) != apperr.NotFound || !strings.Contains(err.Error(), "还没有任何部门") {
		t.Fatalf("with --create-db: %v", err)
	}
}

func TestImportCommand_AllOrNothingThenPartial(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("DATABASE_URL", "")
	var out, errOut bytes.Buffer
	ctx := context.Background()
	if err := run(ctx, []string{"demo", "--data-dir", dir}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join("..", "..", "testdata", "targets_gbk.csv")
	report := filepath.Join(dir, "errors.xlsx")
	out.Reset()
	err := run(ctx, []string{"import", "targets", file, "--department", "SCJG", "--data-dir", dir, "--report", report}, &out, &errOut)
	if apperr.CodeOf(err) != "IMPORT_REJECTED" || !strings.Contains(out.String(), "第 6 行“统一社会信用代码”列") {
		t.Fatalf("all-or-nothing: %v\n%s", err, out.String())
	}
	if b, err := os.ReadFile(report); err != nil || !bytes.HasPrefix(b, []byte("PK")) {
		t.Fatalf("report not written as XLSX: %v", err)
	}
	out.Reset()
	if err := run(ctx, []string{"import", "targets", file, "--department", "SCJG", "--data-dir", dir, "--partial", "--report", report}, &out, &errOut); err != nil {
		t.Fatalf("partial: %v", err)
	}
	if !strings.Contains(out.String(), "新增 25") {
		t.Fatalf("partial output: %s", out.String())
	}
	// A column the importer does not map is printed as not imported, with the reason.
	office := filepath.Join(dir, "名录.csv")
	csv := "宁阳县检查对象名录,,,\n企业名称,统一社会信用代码/注册号,所属区域,经办人\n宁阳县甲商店,91370921MA3C0001X" +
		string(uscc.CheckChar("91370921MA3C0001X")) + ",磁窑镇,张三\n合计,1户,,\n"
	if err := os.WriteFile(office, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run(ctx, []string{"import", "targets", office, "--department", "SCJG", "--data-dir", dir}, &out, &errOut); err != nil {
		t.Fatalf("office file: %v\n%s", err, out.String())
	}
	for _, want := range []string{"B 列“统一社会信用代码/注册号” → 统一社会信用代码", "D 列“经办人”：未识别的列名，不导入",
		"第 4 行：合计或说明行（“合计”）", "全部导入：新增 1，", "导入报告："} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("office file output lacks %q:\n%s", want, out.String())
		}
	}
	// A missing required column: the headers seen and the closest candidate.
	if err := os.WriteFile(office, []byte("序号,企业全名,统一社会信用代码\n1,甲,91350200776049653A\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err = run(ctx, []string{"import", "targets", office, "--department", "SCJG", "--data-dir", dir}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "表头中的列为“序号”、“企业全名”、“统一社会信用代码”") || !strings.Contains(err.Error(), "最接近的是“企业全名”") {
		t.Errorf("missing column: %v", err)
	}
	exported := filepath.Join(dir, "out.xlsx")
	if err := run(ctx, []string{"export", "targets", "--department", "SCJG", "--data-dir", dir, "--out", exported}, &out, &errOut); err != nil {
		t.Fatalf("export: %v", err)
	}
	if st, err := os.Stat(exported); err != nil || st.Size() == 0 {
		t.Fatalf("export file: %v", err)
	}
}

// The progress display is for a terminal: in a log or a pipe it writes nothing, and an XLSX
// import is not asked for row counts.
func TestImportProgress_OnlyOnATerminal(t *testing.T) {
	file := filepath.Join("..", "..", "testdata", "targets_merged_title.xlsx")
	st, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	var errOut bytes.Buffer
	var opt library.ImportOptions
	open, finish := progressOpener(file, st.Size(), &errOut, &opt)
	f, err := open()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(io.Discard, f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	finish()
	if opt.Progress != nil || errOut.Len() != 0 || !isXLSX(file) || isXLSX(filepath.Join("..", "..", "testdata", "targets_gbk.csv")) {
		t.Fatalf("progress = %v, output %q", opt.Progress != nil, errOut.String())
	}
}
