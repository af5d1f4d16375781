// Package division is the code table that maps the administrative divisions a register names
// — a county and its townships and sub-districts (乡镇、街道) — to the county's division code
// (GB/T 2260, six digits), the level at which the hub keeps a target's division. A register's
// "所属区域" column holds "磁窑镇" or "文庙街道" as often as a code.
//
// The built-in table holds the counties the hub has been set up for; an operator adds others
// with the setting library.ImportDivisionsKey (a list of {code, name} entries). The package has
// no dependencies, so that the importer can use it without the database.
package division

import (
	"strings"
	"unicode"
)

// Entry is one named division and the six-digit county code it belongs to.
type Entry struct {
	Code string `json:"code"` // GB/T 2260 code of the county (or the county-level city or district)
	Name string `json:"name"` // the county itself, or one of its townships or sub-districts
}

// Builtin is the table for 宁阳县 (370921): the county and its 2 sub-districts, 10 towns and
// 1 township.
var Builtin = []Entry{
	{"370921", "宁阳县"}, {"370921", "泰安市宁阳县"}, {"370921", "山东省泰安市宁阳县"},
	{"370921", "文庙街道"}, {"370921", "八仙桥街道"},
	{"370921", "磁窑镇"}, {"370921", "华丰镇"}, {"370921", "伏山镇"}, {"370921", "堽城镇"}, {"370921", "蒋集镇"},
	{"370921", "东疏镇"}, {"370921", "葛石镇"}, {"370921", "泗店镇"}, {"370921", "东庄镇"}, {"370921", "鹤山镇"},
	{"370921", "乡饮乡"},
}

// Table looks names up.
type Table struct {
	byName  map[string]string
	county  map[string]string // county code → its shortest name, for messages
	samples []string
}

// NewTable builds a table from entries (Builtin plus the operator's).
func NewTable(entries ...[]Entry) *Table {
	t := &Table{byName: map[string]string{}, county: map[string]string{}}
	for _, list := range entries {
		for _, e := range list {
			n := Fold(e.Name)
			if n == "" {
				continue
			}
			t.byName[n] = e.Code
			if c, ok := t.county[e.Code]; !ok || len(e.Name) < len(c) {
				t.county[e.Code] = e.Name
			}
			if isTown(e.Name) && len(t.samples) < 3 {
				t.samples = append(t.samples, e.Name)
			}
		}
	}
	return t
}

// Lookup returns the county code of a division written by name: the county ("宁阳县"), a
// township or sub-district ("磁窑镇"), or one of them after the county's name
// ("宁阳县磁窑镇", "山东省泰安市宁阳县文庙街道").
func (t *Table) Lookup(name string) (string, bool) {
	n := Fold(name)
	if code, ok := t.byName[n]; ok {
		return code, true
	}
	// A township after its county's name: the longest county name that prefixes it.
	best, code := 0, ""
	for prefix, c := range t.byName {
		if len(prefix) > best && strings.HasPrefix(n, prefix) && len(prefix) < len(n) {
			if c2, ok := t.byName[n[len(prefix):]]; ok && c2 == c {
				best, code = len(prefix), c
			}
		}
	}
	return code, code != ""
}

// Examples are a few township names of the table, for messages.
func (t *Table) Examples() []string { return append([]string(nil), t.samples...) }

func isTown(name string) bool {
	return strings.HasSuffix(name, "镇") || strings.HasSuffix(name, "乡") || strings.HasSuffix(name, "街道")
}

// Fold drops white space and folds full-width forms.
func Fold(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 0xFF01 && r <= 0xFF5E {
			r = r - 0xFF01 + '!'
		}
		if unicode.IsSpace(r) || r == '\u3000' {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
