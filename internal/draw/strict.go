package draw

import (
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// MaxInt is the largest integer a bundle may hold (2⁵³ − 1, docs/draw-algorithm.md §2): every
// integer of the algorithm is exact in an IEEE double as well, so that a verifier in any language
// reads it without loss. Every integer member of params, commitment and bundle lies in 0 … MaxInt.
const MaxInt = 1<<53 - 1

// CodeInvalidBundle is the code of a bundle that is not a well-formed ssgk-draw/v1 bundle
// (docs/draw-algorithm.md §10.1): not UTF-8 JSON, an unpaired surrogate escape, a member twice,
// an unknown or missing member, null where no null is allowed, a value of the wrong type, or an
// integer that is not a plain decimal in 0 … MaxInt.
const CodeInvalidBundle = "INVALID_BUNDLE"

// ParseBundle decodes a published bundle strictly (docs/draw-algorithm.md §10.1); json.Unmarshal
// into a *Bundle does the same. The error is an *Error with code INVALID_BUNDLE.
func ParseBundle(raw []byte) (*Bundle, error) {
	var b Bundle
	if err := b.UnmarshalJSON(raw); err != nil {
		return nil, err
	}
	return &b, nil
}

// UnmarshalJSON decodes a bundle strictly: the exact member set of every object (unknown and
// missing members are rejected), no member twice, null only for an amendment's replacement,
// integers as plain decimals in 0 … MaxInt, valid UTF-8 without escaped unpaired surrogates.
// Members a later section adds to the Go types are required as well (json tag without
// omitempty) or optional (omitempty).
func (b *Bundle) UnmarshalJSON(raw []byte) error {
	if err := checkStrictJSON(raw, reflect.TypeFor[Bundle]()); err != nil {
		return &Error{Code: CodeInvalidBundle, Cause: CodeInvalidBundle, Message: "验证包格式不符合规范：" + err.Error()}
	}
	type plain Bundle // no UnmarshalJSON: the shape is checked already
	var p plain
	if err := json.Unmarshal(raw, &p); err != nil {
		return &Error{Code: CodeInvalidBundle, Cause: CodeInvalidBundle, Message: "验证包格式不符合规范：" + err.Error()}
	}
	*b = Bundle(p)
	return nil
}

// checkStrictJSON checks raw against the JSON shape of the Go type t.
func checkStrictJSON(raw []byte, t reflect.Type) error {
	if !json.Valid(raw) {
		var x any
		return fmt.Errorf("不是有效的 JSON：%v", json.Unmarshal(raw, &x))
	}
	if !utf8.Valid(raw) {
		return errors.New("不是有效的 UTF-8 文本")
	}
	if err := checkSurrogates(raw); err != nil {
		return err
	}
	w := &walker{raw: raw}
	return w.value(t)
}

// checkSurrogates rejects a \u escape that denotes half of a surrogate pair without the other
// half: such a string is not Unicode text, and decoders disagree about it (Go substitutes
// U+FFFD, Python keeps a lone surrogate).
func checkSurrogates(raw []byte) error {
	hex4 := func(i int) (rune, bool) {
		if i+6 > len(raw) || raw[i] != '\\' || raw[i+1] != 'u' {
			return 0, false
		}
		v, err := strconv.ParseUint(string(raw[i+2:i+6]), 16, 16)
		return rune(v), err == nil
	}
	in := false
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; {
		case c == '"':
			in = !in
		case in && c == '\\':
			r, ok := hex4(i)
			if !ok {
				i++ // a two-character escape
				continue
			}
			switch {
			case r >= 0xd800 && r < 0xdc00:
				if lo, ok := hex4(i + 6); ok && lo >= 0xdc00 && lo < 0xe000 {
					i += 11
					continue
				}
				return fmt.Errorf("字符串中有不成对的代理项转义 \\u%04x", r)
			case r >= 0xdc00 && r < 0xe000:
				return fmt.Errorf("字符串中有不成对的代理项转义 \\u%04x", r)
			}
			i += 5
		}
	}
	return nil
}

// plainInt is a JSON integer as the bundle writes it: no sign, no leading zero, no fraction, no
// exponent.
var plainInt = regexp.MustCompile(`^(0|[1-9][0-9]*)$`)

type member struct {
	name     string
	t        reflect.Type
	optional bool
}

var membersCache sync.Map // reflect.Type → []member

// membersOf lists the JSON members of a struct type: exported fields with their json names.
func membersOf(t reflect.Type) []member {
	if m, ok := membersCache.Load(t); ok {
		return m.([]member)
	}
	var out []member
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		out = append(out, member{name: name, t: f.Type, optional: strings.Contains(","+opts+",", ",omitempty,")})
	}
	membersCache.Store(t, out)
	return out
}

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

// walker checks a JSON text that json.Valid accepted against a Go type, byte by byte: the
// syntax is known to be right, so it only has to find where each value starts and ends. (The
// json.Decoder token API would do the same at about three times the cost of decoding the
// bundle; this costs a fraction of it.)
type walker struct {
	raw   []byte
	pos   int
	stack []step // where the value being checked is, rendered only for a message
}

// step is a member name, or an array index when name is "".
type step struct {
	name string
	idx  int
}

// at renders the current place, e.g. $.outcome.teams[2].members[0].rank.
func (w *walker) at() string {
	var b strings.Builder
	b.WriteString("$")
	for _, s := range w.stack {
		if s.name == "" {
			b.WriteString("[" + strconv.Itoa(s.idx) + "]")
		} else {
			b.WriteString("." + s.name)
		}
	}
	return b.String()
}

func (w *walker) ws() {
	for w.pos < len(w.raw) {
		switch w.raw[w.pos] {
		case ' ', '\t', '\n', '\r':
			w.pos++
		default:
			return
		}
	}
}

// str reads a string at pos and returns its value.
func (w *walker) str() string {
	start := w.pos
	w.pos++ // '"'
	escaped := false
	for {
		c := w.raw[w.pos]
		if c == '"' {
			break
		}
		if c == '\\' {
			escaped = true
			w.pos++
		}
		w.pos++
	}
	w.pos++
	if !escaped {
		return string(w.raw[start+1 : w.pos-1])
	}
	var v string
	_ = json.Unmarshal(w.raw[start:w.pos], &v) // valid JSON: cannot fail
	return v
}

// skip passes over the value at pos (the text is valid JSON).
func (w *walker) skip() {
	w.ws()
	switch w.raw[w.pos] {
	case '"':
		w.str()
	case '{', '[':
		depth := 0
		for {
			switch w.raw[w.pos] {
			case '"':
				w.str()
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
			w.pos++
			if depth == 0 {
				return
			}
		}
	default: // number or literal
		for w.pos < len(w.raw) && !strings.ContainsRune(" \t\n\r,]}", rune(w.raw[w.pos])) {
			w.pos++
		}
	}
}

// scalar reads a number or a literal at pos.
func (w *walker) scalar() string {
	start := w.pos
	for w.pos < len(w.raw) && !strings.ContainsRune(" \t\n\r,]}", rune(w.raw[w.pos])) {
		w.pos++
	}
	return string(w.raw[start:w.pos])
}

// kind names the JSON type of the value at pos, for messages.
func (w *walker) kind() string {
	switch w.raw[w.pos] {
	case '"':
		return "字符串"
	case '{':
		return "对象"
	case '[':
		return "数组"
	case 't', 'f':
		return "布尔值"
	case 'n':
		return "null"
	}
	return "数字"
}

// value checks the value at pos against type t.
func (w *walker) value(t reflect.Type) error {
	w.ws()
	path := w.at
	c := w.raw[w.pos]
	if t.Kind() == reflect.Pointer {
		if c == 'n' {
			w.pos += len("null") // the one place null is allowed: a pointer (an amendment's replacement)
			return nil
		}
		t = t.Elem()
	}
	if c == 'n' {
		return fmt.Errorf("%s 不能为 null", path())
	}
	if reflect.PointerTo(t).Implements(textUnmarshaler) {
		if c != '"' {
			return fmt.Errorf("%s 应为字符串，实为%s", path(), w.kind())
		}
		v := reflect.New(t).Interface().(encoding.TextUnmarshaler)
		if err := v.UnmarshalText([]byte(w.str())); err != nil {
			return fmt.Errorf("%s：%v", path(), err)
		}
		return nil
	}
	switch t.Kind() {
	case reflect.String:
		if c != '"' {
			return fmt.Errorf("%s 应为字符串，实为%s", path(), w.kind())
		}
		w.skip()
	case reflect.Bool:
		if c != 't' && c != 'f' {
			return fmt.Errorf("%s 应为 true 或 false，实为%s", path(), w.kind())
		}
		w.scalar()
	case reflect.Int, reflect.Int64, reflect.Int32:
		if c != '-' && (c < '0' || c > '9') {
			return fmt.Errorf("%s 应为整数，实为%s", path(), w.kind())
		}
		n := w.scalar()
		if !plainInt.MatchString(n) {
			return fmt.Errorf("%s 应为不带符号、小数点和指数的十进制整数，实为 %s", path(), n)
		}
		if v, err := strconv.ParseUint(n, 10, 64); err != nil || v > MaxInt {
			return fmt.Errorf("%s 超出整数范围 0 … 2⁵³−1：%s", path(), n)
		}
	case reflect.Slice:
		if c != '[' {
			return fmt.Errorf("%s 应为数组，实为%s", path(), w.kind())
		}
		w.pos++
		w.ws()
		for i := 0; w.raw[w.pos] != ']'; i++ {
			w.stack = append(w.stack, step{idx: i})
			if err := w.value(t.Elem()); err != nil {
				return err
			}
			w.stack = w.stack[:len(w.stack)-1]
			w.ws()
			if w.raw[w.pos] == ',' {
				w.pos++
			}
			w.ws()
		}
		w.pos++
	case reflect.Struct:
		if c != '{' {
			return fmt.Errorf("%s 应为对象，实为%s", path(), w.kind())
		}
		w.pos++
		ms := membersOf(t)
		seen := make([]bool, len(ms))
		w.ws()
		for w.raw[w.pos] != '}' {
			name := w.str()
			w.ws()
			w.pos++ // ':'
			i := -1
			for j, m := range ms {
				if m.name == name {
					i = j
					break
				}
			}
			if i < 0 {
				return fmt.Errorf("%s 有未定义的成员“%s”", path(), name)
			}
			if seen[i] {
				return fmt.Errorf("%s 的成员“%s”出现两次", path(), name)
			}
			seen[i] = true
			w.ws()
			if w.raw[w.pos] == 'n' && ms[i].optional {
				// An optional member (a later section's extension) is absent or a value.
				return fmt.Errorf("%s.%s 不能为 null（不适用时应省略）", path(), name)
			}
			w.stack = append(w.stack, step{name: name})
			if err := w.value(ms[i].t); err != nil {
				return err
			}
			w.stack = w.stack[:len(w.stack)-1]
			w.ws()
			if w.raw[w.pos] == ',' {
				w.pos++
			}
			w.ws()
		}
		w.pos++
		for i, m := range ms {
			if !m.optional && !seen[i] {
				return fmt.Errorf("%s 缺少成员“%s”", path(), m.name)
			}
		}
	default:
		return fmt.Errorf("%s：不支持的类型 %s", path(), t)
	}
	return nil
}
