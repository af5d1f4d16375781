package calendar

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// maxFileSize bounds an override file; a real year is well under 2 KiB.
const maxFileSize = 1 << 20

// The fields of the override file format (README.md).
const (
	fieldYear    = "year"
	fieldSource  = "source"
	fieldDaysOff = listDaysOff
	fieldMakeUp  = listMakeUp
)

var knownFields = []string{fieldYear, fieldSource, fieldDaysOff, fieldMakeUp}

// ParseYearFile reads one year's holiday arrangement in the override file format documented in
// README.md:
//
//	{"year": 2028,
//	 "source": "国务院办公厅关于2028年部分节假日安排的通知",
//	 "days_off": ["2028-01-01", "2028-01-28/2028-02-03", …],
//	 "make_up_workdays": ["2028-01-23", …]}
//
// It reports every problem it finds, not just the first, as one *Error with code INVALID whose
// Problems list each finding in Chinese, so the operator can fix the file in one pass. Checked:
// UTF-8 text; a well-formed JSON object (a UTF-8 byte-order mark is accepted, as Windows editors write one);
// no unknown or repeated field (a misspelt "make_up_workday" would otherwise drop the make-up
// days silently); all four fields present with the right types; a plausible year; a non-blank
// source; each item a real YYYY-MM-DD date or an ascending "start/end" range of at most 31
// days; every date within the year; no date twice in a list; make-up days on Saturday or
// Sunday only; no date both a day off and a make-up day; at least one day off.
func ParseYearFile(r io.Reader) (*Year, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxFileSize+1))
	if err != nil {
		return nil, &Error{Code: CodeInvalid, Message: "读取工作日历文件失败", Err: err}
	}
	if len(data) > maxFileSize {
		return nil, invalidError(0, []Problem{{ProblemTooLarge,
			fmt.Sprintf("文件超过 %d 字节，不像是一年的节假日安排", maxFileSize)}})
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		// Chinese Windows editors default to GBK; encoding/json would turn the source into
		// U+FFFD replacement characters without complaint.
		return nil, invalidError(0, []Problem{{ProblemEncoding,
			"文件不是 UTF-8 编码（可能是 GBK/ANSI），请用编辑器另存为 UTF-8 后再载入"}})
	}

	fields, problems := readObject(data)
	if fields == nil {
		return nil, invalidError(0, problems)
	}

	year, yearOK := 0, false
	if raw, ok := field(fields, fieldYear, &problems); ok {
		if err := json.Unmarshal(raw, &year); err != nil {
			problems = append(problems, Problem{ProblemFieldType,
				fmt.Sprintf("字段 year 应为整数年份，如 2028（不要加引号），实际为 %s", clip(raw))})
		} else {
			yearOK = true
			checkYear(year, &problems)
		}
	}
	var source string
	if raw, ok := field(fields, fieldSource, &problems); ok {
		if err := json.Unmarshal(raw, &source); err != nil {
			problems = append(problems, Problem{ProblemFieldType,
				fmt.Sprintf("字段 source 应为字符串（通知名称），实际为 %s", clip(raw))})
		} else {
			source = strings.TrimSpace(source)
			checkSource(source, &problems)
		}
	}

	offItems := -1
	var off, up []entry
	if items, ok := dateList(fields, fieldDaysOff, &problems); ok {
		offItems = len(items)
		off = expand(fieldDaysOff, items, &problems)
	}
	if items, ok := dateList(fields, fieldMakeUp, &problems); ok {
		up = expand(fieldMakeUp, items, &problems)
	}
	if !yearOK {
		// Without a usable year the date checks would only produce noise (every date "outside
		// the year"); report what we have.
		return nil, invalidError(0, problems)
	}
	return build(year, source, off, offItems, up, problems)
}

// readObject splits the file into its top-level fields, reporting syntax errors, a non-object,
// trailing content, repeated and unknown fields. fields is nil if the file is not a JSON object.
func readObject(data []byte) (fields map[string]json.RawMessage, problems []Problem) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var top json.RawMessage
	if err := dec.Decode(&top); err != nil {
		return nil, []Problem{{ProblemSyntax, syntaxMessage(data)}}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, []Problem{{ProblemSyntax, fmt.Sprintf("JSON 对象结束（第 %s）之后还有多余内容；一个文件只写一年",
			lineCol(data, dec.InputOffset()))}}
	}
	// top is now well-formed JSON, so the token walk below cannot fail on syntax.
	obj := json.NewDecoder(bytes.NewReader(top))
	if tok, _ := obj.Token(); tok != json.Delim('{') {
		return nil, []Problem{{ProblemSyntax, "文件应是一个 JSON 对象 {…}，包含 year、source、days_off、make_up_workdays 四个字段"}}
	}
	fields = map[string]json.RawMessage{}
	for obj.More() {
		tok, _ := obj.Token()
		key, _ := tok.(string) // inside an object the decoder only yields string keys
		var raw json.RawMessage
		if err := obj.Decode(&raw); err != nil {
			return nil, []Problem{{ProblemSyntax, syntaxMessage(data)}} // unreachable: top is valid
		}
		if _, dup := fields[key]; dup {
			// encoding/json would keep the last silently; two "days_off" usually means a
			// half-merged edit, so the operator must decide.
			problems = append(problems, Problem{ProblemDuplicateField,
				fmt.Sprintf("字段 %s 出现了两次，请合并为一个", key)})
			continue
		}
		fields[key] = raw
		if !slices.Contains(knownFields, key) {
			problems = append(problems, Problem{ProblemUnknownField,
				fmt.Sprintf("未知字段“%s”：只允许 year、source、days_off、make_up_workdays（请检查拼写）", key)})
		}
	}
	return fields, problems
}

func field(fields map[string]json.RawMessage, name string, problems *[]Problem) (json.RawMessage, bool) {
	raw, ok := fields[name]
	if !ok {
		hint := map[string]string{
			fieldYear:    "年份，如 2028",
			fieldSource:  "依据的通知名称",
			fieldDaysOff: "放假日期列表",
			fieldMakeUp:  "调休上班日期列表；没有调休请写 []",
		}[name]
		*problems = append(*problems, Problem{ProblemMissingField, fmt.Sprintf("缺少字段 %s（%s）", name, hint)})
		return nil, false
	}
	if string(bytes.TrimSpace(raw)) == "null" {
		// encoding/json leaves the target untouched for null, which would read as "no data".
		*problems = append(*problems, Problem{ProblemFieldType, fmt.Sprintf("字段 %s 不能为 null", name)})
		return nil, false
	}
	return raw, true
}

func dateList(fields map[string]json.RawMessage, name string, problems *[]Problem) ([]string, bool) {
	raw, ok := field(fields, name, problems)
	if !ok {
		return nil, false
	}
	var items []string
	if err := json.Unmarshal(raw, &items); err != nil {
		*problems = append(*problems, Problem{ProblemFieldType,
			fmt.Sprintf("字段 %s 应为日期字符串的数组，如 [\"2028-01-01\", \"2028-01-28/2028-02-03\"]，实际为 %s", name, clip(raw))})
		return nil, false
	}
	return items, true
}

// expand turns items into one entry per date. An item is "YYYY-MM-DD" or "YYYY-MM-DD/YYYY-MM-DD"
// (both ends included; "/" as in ISO 8601 intervals), the form the notices use ("1月28日至2月
// 4日放假").
func expand(list string, items []string, problems *[]Problem) []entry {
	var out []entry
	for i, item := range items {
		e := entry{list: list, index: i + 1, text: item}
		start, end, isRange := strings.Cut(item, "/")
		if !isRange {
			d, ok := parseDay(item)
			if !ok {
				*problems = append(*problems, Problem{ProblemDateFormat,
					fmt.Sprintf("%s不是有效日期：应为 YYYY-MM-DD（如 2028-01-01）或区间 起始/结束（如 2028-01-28/2028-02-03）", e.where())})
				continue
			}
			e.day = d
			out = append(out, e)
			continue
		}
		from, ok1 := parseDay(start)
		to, ok2 := parseDay(end)
		if !ok1 || !ok2 {
			*problems = append(*problems, Problem{ProblemDateFormat,
				fmt.Sprintf("%s不是有效的日期区间：应为 起始/结束，两端均为 YYYY-MM-DD，如 2028-01-28/2028-02-03", e.where())})
			continue
		}
		if to.Before(from) {
			*problems = append(*problems, Problem{ProblemRangeOrder,
				fmt.Sprintf("%s的结束日期早于起始日期", e.where())})
			continue
		}
		if n := int(to.Sub(from)/(24*time.Hour)) + 1; n > maxRangeDays {
			*problems = append(*problems, Problem{ProblemRangeTooLong,
				fmt.Sprintf("%s跨 %d 天，超过 %d 天的上限，请核对是否笔误", e.where(), n, maxRangeDays)})
			continue
		}
		for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
			e.day = d
			out = append(out, e)
		}
	}
	return out
}

// syntaxMessage explains why data is not well-formed JSON, in Chinese, with the position and
// the offending character. json.Unmarshal is used for this because its SyntaxError offsets are
// absolute (the streaming Decoder's are not); encoding/json's English text stays out.
func syntaxMessage(data []byte) string {
	var v any
	err := json.Unmarshal(data, &v)
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return "JSON 格式错误，无法解析"
	}
	if se.Offset >= int64(len(data)) && strings.Contains(se.Error(), "unexpected end") {
		return "JSON 不完整：文件为空或在对象结束前中断（缺少 ] 或 }）"
	}
	// Offset counts the bytes read up to and including the offending byte, which may be the
	// first byte of a multi-byte character such as a full-width comma "，".
	at, end := "", se.Offset
	if end > 0 && end <= int64(len(data)) {
		start := end - 1
		for start > 0 && !utf8.RuneStart(data[start]) {
			start--
		}
		r, size := utf8.DecodeRune(data[start:])
		switch {
		case r == utf8.RuneError:
		case unicode.IsSpace(r):
			at = "，空白处"
		default:
			at = fmt.Sprintf("，字符「%c」处", r)
		}
		end = start + int64(size)
	}
	return fmt.Sprintf("JSON 格式错误（第 %s%s）。常见原因：用了中文引号或逗号、最后一项后多了逗号、缺少引号或逗号",
		lineCol(data, end), at)
}

// lineCol renders the position of the character ending at byte offset (1-based line and
// column in characters) for the operator's editor.
func lineCol(data []byte, offset int64) string {
	offset = min(max(offset, 0), int64(len(data)))
	before := data[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	col := utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:])
	return fmt.Sprintf("%d 行第 %d 列", line, max(col, 1))
}

// clip shows a raw JSON value in a message, shortened.
func clip(raw json.RawMessage) string {
	s := strings.TrimSpace(string(raw))
	if r := []rune(s); len(r) > 40 {
		s = string(r[:40]) + "…"
	}
	return s
}
