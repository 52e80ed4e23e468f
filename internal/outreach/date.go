package outreach

import (
	"fmt"
	"time"
)

// DateLayout is how calendar dates are written everywhere: in plan files,
// in the database (as text, so the same SQL compares them on both engines)
// and in the API.
const DateLayout = "2006-01-02"

// ParseDate parses an ISO date (YYYY-MM-DD).
func ParseDate(s string) (time.Time, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date in the form YYYY-MM-DD", s)
	}
	return t, nil
}

// ValidDate reports whether s is an ISO date.
func ValidDate(s string) bool {
	_, err := ParseDate(s)
	return err == nil
}

// DayBefore returns the ISO date one day before the ISO date s.
func DayBefore(s string) string {
	t, err := ParseDate(s)
	if err != nil {
		return s
	}
	return t.AddDate(0, 0, -1).Format(DateLayout)
}

// ValidMonthDay reports whether s is a month and day written MM-DD, such as
// "12-20". February 29 is accepted.
func ValidMonthDay(s string) bool {
	if len(s) != 5 || s[2] != '-' {
		return false
	}
	_, err := time.Parse("2006-01-02", "2000-"+s)
	return err == nil
}

// ValidAt reports whether a validity interval [from, to) contains the date
// d. An empty from means "since before our records"; an empty to means
// "still in force". All three are ISO dates, which compare as strings.
func ValidAt(from, to, d string) bool {
	return (from == "" || from <= d) && (to == "" || to > d)
}
