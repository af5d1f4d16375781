// Package importer reads bulk-import files of the two libraries and the item list — XLSX or CSV
// (UTF-8 with or without BOM, GBK or GB18030) with Chinese headers as offices write them — and
// validates every row. It streams: a file of a million rows is read one row at a time, and only
// the business keys seen so far are kept (to report duplicates within the file).
//
// It stops short of the database: the caller takes the validated records (TargetRecord,
// InspectorRecord, ItemRecord, named after the ent fields) and their Digest, and decides what to
// write. Because a department must never end up with a half-imported file (domain.md §2.2), the
// usual flow is to Check the whole file first and write only when the report has no error.
//
// The header synonyms, value forms and rejection reasons are documented in README.md (Chinese).
package importer

import (
	"fmt"
	"github.com/ssgk/ssgk/internal/clock"
	"time"

	"github.com/ssgk/ssgk/internal/codes/division"
)

// Kind is what a file holds.
type Kind string

// The kinds of import file.
const (
	KindTargets    Kind = "targets"    // 检查对象名录
	KindInspectors Kind = "inspectors" // 执法检查人员名录
	KindItems      Kind = "items"      // 抽查事项清单
)

// Kinds lists every kind, in documentation order.
func Kinds() []Kind { return []Kind{KindTargets, KindInspectors, KindItems} }

// Title is the Chinese name of the kind, for messages and sheet names.
func (k Kind) Title() string {
	switch k {
	case KindTargets:
		return "检查对象名录"
	case KindInspectors:
		return "执法检查人员名录"
	case KindItems:
		return "抽查事项清单"
	}
	return string(k)
}

// ParseKind accepts "targets", "inspectors" or "items".
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds() {
		if string(k) == s {
			return k, nil
		}
	}
	return "", fmt.Errorf("未知的导入类型“%s”：应为 targets、inspectors 或 items", s)
}

// Options tune a Reader. The zero value is ready to use.
type Options struct {
	// Now is "today" for date checks (registration date not in the future, certificate expiry).
	// Zero means time.Now().
	Now time.Time
	// GeneralRatioMax, if positive, is the largest upper bound of the ratio a general item
	// (一般检查事项) may have, e.g. 0.10 — a local rule (domain.md §2.1, configurable). Zero
	// only requires that an upper bound exists.
	GeneralRatioMax float64
	// TempDir holds the temporary copy of an XLSX file (a ZIP needs random access). Empty means
	// the system default.
	TempDir string
	// HeaderScanRows is how many rows at the top may precede the header (titles, blank rows).
	// Zero means 10.
	HeaderScanRows int

	// Departments is the code table of departments, through which a department column
	// (inspectors' 所属部门) is read: by code, full name or short name.
	Departments []Department
	// Department is the code of the importing department. An inspector whose row names another
	// department is rejected, unless AllDepartments.
	Department string
	// AllDepartments lets rows name any department of the table (the joint-meeting office
	// imports the register of every department).
	AllDepartments bool
	// Divisions are named divisions (townships, counties) in addition to the built-in table of
	// internal/codes/division, through which a division column written as a name is read.
	Divisions []division.Entry
}

// Department is one department of the code table, for a department column.
type Department struct{ Code, Name, ShortName string }

func (o Options) today() time.Time {
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	now = now.In(clock.CST)
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, clock.CST)
}
