package uscc

import "testing"

func TestValidate_KnownCodes(t *testing.T) {
	for _, c := range []string{"91350200776049653A", "91440101MA5CJQ4N59", "913502000728319549"} {
		if err := Validate(c); err != nil {
			t.Errorf("Validate(%q) = %v, want nil", c, err)
		}
	}
}

func TestValidate_Rejections(t *testing.T) {
	cases := map[string]string{
		"wrong check":   "91350200776049653B",
		"too short":     "9135020077604965",
		"forbidden I":   "9135020077604965IA",
		"lower case":    "91440101ma5cjq4n59",
		"bad check chr": "91350200776049653Z",
		"empty":         "",
	}
	for name, c := range cases {
		if err := Validate(c); err == nil || !IsInvalid(err) {
			t.Errorf("%s: Validate(%q) = %v, want invalid", name, c, err)
		}
	}
}

func TestCheckChar_RoundTrip(t *testing.T) {
	if got := CheckChar("91350200776049653"); got != 'A' {
		t.Fatalf("CheckChar = %c, want A", got)
	}
}

func TestValidateIDNumber(t *testing.T) {
	if err := ValidateIDNumber("34052419800101001X"); err != nil {
		t.Fatalf("valid id rejected: %v", err)
	}
	for _, bad := range []string{"340524198001010011", "3405241980010100", "34052419800101A01X"} {
		if err := ValidateIDNumber(bad); err == nil {
			t.Errorf("ValidateIDNumber(%q) accepted", bad)
		}
	}
	if got := IDCheckChar("34052419800101001"); got != 'X' {
		t.Fatalf("IDCheckChar = %c", got)
	}
}

func TestValidateRegNo(t *testing.T) {
	// 110108000000016 is a commonly cited valid Beijing registration number.
	if err := ValidateRegNo("110108000000016"); err != nil {
		t.Fatalf("valid reg no rejected: %v", err)
	}
	if err := ValidateRegNo("110108000000017"); err == nil {
		t.Fatal("wrong check digit accepted")
	}
}

func TestMask(t *testing.T) {
	if got := Mask("34052419800101001X"); got != "3405**********001X" {
		t.Fatalf("Mask = %q", got)
	}
	if got := Mask("1234"); got != "****" {
		t.Fatalf("Mask short = %q", got)
	}
}

func TestOrgCodeCheckChar(t *testing.T) {
	// Positions 9–17 of valid USCCs are organisation codes with their own check character.
	for _, code := range []string{"91350200776049653A", "913502000728319549"} {
		org := code[8:17]
		if got := OrgCodeCheckChar(org[:8]); got != org[8] {
			t.Errorf("OrgCodeCheckChar(%s) = %c, want %c", org[:8], got, org[8])
		}
	}
}
