// Package uscc validates the identifiers of market entities and people: the unified social
// credit code (统一社会信用代码, GB 32100-2015), the legacy 15-digit registration number (注册号)
// and the citizen identity number (公民身份号码, GB 11643).
package uscc

import (
	"errors"
	"fmt"
	"strings"
)

// charset is the GB 32100 alphabet; a character's value is its index (no I, O, S, V, Z).
const charset = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// Error explains why an identifier is invalid, in Chinese, for a clerk to act on.
type Error struct {
	Kind   string // "USCC", "REG_NO" or "ID_NUMBER"
	Value  string
	Reason string
}

func (e *Error) Error() string { return fmt.Sprintf("%s：%s", e.Value, e.Reason) }

// Codes of an Error as an application error: the same strings as apperr.InvalidIDNumber and
// apperr.InvalidUSCC.
const (
	CodeInvalidIDNumber = "INVALID_ID_NUMBER"
	CodeInvalidUSCC     = "INVALID_USCC" // a unified social credit code or a registration number
)

// AppCode is INVALID_ID_NUMBER for an identity number, INVALID_USCC otherwise (apperr.Coded).
func (e *Error) AppCode() string {
	if e.Kind == "ID_NUMBER" {
		return CodeInvalidIDNumber
	}
	return CodeInvalidUSCC
}

// AppMessage is the Chinese message a clerk acts on (apperr.Coded).
func (e *Error) AppMessage() string {
	if e.Kind == "ID_NUMBER" {
		return "公民身份号码无效：" + e.Reason
	}
	return "统一社会信用代码“" + e.Value + "”无效：" + e.Reason
}

// IsInvalid reports whether err (or an error it wraps) is an identifier validation error.
func IsInvalid(err error) bool {
	var e *Error
	return errors.As(err, &e)
}

// Validate checks an 18-character unified social credit code, including its check character.
func Validate(code string) error {
	if len(code) != 18 {
		return &Error{"USCC", code, fmt.Sprintf("统一社会信用代码应为 18 位，实际为 %d 位", len([]rune(code)))}
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(charset, code[i])
		if v < 0 {
			return &Error{"USCC", code, fmt.Sprintf("第 %d 位字符“%c”不是统一社会信用代码允许的字符", i+1, code[i])}
		}
		sum += v * usccWeights[i]
	}
	if strings.IndexByte(charset, code[17]) < 0 {
		return &Error{"USCC", code, fmt.Sprintf("第 18 位字符“%c”不是统一社会信用代码允许的字符", code[17])}
	}
	want := CheckChar(code[:17])
	if code[17] != want {
		return &Error{"USCC", code, fmt.Sprintf("校验位错误：应为“%c”", want)}
	}
	return nil
}

// CheckChar computes the check character of the first 17 characters of a USCC.
// The caller must pass 17 characters of the charset.
func CheckChar(first17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += strings.IndexByte(charset, first17[i]) * usccWeights[i]
	}
	return charset[(31-sum%31)%31]
}

// Charset returns the GB 32100 alphabet, for generators of test and demo data.
func Charset() string { return charset }

// ValidateRegNo checks a legacy 15-digit registration number (注册号). Its check digit follows
// GB/T 17710 (ISO 7064 MOD 11,10).
func ValidateRegNo(no string) error {
	if len(no) != 15 {
		return &Error{"REG_NO", no, "注册号应为 15 位数字"}
	}
	for i := 0; i < 15; i++ {
		if no[i] < '0' || no[i] > '9' {
			return &Error{"REG_NO", no, "注册号只能包含数字"}
		}
	}
	if want := RegNoCheckDigit(no[:14]); no[14] != want {
		return &Error{"REG_NO", no, fmt.Sprintf("注册号校验位错误：应为 %c", want)}
	}
	return nil
}

// RegNoCheckDigit computes the GB/T 17710 (ISO 7064 MOD 11,10) check digit of the first 14
// digits of a registration number. The caller must pass 14 ASCII digits.
func RegNoCheckDigit(first14 string) byte {
	p := 10
	for i := 0; i < 14; i++ {
		s := (p + int(first14[i]-'0')) % 10
		if s == 0 {
			s = 10
		}
		p = (s * 2) % 11
	}
	return byte('0' + (11-p)%10)
}

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheck = "10X98765432"

// ValidateIDNumber checks an 18-character citizen identity number (GB 11643).
func ValidateIDNumber(id string) error {
	if len(id) != 18 {
		return &Error{"ID_NUMBER", Mask(id), "公民身份号码应为 18 位"}
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := id[i]
		if c < '0' || c > '9' {
			return &Error{"ID_NUMBER", Mask(id), "公民身份号码前 17 位只能是数字"}
		}
		sum += int(c-'0') * idWeights[i]
	}
	if want := idCheck[sum%11]; id[17] != want {
		return &Error{"ID_NUMBER", Mask(id), "公民身份号码校验位错误"}
	}
	return nil
}

// IDCheckChar computes the check character of the first 17 digits of an identity number.
func IDCheckChar(first17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * idWeights[i]
	}
	return idCheck[sum%11]
}

// Mask hides the middle of a personal identifier, keeping the first 4 and last 4 characters
// (e.g. 3405**********001X). Short values are masked entirely.
func Mask(s string) string {
	r := []rune(s)
	if len(r) <= 8 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:4]) + strings.Repeat("*", len(r)-8) + string(r[len(r)-4:])
}

// OrgCodeCheckChar computes the check character of an organisation code (组织机构代码, GB 11714)
// from its first 8 digits; positions 9–17 of a USCC are such a code.
func OrgCodeCheckChar(first8 string) byte {
	w := [8]int{3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := range 8 {
		sum += int(first8[i]-'0') * w[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 'X'
	case 11:
		return '0'
	default:
		return byte('0' + c)
	}
}
