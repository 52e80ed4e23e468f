package store

import (
	"context"
	"database/sql"
	"fmt"

	"outreach/internal/outreach"
)

// BudgetLine is one agency's estimate for a year and funding source, set
// against what its activities of that year record as spent from it.
type BudgetLine struct {
	Agency        string `json:"agency"`
	AgencyName    string `json:"agency_name"`
	FundingSource string `json:"funding_source"`
	SourceName    string `json:"source_name"`
	Estimate      int64  `json:"estimate"`
	Spent         int64  `json:"spent"`
}

// SetBudgetEstimate sets (or, with amount 0, clears) an agency's annual
// estimate for a funding source. The agency's reporter, coordinators and
// admins may.
func (s *Store) SetBudgetEstimate(ctx context.Context, actor outreach.Actor, plan, agency string, year int, source string, amount int64) (err error) {
	defer wrap(&err, "SetBudgetEstimate(%s, %s, %d, %s)", plan, agency, year, source)
	if amount < 0 || amount > outreach.MaxAmount {
		return outreach.Invalid("amount", "expected an amount between 0 and %d đồng, got %d", int64(outreach.MaxAmount), amount)
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		p, err := resolvePlan(ctx, tx, plan)
		if err != nil {
			return err
		}
		if err := ownerCheck(actor, p.owner, "budget"); err != nil {
			return err
		}
		if year < p.from || year > p.to {
			return outreach.Invalid("year", "expected a year of the plan, %d–%d, got %d", p.from, p.to, year)
		}
		ag, err := agencyID(ctx, tx, p.id, agency, "agency")
		if err != nil {
			return err
		}
		if !actor.CanWriteAgency(ag) {
			return actor.Forbidden("set this agency's budget estimate")
		}
		src, err := idByCode(ctx, tx, "funding_sources", "code", p.id, source, "funding_source", "funding source")
		if err != nil {
			return err
		}
		var before any
		var old int64
		if err := tx.QueryRowContext(ctx, `SELECT amount FROM budget_estimates WHERE plan_id = $1 AND agency_id = $2 AND year = $3 AND funding_source_id = $4`,
			p.id, ag, year, src).Scan(&old); err == nil {
			before = old
		}
		if amount == 0 {
			_, err = tx.ExecContext(ctx, `DELETE FROM budget_estimates WHERE plan_id = $1 AND agency_id = $2 AND year = $3 AND funding_source_id = $4`, p.id, ag, year, src)
		} else {
			_, err = tx.ExecContext(ctx, `INSERT INTO budget_estimates (plan_id, agency_id, year, funding_source_id, amount) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (plan_id, agency_id, year, funding_source_id) DO UPDATE SET amount = excluded.amount`, p.id, ag, year, src, amount)
		}
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "set", "budget_estimate", fmt.Sprintf("%s/%s/%d/%s", plan, agency, year, source), before, amount)
	})
}

// Budget returns, for a plan's year, every agency and funding source that
// has an estimate or recorded spending, with both. A reporter sees their
// agency's lines only.
func (s *Store) Budget(ctx context.Context, actor outreach.Actor, plan string, year int) (_ []BudgetLine, err error) {
	defer wrap(&err, "Budget(%s, %d)", plan, year)
	if err := s.PlanVisible(ctx, actor, plan); err != nil {
		return nil, err
	}
	scope := ""
	args := []any{plan, year, fmt.Sprintf("%d-01-01", year), fmt.Sprintf("%d-12-31", year)}
	switch actor.Role {
	case outreach.RoleAgencyReporter:
		scope = " AND ag.id = $5"
		args = append(args, actor.AgencyID)
	case outreach.RoleUnitReporter:
		scope = " AND 1 = 0"
	}
	// Spending counts an activity in the year it started.
	q := `WITH est AS (
			SELECT b.agency_id, b.funding_source_id, b.amount FROM budget_estimates b JOIN plans p ON p.id = b.plan_id WHERE p.code = $1 AND b.year = $2),
		spent AS (
			SELECT a.agency_id, a.funding_source_id, sum(a.cost) AS amount FROM activities a JOIN plans p ON p.id = a.plan_id
			WHERE p.code = $1 AND a.deleted_at IS NULL AND a.funding_source_id IS NOT NULL AND a.start_date >= $3 AND a.start_date <= $4
			GROUP BY a.agency_id, a.funding_source_id),
		keys AS (SELECT agency_id, funding_source_id FROM est UNION SELECT agency_id, funding_source_id FROM spent)
		SELECT ag.code, ag.name, f.code, f.name, coalesce(est.amount, 0), coalesce(spent.amount, 0)
		FROM keys JOIN agencies ag ON ag.id = keys.agency_id JOIN funding_sources f ON f.id = keys.funding_source_id
		LEFT JOIN est ON est.agency_id = keys.agency_id AND est.funding_source_id = keys.funding_source_id
		LEFT JOIN spent ON spent.agency_id = keys.agency_id AND spent.funding_source_id = keys.funding_source_id
		WHERE 1 = 1` + scope + ` ORDER BY ag.name, f.position`
	var ls []BudgetLine
	err = each(ctx, s.db, q, args, func(r *sql.Rows) error {
		var l BudgetLine
		err := r.Scan(&l.Agency, &l.AgencyName, &l.FundingSource, &l.SourceName, &l.Estimate, &l.Spent)
		ls = append(ls, l)
		return err
	})
	return ls, err
}
