package tabular

import (
	"strings"
	"testing"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in, want string // want "" means an error is expected
	}{
		{"15/03/2024", "2024-03-15"},
		{"5/3/2024", "2024-03-05"},
		{" 05/3/2024 ", "2024-03-05"},
		{"15-03-2024", "2024-03-15"},
		{"2024-03-15", "2024-03-15"},
		{"2024-3-5", "2024-03-05"},
		{"29/02/2024", "2024-02-29"},
		{"31/12/1999", "1999-12-31"},
		{"45366", "2024-03-15"}, // Excel serial
		{"20000", "1954-10-03"},
		{"80000", "2119-01-11"},
		// errors
		{"", ""},
		{"31/02/2019", ""},
		{"29/02/2023", ""},
		{"32/01/2024", ""},
		{"15/13/2024", ""},
		{"00/01/2024", ""},
		{"15/03/24", ""},   // two-digit year
		{"15-03-24", ""},   // two-digit year
		{"24-03-15", ""},   // two-digit year first
		{"19999", ""},      // serial too small
		{"80001", ""},      // serial too large
		{"45366.5", ""},    // serials with a time are not accepted
		{"2024/03/15", ""}, // year first needs dashes
		{"15/03-2024", ""},
		{"15.03.2024", ""},
		{"15/03/2024/1", ""},
		{"ngày 15/03/2024", ""},
		{"1/1/1899", ""},
		{"+15/03/2024", ""},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in)
		if tt.want == "" {
			if err == nil {
				t.Errorf("ParseDate(%q) = %q, want error", tt.in, got)
			} else if !strings.HasPrefix(err.Error(), "ngày không hợp lệ: ") ||
				!strings.Contains(err.Error(), "(dùng dd/mm/yyyy hoặc yyyy-mm-dd)") {
				t.Errorf("ParseDate(%q) error = %q, want the Vietnamese message", tt.in, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseDate(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestFormatDate(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2024-03-05", "05/03/2024"},
		{"5/3/2024", "05/03/2024"},
		{"45366", "15/03/2024"},
		{"không rõ", "không rõ"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := FormatDate(tt.in); got != tt.want {
			t.Errorf("FormatDate(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"1234", 1234, true},
		{"0", 0, true},
		{"007", 7, true},
		{"1.234", 1234, true},
		{"12.345", 12345, true},
		{"123.456", 123456, true},
		{"1.234.567", 1234567, true},
		{"1.234,5", 1234.5, true},
		{"1.234.567,89", 1234567.89, true},
		{"1234,5", 1234.5, true},
		{"0,5", 0.5, true},
		{"12.5", 12.5, true},
		{"12.50", 12.5, true},
		{"1234.5", 1234.5, true},
		{"1234.567", 1234.567, true}, // 4-digit head: not a thousands group
		{"0.125", 0.125, true},       // head starting with 0: not a group
		{"3.14159", 3.14159, true},
		{"1 234", 1234, true},
		{"1\u00a0234\u00a0567", 1234567, true},
		{"12\u202f000", 12000, true},
		{"1 234,5", 1234.5, true},
		{"1 234.5", 1234.5, true},
		{" 42 ", 42, true},
		{"-1.234", -1234, true},
		{"-12,5", -12.5, true},
		{"+7", 7, true},
		// errors
		{"", 0, false},
		{"   ", 0, false},
		{"-", 0, false},
		{"abc", 0, false},
		{"12a", 0, false},
		{"1,234.5", 0, false}, // English grouping is not guessed
		{"1,2,3", 0, false},
		{"1.2.3", 0, false},
		{"1.23.456", 0, false},
		{"1234.567.890", 0, false},
		{"0.123.456", 0, false},
		{"12 34", 0, false},
		{"1 234.567.890", 0, false},
		{"1.234 567", 0, false},
		{"12.", 0, false},
		{".5", 0, false},
		{",5", 0, false},
		{"5,", 0, false},
		{"1,2.5", 0, false},
		{"50%", 0, false},
		{"1.000 đ", 0, false},
		{"--5", 0, false},
		{"- 5", 0, false},
		{"Inf", 0, false},
		{"NaN", 0, false},
		{"1e5", 0, false},
		{"0x10", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseNumber(tt.in)
		if !tt.ok {
			if err == nil {
				t.Errorf("ParseNumber(%q) = %v, want error", tt.in, got)
			} else if !strings.HasPrefix(err.Error(), "số không hợp lệ: ") {
				t.Errorf("ParseNumber(%q) error = %q, want the Vietnamese message", tt.in, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseNumber(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseInt(t *testing.T) {
	tests := []struct {
		in      string
		want    int64
		errPart string // "" means success
	}{
		{"1.234", 1234, ""},
		{"1 000 000", 1000000, ""},
		{"-15", -15, ""},
		{"12,0", 12, ""},
		{"9.007.199.254.740.991", 1<<53 - 1, ""},
		{"12,5", 0, "phải là số nguyên"},
		{"12.5", 0, "phải là số nguyên"},
		{"9.007.199.254.740.992", 0, "số quá lớn"},
		{"-9.007.199.254.740.992", 0, "số quá lớn"},
		{"x", 0, "số không hợp lệ"},
	}
	for _, tt := range tests {
		got, err := ParseInt(tt.in)
		if tt.errPart != "" {
			if err == nil || !strings.Contains(err.Error(), tt.errPart) {
				t.Errorf("ParseInt(%q) = %d, %v; want error containing %q", tt.in, got, err, tt.errPart)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseInt(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}
