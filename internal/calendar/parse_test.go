package calendar

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
)

// TestParseYearFileValidation: every validation error of ParseYearFile, each reported with its
// kind and a Chinese message.
func TestParseYearFileValidation(t *testing.T) {
	const src = `"source": "国务院办公厅关于2028年部分节假日安排的通知"`
	const mk = `"make_up_workdays": []`
	for _, tc := range []struct {
		name  string
		file  string
		kinds []string // expected problem kinds, in order
		text  string   // a fragment the message must contain
	}{
		{"empty file", ``, []string{ProblemSyntax}, "JSON 不完整"},
		{"truncated", `{"year": 2028,`, []string{ProblemSyntax}, "JSON 不完整"},
		{"trailing comma", "{\"year\": 2028,\n}", []string{ProblemSyntax}, "第 2 行第 1 列，字符「}」处"},
		{"full-width comma", `{"year": 2028，` + src + `}`, []string{ProblemSyntax}, "第 1 行第 14 列，字符「，」处"},
		{"Chinese quotes", "{\"year\": 2028,\n \"source\": “通知”}", []string{ProblemSyntax}, "第 2 行第 12 列，字符「“」处"},
		{"not an object", `["2028-01-01"]`, []string{ProblemSyntax}, "JSON 对象"},
		{"two objects", `{"year": 2028, ` + src + `, "days_off": ["2028-01-01"], ` + mk + `} {}`,
			[]string{ProblemSyntax}, "第 1 行第 105 列）之后还有多余内容"},
		{"unknown field (typo)", `{"year": 2028, ` + src + `, "days_off": ["2028-01-01"], "make_up_workday": []}`,
			[]string{ProblemUnknownField, ProblemMissingField}, "make_up_workday"},
		{"duplicate field", `{"year": 2028, ` + src + `, "days_off": ["2028-01-01"], "days_off": ["2028-05-01"], ` + mk + `}`,
			[]string{ProblemDuplicateField}, "出现了两次"},
		{"missing year", `{` + src + `, "days_off": ["2028-01-01"], ` + mk + `}`,
			[]string{ProblemMissingField}, "缺少字段 year"},
		{"missing source", `{"year": 2028, "days_off": ["2028-01-01"], ` + mk + `}`,
			[]string{ProblemMissingField}, "缺少字段 source"},
		{"missing days_off", `{"year": 2028, ` + src + `, ` + mk + `}`,
			[]string{ProblemMissingField}, "缺少字段 days_off"},
		{"missing make_up_workdays", `{"year": 2028, ` + src + `, "days_off": ["2028-01-01"]}`,
			[]string{ProblemMissingField}, "没有调休请写 []"},
		{"year as string", `{"year": "2028", ` + src + `, "days_off": ["2028-01-01"], ` + mk + `}`,
			[]string{ProblemFieldType}, "整数年份"},
		{"year fractional", `{"year": 2028.5, ` + src + `, "days_off": ["2028-01-01"], ` + mk + `}`,
			[]string{ProblemFieldType}, "整数年份"},
		{"year null", `{"year": null, ` + src + `, "days_off": ["2028-01-01"], ` + mk + `}`,
			[]string{ProblemFieldType}, "不能为 null"},
		{"year implausible", `{"year": 2208, ` + src + `, "days_off": ["2208-01-01"], ` + mk + `}`,
			[]string{ProblemYear}, "year=2208"},
		{"year zero", `{"year": 0, ` + src + `, "days_off": ["2028-01-01"], ` + mk + `}`,
			[]string{ProblemYear}, "year=0"},
		{"source blank", `{"year": 2028, "source": "  ", "days_off": ["2028-01-01"], ` + mk + `}`,
			[]string{ProblemSource}, "source 不能为空"},
		{"source not a string", `{"year": 2028, "source": 1, "days_off": ["2028-01-01"], ` + mk + `}`,
			[]string{ProblemFieldType}, "source 应为字符串"},
		{"source too long", `{"year": 2028, "source": "` + strings.Repeat("通", 301) + `", "days_off": ["2028-01-01"], ` + mk + `}`,
			[]string{ProblemSource}, "过长"},
		{"days_off not an array", `{"year": 2028, ` + src + `, "days_off": "2028-01-01", ` + mk + `}`,
			[]string{ProblemFieldType}, "days_off 应为日期字符串的数组"},
		{"days_off with a number", `{"year": 2028, ` + src + `, "days_off": [20280101], ` + mk + `}`,
			[]string{ProblemFieldType}, "days_off 应为日期字符串的数组"},
		{"days_off null", `{"year": 2028, ` + src + `, "days_off": null, ` + mk + `}`,
			[]string{ProblemFieldType}, "days_off 不能为 null"},
		{"days_off empty", `{"year": 2028, ` + src + `, "days_off": [], ` + mk + `}`,
			[]string{ProblemNoDaysOff}, "days_off）为空"},
		{"date without zero padding", `{"year": 2028, ` + src + `, "days_off": ["2028-1-1"], ` + mk + `}`,
			[]string{ProblemDateFormat}, "第 1 项“2028-1-1”不是有效日期"},
		{"no such date", `{"year": 2028, ` + src + `, "days_off": ["2028-01-01", "2028-02-30"], ` + mk + `}`,
			[]string{ProblemDateFormat}, "第 2 项“2028-02-30”"},
		{"Chinese range separator", `{"year": 2028, ` + src + `, "days_off": ["2028-01-28～2028-02-03"], ` + mk + `}`,
			[]string{ProblemDateFormat}, "起始/结束"},
		{"range with bad end", `{"year": 2028, ` + src + `, "days_off": ["2028-01-28/02-03"], ` + mk + `}`,
			[]string{ProblemDateFormat}, "不是有效的日期区间"},
		{"range reversed", `{"year": 2028, ` + src + `, "days_off": ["2028-02-03/2028-01-28"], ` + mk + `}`,
			[]string{ProblemRangeOrder}, "结束日期早于起始日期"},
		{"range too long", `{"year": 2028, ` + src + `, "days_off": ["2028-10-01/2028-12-07"], ` + mk + `}`,
			[]string{ProblemRangeTooLong}, "跨 68 天"},
		{"day off in another year", `{"year": 2028, ` + src + `, "days_off": ["2027-12-31", "2028-01-01"], ` + mk + `}`,
			[]string{ProblemOutsideYear}, "“2027-12-31”不在 2028 年内"},
		{"range crossing the year end", `{"year": 2028, ` + src + `, "days_off": ["2028-12-31/2029-01-01"], ` + mk + `}`,
			[]string{ProblemOutsideYear}, "中的 2029-01-01 不在 2028 年内"},
		{"make-up day in another year", `{"year": 2028, ` + src + `, "days_off": ["2028-01-01"], "make_up_workdays": ["2029-01-06"]}`,
			[]string{ProblemOutsideYear}, "调休上班日（make_up_workdays）第 1 项"},
		{"duplicate day off", `{"year": 2028, ` + src + `, "days_off": ["2028-01-01/2028-01-03", "2028-01-03"], ` + mk + `}`,
			[]string{ProblemDuplicateDate}, "第 2 项“2028-01-03”重复：已在放假日（days_off）第 1 项“2028-01-01/2028-01-03”中列出"},
		{"overlapping ranges", `{"year": 2028, ` + src + `, "days_off": ["2028-01-25/2028-02-02", "2028-02-01/2028-02-03"], ` + mk + `}`,
			[]string{ProblemDuplicateDate, ProblemDuplicateDate}, "中的 2028-02-01 重复"},
		{"duplicate make-up day", `{"year": 2028, ` + src + `, "days_off": ["2028-01-01"], "make_up_workdays": ["2028-01-23", "2028-01-23"]}`,
			[]string{ProblemDuplicateDate}, "重复"},
		{"make-up day not a weekend", `{"year": 2028, ` + src + `, "days_off": ["2028-01-01"], "make_up_workdays": ["2028-01-05"]}`,
			[]string{ProblemMakeUpNotWeekend}, "2028-01-05”是星期三，不是周末"},
		{"make-up range with weekdays", `{"year": 2028, ` + src + `, "days_off": ["2028-01-01"], "make_up_workdays": ["2028-01-22/2028-01-24"]}`,
			[]string{ProblemMakeUpNotWeekend}, "中的 2028-01-24 是星期一"},
		{"weekend both day off and make-up", `{"year": 2028, ` + src + `, "days_off": ["2028-01-22/2028-01-23"], "make_up_workdays": ["2028-01-23"]}`,
			[]string{ProblemBothLists}, "同时列为放假日和调休上班日"},
		{"several problems at once", `{"year": 2028, "source": "", "days_off": ["2028-13-01", "2027-05-01"], "make_up_workdays": ["2028-01-05"]}`,
			[]string{ProblemSource, ProblemDateFormat, ProblemOutsideYear, ProblemMakeUpNotWeekend}, "有 4 处错误"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			y, err := ParseYearFile(strings.NewReader(tc.file))
			if err == nil {
				t.Fatalf("accepted: %s", y.Summary())
			}
			var ce *Error
			if !errors.As(err, &ce) || ce.Code != CodeInvalid || !errors.Is(err, ErrInvalid) {
				t.Fatalf("error = %#v, want *Error INVALID", err)
			}
			var kinds []string
			for _, p := range ce.Problems {
				kinds = append(kinds, p.Kind)
				if !strings.ContainsFunc(p.Message, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
					t.Errorf("problem message not in Chinese: %q", p.Message)
				}
			}
			if !slices.Equal(kinds, tc.kinds) {
				t.Errorf("problem kinds = %v, want %v\n%s", kinds, tc.kinds, ce.Message)
			}
			if !strings.Contains(ce.Message, tc.text) {
				t.Errorf("message lacks %q:\n%s", tc.text, ce.Message)
			}
			if !strings.Contains(ce.Message, "未载入") {
				t.Errorf("message should say the file was not loaded:\n%s", ce.Message)
			}
		})
	}
}

func TestParseYearFileTooLarge(t *testing.T) {
	big := `{"year": 2028, "source": "` + strings.Repeat("x", maxFileSize) + `"}`
	_, err := ParseYearFile(strings.NewReader(big))
	var ce *Error
	if !errors.As(err, &ce) || len(ce.Problems) != 1 || ce.Problems[0].Kind != ProblemTooLarge {
		t.Fatalf("error = %v, want TOO_LARGE", err)
	}
}

func TestParseYearFileNotUTF8(t *testing.T) {
	// "国务院" in GBK is B9 FA CE F1 D4 BA: not valid UTF-8.
	gbk := "{\"year\": 2028, \"source\": \"\xb9\xfa\xce\xf1\xd4\xba\", \"days_off\": [\"2028-01-01\"], \"make_up_workdays\": []}"
	_, err := ParseYearFile(strings.NewReader(gbk))
	var ce *Error
	if !errors.As(err, &ce) || len(ce.Problems) != 1 || ce.Problems[0].Kind != ProblemEncoding ||
		!strings.Contains(ce.Message, "UTF-8") {
		t.Fatalf("error = %v, want ENCODING", err)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestParseYearFileReadError(t *testing.T) {
	_, err := ParseYearFile(failingReader{})
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "读取工作日历文件失败") {
		t.Fatalf("error = %v", err)
	}
}

// TestParseYearFileAccepts: the accepted forms — ranges, a byte-order mark, no make-up days,
// days off on weekends, make-up days on Saturday and Sunday.
func TestParseYearFileAccepts(t *testing.T) {
	file := "\xef\xbb\xbf" + `{
	  "year": 2028,
	  "source": "  国务院办公厅关于2028年部分节假日安排的通知（测试）  ",
	  "days_off": ["2028-01-01/2028-01-03", "2028-01-28/2028-02-03"],
	  "make_up_workdays": []
	}`
	y, err := ParseYearFile(strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if y.Year() != 2028 || y.Source() != "国务院办公厅关于2028年部分节假日安排的通知（测试）" {
		t.Errorf("Year/Source = %d %q", y.Year(), y.Source())
	}
	if n := len(y.DaysOff()); n != 10 || len(y.MakeUpWorkdays()) != 0 {
		t.Errorf("days off = %d (want 10), make-up = %d", n, len(y.MakeUpWorkdays()))
	}
	sample := loadSample2028(t)
	if got := formatDays(sample.MakeUpWorkdays()); !slices.Equal(got,
		[]string{"2028-01-23", "2028-02-05", "2028-04-01", "2028-05-06", "2028-09-30", "2028-10-14"}) {
		t.Errorf("sample make-up days = %v", got)
	}
}

// TestYearJSONRoundTrip: MarshalJSON writes the file format and ParseYearFile reads it back to
// the same Year — the form in which an override can be persisted.
func TestYearJSONRoundTrip(t *testing.T) {
	c := New()
	years := []*Year{loadSample2028(t)}
	for _, y := range c.Years() {
		yr, _ := c.Year(y)
		years = append(years, yr)
	}
	for _, y := range years {
		b, err := y.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseYearFile(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%d: %v\n%s", y.Year(), err, b)
		}
		if back.Year() != y.Year() || back.Source() != y.Source() ||
			!slices.EqualFunc(back.DaysOff(), y.DaysOff(), time.Time.Equal) ||
			!slices.EqualFunc(back.MakeUpWorkdays(), y.MakeUpWorkdays(), time.Time.Equal) {
			t.Errorf("%d: round trip changed the year:\n%s", y.Year(), b)
		}
	}
	y, _ := c.Year(2026)
	b, _ := y.MarshalJSON()
	want := `{"year":2026,"source":"lunar-go","days_off":["2026-01-01/2026-01-03","2026-02-15/2026-02-23",` +
		`"2026-04-04/2026-04-06","2026-05-01/2026-05-05","2026-06-19/2026-06-21","2026-09-25/2026-09-27",` +
		`"2026-10-01/2026-10-07"],"make_up_workdays":["2026-01-04","2026-02-14","2026-02-28","2026-05-09",` +
		`"2026-09-20","2026-10-10"]}`
	if string(b) != want {
		t.Errorf("MarshalJSON(2026) =\n%s\nwant\n%s", b, want)
	}
}

func TestNewYear(t *testing.T) {
	// Times in other zones are mapped to their China date: 2027-12-31T16:00Z is 2028-01-01.
	y, err := NewYear(2028, "测试", []time.Time{time.Date(2027, 12, 31, 16, 0, 0, 0, time.UTC), Date(2028, 1, 2)},
		[]time.Time{Date(2028, 1, 23)})
	if err != nil {
		t.Fatal(err)
	}
	if got := formatDays(y.DaysOff()); !slices.Equal(got, []string{"2028-01-01", "2028-01-02"}) {
		t.Errorf("DaysOff = %v", got)
	}
	_, err = NewYear(1999, " ", nil, []time.Time{Date(1999, 1, 4)})
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("error = %v", err)
	}
	var kinds []string
	for _, p := range ce.Problems {
		kinds = append(kinds, p.Kind)
	}
	if want := []string{ProblemYear, ProblemSource, ProblemNoDaysOff, ProblemMakeUpNotWeekend}; !slices.Equal(kinds, want) {
		t.Errorf("kinds = %v, want %v\n%s", kinds, want, ce.Message)
	}
}
