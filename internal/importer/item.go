package importer

import (
	"fmt"
	"strings"

	"github.com/ssgk/ssgk/internal/fieldlimit"
)

// ItemRecord is one validated row of an item list (抽查事项清单), named after the fields of ent's
// InspectionItem; Methods are the codes of the InspectionMethod code table (ON_SITE, …).
type ItemRecord struct {
	Code                   string
	Name                   string
	Category               string // KEY or GENERAL
	LegalBasis             string
	ResponsibleBody        string
	TargetType             string
	Content                string
	Methods                []string
	RatioMin               *float64 // fraction 0–1
	RatioMax               *float64 // fraction 0–1; required for GENERAL items
	Frequency              string
	InspectorRequirements  string
	RequiredQualifications []string
}

// Item categories (ent inspectionitem.Category values).
var itemCategories = []enumLabel{{"KEY", "重点检查事项"}, {"GENERAL", "一般检查事项"}}

// Inspection methods (codes of internal/codes.Methods) with the label the exporter writes.
var methodLabels = []enumLabel{
	{"ON_SITE", "实地核查"}, {"WRITTEN", "书面检查"}, {"ONLINE", "网络监测"},
	{"TESTING", "检验检测"}, {"ADOPTED", "采信其他结论"},
}

func parseCategory(s string) string {
	u := strings.ToUpper(compact(foldASCII(s)))
	switch {
	case isEnum(itemCategories, u):
		return u
	case strings.Contains(u, "重点"):
		return "KEY"
	case strings.Contains(u, "一般"):
		return "GENERAL"
	}
	return ""
}

// parseMethod maps one method as lists write it to its code.
func parseMethod(s string) string {
	u := strings.ToUpper(compact(foldASCII(s)))
	if isEnum(methodLabels, u) {
		return u
	}
	switch {
	case strings.Contains(u, "实地"), strings.Contains(u, "现场"):
		return "ON_SITE"
	case strings.Contains(u, "书面"):
		return "WRITTEN"
	case strings.Contains(u, "网络"), strings.Contains(u, "网上"), strings.Contains(u, "在线"):
		return "ONLINE"
	case strings.Contains(u, "检验"), strings.Contains(u, "检测"), strings.Contains(u, "抽检"), strings.Contains(u, "抽样"):
		return "TESTING"
	case strings.Contains(u, "采信"), strings.Contains(u, "专业机构"), strings.Contains(u, "司法机关"),
		strings.Contains(u, "法律文书"), strings.Contains(u, "检查结论"):
		return "ADOPTED"
	}
	return ""
}

func (c *rowCtx) item() *ItemRecord {
	rec := &ItemRecord{Methods: []string{}, RequiredQualifications: []string{}}
	if v := c.maxLen(iCode, compact(foldASCII(c.required(iCode))), fieldlimit.ItemCode); v != "" {
		rec.Code = v
		c.unique(iCode, "code", "事项编码", v, v)
	}
	rec.Name = c.required(iName)
	if v := c.required(iCategory); v != "" {
		if rec.Category = parseCategory(v); rec.Category == "" {
			c.fail(iCategory, v, "事项类别无法识别：应为重点检查事项或一般检查事项")
		}
	}
	rec.LegalBasis = c.required(iLegalBasis)
	rec.ResponsibleBody = c.required(iResponsibleBody)
	rec.TargetType = c.required(iTargetType)
	rec.Content = c.required(iContent)

	if v := c.required(iMethods); v != "" {
		var unknown []string
		for _, m := range splitList(v, methodSeps) {
			code := parseMethod(m)
			switch {
			case code == "":
				unknown = append(unknown, m)
			case !contains(rec.Methods, code):
				rec.Methods = append(rec.Methods, code)
			}
		}
		if len(unknown) > 0 {
			c.fail(iMethods, v, fmt.Sprintf("检查方式%s无法识别：应为实地核查、书面检查、网络监测、检验检测或采信其他结论（委托专业机构）",
				quoteJoin(unknown, "、")))
		}
	}

	if v := c.text(iRatio); v != "" {
		lo, hi, reason := parseRatio(v)
		if reason != "" {
			c.fail(iRatio, v, reason)
		}
		rec.RatioMin, rec.RatioMax = lo, hi
		if reason == "" && rec.Category == "GENERAL" {
			limit := c.r.opts.GeneralRatioMax
			switch {
			case hi == nil:
				c.fail(iRatio, v, "一般检查事项的抽查比例必须有上限（如“不高于10%”或“5%-10%”）")
			case limit > 0 && *hi > limit:
				c.fail(iRatio, v, fmt.Sprintf("一般检查事项的抽查比例上限不得高于 %s", formatPercent(limit)))
			}
		}
	} else if rec.Category == "GENERAL" {
		c.fail(iRatio, "", "一般检查事项的抽查比例必须有上限（如“不高于10%”或“5%-10%”）")
	}

	rec.Frequency = c.required(iFrequency)
	rec.InspectorRequirements = c.text(iInspectorRequirements)
	rec.RequiredQualifications = splitList(c.text(iRequiredQualifications), qualSeps)
	return rec
}

// ItemCells formats a record in the column order of Columns(KindItems).
func ItemCells(it *ItemRecord) []string {
	methods := make([]string, len(it.Methods))
	for i, m := range it.Methods {
		methods[i] = labelOf(methodLabels, m)
	}
	return []string{
		it.Code, it.Name, labelOf(itemCategories, it.Category), it.LegalBasis, it.ResponsibleBody,
		it.TargetType, it.Content, strings.Join(methods, "、"), formatRatio(it.RatioMin, it.RatioMax),
		it.Frequency, it.InspectorRequirements, strings.Join(it.RequiredQualifications, listJoin),
	}
}
