package importer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// The encodings Reader.Encoding reports.
const (
	EncodingUTF8    = "UTF-8"
	EncodingUTF8BOM = "UTF-8 BOM"
	EncodingGB18030 = "GB18030"
	EncodingXLSX    = "XLSX"
)

// sniffSize is how much of a CSV file decides its encoding. The header row, which is Chinese,
// lies within it, so a GBK file is never taken for UTF-8; should a later row still not be UTF-8,
// its cells are rejected with an encoding error rather than imported garbled.
const sniffSize = 64 << 10

// maxRecordBytes bounds one CSV record. A stray opening quote would otherwise make the rest of a
// million-row file one field, held in memory.
const maxRecordBytes = 4 << 20

var (
	zipMagic      = []byte("PK\x03\x04")
	zipEmptyMagic = []byte("PK\x05\x06")
	oleMagic      = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	utf8BOM       = []byte{0xEF, 0xBB, 0xBF}
)

// source yields the rows of a file: its cells (valid until the next call) and the row number a
// user sees in a spreadsheet program (1-based, counting title and blank rows).
type source interface {
	next() (cells []string, line int, err error)
	close() error
}

// openSource sniffs the format and the encoding: ZIP magic bytes → XLSX; a UTF-8 BOM → UTF-8;
// valid UTF-8 → UTF-8; anything else → GB18030 (a superset of GBK).
func openSource(r io.Reader, opts Options) (source, string, error) {
	br := bufio.NewReaderSize(r, sniffSize)
	head, err := br.Peek(8)
	if len(head) == 0 {
		if err != nil && err != io.EOF {
			return nil, "", fmt.Errorf("读取文件失败：%w", err)
		}
		return nil, "", sourceError(CodeEmptyFile, nil, "文件为空")
	}
	switch {
	case bytes.HasPrefix(head, zipMagic) || bytes.HasPrefix(head, zipEmptyMagic):
		src, err := openXLSX(br, opts)
		return src, EncodingXLSX, err
	case bytes.HasPrefix(head, oleMagic):
		return nil, "", sourceError(CodeUnsupportedFormat, nil, "不支持 Excel 97-2003（.xls）格式或加密的工作簿：请在 Excel 或 WPS 中另存为 .xlsx 或 CSV 后再导入")
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return nil, "", sourceError(CodeUnsupportedFormat, nil, "不支持 UTF-16 编码的文本文件（Excel“Unicode 文本”）：请另存为 CSV（UTF-8 或 GBK）后再导入")
	}
	sample, err := br.Peek(sniffSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, "", fmt.Errorf("读取文件失败：%w", err)
	}
	comma := sniffDelimiter(sample)
	text, enc := decodeSniffed(br, sample)
	return newCSVSource(text, comma), enc, nil
}

// DecodeText returns r decoded to UTF-8 and the encoding it was in, detected — not asked — as
// every import does: a UTF-8 BOM → UTF-8 (BOM dropped); valid UTF-8 → UTF-8; anything else →
// GB18030, a superset of GBK. For text files of other kinds than the libraries (e.g. leads).
func DecodeText(r io.Reader) (io.Reader, string, error) {
	br := bufio.NewReaderSize(r, sniffSize)
	sample, err := br.Peek(sniffSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, "", fmt.Errorf("读取文件失败：%w", err)
	}
	text, enc := decodeSniffed(br, sample)
	return text, enc, nil
}

// decodeSniffed decides the encoding from sample, the first bytes of br (not yet consumed).
func decodeSniffed(br *bufio.Reader, sample []byte) (io.Reader, string) {
	switch {
	case bytes.HasPrefix(sample, utf8BOM):
		_, _ = br.Discard(len(utf8BOM))
		return br, EncodingUTF8BOM
	case validUTF8Prefix(sample, len(sample) < sniffSize):
		return br, EncodingUTF8
	}
	return transform.NewReader(br, simplifiedchinese.GB18030.NewDecoder()), EncodingGB18030
}

// validUTF8Prefix reports whether b is valid UTF-8, allowing a rune cut off at the end of a
// sample that is not the whole file.
func validUTF8Prefix(b []byte, whole bool) bool {
	if !whole {
		for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
			if utf8.RuneStart(b[i]) {
				if !utf8.FullRune(b[i:]) {
					b = b[:i]
				}
				break
			}
		}
	}
	return utf8.Valid(b)
}

// sniffDelimiter picks the field separator from the first lines: a comma, unless those lines
// have none and have tabs (Excel "文本文件（制表符分隔）") or semicolons. The ASCII bytes looked
// at never occur inside a GBK character, so this works before decoding.
func sniffDelimiter(sample []byte) rune {
	lines := bytes.SplitN(sample, []byte("\n"), 12)
	if len(lines) > 11 {
		lines = lines[:11]
	}
	var commas, tabs, semis int
	for _, l := range lines {
		commas += bytes.Count(l, []byte(","))
		tabs += bytes.Count(l, []byte("\t"))
		semis += bytes.Count(l, []byte(";"))
	}
	switch {
	case commas == 0 && tabs > 0:
		return '\t'
	case commas == 0 && semis > 0:
		return ';'
	}
	return ','
}

// ---- CSV ----

type csvSource struct {
	cr      *csv.Reader
	guard   *guardReader
	extra   int // line breaks inside quoted fields so far: a spreadsheet shows them in one row
	lastEnd int // spreadsheet row of the end of the last record
}

func newCSVSource(r io.Reader, comma rune) *csvSource {
	g := &guardReader{r: r, limit: maxRecordBytes + sniffSize}
	cr := csv.NewReader(g)
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	return &csvSource{cr: cr, guard: g}
}

var errRecordTooLong = errors.New("record too long")

func (s *csvSource) next() ([]string, int, error) {
	s.guard.limit = s.cr.InputOffset() + maxRecordBytes + sniffSize
	rec, err := s.cr.Read()
	line := 0
	if len(rec) > 0 {
		l, _ := s.cr.FieldPos(0)
		line = l - s.extra
	}
	switch {
	case errors.Is(err, errRecordTooLong):
		return nil, line, sourceError(CodeCellTooLarge, err, "第 %d 行起的一行超过 %d MB，可能有未闭合的英文双引号，请检查该行", s.lastEnd+1, maxRecordBytes>>20)
	case err == io.EOF:
		return nil, 0, io.EOF
	case err != nil:
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, line, fmt.Errorf("CSV 第 %d 行格式错误：%v", pe.StartLine-s.extra, pe.Err)
		}
		return nil, line, fmt.Errorf("读取文件失败：%w", err)
	}
	for _, f := range rec {
		s.extra += strings.Count(f, "\n")
	}
	s.lastEnd = line
	return rec, line, nil
}

func (s *csvSource) close() error { return nil }

// guardReader fails once more than limit bytes have been read; the CSV source moves the limit
// forward at every record.
type guardReader struct {
	r     io.Reader
	n     int64
	limit int64
}

func (g *guardReader) Read(p []byte) (int, error) {
	if g.n > g.limit {
		return 0, errRecordTooLong
	}
	n, err := g.r.Read(p)
	g.n += int64(n)
	return n, err
}

// ---- XLSX ----

type xlsxSource struct {
	f        *excelize.File
	rows     *excelize.Rows
	tmp      string
	line     int
	date1904 bool
}

// openXLSX copies the workbook to a temporary file (a ZIP is read from its end, and excelize's
// OpenReader would hold all of it in memory), then iterates over the first sheet with excelize's
// streaming row reader. Cells are read raw, so that a date is its serial number rather than a
// display form such as "01-05-26".
func openXLSX(r io.Reader, opts Options) (*xlsxSource, error) {
	tmp, err := os.CreateTemp(opts.TempDir, "ssgk-import-*.xlsx")
	if err != nil {
		return nil, fmt.Errorf("创建临时文件失败：%w", err)
	}
	s := &xlsxSource{tmp: tmp.Name()}
	_, err = io.Copy(tmp, r)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = s.close()
		return nil, fmt.Errorf("读取文件失败：%w", err)
	}
	lim := CurrentLimits()
	if err := checkZip(s.tmp, lim); err != nil {
		_ = s.close()
		return nil, err
	}
	s.f, err = excelize.OpenFile(s.tmp, excelize.Options{TmpDir: opts.TempDir,
		UnzipSizeLimit: lim.MaxUnzipBytes, UnzipXMLSizeLimit: lim.streamedPartBytes})
	if err != nil {
		_ = s.close()
		return nil, sourceError(CodeCorruptFile, err, "文件不是有效的 XLSX 工作簿：%v", err)
	}
	sheets := s.f.GetSheetList()
	if len(sheets) == 0 {
		_ = s.close()
		return nil, errors.New("工作簿中没有工作表")
	}
	if props, err := s.f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		s.date1904 = *props.Date1904
	}
	s.rows, err = s.f.Rows(sheets[0])
	if err != nil {
		_ = s.close()
		return nil, fmt.Errorf("读取工作表“%s”失败：%v", sheets[0], err)
	}
	return s, nil
}

func (s *xlsxSource) next() ([]string, int, error) {
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return nil, s.line, fmt.Errorf("读取工作表失败：%v", err)
		}
		return nil, 0, io.EOF
	}
	// Next is called once per row number, also for rows missing from the XML, so counting the
	// calls gives the row number a user sees.
	s.line++
	cells, err := s.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, s.line, fmt.Errorf("读取第 %d 行失败：%v", s.line, err)
	}
	return cells, s.line, nil
}

func (s *xlsxSource) close() error {
	var err error
	if s.rows != nil {
		err = s.rows.Close()
		s.rows = nil
	}
	if s.f != nil {
		if cerr := s.f.Close(); err == nil {
			err = cerr
		}
		s.f = nil
	}
	if s.tmp != "" {
		if rerr := os.Remove(s.tmp); rerr != nil && !os.IsNotExist(rerr) && err == nil {
			err = rerr
		}
		s.tmp = ""
	}
	return err
}
