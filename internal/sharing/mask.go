package sharing

import (
	"strings"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/internal/sharing/class"
)

// Extensions declares the classes of GraphQL fields that entity types gain in hand-written
// schema files (graph/*.graphqls `extend type`), such as the masked variants of personal
// fields: a SHARED viewer reads `idNumberMasked` where `idNumber` is PRIVATE.
var Extensions = map[string]map[string]Rule{
	ent.TypeInspector: {
		"idNumberMasked": {Class: string(class.SharedClass), Name: "id_number", Declared: true},
		"phoneMasked":    {Class: string(class.SharedClass), Name: "phone", Declared: true},
	},
	ent.TypeDraw: {
		"bundleURL": {Class: string(class.PublicClass), Name: "bundle_url", Declared: true},
	},
	// Whether a version is current is public: corrections are published and both versions stay
	// visible (results.Current).
	ent.TypeResult: {
		"current":      {Class: string(class.PublicClass), Name: "current", Declared: true},
		"supersededBy": {Class: string(class.PublicClass), Name: "superseded_by", Declared: true},
	},
	ent.TypePublication: {
		"current":      {Class: string(class.PublicClass), Name: "current", Declared: true},
		"supersededBy": {Class: string(class.PublicClass), Name: "superseded_by", Declared: true},
	},
	ent.TypeTarget: {
		"legalRepPhoneMasked": {Class: string(class.SharedClass), Name: "legal_rep_phone", Declared: true},
		"contactPhoneMasked":  {Class: string(class.SharedClass), Name: "contact_phone", Declared: true},
	},
}

// MaskIDNumber masks a citizen ID number, keeping the first 4 and the last 4 characters
// (3405**********001X). Shorter values are masked entirely but for their last character.
func MaskIDNumber(s string) string { return mask(s, 4, 4) }

// MaskPhone masks a phone number, keeping the first 3 and the last 4 digits (138****1234);
// for a landline the area code and the last 4 (0538****5678 keeps 4 and 4).
func MaskPhone(s string) string {
	if strings.HasPrefix(s, "0") {
		return mask(s, 4, 4)
	}
	return mask(s, 3, 4)
}

func mask(s string, head, tail int) string {
	r := []rune(s)
	if len(r) == 0 {
		return ""
	}
	if len(r) <= head+tail {
		head, tail = 0, 1
		if len(r) == 1 {
			tail = 0
		}
	}
	out := make([]rune, len(r))
	for i := range r {
		if i < head || i >= len(r)-tail {
			out[i] = r[i]
		} else {
			out[i] = '*'
		}
	}
	return string(out)
}
