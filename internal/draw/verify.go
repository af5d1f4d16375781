package draw

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
)

// Bundle is the verification bundle published after the results (design.md §4.7): everything
// needed to re-derive the draw offline. It is plain JSON.
type Bundle struct {
	Algorithm        string       `json:"algorithm"`
	Commitment       Commitment   `json:"commitment"`
	CommitmentDigest Hash         `json:"commitmentDigest"`
	Frame            Frame        `json:"frame"`
	Inspectors       []Inspector  `json:"inspectors"`
	Conflicts        []Conflict   `json:"conflicts"`
	Rotation         []Assignment `json:"rotation"`
	Entropy          string       `json:"entropy"`
	Secret           string       `json:"secret"` // revealed server secret, lowercase hex
	Outcome          Outcome      `json:"outcome"`
	// Log anchors the bundle in the transparency log (§16, ssgk-draw-log/v1); absent in a v1
	// bundle.
	Log *Log `json:"log,omitempty"`
}

// NewBundle assembles the bundle of a revealed draw.
func NewBundle(in Inputs, c Commitment, entropy string, secret []byte, o *Outcome) (*Bundle, error) {
	d, err := c.Digest()
	if err != nil {
		return nil, err
	}
	if in.Frame == nil {
		return nil, errorf(CodeInvalidFrame, "缺少抽取框")
	}
	// Lists are never null in a bundle: other languages read them without special cases.
	frame := Frame{Strata: make([]FrameStratum, len(in.Frame.Strata))}
	for i, s := range in.Frame.Strata {
		s.Eligible = nonNil(s.Eligible)
		if s.Excluded == nil {
			s.Excluded = []ExcludedKey{}
		}
		frame.Strata[i] = s
	}
	out := *o
	if out.Amendments == nil {
		out.Amendments = []Amendment{}
	}
	return &Bundle{
		Algorithm:        Algorithm,
		Commitment:       c,
		CommitmentDigest: d,
		Frame:            frame,
		Inspectors:       NormalizeInspectors(in.Inspectors),
		Conflicts:        normalizePairs(in.Conflicts, conflictKey),
		Rotation:         normalizePairs(in.Rotation, assignmentKey),
		Entropy:          entropy,
		Secret:           hex.EncodeToString(secret),
		Outcome:          out,
	}, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// mismatch is a VERIFY_MISMATCH error with its cause (docs/draw-algorithm.md §11.2).
func mismatch(cause, format string, args ...any) *Error {
	e := errorf(CodeVerifyMismatch, format, args...)
	e.Cause = cause
	return e
}

// causeOf is the code of err as a cause of a VERIFY_MISMATCH, or def when err has none.
func causeOf(err error, def string) string {
	var e *Error
	if errors.As(err, &e) && e.Code != "" {
		return e.Code
	}
	return def
}

// Verify re-derives everything in the bundle — frame root, commitment, seed, targets, teams and
// amendments — and returns nil, or the first mismatch as a VERIFY_MISMATCH Error with a
// Chinese message that says what was expected and what the bundle holds, and with the failed
// check in Cause. The order of the checks is that of docs/draw-algorithm.md §10.2.
func Verify(b *Bundle) error {
	if b.Algorithm != Algorithm || b.Commitment.Algorithm != Algorithm {
		return mismatch(CauseUnsupportedAlgorithm, "验证包的算法版本为“%s”（承诺中为“%s”），本程序实现的是 %s", b.Algorithm, b.Commitment.Algorithm, Algorithm)
	}
	secret, err := hex.DecodeString(b.Secret)
	if err != nil || len(secret) != SecretSize || hex.EncodeToString(secret) != b.Secret {
		return mismatch(CodeInvalidSecret, "公开的服务器密钥应为 %d 位小写十六进制数字（%d 字节）", 2*SecretSize, SecretSize)
	}
	p1, err1 := canonicalJSON(b.Commitment.Params)
	p2, err2 := canonicalJSON(b.Commitment.Params.Normalize())
	if err1 != nil || err2 != nil || !bytes.Equal(p1, p2) {
		return mismatch(CodeInvalidParameters, "承诺中的抽取参数不是规范形式（各列表须按字节序排序、无重复，取整规则与检查组人数须写明）")
	}
	if err := checkNormalisedPool(b); err != nil {
		return err
	}
	pr, err := prepare(Inputs{Frame: &b.Frame, Params: b.Commitment.Params,
		Inspectors: b.Inspectors, Conflicts: b.Conflicts, Rotation: b.Rotation})
	if err != nil {
		return mismatch(causeOf(err, CodeInvalidParameters), "验证包的数据不符合规范：%s", messageOf(err))
	}
	c, err := pr.commitment(SecretHash(secret))
	if err != nil {
		return mismatch(causeOf(err, CodeInvalidParameters), "验证包的数据不符合规范：%s", messageOf(err))
	}
	if err := diffCommitment(c, b.Commitment); err != nil {
		return err
	}
	digest, err := c.Digest()
	if err != nil {
		return mismatch(CodeInvalidParameters, "承诺无法规范化：%v", err)
	}
	if digest != b.CommitmentDigest {
		return mismatch(CauseCommitmentDigestMismatch, "承诺摘要应为 %s，包中为 %s", digest, b.CommitmentDigest)
	}
	if err := ValidateEntropy(b.Entropy); err != nil {
		return mismatch(CodeInvalidEntropy, "%s", messageOf(err))
	}
	seed := Seed(digest, secret, b.Entropy)
	if seed != b.Outcome.Seed {
		return mismatch(CauseSeedMismatch, "种子应为 %s，包中为 %s", seed, b.Outcome.Seed)
	}
	o, err := run(pr, seed)
	if err != nil {
		return mismatch(causeOf(err, CauseTeamsMismatch), "按验证包的数据重新抽取失败：%s", messageOf(err))
	}
	if err := diffDraws(o.Strata, b.Outcome.Strata); err != nil {
		return err
	}
	if len(o.Teams) != len(b.Outcome.Teams) {
		return mismatch(CauseTeamsMismatch, "应有 %d 个检查组，包中为 %d 个", len(o.Teams), len(b.Outcome.Teams))
	}
	for i := range o.Teams {
		if err := diffTeam(CauseTeamsMismatch, fmt.Sprintf("按抽签值顺序第 %d 个检查组", i+1), o.Teams[i], b.Outcome.Teams[i]); err != nil {
			return err
		}
	}
	o.Amendments = b.Outcome.Amendments
	_, err = replay(pr, o, true)
	return err
}

// checkNormalisedPool requires the bundle's inspector pool, conflicts and rotation history in
// their normalised form (§4.2): the bundle holds exactly the lists the digests cover, so a list
// out of order, a repeated key or pair, or unsorted qualifications are rejected, not repaired.
func checkNormalisedPool(b *Bundle) error {
	for i, x := range b.Inspectors {
		if i > 0 && b.Inspectors[i-1].Key >= x.Key {
			return mismatch(CodeInvalidPool, "验证包的检查人员未按标识严格升序排列：“%s”之后是“%s”", b.Inspectors[i-1].Key, x.Key)
		}
		if !slices.Equal(x.Qualifications, sortedSet(x.Qualifications)) {
			return mismatch(CodeInvalidPool, "检查人员“%s”的执法资格未按字节序排序或有重复", x.Key)
		}
	}
	for _, l := range []struct {
		what  string
		pairs []string
	}{
		{"回避关系", pairKeys(b.Conflicts, conflictKey)},
		{"轮换记录", pairKeys(b.Rotation, assignmentKey)},
	} {
		for i := 1; i < len(l.pairs); i++ {
			if l.pairs[i-1] >= l.pairs[i] {
				return mismatch(CodeInvalidPool, "验证包的%s未按（检查人员，对象）严格升序排列或有重复", l.what)
			}
		}
	}
	return nil
}

func pairKeys[T Conflict | Assignment](in []T, key func(T) string) []string {
	out := make([]string, len(in))
	for i, x := range in {
		out[i] = key(x)
	}
	return out
}

func diffCommitment(want, got Commitment) error {
	if want.FrameRoot != got.FrameRoot {
		return mismatch(CauseFrameMismatch, "抽取框 Merkle 根应为 %s，承诺中为 %s", want.FrameRoot, got.FrameRoot)
	}
	if want.FrameSize != got.FrameSize {
		return mismatch(CauseFrameMismatch, "抽取框对象总数应为 %d，承诺中为 %d", want.FrameSize, got.FrameSize)
	}
	if len(want.Strata) != len(got.Strata) {
		return mismatch(CauseCountsMismatch, "承诺中应有 %d 个层，实有 %d 个", len(want.Strata), len(got.Strata))
	}
	for i, w := range want.Strata {
		g := got.Strata[i]
		switch {
		case w.Name != g.Name:
			return mismatch(CauseCountsMismatch, "承诺中第 %d 层应为“%s”，实为“%s”", i+1, w.Name, g.Name)
		case w.Eligible != g.Eligible:
			return mismatch(CauseCountsMismatch, "第 %d 层（%s）候选对象数 N 应为 %d，承诺中为 %d", i+1, w.Name, w.Eligible, g.Eligible)
		case w.Excluded != g.Excluded:
			return mismatch(CauseCountsMismatch, "第 %d 层（%s）排除对象数应为 %d，承诺中为 %d", i+1, w.Name, w.Excluded, g.Excluded)
		case w.Draw != g.Draw:
			return mismatch(CauseCountsMismatch, "第 %d 层（%s）应抽数量 n 应为 %d，承诺中为 %d", i+1, w.Name, w.Draw, g.Draw)
		}
	}
	if want.InspectorPoolDigest != got.InspectorPoolDigest {
		return mismatch(CauseDigestMismatch, "检查人员池摘要应为 %s，承诺中为 %s", want.InspectorPoolDigest, got.InspectorPoolDigest)
	}
	if want.ConflictDigest != got.ConflictDigest {
		return mismatch(CauseDigestMismatch, "回避关系摘要应为 %s，承诺中为 %s", want.ConflictDigest, got.ConflictDigest)
	}
	if want.RotationDigest != got.RotationDigest {
		return mismatch(CauseDigestMismatch, "轮换记录摘要应为 %s，承诺中为 %s", want.RotationDigest, got.RotationDigest)
	}
	if want.SecretHash != got.SecretHash {
		return mismatch(CodeInvalidSecret, "公开的服务器密钥与承诺不符：SHA-256(密钥) 为 %s，承诺中的 H(secret) 为 %s", want.SecretHash, got.SecretHash)
	}
	return nil
}

func diffDraws(want, got []StratumDraw) error {
	if len(want) != len(got) {
		return mismatch(CauseTargetsMismatch, "抽取结果应有 %d 个层，包中为 %d 个", len(want), len(got))
	}
	for i, w := range want {
		g := got[i]
		if w.Stratum != g.Stratum {
			return mismatch(CauseTargetsMismatch, "抽取结果第 %d 层应为“%s”，包中为“%s”", i+1, w.Stratum, g.Stratum)
		}
		for j := range min(len(w.Drawn), len(g.Drawn)) {
			if w.Drawn[j].Key != g.Drawn[j].Key {
				return mismatch(CauseTargetsMismatch, "第 %d 层（%s）第 %d 个抽中对象应为 %s，包中为 %s", i+1, w.Stratum, j+1, w.Drawn[j].Key, g.Drawn[j].Key)
			}
			if w.Drawn[j].Ticket != g.Drawn[j].Ticket {
				return mismatch(CauseTargetsMismatch, "第 %d 层（%s）第 %d 个抽中对象 %s 的抽签值应为 %s，包中为 %s", i+1, w.Stratum, j+1, w.Drawn[j].Key, w.Drawn[j].Ticket, g.Drawn[j].Ticket)
			}
		}
		if len(w.Drawn) != len(g.Drawn) {
			return mismatch(CauseTargetsMismatch, "第 %d 层（%s）应抽中 %d 户，包中为 %d 户", i+1, w.Stratum, len(w.Drawn), len(g.Drawn))
		}
	}
	return nil
}

func diffTeam(cause, label string, want, got Team) error {
	switch {
	case want.Target != got.Target:
		return mismatch(cause, "%s的对象应为 %s，包中为 %s", label, want.Target, got.Target)
	case want.Stratum != got.Stratum:
		return mismatch(cause, "%s（对象 %s）的层应为“%s”，包中为“%s”", label, want.Target, want.Stratum, got.Stratum)
	case want.Position != got.Position:
		return mismatch(cause, "%s（对象 %s）的层内名次应为 %d，包中为 %d", label, want.Target, want.Position, got.Position)
	case want.Ticket != got.Ticket:
		return mismatch(cause, "%s（对象 %s）的抽签值应为 %s，包中为 %s", label, want.Target, want.Ticket, got.Ticket)
	}
	for k := range min(len(want.Members), len(got.Members)) {
		w, g := want.Members[k], got.Members[k]
		if w.Inspector != g.Inspector {
			return mismatch(cause, "%s（对象 %s）第 %d 名成员应为 %s，包中为 %s", label, want.Target, k+1, w.Inspector, g.Inspector)
		}
		if w.Department != g.Department || w.Expert != g.Expert || w.Rank != g.Rank {
			return mismatch(cause, "%s（对象 %s）第 %d 名成员 %s 的部门、专家标记或排序值应为 %s/%t/%s，包中为 %s/%t/%s",
				label, want.Target, k+1, w.Inspector, w.Department, w.Expert, w.Rank, g.Department, g.Expert, g.Rank)
		}
	}
	if len(want.Members) != len(got.Members) {
		return mismatch(cause, "%s（对象 %s）应有 %d 名成员，包中为 %d 名", label, want.Target, len(want.Members), len(got.Members))
	}
	return nil
}

func diffAmendment(label string, want, got Amendment) error {
	if !slices.Equal(want.Recused, got.Recused) {
		return mismatch(CauseAmendmentMismatch, "%s的回避人员应写为 %v（排序、无重复），包中为 %v", label, want.Recused, got.Recused)
	}
	switch {
	case (want.Replacement == nil) != (got.Replacement == nil):
		return mismatch(CauseAmendmentMismatch, "%s的替换对象与变更类型不符", label)
	case want.Replacement != nil && *want.Replacement != *got.Replacement:
		return mismatch(CauseAmendmentMismatch, "%s的替换对象应为 %s（抽签值 %s），包中为 %s（抽签值 %s）", label,
			want.Replacement.Key, want.Replacement.Ticket, got.Replacement.Key, got.Replacement.Ticket)
	}
	return diffTeam(CauseAmendmentMismatch, label+"后的检查组", want.Team, got.Team)
}
