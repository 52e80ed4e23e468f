package tabular

import "testing"

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Đà Nẵng  Phường Xuất Hóa", "da nang phuong xuat hoa"},
		{"đ", "d"},
		{"Đ", "d"},
		{"ĐỒNG ĐĂNG", "dong dang"},
		{"Thuỷ", "thuy"},
		{"Thủy", "thuy"},
		{"Thu\u0309y", "thuy"}, // decomposed input (Unikey "tổ hợp")
		{"à á ả ã ạ ă ằ ắ ẳ ẵ ặ â ầ ấ ẩ ẫ ậ", "a a a a a a a a a a a a a a a a a"},
		{"ơ ờ ư ừ ê ề ô ồ ỹ", "o o u u e e o o y"},
		{"Ngày bắt đầu", "ngay bat dau"},
		{"  \t Hà\u00a0 Nội \n", "ha noi"},
		{"", ""},
		{"   ", ""},
		{"ABC 123", "abc 123"},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
