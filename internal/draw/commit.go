package draw

import (
	"crypto/rand"
	"crypto/sha256"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Inspector is an entry of the inspector pool (the task's share of the 执法检查人员名录库).
// Key is a stable business key that may be published (e.g. the 执法证号 or a library code),
// never the ID number.
type Inspector struct {
	Key        string `json:"key"`
	Department string `json:"department"`
	// Expert 专家: may join a team but never counts towards the two officers (行政处罚法 art. 42).
	Expert bool `json:"expert"`
	Active bool `json:"active"`
	// CertificateExpires is the last day (YYYY-MM-DD) the enforcement certificate is valid; ""
	// when the inspector holds none. Experts need none.
	CertificateExpires string   `json:"certificateExpires"`
	Qualifications     []string `json:"qualifications"`
}

// Conflict is a declared interest (回避, 行政处罚法 art. 43): the inspector must not inspect the
// target.
type Conflict struct {
	Inspector string `json:"inspector"`
	Target    string `json:"target"`
}

// Assignment is a past (inspector, target) assignment inside the rotation window: the
// inspector is not sent to that target again.
type Assignment struct {
	Inspector string `json:"inspector"`
	Target    string `json:"target"`
}

// Inputs are everything a draw depends on besides the secret and the entropy.
type Inputs struct {
	Frame      *Frame
	Params     Params
	Inspectors []Inspector
	Conflicts  []Conflict
	Rotation   []Assignment
}

// StratumCount is a stratum's N (eligible), excluded count and n (to draw), as committed.
type StratumCount struct {
	Name     string `json:"name"`
	Eligible int    `json:"eligible"`
	Excluded int    `json:"excluded"`
	Draw     int    `json:"draw"`
}

// Commitment (承诺) is published and logged before the external entropy exists. Its canonical
// JSON (docs/draw-algorithm.md §4) is hashed into the commitment digest, which enters the seed.
type Commitment struct {
	Algorithm           string         `json:"algorithm"`
	Params              Params         `json:"params"`
	FrameRoot           Hash           `json:"frameRoot"`
	FrameSize           int            `json:"frameSize"`
	Strata              []StratumCount `json:"strata"`
	InspectorPoolDigest Hash           `json:"inspectorPoolDigest"`
	ConflictDigest      Hash           `json:"conflictDigest"`
	RotationDigest      Hash           `json:"rotationDigest"`
	SecretHash          Hash           `json:"secretHash"`
}

// CanonicalJSON is the canonical serialisation of the commitment.
func (c Commitment) CanonicalJSON() ([]byte, error) { return canonicalJSON(c) }

// Digest is SHA-256 of the canonical serialisation.
func (c Commitment) Digest() (Hash, error) {
	h, _, err := digestJSON(c)
	return h, err
}

// SecretSize is the length of the server secret. A fixed length keeps the seed input
// unambiguous although the secret is raw bytes that may contain 0x00.
const SecretSize = 32

// NewSecret returns a fresh server secret from the operating system's CSPRNG.
func NewSecret() ([]byte, error) {
	b := make([]byte, SecretSize)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	return b, nil
}

// SecretHash is H(secret) = SHA-256(secret), committed before the draw and checked at reveal.
func SecretHash(secret []byte) Hash { return sha256.Sum256(secret) }

// NormalizeInspectors returns the pool in canonical order (by key) with sorted, de-duplicated
// qualifications; it is what the pool digest covers.
func NormalizeInspectors(in []Inspector) []Inspector {
	out := make([]Inspector, len(in))
	for i, x := range in {
		x.Qualifications = sortedSet(x.Qualifications)
		out[i] = x
	}
	slices.SortStableFunc(out, func(a, b Inspector) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// pairKey is the canonical order of (inspector, target) pairs: inspector, then target.
func pairKey(inspector, target string) string { return inspector + "\x00" + target }

// normalizePairs sorts (inspector, target) pairs and drops duplicates.
func normalizePairs[T Conflict | Assignment](in []T, key func(T) string) []T {
	out := slices.Clone(in)
	if out == nil {
		out = []T{}
	}
	slices.SortFunc(out, func(a, b T) int { return strings.Compare(key(a), key(b)) })
	return slices.CompactFunc(out, func(a, b T) bool { return key(a) == key(b) })
}

func conflictKey(c Conflict) string     { return pairKey(c.Inspector, c.Target) }
func assignmentKey(a Assignment) string { return pairKey(a.Inspector, a.Target) }

func validDate(s string) bool {
	t, err := time.Parse(time.DateOnly, s)
	return err == nil && t.Year() >= 1 && t.Format(time.DateOnly) == s
}

func validatePool(pool []Inspector, conflicts []Conflict, rotation []Assignment) error {
	for i, x := range pool {
		if !validName(x.Key) {
			return errorf(CodeInvalidPool, "检查人员标识“%s”无效：不能为空，须为 UTF-8 且不含 0x00 字节", x.Key)
		}
		if i > 0 && pool[i-1].Key == x.Key {
			return errorf(CodeInvalidPool, "检查人员“%s”在检查人员池中出现多次", x.Key)
		}
		if !validName(x.Department) {
			return errorf(CodeInvalidPool, "检查人员“%s”的所属部门无效", x.Key)
		}
		if x.CertificateExpires != "" && !validDate(x.CertificateExpires) {
			return errorf(CodeInvalidPool, "检查人员“%s”的执法证有效期“%s”无效：格式应为 YYYY-MM-DD", x.Key, x.CertificateExpires)
		}
		for _, q := range x.Qualifications {
			if !validName(q) {
				return errorf(CodeInvalidPool, "检查人员“%s”的执法资格“%s”无效", x.Key, q)
			}
		}
	}
	for _, c := range conflicts {
		if !validName(c.Inspector) || !validName(c.Target) {
			return errorf(CodeInvalidPool, "回避关系（检查人员“%s”，对象“%s”）无效", c.Inspector, c.Target)
		}
	}
	for _, a := range rotation {
		if !validName(a.Inspector) || !validName(a.Target) {
			return errorf(CodeInvalidPool, "轮换记录（检查人员“%s”，对象“%s”）无效", a.Inspector, a.Target)
		}
	}
	return nil
}

// prepared holds validated, normalised inputs and the derived counts.
type prepared struct {
	frame     *Frame
	params    Params
	pool      []Inspector
	conflicts []Conflict
	rotation  []Assignment
	counts    []StratumCount // one per params stratum, in order
}

func prepare(in Inputs) (*prepared, error) {
	if in.Frame == nil {
		return nil, errorf(CodeInvalidFrame, "缺少抽取框")
	}
	// A frame NewFrame built and validated, and has not been changed since, is not checked a
	// second time (frameSeal); any other frame is.
	if err := in.Frame.validateOnce(); err != nil {
		return nil, err
	}
	pr := &prepared{
		frame:     in.Frame,
		params:    in.Params.Normalize(),
		pool:      NormalizeInspectors(in.Inspectors),
		conflicts: normalizePairs(in.Conflicts, conflictKey),
		rotation:  normalizePairs(in.Rotation, assignmentKey),
	}
	if err := ValidateParams(pr.params); err != nil {
		return nil, err
	}
	if err := validatePool(pr.pool, pr.conflicts, pr.rotation); err != nil {
		return nil, err
	}
	declared := map[string]bool{}
	for i, s := range pr.params.Strata {
		declared[s.Name] = true
		c := StratumCount{Name: s.Name}
		if fs := in.Frame.Stratum(s.Name); fs != nil {
			c.Eligible, c.Excluded = len(fs.Eligible), len(fs.Excluded)
		}
		if c.Eligible > maxEligible {
			return nil, errorf(CodeInvalidFrame, "层“%s”的候选对象过多（%d）", s.Name, c.Eligible)
		}
		c.Draw = DrawCount(s, c.Eligible)
		if err := checkCountCap(pr.params, i, s, c.Eligible, c.Draw); err != nil {
			return nil, err
		}
		pr.counts = append(pr.counts, c)
	}
	for _, fs := range in.Frame.Strata {
		if !declared[fs.Name] {
			return nil, errorf(CodeInvalidFrame, "抽取框中的层“%s”未在抽取参数中定义", fs.Name)
		}
	}
	return pr, nil
}

func (pr *prepared) commitment(secretHash Hash) (Commitment, error) {
	c := Commitment{
		Algorithm:  Algorithm,
		Params:     pr.params,
		FrameRoot:  pr.frame.Root(),
		FrameSize:  pr.frame.Size(),
		Strata:     pr.counts,
		SecretHash: secretHash,
	}
	var err error
	if c.InspectorPoolDigest, _, err = digestJSON(pr.pool); err != nil {
		return Commitment{}, errorf(CodeInvalidPool, "检查人员池无法规范化：%v", err)
	}
	if c.ConflictDigest, _, err = digestJSON(pr.conflicts); err != nil {
		return Commitment{}, errorf(CodeInvalidPool, "回避关系无法规范化：%v", err)
	}
	if c.RotationDigest, _, err = digestJSON(pr.rotation); err != nil {
		return Commitment{}, errorf(CodeInvalidPool, "轮换记录无法规范化：%v", err)
	}
	if _, err := c.CanonicalJSON(); err != nil {
		return Commitment{}, invalid("抽取参数无法规范化：%v", err)
	}
	return c, nil
}

// Commit validates the inputs and builds the commitment: frame root, per-stratum N and n, the
// normalised parameters, the digests of the inspector pool, the conflicts and the rotation
// history, and H(secret). Nothing in it depends on the entropy, which does not exist yet.
func Commit(in Inputs, secretHash Hash) (Commitment, error) {
	pr, err := prepare(in)
	if err != nil {
		return Commitment{}, err
	}
	return pr.commitment(secretHash)
}

// InspectorPoolDigest is SHA-256 of the canonical JSON of the normalised pool.
func InspectorPoolDigest(pool []Inspector) (Hash, error) {
	h, _, err := digestJSON(NormalizeInspectors(pool))
	return h, err
}

var seedTag = []byte(Algorithm + "\x00")

// Seed is S = SHA-256("ssgk-draw/v1" ‖ 0x00 ‖ commitment digest ‖ 0x00 ‖ secret ‖ 0x00 ‖
// entropy), the digest as 32 raw bytes and the entropy as its exact UTF-8 bytes — never trimmed
// or normalised: the witnesses' string is the input.
func Seed(commitmentDigest Hash, secret []byte, entropy string) Hash {
	b := make([]byte, 0, len(seedTag)+32+1+len(secret)+1+len(entropy))
	b = append(b, seedTag...)
	b = append(b, commitmentDigest[:]...)
	b = append(b, 0)
	b = append(b, secret...)
	b = append(b, 0)
	b = append(b, entropy...)
	return sha256.Sum256(b)
}

// ValidateEntropy accepts any non-empty valid UTF-8 string, exactly as entered.
func ValidateEntropy(entropy string) error {
	if entropy == "" || !utf8.ValidString(entropy) {
		return errorf(CodeInvalidEntropy, "外部熵不能为空，且须为有效的 UTF-8 文本（按录入原样使用，不去空格、不转换）")
	}
	return nil
}

// DeriveSeed checks the revealed secret against the commitment and the entropy, and returns the
// commitment digest and the seed.
func DeriveSeed(c Commitment, secret []byte, entropy string) (digest, seed Hash, err error) {
	if len(secret) != SecretSize {
		return Hash{}, Hash{}, errorf(CodeInvalidSecret, "服务器密钥应为 %d 字节，实际为 %d 字节", SecretSize, len(secret))
	}
	if SecretHash(secret) != c.SecretHash {
		return Hash{}, Hash{}, errorf(CodeInvalidSecret, "服务器密钥与承诺中的 H(secret) %s 不符", c.SecretHash)
	}
	if err := ValidateEntropy(entropy); err != nil {
		return Hash{}, Hash{}, err
	}
	digest, err = c.Digest()
	if err != nil {
		return Hash{}, Hash{}, invalid("承诺无法规范化：%v", err)
	}
	return digest, Seed(digest, secret, entropy), nil
}
