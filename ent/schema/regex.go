package schema

import "regexp"

var (
	divisionRe = regexp.MustCompile(`^[0-9]{6}$`)
	// Department and code-table codes: upper-case letters, digits, '_' and '-'.
	codeRe = regexp.MustCompile(`^[A-Z0-9_-]{1,32}$`)
)
