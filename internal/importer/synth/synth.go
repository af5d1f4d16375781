// Package synth generates realistic import rows for tests, benchmarks and the generator command
// (tools/officegen): targets of 宁阳县 (division 370921) with valid, unique unified social
// credit codes, inspectors with valid identity numbers, and inspection items. Rows come one at a
// time, so a million-row file is written without holding it; uniqueness comes from bijections of
// the row counter, not from a set of codes seen.
package synth

import (
	"fmt"
	"github.com/ssgk/ssgk/internal/clock"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/ssgk/ssgk/internal/importer"
	"github.com/ssgk/ssgk/internal/uscc"
)

// DivisionCode is the division of every generated target (宁阳县).
const DivisionCode = "370921"

// Defects that -invalid-every injects, in turn.
const (
	DefectCheckDigit  = "统一社会信用代码校验位错误"
	DefectDate        = "成立日期不存在"
	DefectCreditClass = "信用风险分类无效"
	DefectDuplicate   = "统一社会信用代码重复"
	DefectMissingName = "企业名称为空"
	DefectDivision    = "行政区划代码无效"
)

var defects = []string{DefectCheckDigit, DefectDate, DefectCreditClass, DefectDuplicate, DefectMissingName, DefectDivision}

type industry struct {
	code, word, shop, coop string
	licence                string
}

var industries = []industry{
	{"0141", "蔬菜", "", "蔬菜种植", ""},
	{"0313", "牧业", "", "生猪养殖", ""},
	{"1312", "面粉", "", "", "食品生产许可证"},
	{"1391", "淀粉", "", "", "食品生产许可证"},
	{"1392", "豆制品", "豆腐坊", "", "食品生产许可证"},
	{"1411", "食品", "糕点坊", "", "食品生产许可证"},
	{"2614", "化工", "", "", "安全生产许可证"},
	{"3011", "水泥", "", "", "排污许可证"},
	{"3484", "机械", "机械加工部", "", ""},
	{"4710", "建筑工程", "", "", "建筑业企业资质证书"},
	{"5126", "商贸", "副食店", "", "食品经营许可证"},
	{"5221", "超市", "便利店", "", "食品经营许可证"},
	{"5251", "五金", "五金店", "", ""},
	{"5265", "通讯器材", "手机店", "", ""},
	{"6110", "酒店", "旅馆", "", "特种行业许可证"},
	{"6210", "餐饮", "饭店", "", "食品经营许可证"},
	{"7010", "置业", "", "", "房地产开发企业资质证书"},
	{"8011", "家政服务", "家政服务部", "", ""},
	{"8051", "理发", "理发店", "", ""},
}

var (
	surnames   = []rune("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文")
	givenChars = []rune("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉梅凤林海波鑫宇浩然子涵欣怡晨阳思远博文")
	tradeChars = []rune("宏盛鑫源泰丰华瑞兴隆恒达昌顺利嘉祥和润鼎诚信安康永德福运金汇通凯宁阳")
	towns      = []string{"文庙街道", "八仙桥街道", "堽城镇", "蒋集镇", "磁窑镇", "华丰镇", "伏山镇", "乡饮乡", "东庄镇", "泗店镇", "葛石镇", "东疏镇", "鹤山镇"}
	roads      = []string{"宁阳大街", "文化路", "八仙桥路", "金阳路", "复圣路", "七贤路", "西关街", "东关街"}
	tagsPool   = []string{"规模以上", "高新技术企业", "网络经营", "重点监管对象", "小微企业", "食品安全重点"}
	prefixes   = []string{"135", "136", "137", "138", "139", "150", "151", "152", "158", "159", "182", "187", "188", "155", "156", "186", "133", "153", "177", "180", "189"}
)

// Targets generates target rows in the column order of importer.Columns(importer.KindTargets).
type Targets struct {
	r            *rand.Rand
	i            int
	base         int // added to i for codes, so that different seeds give different codes
	invalidEvery int
	defect       int
	prevUSCC     string
}

// NewTargets starts a deterministic generator. Every invalidEvery-th row (0: none) carries one
// defect, cycling through the defects above.
func NewTargets(seed uint64, invalidEvery int) *Targets {
	return &Targets{r: rand.New(rand.NewPCG(seed, 0x73796e7468)), invalidEvery: invalidEvery, base: int(seed%97) * 1000000}
}

// Next returns the cells of the next row and, for a defective row, which defect it has.
func (g *Targets) Next() (cells []string, defect string) {
	g.i++
	rec := g.record()
	cells = importer.TargetCells(rec)
	if g.invalidEvery > 0 && g.i%g.invalidEvery == 0 && g.prevUSCC != "" {
		defect = defects[g.defect%len(defects)]
		g.defect++
		switch defect {
		case DefectCheckDigit:
			cells[0] = cells[0][:17] + wrongCheck(cells[0])
		case DefectDate:
			cells[10] = "2019-02-30"
		case DefectCreditClass:
			cells[12] = "E"
		case DefectDuplicate:
			cells[0] = g.prevUSCC
		case DefectMissingName:
			cells[3] = ""
		case DefectDivision:
			cells[8] = "990921"
		}
		return cells, defect
	}
	if rec.USCC != nil {
		g.prevUSCC = *rec.USCC
	}
	return cells, ""
}

// wrongCheck returns a check character that is not the right one.
func wrongCheck(code string) string {
	cs := uscc.Charset()
	right := strings.IndexByte(cs, uscc.CheckChar(code[:17]))
	return string(cs[(right+1)%len(cs)])
}

func (g *Targets) record() *importer.TargetRecord {
	r := g.r
	rec := &importer.TargetRecord{Licences: []string{}, Tags: []string{}, DivisionCode: DivisionCode}
	var typ byte
	switch u := r.Float64(); {
	case u < 0.62:
		rec.Kind, typ = "ENTERPRISE", '1'
	case u < 0.95:
		rec.Kind, typ = "INDIVIDUAL", '2'
	default:
		rec.Kind, typ = "COOPERATIVE", '3'
	}
	ind := industries[r.IntN(len(industries))]
	for (rec.Kind == "INDIVIDUAL" && ind.shop == "") || (rec.Kind == "COOPERATIVE" && ind.coop == "") {
		ind = industries[r.IntN(len(industries))]
	}
	year := 1998 + r.IntN(28)
	reg := time.Date(year, time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, clock.CST)
	rec.RegisteredOn = &reg
	code := USCC(g.base+g.i, typ, year < 2016)
	rec.USCC = &code
	if year < 2014 && rec.Kind == "ENTERPRISE" && r.IntN(4) == 0 {
		no := RegNo(g.base+g.i, '0')
		rec.RegNo = &no
	}
	trade := string(tradeChars[r.IntN(len(tradeChars))]) + string(tradeChars[r.IntN(len(tradeChars))])
	town := towns[r.IntN(len(towns))]
	switch rec.Kind {
	case "ENTERPRISE":
		rec.Name = fmt.Sprintf("宁阳县%s%s有限公司", trade, ind.word)
	case "INDIVIDUAL":
		place := []rune(town)
		rec.Name = fmt.Sprintf("宁阳县%s%s%s", string(place[:len(place)-1]), trade, ind.shop)
	default:
		rec.Name = fmt.Sprintf("宁阳县%s%s专业合作社", trade, ind.coop)
	}
	rec.LegalRepresentative = g.person()
	rec.LegalRepPhone = g.mobile()
	rec.Address = fmt.Sprintf("山东省泰安市宁阳县%s%s%d号", town, roads[r.IntN(len(roads))], 1+r.IntN(300))
	rec.IndustryCode = ind.code
	switch u := r.Float64(); {
	case u < 0.90:
		rec.Status = "EXISTING"
	case u < 0.96:
		rec.Status = "CANCELLED"
	case u < 0.99:
		rec.Status = "REVOKED"
	default:
		rec.Status = "MOVED_OUT"
	}
	switch u := r.Float64(); {
	case u < 0.30:
		rec.CreditRiskClass = "A"
	case u < 0.85:
		rec.CreditRiskClass = "B"
	case u < 0.97:
		rec.CreditRiskClass = "C"
	default:
		rec.CreditRiskClass = "D"
	}
	rec.AbnormalList = r.IntN(30) == 0
	if ind.licence != "" {
		rec.Licences = append(rec.Licences, fmt.Sprintf("%s：%s%s%06d", ind.licence, "鲁", DivisionCode, (g.base+g.i)%1000000))
	}
	if r.IntN(3) == 0 {
		rec.Tags = append(rec.Tags, tagsPool[r.IntN(len(tagsPool))])
	}
	if r.IntN(2) == 0 {
		rec.ContactPerson = g.person()
		rec.ContactPhone = g.mobile()
	}
	return rec
}

func (g *Targets) person() string {
	n := string(surnames[g.r.IntN(len(surnames))]) + string(givenChars[g.r.IntN(len(givenChars))])
	if g.r.IntN(3) > 0 {
		n += string(givenChars[g.r.IntN(len(givenChars))])
	}
	return n
}

func (g *Targets) mobile() string {
	return fmt.Sprintf("%s%08d", prefixes[g.r.IntN(len(prefixes))], g.r.IntN(100000000))
}

// USCC returns the i-th generated unified social credit code of division 370921: registering
// authority 9 (market regulation), type typ ('1' enterprise, '2' individual, '3' cooperative),
// then either an old organisation code (GB 11714, for entities registered before the 2015
// reform) or an "MA…" code, and the GB 32100 check character. Both bodies are bijections of i
// (a multiplier coprime with the modulus), so codes are unique for i below 10^8.
func USCC(i int, typ byte, oldOrgCode bool) string {
	var org string
	if oldOrgCode {
		body := fmt.Sprintf("%08d", (uint64(i)*7654321+1)%100000000)
		org = body + string(uscc.OrgCodeCheckChar(body))
	} else {
		cs := uscc.Charset()
		n := (uint64(i)*1000003 + 12345) % 27512614111 // 31^7
		b := make([]byte, 7)
		for k := 6; k >= 0; k-- {
			b[k] = cs[n%31]
			n /= 31
		}
		org = "MA" + string(b)
	}
	first := "9" + string(typ) + DivisionCode + org
	return first + string(uscc.CheckChar(first))
}

// RegNo returns the i-th legacy 15-digit registration number of division 370921 with its
// GB/T 17710 (ISO 7064 MOD 11,10) check digit.
func RegNo(i int, typ byte) string {
	body := DivisionCode + string(typ) + fmt.Sprintf("%07d", i%10000000)
	return body + string(uscc.RegNoCheckDigit(body))
}

// IDNumber returns a valid citizen identity number (GB 11643) registered in 370921, born on
// birth, with sequence seq (0–999).
func IDNumber(birth time.Time, seq int) string {
	first := DivisionCode + birth.Format("20060102") + fmt.Sprintf("%03d", seq%1000)
	return first + string(uscc.IDCheckChar(first))
}

// Inspectors generates inspector rows in the column order of importer.Columns(importer.KindInspectors).
type Inspectors struct {
	t *Targets
	i int
}

// NewInspectors starts a deterministic generator.
func NewInspectors(seed uint64) *Inspectors { return &Inspectors{t: NewTargets(seed, 0)} }

var (
	inspectorKinds = []string{"CIVIL_SERVANT", "QUALIFIED_STAFF", "ROUTINE_STAFF", "ENFORCEMENT_TEAM"}
	qualifications = []string{"市场监管", "食品安全", "特种设备", "产品质量", "价格监督", "知识产权", "广告监管"}
)

// Next returns the next inspector.
func (g *Inspectors) Next() []string {
	g.i++
	r := g.t.r
	birth := time.Date(1965+r.IntN(35), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, clock.CST)
	cert := fmt.Sprintf("37092120%06d", g.i)
	exp := time.Date(2026+r.IntN(5), 12, 31, 0, 0, 0, 0, clock.CST)
	rec := &importer.InspectorRecord{
		Name: g.t.person(), IDNumber: IDNumber(birth, g.i), Phone: g.t.mobile(),
		Kind: inspectorKinds[r.IntN(len(inspectorKinds))], CertificateNo: &cert, CertificateExpiresOn: &exp,
		Qualifications: []string{qualifications[r.IntN(len(qualifications))]},
		Specialties:    []string{}, IsExpert: r.IntN(20) == 0, Active: r.IntN(15) != 0,
	}
	return importer.InspectorCells(rec)
}

// Items generates item rows in the column order of importer.Columns(importer.KindItems).
type Items struct {
	r *rand.Rand
	i int
}

// NewItems starts a deterministic generator.
func NewItems(seed uint64) *Items { return &Items{r: rand.New(rand.NewPCG(seed, 0x6974656d73))} }

var itemSubjects = []string{"食品生产企业", "食品经营者", "特种设备使用单位", "产品生产企业", "广告发布者", "企业公示信息"}

// Next returns the next item.
func (g *Items) Next() []string {
	g.i++
	subject := itemSubjects[g.r.IntN(len(itemSubjects))]
	rec := &importer.ItemRecord{
		Code: fmt.Sprintf("SCJG-%04d", g.i), Name: subject + "监督检查（" + fmt.Sprint(g.i) + "）",
		LegalBasis: "《中华人民共和国食品安全法》第一百一十条", ResponsibleBody: "宁阳县市场监督管理局",
		TargetType: subject, Content: subject + "的许可、生产经营条件及制度落实情况",
		Methods: []string{"ON_SITE"}, Frequency: "每年不少于1次", RequiredQualifications: []string{"市场监管"},
	}
	if g.r.IntN(3) == 0 {
		rec.Category, rec.RatioMin = "KEY", ptr(0.1)
	} else {
		rec.Category, rec.RatioMin, rec.RatioMax = "GENERAL", ptr(0.03), ptr(0.1)
	}
	return importer.ItemCells(rec)
}

func ptr[T any](v T) *T { return &v }
