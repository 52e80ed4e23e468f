package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"outreach/internal/outreach"
)

// ModelView is a prevention model with names and its stamp.
type ModelView struct {
	outreach.PreventionModel
	UnitName   string         `json:"unit_name"`
	AgencyName string         `json:"agency_name"`
	Evidence   []EvidenceInfo `json:"evidence,omitempty"`
	Stamp
	unitPath string
	owner    string
	agencyID int64
}

// modelClaim is what the permission rule reads of a model, stored or to
// be written: the agency it is registered under and its commune.
type modelClaim struct {
	id       int64 // 0 for a new model
	owner    string
	agencyID int64
	unitPath string
}

func canWriteModel(actor outreach.Actor, c *modelClaim) bool {
	return actor.CanWriteAgency(c.agencyID) || actor.CanWriteUnit(c.unitPath)
}

// checkModel is the permission rule for writing a model, the one every
// path that writes one asks: CreateModel with old nil, UpdateModel with
// both, DeleteModel with next nil (and the evidence of a model with
// old = next). The actor must be allowed to write the model as it was
// and as it will be: its agency's reporter anywhere, a unit reporter in
// their communes under any agency of the plan. A model records no
// spending; what is an agency's to say is which models are its own, so
// the actor may move a model from one agency to another only when acting
// for both (outreach.Actor.ActsFor), as with activities.
func checkModel(actor outreach.Actor, old, next *modelClaim) error {
	for _, c := range []*modelClaim{old, next} {
		if c != nil {
			if err := ownerCheck(actor, c.owner, "model"); err != nil {
				return err
			}
		}
	}
	if old != nil && !canWriteModel(actor, old) {
		return refuse("agency", actor.Forbidden(fmt.Sprintf("change model %d", old.id)))
	}
	if next != nil && !canWriteModel(actor, next) {
		return refuse("agency", actor.Forbidden("record models for this agency or commune"))
	}
	if old != nil && next != nil && old.agencyID != next.agencyID && !(actor.ActsFor(old.agencyID) && actor.ActsFor(next.agencyID)) {
		return refuse("agency", actor.Forbidden("move a model to an agency they do not act for, or from one"))
	}
	return nil
}

func (m *ModelView) claim() *modelClaim {
	return &modelClaim{id: m.ID, owner: m.owner, agencyID: m.agencyID, unitPath: m.unitPath}
}

const modelSelect = `SELECT m.id, p.code, p.owner_code, u.code, u.name, u.path, ag.code, ag.name, ag.id, m.name, m.model_type, m.established_on, m.description, m.demo,
	m.created_at, m.created_by, m.updated_at, m.updated_by, coalesce(m.deleted_at, ''), coalesce(m.deleted_by, '')
	FROM prevention_models m JOIN plans p ON p.id = m.plan_id JOIN units u ON u.id = m.unit_id JOIN agencies ag ON ag.id = m.agency_id `

func scanModel(r scanner) (*ModelView, error) {
	var m ModelView
	err := r.Scan(&m.ID, &m.Plan, &m.owner, &m.Unit, &m.UnitName, &m.unitPath, &m.Agency, &m.AgencyName, &m.agencyID, &m.Name, &m.Type, &m.EstablishedOn, &m.Description, &m.Demo,
		&m.CreatedAt, &m.CreatedBy, &m.UpdatedAt, &m.UpdatedBy, &m.DeletedAt, &m.DeletedBy)
	return &m, err
}

func (s *Store) fillModels(ctx context.Context, q querier, ms []*ModelView) error {
	for _, m := range ms {
		m.Statuses = []outreach.ModelStatus{}
		err := each(ctx, q, `SELECT since, status FROM model_statuses WHERE model_id = $1 ORDER BY since`, []any{m.ID}, func(r *sql.Rows) error {
			var st outreach.ModelStatus
			err := r.Scan(&st.Since, &st.Status)
			m.Statuses = append(m.Statuses, st)
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// modelScope limits what an actor reads, like activities: a reporter sees
// their agency's or their units' models.
func modelScope(actor outreach.Actor, n int) (string, []any) {
	var cond string
	var args []any
	switch actor.Role {
	case outreach.RoleAgencyReporter:
		cond, args = fmt.Sprintf(`m.agency_id = $%d`, n), []any{actor.AgencyID}
	case outreach.RoleUnitReporter:
		cond, args = pathsCond("u.path", actor.UnitPaths, n)
	}
	return withOwner(actor, cond, args, n)
}

// resolveModel checks a model against the plan's references; whether the
// actor may write it is checkModel's to say.
//
// untyped allows a model without a type in a plan that has types: one
// recorded before the plan named its types, changed without choosing one
// (its status closed, its name corrected).
func (s *Store) resolveModel(ctx context.Context, q querier, m *outreach.PreventionModel, untyped bool) (planRef, int64, outreach.Unit, error) {
	var u outreach.Unit
	if err := m.Validate(); err != nil {
		return planRef{}, 0, u, err
	}
	p, err := resolvePlan(ctx, q, m.Plan)
	if err != nil {
		return p, 0, u, err
	}
	if err := checkModelType(ctx, q, m, untyped); err != nil {
		return p, 0, u, err
	}
	agency, err := agencyID(ctx, q, p.id, m.Agency, "agency")
	if err != nil {
		return p, 0, u, err
	}
	u, err = unitAt(ctx, q, m.Unit, m.EstablishedOn, m.EstablishedOn)
	if errors.Is(err, outreach.ErrNotFound) {
		return p, 0, u, outreach.Invalid("unit", "no unit %s was in force on %s", m.Unit, m.EstablishedOn)
	} else if err != nil {
		return p, 0, u, err
	}
	if !u.IsCommune() || !p.covers(u) {
		return p, 0, u, outreach.Invalid("unit", "%s is not a commune of the plan's province", u.Name)
	}
	return p, agency, u, nil
}

// probNoModelTypes is the problem code of a model given a type when its
// plan distinguishes none (worded in internal/i18n/model_messages.go).
const probNoModelTypes = "model_type_none"

// checkModelType checks a model's type against its plan's model types:
// one of them is required when the plan defines any, and none may be
// given when it defines none.
func checkModelType(ctx context.Context, q querier, m *outreach.PreventionModel, untyped bool) error {
	m.Type = strings.TrimSpace(m.Type)
	types, err := planModelTypes(ctx, q, m.Plan)
	if err != nil {
		return err
	}
	// The arguments are those of the codes' wordings (problem.* in
	// internal/i18n), which the web shows in the user's language.
	v := &outreach.ValidationError{}
	switch {
	case len(types) == 0 && m.Type != "":
		v.AddCode("type", probNoModelTypes, "the plan distinguishes no model types; leave the type empty (got %q)", m.Type)
	case len(types) > 0 && m.Type == "" && !untyped:
		v.AddCode("type", outreach.ProbRequired, "is required")
	case m.Type == "":
		// An untyped model kept as it was.
	case len(types) > 0 && !slices.ContainsFunc(types, func(t outreach.ModelType) bool { return t.Code == m.Type }):
		v.AddCode("type", outreach.ProbUnknown, "%q is not one of the plan's model types", m.Type)
	}
	return v.Err()
}

// planModelTypes returns the types of model the plan distinguishes. It
// reads them through loadPlan, which knows where a plan's vocabulary is
// kept; a model is written seldom enough for the whole plan to be read.
func planModelTypes(ctx context.Context, q querier, code string) ([]outreach.ModelType, error) {
	p, _, err := loadPlan(ctx, q, code)
	if err != nil {
		return nil, err
	}
	return p.ModelTypes, nil
}

func writeStatuses(ctx context.Context, tx *sql.Tx, id int64, sts []outreach.ModelStatus) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM model_statuses WHERE model_id = $1`, id); err != nil {
		return err
	}
	for _, st := range sts {
		if _, err := tx.ExecContext(ctx, `INSERT INTO model_statuses (model_id, since, status) VALUES ($1, $2, $3)`, id, st.Since, st.Status); err != nil {
			return err
		}
	}
	return nil
}

// CreateModel registers an in-depth prevention model.
func (s *Store) CreateModel(ctx context.Context, actor outreach.Actor, m outreach.PreventionModel) (id int64, err error) {
	defer wrap(&err, "CreateModel")
	err = s.tx(ctx, func(tx *sql.Tx) error {
		p, agency, u, err := s.resolveModel(ctx, tx, &m, false)
		if err != nil {
			return err
		}
		if err := checkModel(actor, nil, &modelClaim{owner: p.owner, agencyID: agency, unitPath: u.Path}); err != nil {
			return err
		}
		now := s.stamp()
		if err := tx.QueryRowContext(ctx, `INSERT INTO prevention_models (plan_id, unit_id, agency_id, name, model_type, established_on, description, demo,
			created_at, created_by, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $9, $10) RETURNING id`,
			p.id, u.ID, agency, m.Name, m.Type, m.EstablishedOn, m.Description, m.Demo, now, actor.Name()).Scan(&id); err != nil {
			return err
		}
		if err := writeStatuses(ctx, tx, id, m.Statuses); err != nil {
			return err
		}
		m.ID = id
		return s.audit(ctx, tx, actor, "create", "model", fmt.Sprint(id), nil, m)
	})
	return id, err
}

// checkModelWrite says whether the actor may change the stored model
// (attach evidence to it): checkModel with the model as it stands.
func (s *Store) checkModelWrite(ctx context.Context, q querier, actor outreach.Actor, id int64) error {
	return s.checkStoredModel(ctx, q, actor, id, false)
}

// checkStoredModel reads a model and checks that the actor may change it,
// or delete it.
func (s *Store) checkStoredModel(ctx context.Context, q querier, actor outreach.Actor, id int64, deleting bool) error {
	m, err := scanModel(q.QueryRowContext(ctx, modelSelect+`WHERE m.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("model %d: %w", id, outreach.ErrNotFound)
	} else if err != nil {
		return err
	}
	next := m.claim()
	if deleting {
		next = nil
	}
	if err := checkModel(actor, m.claim(), next); err != nil {
		return err
	}
	if m.DeletedAt != "" {
		return fmt.Errorf("model %d is deleted; restore it first: %w", id, outreach.ErrConflict)
	}
	return nil
}

// UpdateModel replaces a model's content and status history.
func (s *Store) UpdateModel(ctx context.Context, actor outreach.Actor, m outreach.PreventionModel) (err error) {
	defer wrap(&err, "UpdateModel(%d)", m.ID)
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.lockRow(ctx, tx, "prevention_models", m.ID); err != nil {
			return err
		}
		old, err := scanModel(tx.QueryRowContext(ctx, modelSelect+`WHERE m.id = $1`, m.ID))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("model %d: %w", m.ID, outreach.ErrNotFound)
		} else if err != nil {
			return err
		}
		if old.DeletedAt != "" {
			return fmt.Errorf("model %d is deleted: %w", m.ID, outreach.ErrConflict)
		}
		if err := checkModel(actor, old.claim(), old.claim()); err != nil {
			return err // refused before its new content is even read
		}
		if err := s.fillModels(ctx, tx, []*ModelView{old}); err != nil {
			return err
		}
		p, agency, u, err := s.resolveModel(ctx, tx, &m, old.Type == "")
		if err != nil {
			return err
		}
		if err := checkModel(actor, old.claim(), &modelClaim{id: m.ID, owner: p.owner, agencyID: agency, unitPath: u.Path}); err != nil {
			return err
		}
		m.Demo = old.Demo
		if _, err := tx.ExecContext(ctx, `UPDATE prevention_models SET plan_id = $1, unit_id = $2, agency_id = $3, name = $4, model_type = $5,
			established_on = $6, description = $7, updated_at = $8, updated_by = $9 WHERE id = $10`,
			p.id, u.ID, agency, m.Name, m.Type, m.EstablishedOn, m.Description, s.stamp(), actor.Name(), m.ID); err != nil {
			return err
		}
		if err := writeStatuses(ctx, tx, m.ID, m.Statuses); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "update", "model", fmt.Sprint(m.ID), old.PreventionModel, m)
	})
}

// DeleteModel moves a model to the bin.
func (s *Store) DeleteModel(ctx context.Context, actor outreach.Actor, id int64) (err error) {
	defer wrap(&err, "DeleteModel(%d)", id)
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.checkStoredModel(ctx, tx, actor, id, true); err != nil {
			return err
		}
		return s.softDelete(ctx, tx, actor, "prevention_models", "model", id, false)
	})
}

// RestoreModel takes a model out of the bin (coordinators and admins).
func (s *Store) RestoreModel(ctx context.Context, actor outreach.Actor, id int64) (err error) {
	defer wrap(&err, "RestoreModel(%d)", id)
	if !actor.CanEditPlans() {
		return actor.Forbidden("restore deleted records")
	}
	return s.tx(ctx, func(tx *sql.Tx) error { return s.softDelete(ctx, tx, actor, "prevention_models", "model", id, true) })
}

// Model returns one model if the actor may read it.
func (s *Store) Model(ctx context.Context, actor outreach.Actor, id int64) (_ *ModelView, err error) {
	defer wrap(&err, "Model(%d)", id)
	cond, args := modelScope(actor, 2)
	query := modelSelect + `WHERE m.id = $1`
	if cond != "" {
		query += " AND " + cond
	}
	m, err := scanModel(s.db.QueryRowContext(ctx, query, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && m.DeletedAt != "" && !actor.CanEditPlans()) {
		return nil, fmt.Errorf("model %d: %w", id, outreach.ErrNotFound)
	} else if err != nil {
		return nil, err
	}
	if err := s.fillModels(ctx, s.db, []*ModelView{m}); err != nil {
		return nil, err
	}
	m.Evidence, err = s.evidenceOf(ctx, "model", id)
	return m, err
}

// ModelHistory returns the audit rows of a model the actor may read.
func (s *Store) ModelHistory(ctx context.Context, actor outreach.Actor, id int64) ([]outreach.AuditEntry, error) {
	if _, err := s.Model(ctx, actor, id); err != nil {
		return nil, err
	}
	return s.history(ctx, "model", id)
}

// Models lists a plan's models the actor may read, by commune.
func (s *Store) Models(ctx context.Context, actor outreach.Actor, plan string, deleted bool) (_ []*ModelView, err error) {
	defer wrap(&err, "Models(%s)", plan)
	if deleted && !actor.CanEditPlans() {
		return nil, actor.Forbidden("see deleted records")
	}
	conds := []string{"p.code = $1", "m.deleted_at IS NULL"}
	if deleted {
		conds[1] = "m.deleted_at IS NOT NULL"
	}
	args := []any{plan}
	if cond, a := modelScope(actor, 2); cond != "" {
		conds = append(conds, cond)
		args = append(args, a...)
	}
	var ms []*ModelView
	err = each(ctx, s.db, modelSelect+"WHERE "+strings.Join(conds, " AND ")+" ORDER BY u.path, m.established_on", args, func(r *sql.Rows) error {
		m, err := scanModel(r)
		ms = append(ms, m)
		return err
	})
	if err != nil {
		return nil, err
	}
	return ms, s.fillModels(ctx, s.db, ms)
}
