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

// Ignored returns the headers that name no known column; their cells are not imported.
func (r *Reader) Ignored() []string { return append([]string(nil), r.ignored...) }

// Rows is the number of data rows read so far (blank rows are not counted).
func (r *Reader) Rows() int { return r.rows }

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
	}
	msg := fmt.Sprintf("未找到%s的表头：前 %d 行中没有一行包含两个以上可识别的列名（如%s）",
		r.kind.Title(), r.scanRows(), quoteJoin(requiredNames(r.kind), "、"))
	for _, other := range Kinds() {
		if other == r.kind {
			continue
		}
		for _, cells := range above {
			if matchCount(other, cells) >= 3 {
				msg += fmt.Sprintf("。该文件的表头像是%s，请确认导入类型", other.Title())
				return &HeaderError{Kind: r.kind, Message: msg, Missing: requiredNames(r.kind)}
			}
		}
	}
	return &HeaderError{Kind: r.kind, Message: msg, Missing: requiredNames(r.kind)}
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
	for j, cell := range cells {
		h := strings.Join(strings.FieldsFunc(strings.TrimFunc(cell, isTrimmable), func(r rune) bool { return r == '\n' || r == '\r' }), "")
		r.header[j] = h
		i := lookupHeader(r.kind, cell)
		if i < 0 {
			if h != "" && !isIgnoredHeader(h) {
				r.ignored = append(r.ignored, h)
			}
			continue
		}
		if prev := r.colIdx[i]; prev >= 0 {
			return &HeaderError{Kind: r.kind, Line: line, Message: fmt.Sprintf(
				"第 %d 行表头中“%s”和“%s”都表示“%s”，请删除或改名其中一列", line, r.header[prev], h, r.cols[i].Name)}
		}
		r.colIdx[i] = j
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
		return &HeaderError{Kind: r.kind, Line: line, Missing: missing, Message: fmt.Sprintf(
			"第 %d 行表头缺少必填列：%s", line, quoteJoin(missing, "、"))}
	}
	return nil
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

// Next returns the next data row, validated. Blank rows are skipped. At the end it returns
// io.EOF; any other error (unreadable file) ends the import.
func (r *Reader) Next() (Row, error) {
	for {
		cells, line, err := r.src.next()
		if err != nil {
			return Row{}, err
		}
		if r.blank(cells) {
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

// blank reports whether every mapped cell of a row is empty (unmapped cells such as 序号 or a
// footer "填报人：" do not make a row).
func (r *Reader) blank(cells []string) bool {
	for _, j := range r.colIdx {
		if j >= 0 && j < len(cells) && strings.TrimFunc(cells[j], isTrimmable) != "" {
			return false
		}
	}
	return true
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
