package leads

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ssgk/ssgk/internal/clock"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/department"
	"github.com/ssgk/ssgk/ent/inspectionitem"
	"github.com/ssgk/ssgk/ent/lead"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/authz"
	"github.com/ssgk/ssgk/internal/importer"
	"github.com/ssgk/ssgk/internal/lists"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/viewer"
)

// column is a column of a lead file: its standard header, the headers also accepted, and the
// LeadInput field whose errors it carries.
type column struct {
	name     string
	synonyms []string
	field    string
	required bool
}

// Columns of a lead file, in the order of the standard template.
const (
	colSource = iota
	colReferenceNo
	colReceivedAt
	colSummary
	colDescription
	colIndustry
	colDivision
	colUSCC
	colItemCode
	colDepartmentCode
)

var columns = []column{
	colSource:         {"来源", []string{"线索来源", "来源类型"}, fSource, true},
	colReferenceNo:    {"来源编号", []string{"投诉单号", "举报编号", "转办编号", "来源单号", "线索编号"}, fReferenceNo, false},
	colReceivedAt:     {"接收时间", []string{"接收日期", "受理时间", "受理日期", "登记时间"}, fReceivedAt, true},
	colSummary:        {"线索摘要", []string{"摘要", "线索内容摘要", "事由"}, fSummary, true},
	colDescription:    {"详细情况", []string{"详情", "线索内容", "具体情况"}, "Description", false},
	colIndustry:       {"行业代码", []string{"行业", "国民经济行业分类", "国民经济行业分类代码", "所属行业"}, fIndustryCode, false},
	colDivision:       {"行政区划", []string{"行政区划代码", "区划代码", "所属区划"}, fDivisionCode, false},
	colUSCC:           {"统一社会信用代码", []string{"社会信用代码", "信用代码", "统一代码", "注册号"}, fTargetUSCC, false},
	colItemCode:       {"抽查事项编码", []string{"事项编码", "抽查事项代码", "事项代码"}, fItemID, false},
	colDepartmentCode: {"承办部门编码", []string{"承办部门代码", "部门编码", "部门代码"}, fDepartmentID, false},
}

// headerScanRows is how many rows may precede the header (a title row, blank rows).
const headerScanRows = 10

// ImportReport is the outcome of ImportCSV: the file, its counts and every problem found, each
// with its row number as a spreadsheet shows it, the column as written and a Chinese reason.
type ImportReport struct {
	FileName   string
	Encoding   string // importer.EncodingUTF8, importer.EncodingUTF8BOM or importer.EncodingGB18030
	HeaderLine int
	Rows       int // data rows read (blank rows are not counted)
	Rejected   int // rows with at least one error
	Imported   int // leads written: Rows when the file is clean, else 0
	Errors     []importer.CellError
	Ignored    []string // headers that name no known column
	LeadIDs    []int    // the leads written, in file order
	// Clusters are the open offers of special inspections after the import.
	Clusters []*ent.LeadCluster
}

// OK reports whether the file was imported.
func (r *ImportReport) OK() bool { return len(r.Errors) == 0 }

// Summary is a one-sentence Chinese summary.
func (r *ImportReport) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "线索文件“%s”", r.FileName)
	if r.Encoding != "" {
		fmt.Fprintf(&b, "（%s 编码）", r.Encoding)
	}
	b.WriteString("：")
	switch {
	case r.OK() && r.Rows == 0:
		b.WriteString("没有数据行。")
	case r.OK():
		fmt.Fprintf(&b, "共 %d 行数据，全部导入。", r.Rows)
		if n := len(r.Clusters); n > 0 {
			fmt.Fprintf(&b, "有 %d 处线索聚集达到阈值，已提议专项检查。", n)
		}
	case r.Rejected == 0:
		fmt.Fprintf(&b, "%s；本次不导入任何数据。", r.Errors[0].Error())
	default:
		fmt.Fprintf(&b, "共 %d 行数据，%d 行有错误（共 %d 处），请按错误报告修改后重新导入；本次不导入任何数据。",
			r.Rows, r.Rejected, len(r.Errors))
	}
	return b.String()
}

// row is one data row of the file.
type row struct {
	line  int
	cells []string // by column constant; "" when the column is absent
}

// ImportCSV imports a lead file (CSV, UTF-8 with or without BOM, GBK or GB18030, Chinese headers
// in any order) all or nothing: when any row is bad nothing is written, and the report lists every
// problem of every row; the error then has code LEAD_IMPORT_REJECTED. Clean files are written in
// one transaction, followed by cluster detection.
func ImportCSV(ctx context.Context, client *ent.Client, r io.Reader, fileName string) (ImportReport, error) {
	rep := ImportReport{FileName: fileName}
	ctx, err := authz.Require(ctx, authz.ReceiveLeads, viewer.FromContext(ctx).DepartmentID)
	if err != nil {
		return rep, err
	}
	f := readFile(r, &rep)
	if !rep.OK() {
		return rep, rejected(&rep)
	}
	err = txn.Run(ctx, client, func(tx *ent.Tx) error {
		now := clock.Now(ctx)
		preps := validate(ctx, tx.Client(), f, now, &rep)
		if !rep.OK() {
			return nil // nothing written
		}
		for _, p := range preps {
			l, err := p.create(ctx, tx)
			if err != nil {
				return err
			}
			rep.LeadIDs = append(rep.LeadIDs, l.ID)
		}
		rep.Imported = len(preps)
		var err error
		rep.Clusters, err = detect(ctx, tx, now)
		return err
	})
	if err != nil {
		rep.Imported, rep.LeadIDs, rep.Clusters = 0, nil, nil
		return rep, apperr.From(err)
	}
	if !rep.OK() {
		return rep, rejected(&rep)
	}
	return rep, nil
}

func rejected(rep *ImportReport) error {
	return apperr.New(CodeImportRejected, "%s", rep.Summary())
}

// file is a decoded lead file.
type file struct {
	header []string // the header row as written
	idx    []int    // per column constant, the index of its cell, or -1 when absent
	rows   []row
}

// readFile decodes the file, finds the header and reads the data rows. File and header problems
// go to rep.
func readFile(r io.Reader, rep *ImportReport) *file {
	text, enc, err := decode(r)
	if err != nil {
		rep.Errors = append(rep.Errors, importer.CellError{Line: 1, Reason: err.Error()})
		return nil
	}
	rep.Encoding = enc
	src := newCSV(text)
	idx := make([]int, len(columns))
	for i := range idx {
		idx[i] = -1
	}
	var header []string
	for n := 0; header == nil; n++ {
		cells, line, err := src.next()
		if err == io.EOF || n >= headerScanRows {
			rep.Errors = append(rep.Errors, importer.CellError{Line: 1,
				Reason: fmt.Sprintf("前 %d 行中没有找到表头：表头应包含“来源”“接收时间”“线索摘要”等列", headerScanRows)})
			return nil
		}
		if err != nil {
			rep.Errors = append(rep.Errors, importer.CellError{Line: line, Reason: err.Error()})
			return nil
		}
		if known := mapHeader(cells, idx, rep, line); known >= 2 {
			header, rep.HeaderLine = append([]string(nil), cells...), line
		} else {
			for i := range idx {
				idx[i] = -1
			}
			rep.Errors, rep.Ignored = nil, nil
		}
	}
	for i, c := range columns {
		if c.required && idx[i] < 0 {
			rep.Errors = append(rep.Errors, importer.CellError{Line: rep.HeaderLine, Column: c.name, Field: c.field,
				Reason: fmt.Sprintf("表头缺少必填列“%s”", c.name)})
		}
	}
	if !rep.OK() {
		return nil
	}
	f := &file{header: header, idx: idx}
	for {
		cells, line, err := src.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			rep.Errors = append(rep.Errors, importer.CellError{Line: line, Reason: err.Error()})
			return nil
		}
		rw := row{line: line, cells: make([]string, len(columns))}
		blank := true
		for i, j := range idx {
			if j >= 0 && j < len(cells) {
				rw.cells[i] = cleanCell(cells[j])
				blank = blank && rw.cells[i] == ""
			}
		}
		if !blank {
			f.rows = append(f.rows, rw)
		}
		// The rows are held until the whole file is checked: bound them (issue 19). Leads come
		// in by the thousand a year; a larger file is a mistake or an attack.
		if len(f.rows) > maxLeadRows {
			rep.Errors = append(rep.Errors, importer.CellError{Line: line,
				Reason: fmt.Sprintf("线索文件超过 %d 行：请分成几个文件导入", maxLeadRows)})
			return nil
		}
	}
	rep.Rows = len(f.rows)
	return f
}

// mapHeader maps the cells of a candidate header row to columns and returns how many it knows.
// Duplicate columns are reported in rep.
func mapHeader(cells []string, idx []int, rep *ImportReport, line int) int {
	known := 0
	for j, cell := range cells {
		h := normalizeHeader(cell)
		if h == "" {
			continue
		}
		found := -1
		for i, c := range columns {
			if h == c.name || contains(c.synonyms, h) {
				found = i
				break
			}
		}
		switch {
		case found < 0:
			if !contains(ignoredHeaders, h) {
				rep.Ignored = append(rep.Ignored, strings.TrimSpace(cell))
			}
		case idx[found] >= 0:
			rep.Errors = append(rep.Errors, importer.CellError{Line: line, Column: strings.TrimSpace(cell), Field: columns[found].field,
				Reason: fmt.Sprintf("与“%s”列重复，都对应“%s”，请删除或改名其中一列", strings.TrimSpace(cells[idx[found]]), columns[found].name)})
			known++
		default:
			idx[found] = j
			known++
		}
	}
	return known
}

// ignoredHeaders are common columns that are neither imported nor worth a remark.
var ignoredHeaders = []string{"序号", "编号", "备注", "说明"}

var headerMarks = regexp.MustCompile(`[*＊]|[（(](必填|选填|可选|必须)[)）]`)

func normalizeHeader(s string) string {
	s = strings.Join(strings.Fields(strings.TrimPrefix(s, "\ufeff")), "")
	return headerMarks.ReplaceAllString(s, "")
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// cleanCell trims a cell and maps the marks offices write into empty cells to "".
func cleanCell(s string) string {
	s = strings.TrimSpace(strings.Trim(s, "\u3000\u00a0\u200b\ufeff"))
	if len(s) >= 3 && strings.HasPrefix(s, `="`) && strings.HasSuffix(s, `"`) {
		s = strings.TrimSpace(s[2 : len(s)-1]) // ="0123" keeps leading zeros in Excel
	}
	switch s {
	case "无", "/", "-", "—", "暂无", "NULL", "null", "N/A":
		return ""
	}
	return s
}

// validate checks every row against the file and the database and returns the prepared leads;
// problems go to rep.
func validate(ctx context.Context, client *ent.Client, f *file, now time.Time, rep *ImportReport) []*prepared {
	v := viewer.FromContext(ctx)
	seen := map[string]int{} // source|reference no → first line
	deps := map[string]int{}
	var out []*prepared
	for _, rw := range f.rows {
		var errs []importer.CellError
		fail := func(col int, value, reason string) {
			errs = append(errs, importer.CellError{Line: rw.line, Column: f.column(col), Field: columns[col].field, Value: value, Reason: reason})
		}
		for i, c := range rw.cells {
			if !utf8.ValidString(c) {
				fail(i, strings.ToValidUTF8(c, "?"), "含有不是 UTF-8 编码的字符，请将文件另存为 UTF-8 或 GBK 编码的 CSV")
				rw.cells[i] = ""
			}
		}
		in := LeadInput{ReferenceNo: rw.cells[colReferenceNo], Summary: rw.cells[colSummary],
			Description: rw.cells[colDescription], IndustryCode: rw.cells[colIndustry],
			DivisionCode: rw.cells[colDivision], TargetUSCC: rw.cells[colUSCC]}
		if s := rw.cells[colSource]; s == "" {
			fail(colSource, s, "来源不能为空，应为投诉举报、转办交办或数据监测")
		} else if src, ok := parseSource(s); !ok {
			fail(colSource, s, "来源应为投诉举报、转办交办或数据监测")
		} else {
			in.Source = src
		}
		if s := rw.cells[colReceivedAt]; s == "" {
			fail(colReceivedAt, s, "接收时间不能为空")
		} else if t, reason := parseTime(s); reason != "" {
			fail(colReceivedAt, s, "接收时间"+reason)
		} else {
			in.ReceivedAt = t
		}
		if code := rw.cells[colDepartmentCode]; code != "" {
			id, ok := deps[code]
			if !ok {
				d, err := client.Department.Query().Where(department.Code(strings.ToUpper(code))).Only(ctx)
				switch {
				case ent.IsNotFound(err):
				case err != nil:
					fail(colDepartmentCode, code, apperr.From(err).Message)
				default:
					id = d.ID
				}
				deps[code] = id
			}
			if id == 0 {
				fail(colDepartmentCode, code, fmt.Sprintf("部门编码“%s”不存在", code))
			} else if err := authz.CheckCreate(v, ent.TypeLead, id); err != nil {
				fail(colDepartmentCode, code, apperr.From(err).Message)
			} else {
				in.DepartmentID = id
			}
		}
		if code := rw.cells[colItemCode]; code != "" {
			id, reason := resolveItem(ctx, client, code, in.DepartmentID)
			if reason != "" {
				fail(colItemCode, code, reason)
			}
			in.ItemID = id
		}
		p, ferrs := prepare(ctx, client, in, now)
		for _, fe := range ferrs {
			if fe.field == fSource && in.Source == "" {
				continue // reported above
			}
			col := fieldColumn(fe.field)
			value := rw.cells[col]
			if value == "" {
				value = fe.value
			}
			fail(col, value, fe.err.Message)
		}
		if in.Source != "" && p.in.ReferenceNo != "" {
			k := string(in.Source) + "|" + p.in.ReferenceNo
			if first, dup := seen[k]; dup {
				fail(colReferenceNo, p.in.ReferenceNo, fmt.Sprintf("来源编号与第 %d 行重复（同一来源的编号在文件内不得重复）", first))
			} else {
				seen[k] = rw.line
			}
		}
		if len(errs) > 0 {
			rep.Rejected++
			rep.Errors = append(rep.Errors, errs...)
			continue
		}
		out = append(out, p)
	}
	return out
}

// column is the header of column col as written in the file, or its standard name when the
// file lacks it.
func (f *file) column(col int) string {
	if j := f.idx[col]; j >= 0 && j < len(f.header) {
		if h := strings.TrimSpace(f.header[j]); h != "" {
			return h
		}
	}
	return columns[col].name
}

func fieldColumn(field string) int {
	for i, c := range columns {
		if c.field == field {
			return i
		}
	}
	return colSummary
}

// resolveItem finds the item of a code on a current published list; the handling department's
// list decides when several departments use the code.
func resolveItem(ctx context.Context, client *ent.Client, code string, departmentID int) (int, string) {
	current, err := lists.CurrentItems(ctx, client, clock.Now(ctx))
	if err != nil {
		return 0, apperr.From(err).Message
	}
	items, err := client.InspectionItem.Query().Where(inspectionitem.Code(code), current).
		WithItemList().Order(ent.Asc(inspectionitem.FieldID)).All(ctx)
	if err != nil {
		return 0, apperr.From(err).Message
	}
	if len(items) > 1 && departmentID != 0 {
		var own []*ent.InspectionItem
		for _, it := range items {
			if it.Edges.ItemList.DepartmentID == departmentID {
				own = append(own, it)
			}
		}
		if len(own) > 0 {
			items = own
		}
	}
	switch len(items) {
	case 0:
		return 0, fmt.Sprintf("抽查事项编码“%s”不在任何已公示的现行抽查事项清单中", code)
	case 1:
		return items[0].ID, ""
	}
	return 0, fmt.Sprintf("多个部门的现行清单中都有抽查事项编码“%s”，请填写承办部门编码以确定事项", code)
}

// parseSource reads 投诉举报, 转办交办 or 数据监测 (or a short form, or the English code).
func parseSource(s string) (lead.Source, bool) {
	s = strings.Join(strings.Fields(s), "")
	switch {
	case strings.EqualFold(s, string(lead.SourceCOMPLAINT)), strings.Contains(s, "投诉"), strings.Contains(s, "举报"):
		return lead.SourceCOMPLAINT, true
	case strings.EqualFold(s, string(lead.SourceTRANSFER)), strings.Contains(s, "转办"), strings.Contains(s, "交办"):
		return lead.SourceTRANSFER, true
	case strings.EqualFold(s, string(lead.SourceMONITORING)), strings.Contains(s, "监测"):
		return lead.SourceMONITORING, true
	}
	return "", false
}

var (
	timeRe  = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?(?:\s*[T ]?\s*(\d{1,2})\s*[:：时]\s*(\d{1,2})\s*(?:[:：分]\s*(\d{1,2})(?:\.\d+)?\s*秒?)?)?$`)
	date8Re = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})$`)
)

const timeForms = "如 2026-03-05 14:30、2026/3/5、2026年3月5日 或 20260305"

// parseTime reads a receipt time in China Standard Time; the reason, if any, follows
// "接收时间".
func parseTime(s string) (time.Time, string) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, ""
	}
	var p []string
	if m := timeRe.FindStringSubmatch(s); m != nil {
		p = m[1:]
	} else if m := date8Re.FindStringSubmatch(s); m != nil {
		p = append(m[1:], "", "", "")
	} else {
		return time.Time{}, "格式无法识别：" + timeForms
	}
	n := make([]int, 6)
	for i, v := range p {
		n[i], _ = strconv.Atoi(v)
	}
	y, mo, d, h, mi, sec := n[0], n[1], n[2], n[3], n[4], n[5]
	if y < 1900 || y > 2199 {
		return time.Time{}, fmt.Sprintf("的年份 %d 超出范围（1900–2199）", y)
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, 0, clock.CST)
	if t.Year() != y || int(t.Month()) != mo || t.Day() != d {
		return time.Time{}, fmt.Sprintf("不存在：%d年%d月%d日", y, mo, d)
	}
	if h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, fmt.Sprintf("的时刻 %02d:%02d:%02d 无效", h, mi, sec)
	}
	return t, ""
}

// ---- reading the file ----

// maxLeadRows bounds the data rows of one lead file.
const maxLeadRows = 100_000

// sniffSize is how much of the file decides its encoding; the Chinese header lies within it.
const sniffSize = 64 << 10

// decode refuses workbooks and UTF-16 text with what to do instead, and leaves the encoding to
// importer.DecodeText (UTF-8 with or without BOM, else GB18030 ⊇ GBK), as every import does.
func decode(r io.Reader) (io.Reader, string, error) {
	br := bufio.NewReaderSize(r, sniffSize)
	head, err := br.Peek(8)
	if len(head) == 0 {
		if err != nil && err != io.EOF {
			return nil, "", fmt.Errorf("读取文件失败：%v", err)
		}
		return nil, "", errors.New("文件为空")
	}
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return nil, "", errors.New("线索导入只接受 CSV 文件：请在 Excel 或 WPS 中另存为 CSV（UTF-8 或 GBK）后再导入")
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return nil, "", errors.New("不支持 UTF-16 编码的文本文件：请另存为 CSV（UTF-8 或 GBK）后再导入")
	}
	return importer.DecodeText(br)
}

// csvSource yields records with the row number a spreadsheet shows: line breaks inside quoted
// cells do not start a new row there.
type csvSource struct {
	cr    *csv.Reader
	extra int
}

func newCSV(r io.Reader) *csvSource {
	br := bufio.NewReader(r)
	comma := ','
	// Excel's "文本文件（制表符分隔）": tabs and no commas in the first line.
	if first, _ := br.Peek(4096); !bytes.Contains(firstLine(first), []byte(",")) && bytes.Contains(firstLine(first), []byte("\t")) {
		comma = '\t'
	}
	cr := csv.NewReader(br)
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	return &csvSource{cr: cr}
}

func firstLine(b []byte) []byte {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i]
	}
	return b
}

func (s *csvSource) next() ([]string, int, error) {
	rec, err := s.cr.Read()
	if err == io.EOF {
		return nil, 0, io.EOF
	}
	line := 0
	if len(rec) > 0 {
		l, _ := s.cr.FieldPos(0)
		line = l - s.extra
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, pe.StartLine - s.extra, fmt.Errorf("CSV 第 %d 行格式错误：%v", pe.StartLine-s.extra, pe.Err)
		}
		return nil, line, fmt.Errorf("读取文件失败：%v", err)
	}
	for _, f := range rec {
		s.extra += strings.Count(f, "\n")
	}
	return rec, line, nil
}
