package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"outreach/internal/outreach"
)

// Board is the submission board of one period: who owes a report, who
// sent it, on time or late, and who is missing.
type Board struct {
	Plan   *outreach.Plan
	Period outreach.ReportPeriod
	// DaysLeft is the days to the deadline from now (negative: overdue).
	DaysLeft int
	Rows     []BoardRow
	// Consolidated is the consolidating department's report, if started.
	Consolidated *outreach.Report
	Counts
}

// BoardRow is one agency on the board.
type BoardRow struct {
	Agency   outreach.Agency
	Expected bool
	Report   *outreach.Report
	Contact  Contact
}

// State is the row's state for the board: missing, draft, submitted,
// returned or accepted.
func (r BoardRow) State() string {
	if r.Report == nil {
		return "missing"
	}
	return string(r.Report.Status)
}

// Board builds the period's submission board.
func (s *Store) Board(ctx context.Context, plan string, key outreach.PeriodKey) (_ *Board, err error) {
	defer wrap(&err, "Board(%s, %s)", plan, key)
	p, planID, rp, err := s.planPeriod(ctx, plan, key)
	if err != nil {
		return nil, err
	}
	b := &Board{Plan: p, Period: rp, DaysLeft: rp.DaysLeft(s.now())}
	var list []outreach.Report
	err = each(ctx, s.db, `SELECT `+reportColumns+reportFrom+` WHERE r.plan_id = $1 AND r.round = $2 AND r.year = $3`, []any{planID, key.Round, key.Year}, func(r *sql.Rows) error {
		x, err := scanReport(r)
		if err != nil {
			return err
		}
		list = append(list, x.Report)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := s.lateAll(ctx, list); err != nil {
		return nil, err
	}
	reports := map[string]*outreach.Report{}
	for i := range list {
		if list[i].Kind == outreach.ReportConsolidated {
			b.Consolidated = &list[i]
		} else {
			reports[list[i].AgencyCode] = &list[i]
		}
	}
	contacts := map[string]Contact{}
	err = each(ctx, s.db, `SELECT a.code, a.focal_name, a.focal_email, a.focal_phone FROM plan_agencies pa JOIN agencies a ON a.id = pa.agency_id WHERE pa.plan_id = $1`, []any{planID}, func(r *sql.Rows) error {
		var code string
		var c Contact
		err := r.Scan(&code, &c.Name, &c.Email, &c.Phone)
		contacts[code] = c
		return err
	})
	if err != nil {
		return nil, err
	}
	expected := map[string]bool{}
	for _, c := range p.ExpectedReporters(rp) {
		expected[c] = true
	}
	for _, a := range p.Agencies {
		rep := reports[a.Code]
		if a.IsGroup() || !expected[a.Code] && rep == nil {
			continue
		}
		row := BoardRow{Agency: a, Expected: expected[a.Code], Contact: contacts[a.Code]}
		// A draft not yet sent counts as missing; the row still shows it.
		row.Report = rep
		b.Rows = append(b.Rows, row)
		if !row.Expected {
			continue
		}
		b.Counts.add(rep)
	}
	b.Counts.rates()
	return b, nil
}

// Counts are a board's totals over the reports owed.
type Counts struct {
	Expected, Submitted, OnTime, Late, Missing, Accepted, Returned int
	// Completeness and Timeliness are the shares of expected reports
	// submitted at all and submitted on time, in percent.
	Completeness, Timeliness float64
}

// add counts one owed report (nil: not started; a draft never sent is
// missing too).
func (c *Counts) add(rep *outreach.Report) {
	c.Expected++
	if rep == nil || rep.FirstSubmittedAt == nil {
		c.Missing++
		return
	}
	c.Submitted++
	if rep.Late {
		c.Late++
	} else {
		c.OnTime++
	}
	switch rep.Status {
	case outreach.ReportAccepted:
		c.Accepted++
	case outreach.ReportReturned:
		c.Returned++
	}
}

// rates computes the shares once everything is counted.
func (c *Counts) rates() {
	if c.Expected > 0 {
		c.Completeness = 100 * float64(c.Submitted) / float64(c.Expected)
		c.Timeliness = 100 * float64(c.OnTime) / float64(c.Expected)
	}
}

// MissingNames lists the expected agencies that have not submitted.
func (b *Board) MissingNames() []string {
	var out []string
	for _, r := range b.Rows {
		if r.Expected && (r.Report == nil || r.Report.FirstSubmittedAt == nil) {
			out = append(out, r.Agency.Name)
		}
	}
	return out
}

// Due is one thing a user owes, and by when.
type Due struct {
	Plan      string
	PlanTitle string
	Year      int
	// Period is the period's key ("2018", "2019-h1"), Label its words.
	Period string
	Label  string
	// Kind: "report" (an agency report to write and submit), "decide" (a
	// submitted report for a coordinator to accept or return),
	// "consolidate" (the consolidated report), "confirm" (materials a
	// commune should confirm).
	Kind     string
	Agency   string
	Status   string
	Due      string
	DaysLeft int
	Count    int
	Link     string
}

// WhatsDue lists what the actor owes: an agency reporter its reports for
// the periods open now (and those overdue within a year); a coordinator
// the reports waiting for a decision and the consolidated report; a unit
// reporter the materials its communes have not confirmed.
func (s *Store) WhatsDue(ctx context.Context, actor outreach.Actor) (_ []Due, err error) {
	defer wrap(&err, "WhatsDue(%s)", actor.Name())
	now := s.now()
	today := now.Format("2006-01-02")
	plans, err := s.PlansFor(ctx, actor)
	if err != nil {
		return nil, err
	}
	var out []Due
	for _, ps := range plans {
		p, planID, err := loadPlan(ctx, s.db, ps.Code)
		if err != nil {
			return nil, err
		}
		periods, err := p.ReportPeriods()
		if err != nil {
			return nil, err
		}
		// An agency reporter owes reports in the plans that name its own
		// agency (codes are an owner's: a merged province's plan may use
		// the same code for another agency).
		var agencyCode string
		if actor.Role == outreach.RoleAgencyReporter {
			err := s.db.QueryRowContext(ctx, `SELECT a.code FROM plan_agencies pa JOIN agencies a ON a.id = pa.agency_id WHERE pa.plan_id = $1 AND a.id = $2`,
				planID, actor.AgencyID).Scan(&agencyCode)
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			if err != nil {
				return nil, err
			}
		}
		// Coordinators owe decisions and consolidated reports only in the
		// plans they may change (the ministry reads provinces' plans).
		if (actor.Role == outreach.RoleAdmin || actor.Role == outreach.RoleCoordinator) && !actor.EditsOwner(ps.Owner) {
			continue
		}
		for _, rp := range periods {
			if rp.From > today || now.Sub(rp.DueEnd) > 365*24*time.Hour {
				continue
			}
			d := Due{Plan: p.Code, PlanTitle: p.Title, Year: rp.Year, Period: rp.Key().String(), Label: rp.Label, Due: rp.Due, DaysLeft: rp.DaysLeft(now)}
			switch actor.Role {
			case outreach.RoleAgencyReporter:
				expected := false
				for _, c := range p.ExpectedReporters(rp) {
					expected = expected || c == agencyCode
				}
				var id int64
				var status string
				err := s.db.QueryRowContext(ctx, `SELECT id, status FROM reports WHERE plan_id = $1 AND round = $2 AND year = $3 AND agency_id = $4 AND kind = $5`,
					planID, rp.Round, rp.Year, actor.AgencyID, outreach.ReportAgency).Scan(&id, &status)
				if err != nil && err != sql.ErrNoRows {
					return nil, err
				}
				if !expected || status == string(outreach.ReportSubmitted) || status == string(outreach.ReportAccepted) {
					continue
				}
				d.Kind, d.Agency, d.Status = "report", agencyCode, status
				d.Link = fmt.Sprintf("/plans/%s/reports/%s/agency/%s", p.Code, rp.Key(), agencyCode)
				if status == "" {
					d.Status = "missing"
				}
				out = append(out, d)
			case outreach.RoleAdmin, outreach.RoleCoordinator:
				var waiting int
				// Agency reports of the plan, and consolidated reports of
				// the plans serving it, wait for a decision here.
				if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM reports r JOIN plans p ON p.id = r.plan_id
					WHERE r.round = $1 AND r.year = $2 AND r.status = $3 AND (r.plan_id = $4 AND r.kind = $5 OR p.parent_plan_id = $4 AND r.kind = $6)`,
					rp.Round, rp.Year, outreach.ReportSubmitted, planID, outreach.ReportAgency, outreach.ReportConsolidated).Scan(&waiting); err != nil {
					return nil, err
				}
				if waiting > 0 {
					x := d
					x.Kind, x.Count, x.Link = "decide", waiting, fmt.Sprintf("/plans/%s/reports/%s", p.Code, rp.Key())
					out = append(out, x)
				}
				var status string
				err := s.db.QueryRowContext(ctx, `SELECT status FROM reports WHERE plan_id = $1 AND round = $2 AND year = $3 AND kind = $4`,
					planID, rp.Round, rp.Year, outreach.ReportConsolidated).Scan(&status)
				if err != nil && err != sql.ErrNoRows {
					return nil, err
				}
				if status != string(outreach.ReportSubmitted) && status != string(outreach.ReportAccepted) && now.Before(rp.DueEnd.AddDate(0, 1, 0)) {
					x := d
					x.Kind, x.Status, x.Link = "consolidate", status, fmt.Sprintf("/plans/%s/reports/%s/consolidated", p.Code, rp.Key())
					if status == "" {
						x.Status = "missing"
					}
					out = append(out, x)
				}
			}
		}
		if actor.Role == outreach.RoleUnitReporter && len(actor.UnitPaths) > 0 {
			n := 0
			err := each(ctx, s.db, `SELECT u.path FROM distribution_units du JOIN distributions d ON d.id = du.distribution_id JOIN materials m ON m.id = d.material_id
				JOIN units u ON u.id = du.unit_id WHERE m.plan_id = $1 AND d.deleted_at IS NULL AND du.deployed_on IS NULL`, []any{planID}, func(r *sql.Rows) error {
				var path string
				if err := r.Scan(&path); err != nil {
					return err
				}
				if actor.CanWriteUnit(path) {
					n++
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
			if n > 0 {
				out = append(out, Due{Plan: p.Code, PlanTitle: p.Title, Kind: "confirm", Count: n, Link: "/distributions?plan=" + p.Code + "&pending=1"})
			}
		}
	}
	return out, nil
}

// Upward is the board of a plan that other plans serve (the ministry's,
// which the provinces' plans serve) for one period: each serving plan's
// consolidated report, whether it came in and on time by this plan's
// deadline, and how complete the serving plan's own agency reports are.
type Upward struct {
	Plan     *outreach.Plan
	Period   outreach.ReportPeriod
	DaysLeft int
	Rows     []UpwardRow
	// Counts over the rows that owe a report (their regime has the period).
	Counts
}

// UpwardRow is one serving plan on the upward board.
type UpwardRow struct {
	Plan PlanSummary
	// Owes is false when the serving plan's regime has no such period
	// (no six-month round, or its years end earlier).
	Owes bool
	// Report is its consolidated report, if started.
	Report *outreach.Report
	// Agencies and AgenciesIn are its own expected agency reports and
	// those submitted.
	Agencies, AgenciesIn int
}

// State is the row's state: "none" (owes nothing), missing, draft,
// submitted, returned or accepted.
func (r UpwardRow) State() string {
	switch {
	case !r.Owes:
		return "none"
	case r.Report == nil:
		return "missing"
	}
	return string(r.Report.Status)
}

// UpwardBoard builds the board of the plans serving plan for a period;
// a plan no other serves has no rows. A serving plan's draft shows only
// to those who may edit it.
func (s *Store) UpwardBoard(ctx context.Context, actor outreach.Actor, plan string, key outreach.PeriodKey) (_ *Upward, err error) {
	defer wrap(&err, "UpwardBoard(%s, %s)", plan, key)
	if err := s.PlanVisible(ctx, actor, plan); err != nil {
		return nil, err
	}
	p, _, rp, err := s.planPeriod(ctx, plan, key)
	if err != nil {
		return nil, err
	}
	u := &Upward{Plan: p, Period: rp, DaysLeft: rp.DaysLeft(s.now())}
	all, err := s.Plans(ctx)
	if err != nil {
		return nil, err
	}
	for _, ps := range all {
		if ps.Parent != p.Code {
			continue
		}
		row := UpwardRow{Plan: ps}
		b, err := s.Board(ctx, ps.Code, key)
		switch {
		case errors.Is(err, outreach.ErrInvalid): // its regime has no such period
		case err != nil:
			return nil, err
		default:
			row.Owes, row.Report, row.Agencies, row.AgenciesIn = true, b.Consolidated, b.Expected, b.Submitted
			// A province's draft is its own business until it is sent:
			// to others the row shows a report not yet started.
			if rep := row.Report; rep != nil && rep.FirstSubmittedAt == nil && !actor.EditsOwner(ps.Owner) {
				row.Report = nil
			}
		}
		u.Rows = append(u.Rows, row)
		if !row.Owes {
			continue
		}
		u.Counts.add(row.Report)
	}
	u.Counts.rates()
	return u, nil
}
