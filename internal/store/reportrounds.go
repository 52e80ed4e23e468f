package store

import (
	"context"
	"database/sql"
	"fmt"

	"outreach/internal/outreach"
)

// saveRounds writes the regime's extra report rounds. A round that
// reports were written for cannot be dropped by a re-import: those
// reports would lose their period.
func saveRounds(ctx context.Context, tx *sql.Tx, planID int64, rules []outreach.RoundRule) error {
	kept := map[outreach.Round]bool{outreach.RoundAnnual: true}
	for _, r := range rules {
		kept[r.Round] = true
	}
	err := each(ctx, tx, `SELECT DISTINCT round FROM reports WHERE plan_id = $1`, []any{planID}, func(r *sql.Rows) error {
		var round outreach.Round
		if err := r.Scan(&round); err != nil {
			return err
		}
		if !kept[round] {
			return outreach.Invalid("reporting.rounds", "reports of the %s round exist; the round cannot be dropped from the regime", round)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM plan_report_rounds WHERE plan_id = $1`, planID); err != nil {
		return err
	}
	for i, r := range rules {
		if _, err := tx.ExecContext(ctx, `INSERT INTO plan_report_rounds (plan_id, position, round, name, deadline, cutoff_from, cutoff_to, year, recipient)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, planID, i, r.Round, r.Name, r.Deadline, r.Cutoff.From, r.Cutoff.To, r.Year, r.Recipient); err != nil {
			return fmt.Errorf("reporting round %s: %w", r.Round, err)
		}
	}
	return nil
}

// loadRounds reads the regime's extra report rounds.
func loadRounds(ctx context.Context, q querier, planID int64) ([]outreach.RoundRule, error) {
	var out []outreach.RoundRule
	err := each(ctx, q, `SELECT round, name, deadline, cutoff_from, cutoff_to, year, recipient FROM plan_report_rounds WHERE plan_id = $1 ORDER BY position`,
		[]any{planID}, func(r *sql.Rows) error {
			var x outreach.RoundRule
			if err := r.Scan(&x.Round, &x.Name, &x.Deadline, &x.Cutoff.From, &x.Cutoff.To, &x.Year, &x.Recipient); err != nil {
				return err
			}
			out = append(out, x)
			return nil
		})
	return out, err
}
