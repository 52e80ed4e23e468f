package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"outreach/internal/outreach"
)

// planTexts is the running text of a plan that no record refers to, kept
// as one JSON column.
type planTexts struct {
	LegalBases    []outreach.LegalDoc `json:"legal_bases"`
	Proposal      *outreach.LegalDoc  `json:"proposal,omitempty"`
	Articles      []string            `json:"articles,omitempty"`
	Recipients    []string            `json:"recipients,omitempty"`
	Purposes      []string            `json:"purposes"`
	FundingClause string              `json:"funding_clause"`
	FundingRules  []string            `json:"funding_rules"`
}

// planVocabulary is the plan's own vocabulary, kept as one JSON column
// (empty when the plan defines none).
type planVocabulary struct {
	Populations []outreach.PopulationDef `json:"populations,omitempty"`
	UnitSets    []outreach.UnitSetDef    `json:"unit_sets,omitempty"`
	ModelTypes  []outreach.ModelType     `json:"model_types,omitempty"`
}

// targetDefinition is what defines a target beyond the columns of
// plan_targets, kept as one JSON column (empty when none of it is set, as
// for every target written before these keys existed).
type targetDefinition struct {
	AtLeast    float64          `json:"at_least,omitempty"`
	From       string           `json:"from,omitempty"`
	Filter     *outreach.Filter `json:"filter,omitempty"`
	ModelTypes []string         `json:"model_types,omitempty"`
	Window     string           `json:"window,omitempty"`
	Progress   string           `json:"progress,omitempty"`
	// Agency is a reported target's responsible agency (its code).
	Agency string `json:"agency,omitempty"`
}

// encodeJSON is v as JSON, or the empty string when v is its type's
// zero value.
func encodeJSON[T any](v T) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	var zero T
	if z, _ := json.Marshal(zero); string(b) == string(z) {
		return "", nil
	}
	return string(b), nil
}

// decodeJSON reads what encodeJSON wrote into v; the empty string leaves
// v alone.
func decodeJSON(s string, v any) error {
	if s == "" {
		return nil
	}
	return json.Unmarshal([]byte(s), v)
}

// definitionOf is the part of the target the definition column keeps. A
// filter that keeps every activity is no filter.
func definitionOf(t outreach.Target) targetDefinition {
	f := t.Filter
	if f.Empty() {
		f = nil
	}
	return targetDefinition{AtLeast: t.AtLeast, From: t.From, Filter: f, ModelTypes: t.ModelTypes, Window: t.Window, Progress: t.Progress, Agency: t.Agency}
}

// BuiltinQuantityKinds returns the codes of the quantity kinds every
// database starts with: migration 0002 seeds the quantity_kinds table with
// them, and coordinators add more. A plan file checked without a database
// ("outreach plan validate") has its measures checked against these; an
// import checks them against the table (ImportPlan).
func BuiltinQuantityKinds() []string {
	return []string{"sessions", "participants", "news_items", "broadcasts", "broadcast_minutes", "copies", "banners", "panos",
		"van_runs", "pledges", "schools", "districts", "mobile_trials"}
}

// quantityKindCodes lists the codes of the quantity kinds of the
// database, in their order.
func quantityKindCodes(ctx context.Context, q querier) ([]string, error) {
	codes := []string{}
	err := each(ctx, q, `SELECT code FROM quantity_kinds ORDER BY position, code`, nil, func(r *sql.Rows) error {
		var c string
		err := r.Scan(&c)
		codes = append(codes, c)
		return err
	})
	return codes, err
}

// PlanSummary is a plan in a list.
type PlanSummary struct {
	Code           string `json:"code"`
	Title          string `json:"title"`
	DecisionNumber string `json:"decision_number"`
	DecisionDate   string `json:"decision_date"`
	PeriodFrom     int    `json:"period_from"`
	PeriodTo       int    `json:"period_to"`
	// Scope is the unit the plan covers, Owner the province (or the
	// country) it belongs to, Parent the plan it serves.
	Scope  string `json:"scope"`
	Owner  string `json:"owner"`
	Parent string `json:"parent,omitempty"`
}

// Plans lists the plans, newest decision first.
func (s *Store) Plans(ctx context.Context) (_ []PlanSummary, err error) {
	defer wrap(&err, "Plans")
	return s.listPlans(ctx, outreach.SystemActor("list"))
}

// PlansFor lists the plans in the actor's scope, newest decision first.
func (s *Store) PlansFor(ctx context.Context, actor outreach.Actor) (_ []PlanSummary, err error) {
	defer wrap(&err, "PlansFor")
	return s.listPlans(ctx, actor)
}

func (s *Store) listPlans(ctx context.Context, actor outreach.Actor) ([]PlanSummary, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT p.code, p.title, p.decision_number, p.decision_date, p.period_from, p.period_to, p.scope_code, p.owner_code,
		coalesce(pp.code, '') FROM plans p LEFT JOIN plans pp ON pp.id = p.parent_plan_id ORDER BY p.decision_date DESC, p.code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ps []PlanSummary
	for rows.Next() {
		var p PlanSummary
		if err := rows.Scan(&p.Code, &p.Title, &p.DecisionNumber, &p.DecisionDate, &p.PeriodFrom, &p.PeriodTo, &p.Scope, &p.Owner, &p.Parent); err != nil {
			return nil, err
		}
		if actor.SeesOwner(p.Owner) {
			ps = append(ps, p)
		}
	}
	return ps, rows.Err()
}

type querier interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	QueryRowContext(context.Context, string, ...any) *sql.Row
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}

// PlanPeriod returns the span of years of the plan with the code.
func (s *Store) PlanPeriod(ctx context.Context, code string) (p outreach.Period, err error) {
	defer wrap(&err, "PlanPeriod(%s)", code)
	err = s.db.QueryRowContext(ctx, `SELECT period_from, period_to FROM plans WHERE code = $1`, code).Scan(&p.From, &p.To)
	if errors.Is(err, sql.ErrNoRows) {
		return p, fmt.Errorf("plan %q: %w", code, outreach.ErrNotFound)
	}
	return p, err
}

// Plan returns the whole plan with the code.
func (s *Store) Plan(ctx context.Context, code string) (_ *outreach.Plan, err error) {
	defer wrap(&err, "Plan(%s)", code)
	p, _, err := loadPlan(ctx, s.db, code)
	return p, err
}

// each runs fn for every row of the query.
func each(ctx context.Context, q querier, query string, args []any, fn func(*sql.Rows) error) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

func loadPlan(ctx context.Context, q querier, code string) (*outreach.Plan, int64, error) {
	var p outreach.Plan
	var id int64
	var texts, vocabulary string
	d := &p.Decision
	err := q.QueryRowContext(ctx, `SELECT id, code, title, scope_code, coalesce((SELECT pp.code FROM plans pp WHERE pp.id = plans.parent_plan_id), ''),
		period_from, period_to, decision_number, decision_date, issuer,
		decision_title, signer_title, preamble, general_objective, closing, texts, vocabulary FROM plans WHERE code = $1`, code).Scan(
		&id, &p.Code, &p.Title, &p.Scope, &p.Parent, &p.Period.From, &p.Period.To, &d.Number, &d.Date, &d.Issuer,
		&d.Title, &d.SignerTitle, &p.Preamble, &p.GeneralObjective, &p.Closing, &texts, &vocabulary)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, fmt.Errorf("plan %q: %w", code, outreach.ErrNotFound)
	}
	if err != nil {
		return nil, 0, err
	}
	var t planTexts
	if err := json.Unmarshal([]byte(texts), &t); err != nil {
		return nil, 0, fmt.Errorf("plan %s texts: %w", code, err)
	}
	d.LegalBases, d.Proposal, d.Articles, d.Recipients = t.LegalBases, t.Proposal, t.Articles, t.Recipients
	p.Purposes, p.Funding.Clause, p.Funding.Rules = t.Purposes, t.FundingClause, t.FundingRules
	var voc planVocabulary
	if err := decodeJSON(vocabulary, &voc); err != nil {
		return nil, 0, fmt.Errorf("plan %s vocabulary: %w", code, err)
	}
	p.Populations, p.UnitSets, p.ModelTypes = voc.Populations, voc.UnitSets, voc.ModelTypes
	args := []any{id}

	// Agencies, in the plan's order, with group members (by the group's
	// id: another owner may have a group with the same code).
	var agencyIDs []int64
	err = each(ctx, q, `SELECT a.id, a.code, a.name, a.short_name, a.type, a.media_level, a.unit_code, coalesce(a.valid_from, ''), coalesce(a.valid_to, ''), a.note
		FROM plan_agencies pa JOIN agencies a ON a.id = pa.agency_id WHERE pa.plan_id = $1 ORDER BY pa.position`, args, func(r *sql.Rows) error {
		var a outreach.Agency
		var aid int64
		if err := r.Scan(&aid, &a.Code, &a.Name, &a.ShortName, &a.Type, &a.MediaLevel, &a.Unit, &a.ValidFrom, &a.ValidTo, &a.Note); err != nil {
			return err
		}
		p.Agencies = append(p.Agencies, a)
		agencyIDs = append(agencyIDs, aid)
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	for i := range p.Agencies {
		if !p.Agencies[i].IsGroup() {
			continue
		}
		if p.Agencies[i].Members, err = agencyMembers(ctx, q, agencyIDs[i]); err != nil {
			return nil, 0, err
		}
	}

	// Targets and milestones.
	targetIdx := map[int64]int{}
	err = each(ctx, q, `SELECT id, code, text, kind, unit_set, condition, populations, measure, per, parent_target, definition
		FROM plan_targets WHERE plan_id = $1 ORDER BY position`, args, func(r *sql.Rows) error {
		var t outreach.Target
		var tid int64
		var pops, definition string
		if err := r.Scan(&tid, &t.Code, &t.Text, &t.Kind, &t.Units, &t.Condition, &pops, &t.Measure, &t.Per, &t.Parent, &definition); err != nil {
			return err
		}
		var def targetDefinition
		if err := decodeJSON(definition, &def); err != nil {
			return fmt.Errorf("target %s definition: %w", t.Code, err)
		}
		t.AtLeast, t.From, t.Filter, t.ModelTypes, t.Window, t.Progress = def.AtLeast, def.From, def.Filter, def.ModelTypes, def.Window, def.Progress
		t.Agency = def.Agency
		for _, g := range splitList(pops) {
			t.Populations = append(t.Populations, outreach.PopulationGroup(g))
		}
		targetIdx[tid] = len(p.Targets)
		p.Targets = append(p.Targets, t)
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	err = each(ctx, q, `SELECT m.target_id, m.year, m.comparator, m.value FROM plan_milestones m JOIN plan_targets t ON t.id = m.target_id
		WHERE t.plan_id = $1 ORDER BY t.position, m.year`, args, func(r *sql.Rows) error {
		var tid int64
		var m outreach.Milestone
		if err := r.Scan(&tid, &m.Year, &m.Comparator, &m.Value); err != nil {
			return err
		}
		t := &p.Targets[targetIdx[tid]]
		t.Milestones = append(t.Milestones, m)
		return nil
	})
	if err != nil {
		return nil, 0, err
	}

	err = each(ctx, q, `SELECT code, name, text FROM plan_themes WHERE plan_id = $1 ORDER BY position`, args, func(r *sql.Rows) error {
		var t outreach.Theme
		if err := r.Scan(&t.Code, &t.Name, &t.Text); err != nil {
			return err
		}
		p.Themes = append(p.Themes, t)
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	err = each(ctx, q, `SELECT code, name, text FROM plan_channels WHERE plan_id = $1 ORDER BY position`, args, func(r *sql.Rows) error {
		var c outreach.Channel
		if err := r.Scan(&c.Code, &c.Name, &c.Text); err != nil {
			return err
		}
		p.Channels = append(p.Channels, c)
		return nil
	})
	if err != nil {
		return nil, 0, err
	}

	// Tasks and their links.
	taskIdx := map[int64]int{}
	err = each(ctx, q, `SELECT t.id, t.clause, t.text, a.code, t.quantity_comparator, t.quantity_value, t.quantity_measure, t.years
		FROM plan_tasks t JOIN agencies a ON a.id = t.agency_id WHERE t.plan_id = $1 ORDER BY t.position`, args, func(r *sql.Rows) error {
		var t outreach.Task
		var tid int64
		var qc, qm, years string
		var qv float64
		if err := r.Scan(&tid, &t.Clause, &t.Text, &t.Agency, &qc, &qv, &qm, &years); err != nil {
			return err
		}
		if qc != "" {
			t.Quantity = &outreach.Quantity{Comparator: qc, Value: qv, Measure: qm}
		}
		for _, y := range splitList(years) {
			n, err := strconv.Atoi(y)
			if err != nil {
				return fmt.Errorf("task %s years: %w", t.Clause, err)
			}
			t.Years = append(t.Years, n)
		}
		taskIdx[tid] = len(p.Tasks)
		p.Tasks = append(p.Tasks, t)
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	links := []struct {
		query string
		add   func(t *outreach.Task, code string)
	}{
		{`SELECT x.task_id, a.code FROM task_cooperating x JOIN agencies a ON a.id = x.agency_id JOIN plan_tasks t ON t.id = x.task_id WHERE t.plan_id = $1 ORDER BY x.task_id, x.position`,
			func(t *outreach.Task, c string) { t.Cooperating = append(t.Cooperating, c) }},
		{`SELECT x.task_id, c.code FROM task_channels x JOIN plan_channels c ON c.id = x.channel_id JOIN plan_tasks t ON t.id = x.task_id WHERE t.plan_id = $1 ORDER BY x.task_id, x.position`,
			func(t *outreach.Task, c string) { t.Channels = append(t.Channels, c) }},
		{`SELECT x.task_id, c.code FROM task_themes x JOIN plan_themes c ON c.id = x.theme_id JOIN plan_tasks t ON t.id = x.task_id WHERE t.plan_id = $1 ORDER BY x.task_id, x.position`,
			func(t *outreach.Task, c string) { t.Themes = append(t.Themes, c) }},
	}
	for _, l := range links {
		err := each(ctx, q, l.query, args, func(r *sql.Rows) error {
			var tid int64
			var c string
			if err := r.Scan(&tid, &c); err != nil {
				return err
			}
			l.add(&p.Tasks[taskIdx[tid]], c)
			return nil
		})
		if err != nil {
			return nil, 0, err
		}
	}

	err = each(ctx, q, `SELECT code, name FROM funding_sources WHERE plan_id = $1 ORDER BY position`, args, func(r *sql.Rows) error {
		var f outreach.FundingSource
		if err := r.Scan(&f.Code, &f.Name); err != nil {
			return err
		}
		p.Funding.Sources = append(p.Funding.Sources, f)
		return nil
	})
	if err != nil {
		return nil, 0, err
	}

	rp := &p.Reporting
	var methods string
	err = q.QueryRowContext(ctx, `SELECT r.clause, r.text, r.name, r.content, r.reporters_text, a.code, r.methods, r.email, r.frequency, r.deadline,
		r.cutoff_from, r.cutoff_to, r.cutoff_basis, r.cutoff_default, r.timezone
		FROM plan_reporting r JOIN agencies a ON a.id = r.recipient_agency_id WHERE r.plan_id = $1`, id).Scan(
		&rp.Clause, &rp.Text, &rp.Name, &rp.Content, &rp.ReportersText, &rp.Recipient, &methods, &rp.Email, &rp.Frequency, &rp.Deadline,
		&rp.Cutoff.From, &rp.Cutoff.To, &rp.Cutoff.Basis, &rp.Cutoff.Default, &rp.Timezone)
	if err != nil {
		return nil, 0, fmt.Errorf("reporting regime: %w", err)
	}
	rp.Methods = splitList(methods)
	err = each(ctx, q, `SELECT a.code FROM reporting_agencies r JOIN agencies a ON a.id = r.agency_id WHERE r.plan_id = $1 ORDER BY r.position`, args, func(r *sql.Rows) error {
		var c string
		if err := r.Scan(&c); err != nil {
			return err
		}
		rp.Reporters = append(rp.Reporters, c)
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	if rp.Rounds, err = loadRounds(ctx, q, id); err != nil {
		return nil, 0, err
	}
	return &p, id, nil
}

// ImportResult says what a plan import did.
type ImportResult string

// Import results.
const (
	PlanCreated   ImportResult = "created"
	PlanUpdated   ImportResult = "updated"
	PlanUnchanged ImportResult = "unchanged"
)

// ImportPlan creates the plan, or updates the plan with the same code, in
// one transaction. Agencies the plan names are created or updated by code.
// An update that would remove a target, task, theme, channel or funding
// source that records refer to is refused with ErrConflict and changes
// nothing. The plan is validated again here, its measures against the
// quantity kinds of the database (outreach.Plan.ValidateWith).
func (s *Store) ImportPlan(ctx context.Context, actor outreach.Actor, p *outreach.Plan) (res ImportResult, err error) {
	defer wrap(&err, "ImportPlan(%s)", p.Code)
	if !actor.CanEditPlans() {
		return "", actor.Forbidden("import a plan")
	}
	kinds, err := quantityKindCodes(ctx, s.db)
	if err != nil {
		return "", err
	}
	if err := p.ValidateWith(kinds); err != nil {
		return "", err
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		old, planID, err := loadPlan(ctx, tx, p.Code)
		switch {
		case errors.Is(err, outreach.ErrNotFound):
			old = nil
		case err != nil:
			return err
		}
		if old != nil {
			// Another province's plan is not there for this actor, even
			// to be told it is unchanged.
			var was string
			if err := tx.QueryRowContext(ctx, `SELECT owner_code FROM plans WHERE id = $1`, planID).Scan(&was); err != nil {
				return err
			}
			if err := ownerCheck(actor, was, "plans"); err != nil {
				return err
			}
		}
		if old != nil && reflect.DeepEqual(normalise(old), normalise(p)) {
			res = PlanUnchanged
			return nil
		}
		owner, err := checkUnits(ctx, tx, p)
		if err != nil {
			return err
		}
		if err := ownerCheck(actor, owner, "plans"); err != nil {
			return err
		}
		parentID, err := checkParent(ctx, tx, p)
		if err != nil {
			return err
		}
		stored, err := storedAgencies(ctx, tx, planID, owner, p.Agencies)
		if err != nil {
			return err
		}
		if err := checkSharedAgencies(ctx, tx, planID, stored, p.Agencies); err != nil {
			return err
		}
		agencyIDs, err := upsertAgencies(ctx, tx, owner, stored, p.Agencies)
		if err != nil {
			return err
		}
		textsJSON, err := json.Marshal(planTexts{
			LegalBases: p.Decision.LegalBases, Proposal: p.Decision.Proposal, Articles: p.Decision.Articles,
			Recipients: p.Decision.Recipients, Purposes: p.Purposes, FundingClause: p.Funding.Clause, FundingRules: p.Funding.Rules,
		})
		if err != nil {
			return err
		}
		vocabulary, err := encodeJSON(planVocabulary{Populations: p.Populations, UnitSets: p.UnitSets, ModelTypes: p.ModelTypes})
		if err != nil {
			return err
		}
		d := p.Decision
		cols := []any{p.Title, p.Scope, p.Period.From, p.Period.To, d.Number, d.Date, d.Issuer, d.Title, d.SignerTitle,
			p.Preamble, p.GeneralObjective, p.Closing, string(textsJSON), s.stamp(), owner, parentID, vocabulary}
		if old == nil {
			res = PlanCreated
			err = tx.QueryRowContext(ctx, `INSERT INTO plans (title, scope_code, period_from, period_to, decision_number, decision_date, issuer,
				decision_title, signer_title, preamble, general_objective, closing, texts, updated_at, created_at, owner_code, parent_plan_id, vocabulary, code)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15, $16, $17, $18) RETURNING id`, append(cols, p.Code)...).Scan(&planID)
		} else {
			res = PlanUpdated
			_, err = tx.ExecContext(ctx, `UPDATE plans SET title = $1, scope_code = $2, period_from = $3, period_to = $4, decision_number = $5,
				decision_date = $6, issuer = $7, decision_title = $8, signer_title = $9, preamble = $10, general_objective = $11, closing = $12,
				texts = $13, updated_at = $14, owner_code = $15, parent_plan_id = $16, vocabulary = $17 WHERE id = $18`, append(cols, planID)...)
		}
		if err != nil {
			return err
		}
		if err := replacePositions(ctx, tx, "plan_agencies", "plan_id", "agency_id", planID, codesToIDs(p.Agencies, agencyIDs)); err != nil {
			return err
		}
		// Links from tasks are rebuilt below; clear them first so that
		// removing a theme or channel only fails when records use it.
		for _, t := range []string{"task_cooperating", "task_channels", "task_themes"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+t+` WHERE task_id IN (SELECT id FROM plan_tasks WHERE plan_id = $1)`, planID); err != nil {
				return err
			}
		}
		themeIDs, err := syncRows(ctx, tx, planID, "plan_themes", "code", "theme", len(p.Themes), func(i int) (string, []string, []any) {
			return p.Themes[i].Code, []string{"name", "text"}, []any{p.Themes[i].Name, p.Themes[i].Text}
		})
		if err != nil {
			return err
		}
		channelIDs, err := syncRows(ctx, tx, planID, "plan_channels", "code", "channel", len(p.Channels), func(i int) (string, []string, []any) {
			return p.Channels[i].Code, []string{"name", "text"}, []any{p.Channels[i].Name, p.Channels[i].Text}
		})
		if err != nil {
			return err
		}
		definitions := make([]string, len(p.Targets))
		for i, t := range p.Targets {
			if definitions[i], err = encodeJSON(definitionOf(t)); err != nil {
				return err
			}
		}
		targetIDs, err := syncRows(ctx, tx, planID, "plan_targets", "code", "target", len(p.Targets), func(i int) (string, []string, []any) {
			t := p.Targets[i]
			pops := make([]string, len(t.Populations))
			for j, g := range t.Populations {
				pops[j] = string(g)
			}
			return t.Code, []string{"text", "kind", "unit_set", "condition", "populations", "measure", "per", "parent_target", "definition"},
				[]any{t.Text, string(t.Kind), string(t.Units), t.Condition, joinList(pops), t.Measure, t.Per, t.Parent, definitions[i]}
		})
		if err != nil {
			return err
		}
		for _, t := range p.Targets {
			tid := targetIDs[t.Code]
			if _, err := tx.ExecContext(ctx, `DELETE FROM plan_milestones WHERE target_id = $1`, tid); err != nil {
				return err
			}
			for _, m := range t.Milestones {
				if _, err := tx.ExecContext(ctx, `INSERT INTO plan_milestones (target_id, year, comparator, value) VALUES ($1, $2, $3, $4)`,
					tid, m.Year, m.Comparator, m.Value); err != nil {
					return err
				}
			}
		}
		taskIDs, err := syncRows(ctx, tx, planID, "plan_tasks", "clause", "task", len(p.Tasks), func(i int) (string, []string, []any) {
			t := p.Tasks[i]
			var qc, qm string
			var qv float64
			if t.Quantity != nil {
				qc, qv, qm = t.Quantity.Comparator, t.Quantity.Value, t.Quantity.Measure
			}
			years := make([]string, len(t.Years))
			for j, y := range t.Years {
				years[j] = strconv.Itoa(y)
			}
			return t.Clause, []string{"text", "agency_id", "quantity_comparator", "quantity_value", "quantity_measure", "years"},
				[]any{t.Text, agencyIDs[t.Agency], qc, qv, qm, joinList(years)}
		})
		if err != nil {
			return err
		}
		for _, t := range p.Tasks {
			tid := taskIDs[t.Clause]
			for i, c := range t.Cooperating {
				if _, err := tx.ExecContext(ctx, `INSERT INTO task_cooperating (task_id, agency_id, position) VALUES ($1, $2, $3)`, tid, agencyIDs[c], i); err != nil {
					return err
				}
			}
			for i, c := range t.Channels {
				if _, err := tx.ExecContext(ctx, `INSERT INTO task_channels (task_id, channel_id, position) VALUES ($1, $2, $3)`, tid, channelIDs[c], i); err != nil {
					return err
				}
			}
			for i, c := range t.Themes {
				if _, err := tx.ExecContext(ctx, `INSERT INTO task_themes (task_id, theme_id, position) VALUES ($1, $2, $3)`, tid, themeIDs[c], i); err != nil {
					return err
				}
			}
		}
		if _, err := syncRows(ctx, tx, planID, "funding_sources", "code", "funding source", len(p.Funding.Sources), func(i int) (string, []string, []any) {
			return p.Funding.Sources[i].Code, []string{"name"}, []any{p.Funding.Sources[i].Name}
		}); err != nil {
			return err
		}
		r := p.Reporting
		if _, err := tx.ExecContext(ctx, `DELETE FROM plan_reporting WHERE plan_id = $1`, planID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO plan_reporting (plan_id, clause, text, name, content, reporters_text, recipient_agency_id,
			methods, email, frequency, deadline, cutoff_from, cutoff_to, cutoff_basis, cutoff_default, timezone)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
			planID, r.Clause, r.Text, r.Name, r.Content, r.ReportersText, agencyIDs[r.Recipient], joinList(r.Methods), r.Email, r.Frequency,
			r.Deadline, r.Cutoff.From, r.Cutoff.To, r.Cutoff.Basis, r.Cutoff.Default, r.Timezone); err != nil {
			return err
		}
		reporters := make([]int64, len(r.Reporters))
		for i, c := range r.Reporters {
			reporters[i] = agencyIDs[c]
		}
		if err := replacePositions(ctx, tx, "reporting_agencies", "plan_id", "agency_id", planID, reporters); err != nil {
			return err
		}
		if err := saveRounds(ctx, tx, planID, p); err != nil {
			return err
		}
		action := "create"
		var before any
		if old != nil {
			action, before = "update", old
		}
		// The period decides which deliveries count.
		if err := s.refreshDeliveryFacts(ctx, tx, planID, `SELECT unit_id FROM distribution_units`); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, action, "plan", p.Code, before, p)
	})
	return res, err
}

// normalise makes a plan comparable: nil and empty lists are the same,
// and so are no filter and one that keeps every activity.
func normalise(p *outreach.Plan) *outreach.Plan {
	b, _ := json.Marshal(p)
	var q outreach.Plan
	json.Unmarshal(b, &q)
	for i := range q.Targets {
		if q.Targets[i].Filter.Empty() {
			q.Targets[i].Filter = nil
		}
	}
	return &q
}

// checkUnits makes sure the plan's scope and its agencies' units exist,
// and returns the plan's owner: the country for a plan of the whole
// country, else the province its scope lies in (as the scope's latest
// version stands).
func checkUnits(ctx context.Context, tx *sql.Tx, p *outreach.Plan) (owner string, err error) {
	v := &outreach.ValidationError{}
	exists := func(code string) (bool, error) {
		var n int
		err := tx.QueryRowContext(ctx, `SELECT count(*) FROM units WHERE code = $1`, code).Scan(&n)
		return n > 0, err
	}
	var path string
	err = tx.QueryRowContext(ctx, `SELECT path FROM units WHERE code = $1 ORDER BY coalesce(valid_from, '') DESC LIMIT 1`, p.Scope).Scan(&path)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		v.Add("scope", "no administrative unit has the code %q; write the code of the country (VN), a province, a district or a commune, in quotes (\"06\") so YAML keeps its leading zeros, or import the units first (outreach units import)", p.Scope)
	case err != nil:
		return "", err
	default:
		owner = ownerOf(path)
	}
	for i, a := range p.Agencies {
		if a.Unit == "" {
			continue
		}
		if ok, err := exists(a.Unit); err != nil {
			return "", err
		} else if !ok {
			v.Add(fmt.Sprintf("agencies[%d].unit", i), "no administrative unit has the code %q (write codes in quotes, \"058\", so YAML keeps their leading zeros)", a.Unit)
		}
	}
	for i, us := range p.UnitSets {
		for j, u := range us.Units {
			if ok, err := exists(u); err != nil {
				return "", err
			} else if !ok {
				v.Add(fmt.Sprintf("unit_sets[%d].units[%d]", i, j), "no administrative unit has the code %q (write codes in quotes, \"058\", so YAML keeps their leading zeros)", u)
			}
		}
	}
	return owner, v.Err()
}

// ownerOf is the owner of what lies at the path: the province of its
// second segment ("VN/06/060" → "06"), or the country for the root.
func ownerOf(path string) string {
	segs := strings.Split(path, "/")
	if len(segs) < 2 {
		return segs[0]
	}
	return segs[1]
}

// checkParent makes sure the plan's parent plan exists, covers the plan's
// scope and is not the plan or below it, and that every parent target
// named is a target of the parent of the same kind. It returns the
// parent's id, nil without one.
func checkParent(ctx context.Context, tx *sql.Tx, p *outreach.Plan) (any, error) {
	if p.Parent == "" {
		return nil, nil
	}
	v := &outreach.ValidationError{}
	ref, err := resolvePlan(ctx, tx, p.Parent)
	if err != nil {
		if errors.Is(err, outreach.ErrInvalid) {
			v.Add("parent", "no plan has the code %q; import the parent plan first", p.Parent)
			return nil, v
		}
		return nil, err
	}
	// The parent's chain must not come back to this plan.
	for code, seen := ref.code, 0; code != "" && seen < 64; seen++ {
		if code == p.Code {
			v.Add("parent", "plan %s cannot serve %s: %s already serves %s, directly or through others", p.Code, p.Parent, p.Parent, p.Code)
			return nil, v
		}
		var next sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT pp.code FROM plans c LEFT JOIN plans pp ON pp.id = c.parent_plan_id WHERE c.code = $1`, code).Scan(&next); err != nil {
			return nil, err
		}
		code = next.String
	}
	versions, err := queryUnits(ctx, tx, `SELECT `+unitColumns+` FROM units WHERE code = $1`, p.Scope)
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(versions, ref.covers) {
		v.Add("scope", "the plan's scope %s lies outside the scope %s of its parent plan %s", p.Scope, ref.scope, p.Parent)
	}
	kinds := map[string]string{}
	if err := each(ctx, tx, `SELECT code, kind FROM plan_targets WHERE plan_id = $1`, []any{ref.id}, func(r *sql.Rows) error {
		var c, k string
		err := r.Scan(&c, &k)
		kinds[c] = k
		return err
	}); err != nil {
		return nil, err
	}
	for i, t := range p.Targets {
		if t.Parent == "" {
			continue
		}
		switch k, ok := kinds[t.Parent]; {
		case !ok:
			v.Add(fmt.Sprintf("targets[%d].parent", i), "plan %s has no target %q", p.Parent, t.Parent)
		case k != string(t.Kind):
			v.Add(fmt.Sprintf("targets[%d].parent", i), "target %s is a %s target but the parent's %s is a %s target: a target serves one of its own kind", t.Code, t.Kind, t.Parent, k)
		}
	}
	return ref.id, v.Err()
}

// storedAgency is the stored agency a code of a plan file names.
type storedAgency struct {
	id    int64
	owner string
	outreach.Agency
}

// storedAgencies finds the stored agency each of the file's codes names:
// the plan's own (the agency with the code it names now), else its
// owner's, else an agency with the code that has no owner (stored before
// agencies had owners and named by no plan or record since), which the
// plan adopts. A code with none is a new agency of the owner. Codes are
// unique within an owner only: another province's agency with the code is
// never the plan's. planID is 0 for a new plan.
func storedAgencies(ctx context.Context, tx *sql.Tx, planID int64, owner string, as []outreach.Agency) (map[string]storedAgency, error) {
	out := map[string]storedAgency{}
	for _, a := range as {
		var st storedAgency
		var from, to sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT x.id, x.name, x.short_name, x.type, x.media_level, x.unit_code, x.valid_from, x.valid_to, x.note, x.owner_code FROM agencies x
			WHERE x.code = $1 AND (x.id IN (SELECT pa.agency_id FROM plan_agencies pa WHERE pa.plan_id = $2) OR x.owner_code = $3 OR x.owner_code = '')
			ORDER BY (CASE WHEN x.id IN (SELECT pa.agency_id FROM plan_agencies pa WHERE pa.plan_id = $2) THEN 0 WHEN x.owner_code = $3 THEN 1 ELSE 2 END) LIMIT 1`,
			a.Code, planID, owner).Scan(&st.id, &st.Name, &st.ShortName, &st.Type, &st.MediaLevel, &st.Unit, &from, &to, &st.Note, &st.owner)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		} else if err != nil {
			return nil, err
		}
		st.Code, st.ValidFrom, st.ValidTo = a.Code, from.String, to.String
		if st.Members, err = agencyMembers(ctx, tx, st.id); err != nil {
			return nil, err
		}
		out[a.Code] = st
	}
	return out, nil
}

// checkSharedAgencies refuses a plan file that would change an agency
// another plan also names: the other plan's agency would change under it
// (a second plan reusing a code used to erase the first one's validity
// dates and note). Every difference is listed; an agency only this plan
// names is updated as the file says. Only the same owner's plans share an
// agency: another province's plan with the same code has its own.
// planID is 0 for a new plan.
func checkSharedAgencies(ctx context.Context, tx *sql.Tx, planID int64, stored map[string]storedAgency, as []outreach.Agency) error {
	v := &outreach.ValidationError{}
	for i, a := range as {
		st, ok := stored[a.Code]
		if !ok {
			continue
		}
		var others []string
		if err := each(ctx, tx, `SELECT DISTINCT p.code FROM plan_agencies pa JOIN plans p ON p.id = pa.plan_id WHERE pa.agency_id = $1 AND pa.plan_id <> $2 ORDER BY p.code`,
			[]any{st.id, planID}, func(r *sql.Rows) error {
				var c string
				err := r.Scan(&c)
				others = append(others, c)
				return err
			}); err != nil {
			return err
		}
		if len(others) == 0 {
			continue
		}
		if diffs := agencyDiffs(st.Agency, a); len(diffs) > 0 {
			v.Add(fmt.Sprintf("agencies[%d]", i), "agency %s is also named by plan %s, and this file would change it: %s; write it as it is stored, or give this plan's agency another code",
				a.Code, strings.Join(others, ", "), strings.Join(diffs, "; "))
		}
	}
	if len(v.Problems) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %w", v, outreach.ErrConflict)
}

// agencyDiffs lists how a file's agency differs from the stored one, field
// by field: `name "was" → "now"`.
func agencyDiffs(stored, a outreach.Agency) []string {
	var diffs []string
	for _, f := range []struct{ name, was, now string }{
		{"name", stored.Name, a.Name}, {"short_name", stored.ShortName, a.ShortName}, {"type", stored.Type, a.Type},
		{"media_level", stored.MediaLevel, a.MediaLevel}, {"unit", stored.Unit, a.Unit}, {"valid_from", stored.ValidFrom, a.ValidFrom}, {"valid_to", stored.ValidTo, a.ValidTo},
		{"note", stored.Note, a.Note}, {"members", strings.Join(stored.Members, ", "), strings.Join(a.Members, ", ")},
	} {
		if f.was != f.now {
			diffs = append(diffs, fmt.Sprintf("%s %q → %q", f.name, f.was, f.now))
		}
	}
	return diffs
}

// upsertAgencies updates the stored agencies the file names (leaving their
// contact details alone; one without owner becomes the owner's), creates
// the owner's new ones, and rebuilds group memberships. It returns the ids
// by code.
func upsertAgencies(ctx context.Context, tx *sql.Tx, owner string, stored map[string]storedAgency, as []outreach.Agency) (map[string]int64, error) {
	ids := map[string]int64{}
	for _, a := range as {
		var err error
		id := stored[a.Code].id
		if st, ok := stored[a.Code]; ok {
			adopt := st.owner
			if adopt == "" {
				adopt = owner
			}
			_, err = tx.ExecContext(ctx, `UPDATE agencies SET name = $1, short_name = $2, type = $3, unit_code = $4, valid_from = $5, valid_to = $6, note = $7,
				owner_code = $8, media_level = $9 WHERE id = $10`, a.Name, a.ShortName, a.Type, a.Unit, nullable(a.ValidFrom), nullable(a.ValidTo), a.Note, adopt, a.MediaLevel, st.id)
		} else {
			err = tx.QueryRowContext(ctx, `INSERT INTO agencies (code, name, short_name, type, unit_code, valid_from, valid_to, note, owner_code, media_level)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
				a.Code, a.Name, a.ShortName, a.Type, a.Unit, nullable(a.ValidFrom), nullable(a.ValidTo), a.Note, owner, a.MediaLevel).Scan(&id)
		}
		if err != nil {
			return nil, fmt.Errorf("agency %s: %w", a.Code, err)
		}
		ids[a.Code] = id
	}
	for _, a := range as {
		if !a.IsGroup() {
			continue
		}
		members := make([]int64, len(a.Members))
		for i, m := range a.Members {
			members[i] = ids[m]
		}
		if err := replacePositions(ctx, tx, "agency_members", "group_id", "member_id", ids[a.Code], members); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

func codesToIDs(as []outreach.Agency, ids map[string]int64) []int64 {
	out := make([]int64, len(as))
	for i, a := range as {
		out[i] = ids[a.Code]
	}
	return out
}

// replacePositions replaces the rows (owner, item, position) of a link table.
func replacePositions(ctx context.Context, tx *sql.Tx, table, ownerCol, itemCol string, owner int64, items []int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE `+ownerCol+` = $1`, owner); err != nil {
		return err
	}
	for i, it := range items {
		if _, err := tx.ExecContext(ctx, `INSERT INTO `+table+` (`+ownerCol+`, `+itemCol+`, position) VALUES ($1, $2, $3)`, owner, it, i); err != nil {
			return err
		}
	}
	return nil
}

// syncRows makes the plan's rows of a child table (themes, channels,
// targets, tasks, funding sources) match the file: rows are kept by their
// key (so ids, and the records that refer to them, survive), updated,
// inserted, and the ones the file no longer has are deleted. A deletion
// that records still refer to fails with ErrConflict naming the row.
func syncRows(ctx context.Context, tx *sql.Tx, planID int64, table, keyCol, what string, n int, row func(i int) (key string, cols []string, vals []any)) (map[string]int64, error) {
	existing := map[string]int64{}
	err := each(ctx, tx, `SELECT `+keyCol+`, id FROM `+table+` WHERE plan_id = $1`, []any{planID}, func(r *sql.Rows) error {
		var k string
		var id int64
		if err := r.Scan(&k, &id); err != nil {
			return err
		}
		existing[k] = id
		return nil
	})
	if err != nil {
		return nil, err
	}
	ids := map[string]int64{}
	for i := range n {
		key, cols, vals := row(i)
		if id, ok := existing[key]; ok {
			set := make([]string, len(cols))
			for j, c := range cols {
				set[j] = fmt.Sprintf("%s = $%d", c, j+1)
			}
			args := append(vals, i, id)
			q := fmt.Sprintf(`UPDATE %s SET %s, position = $%d WHERE id = $%d`, table, strings.Join(set, ", "), len(cols)+1, len(cols)+2)
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				return nil, err
			}
			ids[key] = id
			delete(existing, key)
			continue
		}
		ph := make([]string, len(cols)+3)
		for j := range ph {
			ph[j] = fmt.Sprintf("$%d", j+1)
		}
		q := fmt.Sprintf(`INSERT INTO %s (%s, plan_id, %s, position) VALUES (%s) RETURNING id`, table, strings.Join(cols, ", "), keyCol, strings.Join(ph, ", "))
		var id int64
		if err := tx.QueryRowContext(ctx, q, append(vals, planID, key, i)...).Scan(&id); err != nil {
			return nil, err
		}
		ids[key] = id
	}
	for key, id := range existing {
		if table == "plan_targets" {
			if _, err := tx.ExecContext(ctx, `DELETE FROM plan_milestones WHERE target_id = $1`, id); err != nil {
				return nil, err
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE id = $1`, id); err != nil {
			if errors.Is(translate(err), outreach.ErrConflict) {
				return nil, fmt.Errorf("%w: the file drops %s %s, but records refer to it; keep it in the file (or remove those records first) and import again",
					outreach.ErrConflict, what, key)
			}
			return nil, err
		}
	}
	return ids, nil
}
