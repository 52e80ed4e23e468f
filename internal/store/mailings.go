package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"outreach/internal/outreach"
)

// Mailing is one e-mail the system sends about a period: a reminder, or a
// submitted report's documents.
type Mailing struct {
	ID         int64     `json:"id"`
	Plan       string    `json:"plan"`
	Agency     string    `json:"agency"`
	AgencyName string    `json:"agency_name"`
	Year       int       `json:"year"`
	Kind       string    `json:"kind"`
	Ref        string    `json:"ref,omitempty"`
	Recipients []string  `json:"recipients"`
	Subject    string    `json:"subject"`
	Status     string    `json:"status"`
	Error      string    `json:"error,omitempty"`
	Attempts   int       `json:"attempts"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Mailing statuses. A mailing is claimed (sending) before it is sent, so
// that two runs, or a run after a crash, never send it twice; a failed one
// may be claimed again up to MaxAttempts times.
const (
	MailSending = "sending"
	MailSent    = "sent"
	MailFailed  = "failed"
)

// MaxAttempts is how many times a failing mailing is tried.
const MaxAttempts = 3

// StaleSending is how long a mailing may stay "sending" before a later
// run takes it for failed (the process sending it died).
const StaleSending = 30 * time.Minute

// ClaimMailing records that the mailing is about to be sent and reports
// whether the caller should send it: false when it was already sent, is
// being sent, or failed MaxAttempts times. Two runs racing for the same
// mailing cannot both win: the insert and the retry are conditional
// writes, and only the one that changed a row sends.
func (s *Store) ClaimMailing(ctx context.Context, m *Mailing) (ok bool, err error) {
	defer wrap(&err, "ClaimMailing(%s, %s, %d, %s)", m.Plan, m.Agency, m.Year, m.Kind)
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var planID int64
		if err := tx.QueryRowContext(ctx, `SELECT id FROM plans WHERE code = $1`, m.Plan).Scan(&planID); err != nil {
			return err
		}
		// The plan's agency with the code: other provinces have their own.
		agencyID, err := planAgencyID(ctx, tx, planID, m.Agency)
		if err != nil {
			return err
		}
		now := s.stamp()
		err = tx.QueryRowContext(ctx, `INSERT INTO mailings (plan_id, agency_id, year, kind, ref, recipients, subject, status, attempts, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9)
			ON CONFLICT (plan_id, agency_id, year, kind, ref) DO NOTHING RETURNING id`,
			planID, agencyID, m.Year, m.Kind, m.Ref, strings.Join(m.Recipients, ", "), m.Subject, MailSending, now).Scan(&m.ID)
		if err == nil {
			ok = true
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		// It exists: take it again only if it failed (or was left sending
		// by a process that died) and has attempts left.
		if err := tx.QueryRowContext(ctx, `SELECT id FROM mailings WHERE plan_id = $1 AND agency_id = $2 AND year = $3 AND kind = $4 AND ref = $5`,
			planID, agencyID, m.Year, m.Kind, m.Ref).Scan(&m.ID); err != nil {
			return err
		}
		stale := s.now().Add(-StaleSending).Format(stampLayout)
		res, err := tx.ExecContext(ctx, `UPDATE mailings SET status = $1, attempts = attempts + 1, recipients = $2, updated_at = $3
			WHERE id = $4 AND attempts < $5 AND (status = $6 OR status = $1 AND updated_at < $7)`,
			MailSending, strings.Join(m.Recipients, ", "), now, m.ID, MaxAttempts, MailFailed, stale)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		ok = n == 1
		return err
	})
	return ok, err
}

// FinishMailing records how a claimed mailing went.
func (s *Store) FinishMailing(ctx context.Context, id int64, sendErr error) (err error) {
	defer wrap(&err, "FinishMailing(%d)", id)
	status, msg := MailSent, ""
	if sendErr != nil {
		status, msg = MailFailed, sendErr.Error()
		if len(msg) > 1000 {
			msg = msg[:1000]
		}
	}
	// The outcome is recorded even when the caller's context has ended
	// (a shutdown during the send), or the row would stay "sending".
	_, err = s.db.ExecContext(context.WithoutCancel(ctx), `UPDATE mailings SET status = $1, error = $2, updated_at = $3 WHERE id = $4`, status, msg, s.stamp(), id)
	return err
}

// MailingSent reports whether a mailing was already claimed (sent, being
// sent, or given up on): what --dry-run leaves out.
func (s *Store) MailingSent(ctx context.Context, plan, agency string, year int, kind, ref string) (bool, error) {
	var status string
	var attempts int
	err := s.db.QueryRowContext(ctx, `SELECT m.status, m.attempts FROM mailings m JOIN plans p ON p.id = m.plan_id JOIN agencies a ON a.id = m.agency_id
		WHERE p.code = $1 AND a.code = $2 AND m.year = $3 AND m.kind = $4 AND m.ref = $5`, plan, agency, year, kind, ref).Scan(&status, &attempts)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return status != MailFailed || attempts >= MaxAttempts, nil
}

// FailedSubmissions lists the submission mailings that failed and may be
// tried again.
func (s *Store) FailedSubmissions(ctx context.Context) (_ []Mailing, err error) {
	defer wrap(&err, "FailedSubmissions")
	var out []Mailing
	stale := s.now().Add(-StaleSending).Format(stampLayout)
	err = each(ctx, s.db, `SELECT p.code, a.code, m.year, m.ref FROM mailings m JOIN plans p ON p.id = m.plan_id JOIN agencies a ON a.id = m.agency_id
		WHERE m.kind = 'submission' AND m.attempts < $1 AND (m.status = $2 OR m.status = $3 AND m.updated_at < $4)`, []any{MaxAttempts, MailFailed, MailSending, stale}, func(r *sql.Rows) error {
		var m Mailing
		m.Kind = "submission"
		err := r.Scan(&m.Plan, &m.Agency, &m.Year, &m.Ref)
		out = append(out, m)
		return err
	})
	return out, err
}

// Mailings lists the latest mailings, newest first.
func (s *Store) Mailings(ctx context.Context, actor outreach.Actor, limit int) (_ []Mailing, err error) {
	defer wrap(&err, "Mailings")
	if !actor.CanEditPlans() {
		return nil, actor.Forbidden("read the mail log")
	}
	var out []Mailing
	where, args := "", []any{limit}
	if cond, more := withOwner(actor, "", nil, 2); cond != "" {
		where, args = " WHERE "+cond, append(args, more...)
	}
	err = each(ctx, s.db, `SELECT m.id, p.code, a.code, a.name, m.year, m.kind, m.ref, m.recipients, m.subject, m.status, m.error, m.attempts, m.created_at, m.updated_at
		FROM mailings m JOIN plans p ON p.id = m.plan_id JOIN agencies a ON a.id = m.agency_id`+where+` ORDER BY m.updated_at DESC, m.id DESC LIMIT $1`, args, func(r *sql.Rows) error {
		var m Mailing
		var to, c, u string
		if err := r.Scan(&m.ID, &m.Plan, &m.Agency, &m.AgencyName, &m.Year, &m.Kind, &m.Ref, &to, &m.Subject, &m.Status, &m.Error, &m.Attempts, &c, &u); err != nil {
			return err
		}
		m.Recipients = splitAddresses(to)
		m.CreatedAt, m.UpdatedAt = parseStamp(c), parseStamp(u)
		out = append(out, m)
		return nil
	})
	return out, err
}

// splitAddresses splits a list of e-mail addresses written with commas or
// semicolons.
func splitAddresses(s string) []string {
	var out []string
	for _, a := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' }) {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, a)
		}
	}
	return out
}

// Addresses lists the focal points' e-mail addresses (written with commas
// between them).
func (c Contact) Addresses() []string { return splitAddresses(c.Email) }

// FocalEmails returns the addresses of the focal points of the plan's
// agency with the code.
func (s *Store) FocalEmails(ctx context.Context, plan, agency string) ([]string, error) {
	var c Contact
	if err := s.db.QueryRowContext(ctx, `SELECT a.focal_email FROM plans p JOIN agencies a ON a.id = `+planAgencySQL("p.id", "$2")+` WHERE p.code = $1`,
		plan, agency).Scan(&c.Email); err != nil {
		return nil, fmt.Errorf("agency %s of plan %s: %w", agency, plan, translate(err))
	}
	return c.Addresses(), nil
}
