package outreach

import (
	"errors"
	"testing"
	"time"
)

func regime() Reporting {
	return Reporting{Deadline: "12-20", Cutoff: Cutoff{From: "12-15", To: "12-14"}, Timezone: "Asia/Ho_Chi_Minh"}
}

func TestPeriodFor(t *testing.T) {
	p, err := regime().PeriodFor(2019)
	if err != nil {
		t.Fatal(err)
	}
	if p.From != "2018-12-15" || p.To != "2019-12-14" || p.Due != "2019-12-20" {
		t.Errorf("period = %+v", p)
	}
	hanoi, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	onTime := time.Date(2019, 12, 20, 23, 59, 0, 0, hanoi)
	if p.Late(onTime) {
		t.Errorf("23:59 on 20/12 in Hanoi counted late")
	}
	if !p.Late(onTime.Add(time.Minute)) {
		t.Errorf("00:00 on 21/12 in Hanoi counted on time")
	}
	// 17:00 UTC on 20/12 is already 00:00 on 21/12 in Hanoi.
	if !p.Late(time.Date(2019, 12, 20, 17, 0, 0, 0, time.UTC)) {
		t.Errorf("17:00 UTC on 20/12 counted on time")
	}
	for _, c := range []struct {
		now  time.Time
		want int
	}{
		{time.Date(2019, 12, 6, 8, 0, 0, 0, hanoi), 14},
		{time.Date(2019, 12, 20, 23, 0, 0, 0, hanoi), 0},
		{time.Date(2019, 12, 20, 17, 30, 0, 0, time.UTC), -1},
		{time.Date(2020, 1, 3, 8, 0, 0, 0, hanoi), -14},
	} {
		if got := p.DaysLeft(c.now); got != c.want {
			t.Errorf("DaysLeft(%v) = %d, want %d", c.now, got, c.want)
		}
	}
	// A calendar-year window stays in the year.
	r := regime()
	r.Cutoff = Cutoff{From: "01-01", To: "12-31"}
	if p, _ := r.PeriodFor(2020); p.From != "2020-01-01" || p.To != "2020-12-31" {
		t.Errorf("calendar window = %+v", p)
	}
	r.Timezone = "Mars/Olympus"
	if _, err := r.PeriodFor(2020); err == nil {
		t.Errorf("unknown time zone accepted")
	}
}

func TestNextStatus(t *testing.T) {
	for _, c := range []struct {
		from ReportStatus
		step string
		want ReportStatus
	}{
		{ReportDraft, StepSubmit, ReportSubmitted},
		{ReportReturned, StepSubmit, ReportSubmitted},
		{ReportSubmitted, StepAccept, ReportAccepted},
		{ReportSubmitted, StepReturn, ReportReturned},
		{ReportAccepted, StepReopen, ReportReturned},
	} {
		got, err := NextStatus(c.from, c.step)
		if err != nil || got != c.want {
			t.Errorf("NextStatus(%s, %s) = %s, %v; want %s", c.from, c.step, got, err, c.want)
		}
	}
	for _, c := range []struct {
		from ReportStatus
		step string
	}{{ReportSubmitted, StepSubmit}, {ReportAccepted, StepSubmit}, {ReportDraft, StepAccept}, {ReportReturned, StepReturn}, {ReportSubmitted, StepReopen}} {
		if _, err := NextStatus(c.from, c.step); !errors.Is(err, ErrConflict) {
			t.Errorf("NextStatus(%s, %s) err = %v, want conflict", c.from, c.step, err)
		}
	}
	if _, err := NextStatus(ReportDraft, "publish"); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown step err = %v", err)
	}
}

func TestExpectedReporters(t *testing.T) {
	p := &Plan{
		Period: Period{From: 2017, To: 2026},
		Agencies: []Agency{
			{Code: "dept", Type: AgencyDepartment},
			{Code: "d1", Type: AgencyDistrictCommittee, ValidTo: "2025-06-30"},
			{Code: "d2", Type: AgencyDistrictCommittee, ValidTo: "2025-06-30"},
			{Code: "districts", Type: AgencyGroup, Members: []string{"d1", "d2"}},
			{Code: "press", Type: AgencyPress},
			{Code: "idle", Type: AgencyUnion},
		},
		Tasks:     []Task{{Clause: "V.1", Agency: "districts"}, {Clause: "V.2", Agency: "press", Years: []int{2019}}},
		Reporting: Reporting{Reporters: []string{"dept"}, Deadline: "12-20", Cutoff: Cutoff{From: "12-15", To: "12-14"}},
	}
	check := func(year int, want string) {
		t.Helper()
		rp, err := p.Reporting.PeriodFor(year)
		if err != nil {
			t.Fatal(err)
		}
		got := p.ExpectedReporters(rp)
		s := ""
		for i, c := range got {
			if i > 0 {
				s += ","
			}
			s += c
		}
		if s != want {
			t.Errorf("%d: expected reporters %s, want %s", year, s, want)
		}
	}
	check(2018, "dept,d1,d2")
	check(2019, "dept,d1,d2,press")
	check(2020, "dept,d1,d2") // a task scheduled for 2019 only
	check(2025, "dept,d1,d2")
	check(2026, "dept")
	if ts := p.TasksFor("d1"); len(ts) != 1 || ts[0].Clause != "V.1" {
		t.Errorf("TasksFor(d1) = %v", ts)
	}
}

func TestShortCode(t *testing.T) {
	if got := ShortCode("Sở Thông tin và Truyền thông"); got != "STTTT" {
		t.Errorf("ShortCode = %q", got)
	}
}
