package tabular

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold returns s in a form suitable for diacritics-insensitive comparison and
// search: lower case, Vietnamese tone and vowel marks removed (NFD
// decomposition, combining marks dropped), đ/Đ mapped to d, every run of
// white space (including non-breaking spaces) collapsed to a single space,
// and leading and trailing space removed.
//
//	Fold("Đà Nẵng  Phường Xuất Hóa") == "da nang phuong xuat hoa"
//	Fold("Thuỷ") == Fold("Thủy") == "thuy"
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false // a space is pending (only written before a later non-space)
	// Invalid UTF-8 would keep NFD from decomposing the letter after it,
	// and a second Fold would then fold further.
	for _, r := range norm.NFD.String(strings.ToValidUTF8(s, "\uFFFD")) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case r == 'đ' || r == 'Đ':
			r = 'd'
		default:
			r = unicode.ToLower(r)
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}
