package importer

import (
	"flag"
	"os"
	"strings"
	"testing"
)

var updateReadme = flag.Bool("update-readme", false, "rewrite the synonym table in README.md from columns.go")

const (
	tableBegin = "<!-- 同义词表开始：由 columns.go 生成，运行 go test ./internal/importer -run TestREADME -update-readme 更新 -->"
	tableEnd   = "<!-- 同义词表结束 -->"
)

// synonymTable renders the column tables of columns.go as the Markdown of README.md.
func synonymTable() string {
	var b strings.Builder
	b.WriteString(tableBegin + "\n")
	for _, k := range Kinds() {
		b.WriteString("\n### " + k.Title() + "（`" + string(k) + "`）\n\n")
		b.WriteString("| 字段 | 标准列名（导出使用） | 也可写作 | 必填列 | 取值说明 |\n|---|---|---|---|---|\n")
		group := map[int]bool{}
		for _, i := range identifierGroup(k) {
			group[i] = true
		}
		for i, c := range columnsOf(k) {
			req := ""
			switch {
			case c.Required:
				req = "是"
			case group[i]:
				req = "至少一列"
			}
			b.WriteString("| `" + c.Field + "` | " + c.Name + " | " + strings.Join(c.Synonyms, "、") + " | " + req + " | " + c.Note + " |\n")
		}
	}
	b.WriteString("\n识别但不导入的列（在列清单中注明原因）：" + strings.Join(ignoredHeaders, "、") + "（" + reasonIgnoredHeader + "）")
	for _, k := range Kinds() {
		b.WriteString("；" + k.Title() + "中的" + strings.Join(unstoredHeaders[k], "、") + "（" + reasonUnstored + "）")
	}
	b.WriteString("。其他未识别的列同样列出，原因为“" + reasonUnknown + "”。\n")
	b.WriteString(tableEnd)
	return b.String()
}

func TestREADME_SynonymTableUpToDate(t *testing.T) {
	raw, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	begin, end := strings.Index(doc, tableBegin), strings.Index(doc, tableEnd)
	if begin < 0 || end < begin {
		t.Fatal("README.md has no synonym table markers")
	}
	current := doc[begin : end+len(tableEnd)]
	want := synonymTable()
	if current == want {
		return
	}
	if *updateReadme {
		if err := os.WriteFile("README.md", []byte(doc[:begin]+want+doc[end+len(tableEnd):]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Error("README.md synonym table differs from columns.go; run go test ./internal/importer -run TestREADME -update-readme")
}
