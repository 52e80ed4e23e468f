package store

import (
	"context"
	"database/sql"
	"fmt"

	"outreach/internal/outreach"
)

// saveRounds writes the regime's extra report rounds. A change that
// would leave a stored report without its period (a round dropped, an
// end-of-period year moved, a plan shortened) is refused: the report
// could no longer be reached.
func saveRounds(ctx context.Context, tx *sql.Tx, planID int64, p *outreach.Plan) error {
	rules := p.Reporting.Rounds
	periods, err := p.ReportPeriods()
	if err != nil {
		return err
	}
	kept := map[outreach.PeriodKey]bool{}
	for _, rp := range periods {
		kept[rp.Key()] = true
	}
	err = each(ctx, tx, `SELECT DISTINCT round, year FROM reports WHERE plan_id = $1`, []any{planID}, func(r *sql.Rows) error {
		var k outreach.PeriodKey
		if err := r.Scan(&k.Round, &k.Year); err != nil {
			return err
		}
		if !kept[k] {
			return outreach.Invalid("reporting.rounds", "reports of the period %s exist; the plan's regime must keep that period (its round and year)", k)
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
