package reports

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"outreach/internal/mail"
	"outreach/internal/outreach"
	"outreach/internal/store"
)

// Formats a report can be exported in.
var Formats = []string{"docx", "pdf", "xlsx", "csv"}

var contentTypes = map[string]string{
	"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"pdf":  "application/pdf",
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"csv":  "text/csv; charset=utf-8",
}

// ContentType is the MIME type of a format.
func ContentType(format string) string { return contentTypes[format] }

// Service runs the regime's work over the store: documents, submission
// mail and reminders. Mailer may be nil when no SMTP server is configured:
// then nothing is sent and reminders are only listed.
type Service struct {
	Store  *store.Store
	Mailer mail.Sender
	Log    *slog.Logger
	// BaseURL is the server's public address, for links in mail.
	BaseURL string
	// pending counts mail being sent in the background, so tests and
	// shutdown can wait for it.
	pending sync.WaitGroup
}

func (s *Service) log() *slog.Logger {
	if s.Log == nil {
		return slog.Default()
	}
	return s.Log
}

// Export writes a report the actor may read in a format, returning the
// file's name.
func (s *Service) Export(ctx context.Context, actor outreach.Actor, id int64, format string) (name string, data []byte, err error) {
	r, err := s.Store.Report(ctx, actor, id)
	if err != nil {
		return "", nil, err
	}
	return s.render(ctx, r, format)
}

// ExportConsolidated writes the consolidated report of a period: the
// stored one when the actor may read it, otherwise, for coordinators and
// admins only, an unsaved draft of the live figures (no narrative): until
// the report is issued its figures are the consolidating department's
// working material. Downloading never creates a report.
func (s *Service) ExportConsolidated(ctx context.Context, actor outreach.Actor, plan string, key outreach.PeriodKey, format string) (string, []byte, error) {
	return s.exportOrDraft(ctx, actor, plan, "", key, outreach.ReportConsolidated, format)
}

// ExportAgency writes an agency's report for a period: the stored one, or
// an unsaved draft of its live figures when it has not been started.
func (s *Service) ExportAgency(ctx context.Context, actor outreach.Actor, plan, agency string, key outreach.PeriodKey, format string) (string, []byte, error) {
	return s.exportOrDraft(ctx, actor, plan, agency, key, outreach.ReportAgency, format)
}

func (s *Service) exportOrDraft(ctx context.Context, actor outreach.Actor, plan, agency string, key outreach.PeriodKey, kind outreach.ReportKind, format string) (string, []byte, error) {
	reports, err := s.Store.Reports(ctx, actor, plan, key)
	if err != nil {
		return "", nil, err
	}
	for _, r := range reports {
		if r.Kind == kind && (kind == outreach.ReportConsolidated || r.AgencyCode == agency) {
			return s.Export(ctx, actor, r.ID, format)
		}
	}
	if kind == outreach.ReportConsolidated && !actor.CanEditPlans() {
		return "", nil, actor.Forbidden("see the consolidated report before it is submitted")
	}
	p, err := s.Store.Plan(ctx, plan)
	if err != nil {
		return "", nil, err
	}
	rp, err := p.PeriodOf(key)
	if err != nil {
		return "", nil, err
	}
	code := agency
	if kind == outreach.ReportConsolidated {
		code, agency = rp.Recipient, ""
	} else if a, ok := p.Agency(agency); !ok || a.IsGroup() {
		return "", nil, outreach.Invalid("agency", "%q is not an agency of the plan that reports", agency)
	}
	f, err := s.Store.ReportFigures(ctx, plan, agency, key)
	if err != nil {
		return "", nil, err
	}
	a, _ := p.Agency(code)
	r := &outreach.Report{Plan: plan, Kind: kind, Round: key.Round, Year: key.Year, AgencyCode: code, AgencyName: a.Name, Status: outreach.ReportDraft, Figures: f}
	return s.render(ctx, r, format)
}

func (s *Service) render(ctx context.Context, r *outreach.Report, format string) (string, []byte, error) {
	if _, ok := contentTypes[format]; !ok {
		return "", nil, outreach.Invalid("format", "expected one of %s, got %q", strings.Join(Formats, ", "), format)
	}
	p, err := s.Store.Plan(ctx, r.Plan)
	if err != nil {
		return "", nil, err
	}
	var sub *Submission
	if r.Kind == outreach.ReportConsolidated {
		b, err := s.Store.Board(ctx, r.Plan, r.Key())
		if err != nil {
			return "", nil, err
		}
		sub = SubmissionOf(b)
	}
	d := Build(p, r, sub)
	var buf bytes.Buffer
	switch format {
	case "docx":
		err = d.WriteDOCX(&buf)
	case "pdf":
		err = d.WritePDF(&buf)
	case "xlsx":
		err = d.WriteXLSX(&buf)
	case "csv":
		err = d.WriteCSV(&buf)
	}
	if err != nil {
		return "", nil, fmt.Errorf("write %s: %w", format, err)
	}
	return FileName(r, format), buf.Bytes(), nil
}

// SubmissionOf summarises a board for the consolidated report.
func SubmissionOf(b *store.Board) *Submission {
	sub := &Submission{Expected: b.Expected, Submitted: b.Submitted, OnTime: b.OnTime, Late: b.Late, Missing: b.MissingNames()}
	for _, row := range b.Rows {
		if row.Expected && row.Report != nil && row.Report.FirstSubmittedAt != nil && row.Report.Late {
			sub.LateNames = append(sub.LateNames, row.Agency.Name)
		}
	}
	return sub
}

// FileName names a report's file: bao-cao-2019-bk-ca.docx.
func FileName(r *outreach.Report, format string) string {
	if r.Kind == outreach.ReportConsolidated {
		return fmt.Sprintf("bao-cao-tong-hop-%s-%s.%s", r.Key(), r.Plan, format)
	}
	return fmt.Sprintf("bao-cao-%s-%s.%s", r.Key(), r.AgencyCode, format)
}

// Step takes a workflow step; a submission then e-mails the report's DOCX
// and PDF to the regime's address in the background (recorded in the mail
// log, at most once per submission).
func (s *Service) Step(ctx context.Context, actor outreach.Actor, id int64, step, reason string) (*outreach.Report, error) {
	r, err := s.Store.ReportStep(ctx, actor, id, step, reason)
	if err != nil {
		return nil, err
	}
	if step == outreach.StepSubmit && r.Kind == outreach.ReportAgency && s.Mailer != nil {
		// The mail carries this submission (its frozen figures and time),
		// whatever happens to the report meanwhile; the request does not
		// wait for it.
		s.pending.Add(1)
		go func() {
			defer s.pending.Done()
			bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
			defer cancel()
			if err := s.SendSubmission(bg, r); err != nil {
				s.log().Error("send submitted report", "report", r.ID, "err", err)
			}
		}()
	}
	return r, nil
}

// Wait blocks until mail sent in the background has gone, or ctx ends.
func (s *Service) Wait(ctx context.Context) {
	done := make(chan struct{})
	go func() { s.pending.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
}

// SendSubmission e-mails a submitted report's DOCX and PDF to the regime's
// address, copying the agency's focal points. r is the report as its
// submission left it (status submitted, frozen figures).
func (s *Service) SendSubmission(ctx context.Context, r *outreach.Report) error {
	p, err := s.Store.Plan(ctx, r.Plan)
	if err != nil {
		return err
	}
	if p.Reporting.Email == "" || r.SubmittedAt == nil || r.Figures == nil {
		return nil
	}
	full := r
	label := PeriodLabel(p, r)
	m := store.Mailing{Plan: r.Plan, Agency: r.AgencyCode, Year: r.Year, Kind: "submission",
		Ref: roundRef(r.Round) + full.SubmittedAt.UTC().Format(time.RFC3339Nano), Recipients: []string{p.Reporting.Email},
		Subject: fmt.Sprintf("[%s] Báo cáo %s – %s", p.Decision.Number, label, full.AgencyName)}
	ok, err := s.Store.ClaimMailing(ctx, &m)
	if err != nil || !ok {
		return err
	}
	msg := mail.Message{To: m.Recipients, Subject: m.Subject}
	if cc, err := s.Store.FocalEmails(ctx, r.Plan, r.AgencyCode); err == nil {
		msg.Cc = cc
	}
	msg.Text = fmt.Sprintf("Kính gửi %s,\n\n%s gửi báo cáo %s %s (số liệu từ %s đến %s), theo mục %s của Kế hoạch ban hành kèm theo Quyết định số %s.\n\nBáo cáo gửi lúc %s; bản DOCX và PDF đính kèm.\n%s\n\n— Thư gửi tự động từ hệ thống outreach.",
		recipientName(p, r), full.AgencyName, lowerFirst(strings.TrimPrefix(p.Reporting.Name, "Báo cáo ")), label, dmy(full.Figures.From), dmy(full.Figures.To),
		p.Reporting.Clause, p.Decision.Number, full.SubmittedAt.In(hanoi).Format("15:04 02/01/2006"), s.link(fmt.Sprintf("/reports/%d", r.ID)))
	var sendErr error
	for _, f := range []string{"docx", "pdf"} {
		name, data, err := s.render(ctx, full, f)
		if err != nil {
			sendErr = err
			break
		}
		msg.Attachments = append(msg.Attachments, mail.Attachment{Name: name, ContentType: ContentType(f), Data: data})
	}
	if sendErr == nil {
		sendErr = s.Mailer.Send(ctx, msg)
	}
	if err := s.Store.FinishMailing(ctx, m.ID, sendErr); err != nil {
		return err
	}
	return sendErr
}

// recipientName names the agency a report's period goes to (a round may
// name its own recipient).
func recipientName(p *outreach.Plan, r *outreach.Report) string {
	code := p.Reporting.Recipient
	if rp, err := p.PeriodOf(r.Key()); err == nil && rp.Recipient != "" {
		code = rp.Recipient
	}
	a, _ := p.Agency(code)
	return a.Name
}

func (s *Service) link(path string) string {
	if s.BaseURL == "" {
		return ""
	}
	return "Xem trên hệ thống: " + strings.TrimRight(s.BaseURL, "/") + path
}

func dmy(iso string) string {
	t, err := time.Parse("2006-01-02", iso)
	if err != nil {
		return iso
	}
	return t.Format("02/01/2006")
}

// PeriodLabel names a report's period in words ("năm 2018", "6 tháng đầu
// năm 2019", "giai đoạn 2017–2020").
func PeriodLabel(p *outreach.Plan, r *outreach.Report) string {
	if rp, err := p.PeriodOf(r.Key()); err == nil {
		return rp.Label
	}
	return fmt.Sprintf("năm %d", r.Year)
}

// roundRef tells apart, in the mail log, mailings of the rounds of one
// year: the annual round's keep the empty prefix they always had.
func roundRef(r outreach.Round) string {
	if r == outreach.RoundAnnual || r == "" {
		return ""
	}
	return string(r) + "|"
}
