package draw

// The fixture behind testdata/vectors.json: a joint task of 县市场监管局 (SCJG, initiator) and
// 县卫健局 (WJ) over 24 targets in the four credit-risk strata, with an inspector pool that
// exercises every eligibility rule once.

var fixtureKeys = []string{
	"92370921C783A36D00", "91370921FFCB13446B", "9137092153C38F0B93", "913709212798398800",
	"91370921F640A739A9", "9237092146C4067FAD", "91370921F37B3F7F1N", "913709214E9470C4AA",
	"91370921CEC784700L", "91370921C3DB74665N", "923709211B40A32320", "91370921F778688B2G",
	"913709216DF7B558DL", "91370921491AA1796Q", "91370921D28EE5170B", "923709218C1FF6BD7Y",
	"91370921321F46B0EP", "913709217D7DC6EC35", "91370921AD1594EBFU", "913709210DA605D77K",
	"9237092100ED5E1E42", "91370921AE51BAB854", "913709211006309055", "91370921D99DBAE992",
}

// fixtureSecret contains 0x00 bytes on purpose: the secret is raw bytes of fixed length.
var fixtureSecret = func() []byte {
	b := make([]byte, SecretSize)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}()

// fixtureEntropy is what the witnesses read out, exactly as entered (Chinese and spaces kept).
const fixtureEntropy = "骰子 3-6-1-4-2-5 / 6-6-2-1-5-3"

func fixtureInputs() Inputs {
	k := fixtureKeys
	var cands []Candidate
	var excl []Exclusion
	add := func(stratum string, keys []string, reason Reason) {
		for i, key := range keys {
			if i == len(keys)-1 {
				excl = append(excl, Exclusion{Key: key, Stratum: stratum, Reason: reason})
			} else {
				cands = append(cands, Candidate{Key: key, Stratum: stratum})
			}
		}
	}
	add("A", k[0:9], ReasonClosed)
	add("B", k[9:16], ReasonRecentlyInspected)
	add("C", k[16:21], ReasonYearlyCap)
	add("D", k[21:24], ReasonOutOfScope)
	f, err := NewFrame(cands, excl)
	if err != nil {
		panic(err)
	}
	return Inputs{
		Frame: f,
		Params: Params{
			Task:   "37092120260007",
			Strata: DefaultCreditRiskStrata(),
			Items: []Item{
				{Code: "WJ-GG-03", Department: "WJ", Category: CategoryKey, Qualifications: []string{"公共场所卫生"}},
				{Code: "SCJG-SP-01", Department: "SCJG", Category: CategoryKey, Qualifications: []string{"食品安全"}},
			},
			Initiator:    "SCJG",
			Participants: []string{"WJ"},
			Window:       Window{Start: "2026-04-01", End: "2026-06-30"},
			Exclusion:    ExclusionRules{RecentMonths: 12, YearlyCap: 2},
			Team:         TeamRules{Size: 2, Experts: 1, MaxPerInspector: 3, RotationMonths: 24},
		},
		Inspectors: []Inspector{
			{Key: "SCJG-001", Department: "SCJG", Active: true, CertificateExpires: "2028-12-31", Qualifications: []string{"市场监管", "食品安全"}},
			{Key: "SCJG-002", Department: "SCJG", Active: true, CertificateExpires: "2027-06-30", Qualifications: []string{"食品安全", "市场监管"}},
			// Valid through the window's last day, which is enough.
			{Key: "SCJG-003", Department: "SCJG", Active: true, CertificateExpires: "2026-06-30", Qualifications: []string{"市场监管", "食品安全", "特种设备"}},
			{Key: "SCJG-004", Department: "SCJG", Active: false, CertificateExpires: "2028-12-31", Qualifications: []string{"市场监管", "食品安全"}},
			// Expires the day before the window ends.
			{Key: "SCJG-005", Department: "SCJG", Active: true, CertificateExpires: "2026-06-29", Qualifications: []string{"市场监管", "食品安全"}},
			{Key: "SCJG-006", Department: "SCJG", Active: true, CertificateExpires: "2028-12-31", Qualifications: []string{"市场监管"}},
			{Key: "SCJG-007", Department: "SCJG", Active: true, Qualifications: []string{"市场监管", "食品安全"}},
			{Key: "SCJG-008", Department: "SCJG", Active: true, CertificateExpires: "2027-03-31", Qualifications: []string{"市场监管", "食品安全"}},
			{Key: "SCJG-E01", Department: "SCJG", Expert: true, Active: true, Qualifications: []string{"食品安全"}},
			{Key: "WJ-001", Department: "WJ", Active: true, CertificateExpires: "2027-12-31", Qualifications: []string{"公共场所卫生", "卫生健康"}},
			{Key: "WJ-002", Department: "WJ", Active: true, CertificateExpires: "2027-12-31", Qualifications: []string{"公共场所卫生", "卫生健康"}},
			{Key: "WJ-003", Department: "WJ", Active: true, CertificateExpires: "2029-03-31", Qualifications: []string{"卫生健康", "公共场所卫生"}},
			{Key: "WJ-004", Department: "WJ", Active: true, CertificateExpires: "2028-08-31", Qualifications: []string{"公共场所卫生", "卫生健康"}},
			{Key: "WJ-E01", Department: "WJ", Expert: true, Active: true, Qualifications: []string{"公共场所卫生"}},
			// Not a participating department.
			{Key: "YJ-001", Department: "YJ", Active: true, CertificateExpires: "2028-12-31", Qualifications: []string{"应急管理"}},
		},
		Conflicts: []Conflict{{Inspector: "SCJG-001", Target: k[21]}, {Inspector: "WJ-002", Target: k[22]}},
		Rotation:  []Assignment{{Inspector: "WJ-001", Target: k[21]}},
	}
}
