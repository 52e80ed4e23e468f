package outreach

import (
	"errors"
	"strings"
	"testing"
)

func TestPeriodKeys(t *testing.T) {
	for _, s := range []string{"2018", "2019-h1", "2020-final"} {
		k, err := ParsePeriodKey(s)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		if k.String() != s {
			t.Errorf("%s read back as %s", s, k)
		}
	}
	if k, _ := ParsePeriodKey("2019-h1"); k != (PeriodKey{RoundHalfYear, 2019}) {
		t.Errorf("2019-h1 = %+v", k)
	}
	for _, bad := range []string{"", "h1", "2019-h2", "2019-", "99", "2019-final-x"} {
		if _, err := ParsePeriodKey(bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("%q: got %v, want invalid", bad, err)
		}
	}
}

func roundsPlan() *Plan {
	return &Plan{
		Code:     "p",
		Period:   Period{From: 2017, To: 2020},
		Agencies: []Agency{{Code: "dept", Type: AgencyDepartment}, {Code: "police", Type: AgencyPolice}},
		Tasks:    []Task{{Clause: "V.1", Agency: "police", Years: []int{2018}}},
		Reporting: Reporting{Reporters: []string{"dept"}, Recipient: "dept", Deadline: "12-20", Cutoff: Cutoff{From: "12-15", To: "12-14"},
			Rounds: []RoundRule{
				{Round: RoundHalfYear, Deadline: "06-20", Cutoff: Cutoff{From: "12-15", To: "06-14"}},
				{Round: RoundFinal, Deadline: "11-30", Cutoff: Cutoff{To: "11-15"}, Recipient: "police"},
			}},
	}
}

func TestReportPeriodsOfEveryRound(t *testing.T) {
	p := roundsPlan()
	periods, err := p.ReportPeriods()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, rp := range periods {
		got = append(got, rp.Key().String()+" "+rp.From+".."+rp.To+" due "+rp.Due+" to "+rp.Recipient+" "+rp.Label)
	}
	want := []string{
		"2017-h1 2016-12-15..2017-06-14 due 2017-06-20 to dept 6 tháng đầu năm 2017",
		"2017 2016-12-15..2017-12-14 due 2017-12-20 to dept năm 2017",
		"2018-h1 2017-12-15..2018-06-14 due 2018-06-20 to dept 6 tháng đầu năm 2018",
		"2018 2017-12-15..2018-12-14 due 2018-12-20 to dept năm 2018",
		"2019-h1 2018-12-15..2019-06-14 due 2019-06-20 to dept 6 tháng đầu năm 2019",
		"2019 2018-12-15..2019-12-14 due 2019-12-20 to dept năm 2019",
		"2020-h1 2019-12-15..2020-06-14 due 2020-06-20 to dept 6 tháng đầu năm 2020",
		"2020-final 2016-12-15..2020-11-15 due 2020-11-30 to police giai đoạn 2017–2020",
		"2020 2019-12-15..2020-12-14 due 2020-12-20 to dept năm 2020",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("periods:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	final, err := p.PeriodOf(PeriodKey{RoundFinal, 2020})
	if err != nil {
		t.Fatal(err)
	}
	// The end-of-period report answers for every task of the plan, not
	// only the tasks of its year.
	if got := strings.Join(p.ExpectedReporters(final), ","); got != "dept,police" {
		t.Errorf("final reporters %s", got)
	}
	// An agency abolished halfway reported its years, and owes no
	// end-of-period report.
	p.Agencies[1].ValidTo = "2019-06-30"
	if got := strings.Join(p.ExpectedReporters(final), ","); got != "dept" {
		t.Errorf("final reporters after the police's abolition %s", got)
	}
	h1, _ := p.PeriodOf(PeriodKey{RoundHalfYear, 2018})
	if got := strings.Join(p.ExpectedReporters(h1), ","); got != "dept,police" {
		t.Errorf("2018-h1 reporters %s", got)
	}
	if _, err := p.PeriodOf(PeriodKey{RoundFinal, 2019}); !errors.Is(err, ErrNotFound) {
		t.Errorf("2019-final: %v, want not found", err)
	}
}

func TestRoundValidation(t *testing.T) {
	p := roundsPlan()
	p.Reporting.Rounds = []RoundRule{
		{Round: "quarterly", Deadline: "03-20"},
		{Round: RoundHalfYear, Deadline: "6-20", Cutoff: Cutoff{From: "12-15"}},
		{Round: RoundHalfYear, Deadline: "06-20", Cutoff: Cutoff{From: "12-15", To: "06-14"}, Year: 2018},
		{Round: RoundFinal, Deadline: "11-30", Year: 2030, Recipient: "nobody"},
	}
	v := &ValidationError{}
	validateRounds(v, p, func(field, code string) {
		if _, ok := p.Agency(code); !ok {
			v.Add(field, "unknown agency %q", code)
		}
	})
	msg := v.Error()
	for _, want := range []string{
		"reporting.rounds[0].round", "reporting.rounds[1].deadline", "reporting.rounds[1].cutoff.to",
		"reporting.rounds[2].round", "reporting.rounds[2].year", "reporting.rounds[3].year", "reporting.rounds[3].recipient",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("no problem at %s in:\n%s", want, msg)
		}
	}
}
