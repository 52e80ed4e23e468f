package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"outreach/internal/indicators"
	"outreach/internal/outreach"
)

// A reported target (outreach.KindReported) takes the value its
// responsible agency (Target.Agency) reports for a report period, once a
// coordinator of the plan accepts it: one row of target_reports per plan,
// target and period (migration 0016). The indicator engine reads the
// accepted values (readReported); every change writes an audit row, which
// also moves the dashboard cache's generation (dashcache.go).

// States of a reported value.
const (
	TargetValueSubmitted = "submitted"
	TargetValueAccepted  = "accepted"
	TargetValueReturned  = "returned"
)

// maxReason bounds a return's reason and maxEvidence the evidence text,
// in characters.
const (
	maxReason   = 2000
	maxEvidence = 2000
)

// ReportedTarget is a reported target of a plan with its responsible
// agency, and whether the actor who asked may report its value.
type ReportedTarget struct {
	Target     string `json:"target"`
	Text       string `json:"text"`
	Agency     string `json:"agency"`
	AgencyName string `json:"agency_name"`
	MaySubmit  bool   `json:"may_submit"`
	// position is the target's place in the plan.
	position int
}

// TargetValue is the value an agency reported for a reported target and
// a report period, with the coordinators' decision on it.
type TargetValue struct {
	ReportedTarget
	ID          int64      `json:"id"`
	Plan        string     `json:"plan"`
	Period      string     `json:"period"`
	Numerator   float64    `json:"numerator"`
	Denominator float64    `json:"denominator"`
	Evidence    string     `json:"evidence"`
	State       string     `json:"state"`
	Reason      string     `json:"reason,omitempty"`
	SubmittedAt time.Time  `json:"submitted_at"`
	SubmittedBy string     `json:"submitted_by"`
	DecidedAt   *time.Time `json:"decided_at,omitempty"`
	DecidedBy   string     `json:"decided_by,omitempty"`
	// MayDecide says whether the actor who asked may accept or return it.
	MayDecide bool `json:"may_decide"`
}

// Percent is the value as a share (numerator over denominator), or nil
// for a count (denominator 0).
func (v TargetValue) Percent() *float64 { return outreach.Percent(v.Numerator, v.Denominator) }

// TargetValueSheet is a plan's reported targets for one report period:
// the values reported, and the targets that have none yet.
type TargetValueSheet struct {
	Plan   string `json:"plan"`
	Period string `json:"period"`
	// Label names the period in words ("năm 2019").
	Label   string           `json:"label"`
	Values  []TargetValue    `json:"values"`
	Missing []ReportedTarget `json:"missing"`
	// MayDecide says whether the actor may accept and return values.
	MayDecide bool `json:"may_decide"`
}

// TargetValueRow is one reported target with its value, if any.
type TargetValueRow struct {
	ReportedTarget
	Value *TargetValue
}

// Rows lists every reported target in the plan's order, each with its
// value for the period (nil when none was reported).
func (s *TargetValueSheet) Rows() []TargetValueRow {
	var out []TargetValueRow
	for i := range s.Values {
		out = append(out, TargetValueRow{ReportedTarget: s.Values[i].ReportedTarget, Value: &s.Values[i]})
	}
	for _, t := range s.Missing {
		out = append(out, TargetValueRow{ReportedTarget: t})
	}
	slices.SortStableFunc(out, func(a, b TargetValueRow) int { return a.position - b.position })
	return out
}

// mayDecideValues says whether the actor may accept and return the
// reported values of a plan of the owner: its coordinators and admins.
func mayDecideValues(actor outreach.Actor, owner string) bool {
	return actor.CanEditPlans() && actor.EditsOwner(owner)
}

// maySubmitValue says whether the actor may report a value for the
// agency in a plan of the owner: whoever acts for the agency (its
// reporters, the unit reporters of its unit), and the plan's coordinators
// and admins.
func maySubmitValue(actor outreach.Actor, owner string, agencyID int64) bool {
	return actor.EditsOwner(owner) && actor.ActsFor(agencyID)
}

// reportedPlan is what the reported-value methods read of a plan.
type reportedPlan struct {
	plan  *outreach.Plan
	id    int64
	owner string
	// period is the report period asked for.
	period outreach.ReportPeriod
}

// loadReportedPlan loads a plan the actor sees and one of its report
// periods.
func (s *Store) loadReportedPlan(ctx context.Context, q querier, actor outreach.Actor, plan, period string) (*reportedPlan, error) {
	if err := s.PlanVisible(ctx, actor, plan); err != nil {
		return nil, err
	}
	key, err := outreach.ParsePeriodKey(period)
	if err != nil {
		return nil, err
	}
	p, id, err := loadPlan(ctx, q, plan)
	if err != nil {
		return nil, err
	}
	rp := &reportedPlan{plan: p, id: id}
	if rp.period, err = p.PeriodOf(key); errors.Is(err, outreach.ErrNotFound) {
		return nil, outreach.Invalid("period", "the plan's regime has no report %s (its years are %d–%d)", key, p.Period.From, p.Period.To)
	} else if err != nil {
		return nil, err
	}
	if err := q.QueryRowContext(ctx, `SELECT owner_code FROM plans WHERE id = $1`, id).Scan(&rp.owner); err != nil {
		return nil, err
	}
	return rp, nil
}

// reportedTarget returns the plan's reported target with the code and
// the id of its responsible agency.
func reportedTarget(ctx context.Context, q querier, rp *reportedPlan, code string) (ReportedTarget, int64, error) {
	for i, t := range rp.plan.Targets {
		if t.Code != code {
			continue
		}
		if t.Kind != outreach.KindReported {
			return ReportedTarget{}, 0, outreach.Invalid("target", "target %s is computed from the records (kind %s); only a reported target takes a reported value", code, t.Kind)
		}
		if t.Agency == "" {
			return ReportedTarget{}, 0, outreach.Invalid("target", "target %s names no responsible agency; add agency to it in the plan file", code)
		}
		id, err := planAgencyID(ctx, q, rp.id, t.Agency)
		if err != nil {
			return ReportedTarget{}, 0, err
		}
		a, _ := rp.plan.Agency(t.Agency)
		return ReportedTarget{Target: t.Code, Text: t.Text, Agency: t.Agency, AgencyName: a.Name, position: i}, id, nil
	}
	return ReportedTarget{}, 0, outreach.Invalid("target", "the plan has no target %q", code)
}

// checkValue checks a reported value: a numerator and a denominator of
// zero or more, the numerator no larger than a denominator given (a
// denominator of 0 makes the value a count), and evidence of reasonable
// length.
func checkValue(numerator, denominator float64, evidence string) error {
	v := &outreach.ValidationError{}
	bad := func(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) || x < 0 }
	if bad(numerator) {
		v.Add("numerator", "expected a number of zero or more, got %v", numerator)
	}
	if bad(denominator) {
		v.Add("denominator", "expected a number of zero or more (0 when the value is a count), got %v", denominator)
	}
	if !bad(numerator) && !bad(denominator) && denominator > 0 && numerator > denominator {
		v.Add("numerator", "expected no more than the denominator (%v), got %v", denominator, numerator)
	}
	if len([]rune(evidence)) > maxEvidence {
		v.Add("evidence", "is longer than %d characters", maxEvidence)
	}
	outreach.CheckText(v, "evidence", evidence)
	return v.Err()
}

const targetValueColumns = `r.id, p.code, r.target_code, r.period, a.code, a.name, r.agency_id, r.numerator, r.denominator, r.evidence,
	r.state, r.reason, r.submitted_at, r.submitted_by, coalesce(r.decided_at, ''), coalesce(r.decided_by, ''), p.owner_code`

const targetValueFrom = ` FROM target_reports r JOIN plans p ON p.id = r.plan_id JOIN agencies a ON a.id = r.agency_id`

// targetValueRow is a stored value with what permission checks read.
type targetValueRow struct {
	TargetValue
	agencyID int64
	owner    string
}

func scanTargetValue(r scanner) (*targetValueRow, error) {
	var x targetValueRow
	v := &x.TargetValue
	var sub, dec string
	err := r.Scan(&v.ID, &v.Plan, &v.Target, &v.Period, &v.Agency, &v.AgencyName, &x.agencyID, &v.Numerator, &v.Denominator, &v.Evidence,
		&v.State, &v.Reason, &sub, &v.SubmittedBy, &dec, &v.DecidedBy, &x.owner)
	if err != nil {
		return nil, err
	}
	v.SubmittedAt = parseStamp(sub)
	if dec != "" {
		t := parseStamp(dec)
		v.DecidedAt = &t
	}
	return &x, nil
}

// rights fills in what the actor may do with the value.
func (x *targetValueRow) rights(actor outreach.Actor) {
	x.MayDecide = mayDecideValues(actor, x.owner)
	x.MaySubmit = maySubmitValue(actor, x.owner, x.agencyID) && (x.State != TargetValueAccepted || x.MayDecide)
}

func (s *Store) targetValueByID(ctx context.Context, q querier, id int64) (*targetValueRow, error) {
	x, err := scanTargetValue(q.QueryRowContext(ctx, `SELECT `+targetValueColumns+targetValueFrom+` WHERE r.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("reported value %d: %w", id, outreach.ErrNotFound)
	}
	return x, err
}

// TargetValue returns one reported value to an actor who sees its plan,
// with the target's text and what the actor may do with it.
func (s *Store) TargetValue(ctx context.Context, actor outreach.Actor, id int64) (_ *TargetValue, err error) {
	defer wrap(&err, "TargetValue(%d)", id)
	x, err := s.targetValueByID(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	if !actor.SeesOwner(x.owner) {
		return nil, fmt.Errorf("reported value %d: %w", id, outreach.ErrNotFound)
	}
	return s.finish(ctx, actor, x), nil
}

// finish fills in a stored value's target text and the actor's rights.
func (s *Store) finish(ctx context.Context, actor outreach.Actor, x *targetValueRow) *TargetValue {
	if p, _, err := loadPlan(ctx, s.db, x.Plan); err == nil {
		if t, ok := p.Target(x.Target); ok {
			x.Text = t.Text
		}
	}
	x.rights(actor)
	return &x.TargetValue
}

// SubmitTargetValue records the value the responsible agency reports for
// a reported target of the plan and a report period of its regime
// ("2019", "2019-h1", "2020-final"): a numerator and a denominator (0 when
// the value is a count) and the evidence (a document, a link). Whoever
// acts for the target's agency may submit it, and the plan's coordinators
// and admins. A value submitted or returned before is replaced and waits
// for a decision again; an accepted one only a coordinator may change
// (it then waits for a decision again too).
func (s *Store) SubmitTargetValue(ctx context.Context, actor outreach.Actor, plan, target, period string, numerator, denominator float64, evidence string) (_ *TargetValue, err error) {
	defer wrap(&err, "SubmitTargetValue(%s, %s, %s)", plan, target, period)
	evidence = strings.TrimSpace(evidence)
	rp, err := s.loadReportedPlan(ctx, s.db, actor, plan, period)
	if err != nil {
		return nil, err
	}
	rt, agencyID, err := reportedTarget(ctx, s.db, rp, target)
	if err != nil {
		return nil, err
	}
	if !maySubmitValue(actor, rp.owner, agencyID) {
		return nil, actor.Forbidden(fmt.Sprintf("report the value of target %s for %s", target, rt.AgencyName))
	}
	if err := checkValue(numerator, denominator, evidence); err != nil {
		return nil, err
	}
	key := rp.period.Key().String()
	var id int64
	err = s.tx(ctx, func(tx *sql.Tx) error {
		now := s.stamp()
		var old struct {
			id                     int64
			state, evidence        string
			numerator, denominator float64
		}
		err := tx.QueryRowContext(ctx, `SELECT id, state, numerator, denominator, evidence FROM target_reports WHERE plan_id = $1 AND target_code = $2 AND period = $3`,
			rp.id, target, key).Scan(&old.id, &old.state, &old.numerator, &old.denominator, &old.evidence)
		after := map[string]any{"plan": plan, "target": target, "period": key, "agency": rt.Agency, "numerator": numerator, "denominator": denominator,
			"evidence": evidence, "state": TargetValueSubmitted}
		switch {
		case errors.Is(err, sql.ErrNoRows):
			err = tx.QueryRowContext(ctx, `INSERT INTO target_reports (plan_id, target_code, period, agency_id, numerator, denominator, evidence, state,
				submitted_at, submitted_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
				ON CONFLICT (plan_id, target_code, period) DO NOTHING RETURNING id`,
				rp.id, target, key, agencyID, numerator, denominator, evidence, TargetValueSubmitted, now, actor.Name()).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("%w: a value of target %s for %s was submitted meanwhile; reload the page", outreach.ErrConflict, target, key)
			}
			if err != nil {
				return err
			}
			return s.audit(ctx, tx, actor, "submit", "target_value", fmt.Sprint(id), nil, after)
		case err != nil:
			return err
		}
		id = old.id
		if old.state == TargetValueAccepted && !mayDecideValues(actor, rp.owner) {
			return fmt.Errorf("%w: the value of target %s for %s is accepted; only a coordinator of the plan can change it now", outreach.ErrConflict, target, key)
		}
		// The state is checked again by the update itself: on PostgreSQL
		// a decision may commit between the read above and this write.
		res, err := tx.ExecContext(ctx, `UPDATE target_reports SET agency_id = $1, numerator = $2, denominator = $3, evidence = $4, state = $5, reason = '',
			submitted_at = $6, submitted_by = $7, decided_at = NULL, decided_by = NULL WHERE id = $8 AND state = $9`,
			agencyID, numerator, denominator, evidence, TargetValueSubmitted, now, actor.Name(), id, old.state)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return fmt.Errorf("%w: the value of target %s for %s changed meanwhile; reload the page", outreach.ErrConflict, target, key)
		}
		before := map[string]any{"numerator": old.numerator, "denominator": old.denominator, "evidence": old.evidence, "state": old.state}
		return s.audit(ctx, tx, actor, "submit", "target_value", fmt.Sprint(id), before, after)
	})
	if err != nil {
		return nil, err
	}
	x, err := s.targetValueByID(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	x.Text = rt.Text
	x.rights(actor)
	return &x.TargetValue, nil
}

// DecideTargetValue accepts a submitted value, or returns a submitted or
// accepted one to its agency with a reason (required), which the agency
// then corrects and submits again. The plan's coordinators and admins
// decide. An accepted value counts toward the target's indicator from
// the moment the decision commits.
func (s *Store) DecideTargetValue(ctx context.Context, actor outreach.Actor, id int64, accept bool, reason string) (_ *TargetValue, err error) {
	defer wrap(&err, "DecideTargetValue(%d, %t)", id, accept)
	reason = strings.TrimSpace(reason)
	x, err := s.targetValueByID(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	if !actor.SeesOwner(x.owner) {
		return nil, fmt.Errorf("reported value %d: %w", id, outreach.ErrNotFound)
	}
	if !mayDecideValues(actor, x.owner) {
		return nil, actor.Forbidden("accept or return reported values")
	}
	next, step := TargetValueAccepted, "accept"
	if !accept {
		next, step = TargetValueReturned, "return"
		if reason == "" {
			return nil, outreach.Invalid("reason", "a reason is required to return a value")
		}
	}
	if len([]rune(reason)) > maxReason {
		return nil, outreach.Invalid("reason", "is longer than %d characters", maxReason)
	}
	switch {
	case accept && x.State != TargetValueSubmitted:
		return nil, fmt.Errorf("%w: the value is %s; only a submitted value can be accepted", outreach.ErrConflict, x.State)
	case !accept && x.State == TargetValueReturned:
		return nil, fmt.Errorf("%w: the value is already returned", outreach.ErrConflict)
	}
	if accept {
		reason = ""
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		now := s.stamp()
		res, err := tx.ExecContext(ctx, `UPDATE target_reports SET state = $1, reason = $2, decided_at = $3, decided_by = $4 WHERE id = $5 AND state = $6`,
			next, reason, now, actor.Name(), id, x.State)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return fmt.Errorf("%w: the value changed meanwhile; reload the page", outreach.ErrConflict)
		}
		return s.audit(ctx, tx, actor, step, "target_value", fmt.Sprint(id), map[string]any{"state": x.State},
			map[string]any{"state": next, "reason": reason, "plan": x.Plan, "target": x.Target, "period": x.Period})
	})
	if err != nil {
		return nil, err
	}
	if x, err = s.targetValueByID(ctx, s.db, id); err != nil {
		return nil, err
	}
	return s.finish(ctx, actor, x), nil
}

// TargetValues lists the values reported for the plan's reported targets
// for a report period, with each target's text and agency, and the
// reported targets that have no value yet. Everyone who sees the plan
// reads them.
func (s *Store) TargetValues(ctx context.Context, actor outreach.Actor, plan, period string) (_ *TargetValueSheet, err error) {
	defer wrap(&err, "TargetValues(%s, %s)", plan, period)
	rp, err := s.loadReportedPlan(ctx, s.db, actor, plan, period)
	if err != nil {
		return nil, err
	}
	key := rp.period.Key().String()
	sheet := &TargetValueSheet{Plan: rp.plan.Code, Period: key, Label: rp.period.Label, Values: []TargetValue{}, Missing: []ReportedTarget{},
		MayDecide: mayDecideValues(actor, rp.owner)}
	targets := map[string]ReportedTarget{}
	for i, t := range rp.plan.Targets {
		if t.Kind != outreach.KindReported {
			continue
		}
		a, _ := rp.plan.Agency(t.Agency)
		rt := ReportedTarget{Target: t.Code, Text: t.Text, Agency: t.Agency, AgencyName: a.Name, position: i}
		if t.Agency != "" {
			id, err := planAgencyID(ctx, s.db, rp.id, t.Agency)
			if err != nil {
				return nil, err
			}
			rt.MaySubmit = maySubmitValue(actor, rp.owner, id)
		}
		targets[t.Code] = rt
	}
	have := map[string]bool{}
	err = each(ctx, s.db, `SELECT `+targetValueColumns+targetValueFrom+` WHERE r.plan_id = $1 AND r.period = $2`, []any{rp.id, key}, func(r *sql.Rows) error {
		x, err := scanTargetValue(r)
		if err != nil {
			return err
		}
		rt, ok := targets[x.Target]
		if !ok {
			return nil // the target is no longer a reported target of the plan
		}
		x.Text, x.position = rt.Text, rt.position
		x.rights(actor)
		sheet.Values = append(sheet.Values, x.TargetValue)
		have[x.Target] = true
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(sheet.Values, func(a, b TargetValue) int { return a.position - b.position })
	for _, t := range rp.plan.Targets {
		if rt, ok := targets[t.Code]; ok && !have[t.Code] {
			sheet.Missing = append(sheet.Missing, rt)
		}
	}
	return sheet, nil
}

// readReported fills f.Reported with the accepted values of the reported
// targets of the engine's plan, from the plans in ids (the set the facts
// are read for), keyed by the code of the engine plan's target: a value
// of a plan serving it, through a target whose parent target is that
// code (recursively, through intermediate plans), counts under that code.
// A plan without reported targets reads nothing.
func (s *Store) readReported(ctx context.Context, ep *enginePlan, ids []int64, f *indicators.Facts) error {
	if !slices.ContainsFunc(ep.plan.Targets, func(t outreach.Target) bool { return t.Kind == outreach.KindReported }) || len(ids) == 0 {
		return nil
	}
	if f.Reported == nil {
		f.Reported = map[string][]outreach.ReportedValue{}
	}
	// chain walks from each reported target of the plan down the targets
	// serving it (plan_targets.parent_target in plans whose parent is the
	// plan), keeping the root's code. UNION drops repeated rows, so a
	// loop in bad data ends.
	q := `WITH RECURSIVE chain (plan_id, code, root) AS (
			SELECT t.plan_id, t.code, t.code FROM plan_targets t WHERE t.plan_id = $1 AND t.kind = $2
			UNION
			SELECT c.id, t.code, chain.root FROM chain JOIN plans c ON c.parent_plan_id = chain.plan_id
				JOIN plan_targets t ON t.plan_id = c.id AND t.parent_target = chain.code
		)
		SELECT chain.root, r.plan_id, a.code, r.period, r.numerator, r.denominator, r.evidence, coalesce(r.decided_at, '')
		FROM chain JOIN target_reports r ON r.plan_id = chain.plan_id AND r.target_code = chain.code
		JOIN agencies a ON a.id = r.agency_id
		WHERE r.state = $3 AND r.plan_id IN (` + idList(ids) + `)
		ORDER BY chain.root, r.plan_id, r.period` // integers, never user input
	return each(ctx, s.db, q, []any{ep.id, string(outreach.KindReported), TargetValueAccepted}, func(r *sql.Rows) error {
		var root string
		var v outreach.ReportedValue
		if err := r.Scan(&root, &v.Plan, &v.Agency, &v.Period, &v.Numerator, &v.Denominator, &v.Evidence, &v.AcceptedAt); err != nil {
			return err
		}
		f.Reported[root] = append(f.Reported[root], v)
		return nil
	})
}
