package reports_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"outreach/internal/demo"
	"outreach/internal/mail"
	"outreach/internal/mail/mailtest"
	"outreach/internal/outreach"
	"outreach/internal/reports"
	"outreach/internal/setup"
	"outreach/internal/store"
	"outreach/internal/store/storetest"
)

var (
	ctx    = context.Background()
	system = outreach.SystemActor("test")
	hanoi  = func() *time.Location { l, _ := time.LoadLocation("Asia/Ho_Chi_Minh"); return l }()
)

const plan = "bk-1368-2017"

func demoStore(t *testing.T) *store.Store { return demoStoreB(t) }

func demoStoreB(t testing.TB) *store.Store {
	t.Helper()
	s := storetest.OpenSQLite(t)
	if _, _, err := setup.Seed(ctx, s, system); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Fill(ctx, s, system, 1368); err != nil {
		t.Fatal(err)
	}
	return s
}

// docText is the text of a DOCX's body.
func docText(t *testing.T, data []byte) string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range z.File {
		if f.Name == "word/document.xml" {
			r, _ := f.Open()
			b, _ := io.ReadAll(r)
			s := string(b)
			var out strings.Builder
			for {
				i := strings.Index(s, "<w:t")
				if i < 0 {
					break
				}
				s = s[i:]
				j := strings.Index(s, ">")
				k := strings.Index(s, "</w:t>")
				if j < 0 || k < 0 {
					break
				}
				if s[j-1] != '/' {
					out.WriteString(s[j+1 : k])
				}
				out.WriteString(" ")
				s = s[k:]
			}
			return out.String()
		}
	}
	t.Fatal("no word/document.xml")
	return ""
}

// TestDemoReports2019 writes every agency's 2019 report and the 2019
// consolidated one from the demo history in DOCX, PDF and XLSX, and
// checks their figures against the dashboard's for the same window.
func TestDemoReports2019(t *testing.T) {
	s := demoStore(t)
	svc := &reports.Service{Store: s}
	p, err := s.Plan(ctx, plan)
	if err != nil {
		t.Fatal(err)
	}
	rp, _ := p.Reporting.PeriodFor(2019)
	dash, err := s.Dashboard(ctx, store.IndicatorQuery{Plan: plan, Year: 2019, From: rp.From, To: rp.To})
	if err != nil {
		t.Fatal(err)
	}
	byAgency := map[string]int{}
	for _, a := range dash.ByAgency {
		byAgency[a.Code] = a.Count
	}
	total := 0
	for _, code := range p.ExpectedReporters(rp) {
		r, err := s.OpenReport(ctx, system, plan, code, outreach.Annual(2019), outreach.ReportAgency)
		if err != nil {
			t.Fatal(err)
		}
		if r.Figures.Activities != byAgency[code] {
			t.Errorf("%s: report counts %d activities, the dashboard %d", code, r.Figures.Activities, byAgency[code])
		}
		total += r.Figures.Activities
		for _, f := range []string{"docx", "pdf", "xlsx"} {
			name, data, err := svc.Export(ctx, system, r.ID, f)
			if err != nil || len(data) < 1000 || !strings.HasSuffix(name, "."+f) {
				t.Fatalf("%s %s: %s %d bytes %v", code, f, name, len(data), err)
			}
		}
	}
	if total == 0 {
		t.Fatal("the demo's 2019 reports count no activity")
	}

	c, err := s.OpenReport(ctx, system, plan, "", outreach.Annual(2019), outreach.ReportConsolidated)
	if err != nil {
		t.Fatal(err)
	}
	f := c.Figures
	if f.Activities != dash.Activities {
		t.Errorf("consolidated counts %d activities, the dashboard %d", f.Activities, dash.Activities)
	}
	for _, ch := range dash.ByChannel {
		for _, row := range f.ByChannel {
			if row.Code == ch.Code && (row.Activities != ch.Count || int64(math.Round(row.Value)) != ch.Sum) {
				t.Errorf("channel %s: report %d activities %.0f đ, dashboard %d, %d đ", ch.Code, row.Activities, row.Value, ch.Count, ch.Sum)
			}
		}
	}
	var spentDash, spentReport int64
	for _, x := range dash.Spending {
		spentDash += x.Sum
	}
	for _, x := range f.Spending {
		spentReport += int64(math.Round(x.Value))
	}
	if spentDash != spentReport || spentDash == 0 {
		t.Errorf("spending: report %d, dashboard %d", spentReport, spentDash)
	}
	inds, err := s.Indicators(ctx, store.IndicatorQuery{Plan: plan, Year: 2019, AsOf: rp.To})
	if err != nil {
		t.Fatal(err)
	}
	for _, tg := range f.Targets {
		for _, ind := range inds.Indicators {
			if ind.Code == tg.Code && (ind.Value == nil) != (tg.Value == nil) || ind.Code == tg.Code && ind.Value != nil && math.Abs(*ind.Value-*tg.Value) > 1e-9 {
				t.Errorf("target %s: report %v, indicators %v", tg.Code, tg.Value, ind.Value)
			}
		}
	}
	if len(f.Targets) < 3 || len(f.ByUnit) != 8+1 && len(f.ByUnit) != 8 {
		t.Errorf("consolidated: %d targets, %d unit rows", len(f.Targets), len(f.ByUnit))
	}

	_, doc, err := svc.ExportConsolidated(ctx, system, plan, outreach.Annual(2019), "docx")
	if err != nil {
		t.Fatal(err)
	}
	text := docText(t, doc)
	for _, want := range []string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "Số:", "BÁO CÁO",
		"Tổng hợp kết quả tuyên truyền", "năm 2019", "15/12/2018", "14/12/2019", "Kết quả theo cơ quan, đơn vị", "Kết quả theo địa bàn", "Huyện Na Rì",
		"Chỉ tiêu của Kế hoạch", "II.2.1", "Tình hình báo cáo của các cơ quan, đơn vị", "Nơi nhận:", "Bắc Kạn, ngày"} {
		if !strings.Contains(text, want) {
			t.Errorf("consolidated DOCX lacks %q", want)
		}
	}
	_, x, err := svc.ExportConsolidated(ctx, system, plan, outreach.Annual(2019), "xlsx")
	if err != nil {
		t.Fatal(err)
	}
	xf, err := excelize.OpenReader(bytes.NewReader(x))
	if err != nil {
		t.Fatal(err)
	}
	sheet := "Kết quả theo cơ quan, đơn vị"
	rows, err := xf.GetRows(sheet)
	if err != nil {
		t.Fatalf("sheet %q: %v (have %v)", sheet, err, xf.GetSheetList())
	}
	last := len(rows) // the total row, 1-based
	formula, _ := xf.GetCellFormula(sheet, "C"+strconv.Itoa(last))
	if !strings.HasPrefix(formula, "SUM(C4:C") {
		t.Errorf("total formula %q", formula)
	}
	v, err := xf.CalcCellValue(sheet, "C"+strconv.Itoa(last))
	if err != nil || v != strconv.Itoa(dash.Activities) {
		t.Errorf("the total of activities by agency computes to %q (%v), want %d", v, err, dash.Activities)
	}
	typ, _ := xf.GetCellType(sheet, "C4")
	if typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("activity counts written as %v, not numbers", typ)
	}
}

// seededWithSMTP seeds the store and starts a real SMTP server on
// loopback with a sender for it.
func seededWithSMTP(t *testing.T, s *store.Store) (*mailtest.Server, *mail.SMTP) {
	t.Helper()
	if _, _, err := setup.Seed(ctx, s, system); err != nil {
		t.Fatal(err)
	}
	srv := mailtest.Start(t)
	host, port := srv.Addr()
	sender, err := mail.New(mail.Config{Host: host, Port: port, TLS: mail.TLSNone, From: "Outreach <noreply@test.local>"})
	if err != nil {
		t.Fatal(err)
	}
	return srv, sender
}

// TestSubmissionMailAndReminders runs against a real SMTP server on
// loopback: a submission mails the DOCX and PDF to the regime's address;
// reminders go 14 days before the deadline to agencies with a focal
// e-mail, once, across a restart; a refused recipient is logged as failed.
func TestSubmissionMailAndReminders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		srv, sender := seededWithSMTP(t, s)
		clock := time.Date(2019, 12, 6, 8, 0, 0, 0, hanoi)
		s.Now = func() time.Time { return clock }
		for code, email := range map[string]string{"bk-ca": "congan@test.local", "bk-hlhpn": "phunu@test.local, canbo2@test.local", "bk-stp": "tuphap@test.local"} {
			if err := s.UpdateContact(ctx, system, code, store.Contact{Name: "Đầu mối", Email: email}); err != nil {
				t.Fatal(err)
			}
		}
		srv.RejectRecipient("tuphap@test.local")
		svc := &reports.Service{Store: s, Mailer: sender}

		dry, err := (&reports.Service{Store: s}).Reminders(ctx, clock)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := s.Board(ctx, plan, outreach.Annual(2019))
		if len(dry) != b.Expected {
			t.Errorf("dry run lists %d reminders, want one per expected agency (%d)", len(dry), b.Expected)
		}
		sent, err := svc.Remind(ctx, clock)
		if err != nil {
			t.Fatal(err)
		}
		status := map[string]string{}
		for _, r := range sent {
			status[r.Agency] = r.Status
			if r.Kind != "due-14" {
				t.Errorf("kind %s 14 days ahead", r.Kind)
			}
		}
		if status["bk-ca"] != "sent" || status["bk-hlhpn"] != "sent" || status["bk-stp"] != "failed" || status["bk-stttt"] != "failed" {
			t.Errorf("statuses %v", status)
		}
		msgs := srv.Wait(2, 5*time.Second)
		var union mailtest.Received
		for _, m := range msgs {
			if strings.Contains(strings.Join(m.To, ","), "phunu@test.local") {
				union = m
			}
		}
		if !strings.Contains(union.Subject, "còn 14 ngày") || !strings.Contains(union.Text, "Hội Liên hiệp phụ nữ tỉnh") || len(union.To) != 2 {
			t.Errorf("union's reminder: %q to %v\n%s", union.Subject, union.To, union.Text)
		}
		// A restart (a new service over the same database) sends nothing again.
		again, err := (&reports.Service{Store: s, Mailer: sender}).Remind(ctx, clock.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range again {
			if r.Agency == "bk-ca" || r.Agency == "bk-hlhpn" {
				t.Errorf("sent twice: %+v", r)
			}
		}
		if n := len(srv.Messages()); n != 2 {
			t.Errorf("%d messages after the second run, want 2", n)
		}
		// Seven days ahead: the next kind.
		clock = time.Date(2019, 12, 13, 8, 0, 0, 0, hanoi)
		if list, _ := svc.Reminders(ctx, clock); len(list) == 0 || list[0].Kind != "due-7" {
			t.Errorf("7 days ahead: %+v", list)
		}

		// Submission mails the documents to the regime's address.
		r, err := s.OpenReport(ctx, system, plan, "bk-ca", outreach.Annual(2019), outreach.ReportAgency)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Step(ctx, system, r.ID, outreach.StepSubmit, ""); err != nil {
			t.Fatal(err)
		}
		svc.Wait(ctx)
		msgs = srv.Wait(3, 10*time.Second)
		m := msgs[len(msgs)-1]
		names := strings.Join(m.AttachmentNames(), ",")
		if !strings.Contains(strings.Join(m.To, ","), "duonghv.tt@backan.gov.vn") || names != "bao-cao-2019-bk-ca.docx,bao-cao-2019-bk-ca.pdf" {
			t.Errorf("submission mail to %v with %s", m.To, names)
		}
		if !strings.Contains(m.Subject, "Báo cáo năm 2019") || !strings.Contains(m.Text, "Công an tỉnh") {
			t.Errorf("submission mail %q\n%s", m.Subject, m.Text)
		}
		log, err := s.Mailings(ctx, system, 50)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]int{}
		for _, l := range log {
			kinds[l.Kind+"/"+l.Status]++
		}
		if kinds["submission/sent"] != 1 || kinds["due-14/sent"] != 2 || kinds["due-14/failed"] < 2 {
			t.Errorf("mail log %v", kinds)
		}
	})
}

func TestJuly30Reminder(t *testing.T) {
	s := storetest.OpenSQLite(t)
	if _, _, err := setup.Seed(ctx, s, system); err != nil {
		t.Fatal(err)
	}
	svc := &reports.Service{Store: s}
	list, err := svc.Reminders(ctx, time.Date(2019, 7, 20, 8, 0, 0, 0, hanoi))
	if err != nil {
		t.Fatal(err)
	}
	if len(list) == 0 || list[0].Kind != reports.July30Kind || !strings.Contains(list[0].Subject, "30/7/2019") {
		t.Errorf("July reminders %+v", list)
	}
	if list, _ := svc.Reminders(ctx, time.Date(2019, 8, 2, 8, 0, 0, 0, hanoi)); len(list) != 0 {
		t.Errorf("reminders in August: %+v", list)
	}
	if _, err := (&reports.Service{Store: s}).Remind(ctx, time.Now()); err == nil {
		t.Errorf("Remind without a mailer did not refuse")
	}
}

// TestSubmissionMailRetried: the SMTP server fails the submission's mail
// once; the next reminder run sends it, once, with the submitted version.
func TestSubmissionMailRetried(t *testing.T) {
	s := storetest.OpenSQLite(t)
	srv, sender := seededWithSMTP(t, s)
	s.Now = func() time.Time { return time.Date(2019, 11, 20, 9, 0, 0, 0, hanoi) } // no reminder due
	svc := &reports.Service{Store: s, Mailer: sender}
	r, err := s.OpenReport(ctx, system, plan, "bk-ca", outreach.Annual(2019), outreach.ReportAgency)
	if err != nil {
		t.Fatal(err)
	}
	srv.FailNext(1)
	if _, err := svc.Step(ctx, system, r.ID, outreach.StepSubmit, ""); err != nil {
		t.Fatal(err)
	}
	svc.Wait(ctx)
	log, _ := s.Mailings(ctx, system, 10)
	if len(log) != 1 || log[0].Status != store.MailFailed {
		t.Fatalf("after a failed send: %+v", log)
	}
	// The coordinator returns it meanwhile: nothing to resend (that
	// version is no longer the agency's submission).
	if _, err := s.ReportStep(ctx, system, r.ID, outreach.StepReturn, "Bổ sung"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Remind(ctx, s.Now()); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("a returned report's old submission was mailed: %d", n)
	}
	// Resubmitted and failing again, then retried by the next run.
	srv.FailNext(1)
	if _, err := svc.Step(ctx, system, r.ID, outreach.StepSubmit, ""); err != nil {
		t.Fatal(err)
	}
	svc.Wait(ctx)
	if _, err := svc.Remind(ctx, s.Now()); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Wait(1, 10*time.Second)
	if len(msgs) != 1 || len(msgs[0].Attachments) != 2 {
		t.Fatalf("retried submission: %d messages", len(msgs))
	}
	if _, err := svc.Remind(ctx, s.Now()); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("the retried submission went %d times", n)
	}
}

// TestHalfYearReminders: a six-month round's reminders follow its own
// deadline, name its period, and go once per round: the annual report's
// reminder of the same kind and year still goes.
func TestHalfYearReminders(t *testing.T) {
	s := storetest.OpenSQLite(t)
	srv, sender := seededWithSMTP(t, s)
	p, err := s.Plan(ctx, plan)
	if err != nil {
		t.Fatal(err)
	}
	p.Reporting.Rounds = []outreach.RoundRule{{Round: outreach.RoundHalfYear, Deadline: "06-20", Cutoff: outreach.Cutoff{From: "12-15", To: "06-14"}}}
	if _, err := s.ImportPlan(ctx, system, p); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateContact(ctx, system, "bk-ca", store.Contact{Name: "Đầu mối", Email: "congan@test.local"}); err != nil {
		t.Fatal(err)
	}
	svc := &reports.Service{Store: s, Mailer: sender}
	police := func(list []reports.Reminder) *reports.Reminder {
		for i := range list {
			if list[i].Agency == "bk-ca" {
				return &list[i]
			}
		}
		return nil
	}
	june := time.Date(2019, 6, 13, 8, 0, 0, 0, hanoi)
	sent, err := svc.Remind(ctx, june)
	if err != nil {
		t.Fatal(err)
	}
	r := police(sent)
	if r == nil || r.Kind != "due-7" || r.Round != outreach.RoundHalfYear || r.Status != "sent" || !strings.Contains(r.Subject, "6 tháng đầu năm 2019") || !strings.Contains(r.Text, "14/06/2019") {
		t.Fatalf("June reminder to the police: %+v", r)
	}
	if again, _ := svc.Reminders(ctx, june.Add(time.Hour)); police(again) != nil {
		t.Errorf("the six-month reminder would go twice")
	}
	december := time.Date(2019, 12, 13, 8, 0, 0, 0, hanoi)
	list, err := svc.Reminders(ctx, december)
	if err != nil {
		t.Fatal(err)
	}
	if r := police(list); r == nil || r.Kind != "due-7" || r.Round != outreach.RoundAnnual || !strings.Contains(r.Subject, "năm 2019") {
		t.Errorf("the annual reminder of the same kind and year: %+v", r)
	}
	if msgs := srv.Wait(1, 5*time.Second); len(msgs) == 0 || !strings.Contains(msgs[0].Subject, "6 tháng đầu năm 2019") {
		t.Errorf("mail %+v", msgs)
	}
}
