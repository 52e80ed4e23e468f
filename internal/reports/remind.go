package reports

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"outreach/internal/mail"
	"outreach/internal/outreach"
	"outreach/internal/store"
)

// A reminder window: a reminder of the kind goes once when the days left
// to the deadline fall between From and To (both included). When the
// server was down on the day, the reminder of the window it is in goes.
type window struct {
	Kind     string
	From, To int
}

// Windows of the deadline reminders: 14, 7 and 1 days before, then after
// the deadline while the report is missing (the next day, a week and two
// weeks late; nothing after a month).
var windows = []window{
	{"due-14", 8, 14},
	{"due-7", 2, 7},
	{"due-1", 0, 1},
	{"overdue-1", -6, -1},
	{"overdue-7", -13, -7},
	{"overdue-14", -30, -14},
}

// July30Kind is the reminder before 30 July, the national day against
// human trafficking, to plan the month's response activities; it goes
// from 16 to 29 July.
const July30Kind = "july30"

// Reminder is one e-mail the reminder run sends (or would send).
type Reminder struct {
	Plan       string
	Agency     string
	AgencyName string
	Year       int
	// Round is the report's round; Label names its period in words.
	Round    outreach.Round
	Label    string
	Kind     string
	Due      string
	DaysLeft int
	To       []string
	Subject  string
	Text     string
	// Status after a run: "sent", "failed" (Error says why), "skipped"
	// (already sent), or "planned" in a dry run.
	Status string
	Error  string
}

// Reminders lists the reminders due at now for every plan, leaving out
// those already sent.
func (s *Service) Reminders(ctx context.Context, now time.Time) ([]Reminder, error) {
	plans, err := s.Store.Plans(ctx)
	if err != nil {
		return nil, err
	}
	var out []Reminder
	for _, ps := range plans {
		p, err := s.Store.Plan(ctx, ps.Code)
		if err != nil {
			return nil, err
		}
		periods, err := p.ReportPeriods()
		if err != nil {
			return nil, err
		}
		for _, rp := range periods {
			left := rp.DaysLeft(now)
			var w *window
			for i := range windows {
				if left >= windows[i].From && left <= windows[i].To {
					w = &windows[i]
				}
			}
			loc, _ := p.Reporting.Location()
			n := now.In(loc)
			july := rp.Round == outreach.RoundAnnual && n.Year() == rp.Year && n.Month() == time.July && n.Day() >= 16 && n.Day() <= 29
			if w == nil && !july {
				continue
			}
			// The board has who is expected, their reports and their focal
			// points' addresses.
			board, err := s.Store.Board(ctx, p.Code, rp.Key())
			if err != nil {
				return nil, err
			}
			for _, row := range board.Rows {
				if !row.Expected {
					continue
				}
				to := row.Contact.Addresses()
				st := row.State()
				pending := st != string(outreach.ReportSubmitted) && st != string(outreach.ReportAccepted)
				// A report returned after a timely submission is not missing.
				if left < 0 && row.Report != nil && row.Report.FirstSubmittedAt != nil {
					pending = false
				}
				if w != nil && pending {
					r := deadlineReminder(p, rp, row, w.Kind, left)
					r.To = to
					out = append(out, r)
				}
				if july { // before 30 July of the report's year
					a := row.Agency
					out = append(out, Reminder{Plan: p.Code, Agency: a.Code, AgencyName: a.Name, Year: rp.Year, Kind: July30Kind, Due: fmt.Sprintf("%d-07-30", rp.Year), To: to,
						Subject: fmt.Sprintf("Chuẩn bị hoạt động hưởng ứng Ngày toàn quốc phòng, chống mua bán người 30/7/%d", rp.Year),
						Text: fmt.Sprintf("Kính gửi %s,\n\nNgày 30/7 là Ngày toàn quốc phòng, chống mua bán người. Đề nghị quý cơ quan xây dựng và triển khai các hoạt động truyền thông hưởng ứng theo nhiệm vụ được giao tại Kế hoạch ban hành kèm theo Quyết định số %s, và cập nhật kết quả lên hệ thống.\n\n— Thư gửi tự động từ hệ thống outreach.",
							a.Name, p.Decision.Number)})
				}
			}
		}
	}
	kept := out[:0]
	for _, r := range out {
		sent, err := s.Store.MailingSent(ctx, r.Plan, r.Agency, r.Year, r.Kind, roundRef(r.Round))
		if err != nil {
			return nil, err
		}
		if !sent {
			kept = append(kept, r)
		}
	}
	return kept, nil
}

func deadlineReminder(p *outreach.Plan, rp outreach.ReportPeriod, row store.BoardRow, kind string, left int) Reminder {
	r := Reminder{Plan: p.Code, Agency: row.Agency.Code, AgencyName: row.Agency.Name, Year: rp.Year, Round: rp.Round, Label: rp.Label, Kind: kind, Due: rp.Due, DaysLeft: left}
	due := dmy(rp.Due)
	switch {
	case left > 0:
		r.Subject = fmt.Sprintf("Nhắc hạn báo cáo %s: còn %d ngày (hạn %s)", rp.Label, left, due)
	case left == 0:
		r.Subject = fmt.Sprintf("Hôm nay (%s) là hạn gửi báo cáo %s", due, rp.Label)
	default:
		r.Subject = fmt.Sprintf("Báo cáo %s đã quá hạn %d ngày (hạn %s)", rp.Label, -left, due)
	}
	state := "chưa được lập"
	if row.Report != nil {
		switch row.Report.Status {
		case outreach.ReportDraft:
			state = "đang ở dạng dự thảo, chưa gửi"
		case outreach.ReportReturned:
			state = "đã bị trả lại để chỉnh sửa (" + row.Report.Reason + ")"
		}
	}
	r.Text = fmt.Sprintf("Kính gửi %s,\n\nTheo mục %s của Kế hoạch ban hành kèm theo Quyết định số %s, các cơ quan, đơn vị gửi báo cáo kết quả %s trước ngày %s (số liệu từ %s đến %s).\n\nĐến nay báo cáo của quý cơ quan %s. Đề nghị hoàn thành và gửi trên hệ thống.\n\n— Thư gửi tự động từ hệ thống outreach.",
		row.Agency.Name, p.Reporting.Clause, p.Decision.Number, rp.Label, due, dmy(rp.From), dmy(rp.To), state)
	return r
}

// Remind sends the reminders due at now. Each goes at most once per
// agency, period and kind (the mail log is claimed before sending, so a
// crash or a second server never sends it twice); a failure is logged and
// tried again on later runs, up to store.MaxAttempts times. An agency
// without a focal e-mail is a failure the mail log shows.
func (s *Service) Remind(ctx context.Context, now time.Time) ([]Reminder, error) {
	if s.Mailer == nil {
		return nil, errors.New("no SMTP server is configured (set OUTREACH_SMTP_HOST); use --dry-run to list the reminders")
	}
	if err := s.retrySubmissions(ctx); err != nil {
		s.log().Error("retry submission mail", "err", err)
	}
	list, err := s.Reminders(ctx, now)
	if err != nil {
		return nil, err
	}
	for i := range list {
		r := &list[i]
		m := store.Mailing{Plan: r.Plan, Agency: r.Agency, Year: r.Year, Kind: r.Kind, Ref: roundRef(r.Round), Recipients: r.To, Subject: r.Subject}
		ok, err := s.Store.ClaimMailing(ctx, &m)
		if err != nil {
			// One reminder's trouble does not stop the others.
			r.Status, r.Error = "failed", err.Error()
			s.log().Error("claim reminder", "agency", r.Agency, "kind", r.Kind, "err", err)
			continue
		}
		if !ok {
			r.Status = "skipped"
			continue
		}
		var sendErr error
		switch {
		case len(r.To) == 0:
			sendErr = fmt.Errorf("%s has no focal point e-mail address", r.AgencyName)
		default:
			sendErr = s.Mailer.Send(ctx, mail.Message{To: r.To, Subject: r.Subject, Text: r.Text})
		}
		if err := s.Store.FinishMailing(ctx, m.ID, sendErr); err != nil {
			return list, err
		}
		r.Status = "sent"
		if sendErr != nil {
			r.Status, r.Error = "failed", sendErr.Error()
		}
	}
	return list, nil
}

// retrySubmissions sends again the submitted reports whose mail failed,
// when the report is still as it was submitted.
func (s *Service) retrySubmissions(ctx context.Context) error {
	failed, err := s.Store.FailedSubmissions(ctx)
	if err != nil {
		return err
	}
	system := outreach.SystemActor("mail")
	for _, m := range failed {
		round, stamp, ok := strings.Cut(m.Ref, "|")
		if !ok {
			round, stamp = string(outreach.RoundAnnual), m.Ref
		}
		list, err := s.Store.Reports(ctx, system, m.Plan, outreach.PeriodKey{Round: outreach.Round(round), Year: m.Year})
		if err != nil {
			return err
		}
		for i := range list {
			r := &list[i]
			if r.Kind != outreach.ReportAgency || r.AgencyCode != m.Agency || r.SubmittedAt == nil || r.SubmittedAt.UTC().Format(time.RFC3339Nano) != stamp {
				continue
			}
			if r.Status != outreach.ReportSubmitted && r.Status != outreach.ReportAccepted {
				continue
			}
			full, err := s.Store.Report(ctx, system, r.ID)
			if err != nil {
				return err
			}
			if err := s.SendSubmission(ctx, full); err != nil {
				s.log().Error("send submitted report again", "report", r.ID, "err", err)
			}
		}
	}
	return nil
}

// Loop sends reminders every interval until ctx ends.
func (s *Service) Loop(ctx context.Context, every time.Duration, now func() time.Time) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		list, err := s.Remind(ctx, now())
		if err != nil {
			s.log().Error("reminders", "err", err)
		}
		for _, r := range list {
			s.log().Info("reminder", "plan", r.Plan, "agency", r.Agency, "year", r.Year, "kind", r.Kind, "status", r.Status, "error", r.Error)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
