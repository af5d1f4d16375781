package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/xuri/excelize/v2"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/txn"
)

// upload posts a GraphQL multipart request (the GraphQL multipart request spec) with one file.
func (h *testHub) upload(t *testing.T, token, query string, vars map[string]any, fileVar, path string) *gqlResponse {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	vars[fileVar] = nil
	ops, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	_ = mw.WriteField("operations", string(ops))
	_ = mw.WriteField("map", fmt.Sprintf(`{"0": ["variables.%s"]}`, fileVar))
	fw, _ := mw.CreateFormFile("0", filepath.Base(path))
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(data)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/graphql", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	return h.send(t, req)
}

func (h *testHub) get(t *testing.T, token, path string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, h.srv.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func TestGraphQL_ImportUploadReportAndExport(t *testing.T) {
	t.Parallel()
	h := newTestHub(t)
	sys := testutil.System()
	err := txn.Run(sys, h.db.Client, func(tx *ent.Tx) error {
		return tx.TargetLibrary.Create().SetCode("MAIN").SetName("市场主体库").SetDepartmentID(h.scjg.ID).Exec(sys)
	})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join("..", "..", "testdata", "targets_merged_title.xlsx")
	mutation := `mutation($f: Upload!, $d: ID!, $p: Boolean) { importFile(kind: TARGETS, departmentID: $d, file: $f, partial: $p) {
		job { id status created rowsRejected encoding summary } summary headerLine rowsRead rowsAccepted
		columns { letter header field reason } skipped { line kind reason } reportURL errors { line column reason } } }`
	var out struct {
		Job struct {
			ID           string
			Status       string
			Created      int
			RowsRejected int
			Summary      string
		}
		Summary      string
		HeaderLine   int
		RowsRead     int
		RowsAccepted int
		Columns      []struct {
			Letter, Header string
			Field, Reason  *string
		}
		ReportURL *string
		Errors    []struct {
			Line   int
			Column string
			Reason string
		}
	}
	r := h.upload(t, h.scjgToken, mutation, map[string]any{"d": h.scjg.ID}, "f", file)
	if r.code() != "" {
		t.Fatalf("import: %+v", r.Errors)
	}
	_ = json.Unmarshal(r.Data["importFile"], &out)
	if out.Job.Status != "REJECTED" || out.Job.Created != 0 || len(out.Errors) == 0 || out.ReportURL == nil {
		t.Fatalf("all-or-nothing import = %s", r.Data["importFile"])
	}
	if out.Errors[0].Line < 3 || out.Errors[0].Column == "" || !hasChinese(out.Errors[0].Reason) {
		t.Fatalf("row error = %+v", out.Errors[0])
	}
	if n := h.db.Client.Target.Query().CountX(sys); n != 0 {
		t.Fatalf("rejected upload wrote %d targets", n)
	}
	// The report is the department's: it downloads it, another department cannot.
	if code, body := h.get(t, h.scjgToken, *out.ReportURL); code != http.StatusOK || !bytes.HasPrefix(body, []byte("PK")) {
		t.Fatalf("report download: %d", code)
	}
	if code, _ := h.get(t, h.wjToken, *out.ReportURL); code != http.StatusForbidden {
		t.Fatalf("other department got the report: %d", code)
	}
	if code, _ := h.get(t, "", *out.ReportURL); code != http.StatusUnauthorized {
		t.Fatalf("anonymous got the report: %d", code)
	}
	// Another department cannot import into SCJG.
	if r := h.upload(t, h.wjToken, mutation, map[string]any{"d": h.scjg.ID, "p": true}, "f", file); r.code() != "FORBIDDEN" {
		t.Fatalf("cross-department import: %+v", r.Errors)
	}
	r = h.upload(t, h.scjgToken, mutation, map[string]any{"d": h.scjg.ID, "p": true}, "f", file)
	_ = json.Unmarshal(r.Data["importFile"], &out)
	if out.Job.Status != "PARTIAL" || out.Job.Created == 0 || out.Job.Created != out.RowsAccepted {
		t.Fatalf("partial upload = %s %+v", r.Data["importFile"], r.Errors)
	}
	// One account of the import: the outcome's summary is the job's, and says what was written.
	if out.Summary != out.Job.Summary || !strings.Contains(out.Summary, fmt.Sprintf("已导入有效行：新增 %d，", out.Job.Created)) {
		t.Fatalf("summary %q, job summary %q", out.Summary, out.Job.Summary)
	}
	if out.HeaderLine < 2 || out.RowsRead < out.RowsAccepted || len(out.Columns) == 0 || out.Columns[0].Letter != "A" {
		t.Fatalf("header %d, read %d, columns %+v", out.HeaderLine, out.RowsRead, out.Columns)
	}
	for _, c := range out.Columns {
		if (c.Field == nil) == (c.Reason == nil) {
			t.Fatalf("column %+v neither imported nor explained", c)
		}
	}
	code, body := h.get(t, h.scjgToken, "/export/targets.xlsx?department=SCJG")
	if code != http.StatusOK || !bytes.HasPrefix(body, []byte("PK")) {
		t.Fatalf("export: %d %s", code, body)
	}
	// Another department exports the same library through the sharing catalogue: names and
	// codes, but the CONDITIONAL phone columns empty (it holds no grant).
	own := exportColumns(t, body, "企业名称", "法定代表人电话")
	code, other := h.get(t, h.wjToken, "/export/targets.xlsx?department=SCJG")
	if code != http.StatusOK {
		t.Fatalf("other department's export: %d %s", code, other)
	}
	theirs := exportColumns(t, other, "企业名称", "法定代表人电话")
	if len(own["法定代表人电话"]) == 0 || len(theirs["法定代表人电话"]) != 0 || len(theirs["企业名称"]) != len(own["企业名称"]) || len(own["企业名称"]) == 0 {
		t.Fatalf("contact phones: own export %d, other department's %d; names %d / %d",
			len(own["法定代表人电话"]), len(theirs["法定代表人电话"]), len(own["企业名称"]), len(theirs["企业名称"]))
	}
	if code, _ := h.get(t, "", "/export/targets.xlsx?department=SCJG"); code != http.StatusUnauthorized {
		t.Fatalf("anonymous export: %d", code)
	}
	if !strings.Contains(out.Summary, "行") {
		t.Fatalf("summary = %q", out.Summary)
	}
}

// exportColumns returns the non-empty values of the named header columns of an exported XLSX.
func exportColumns(t *testing.T, file []byte, names ...string) map[string][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil || len(rows) == 0 {
		t.Fatalf("export rows: %v", err)
	}
	out := map[string][]string{}
	for col, h := range rows[0] {
		for _, n := range names {
			if h != n {
				continue
			}
			for _, r := range rows[1:] {
				if col < len(r) && r[col] != "" {
					out[n] = append(out[n], r[col])
				}
			}
		}
	}
	return out
}
