package draw

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("不是有效的 JSON：%v", err)
	}
	if err := checkValue(dec, tok, t, "$"); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("JSON 值之后还有多余内容")
	}
	return nil
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

// checkValue checks the value that starts with tok against type t.
func checkValue(dec *json.Decoder, tok json.Token, t reflect.Type, path string) error {
	if t.Kind() == reflect.Pointer {
		if tok == nil {
			return nil // the one place null is allowed: a pointer (an amendment's replacement)
		}
		t = t.Elem()
	}
	if tok == nil {
		return fmt.Errorf("%s 不能为 null", path)
	}
	if reflect.PointerTo(t).Implements(textUnmarshaler) {
		s, ok := tok.(string)
		if !ok {
			return fmt.Errorf("%s 应为字符串", path)
		}
		v := reflect.New(t).Interface().(encoding.TextUnmarshaler)
		if err := v.UnmarshalText([]byte(s)); err != nil {
			return fmt.Errorf("%s：%v", path, err)
		}
		return nil
	}
	switch t.Kind() {
	case reflect.String:
		if _, ok := tok.(string); !ok {
			return fmt.Errorf("%s 应为字符串", path)
		}
	case reflect.Bool:
		if _, ok := tok.(bool); !ok {
			return fmt.Errorf("%s 应为 true 或 false", path)
		}
	case reflect.Int, reflect.Int64, reflect.Int32:
		n, ok := tok.(json.Number)
		if !ok {
			return fmt.Errorf("%s 应为整数", path)
		}
		if !plainInt.MatchString(n.String()) {
			return fmt.Errorf("%s 应为不带符号、小数点和指数的十进制整数，实为 %s", path, n)
		}
		if v, err := strconv.ParseUint(n.String(), 10, 64); err != nil || v > MaxInt {
			return fmt.Errorf("%s 超出整数范围 0 … 2⁵³−1：%s", path, n)
		}
	case reflect.Slice:
		if tok != json.Delim('[') {
			return fmt.Errorf("%s 应为数组", path)
		}
		for i := 0; dec.More(); i++ {
			next, err := dec.Token()
			if err != nil {
				return err
			}
			if err := checkValue(dec, next, t.Elem(), path+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil { // ']'
			return err
		}
	case reflect.Struct:
		if tok != json.Delim('{') {
			return fmt.Errorf("%s 应为对象", path)
		}
		ms := membersOf(t)
		seen := map[string]bool{}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return err
			}
			name := k.(string)
			if seen[name] {
				return fmt.Errorf("%s 的成员“%s”出现两次", path, name)
			}
			seen[name] = true
			i := -1
			for j, m := range ms {
				if m.name == name {
					i = j
					break
				}
			}
			if i < 0 {
				return fmt.Errorf("%s 有未定义的成员“%s”", path, name)
			}
			next, err := dec.Token()
			if err != nil {
				return err
			}
			if next == nil && ms[i].optional {
				// An optional member (a later section's extension) is absent or a value.
				return fmt.Errorf("%s.%s 不能为 null（不适用时应省略）", path, name)
			}
			if err := checkValue(dec, next, ms[i].t, path+"."+name); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil { // '}'
			return err
		}
		for _, m := range ms {
			if !m.optional && !seen[m.name] {
				return fmt.Errorf("%s 缺少成员“%s”", path, m.name)
			}
		}
	default:
		return fmt.Errorf("%s：不支持的类型 %s", path, t)
	}
	return nil
}
