package demo

// The data tables of the demo set: the joint meeting from the seed document (宁政字〔2020〕2号
// and its attachment), the departments' item lists, the sub-libraries, the industries that
// decide which sub-libraries a target belongs to, and the names, towns and roads of 宁阳县.

// Meeting facts from the seed document.
const (
	MeetingName          = "宁阳县“双随机、一公开”监管工作联席会议"
	MeetingBasis         = "宁阳县人民政府关于在市场监管领域全面推行部门联合“双随机、一公开”监管工作的实施意见（宁政字〔2020〕2号）"
	DivisionCode         = "370921"
	OfficeDepartmentCode = "SCJG"
)

// DepartmentName is one member unit of the joint meeting.
type DepartmentName struct {
	Code      string // stable department code
	Name      string // full official name
	ShortName string // short name as stored (≤ 30 bytes, the schema's limit)
	Listed    string // the unit exactly as written in the attachment
}

// departments lists the member units in the order of the attachment's 成员 list; the unit of
// the deputy convener 李远 (县群众利益服务中心) appears only among the conveners and comes last.
// 县信用中心 is not a unit of its own: 钱坤 sits for 县发改局 and also holds a post in the
// credit centre, which belongs to the 发改局.
var departments = []DepartmentName{
	{"FG", "宁阳县发展和改革局", "县发改局", "县发改局"},
	{"JT", "宁阳县教育和体育局", "县教体局", "县教体局"},
	{"KJ", "宁阳县科学技术局", "县科技局", "县科技局"},
	{"GX", "宁阳县工业和信息化局", "县工信局", "县工信局"},
	{"GA", "宁阳县公安局", "县公安局", "县公安局"},
	{"MZ", "宁阳县民政局", "县民政局", "县民政局"},
	{"SF", "宁阳县司法局", "县司法局", "县司法局"},
	{"CZ", "宁阳县财政局", "县财政局", "县财政局"},
	{"RS", "宁阳县人力资源和社会保障局", "县人社局", "县人社局"},
	{"ZRZY", "宁阳县自然资源和规划局", "县自然资源和规划局", "县自然资源和规划局"},
	{"STHJ", "泰安市生态环境局宁阳分局", "市生态环境局宁阳分局", "市生态环境局宁阳分局"},
	{"ZJ", "宁阳县住房和城乡建设局", "县住建局", "县住建局"},
	{"ZHZF", "宁阳县综合行政执法局", "县综合行政执法局", "县综合行政执法局"},
	{"JTYS", "宁阳县交通运输局", "县交通运输局", "县交通运输局"},
	{"SL", "宁阳县水利局", "县水利局", "县水利局"},
	{"NYNC", "宁阳县农业农村局", "县农业农村局", "县农业农村局"},
	{"DZSW", "宁阳县电子商务服务中心", "县电子商务服务中心", "县电子商务服务中心"},
	{"WL", "宁阳县文化和旅游局", "县文旅局", "县文旅局"},
	{"WJ", "宁阳县卫生健康局", "县卫健局", "县卫健局"},
	{"YJ", "宁阳县应急管理局", "县应急管理局", "县应急管理局"},
	{"SJ", "宁阳县审计局", "县审计局", "县审计局"},
	{"SCJG", "宁阳县市场监督管理局", "县市场监管局", "县市场监管局"},
	{"TJ", "宁阳县统计局", "县统计局", "县统计局"},
	{"YB", "宁阳县医疗保障局", "县医疗保障局", "县医疗保障局"},
	{"JR", "宁阳县金融发展服务中心", "县金融发展服务中心", "县金融发展服务中心"},
	{"NY", "宁阳县能源发展服务中心", "县能源发展服务中心", "县能源发展服务中心"},
	{"LY", "宁阳县生态林业发展中心", "县生态林业发展中心", "县生态林业发展中心"},
	{"SW", "国家税务总局宁阳县税务局", "县税务局", "县税务局"},
	{"YC", "宁阳县烟草专卖局", "县烟草专卖局", "县烟草专卖局"},
	{"RMYH", "中国人民银行宁阳县支行", "人民银行宁阳支行", "人民银行宁阳支行"},
	// The listed name has 12 characters (36 bytes); department.short_name allows 30 bytes.
	{"YBJG", "中国银行保险监督管理委员会泰安监管分局宁阳监管组", "泰安银保监分局宁阳监管组", "泰安银保监分局宁阳监管组"},
	{"XF", "宁阳县消防救援大队", "县消防救援大队", "县消防救援大队"},
	{"QZLY", "宁阳县群众利益服务中心", "县群众利益服务中心", "县群众利益服务中心"},
}

// DepartmentNames returns the member units of the joint meeting, in list order.
func DepartmentNames() []DepartmentName {
	return append([]DepartmentName(nil), departments...)
}

// MeetingMemberInfo is one person on the attachment's member list.
type MeetingMemberInfo struct {
	Name           string // without the typesetting space (“董 骞” → “董骞”)
	Role           string // CHIEF_CONVENER, CONVENER, DEPUTY_CONVENER or MEMBER
	Title          string // as written, wrapped lines joined
	DepartmentCode string // "" for a county leader who sits for no unit
	OfficeDirector bool   // 兼任联席会议办公室主任
}

var meetingMembers = []MeetingMemberInfo{
	{"董骞", "CHIEF_CONVENER", "县委常委、副县长", "", false},
	{"朱晓亮", "CONVENER", "副县长、县公安局局长", "GA", false},
	{"李远", "DEPUTY_CONVENER", "县群众利益服务中心副主任", "QZLY", false},
	{"桑晨锋", "DEPUTY_CONVENER", "县市场监管局局长", "SCJG", true},
	{"钱坤", "MEMBER", "县发改局党组成员、县信用中心副主任", "FG", false},
	{"李凤山", "MEMBER", "县教体局党组成员", "JT", false},
	{"张丽", "MEMBER", "县科技局党组成员、二级主任科员", "KJ", false},
	{"刘全", "MEMBER", "县工信局四级主任科员", "GX", false},
	{"史鑫", "MEMBER", "县公安局党委副书记、政委", "GA", false},
	{"褚春雷", "MEMBER", "县民政局副局长", "MZ", false},
	{"赵立勇", "MEMBER", "县司法局四级调研员", "SF", false},
	{"颜剑", "MEMBER", "县财政局党组成员、县政府投融资管理中心主任", "CZ", false},
	{"徐庆华", "MEMBER", "县人社局党组成员、县劳动人事争议仲裁院院长、县人力资源社会保障行政执法大队队长", "RS", false},
	{"王昭烈", "MEMBER", "县自然资源和规划局四级主任科员", "ZRZY", false},
	{"魏亮", "MEMBER", "市生态环境局宁阳分局党组副书记、二级主任科员", "STHJ", false},
	{"杨利", "MEMBER", "县住建局副局长", "ZJ", false},
	{"杜焕新", "MEMBER", "县综合行政执法局党组成员、综合业务服务中心主任", "ZHZF", false},
	{"袁顶平", "MEMBER", "县交通运输局党组成员、县道路运输服务中心党支部书记", "JTYS", false},
	{"牛德民", "MEMBER", "县水利局副局长", "SL", false},
	{"杜景平", "MEMBER", "县农业农村局副局长", "NYNC", false},
	{"张承杰", "MEMBER", "县电子商务服务中心主任", "DZSW", false},
	{"李勇", "MEMBER", "县文旅局副局长", "WL", false},
	{"郑广东", "MEMBER", "县卫健局副局长", "WJ", false},
	{"张健", "MEMBER", "县应急管理局副局长", "YJ", false},
	{"桑逢森", "MEMBER", "县审计局副局长", "SJ", false},
	{"王统岗", "MEMBER", "县市场监管局党组成员", "SCJG", false},
	{"赵红娟", "MEMBER", "县统计局副局长", "TJ", false},
	{"孙翔", "MEMBER", "县医疗保障局副局长", "YB", false},
	{"安宁", "MEMBER", "县金融发展服务中心副主任", "JR", false},
	{"杨玉奎", "MEMBER", "县能源发展服务中心党组成员、二级主任科员", "NY", false},
	{"陈宝柱", "MEMBER", "县生态林业发展中心副主任", "LY", false},
	{"郑元洪", "MEMBER", "县税务局副局长", "SW", false},
	{"江涌", "MEMBER", "县烟草专卖局副局长", "YC", false},
	{"陈树立", "MEMBER", "人民银行宁阳支行副行长", "RMYH", false},
	{"宁方留", "MEMBER", "泰安银保监分局宁阳监管组副主任", "YBJG", false},
	{"陈兴仑", "MEMBER", "县消防救援大队专业技术干部", "XF", false},
}

// MeetingMembers returns the people on the joint meeting's member list, in list order.
func MeetingMembers() []MeetingMemberInfo {
	return append([]MeetingMemberInfo(nil), meetingMembers...)
}

// Library domains: an industry carries the domains whose sub-libraries its targets join.
const (
	domFood         = "FOOD"          // 食品生产经营
	domDrug         = "DRUG"          // 药品医疗器械经营
	domPublicHealth = "PUBLIC_HEALTH" // 公共场所、医疗机构
	domOccHealth    = "OCC_HEALTH"    // 职业病危害用人单位
	domHazchem      = "HAZCHEM"       // 危险化学品
	domIndustry     = "INDUSTRY"      // 工贸行业安全生产
	domPollution    = "POLLUTION"     // 排污单位
	domCulture      = "CULTURE"       // 文化旅游市场
	domBuild        = "BUILD"         // 建筑业、房地产
	domTransport    = "TRANSPORT"     // 道路运输、机动车维修
	domAgri         = "AGRI"          // 农资、农业生产
)

// librarySpec is one department sub-library. An empty domain takes every target.
type librarySpec struct {
	Dept, Code, Name, Domain string
	Takes                    string // library domain constant; "" = every market entity
}

var librarySpecs = []librarySpec{
	{"SCJG", "MAIN", "市场主体库", "市场主体登记", ""},
	{"SCJG", "FOOD", "食品生产经营者库", "食品安全", domFood},
	{"SCJG", "DRUG", "药品医疗器械经营者库", "药品医疗器械", domDrug},
	{"WJ", "GGWS", "公共场所及医疗机构库", "公共卫生", domPublicHealth},
	{"WJ", "ZYWS", "职业卫生用人单位库", "职业卫生", domOccHealth},
	{"YJ", "WHP", "危险化学品企业库", "危险化学品安全", domHazchem},
	{"YJ", "GMQY", "工贸企业库", "工贸行业安全生产", domIndustry},
	{"STHJ", "PWDW", "排污单位库", "生态环境", domPollution},
	{"WL", "WHLY", "文化和旅游经营单位库", "文化旅游市场", domCulture},
	{"ZJ", "JZQY", "建筑业及房地产企业库", "建设工程与房地产", domBuild},
	{"JTYS", "DLYS", "道路运输及机动车维修经营者库", "交通运输", domTransport},
	{"NYNC", "NYZT", "农资经营及农业生产经营主体库", "农业农村", domAgri},
}

// Licence kinds (see licence in demo.go for the number formats).
const (
	licFoodProd   = "FOOD_PROD"
	licFoodSale   = "FOOD_SALE"
	licCatering   = "CATERING"
	licDrug       = "DRUG"
	licMedDevice  = "MED_DEVICE"
	licHygiene    = "HYGIENE"
	licClinic     = "CLINIC"
	licHazProd    = "HAZ_PROD"
	licHazSale    = "HAZ_SALE"
	licOil        = "OIL"
	licPollution  = "POLLUTION"
	licBuild      = "BUILD"
	licEstate     = "ESTATE"
	licTransport  = "TRANSPORT"
	licRepair     = "REPAIR"
	licInternet   = "INTERNET"
	licEntertain  = "ENTERTAIN"
	licTravel     = "TRAVEL"
	licPesticide  = "PESTICIDE"
	licVetDrug    = "VET_DRUG"
	licFeed       = "FEED"
	licSlaughter  = "SLAUGHTER"
	licTobacco    = "TOBACCO"
	licMiningSafe = "MINING"
)

// industry is one GB/T 4754-2017 class with how demo names are formed for it.
type industry struct {
	Code, Name string
	Word       string // enterprise name word: 宁阳县+字号+Word+有限公司
	Shop       string // individual business: 宁阳县+字号+Shop
	Coop       string // cooperative: 宁阳县+村名+Coop+专业合作社
	E, I, C    int    // weights among enterprises, individual businesses, cooperatives
	Domains    []string
	Licences   []string
	Town       string // preferred town (e.g. the chemical park in 磁窑镇), "" for any
	Mfg        bool   // manufacturing (规模以上、高新技术 tags)
}

var industries = []industry{
	// 农业与农民专业合作社
	{"0112", "小麦种植", "农业科技", "", "粮食种植", 2, 0, 20, []string{domAgri}, nil, "", false},
	{"0141", "蔬菜种植", "蔬菜", "", "蔬菜种植", 2, 0, 20, []string{domAgri}, nil, "", false},
	{"0159", "其他水果种植", "果业", "", "果品种植", 1, 0, 12, []string{domAgri}, nil, "", false},
	{"0313", "猪的饲养", "牧业", "", "生猪养殖", 3, 0, 10, []string{domAgri, domPollution}, []string{licPollution}, "", false},
	{"0321", "鸡的饲养", "禽业", "", "蛋鸡养殖", 2, 0, 8, []string{domAgri, domPollution}, nil, "", false},
	{"0512", "农业机械活动", "农机服务", "", "农机", 1, 0, 10, []string{domAgri}, nil, "", false},
	// 采矿、食品、制造
	{"0610", "烟煤和无烟煤开采洗选", "煤业", "", "", 1, 0, 0, []string{domOccHealth, domPollution}, []string{licMiningSafe, licPollution}, "华丰镇", false},
	{"1312", "小麦加工", "面粉", "", "", 5, 0, 0, []string{domFood, domIndustry}, []string{licFoodProd}, "", true},
	{"1329", "其他饲料加工", "饲料", "", "", 3, 0, 0, []string{domAgri, domIndustry}, []string{licFeed}, "", true},
	{"1351", "牲畜屠宰", "肉类食品", "", "", 2, 0, 0, []string{domFood, domAgri, domPollution}, []string{licSlaughter, licFoodProd, licPollution}, "", true},
	{"1391", "淀粉及淀粉制品制造", "淀粉", "", "", 3, 0, 0, []string{domFood, domIndustry, domPollution}, []string{licFoodProd, licPollution}, "", true},
	{"1392", "豆制品制造", "豆制品", "豆腐坊", "", 3, 3, 0, []string{domFood}, []string{licFoodProd}, "", true},
	{"1411", "糕点、面包制造", "食品", "糕点坊", "", 4, 4, 0, []string{domFood}, []string{licFoodProd}, "", true},
	{"1431", "米、面制品制造", "面业", "挂面坊", "", 3, 2, 0, []string{domFood}, []string{licFoodProd}, "", true},
	{"1512", "白酒制造", "酒业", "", "", 2, 0, 0, []string{domFood, domIndustry, domPollution}, []string{licFoodProd, licPollution}, "", true},
	{"1711", "棉纺纱加工", "纺织", "", "", 3, 0, 0, []string{domIndustry, domOccHealth}, nil, "", true},
	{"1810", "机织服装制造", "服饰", "", "", 3, 1, 0, []string{domIndustry}, nil, "", true},
	{"2221", "机制纸及纸板制造", "纸业", "", "", 3, 0, 0, []string{domIndustry, domOccHealth, domPollution}, []string{licPollution}, "", true},
	{"2319", "包装装潢及其他印刷", "彩印包装", "", "", 3, 1, 0, []string{domIndustry, domPollution}, nil, "", true},
	{"2613", "无机盐制造", "化工科技", "", "", 3, 0, 0, []string{domHazchem, domOccHealth, domPollution}, []string{licHazProd, licPollution}, "磁窑镇", true},
	{"2614", "有机化学原料制造", "化工", "", "", 5, 0, 0, []string{domHazchem, domOccHealth, domPollution}, []string{licHazProd, licPollution}, "磁窑镇", true},
	{"2625", "有机肥料及微生物肥料制造", "生物肥业", "", "", 3, 0, 0, []string{domAgri, domIndustry, domPollution}, []string{licPollution}, "", true},
	{"2641", "涂料制造", "涂料", "", "", 2, 0, 0, []string{domHazchem, domOccHealth, domPollution}, []string{licHazProd, licPollution}, "磁窑镇", true},
	{"2661", "化学试剂和助剂制造", "新材料", "", "", 3, 0, 0, []string{domHazchem, domOccHealth, domPollution}, []string{licHazProd, licPollution}, "磁窑镇", true},
	{"3011", "水泥制造", "水泥", "", "", 1, 0, 0, []string{domIndustry, domOccHealth, domPollution}, []string{licPollution}, "", true},
	{"3021", "水泥制品制造", "建材", "", "", 3, 0, 0, []string{domIndustry, domOccHealth, domPollution}, nil, "", true},
	{"3031", "粘土砖瓦及建筑砌块制造", "新型建材", "", "", 2, 0, 0, []string{domIndustry, domPollution}, []string{licPollution}, "", true},
	{"3311", "金属结构制造", "钢结构", "", "", 3, 0, 0, []string{domIndustry, domOccHealth}, nil, "", true},
	{"3484", "机械零部件加工", "机械", "机械加工部", "", 4, 2, 0, []string{domIndustry, domOccHealth}, nil, "", true},
	{"3572", "机械化农业及园艺机具制造", "农业机械", "", "", 3, 0, 0, []string{domIndustry, domOccHealth}, nil, "", true},
	{"4416", "太阳能发电", "新能源", "", "", 2, 0, 0, nil, nil, "", false},
	// 建筑、房地产
	{"4710", "住宅房屋建筑", "建筑工程", "", "", 6, 0, 0, []string{domBuild}, []string{licBuild}, "", false},
	{"4790", "其他房屋建筑业", "建设", "", "", 3, 0, 0, []string{domBuild}, []string{licBuild}, "", false},
	{"4813", "市政道路工程建筑", "市政工程", "", "", 3, 0, 0, []string{domBuild}, []string{licBuild}, "", false},
	{"5012", "住宅装饰和装修", "装饰工程", "装饰部", "", 5, 4, 0, []string{domBuild}, nil, "", false},
	{"7010", "房地产开发经营", "置业", "", "", 4, 0, 0, []string{domBuild}, []string{licEstate}, "", false},
	{"7020", "物业管理", "物业管理", "", "", 3, 0, 0, []string{domBuild}, nil, "", false},
	// 批发、零售
	{"5121", "米、面制品及食用油批发", "粮油贸易", "粮油批发部", "", 3, 3, 0, []string{domFood}, []string{licFoodSale}, "", false},
	{"5151", "西药批发", "医药", "", "", 1, 0, 0, []string{domDrug}, []string{licDrug}, "", false},
	{"5161", "煤炭及制品批发", "煤炭贸易", "", "", 2, 0, 0, nil, nil, "", false},
	{"5165", "建材批发", "建材贸易", "建材店", "", 3, 6, 0, nil, nil, "", false},
	{"5166", "化肥批发", "农资", "农资店", "", 2, 5, 0, []string{domAgri}, nil, "", false},
	{"5167", "农药批发", "农化", "农药门市部", "", 1, 3, 0, []string{domAgri}, []string{licPesticide}, "", false},
	{"5169", "其他化工产品批发", "化工贸易", "", "", 3, 0, 0, []string{domHazchem}, []string{licHazSale}, "", false},
	{"5211", "百货零售", "商贸", "百货店", "", 5, 20, 0, []string{domFood}, []string{licFoodSale, licTobacco}, "", false},
	{"5212", "超级市场零售", "超市", "超市", "", 4, 12, 0, []string{domFood}, []string{licFoodSale, licTobacco}, "", false},
	{"5221", "粮油零售", "粮油", "粮油店", "", 1, 6, 0, []string{domFood}, []string{licFoodSale}, "", false},
	{"5223", "果品、蔬菜零售", "果蔬", "水果店", "", 1, 8, 0, []string{domFood}, []string{licFoodSale}, "", false},
	{"5224", "肉、禽、蛋、奶及水产品零售", "肉食", "鲜肉店", "", 1, 8, 0, []string{domFood}, []string{licFoodSale}, "", false},
	{"5226", "酒、饮料及茶叶零售", "酒水", "烟酒店", "", 2, 10, 0, []string{domFood}, []string{licFoodSale, licTobacco}, "", false},
	{"5232", "服装零售", "服饰", "服装店", "", 2, 12, 0, nil, nil, "", false},
	{"5251", "西药零售", "大药房", "药店", "", 4, 3, 0, []string{domDrug}, []string{licDrug}, "", false},
	{"5253", "动物用药品零售", "兽药", "兽药店", "", 1, 4, 0, []string{domAgri}, []string{licVetDrug}, "", false},
	{"5254", "医疗用品及器材零售", "医疗器械", "医疗器械店", "", 2, 2, 0, []string{domDrug}, []string{licMedDevice}, "", false},
	{"5261", "汽车新车零售", "汽车销售服务", "", "", 3, 0, 0, nil, nil, "", false},
	{"5265", "机动车燃油零售", "石油", "", "", 3, 0, 0, []string{domHazchem}, []string{licOil, licHazSale}, "", false},
	{"5272", "日用家电零售", "家电", "家电城", "", 2, 6, 0, nil, nil, "", false},
	{"5274", "通信设备零售", "通讯器材", "手机店", "", 1, 6, 0, nil, nil, "", false},
	{"5281", "五金零售", "五金", "五金店", "", 2, 8, 0, nil, nil, "", false},
	{"5292", "互联网零售", "电子商务", "网店", "", 4, 6, 0, nil, nil, "", false},
	// 交通运输、仓储
	{"5421", "长途客运", "客运", "", "", 1, 0, 0, []string{domTransport}, []string{licTransport}, "", false},
	{"5431", "普通货物道路运输", "运输", "货运部", "", 8, 8, 0, []string{domTransport}, []string{licTransport}, "", false},
	{"5435", "危险货物道路运输", "危险货物运输", "", "", 2, 0, 0, []string{domTransport, domHazchem}, []string{licTransport}, "磁窑镇", false},
	{"5942", "危险化学品仓储", "仓储", "", "", 1, 0, 0, []string{domHazchem}, []string{licHazSale}, "磁窑镇", false},
	{"8111", "汽车修理与维护", "汽车维修", "汽车修理部", "", 3, 8, 0, []string{domTransport}, []string{licRepair}, "", false},
	// 住宿、餐饮
	{"6110", "旅游饭店", "酒店管理", "", "", 1, 0, 0, []string{domPublicHealth, domCulture, domFood}, []string{licHygiene, licCatering}, "", false},
	{"6129", "其他一般旅馆", "宾馆", "旅馆", "", 2, 5, 0, []string{domPublicHealth}, []string{licHygiene}, "", false},
	{"6130", "民宿服务", "民宿", "民宿", "", 1, 1, 0, []string{domPublicHealth, domCulture}, []string{licHygiene}, "", false},
	{"6210", "正餐服务", "餐饮管理", "饭店", "", 5, 12, 0, []string{domFood}, []string{licCatering}, "", false},
	{"6220", "快餐服务", "餐饮", "快餐店", "", 2, 8, 0, []string{domFood}, []string{licCatering}, "", false},
	{"6241", "餐饮配送服务", "餐饮配送", "", "", 1, 0, 0, []string{domFood}, []string{licCatering}, "", false},
	{"6291", "小吃服务", "", "小吃部", "", 0, 12, 0, []string{domFood}, []string{licCatering}, "", false},
	// 信息、商务、文化旅游、居民服务、卫生
	{"6510", "软件开发", "信息技术", "", "", 3, 0, 0, nil, nil, "", false},
	{"7291", "旅行社及相关服务", "旅行社", "", "", 1, 0, 0, []string{domCulture}, []string{licTravel}, "", false},
	{"8010", "家庭服务", "家政服务", "家政服务部", "", 1, 3, 0, nil, nil, "", false},
	{"8040", "理发及美容服务", "美容美发", "理发店", "", 1, 10, 0, []string{domPublicHealth}, []string{licHygiene}, "", false},
	{"8051", "洗浴服务", "洗浴", "浴池", "", 1, 3, 0, []string{domPublicHealth}, []string{licHygiene}, "", false},
	{"8425", "门诊部（所）", "医疗管理", "诊所", "", 1, 3, 0, []string{domPublicHealth}, []string{licClinic}, "", false},
	{"9051", "歌舞厅娱乐活动", "文化娱乐", "歌舞厅", "", 1, 1, 0, []string{domCulture, domPublicHealth}, []string{licEntertain, licHygiene}, "", false},
	{"9053", "网吧活动", "网络科技", "网吧", "", 1, 2, 0, []string{domCulture}, []string{licInternet}, "", false},
}

// foodCategory is the food category of a food production licence (SC + 1 + category), by
// industry: 01 粮食加工品, 04 肉制品, 15 酒类, 23 淀粉及淀粉制品, 24 糕点, 25 豆制品.
var foodCategory = map[string]string{"1312": "101", "1351": "104", "1391": "123", "1392": "125", "1411": "124", "1431": "101", "1512": "115"}

// Towns of 宁阳县 (乡镇、街道) with a weight: the two urban sub-districts host most businesses.
type town struct {
	Name   string
	Urban  bool // the county seat's sub-districts (街道)
	Weight int
}

var towns = []town{
	{"文庙街道", true, 14},
	{"八仙桥街道", true, 12},
	{"磁窑镇", false, 6},
	{"华丰镇", false, 5},
	{"伏山镇", false, 5},
	{"堽城镇", false, 5},
	{"蒋集镇", false, 4},
	{"东疏镇", false, 5},
	{"葛石镇", false, 5},
	{"泗店镇", false, 5},
	{"东庄镇", false, 4},
	{"鹤山镇", false, 4},
	{"乡饮乡", false, 3},
}

// urbanRoads are streets of the county seat; townRoads name the main street of a town seat.
var urbanRoads = []string{"七贤路", "金阳路", "复圣路", "文化路", "宁阳大街", "东关街", "西关街", "建设路", "八仙桥路", "府前街", "华阳路", "光明路", "育才路", "工业路"}

var townRoads = []string{"中心街", "政府路", "商业街", "兴业路", "光明路", "振兴路", "工业路", "富民路"}

var villages = []string{"东庄", "西庄", "南王庄", "北李庄", "刘家庄", "张家庄", "前寨", "后寨", "小河", "大河", "石集", "高庄", "孙家庄", "马庄", "陈家店", "杨家营", "赵家村", "沙河", "柳林", "黄家庄", "郭家楼", "鲁家庄", "葛家村", "徐家店", "韩家庄", "毛家村", "宋家庄", "杜家庄", "许家桥", "范家集"}

// tradeChars make up 字号 (trade names) two at a time.
var tradeChars = []rune("鑫泰华恒盛瑞丰源宏祥福康宁金利达兴旺隆昌润德信诚佳和安顺鸿远嘉禾汇通弘博昊晟辉宇腾凯新天正明荣益永东方圣龙海峰鼎泽汶岱鲁鹏广春阳光裕元富邦豪美家佰运中合晨旭恒星乐众")

// Surnames common in 泰安 and 宁阳, roughly by frequency (repeats raise the odds).
var surnames = []rune("王王王王张张张张李李李李刘刘刘赵赵杨杨陈陈孙孙徐徐马马朱朱高高郭宋许韩冯褚颜魏杜袁牛郑桑安江宁史黄周吴胡何林罗梁谢唐邓曹彭田董潘于蒋蔡程苏吕丁任姚卢姜崔石贾侯孟秦尹薛闫段雷武毛郝邵孔")

var maleGiven = []rune("伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宁建国峰俊文亮志新东海庆林成永宏涛振兵国兴")

var femaleGiven = []rune("丽敏静娟艳芳霞燕玲红梅洁琳萍英华慧颖雪婷倩莉娜秀兰凤晶蕾")

// Mobile number prefixes (13x, 15x, 18x).
var mobilePrefixes = []string{"130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155", "156", "157", "158", "159", "180", "181", "182", "183", "185", "186", "187", "188", "189"}

// inspectorDept describes the inspectors of one department.
type inspectorDept struct {
	Dept        string
	Weight      int
	Base        string   // the department's enforcement qualification
	Extra       []string // further qualifications, required by some items
	Specialties []string
	ExpertSpec  []string // specialties of the department's outside experts
}

var inspectorDepts = []inspectorDept{
	{"SCJG", 40, "市场监管", []string{"食品安全", "特种设备", "药品医疗器械", "计量", "广告监管"},
		[]string{"企业信息公示", "食品生产", "食品销售", "餐饮服务", "特种设备安全", "药品零售", "医疗器械", "计量器具", "广告监测", "价格监督", "产品质量", "网络交易"},
		[]string{"食品检验", "特种设备检验", "执业药师"}},
	{"WJ", 9, "卫生健康", nil, []string{"公共场所卫生", "生活饮用水卫生", "医疗执业监督", "职业卫生", "消毒产品"}, []string{"职业病诊断", "临床医学"}},
	{"YJ", 9, "应急管理", nil, []string{"危险化学品安全", "工贸行业安全", "安全培训", "应急预案"}, []string{"注册安全工程师", "化工工艺"}},
	{"STHJ", 9, "生态环境", nil, []string{"排污许可", "大气污染防治", "水污染防治", "固体废物管理", "环境影响评价"}, []string{"环境监测", "环境工程"}},
	{"WL", 6, "文化旅游", nil, []string{"娱乐场所", "网吧管理", "旅行社监管", "文物保护"}, []string{"旅游服务质量"}},
	{"ZJ", 9, "住房城乡建设", nil, []string{"建筑施工安全", "工程质量", "房地产市场", "物业管理"}, []string{"注册建造师", "结构工程"}},
	{"JTYS", 9, "交通运输", nil, []string{"道路运输", "危险货物运输", "机动车维修"}, []string{"汽车检测"}},
	{"NYNC", 9, "农业农村", nil, []string{"农药监管", "兽药监管", "饲料监管", "畜禽屠宰"}, []string{"植物保护", "兽医"}},
}

// Conflict reasons by relation.
var conflictReasons = []struct {
	Relation string
	Reasons  []string
}{
	{"FAMILY", []string{"配偶系该单位法定代表人", "本人兄弟在该单位担任股东", "近亲属在该单位担任财务负责人", "父亲系该经营者", "配偶的兄弟在该单位担任生产负责人"}},
	{"FORMER_EMPLOYER", []string{"本人2016年至2019年曾在该单位任职", "曾在该单位担任质量负责人", "入职前曾在该单位从事技术工作"}},
	{"INVESTMENT", []string{"本人持有该单位股份", "配偶持有该单位5%股权", "近亲属以资金入股该单位"}},
	{"OTHER", []string{"与该单位法定代表人系同学关系，主动申请回避", "曾代理该单位行政复议案件", "与该单位存在尚未了结的民事纠纷"}},
}

// itemSpec is one inspection item of a department's list (抽查事项).
type itemSpec struct {
	Name, Category string // category KEY 重点 / GENERAL 一般
	LegalBasis     string
	TargetType     string
	Content        string
	RatioMin       float64 // 0 = not set
	RatioMax       float64 // 0 = not set (key items have no upper limit)
	Frequency      string
	Requirements   string
	Quals          []string
	Methods        []string
}

// itemLists are the 2026 item lists, derived from the provincial lists of each department.
var itemLists = []struct {
	Dept  string
	Items []itemSpec
}{
	{"SCJG", []itemSpec{
		{"企业公示信息的检查", "KEY",
			"《企业信息公示暂行条例》第十四条、第十五条；《个体工商户年度报告暂行办法》第十条；《农民专业合作社年度报告公示暂行办法》第九条",
			"企业、个体工商户、农民专业合作社",
			"年度报告公示信息、即时公示信息的真实性、及时性；通过登记的住所（经营场所）能否联系",
			0.03, 0, "每年不少于1次",
			"具有行政执法资格的市场监管人员，每组不少于2人", []string{"市场监管"}, []string{"ON_SITE", "WRITTEN", "ONLINE"}},
		{"食品生产者的监督检查", "KEY",
			"《中华人民共和国食品安全法》第一百一十条；《食品生产经营监督检查管理办法》第十二条",
			"取得食品生产许可的食品生产企业",
			"生产者资质、生产环境条件、进货查验、生产过程控制、产品检验、贮存及交付控制、不合格品管理和食品召回、标签和说明书、食品安全自查",
			0.05, 0, "每年不少于1次",
			"具有食品安全执法资格的市场监管人员，每组不少于2人，可邀请食品检验专家参加", []string{"市场监管", "食品安全"}, []string{"ON_SITE", "TESTING"}},
		{"食品销售者的监督检查", "KEY",
			"《中华人民共和国食品安全法》第五十三条、第一百一十条；《食品经营许可和备案管理办法》",
			"食品销售者（含超市、便利店、食品批发商）",
			"经营资质、经营条件、食品进货查验和记录、食品贮存、临近保质期食品管理、标签标识、从业人员健康管理",
			0.05, 0, "每年不少于1次",
			"具有食品安全执法资格的市场监管人员，每组不少于2人", []string{"市场监管", "食品安全"}, []string{"ON_SITE", "TESTING"}},
		{"餐饮服务提供者的监督检查", "KEY",
			"《中华人民共和国食品安全法》第五十五条、第一百一十条；《餐饮服务食品安全操作规范》",
			"餐饮服务提供者（含单位食堂、餐饮配送单位）",
			"经营资质、从业人员健康管理、原料控制、加工制作过程、餐饮具清洗消毒、食品添加剂使用、场所环境卫生",
			0.05, 0, "每年不少于1次",
			"具有食品安全执法资格的市场监管人员，每组不少于2人", []string{"市场监管", "食品安全"}, []string{"ON_SITE"}},
		{"特种设备使用单位的监督检查", "KEY",
			"《中华人民共和国特种设备安全法》第五十七条、第六十一条；《特种设备安全监督检查办法》",
			"特种设备使用单位",
			"特种设备使用登记、定期检验、作业人员持证上岗、安全管理制度和岗位责任制落实、隐患排查治理",
			0.05, 0, "每年不少于1次",
			"具有特种设备安全监察资格的市场监管人员，每组不少于2人", []string{"市场监管", "特种设备"}, []string{"ON_SITE"}},
		{"药品零售企业的监督检查", "KEY",
			"《中华人民共和国药品管理法》第九十九条；《药品经营和使用质量监督管理办法》",
			"药品零售企业、零售连锁门店",
			"药品经营许可条件、执业药师在岗、药品购进验收、储存养护、处方药销售、药品追溯",
			0.10, 0, "每年不少于1次",
			"具有药品医疗器械执法资格的市场监管人员，每组不少于2人", []string{"市场监管", "药品医疗器械"}, []string{"ON_SITE"}},
		{"计量器具使用单位的检查", "GENERAL",
			"《中华人民共和国计量法》第九条；《中华人民共和国计量法实施细则》",
			"使用强制检定计量器具的单位和个体工商户",
			"强制检定计量器具的登记备案、周期检定、使用状态",
			0.01, 0.05, "每年1次",
			"具有计量执法资格的市场监管人员，每组不少于2人", []string{"市场监管", "计量"}, []string{"ON_SITE"}},
		{"广告发布行为的检查", "GENERAL",
			"《中华人民共和国广告法》第四十九条；《互联网广告管理办法》",
			"广告主、广告经营者、广告发布者",
			"广告内容真实性、合法性，医疗、药品、保健食品等广告审查批准文号",
			0.01, 0.05, "每年1次",
			"具有广告监管执法资格的市场监管人员，每组不少于2人", []string{"市场监管", "广告监管"}, []string{"ONLINE", "WRITTEN"}},
	}},
	{"WJ", []itemSpec{
		{"公共场所卫生监督检查", "KEY",
			"《公共场所卫生管理条例》第三条、第十条；《公共场所卫生管理条例实施细则》第三十条",
			"住宿场所、沐浴场所、美容美发场所、歌舞厅等公共场所",
			"卫生许可证、从业人员健康合格证明、卫生管理制度、公共用品用具清洗消毒、空气与水质卫生状况",
			0.05, 0, "每年不少于1次",
			"具有卫生健康行政执法资格的卫生监督人员，每组不少于2人", []string{"卫生健康"}, []string{"ON_SITE", "TESTING"}},
		{"生活饮用水卫生监督检查", "GENERAL",
			"《中华人民共和国传染病防治法》第二十九条；《生活饮用水卫生监督管理办法》第十六条",
			"集中式供水单位、二次供水单位",
			"卫生许可、水质检测、从业人员健康检查、涉水产品卫生许可批件",
			0.02, 0.10, "每年1次",
			"具有卫生健康行政执法资格的卫生监督人员，每组不少于2人", []string{"卫生健康"}, []string{"ON_SITE", "TESTING"}},
		{"医疗机构依法执业检查", "KEY",
			"《医疗机构管理条例》第四十条；《中华人民共和国基本医疗卫生与健康促进法》",
			"诊所、门诊部等医疗机构",
			"执业许可或备案、医师与护士执业资格、诊疗科目、医疗文书、医疗废物处置",
			0.10, 0, "每年不少于1次",
			"具有卫生健康行政执法资格的卫生监督人员，每组不少于2人", []string{"卫生健康"}, []string{"ON_SITE", "WRITTEN"}},
		{"用人单位职业卫生监督检查", "KEY",
			"《中华人民共和国职业病防治法》第六十二条；《工作场所职业卫生管理规定》",
			"存在职业病危害因素的用人单位",
			"职业病危害项目申报、工作场所职业病危害因素检测评价、劳动者职业健康检查、防护设施与个人防护用品",
			0.05, 0, "每年不少于1次",
			"具有卫生健康行政执法资格的卫生监督人员，每组不少于2人", []string{"卫生健康"}, []string{"ON_SITE", "TESTING"}},
	}},
	{"YJ", []itemSpec{
		{"危险化学品生产经营单位安全生产检查", "KEY",
			"《中华人民共和国安全生产法》第六十五条；《危险化学品安全管理条例》第六条",
			"危险化学品生产、经营、储存单位",
			"安全生产许可或经营许可、重大危险源管理、安全生产责任制、特殊作业管理、隐患排查治理",
			0.10, 0, "每年不少于1次",
			"具有应急管理行政执法资格的人员，每组不少于2人，可邀请注册安全工程师参加", []string{"应急管理"}, []string{"ON_SITE"}},
		{"工贸企业安全生产检查", "KEY",
			"《中华人民共和国安全生产法》第六十五条；《工贸企业重大事故隐患判定标准》",
			"冶金、有色、建材、机械、轻工、纺织、烟草、商贸等工贸企业",
			"安全生产责任制、粉尘防爆、有限空间作业、安全设施、隐患排查治理",
			0.05, 0, "每年不少于1次",
			"具有应急管理行政执法资格的人员，每组不少于2人", []string{"应急管理"}, []string{"ON_SITE"}},
		{"生产经营单位安全生产培训情况检查", "GENERAL",
			"《中华人民共和国安全生产法》第二十八条；《生产经营单位安全培训规定》",
			"生产经营单位",
			"主要负责人和安全生产管理人员培训考核、特种作业人员持证上岗、从业人员安全生产教育和培训档案",
			0.01, 0.05, "每年1次",
			"具有应急管理行政执法资格的人员，每组不少于2人", []string{"应急管理"}, []string{"ON_SITE", "WRITTEN"}},
		{"生产安全事故应急预案管理检查", "GENERAL",
			"《生产安全事故应急条例》第五条；《生产安全事故应急预案管理办法》",
			"生产经营单位",
			"应急预案编制、评审、公布、备案及演练情况",
			0.01, 0.08, "每年1次",
			"具有应急管理行政执法资格的人员，每组不少于2人", []string{"应急管理"}, []string{"WRITTEN", "ON_SITE"}},
	}},
	{"STHJ", []itemSpec{
		{"排污许可证执行情况检查", "KEY",
			"《排污许可管理条例》第二十八条；《中华人民共和国环境保护法》第二十四条",
			"实行排污许可管理的排污单位",
			"按证排污、自行监测、环境管理台账、执行报告、信息公开",
			0.05, 0, "每年不少于1次",
			"具有生态环境行政执法资格的人员，每组不少于2人", []string{"生态环境"}, []string{"ON_SITE", "TESTING", "ONLINE"}},
		{"重点排污单位污染防治设施运行检查", "KEY",
			"《中华人民共和国大气污染防治法》第二十九条；《中华人民共和国水污染防治法》第三十九条",
			"重点排污单位",
			"污染防治设施正常运行、自动监控设施联网、超标排放、偷排漏排",
			0.10, 0, "每年不少于1次",
			"具有生态环境行政执法资格的人员，每组不少于2人", []string{"生态环境"}, []string{"ON_SITE", "ONLINE", "TESTING"}},
		{"建设项目环境保护“三同时”检查", "GENERAL",
			"《建设项目环境保护管理条例》第十五条、第十九条",
			"建设项目建设单位",
			"环境影响评价文件审批、环境保护设施与主体工程同时设计、同时施工、同时投产使用，竣工环境保护验收",
			0.02, 0.10, "每年1次",
			"具有生态环境行政执法资格的人员，每组不少于2人", []string{"生态环境"}, []string{"ON_SITE", "WRITTEN"}},
		{"危险废物规范化环境管理检查", "KEY",
			"《中华人民共和国固体废物污染环境防治法》第七十七条至第八十一条",
			"危险废物产生单位和经营单位",
			"危险废物识别标志、管理计划、申报登记、转移联单、贮存设施",
			0.05, 0, "每年不少于1次",
			"具有生态环境行政执法资格的人员，每组不少于2人", []string{"生态环境"}, []string{"ON_SITE"}},
	}},
	{"WL", []itemSpec{
		{"娱乐场所经营活动检查", "GENERAL",
			"《娱乐场所管理条例》第三十五条；《娱乐场所管理办法》",
			"歌舞娱乐场所、游艺娱乐场所",
			"娱乐经营许可证、曲目内容、营业时间、未成年人保护、消防安全管理",
			0.02, 0.10, "每年1次",
			"具有文化市场综合执法资格的人员，每组不少于2人", []string{"文化旅游"}, []string{"ON_SITE"}},
		{"互联网上网服务营业场所检查", "GENERAL",
			"《互联网上网服务营业场所管理条例》第四条、第二十一条",
			"互联网上网服务营业场所",
			"网络文化经营许可证、上网人员身份核对登记、接纳未成年人、营业时间",
			0.02, 0.10, "每年1次",
			"具有文化市场综合执法资格的人员，每组不少于2人", []string{"文化旅游"}, []string{"ON_SITE"}},
		{"旅行社经营行为检查", "GENERAL",
			"《中华人民共和国旅游法》第八十三条；《旅行社条例》第四十一条",
			"旅行社及其分社、服务网点",
			"经营许可、质量保证金、旅游合同、导游委派、不合理低价游",
			0.01, 0.05, "每年1次",
			"具有文化市场综合执法资格的人员，每组不少于2人", []string{"文化旅游"}, []string{"ON_SITE", "WRITTEN"}},
	}},
	{"ZJ", []itemSpec{
		{"建筑施工企业安全生产许可条件检查", "KEY",
			"《安全生产许可证条例》第十四条；《建设工程安全生产管理条例》第四十条",
			"建筑施工企业",
			"安全生产许可证有效性、安全生产管理机构和人员配备、施工现场安全防护、危大工程管理",
			0.10, 0, "每年不少于1次",
			"具有住房城乡建设行政执法资格的人员，每组不少于2人", []string{"住房城乡建设"}, []string{"ON_SITE"}},
		{"建设工程质量检查", "KEY",
			"《建设工程质量管理条例》第四十三条、第四十七条",
			"在建房屋建筑和市政基础设施工程的参建单位",
			"工程质量责任主体行为、原材料进场检验、实体质量、质量控制资料",
			0.05, 0, "每年不少于1次",
			"具有住房城乡建设行政执法资格的人员，每组不少于2人", []string{"住房城乡建设"}, []string{"ON_SITE", "TESTING"}},
		{"房地产开发企业经营行为检查", "GENERAL",
			"《城市房地产开发经营管理条例》第三十四条；《商品房销售管理办法》",
			"房地产开发企业",
			"资质条件、商品房预售许可、销售行为、合同网签备案、资金监管",
			0.02, 0.10, "每年1次",
			"具有住房城乡建设行政执法资格的人员，每组不少于2人", []string{"住房城乡建设"}, []string{"ON_SITE", "WRITTEN"}},
		{"物业服务企业服务行为检查", "GENERAL",
			"《物业管理条例》第三十二条；《山东省物业管理条例》",
			"物业服务企业",
			"物业服务合同履行、收费公示、公共部位维护、消防安全管理",
			0.02, 0.10, "每年1次",
			"具有住房城乡建设行政执法资格的人员，每组不少于2人", []string{"住房城乡建设"}, []string{"ON_SITE"}},
	}},
	{"JTYS", []itemSpec{
		{"道路运输经营者经营行为检查", "GENERAL",
			"《中华人民共和国道路运输条例》第七十三条；《道路货物运输及站场管理规定》",
			"道路旅客运输、普通货物运输经营者",
			"道路运输经营许可、车辆技术状况与年审、驾驶员从业资格、动态监控",
			0.02, 0.05, "每年1次",
			"具有交通运输行政执法资格的人员，每组不少于2人", []string{"交通运输"}, []string{"ON_SITE", "ONLINE"}},
		{"危险货物道路运输企业安全生产检查", "KEY",
			"《道路危险货物运输管理规定》第五十五条；《中华人民共和国安全生产法》第六十五条",
			"危险货物道路运输企业",
			"经营许可、专用车辆及罐体检验、驾驶员与押运员资格、运单管理、动态监控、应急预案",
			0.20, 0, "每年不少于1次",
			"具有交通运输行政执法资格的人员，每组不少于2人", []string{"交通运输"}, []string{"ON_SITE", "ONLINE"}},
		{"机动车维修经营者检查", "GENERAL",
			"《中华人民共和国道路运输条例》第三十七条；《机动车维修管理规定》第四十六条",
			"机动车维修经营者",
			"备案情况、维修质量保证、维修档案、配件管理、收费公示、环保设施",
			0.02, 0.05, "每年1次",
			"具有交通运输行政执法资格的人员，每组不少于2人", []string{"交通运输"}, []string{"ON_SITE"}},
	}},
	{"NYNC", []itemSpec{
		{"农药经营者检查", "KEY",
			"《农药管理条例》第四十一条；《农药经营许可管理办法》",
			"农药经营者",
			"农药经营许可、进货查验与销售台账、限制使用农药定点经营、标签核查",
			0.05, 0, "每年不少于1次",
			"具有农业综合行政执法资格的人员，每组不少于2人", []string{"农业农村"}, []string{"ON_SITE", "TESTING"}},
		{"兽药经营企业检查", "GENERAL",
			"《兽药管理条例》第四十五条；《兽药经营质量管理规范》",
			"兽药经营企业",
			"兽药经营许可、兽药GSP执行、购销记录、假劣兽药",
			0.02, 0.10, "每年1次",
			"具有农业综合行政执法资格的人员，每组不少于2人", []string{"农业农村"}, []string{"ON_SITE", "TESTING"}},
		{"饲料和饲料添加剂生产企业检查", "GENERAL",
			"《饲料和饲料添加剂管理条例》第三十三条；《饲料质量安全管理规范》",
			"饲料和饲料添加剂生产企业",
			"生产许可、原料采购与查验、生产过程控制、产品留样与出厂检验",
			0.02, 0.10, "每年1次",
			"具有农业综合行政执法资格的人员，每组不少于2人", []string{"农业农村"}, []string{"ON_SITE", "TESTING"}},
		{"生猪定点屠宰厂（场）检查", "KEY",
			"《生猪屠宰管理条例》第二十九条；《中华人民共和国动物防疫法》",
			"生猪定点屠宰厂（场）",
			"定点屠宰证、进厂查验登记、肉品品质检验、无害化处理、屠宰台账",
			0.50, 0, "每半年不少于1次",
			"具有农业综合行政执法资格的人员，每组不少于2人，可邀请兽医参加", []string{"农业农村"}, []string{"ON_SITE", "TESTING"}},
	}},
}
