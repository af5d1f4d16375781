package importer

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode/utf8"
)

// Limits bound what one import file may cost, whoever sends it (GraphQL upload or the CLI):
// rows, columns and characters per cell, and for XLSX — a ZIP of XML parts that a small file can
// expand into gigabytes — the unpacked size, the parts held in memory, the shared strings, and
// the longest run of text between two XML tags. A file past a limit is refused as a whole with
// a SourceError (code and Chinese message) before its rows are read, or at the row that breaks it.
type Limits struct {
	MaxRows      int // rows of the file, title and blank rows included (IMPORT_MAX_ROWS)
	MaxColumns   int // cells of one row
	MaxCellChars int // characters of one cell (IMPORT_MAX_CELL_CHARS); Excel's own limit is 32,767

	MaxUnzipBytes     int64 // unpacked size of all parts of an XLSX (XLSX_MAX_UNZIP_SIZE)
	MaxInMemoryBytes  int64 // unpacked size of the parts excelize holds in memory (styles, workbook, small sheets)
	MaxSharedStrings  int   // entries of the shared-string table (kept indexed in memory)
	MaxXMLRun         int64 // bytes between two '<' or '>' of a large part: no text node or tag longer
	MaxRatio          int64 // unpacked/packed size of an XLSX above 16 MiB unpacked
	MaxParts          int   // entries of the ZIP
	streamedPartBytes int64 // parts larger than this are streamed from disk by excelize
}

// DefaultLimits fit a county's libraries (about 10⁵ rows; an XLSX holds at most 1,048,576) and
// a CSV of two million rows.
var DefaultLimits = Limits{
	MaxRows: 2_000_000, MaxColumns: 1024, MaxCellChars: 32_767,
	MaxUnzipBytes: 256 << 20, MaxInMemoryBytes: 32 << 20, MaxSharedStrings: 1_500_000,
	MaxXMLRun: 1 << 20, MaxRatio: 100, MaxParts: 10_000, streamedPartBytes: 4 << 20,
}

var (
	limitsMu sync.RWMutex
	limits   = DefaultLimits
)

// SetLimits replaces the limits of every later import of the process (ssgk sets them from its
// configuration at start). Zero fields keep their defaults.
func SetLimits(l Limits) {
	d := DefaultLimits
	if l.MaxRows > 0 {
		d.MaxRows = l.MaxRows
	}
	if l.MaxColumns > 0 {
		d.MaxColumns = l.MaxColumns
	}
	if l.MaxCellChars > 0 {
		d.MaxCellChars = l.MaxCellChars
	}
	if l.MaxUnzipBytes > 0 {
		d.MaxUnzipBytes = l.MaxUnzipBytes
	}
	if l.MaxInMemoryBytes > 0 {
		d.MaxInMemoryBytes = l.MaxInMemoryBytes
	}
	if l.MaxSharedStrings > 0 {
		d.MaxSharedStrings = l.MaxSharedStrings
	}
	if l.MaxXMLRun > 0 {
		d.MaxXMLRun = l.MaxXMLRun
	}
	if l.MaxRatio > 0 {
		d.MaxRatio = l.MaxRatio
	}
	if l.MaxParts > 0 {
		d.MaxParts = l.MaxParts
	}
	limitsMu.Lock()
	limits = d
	limitsMu.Unlock()
}

// CurrentLimits are the limits in force.
func CurrentLimits() Limits {
	limitsMu.RLock()
	defer limitsMu.RUnlock()
	return limits
}

// Codes of a SourceError.
const (
	CodeEmptyFile         = "IMPORT_EMPTY_FILE"         // nothing in the file
	CodeUnsupportedFormat = "IMPORT_UNSUPPORTED_FORMAT" // .xls, UTF-16 text, encrypted workbook
	CodeCorruptFile       = "IMPORT_CORRUPT_FILE"       // not a readable XLSX or CSV
	CodeFileTooLarge      = "IMPORT_FILE_TOO_LARGE"     // unpacks too large (a decompression bomb)
	CodeTooManyRows       = "IMPORT_TOO_MANY_ROWS"
	CodeCellTooLarge      = "IMPORT_CELL_TOO_LARGE" // a cell, a row or a run of XML too long
)

// SourceError is a file the importer cannot read as a whole. Code is for programs (GraphQL
// extensions.code, CLI output), Message for a clerk.
type SourceError struct {
	Code    string
	Message string
	Err     error // the cause, for logs only
}

func (e *SourceError) Error() string { return e.Message }

func (e *SourceError) Unwrap() error { return e.Err }

// AppCode and AppMessage make a SourceError an application error (internal/apperr).
func (e *SourceError) AppCode() string { return e.Code }

// AppMessage is the Chinese message.
func (e *SourceError) AppMessage() string { return e.Message }

func sourceError(code string, cause error, format string, args ...any) *SourceError {
	return &SourceError{Code: code, Message: fmt.Sprintf(format, args...), Err: cause}
}

// openLimited opens the rows of a file under the limits in force.
func openLimited(r io.Reader, opts Options) (source, string, error) {
	src, enc, err := openSource(r, opts)
	if err != nil {
		var se *SourceError
		if !errors.As(err, &se) {
			err = sourceError(CodeCorruptFile, err, "%v", err)
		}
		return nil, "", err
	}
	return &limitedSource{src: src, lim: CurrentLimits()}, enc, nil
}

// limitedSource counts the rows of a source and measures its cells.
type limitedSource struct {
	src  source
	lim  Limits
	rows int
}

func (s *limitedSource) next() ([]string, int, error) {
	cells, line, err := s.src.next()
	if err != nil {
		var se *SourceError
		if err != io.EOF && !errors.As(err, &se) {
			err = sourceError(CodeCorruptFile, err, "%v", err)
		}
		return cells, line, err
	}
	s.rows++
	if s.rows > s.lim.MaxRows {
		return nil, line, sourceError(CodeTooManyRows, nil, "文件超过 %d 行（IMPORT_MAX_ROWS）：请分成几个文件导入", s.lim.MaxRows)
	}
	if len(cells) > s.lim.MaxColumns {
		return nil, line, sourceError(CodeCellTooLarge, nil, "第 %d 行有 %d 列，超过上限 %d 列", line, len(cells), s.lim.MaxColumns)
	}
	for i, c := range cells {
		if len(c) > s.lim.MaxCellChars && utf8.RuneCountInString(c) > s.lim.MaxCellChars {
			return nil, line, sourceError(CodeCellTooLarge, nil, "第 %d 行第 %d 列的内容超过 %d 个字符（IMPORT_MAX_CELL_CHARS）", line, i+1, s.lim.MaxCellChars)
		}
	}
	return cells, line, nil
}

func (s *limitedSource) close() error { return s.src.close() }

// xlsxOf returns the XLSX source under s, if any.
func xlsxOf(s source) (*xlsxSource, bool) {
	if l, ok := s.(*limitedSource); ok {
		s = l.src
	}
	x, ok := s.(*xlsxSource)
	return x, ok
}

// checkZip inspects an XLSX before excelize opens it: the ZIP directory (sizes as declared —
// archive/zip refuses to unpack more than an entry declares), and, for the parts excelize
// streams from disk, their content (text runs, shared strings), unpacked as a stream.
func checkZip(path string, lim Limits) error {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return sourceError(CodeCorruptFile, err, "文件不是有效的 XLSX 工作簿（ZIP 结构损坏）：请在 Excel 或 WPS 中重新保存后再导入")
	}
	defer zr.Close()
	if len(zr.File) > lim.MaxParts {
		return sourceError(CodeFileTooLarge, nil, "XLSX 工作簿包含 %d 个部件，超过上限 %d 个", len(zr.File), lim.MaxParts)
	}
	var total, packed, inMemory uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		packed += f.CompressedSize64
		if total > uint64(lim.MaxUnzipBytes) {
			return sourceError(CodeFileTooLarge, nil, "XLSX 工作簿解压后超过 %s（XLSX_MAX_UNZIP_SIZE），可能是“压缩炸弹”，已拒绝；大批量数据请改用 CSV", sizeText(lim.MaxUnzipBytes))
		}
		name := strings.ToLower(strings.ReplaceAll(f.Name, "\\", "/"))
		big := f.UncompressedSize64 > uint64(lim.streamedPartBytes)
		if !big || !(strings.HasPrefix(name, "xl/worksheets/sheet") || name == "xl/sharedstrings.xml") {
			inMemory += f.UncompressedSize64
		}
	}
	if inMemory > uint64(lim.MaxInMemoryBytes) {
		return sourceError(CodeFileTooLarge, nil, "XLSX 工作簿中样式、关系等部件解压后超过 %s，已拒绝", sizeText(lim.MaxInMemoryBytes))
	}
	if total > 16<<20 && packed > 0 && total/packed > uint64(lim.MaxRatio) {
		return sourceError(CodeFileTooLarge, nil, "XLSX 工作簿的压缩比为 %d:1，远超正常表格，可能是“压缩炸弹”，已拒绝", total/packed)
	}
	// Every part is unpacked once as a stream: archive/zip refuses one that holds more than it
	// declares, and the scan refuses endless text. The small parts are cheap to read twice; the
	// large ones excelize reads from disk, where an endless run would still be held whole.
	for _, f := range zr.File {
		if err := scanPart(f, lim); err != nil {
			return err
		}
	}
	return nil
}

// scanPart unpacks one part as a stream and refuses runs between two '<' longer than MaxXMLRun
// — a text node or a tag that excelize's XML decoder would hold whole — and shared-string tables
// with more than MaxSharedStrings entries.
func scanPart(f *zip.File, lim Limits) error {
	rc, err := f.Open()
	if err != nil {
		return sourceError(CodeCorruptFile, err, "XLSX 部件 %s 无法解压：文件已损坏", f.Name)
	}
	defer rc.Close()
	sst := strings.EqualFold(f.Name, "xl/sharedStrings.xml")
	buf := make([]byte, 256<<10)
	var run int64 // bytes since the last '<'
	items := 0
	tagNext := false // the previous chunk ended with '<'
	for {
		n, err := io.ReadFull(rc, buf)
		chunk := buf[:n]
		if tagNext && n > 0 && chunk[0] == 's' {
			items++
		}
		for len(chunk) > 0 {
			i := bytes.IndexByte(chunk, '<')
			if i < 0 {
				run += int64(len(chunk))
				break
			}
			run += int64(i)
			if run > lim.MaxXMLRun {
				break
			}
			run = 0
			if sst && i+1 < len(chunk) && chunk[i+1] == 's' {
				items++ // "<si", "<sst": one more than the entries, never fewer
			}
			chunk = chunk[i+1:]
		}
		tagNext = n > 0 && buf[n-1] == '<'
		if run > lim.MaxXMLRun {
			return sourceError(CodeCellTooLarge, nil, "XLSX 部件 %s 中有超过 %s 的连续内容（单元格或标记过长），已拒绝", f.Name, sizeText(lim.MaxXMLRun))
		}
		if sst && items > lim.MaxSharedStrings+1 {
			return sourceError(CodeFileTooLarge, nil, "XLSX 工作簿的共享字符串超过 %d 个，已拒绝；大批量数据请改用 CSV", lim.MaxSharedStrings)
		}
		switch {
		case err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF):
			return nil
		case errors.Is(err, zip.ErrFormat) || errors.Is(err, zip.ErrChecksum):
			return sourceError(CodeCorruptFile, err, "XLSX 部件 %s 解压后与其声明的大小或校验和不符：文件已损坏或被篡改，已拒绝", f.Name)
		case err != nil:
			return sourceError(CodeCorruptFile, err, "XLSX 部件 %s 解压失败：文件已损坏", f.Name)
		}
	}
}

func sizeText(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d 字节", n)
}
