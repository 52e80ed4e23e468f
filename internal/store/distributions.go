package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"outreach/internal/outreach"
	"outreach/internal/tabular"
)

// MaterialView is a catalogue entry with its producer's name and stamp.
type MaterialView struct {
	outreach.Material
	AgencyName string `json:"agency_name"`
	Stamp
}

const materialSelect = `SELECT m.id, p.code, m.type, m.title, ag.code, ag.name, m.year, m.copies, m.notes, m.demo,
	m.created_at, m.created_by, m.updated_at, m.updated_by, coalesce(m.deleted_at, ''), coalesce(m.deleted_by, '')
	FROM materials m JOIN plans p ON p.id = m.plan_id JOIN agencies ag ON ag.id = m.agency_id `

func scanMaterial(r scanner) (*MaterialView, error) {
	var m MaterialView
	err := r.Scan(&m.ID, &m.Plan, &m.Type, &m.Title, &m.Agency, &m.AgencyName, &m.Year, &m.Copies, &m.Notes, &m.Demo,
		&m.CreatedAt, &m.CreatedBy, &m.UpdatedAt, &m.UpdatedBy, &m.DeletedAt, &m.DeletedBy)
	return &m, err
}

// checkMaterial is the permission rule for writing a catalogue entry, on
// every path that writes one (SaveMaterial creating with old 0, or
// updating): the producing agency's reporter, coordinators and admins,
// for the entry as it was and as it will be.
func checkMaterial(actor outreach.Actor, id, old, next int64) error {
	if old != 0 && !actor.CanWriteAgency(old) {
		return actor.Forbidden(fmt.Sprintf("change material %d", id))
	}
	if !actor.CanWriteAgency(next) {
		return actor.Forbidden("record materials for this agency")
	}
	return nil
}

// checkDistribution is the permission rule for a distribution, on every
// path that writes or removes one (CreateDistribution, the import,
// DeleteDistribution): the sending agency's reporter, coordinators and
// admins. The confirmations given with it are checkConfirmation's.
func checkDistribution(actor outreach.Actor, from int64) error {
	if !actor.CanWriteAgency(from) {
		return actor.Forbidden("record or delete distributions for this agency")
	}
	return nil
}

// checkConfirmation is the permission rule for a commune's confirmation
// (received, deployed, how), wherever it is given: with the distribution
// (CreateDistribution, the import) or later (Confirm). It is the
// commune's word: its unit reporter (or one above it), coordinators and
// admins give it; the sender may not.
func checkConfirmation(actor outreach.Actor, u outreach.Unit) error {
	if !actor.CanWriteUnit(u.Path) {
		return actor.Forbidden("confirm receipt for " + u.Name + ": that is the commune's to confirm")
	}
	return nil
}

// confirms reports whether a delivery carries a confirmation.
func confirms(x outreach.Delivery) bool {
	return x.ReceivedOn != "" || x.DeployedOn != "" || len(x.How) > 0
}

// SaveMaterial creates (ID 0) or updates a catalogue entry. The producing
// agency's reporter, coordinators and admins may.
func (s *Store) SaveMaterial(ctx context.Context, actor outreach.Actor, m outreach.Material) (id int64, err error) {
	defer wrap(&err, "SaveMaterial")
	if err := m.Validate(); err != nil {
		return 0, err
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		p, err := resolvePlan(ctx, tx, m.Plan)
		if err != nil {
			return err
		}
		if err := ownerCheck(actor, p.owner, "material"); err != nil {
			return err
		}
		agency, err := agencyID(ctx, tx, p.id, m.Agency, "agency")
		if err != nil {
			return err
		}
		if err := checkMaterial(actor, m.ID, 0, agency); err != nil {
			return err // refused before the stored entry is read
		}
		now := s.stamp()
		search := tabular.Fold(m.Title + " " + m.Notes)
		if m.ID == 0 {
			err := tx.QueryRowContext(ctx, `INSERT INTO materials (plan_id, type, title, agency_id, year, copies, notes, search, demo, created_at, created_by, updated_at, updated_by)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $10, $11) RETURNING id`,
				p.id, m.Type, m.Title, agency, m.Year, m.Copies, m.Notes, search, m.Demo, now, actor.Name()).Scan(&id)
			if err != nil {
				return err
			}
			m.ID = id
			return s.audit(ctx, tx, actor, "create", "material", fmt.Sprint(id), nil, m)
		}
		if err := s.lockRow(ctx, tx, "materials", m.ID); err != nil {
			return err
		}
		old, err := scanMaterial(tx.QueryRowContext(ctx, materialSelect+`WHERE m.id = $1`, m.ID))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("material %d: %w", m.ID, outreach.ErrNotFound)
		} else if err != nil {
			return err
		}
		var oldAgency, oldPlan int64
		if err := tx.QueryRowContext(ctx, `SELECT agency_id, plan_id FROM materials WHERE id = $1`, m.ID).Scan(&oldAgency, &oldPlan); err != nil {
			return err
		}
		if err := checkMaterial(actor, m.ID, oldAgency, agency); err != nil {
			return err
		}
		id = m.ID
		if _, err := tx.ExecContext(ctx, `UPDATE materials SET plan_id = $1, type = $2, title = $3, agency_id = $4, year = $5, copies = $6, notes = $7,
			search = $8, updated_at = $9, updated_by = $10 WHERE id = $11`, p.id, m.Type, m.Title, agency, m.Year, m.Copies, m.Notes, search, now, actor.Name(), m.ID); err != nil {
			return err
		}
		// Its type or plan decides whether and where its deliveries count.
		if oldPlan != p.id || old.Type != m.Type {
			plans := []int64{p.id}
			if oldPlan != p.id {
				plans = append(plans, oldPlan)
			}
			if err := s.materialFacts(ctx, tx, m.ID, plans...); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, actor, "update", "material", fmt.Sprint(id), old.Material, m)
	})
	return id, err
}

// Materials lists a plan's catalogue (everyone may read it: communes need
// to know what they are sent).
func (s *Store) Materials(ctx context.Context, plan string) (_ []*MaterialView, err error) {
	defer wrap(&err, "Materials(%s)", plan)
	var ms []*MaterialView
	err = each(ctx, s.db, materialSelect+`WHERE p.code = $1 AND m.deleted_at IS NULL ORDER BY m.year, m.title`, []any{plan}, func(r *sql.Rows) error {
		m, err := scanMaterial(r)
		ms = append(ms, m)
		return err
	})
	return ms, err
}

// Material returns one catalogue entry.
func (s *Store) Material(ctx context.Context, id int64) (_ *MaterialView, err error) {
	defer wrap(&err, "Material(%d)", id)
	m, err := scanMaterial(s.db.QueryRowContext(ctx, materialSelect+`WHERE m.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("material %d: %w", id, outreach.ErrNotFound)
	}
	return m, err
}

// DistributionView is a distribution with names and its stamp.
type DistributionView struct {
	outreach.Distribution
	MaterialTitle  string `json:"material_title"`
	FromAgencyName string `json:"from_agency_name"`
	Stamp
	fromAgencyID int64
}

// Counts of a distribution's deliveries.
func (d DistributionView) Received() int {
	return d.count(func(x outreach.Delivery) bool { return x.ReceivedOn != "" })
}

// Deployed counts the communes that deployed the material.
func (d DistributionView) Deployed() int {
	return d.count(func(x outreach.Delivery) bool { return x.DeployedOn != "" })
}

func (d DistributionView) count(f func(outreach.Delivery) bool) int {
	n := 0
	for _, x := range d.Deliveries {
		if f(x) {
			n++
		}
	}
	return n
}

const distributionSelect = `SELECT d.id, p.code, d.material_id, m.title, ag.code, ag.name, ag.id, d.date, d.notes, d.demo,
	d.created_at, d.created_by, d.updated_at, d.updated_by, coalesce(d.deleted_at, ''), coalesce(d.deleted_by, '')
	FROM distributions d JOIN materials m ON m.id = d.material_id JOIN plans p ON p.id = m.plan_id JOIN agencies ag ON ag.id = d.from_agency_id `

func scanDistribution(r scanner) (*DistributionView, error) {
	var d DistributionView
	err := r.Scan(&d.ID, &d.Plan, &d.Material, &d.MaterialTitle, &d.FromAgency, &d.FromAgencyName, &d.fromAgencyID, &d.Date, &d.Notes, &d.Demo,
		&d.CreatedAt, &d.CreatedBy, &d.UpdatedAt, &d.UpdatedBy, &d.DeletedAt, &d.DeletedBy)
	return &d, err
}

// fillDeliveries loads deliveries; with paths (a unit reporter's), only
// those to the reporter's communes.
func (s *Store) fillDeliveries(ctx context.Context, q querier, ds []*DistributionView, paths []string) error {
	if len(ds) == 0 {
		return nil
	}
	byID := map[int64]*DistributionView{}
	ids := make([]string, len(ds))
	for i, d := range ds {
		d.Deliveries = []outreach.Delivery{}
		byID[d.ID] = d
		ids[i] = fmt.Sprint(d.ID)
	}
	// One query for the whole page; the ids are integers formatted here,
	// never user input.
	query := `SELECT x.distribution_id, u.code, u.name, x.quantity, coalesce(x.received_on, ''), coalesce(x.deployed_on, ''), x.deployed_how,
		coalesce(x.confirmed_by, ''), coalesce(x.confirmed_at, '')
		FROM distribution_units x JOIN units u ON u.id = x.unit_id WHERE x.distribution_id IN (` + strings.Join(ids, ",") + `)`
	var args []any
	if paths != nil {
		cond, pargs := pathsCond("u.path", paths, 1)
		query += ` AND ` + cond
		args = pargs
	}
	return each(ctx, q, query+` ORDER BY u.path`, args, func(r *sql.Rows) error {
		var id int64
		var x outreach.Delivery
		var how string
		err := r.Scan(&id, &x.Unit, &x.UnitName, &x.Quantity, &x.ReceivedOn, &x.DeployedOn, &how, &x.ConfirmedBy, &x.ConfirmedAt)
		x.How = splitList(how)
		byID[id].Deliveries = append(byID[id].Deliveries, x)
		return err
	})
}

// resolveDeliveries resolves each commune code as of the distribution's date.
func resolveDeliveries(ctx context.Context, q querier, p planRef, d *outreach.Distribution) ([]outreach.Unit, error) {
	v := &outreach.ValidationError{}
	var us []outreach.Unit
	for _, x := range d.Deliveries {
		u, err := unitAt(ctx, q, x.Unit, d.Date, d.Date)
		if errors.Is(err, outreach.ErrNotFound) {
			v.Add("deliveries", "no commune %s was in force on %s", x.Unit, d.Date)
			continue
		} else if err != nil {
			return nil, err
		}
		if !u.IsCommune() || !p.covers(u) {
			v.Add("deliveries", "%s is not a commune of the plan's province", u.Name)
			continue
		}
		us = append(us, u)
	}
	return us, v.Err()
}

// CreateDistribution records a sending of a material to communes. The
// sending agency's reporter, coordinators and admins may.
func (s *Store) CreateDistribution(ctx context.Context, actor outreach.Actor, d outreach.Distribution) (id int64, err error) {
	defer wrap(&err, "CreateDistribution")
	if err := d.Validate(); err != nil {
		return 0, err
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		id, err = s.insertDistribution(ctx, tx, actor, &d, nil)
		if err != nil {
			return err
		}
		d.ID = id
		if err := s.distributionFacts(ctx, tx, id); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "create", "distribution", fmt.Sprint(id), nil, d)
	})
	return id, err
}

func (s *Store) insertDistribution(ctx context.Context, tx *sql.Tx, actor outreach.Actor, d *outreach.Distribution, importID any) (int64, error) {
	m, err := scanMaterial(tx.QueryRowContext(ctx, materialSelect+`WHERE m.id = $1 AND m.deleted_at IS NULL`, d.Material))
	if errors.Is(err, sql.ErrNoRows) {
		return 0, outreach.Invalid("material", "no material %d in the catalogue", d.Material)
	} else if err != nil {
		return 0, err
	}
	if d.Plan != "" && d.Plan != m.Plan {
		return 0, outreach.Invalid("material", "material %d belongs to plan %s, not %s", d.Material, m.Plan, d.Plan)
	}
	d.Plan = m.Plan
	p, err := resolvePlan(ctx, tx, m.Plan)
	if err != nil {
		return 0, err
	}
	if err := ownerCheck(actor, p.owner, "distribution"); err != nil {
		return 0, err
	}
	from, err := agencyID(ctx, tx, p.id, d.FromAgency, "from_agency")
	if err != nil {
		return 0, err
	}
	if err := checkDistribution(actor, from); err != nil {
		return 0, err
	}
	units, err := resolveDeliveries(ctx, tx, p, d)
	if err != nil {
		return 0, err
	}
	now := s.stamp()
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO distributions (material_id, from_agency_id, date, notes, demo, import_id, created_at, created_by, updated_at, updated_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7, $8) RETURNING id`, d.Material, from, d.Date, d.Notes, d.Demo, importID, now, actor.Name()).Scan(&id); err != nil {
		return 0, err
	}
	for i, u := range units {
		x := d.Deliveries[i]
		if err := outreach.ValidateConfirmation(d.Date, x.ReceivedOn, x.DeployedOn, x.How); err != nil {
			return 0, err
		}
		// A confirmation is the commune's word: the sender may not give it.
		if confirms(x) {
			if err := checkConfirmation(actor, u); err != nil {
				return 0, err
			}
		}
		var confirmedAt, confirmedBy any
		if x.ReceivedOn != "" {
			confirmedAt, confirmedBy = now, actor.Name()
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO distribution_units (distribution_id, unit_id, quantity, received_on, deployed_on, deployed_how, confirmed_at, confirmed_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, id, u.ID, x.Quantity, nullable(x.ReceivedOn), nullable(x.DeployedOn), joinList(x.How), confirmedAt, confirmedBy); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// Confirm records a commune's receipt and deployment of a distribution.
// The commune's unit reporter (or one above it), coordinators and admins
// may; empty dates clear the confirmation.
func (s *Store) Confirm(ctx context.Context, actor outreach.Actor, distributionID int64, unitCode, receivedOn, deployedOn string, how []string) (err error) {
	defer wrap(&err, "Confirm(%d, %s)", distributionID, unitCode)
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := distributionOwner(ctx, tx, actor, distributionID); err != nil {
			return err
		}
		if err := s.lockRow(ctx, tx, "distributions", distributionID); err != nil {
			return err
		}
		d, err := scanDistribution(tx.QueryRowContext(ctx, distributionSelect+`WHERE d.id = $1 AND d.deleted_at IS NULL`, distributionID))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("distribution %d: %w", distributionID, outreach.ErrNotFound)
		} else if err != nil {
			return err
		}
		var u outreach.Unit
		var before outreach.Delivery
		var how0 string
		err = tx.QueryRowContext(ctx, `SELECT u.id, u.name, u.path, coalesce(x.received_on, ''), coalesce(x.deployed_on, ''), x.deployed_how
			FROM distribution_units x JOIN units u ON u.id = x.unit_id WHERE x.distribution_id = $1 AND u.code = $2`, distributionID, unitCode).
			Scan(&u.ID, &u.Name, &u.Path, &before.ReceivedOn, &before.DeployedOn, &how0)
		if errors.Is(err, sql.ErrNoRows) {
			return outreach.Invalid("unit", "distribution %d did not go to %s", distributionID, unitCode)
		} else if err != nil {
			return err
		}
		before.How = splitList(how0)
		if err := checkConfirmation(actor, u); err != nil {
			return err
		}
		if err := outreach.ValidateConfirmation(d.Date, receivedOn, deployedOn, how); err != nil {
			return err
		}
		var at, by any
		if receivedOn != "" {
			at, by = s.stamp(), actor.Name()
		}
		if _, err := tx.ExecContext(ctx, `UPDATE distribution_units SET received_on = $1, deployed_on = $2, deployed_how = $3, confirmed_at = $4, confirmed_by = $5
			WHERE distribution_id = $6 AND unit_id = $7`, nullable(receivedOn), nullable(deployedOn), joinList(how), at, by, distributionID, u.ID); err != nil {
			return err
		}
		after := outreach.Delivery{Unit: unitCode, ReceivedOn: receivedOn, DeployedOn: deployedOn, How: how}
		before.Unit = unitCode
		if err := s.distributionFacts(ctx, tx, distributionID); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "confirm", "distribution", fmt.Sprint(distributionID), before, after)
	})
}

// DeleteDistribution moves a distribution to the bin.
func (s *Store) DeleteDistribution(ctx context.Context, actor outreach.Actor, id int64) (err error) {
	defer wrap(&err, "DeleteDistribution(%d)", id)
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := distributionOwner(ctx, tx, actor, id); err != nil {
			return err
		}
		if err := s.lockRow(ctx, tx, "distributions", id); err != nil {
			return err
		}
		d, err := scanDistribution(tx.QueryRowContext(ctx, distributionSelect+`WHERE d.id = $1`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("distribution %d: %w", id, outreach.ErrNotFound)
		} else if err != nil {
			return err
		}
		if err := checkDistribution(actor, d.fromAgencyID); err != nil {
			return err
		}
		if err := s.softDelete(ctx, tx, actor, "distributions", "distribution", id, false); err != nil {
			return err
		}
		return s.distributionFacts(ctx, tx, id)
	})
}

// RestoreDistribution takes a distribution out of the bin.
func (s *Store) RestoreDistribution(ctx context.Context, actor outreach.Actor, id int64) (err error) {
	defer wrap(&err, "RestoreDistribution(%d)", id)
	if !actor.CanEditPlans() {
		return actor.Forbidden("restore deleted records")
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := distributionOwner(ctx, tx, actor, id); err != nil {
			return err
		}
		if err := s.softDelete(ctx, tx, actor, "distributions", "distribution", id, true); err != nil {
			return err
		}
		return s.distributionFacts(ctx, tx, id)
	})
}

// distributionScope: an agency reporter sees what their agency sent; a
// unit reporter what went to their communes (and only those deliveries).
func distributionScope(actor outreach.Actor, n int) (string, []any) {
	var cond string
	var args []any
	switch actor.Role {
	case outreach.RoleAgencyReporter:
		cond, args = fmt.Sprintf(`d.from_agency_id = $%d`, n), []any{actor.AgencyID}
	case outreach.RoleUnitReporter:
		c, a := pathsCond("su.path", actor.UnitPaths, n)
		cond, args = `EXISTS (SELECT 1 FROM distribution_units sx JOIN units su ON su.id = sx.unit_id WHERE sx.distribution_id = d.id AND `+c+`)`, a
	}
	return withOwner(actor, cond, args, n)
}

// distributionOwner checks the scope of a write to a stored distribution.
func distributionOwner(ctx context.Context, q querier, actor outreach.Actor, id int64) error {
	var owner string
	err := q.QueryRowContext(ctx, `SELECT p.owner_code FROM distributions d JOIN materials m ON m.id = d.material_id JOIN plans p ON p.id = m.plan_id WHERE d.id = $1`, id).Scan(&owner)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("distribution %d: %w", id, outreach.ErrNotFound)
	} else if err != nil {
		return err
	}
	return ownerCheck(actor, owner, "distribution")
}

func deliveryPaths(actor outreach.Actor) []string {
	if actor.Role == outreach.RoleUnitReporter {
		return actor.UnitPaths
	}
	return nil
}

// Distribution returns one distribution the actor may read.
func (s *Store) Distribution(ctx context.Context, actor outreach.Actor, id int64) (_ *DistributionView, err error) {
	defer wrap(&err, "Distribution(%d)", id)
	cond, args := distributionScope(actor, 2)
	query := distributionSelect + `WHERE d.id = $1`
	if cond != "" {
		query += " AND " + cond
	}
	d, err := scanDistribution(s.db.QueryRowContext(ctx, query, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && d.DeletedAt != "" && !actor.CanEditPlans()) {
		return nil, fmt.Errorf("distribution %d: %w", id, outreach.ErrNotFound)
	} else if err != nil {
		return nil, err
	}
	return d, s.fillDeliveries(ctx, s.db, []*DistributionView{d}, deliveryPaths(actor))
}

// DistributionHistory returns the audit rows of a distribution. A unit
// reporter sees the confirmations of their own communes in full and the
// other rows without their content (which names other communes).
func (s *Store) DistributionHistory(ctx context.Context, actor outreach.Actor, id int64) ([]outreach.AuditEntry, error) {
	d, err := s.Distribution(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	h, err := s.history(ctx, "distribution", id)
	if err != nil || actor.Role != outreach.RoleUnitReporter {
		return h, err
	}
	own := map[string]bool{}
	for _, x := range d.Deliveries {
		own[x.Unit] = true
	}
	var out []outreach.AuditEntry
	for _, e := range h {
		if e.Action == "confirm" {
			var after struct {
				Unit string `json:"unit"`
			}
			if json.Unmarshal([]byte(e.After), &after) != nil || !own[after.Unit] {
				continue
			}
		} else {
			e.Before, e.After = "", ""
		}
		out = append(out, e)
	}
	return out, nil
}

// DistributionFilter selects distributions.
type DistributionFilter struct {
	Plan, Agency, Unit, From, To string
	Deleted                      bool
	Limit, Offset                int
}

// DistributionPage is a page of distributions and the total.
type DistributionPage struct {
	Items []*DistributionView `json:"items"`
	Total int                 `json:"total"`
}

// Distributions lists the distributions the actor may read.
func (s *Store) Distributions(ctx context.Context, actor outreach.Actor, f DistributionFilter) (_ DistributionPage, err error) {
	defer wrap(&err, "Distributions")
	var page DistributionPage
	var conds []string
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	tv := &outreach.ValidationError{}
	for _, x := range []struct{ name, s string }{{"plan", f.Plan}, {"agency", f.Agency}, {"unit", f.Unit}} {
		outreach.CheckText(tv, x.name, x.s)
	}
	if err := tv.Err(); err != nil {
		return page, err
	}
	if f.Deleted {
		if !actor.CanEditPlans() {
			return page, actor.Forbidden("see deleted records")
		}
		conds = append(conds, "d.deleted_at IS NOT NULL")
	} else {
		conds = append(conds, "d.deleted_at IS NULL")
	}
	if f.Plan != "" {
		conds = append(conds, "p.code = "+arg(f.Plan))
	}
	if f.Agency != "" {
		conds = append(conds, "ag.code = "+arg(f.Agency))
	}
	for _, d := range []struct{ v, col, op, field string }{{f.From, "d.date", ">=", "from"}, {f.To, "d.date", "<=", "to"}} {
		if d.v == "" {
			continue
		}
		if !outreach.ValidDate(d.v) {
			return page, outreach.Invalid(d.field, "expected a date YYYY-MM-DD, got %q", d.v)
		}
		conds = append(conds, d.col+" "+d.op+" "+arg(d.v))
	}
	if f.Unit != "" {
		conds = append(conds, `EXISTS (SELECT 1 FROM distribution_units fx JOIN units fu ON fu.id = fx.unit_id WHERE fx.distribution_id = d.id AND fu.code = `+arg(f.Unit)+`)`)
	}
	if cond, a := distributionScope(actor, len(args)+1); cond != "" {
		conds = append(conds, cond)
		args = append(args, a...)
	}
	where := " WHERE " + strings.Join(conds, " AND ")
	from := ` FROM distributions d JOIN materials m ON m.id = d.material_id JOIN plans p ON p.id = m.plan_id JOIN agencies ag ON ag.id = d.from_agency_id `
	if err := s.db.QueryRowContext(ctx, `SELECT count(*)`+from+where, args...).Scan(&page.Total); err != nil {
		return page, err
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	err = each(ctx, s.db, distributionSelect+where+fmt.Sprintf(" ORDER BY d.date DESC, d.id DESC LIMIT %d OFFSET %d", f.Limit, max(f.Offset, 0)), args, func(r *sql.Rows) error {
		d, err := scanDistribution(r)
		page.Items = append(page.Items, d)
		return err
	})
	if err != nil {
		return page, err
	}
	if page.Items == nil {
		page.Items = []*DistributionView{}
	}
	return page, s.fillDeliveries(ctx, s.db, page.Items, deliveryPaths(actor))
}
