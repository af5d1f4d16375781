package draw

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Hash is a SHA-256 value. In JSON and in messages it is 64 lowercase hexadecimal digits.
// Compared as a 256-bit big-endian unsigned integer, which is plain byte order.
type Hash [32]byte

// String returns the lowercase hex form.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// MarshalText implements encoding.TextMarshaler (lowercase hex).
func (h Hash) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler; it accepts lowercase hex only, so that
// every hash has exactly one textual form.
func (h *Hash) UnmarshalText(b []byte) error {
	p, err := ParseHash(string(b))
	if err != nil {
		return err
	}
	*h = p
	return nil
}

// ParseHash parses 64 lowercase hex digits.
func ParseHash(s string) (Hash, error) {
	var h Hash
	if len(s) != 64 || strings.ToLower(s) != s {
		return h, fmt.Errorf("哈希值应为 64 位小写十六进制数字：%q", s)
	}
	if _, err := hex.Decode(h[:], []byte(s)); err != nil {
		return h, fmt.Errorf("哈希值应为 64 位小写十六进制数字：%q", s)
	}
	return h, nil
}

// canonicalJSON returns the canonical JSON form of v (docs/draw-algorithm.md §2): objects with
// member names sorted bytewise, no insignificant whitespace, strings escaped minimally (only
// '"', '\\' and U+0000–U+001F; \b \t \n \f \r short forms, others \u00xx lowercase), integers
// in plain decimal, no null, no floating point. For this subset it coincides with RFC 8785 (JCS)
// and with Python's json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False).
//
// v is first encoded with encoding/json (so struct tags name the members) and then re-encoded;
// encoding/json's own output is not canonical (it escapes <, >, & and U+2028).
func canonicalJSON(v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := writeCanonical(&buf, tree); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func writeCanonical(buf *bytes.Buffer, v any) error {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys) // Go string order is bytewise UTF-8 order
		buf.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				buf.WriteByte(',')
			}
			writeCanonicalString(buf, k)
			buf.WriteByte(':')
			if err := writeCanonical(buf, x[k]); err != nil {
				return fmt.Errorf("%s: %w", k, err)
			}
		}
		buf.WriteByte('}')
	case []any:
		buf.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := writeCanonical(buf, e); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
	case string:
		if !utf8.ValidString(x) {
			return fmt.Errorf("invalid UTF-8 in %q", x)
		}
		writeCanonicalString(buf, x)
	case json.Number:
		// Integers only: a float would need a rounding rule that every language shares.
		// Range −2⁶³ … 2⁶³−1 (§2), written in plain decimal whatever the input's spelling.
		n, err := strconv.ParseInt(x.String(), 10, 64)
		if err != nil {
			return fmt.Errorf("non-integer number %s", x)
		}
		buf.WriteString(strconv.FormatInt(n, 10))
	case bool:
		buf.WriteString(strconv.FormatBool(x))
	case nil:
		// A nil Go slice would encode as null while its JSON round trip gives []; forbid it so
		// that a digest never depends on that difference.
		return fmt.Errorf("null is not allowed in canonical JSON")
	default:
		return fmt.Errorf("unsupported JSON value %T", v)
	}
	return nil
}

func writeCanonicalString(buf *bytes.Buffer, s string) {
	const hexDigits = "0123456789abcdef"
	buf.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			buf.WriteString(`\"`)
		case '\\':
			buf.WriteString(`\\`)
		case '\b':
			buf.WriteString(`\b`)
		case '\t':
			buf.WriteString(`\t`)
		case '\n':
			buf.WriteString(`\n`)
		case '\f':
			buf.WriteString(`\f`)
		case '\r':
			buf.WriteString(`\r`)
		default:
			if c < 0x20 {
				buf.WriteString(`\u00`)
				buf.WriteByte(hexDigits[c>>4])
				buf.WriteByte(hexDigits[c&0xf])
			} else {
				buf.WriteByte(c) // UTF-8 bytes pass through unchanged
			}
		}
	}
	buf.WriteByte('"')
}

// digestJSON is SHA-256 over the canonical JSON of v.
func digestJSON(v any) (Hash, []byte, error) {
	b, err := canonicalJSON(v)
	if err != nil {
		return Hash{}, nil, err
	}
	return sha256.Sum256(b), b, nil
}

// validName reports whether s may serve as a key or a name in the draw: non-empty, valid UTF-8
// and free of the byte 0x00, which separates fields in the ticket and rank inputs (§5, §7 of
// the specification) — a 0x00 inside a name would make two different inputs hash alike.
func validName(s string) bool {
	return s != "" && utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}
