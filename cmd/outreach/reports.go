package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"outreach/internal/i18n"
	"outreach/internal/mail"
	"outreach/internal/outreach"
	"outreach/internal/reports"
)

// mailConfig reads the SMTP settings from the environment. No host means
// no mail: the server then sends nothing and says so on the mail log page.
func mailConfig(e env) (mail.Config, error) {
	c := mail.Config{
		Host:     e.getenv("OUTREACH_SMTP_HOST"),
		Username: e.getenv("OUTREACH_SMTP_USERNAME"),
		Password: e.getenv("OUTREACH_SMTP_PASSWORD"),
		From:     e.getenv("OUTREACH_SMTP_FROM"),
		TLS:      e.getenv("OUTREACH_SMTP_TLS"),
		Port:     587,
	}
	if p := e.getenv("OUTREACH_SMTP_PORT"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil {
			return c, fmt.Errorf("OUTREACH_SMTP_PORT: expected a port number, got %q", p)
		}
		c.Port = n
	}
	return c, nil
}

// mailer returns the configured SMTP sender, or nil when none is set.
func mailer(e env) (mail.Sender, error) {
	c, err := mailConfig(e)
	if err != nil || !c.Enabled() {
		return nil, err
	}
	m, err := mail.New(c)
	if err != nil {
		return nil, fmt.Errorf("SMTP settings (OUTREACH_SMTP_*): %w", err)
	}
	return m, nil
}

func cmdReportExport(ctx context.Context, e env) error {
	fs := newFlags(e, "report export")
	open := dataFlag(e, fs)
	plan := fs.String("plan", "", "plan code (required)")
	year := fs.Int("year", 0, "the report's year (required)")
	round := fs.String("round", "annual", "the report's round: annual, half_year or final")
	agency := fs.String("agency", "", "the agency's code; leave out with --consolidated")
	consolidated := fs.Bool("consolidated", false, "the consolidating department's report")
	format := fs.String("format", "docx", "docx, pdf, xlsx or csv")
	out := fs.String("o", "", "output file (default: the report's file name in the current directory)")
	if err := parse(fs, e.args); err != nil {
		return err
	}
	if *plan == "" || *year == 0 || (*agency == "") == !*consolidated {
		return usagef("expected --plan, --year and either --agency CODE or --consolidated")
	}
	r, err := outreach.ParseRound(*round)
	if err != nil {
		return usagef("%v", err)
	}
	key := outreach.PeriodKey{Round: r, Year: *year}
	s, err := open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	svc := &reports.Service{Store: s}
	actor := outreach.SystemActor("cli")
	var name string
	var data []byte
	if *consolidated {
		name, data, err = svc.ExportConsolidated(ctx, actor, *plan, key, *format)
	} else {
		name, data, err = svc.ExportAgency(ctx, actor, *plan, *agency, key, *format)
	}
	if err != nil {
		return err
	}
	if *out == "" {
		*out = name
	}
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %s (%d bytes)\n", *out, len(data))
	return nil
}

func cmdRemind(ctx context.Context, e env) error {
	fs := newFlags(e, "remind")
	open := dataFlag(e, fs)
	dry := fs.Bool("dry-run", false, "print the reminders that would go, send nothing")
	at := fs.String("now", "", "act as if it were this time (YYYY-MM-DD or YYYY-MM-DDTHH:MM, Asia/Ho_Chi_Minh); for checking a schedule")
	if err := parse(fs, e.args); err != nil {
		return err
	}
	now := time.Now()
	if *at != "" {
		hanoi, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
		t, err := time.ParseInLocation("2006-01-02T15:04", *at, hanoi)
		if err != nil {
			if t, err = time.ParseInLocation("2006-01-02", *at, hanoi); err != nil {
				return usagef("--now: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM, got %q", *at)
			}
			t = t.Add(8 * time.Hour)
		}
		now = t
	}
	s, err := open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	svc := &reports.Service{Store: s}
	var list []reports.Reminder
	if *dry {
		list, err = svc.Reminders(ctx, now)
	} else {
		if svc.Mailer, err = mailer(e); err != nil {
			return err
		}
		list, err = svc.Remind(ctx, now)
	}
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintf(e.stdout, "no reminder due on %s\n", i18n.DateTime(now))
		return nil
	}
	w := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(w, "STATUS\tPLAN\tYEAR\tKIND\tAGENCY\tTO\tSUBJECT")
	for _, r := range list {
		st := r.Status
		if *dry {
			st = "would send"
			if len(r.To) == 0 {
				st = "no address"
			}
		}
		if r.Error != "" {
			st += ": " + r.Error
		}
		fmt.Fprintf(w, "%s\t%s\t%d\t%s\t%s\t%s\t%s\n", st, r.Plan, r.Year, r.Kind, r.Agency, strings.Join(r.To, ", "), r.Subject)
	}
	return w.Flush()
}
