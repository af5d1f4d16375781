package draw

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// fixtureBundle is the fixture drawn, with one recusal and one replacement, as published.
func fixtureBundle(t testing.TB) *Bundle {
	t.Helper()
	in := fixtureInputs()
	c, _, o := mustRun(t, in, fixtureSecret, fixtureEntropy)
	for _, a := range fixture.Amendments {
		var err error
		switch a.Kind {
		case AmendRecuse:
			o, err = Recuse(in, o, a.Target, a.Recused, a.Reason)
		case AmendReplace:
			o, err = Replace(in, o, a.Target, a.Reason)
		default:
			t.Fatalf("fixture amendment kind %s", a.Kind)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	b, err := NewBundle(in, c, fixtureEntropy, fixtureSecret, o)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func roundTrip(t testing.TB, b *Bundle) *Bundle {
	t.Helper()
	raw, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	var back Bundle
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	return &back
}

func TestVerify_PublishedBundleVerifies(t *testing.T) {
	if err := Verify(roundTrip(t, fixtureBundle(t))); err != nil {
		t.Fatal(err)
	}
}

func TestVerify_ReportsFirstMismatch(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(b *Bundle) string // returns the expected part of the message
	}{
		{"drawn target swapped", func(b *Bundle) string {
			d := &b.Outcome.Strata[1].Drawn[0]
			want := d.Key
			d.Key = "91370921C3DB74665N"
			return fmt.Sprintf("第 2 层（B）第 1 个抽中对象应为 %s，包中为 91370921C3DB74665N", want)
		}},
		{"drawn target dropped", func(b *Bundle) string {
			b.Outcome.Strata[2].Drawn = b.Outcome.Strata[2].Drawn[:2]
			return "第 3 层（C）应抽中 3 户，包中为 2 户"
		}},
		{"entropy changed by one digit", func(b *Bundle) string {
			b.Entropy = strings.Replace(b.Entropy, "3-6-1", "3-6-2", 1)
			return "种子应为"
		}},
		{"entropy with a trailing space", func(b *Bundle) string { b.Entropy += " "; return "种子应为" }},
		{"other secret", func(b *Bundle) string {
			b.Secret = strings.Repeat("ab", 32)
			return "公开的服务器密钥与承诺不符"
		}},
		{"candidate removed from frame", func(b *Bundle) string {
			b.Frame.Strata[0].Eligible = b.Frame.Strata[0].Eligible[1:]
			return "抽取框 Merkle 根应为"
		}},
		{"inspector's certificate edited", func(b *Bundle) string {
			b.Inspectors[4].CertificateExpires = "2030-01-01"
			return "检查人员池摘要应为"
		}},
		{"conflict hidden", func(b *Bundle) string { b.Conflicts = b.Conflicts[1:]; return "回避关系摘要应为" }},
		{"ratio edited", func(b *Bundle) string { b.Commitment.Params.Strata[0].RatioPPM = 40_000; return "承诺摘要应为" }},
		{"team member swapped", func(b *Bundle) string {
			m := &b.Outcome.Teams[2].Members[1]
			want := m.Inspector
			m.Inspector = "SCJG-E01"
			return fmt.Sprintf("按抽签值顺序第 3 个检查组（对象 %s）第 2 名成员应为 %s，包中为 SCJG-E01", b.Outcome.Teams[2].Target, want)
		}},
		{"recusal outcome edited", func(b *Bundle) string {
			a := &b.Outcome.Amendments[0]
			a.Team.Members[0].Inspector = "SCJG-E01"
			return fmt.Sprintf("第 1 项变更（回避重组，对象 %s）后的检查组", a.Target)
		}},
		{"replacement edited", func(b *Bundle) string {
			a := &b.Outcome.Amendments[1]
			a.Replacement.Key = "91370921C3DB74665N"
			return fmt.Sprintf("第 2 项变更（对象替换，对象 %s）的替换对象应为", a.Target)
		}},
		{"amendment of an undrawn target", func(b *Bundle) string {
			b.Outcome.Amendments[0].Target = "91370921FFCB13446B"
			return "无法重放"
		}},
		{"unsorted frame", func(b *Bundle) string {
			e := b.Frame.Strata[0].Eligible
			e[0], e[1] = e[1], e[0]
			return "验证包的数据不符合规范"
		}},
		{"other algorithm", func(b *Bundle) string { b.Algorithm = "ssgk-draw/v2"; return "本程序实现的是 ssgk-draw/v1" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := roundTrip(t, fixtureBundle(t))
			want := tt.tamper(b)
			err := Verify(b)
			if codeOf(err) != CodeVerifyMismatch || !strings.Contains(err.Error(), want) {
				t.Fatalf("got %v\nwant VERIFY_MISMATCH containing %q", err, want)
			}
		})
	}
}

// The commitment fixes everything before the entropy: same inputs → same digest; any input →
// a different one.
func TestCommit_DigestCoversEveryInput(t *testing.T) {
	digest := func(in Inputs, secret []byte) Hash {
		c, err := Commit(in, SecretHash(secret))
		if err != nil {
			t.Fatal(err)
		}
		d, _ := c.Digest()
		return d
	}
	d0 := digest(fixtureInputs(), fixtureSecret)
	if digest(fixtureInputs(), fixtureSecret) != d0 {
		t.Fatal("same inputs, different digest")
	}
	changes := map[string]func(in *Inputs) []byte{
		"secret": func(in *Inputs) []byte { s := append([]byte{}, fixtureSecret...); s[31]++; return s },
		"inspector": func(in *Inputs) []byte {
			in.Inspectors[0].Qualifications = []string{"市场监管"}
			return fixtureSecret
		},
		"conflict":    func(in *Inputs) []byte { in.Conflicts = nil; return fixtureSecret },
		"rotation":    func(in *Inputs) []byte { in.Rotation = nil; return fixtureSecret },
		"team rule":   func(in *Inputs) []byte { in.Params.Team.Experts = 0; return fixtureSecret },
		"exclusion":   func(in *Inputs) []byte { in.Params.Exclusion.RecentMonths = 6; return fixtureSecret },
		"task number": func(in *Inputs) []byte { in.Params.Task = "37092120260008"; return fixtureSecret },
	}
	for name, change := range changes {
		in := fixtureInputs()
		secret := change(&in)
		if digest(in, secret) == d0 {
			t.Errorf("changing the %s does not change the commitment digest", name)
		}
	}
	// Input order does not matter: the pool and pairs are normalised.
	in := fixtureInputs()
	in.Inspectors[0], in.Inspectors[5] = in.Inspectors[5], in.Inspectors[0]
	in.Conflicts[0], in.Conflicts[1] = in.Conflicts[1], in.Conflicts[0]
	if digest(in, fixtureSecret) != d0 {
		t.Error("reordering the pool changes the digest")
	}
}

func TestDeriveSeed_ChecksSecretAndEntropy(t *testing.T) {
	c, err := Commit(fixtureInputs(), SecretHash(fixtureSecret))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := DeriveSeed(c, fixtureSecret[:16], fixtureEntropy); codeOf(err) != CodeInvalidSecret {
		t.Fatalf("short secret: %v", err)
	}
	other := append([]byte{}, fixtureSecret...)
	other[0] = 0xff
	if _, _, err := DeriveSeed(c, other, fixtureEntropy); codeOf(err) != CodeInvalidSecret {
		t.Fatalf("wrong secret: %v", err)
	}
	for _, e := range []string{"", "\xff\xfe"} {
		if _, _, err := DeriveSeed(c, fixtureSecret, e); codeOf(err) != CodeInvalidEntropy {
			t.Fatalf("entropy %q: %v", e, err)
		}
	}
	s, err := NewSecret()
	if err != nil || len(s) != SecretSize {
		t.Fatalf("NewSecret: %d bytes, %v", len(s), err)
	}
}
