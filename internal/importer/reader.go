package importer

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// CellError is one problem in one cell. A row may have several.
type CellError struct {
	Line   int    // row number as the user sees it in the spreadsheet (1-based, counting title rows)
	Column string // the column header as written in the file (canonical name if the column is absent)
	Field  string // the record field (ent name), for programs
	Value  string // the cell as written; personal identifiers are masked
	Reason string // why, in Chinese, for a clerk to act on
}

func (e CellError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("第 %d 行：%s", e.Line, e.Reason)
	}
	return fmt.Sprintf("第 %d 行“%s”列：%s", e.Line, e.Column, e.Reason)
}

// Row is one data row of the file. Exactly one of Target, Inspector and Item is set when the row
// is valid (Errors is empty); when it is not, all three are nil — a rejected row never reaches the
// database.
type Row struct {
	Line      int
	Target    *TargetRecord
	Inspector *InspectorRecord
	Item      *ItemRecord
	Errors    []CellError
	// Warnings do not reject the row (e.g. an expired enforcement certificate).
	Warnings []CellError
}

// OK reports whether the row passed validation.
func (r Row) OK() bool { return len(r.Errors) == 0 }

// Digest is the digest of the row's record, or "" for a rejected row.
func (r Row) Digest() string {
	switch {
	case r.Target != nil:
		return r.Target.Digest()
	case r.Inspector != nil:
		return r.Inspector.Digest()
	case r.Item != nil:
		return r.Item.Digest()
	}
	return ""
}

// HeaderError is returned by Open when the header row cannot be found or lacks mandatory
// columns. Its message is Chinese and lists what is missing.
type HeaderError struct {
	Kind    Kind
	Line    int      // the header row, 0 if none was found
	Missing []string // canonical names of the missing mandatory columns
	// Headers are the header cells found (of the header row, or of the row most like one).
	Headers []string
	// Closest maps each missing column to the header cell most like it, when one is.
	Closest map[string]string
	Message string
}

func (e *HeaderError) Error() string { return e.Message }

// Reader streams the validated rows of one import file.
type Reader struct {
	kind     Kind
	opts     Options
	today    time.Time
	src      source
	encoding string
	date1904 bool
	serial   bool // cells may be Excel serial dates (XLSX)

	headerLine int
	header     []string // header cells as written (trimmed)
	cols       []column
	colIdx     []int // per column of the kind, the cell index in a row, or -1
	ignored    []string
	columns    []ColumnInfo
	mappedCell []bool // per cell index, whether the column is imported

	depts     *departmentTable
	divisions divisionLookup
	rep       *Report // where skipped rows are reported (NewReport)
	skipped   int

	keys map[string]map[string]int32 // business key kind → value → first row
	rows int
}

// Open sniffs the format and encoding of r, finds the header row and maps its columns. It fails
// with a *HeaderError (Chinese message) when mandatory columns are missing. The caller must Close
// the Reader.
func Open(r io.Reader, kind Kind) (*Reader, error) { return OpenWithOptions(r, kind, Options{}) }

// OpenWithOptions is Open with options.
func OpenWithOptions(r io.Reader, kind Kind, opts Options) (*Reader, error) {
	if columnsOf(kind) == nil {
		return nil, fmt.Errorf("未知的导入类型“%s”：应为 targets、inspectors 或 items", kind)
	}
	src, enc, err := openLimited(r, opts)
	if err != nil {
		return nil, err
	}
	rd := &Reader{
		kind: kind, opts: opts, today: opts.today(), src: src, encoding: enc,
		cols: columnsOf(kind), keys: map[string]map[string]int32{},
		depts: newDepartmentTable(opts.Departments), divisions: newDivisionLookup(opts.Divisions),
	}
	if x, ok := xlsxOf(src); ok {
		rd.serial, rd.date1904 = true, x.date1904
	}
	if err := rd.readHeader(); err != nil {
		_ = src.close()
		return nil, err
	}
	return rd, nil
}

// Close releases the temporary files of an XLSX file.
func (r *Reader) Close() error { return r.src.close() }

// Kind is what the file holds.
func (r *Reader) Kind() Kind { return r.kind }

// Encoding is "UTF-8", "UTF-8 BOM", "GB18030" (also for GBK) or "XLSX".
func (r *Reader) Encoding() string { return r.encoding }

// HeaderLine is the row number of the header row.
func (r *Reader) HeaderLine() int { return r.headerLine }

// Header returns the header row as written (trimmed).
func (r *Reader) Header() []string { return append([]string(nil), r.header...) }

// Mapping returns, for each record field found in the file, the header of its column as written.
// Fields absent from the file are absent from the map (the record then holds the default).
func (r *Reader) Mapping() map[string]string {
	m := map[string]string{}
	for i, j := range r.colIdx {
		if j >= 0 {
			m[r.cols[i].Field] = r.header[j]
		}
	}
	return m
}

// Ignored returns the headers of the columns that are not imported (every non-empty header
// that names no field); Columns gives the reason of each.
func (r *Reader) Ignored() []string { return append([]string(nil), r.ignored...) }

// Columns describes every non-empty column of the header: the field it fills, or why it is
// not imported.
func (r *Reader) Columns() []ColumnInfo { return append([]ColumnInfo(nil), r.columns...) }

// Rows is the number of data rows read so far (blank, totals and notes rows are not counted).
func (r *Reader) Rows() int { return r.rows }

// Skipped is the number of rows below the header skipped so far: blank rows, totals and notes.
func (r *Reader) Skipped() int { return r.skipped }

// ColumnInfo is one column of the file as the importer read it.
type ColumnInfo struct {
	Position int    // 1-based column number
	Letter   string // the column's letter in a spreadsheet (A, B, … AA)
	Header   string // as written
	Field    string // the record field it fills; "" when the column is not imported
	Name     string // the canonical name of that field
	Note     string // how the header or its values are read, when not plainly
	Reason   string // why the column is not imported (Field == "")
}

// Imported reports whether the column fills a field.
func (c ColumnInfo) Imported() bool { return c.Field != "" }

// String is one line of the column report, e.g. "B 列“信用代码/注册号” → 统一社会信用代码".
func (c ColumnInfo) String() string {
	if c.Field == "" {
		return fmt.Sprintf("%s 列“%s”：%s", c.Letter, c.Header, c.Reason)
	}
	s := fmt.Sprintf("%s 列“%s” → %s", c.Letter, c.Header, c.Name)
	if c.Note != "" {
		s += "（" + c.Note + "）"
	}
	return s
}

func (r *Reader) scanRows() int {
	if r.opts.HeaderScanRows > 0 {
		return r.opts.HeaderScanRows
	}
	return 10
}

// readHeader finds the header: the first row, within the first rows, in which at least two
// cells name known columns. Rows above it (merged titles, blank rows) are skipped.
func (r *Reader) readHeader() error {
	var above [][]string
	var widest, likeliest []string
	widestLine, likeliestLine, likeliestCount := 0, 0, 0
	for range r.scanRows() {
		cells, line, err := r.src.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if matchCount(r.kind, cells) >= 2 {
			return r.mapHeader(cells, line)
		}
		above = append(above, append([]string(nil), cells...))
		if ne := nonEmpty(cells); len(ne) > len(widest) {
			widest, widestLine = ne, line
		}
		if n := matchCount(r.kind, cells); n > likeliestCount {
			likeliest, likeliestLine, likeliestCount = above[len(above)-1], line, n
		}
	}
	hint := ""
	for _, other := range Kinds() {
		if other == r.kind || hint != "" {
			continue
		}
		for _, cells := range above {
			if matchCount(other, cells) >= 3 {
				hint = fmt.Sprintf("。该文件的表头像是%s，请确认导入类型", other.Title())
				break
			}
		}
	}
	if likeliestCount > 0 && hint == "" {
		// A row naming one column only: every valid header names two or more, so this is the
		// header with columns missing — say which, and what the row holds instead.
		if err := r.mapHeader(likeliest, likeliestLine); err != nil {
			return err
		}
	}
	he := &HeaderError{Kind: r.kind, Missing: requiredNames(r.kind), Headers: widest}
	msg := fmt.Sprintf("未找到%s的表头：前 %d 行中没有一行包含两个以上可识别的列名（如%s）",
		r.kind.Title(), r.scanRows(), quoteJoin(requiredNames(r.kind), "、"))
	if len(widest) > 1 {
		msg += fmt.Sprintf("；第 %d 行像是表头，其中的列为%s", widestLine, quoteJoin(widest, "、"))
		he.Closest = closestFor(r.kind, he.Missing, widest)
		msg += closestText(he.Missing, he.Closest)
	}
	he.Message = msg + hint
	return he
}

// nonEmpty returns the trimmed non-empty cells of a row.
func nonEmpty(cells []string) []string {
	var out []string
	for _, c := range cells {
		if h := headerText(c); h != "" {
			out = append(out, h)
		}
	}
	return out
}

// headerText is a header cell as shown in messages: trimmed, line breaks removed.
func headerText(cell string) string {
	return strings.Join(strings.FieldsFunc(strings.TrimFunc(cell, isTrimmable), func(r rune) bool { return r == '\n' || r == '\r' }), "")
}

// closestThreshold is the similarity from which a header is offered as the likely spelling of
// a missing column.
const closestThreshold = 0.5

// closestFor finds, for each missing column (a canonical name, or names joined by "或"), the
// header most like it among headers.
func closestFor(k Kind, missing, headers []string) map[string]string {
	out := map[string]string{}
	cols := columnsOf(k)
	for _, m := range missing {
		best, score := "", 0.0
		for _, name := range strings.Split(m, "或") {
			for _, c := range cols {
				if c.Name != name {
					continue
				}
				if h, s := closestHeader(c, headers); s > score {
					best, score = h, s
				}
			}
		}
		if score >= closestThreshold {
			out[m] = best
		}
	}
	return out
}

// closestText words the closest candidates for a message.
func closestText(missing []string, closest map[string]string) string {
	var b strings.Builder
	for _, m := range missing {
		first, _, _ := strings.Cut(m, "或")
		if h, ok := closest[m]; ok {
			fmt.Fprintf(&b, "；与“%s”最接近的是“%s”，如是同一项，请将该列改名为“%s”", m, h, first)
		} else {
			fmt.Fprintf(&b, "；没有与“%s”相近的列", m)
		}
	}
	return b.String()
}

func matchCount(k Kind, cells []string) int {
	n := 0
	for _, c := range cells {
		if lookupHeader(k, c) >= 0 {
			n++
		}
	}
	return n
}

func (r *Reader) mapHeader(cells []string, line int) error {
	r.headerLine = line
	r.header = make([]string, len(cells))
	r.colIdx = make([]int, len(r.cols))
	for i := range r.colIdx {
		r.colIdx[i] = -1
	}
	notes := make([]string, len(r.cols))
	var unmapped []string
	for j, cell := range cells {
		h := headerText(cell)
		r.header[j] = h
		if h == "" {
			continue
		}
		m := matchHeader(r.kind, cell)
		info := ColumnInfo{Position: j + 1, Letter: columnLetter(j + 1), Header: h}
		if m.Index < 0 {
			info.Reason = m.Reason
			r.ignored = append(r.ignored, h)
			r.columns = append(r.columns, info)
			unmapped = append(unmapped, h)
			continue
		}
		if prev := r.colIdx[m.Index]; prev >= 0 {
			return &HeaderError{Kind: r.kind, Line: line, Headers: nonEmpty(cells), Message: fmt.Sprintf(
				"第 %d 行表头中“%s”和“%s”都表示“%s”，请删除或改名其中一列", line, r.header[prev], h, r.cols[m.Index].Name)}
		}
		r.colIdx[m.Index] = j
		notes[m.Index] = m.Note
		info.Field, info.Name, info.Note = r.cols[m.Index].Field, r.cols[m.Index].Name, m.Note
		r.columns = append(r.columns, info)
	}
	var missing []string
	for i, c := range r.cols {
		if c.Required && r.colIdx[i] < 0 {
			missing = append(missing, c.Name)
		}
	}
	if group := identifierGroup(r.kind); len(group) > 0 {
		present := false
		var names []string
		for _, i := range group {
			present = present || r.colIdx[i] >= 0
			names = append(names, r.cols[i].Name)
		}
		if !present {
			missing = append(missing, strings.Join(names, "或"))
		}
	}
	if len(missing) > 0 {
		headers := nonEmpty(cells)
		closest := closestFor(r.kind, missing, unmapped)
		return &HeaderError{Kind: r.kind, Line: line, Missing: missing, Headers: headers, Closest: closest, Message: fmt.Sprintf(
			"第 %d 行表头缺少必填列：%s。表头中的列为%s%s", line, quoteJoin(missing, "、"), quoteJoin(headers, "、"),
			closestText(missing, closest))}
	}
	r.mappedCell = make([]bool, len(cells))
	for _, j := range r.colIdx {
		if j >= 0 {
			r.mappedCell[j] = true
		}
	}
	r.noteValueForms()
	return nil
}

// noteValueForms adds to the column report how the values of some columns are read.
func (r *Reader) noteValueForms() {
	for i := range r.columns {
		c := &r.columns[i]
		var note string
		switch {
		case r.kind == KindTargets && c.Field == targetColumns[tDivision].Field:
			note = "可填行政区划代码，或本县乡镇（街道）名称（按所在县的代码保存）"
		case r.kind == KindTargets && c.Field == targetColumns[tIndustry].Field:
			note = "可填行业代码，或门类、大类、常见小类的名称"
		case r.kind == KindInspectors && c.Field == inspectorColumns[pDepartment].Field:
			note = "按部门全称、简称或编码对应到部门"
		}
		if note != "" && c.Note == "" {
			c.Note = note
		}
	}
}

// columnLetter is the spreadsheet letter of a 1-based column number (1 → A, 27 → AA).
func columnLetter(n int) string {
	var b []byte
	for n > 0 {
		n--
		b = append([]byte{byte('A' + n%26)}, b...)
		n /= 26
	}
	return string(b)
}

func requiredNames(k Kind) []string {
	var names []string
	for _, c := range columnsOf(k) {
		if c.Required {
			names = append(names, c.Name)
		}
	}
	return names
}

func quoteJoin(s []string, sep string) string {
	q := make([]string, len(s))
	for i, v := range s {
		q[i] = "“" + v + "”"
	}
	return strings.Join(q, sep)
}

// Next returns the next data row, validated. Rows that hold no data — blank rows, totals and
// notes rows (合计, 备注, 制表人 …, and rows empty but for a count) — are skipped; a Report made
// with NewReport lists each with the reason. At the end Next returns io.EOF; any other error
// (unreadable file) ends the import.
func (r *Reader) Next() (Row, error) {
	for {
		cells, line, err := r.src.next()
		if err != nil {
			return Row{}, err
		}
		if kind, reason := r.skip(cells); kind != skipNone {
			r.skipped++
			if r.rep != nil {
				r.rep.addSkipped(SkippedRow{Line: line, Kind: kind, Reason: reason})
			}
			continue
		}
		r.rows++
		c := rowCtx{r: r, line: line, cells: cells}
		row := Row{Line: line}
		switch r.kind {
		case KindTargets:
			rec := c.target()
			if len(c.errs) == 0 {
				row.Target = rec
			}
		case KindInspectors:
			rec := c.inspector()
			if len(c.errs) == 0 {
				row.Inspector = rec
			}
		case KindItems:
			rec := c.item()
			if len(c.errs) == 0 {
				row.Item = rec
			}
		}
		row.Errors, row.Warnings = c.errs, c.warns
		return row, nil
	}
}

// Kinds of skipped rows.
const (
	skipNone   = ""
	SkipBlank  = "BLANK"  // 空行
	SkipFooter = "FOOTER" // 合计、小计、备注、制表人等合计或说明行
)

// SkippedRow is a row below the header that holds no data and was not imported.
type SkippedRow struct {
	Line   int
	Kind   string // SkipBlank or SkipFooter
	Reason string
}

// footerWords begin the totals and notes rows offices put under a register: the first
// non-empty cell of such a row starts with one of them. Words that could begin a name are
// required to be followed by a colon (checked separately, see footerWithColon).
var footerWords = []string{
	"合计", "小计", "总计", "共计", "累计", "总数", "总户数", "本页合计", "本页小计",
	"填表说明", "填报说明", "制表人", "制表日期", "制表单位", "制表时间", "填表人", "填表日期", "填报人", "填报日期",
	"填报单位", "审核人", "审核日期", "复核人", "单位负责人", "统计人", "经办人",
}

// footerWithColon begin a notes row only when a colon follows ("备注：…", "注：…").
var footerWithColon = []string{"备注", "注", "说明", "附注", "制表", "审核", "负责人", "联系人", "联系电话"}

// skip classifies a row: data (skipNone), blank, or a totals or notes row, with the reason.
// It runs for every row, so a data row is recognised as soon as an imported cell holds text.
func (r *Reader) skip(cells []string) (string, string) {
	first := -1
	for j, c := range cells {
		if c != "" && strings.TrimFunc(c, isTrimmable) != "" {
			first = j
			break
		}
	}
	if first < 0 {
		return SkipBlank, "空行"
	}
	// Totals and notes rows begin with a Chinese word.
	if c := strings.TrimLeftFunc(cells[first], isTrimmable); c[0] >= utf8.RuneSelf {
		written := strings.TrimFunc(c, isTrimmable)
		head := compact(foldASCII(written))
		for _, w := range footerWords {
			if strings.HasPrefix(head, w) {
				return SkipFooter, fmt.Sprintf("合计或说明行（“%s”），不是数据", shorten(written, 20))
			}
		}
		for _, w := range footerWithColon {
			if strings.HasPrefix(head, w+":") {
				return SkipFooter, fmt.Sprintf("合计或说明行（“%s”），不是数据", shorten(written, 20))
			}
		}
	}
	texts, number, mapped := false, "", false
	for j := first; j < len(cells); j++ {
		c := cells[j]
		if c == "" {
			continue
		}
		v := strings.TrimFunc(c, isTrimmable)
		if v == "" {
			continue
		}
		mapped = mapped || j < len(r.mappedCell) && r.mappedCell[j]
		if isCount(v) {
			number = v
			continue
		}
		texts = true
		if mapped {
			return skipNone, ""
		}
	}
	if !texts {
		return SkipFooter, fmt.Sprintf("除数字（“%s”）外为空，视为合计行", number)
	}
	if !mapped {
		return SkipBlank, "导入的列均为空（只有不导入的列有内容）"
	}
	return skipNone, ""
}

// isCount reports whether a cell is a count or sum as totals rows hold: a number of at most
// nine digits (optionally with a unit such as 户, 家, 人), not an identifier.
func isCount(v string) bool {
	if c := v[0]; (c < '0' || c > '9') && c < utf8.RuneSelf {
		return false
	}
	v = foldASCII(v)
	for _, unit := range []string{"户", "家", "个", "人", "名", "条", "项", "行", "元", "万元"} {
		v = strings.TrimSuffix(v, unit)
	}
	v = strings.ReplaceAll(v, ",", "")
	if v == "" || len(v) > 12 {
		return false
	}
	digits := 0
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && i > 0:
		default:
			return false
		}
	}
	return digits > 0 && digits <= 9
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// rowCtx validates one row.
type rowCtx struct {
	r     *Reader
	line  int
	cells []string
	errs  []CellError
	warns []CellError
}

func (c *rowCtx) column(f int) string {
	if j := c.r.colIdx[f]; j >= 0 {
		return c.r.header[j]
	}
	return c.r.cols[f].Name
}

func (c *rowCtx) fail(f int, value, reason string) {
	c.errs = append(c.errs, CellError{Line: c.line, Column: c.column(f), Field: c.r.cols[f].Field, Value: value, Reason: reason})
}

func (c *rowCtx) warn(f int, value, reason string) {
	c.warns = append(c.warns, CellError{Line: c.line, Column: c.column(f), Field: c.r.cols[f].Field, Value: value, Reason: reason})
}

// text returns the cleaned cell of column f, or "" if the column is absent or the cell empty or
// unreadable (then with an error).
func (c *rowCtx) text(f int) string {
	j := c.r.colIdx[f]
	if j < 0 || j >= len(c.cells) {
		return ""
	}
	v := c.cells[j]
	if !utf8.ValidString(v) || strings.ContainsRune(v, utf8.RuneError) {
		reason := "含有无法识别的字符（“�”）"
		switch c.r.encoding {
		case EncodingUTF8, EncodingUTF8BOM:
			reason = "含有不是 UTF-8 编码的字符：文件可能混用了 UTF-8 和 GBK，请整体另存为一种编码"
		case EncodingGB18030:
			reason = "含有无法按 GBK/GB18030 识别的字符：请检查文件编码"
		}
		c.fail(f, strings.ToValidUTF8(cleanCell(v), "�"), reason)
		return ""
	}
	v = cleanCell(v)
	if excelErrors[v] {
		c.fail(f, v, fmt.Sprintf("单元格是公式错误值“%s”", v))
		return ""
	}
	return v
}

// code returns a cell holding an identifier or code: half-width, no spaces, upper case, and
// with Excel's scientific notation undone.
func (c *rowCtx) code(f int) string {
	return strings.ToUpper(expandNumber(compact(foldASCII(c.text(f)))))
}

// required returns the text of column f, failing when it is empty.
func (c *rowCtx) required(f int) string {
	v := c.text(f)
	if v == "" && !c.failed(f) {
		c.fail(f, "", c.r.cols[f].Name+"不能为空")
	}
	return v
}

// failed reports whether column f already has an error in this row.
func (c *rowCtx) failed(f int) bool {
	for _, e := range c.errs {
		if e.Field == c.r.cols[f].Field {
			return true
		}
	}
	return false
}

// maxLen fails when v has more than n characters.
func (c *rowCtx) maxLen(f int, v string, n int) string {
	if utf8.RuneCountInString(v) > n {
		c.fail(f, v, fmt.Sprintf("%s不能超过 %d 个字（实际 %d 个）", c.r.cols[f].Name, n, utf8.RuneCountInString(v)))
		return ""
	}
	return v
}

// date reads a date cell; nil when empty or invalid.
func (c *rowCtx) date(f int) *time.Time {
	v := c.text(f)
	if v == "" {
		return nil
	}
	t, reason := parseDate(v, c.r.serial, c.r.date1904)
	if reason != "" {
		c.fail(f, v, c.r.cols[f].Name+reason)
		return nil
	}
	return &t
}

// phone reads a telephone cell.
func (c *rowCtx) phone(f int) string {
	v := c.text(f)
	if v == "" {
		return ""
	}
	p, reason := checkPhone(expandNumber(v))
	if reason != "" {
		c.fail(f, v, reason)
		return ""
	}
	return p
}

// unique records a business key and fails on a repeat within the file; the later row is the
// one rejected.
// shown is the value as the report may show it (masked for personal identifiers).
func (c *rowCtx) unique(f int, ns, label, v, shown string) {
	m := c.r.keys[ns]
	if m == nil {
		m = map[string]int32{}
		c.r.keys[ns] = m
	}
	if first, dup := m[v]; dup {
		c.fail(f, shown, fmt.Sprintf("%s与第 %d 行重复（同一文件内不得重复）", label, first))
		return
	}
	m[strings.Clone(v)] = int32(c.line)
}

// boolean reads a yes/no cell; def when empty.
func (c *rowCtx) boolean(f int, def bool, extraTrue, extraFalse []string) bool {
	v := c.text(f)
	if v == "" {
		return def
	}
	b, ok := parseBool(v, extraTrue, extraFalse)
	if !ok {
		c.fail(f, v, fmt.Sprintf("%s应填“是”或“否”", c.r.cols[f].Name))
		return def
	}
	return b
}
