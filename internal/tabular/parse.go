package tabular

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// excelEpoch is day 0 of Excel's 1900 date system as it behaves for dates
// after 1 March 1900 (Excel counts a non-existent 29 February 1900).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// Excel serial numbers accepted by ParseDate: 20000 is 3 October 1954 and
// 80000 is 11 January 2119. Smaller or larger numbers are far more likely to
// be mistakes than dates.
const (
	minExcelSerial = 20000
	maxExcelSerial = 80000
)

// ParseDate parses a date typed by a user or read from a file and returns it
// in ISO form YYYY-MM-DD.
//
// Accepted forms, after trimming surrounding space:
//
//   - dd/mm/yyyy and d/m/yyyy (day first, as in Vietnam);
//   - dd-mm-yyyy and d-m-yyyy;
//   - yyyy-mm-dd (also yyyy-m-d);
//   - an Excel serial day number written with digits only, from 20000 to
//     80000 inclusive (1954-10-03 to 2119-01-11), counted from the
//     1899-12-30 epoch, because XLSX cells may come through as serials.
//
// The year must have four digits and be at least 1900; two-digit years are
// rejected rather than guessed. Impossible dates such as 31/02/2019 are
// rejected. The error message is in Vietnamese and may be shown to the user.
func ParseDate(s string) (string, error) {
	t := strings.TrimSpace(s)
	bad := func() (string, error) {
		return "", fmt.Errorf("ngày không hợp lệ: %q (dùng dd/mm/yyyy hoặc yyyy-mm-dd)", s)
	}
	if t == "" {
		return bad()
	}
	if allDigits(t) {
		n, err := strconv.Atoi(t)
		if err != nil || len(t) > 5 || n < minExcelSerial || n > maxExcelSerial {
			return bad()
		}
		return excelEpoch.AddDate(0, 0, n).Format(time.DateOnly), nil
	}
	var parts []string
	var yearFirst bool
	switch {
	case strings.Count(t, "/") == 2 && !strings.Contains(t, "-"):
		parts = strings.Split(t, "/")
	case strings.Count(t, "-") == 2 && !strings.Contains(t, "/"):
		parts = strings.Split(t, "-")
		yearFirst = len(parts[0]) == 4
	default:
		return bad()
	}
	y, m, d := parts[2], parts[1], parts[0]
	if yearFirst {
		y, d = parts[0], parts[2]
	}
	if len(y) != 4 || len(m) < 1 || len(m) > 2 || len(d) < 1 || len(d) > 2 ||
		!allDigits(y) || !allDigits(m) || !allDigits(d) {
		return bad()
	}
	year, _ := strconv.Atoi(y)
	month, _ := strconv.Atoi(m)
	day, _ := strconv.Atoi(d)
	if year < 1900 || month < 1 || month > 12 || day < 1 {
		return bad()
	}
	date := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if date.Day() != day || int(date.Month()) != month {
		return bad() // e.g. 31/02 normalised to 3 March
	}
	return date.Format(time.DateOnly), nil
}

// FormatDate turns an ISO date (YYYY-MM-DD) into the Vietnamese display form
// dd/mm/yyyy. Any other input accepted by ParseDate is converted too; input
// that is not a date is returned unchanged.
func FormatDate(s string) string {
	iso, err := ParseDate(s)
	if err != nil {
		return s
	}
	t, _ := time.Parse(time.DateOnly, iso)
	return t.Format("02/01/2006")
}

// ParseNumber parses a number written the Vietnamese way, where "." groups
// thousands and "," is the decimal separator, while still accepting the
// plain "1234.5" that spreadsheets and programs produce.
//
// The rule, applied after trimming surrounding space:
//
//   - An optional leading "+" or "-" sign, then digits with separators.
//   - Spaces (including non-breaking and thin spaces) may group thousands:
//     "1 234 567".
//   - If there is a comma, it is the decimal separator (at most one, with
//     digits on both sides), and any dots before it group thousands:
//     "1.234,5" = 1234.5, "1234,5" = 1234.5. A dot after the comma is an
//     error ("1,234.5" is rejected, not guessed).
//   - Without a comma, two or more dots always group thousands:
//     "1.234.567" = 1234567.
//   - Without a comma, a single dot groups thousands when exactly three
//     digits follow it and the digits before it form a valid first group
//     (one to three digits, not starting with 0): "1.234" = 1234,
//     "12.345" = 12345. Otherwise the single dot is a decimal point:
//     "12.5" = 12.5, "1234.5" = 1234.5, "1234.567" = 1234.567,
//     "0.125" = 0.125.
//   - Thousands groups must be well formed: one to three leading digits,
//     then groups of exactly three ("1.23.456" and "12 34" are rejected);
//     dots and spaces may not both group the same number.
//
// Anything else (letters, currency symbols, percent signs, empty input) is
// rejected with a Vietnamese error message that may be shown to the user.
func ParseNumber(s string) (float64, error) {
	bad := func() (float64, error) {
		return 0, fmt.Errorf("số không hợp lệ: %q (ví dụ: 1234, 1.234 hoặc 1.234,5)", s)
	}
	t := strings.TrimSpace(s)
	sign := ""
	if t != "" && (t[0] == '-' || t[0] == '+') {
		sign, t = t[:1], t[1:]
	}
	t = strings.Map(func(r rune) rune {
		if isSpace(r) {
			return ' '
		}
		return r
	}, t)
	if t == "" {
		return bad()
	}
	intPart, frac := t, ""
	switch strings.Count(t, ",") {
	case 0:
		switch dots := strings.Count(t, "."); {
		case dots == 1:
			i := strings.IndexByte(t, '.')
			head, tail := t[:i], t[i+1:]
			if len(tail) == 3 && allDigits(tail) && isFirstGroup(head) {
				break // thousands separator
			}
			intPart, frac = head, tail
			if frac == "" {
				return bad()
			}
		}
	case 1:
		i := strings.IndexByte(t, ',')
		intPart, frac = t[:i], t[i+1:]
		if frac == "" {
			return bad()
		}
	default:
		return bad()
	}
	digits, ok := ungroup(intPart)
	if !ok || (frac != "" && !allDigits(frac)) {
		return bad()
	}
	num := sign + digits
	if frac != "" {
		num += "." + frac
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsInf(v, 0) {
		return bad()
	}
	return v, nil
}

// maxExactInt bounds ParseInt: every integer of smaller magnitude is held
// exactly by a float64, while 2^53+1 already rounds to 2^53.
const maxExactInt = 1 << 53

// ParseInt parses a whole number with the same rules as ParseNumber
// ("1.234" = 1234, "1 000" = 1000) and rejects numbers with a fractional
// part ("12,5") and numbers of magnitude 2^53 or more, which a float64 cannot
// hold exactly.
func ParseInt(s string) (int64, error) {
	v, err := ParseNumber(s)
	if err != nil {
		return 0, err
	}
	if v != math.Trunc(v) {
		return 0, fmt.Errorf("phải là số nguyên: %q", s)
	}
	if math.Abs(v) >= maxExactInt {
		return 0, fmt.Errorf("số quá lớn: %q", s)
	}
	return int64(v), nil
}

// ungroup validates the integer part of a number, which may group thousands
// with dots or with spaces (not both), and returns its bare digits.
func ungroup(s string) (string, bool) {
	if allDigits(s) {
		return s, s != ""
	}
	sep := "."
	if strings.Contains(s, " ") {
		if strings.Contains(s, ".") {
			return "", false
		}
		sep = " "
	}
	groups := strings.Split(s, sep)
	if !isFirstGroup(groups[0]) {
		return "", false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 || !allDigits(g) {
			return "", false
		}
	}
	return strings.Join(groups, ""), true
}

// isFirstGroup reports whether s can begin a thousands-grouped number: one to
// three digits, not starting with 0.
func isFirstGroup(s string) bool {
	return len(s) >= 1 && len(s) <= 3 && allDigits(s) && s[0] != '0'
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isSpace reports the characters accepted as thousands separators besides
// dots: space, no-break space, thin space and narrow no-break space.
func isSpace(r rune) bool {
	return r == ' ' || r == '\u00a0' || r == '\u2009' || r == '\u202f'
}
