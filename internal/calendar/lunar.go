package calendar

import (
	"fmt"

	"github.com/6tail/lunar-go/HolidayUtil"
)

// SourceLunarGo is the Source of years whose data comes from github.com/6tail/lunar-go.
const SourceLunarGo = "lunar-go"

// lunarGoYears are the years for which lunar-go's holiday table is used. The list is explicit
// rather than "any year lunar-go has entries for" because HolidayUtil answers nil both for an
// ordinary day of a covered year and for every day of a year it does not cover; an explicit
// list keeps that difference under our control. 2025–2027 are the years lunar-go v1.4.7 ships
// that this hub needs; the tests check that lunar-go has data for each of them, that 2025 and
// 2026 match domain.md §4 day for day, and that lunar-go has nothing after 2027 — so upgrading
// lunar-go to a version with 2028 fails a test until someone checks the new year against the
// notice and extends this list. Earlier years (lunar-go has data back to 2002) are deliberately
// not used: they have not been checked; an operator can load them as overrides if ever needed.
var lunarGoYears = []int{2025, 2026, 2027}

// lunarData is a snapshot of lunar-go's data taken at package initialisation. HolidayUtil keeps
// its table in a package variable that HolidayUtil.Fix rewrites for the whole process, so a
// later Fix call elsewhere must not change our deadlines behind our back.
// lunarErr records years of lunarGoYears whose data could not be used; they count as missing.
var lunarData, lunarErr = loadLunarGo(lunarGoYears)

func loadLunarGo(years []int) (map[int]*Year, map[int]error) {
	data, errs := map[int]*Year{}, map[int]error{}
	for _, y := range years {
		yr, err := lunarGoYear(y)
		if err != nil {
			errs[y] = err
			continue
		}
		data[y] = yr
	}
	return data, errs
}

// lunarGoYear converts lunar-go's entries whose date lies in year y. Each entry is a day off
// (IsWork false) or a make-up working day (IsWork true); its target (the festival it belongs to)
// may lie in another year — e.g. 2023-12-30 is a day off for 2024 元旦 — which is irrelevant
// here: what matters is the date itself. The entries go through the same validation as an
// override file, so inconsistent upstream data is refused rather than used.
func lunarGoYear(y int) (*Year, error) {
	var off, up []entry
	for e := HolidayUtil.GetHolidaysByYear(y).Front(); e != nil; e = e.Next() {
		h := e.Value.(*HolidayUtil.Holiday)
		d, ok := parseDay(h.GetDay())
		if !ok {
			return nil, fmt.Errorf("lunar-go 节假日数据中的日期“%s”无效", h.GetDay())
		}
		if h.IsWork() {
			up = append(up, entry{list: listMakeUp, index: len(up) + 1, text: h.GetDay(), day: d})
		} else {
			off = append(off, entry{list: listDaysOff, index: len(off) + 1, text: h.GetDay(), day: d})
		}
	}
	if len(off)+len(up) == 0 {
		return nil, fmt.Errorf("lunar-go 没有 %d 年的节假日数据", y)
	}
	return build(y, SourceLunarGo, off, len(off), up, nil)
}
