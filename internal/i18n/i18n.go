// Package i18n holds the user interface's words in Vietnamese (the
// default) and English, and formats dates and numbers the Vietnamese way.
// Every message is defined in both languages at once, so no language can
// miss a key.
package i18n

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Lang is a supported language.
type Lang string

// Languages.
const (
	VI Lang = "vi"
	EN Lang = "en"
)

// Parse returns the language named by s, or Vietnamese.
func Parse(s string) Lang {
	if s == string(EN) {
		return EN
	}
	return VI
}

// register adds catalogues of messages to the one T reads. A key defined
// twice is a programming error caught at start-up, not a silent override.
func register(catalogues ...map[string][2]string) {
	for _, c := range catalogues {
		for k, v := range c {
			if _, dup := messages[k]; dup {
				panic("i18n: message key defined twice: " + k)
			}
			messages[k] = v
		}
	}
}

// T translates a key, formatting args into it. An unknown key is returned
// as it is (and a test makes sure templates use none).
func (l Lang) T(key string, args ...any) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	s := m[0]
	if l == EN {
		s = m[1]
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Has reports whether the key exists.
func Has(key string) bool {
	_, ok := messages[key]
	return ok
}

// Keys lists every key.
func Keys() []string {
	ks := make([]string, 0, len(messages))
	for k := range messages {
		ks = append(ks, k)
	}
	return ks
}

// Date formats an ISO date (or a time) as dd/mm/yyyy, the Vietnamese way,
// in both languages.
func Date(v any) string {
	switch d := v.(type) {
	case string:
		t, err := time.Parse("2006-01-02", d)
		if err != nil {
			return d
		}
		return t.Format("02/01/2006")
	case time.Time:
		if d.IsZero() {
			return ""
		}
		return d.Format("02/01/2006")
	}
	return fmt.Sprint(v)
}

// DateTime formats a time as dd/mm/yyyy hh:mm in Asia/Ho_Chi_Minh.
func DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(hanoi).Format("02/01/2006 15:04")
}

var hanoi = func() *time.Location {
	l, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		return time.FixedZone("ICT", 7*3600)
	}
	return l
}()

var comparators = strings.NewReplacer(">=", "≥", "<=", "≤")

// Comparator writes a milestone's comparator (or a goal that starts with
// one, ">= 4") with the mathematical signs: ≥ 4.
func Comparator(s string) string { return comparators.Replace(s) }

// Number formats a number with "." between thousands and "," before
// decimals (1.234.567,5), as Vietnamese writes it.
func Number(v any) string {
	var s string
	switch n := v.(type) {
	case *int64:
		if n == nil {
			return ""
		}
		return Number(*n)
	case *float64:
		if n == nil {
			return ""
		}
		return Number(*n)
	case int:
		s = strconv.Itoa(n)
	case int64:
		s = strconv.FormatInt(n, 10)
	case float64:
		s = strconv.FormatFloat(n, 'f', -1, 64)
	default:
		return fmt.Sprint(v)
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	out := b.String()
	if frac != "" {
		out += "," + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}
