package i18n

import (
	"testing"
	"time"
)

func TestFormats(t *testing.T) {
	for in, want := range map[any]string{313905: "313.905", int64(-1234567): "-1.234.567", 1234.5: "1.234,5", 75.0: "75", 999: "999"} {
		if got := Number(in); got != want {
			t.Errorf("Number(%v) = %q, want %q", in, got, want)
		}
	}
	if got := Date("2017-09-08"); got != "08/09/2017" {
		t.Errorf("Date = %q", got)
	}
	if got := DateTime(time.Date(2019, 12, 20, 16, 59, 0, 0, time.UTC)); got != "20/12/2019 23:59" {
		t.Errorf("DateTime in Hanoi = %q", got)
	}
	if VI.T("login.throttled", 3) != "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 3 phút." || EN.T("nav.plans") != "Plans" {
		t.Error("translation")
	}
	if Parse("fr") != VI || Parse("en") != EN {
		t.Error("Parse")
	}
}
