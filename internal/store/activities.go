package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"outreach/internal/outreach"
	"outreach/internal/tabular"
)

// QuantityKinds returns the vocabulary activities count in.
func (s *Store) QuantityKinds(ctx context.Context) (_ []outreach.QuantityKind, err error) {
	defer wrap(&err, "QuantityKinds")
	var ks []outreach.QuantityKind
	err = each(ctx, s.reads(), `SELECT code, name, name_en, unit FROM quantity_kinds ORDER BY position, code`, nil, func(r *sql.Rows) error {
		var k outreach.QuantityKind
		err := r.Scan(&k.Code, &k.Name, &k.NameEN, &k.Unit)
		ks = append(ks, k)
		return err
	})
	return ks, err
}

// AddQuantityKind extends the vocabulary. Coordinators and admins only.
func (s *Store) AddQuantityKind(ctx context.Context, actor outreach.Actor, k outreach.QuantityKind) (err error) {
	defer wrap(&err, "AddQuantityKind(%s)", k.Code)
	if !actor.CanEditPlans() {
		return actor.Forbidden("extend the quantity vocabulary")
	}
	k.Code, k.Name = strings.TrimSpace(k.Code), strings.TrimSpace(k.Name)
	v := &outreach.ValidationError{}
	if !outreach.ValidCode(k.Code) {
		v.Add("code", "expected lowercase letters, digits, hyphens or underscores, got %q", k.Code)
	}
	if k.Name == "" {
		v.Add("name", "is required")
	}
	if err := v.Err(); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO quantity_kinds (code, name, name_en, unit, position)
			VALUES ($1, $2, $3, $4, (SELECT coalesce(max(position), 0) + 1 FROM quantity_kinds))`, k.Code, k.Name, k.NameEN, k.Unit)
		if errors.Is(translate(err), outreach.ErrConflict) {
			return outreach.Invalid("code", "the quantity kind %q exists", k.Code)
		}
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "create", "quantity_kind", k.Code, nil, k)
	})
}

// ActivityView is an activity with the names a page shows and its stamp.
type ActivityView struct {
	outreach.Activity
	AgencyName  string            `json:"agency_name"`
	ChannelName string            `json:"channel_name"`
	TaskText    string            `json:"task_text,omitempty"`
	UnitNames   map[string]string `json:"unit_names,omitempty"`
	Evidence    []EvidenceInfo    `json:"evidence,omitempty"`
	Stamp
}

// Deleted reports whether the activity is in the bin.
func (a ActivityView) Deleted() bool { return a.DeletedAt != "" }

// resolvedActivity holds the ids an activity's codes resolve to.
type resolvedActivity struct {
	plan      planRef
	agencyID  int64
	taskID    any
	channelID int64
	themeIDs  []int64
	units     []outreach.Unit
	fundingID any
	kindIDs   map[string]int64
}

// refs looks up a plan's references, from the database one by one (a form)
// or from maps loaded once (an import of thousands of rows).
type refs interface {
	plan() planRef
	agency(code string) (id int64, group, ok bool)
	task(clause string) (int64, bool)
	channel(code string) (int64, bool)
	theme(code string) (int64, bool)
	funding(code string) (int64, bool)
	kind(code string) (int64, bool)
	// unit returns the version of the code in force at some time in
	// [from, to].
	unit(code, from, to string) (outreach.Unit, bool, error)
	// audienceGroups are the codes of the plan-defined population groups
	// the plan asks activities to record (outreach.Plan.AudienceGroups).
	// It is asked only of activities that record some.
	audienceGroups() map[string]bool
}

// resolveWith checks an activity against the plan's references,
// collecting every problem. Whether the actor may write it is
// checkActivity's to say.
func resolveWith(rf refs, a *outreach.Activity, kinds []outreach.QuantityKind) (*resolvedActivity, error) {
	if err := a.Validate(kinds); err != nil {
		return nil, err
	}
	p := rf.plan()
	r := &resolvedActivity{plan: p, kindIDs: map[string]int64{}}
	v := &outreach.ValidationError{}
	if a.StartDate[:4] < fmt.Sprint(p.from) || a.EndDate[:4] > fmt.Sprint(p.to) {
		v.AddCode("start_date", outreach.ProbOutOfPlan, "the activity must fall within the plan's years %d–%d", p.from, p.to)
	}
	if id, group, ok := rf.agency(a.Agency); !ok {
		v.AddCode("agency", outreach.ProbUnknown, "the plan names no agency %q", a.Agency)
	} else if group {
		v.AddCode("agency", outreach.ProbGroup, "%q is a group of agencies; record under one of its members", a.Agency)
	} else {
		r.agencyID = id
	}
	if a.Task != "" {
		if id, ok := rf.task(a.Task); ok {
			r.taskID = id
		} else {
			v.AddCode("task", outreach.ProbUnknown, "the plan has no task %q", a.Task)
		}
	}
	if id, ok := rf.channel(a.Channel); ok {
		r.channelID = id
	} else {
		v.AddCode("channel", outreach.ProbUnknown, "the plan has no channel %q", a.Channel)
	}
	for _, t := range a.Themes {
		if id, ok := rf.theme(t); ok {
			r.themeIDs = append(r.themeIDs, id)
		} else {
			v.AddCode("themes", outreach.ProbUnknown, "the plan has no theme %q", t)
		}
	}
	if a.FundingSource != "" {
		if id, ok := rf.funding(a.FundingSource); ok {
			r.fundingID = id
		} else {
			v.AddCode("funding_source", outreach.ProbUnknown, "the plan has no funding source %q", a.FundingSource)
		}
	}
	for _, code := range a.Units {
		u, ok, err := rf.unit(code, a.StartDate, a.EndDate)
		if err != nil {
			return nil, err
		}
		switch {
		case !ok:
			v.AddCode("units", outreach.ProbNoUnit, "no unit %s was in force between %s and %s", code, a.StartDate, a.EndDate)
		case !p.covers(u):
			v.AddCode("units", outreach.ProbOutside, "%s is outside the plan's province", u.Name)
		default:
			r.units = append(r.units, u)
		}
	}
	for _, q := range a.Quantities {
		id, _ := rf.kind(q.Kind)
		r.kindIDs[q.Kind] = id
	}
	if len(a.Audience.Groups) > 0 {
		// The plan may have dropped a group since the activity was
		// recorded: a figure for it is refused like any unknown code.
		asked := rf.audienceGroups()
		for _, code := range slices.Sorted(maps.Keys(a.Audience.Groups)) {
			if !asked[code] {
				v.AddCode("audience.groups."+code, outreach.ProbUnknown, "the plan asks for no population group %q", code)
			}
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return r, nil
}

// dbRefs looks references up in the database as they are asked for.
type dbRefs struct {
	ctx    context.Context
	q      querier
	p      planRef
	groups map[string]bool // read once, when asked
	err    error
}

func (d *dbRefs) plan() planRef { return d.p }

func (d *dbRefs) id(query string, args ...any) (int64, bool) {
	var id int64
	err := d.q.QueryRowContext(d.ctx, query, args...).Scan(&id)
	if err != nil && !errors.Is(err, sql.ErrNoRows) && d.err == nil {
		d.err = err
	}
	return id, err == nil
}

func (d *dbRefs) agency(code string) (int64, bool, bool) {
	var id int64
	var typ string
	err := d.q.QueryRowContext(d.ctx, `SELECT a.id, a.type FROM agencies a JOIN plan_agencies pa ON pa.agency_id = a.id
		WHERE pa.plan_id = $1 AND a.code = $2`, d.p.id, code).Scan(&id, &typ)
	if err != nil && !errors.Is(err, sql.ErrNoRows) && d.err == nil {
		d.err = err
	}
	return id, typ == outreach.AgencyGroup, err == nil
}

func (d *dbRefs) task(c string) (int64, bool) {
	return d.id(`SELECT id FROM plan_tasks WHERE plan_id = $1 AND clause = $2`, d.p.id, c)
}
func (d *dbRefs) channel(c string) (int64, bool) {
	return d.id(`SELECT id FROM plan_channels WHERE plan_id = $1 AND code = $2`, d.p.id, c)
}
func (d *dbRefs) theme(c string) (int64, bool) {
	return d.id(`SELECT id FROM plan_themes WHERE plan_id = $1 AND code = $2`, d.p.id, c)
}
func (d *dbRefs) funding(c string) (int64, bool) {
	return d.id(`SELECT id FROM funding_sources WHERE plan_id = $1 AND code = $2`, d.p.id, c)
}
func (d *dbRefs) kind(c string) (int64, bool) {
	return d.id(`SELECT id FROM quantity_kinds WHERE code = $1`, c)
}
func (d *dbRefs) audienceGroups() map[string]bool {
	if d.groups == nil {
		var err error
		if d.groups, err = planAudienceGroups(d.ctx, d.q, d.p.code); err != nil && d.err == nil {
			d.err = err
		}
	}
	return d.groups
}

// planAudienceGroups reads the codes of the population groups a plan asks
// activities to record. Reading the whole plan costs about fifteen
// queries, so it is done only for activities that record a group.
func planAudienceGroups(ctx context.Context, q querier, plan string) (map[string]bool, error) {
	out := map[string]bool{}
	p, _, err := loadPlan(ctx, q, plan)
	if err != nil {
		return out, err
	}
	for _, g := range p.AudienceGroups() {
		out[g.Code] = true
	}
	return out, nil
}

func (d *dbRefs) unit(code, from, to string) (outreach.Unit, bool, error) {
	u, err := unitAt(d.ctx, d.q, code, from, to)
	if errors.Is(err, outreach.ErrNotFound) {
		return u, false, nil
	}
	return u, err == nil, err
}

// resolveActivity resolves one activity against the database.
func (s *Store) resolveActivity(ctx context.Context, q querier, a *outreach.Activity, kinds []outreach.QuantityKind) (*resolvedActivity, error) {
	if err := a.Validate(kinds); err != nil {
		return nil, err
	}
	p, err := resolvePlan(ctx, q, a.Plan)
	if err != nil {
		return nil, err
	}
	d := &dbRefs{ctx: ctx, q: q, p: p}
	r, err := resolveWith(d, a, kinds)
	if d.err != nil {
		return nil, d.err
	}
	return r, err
}

// resolveOutside resolves an activity before its transaction: the plan's
// references are read without holding SQLite's write lock, and a wrong
// activity is refused without taking it. It returns the generation of
// the references it read (refsGeneration).
func (s *Store) resolveOutside(ctx context.Context, a *outreach.Activity, kinds []outreach.QuantityKind) (*resolvedActivity, string, error) {
	gen, err := refsGeneration(ctx, s.reads())
	if err != nil {
		return nil, "", err
	}
	r, err := s.resolveActivity(ctx, s.reads(), a, kinds)
	if err == nil && s.afterResolve != nil {
		s.afterResolve()
	}
	return r, gen, err
}

// resolveAgain returns r when the references have not changed since it
// was resolved, else resolves the activity again inside tx. On SQLite no
// other write can land between this check and the commit.
func (s *Store) resolveAgain(ctx context.Context, tx *sql.Tx, gen string, r *resolvedActivity, a *outreach.Activity, kinds []outreach.QuantityKind) (*resolvedActivity, error) {
	now, err := refsGeneration(ctx, s.cached(tx))
	if err != nil {
		return nil, err
	}
	if now == gen {
		return r, nil
	}
	return s.resolveActivity(ctx, s.cached(tx), a, kinds)
}

// refsGeneration moves whenever what an activity's codes resolve to may
// have changed: a plan (its agencies, tasks, channels, themes, funding
// sources, period) or the units imported, or a quantity kind added. Each
// of those writes an audit row in its transaction.
func refsGeneration(ctx context.Context, q querier) (string, error) {
	return auditGeneration(ctx, q, `'plan', 'units', 'quantity_kind'`)
}

// auditGeneration is the number and the largest id of the audit rows of
// some entities (a quoted SQL list of constants): it moves with every
// committed change to them, from this process or another, including two
// committed out of id order on PostgreSQL.
func auditGeneration(ctx context.Context, q querier, entities string) (string, error) {
	var n, last int64
	err := q.QueryRowContext(ctx, `SELECT count(*), coalesce(max(id), 0) FROM audit_log WHERE entity IN (`+entities+`)`).Scan(&n, &last)
	return fmt.Sprint(n, "/", last), err
}

// activityClaim is what the permission rule reads of an activity, stored
// or to be written: whom it is recorded for, where it took place, and the
// spending it records.
type activityClaim struct {
	id       int64 // 0 for a new activity
	planID   int64
	owner    string // the plan's
	agencyID int64
	whole    bool
	units    []outreach.Unit
	// The spending: its cost and funding source (a code), counted for
	// its agency in its plan in the year it started (see Budget).
	year    string
	cost    int64
	funding string
}

// claim is what the permission rule reads of a resolved activity.
func (r *resolvedActivity) claim(a *outreach.Activity) *activityClaim {
	return &activityClaim{id: a.ID, planID: r.plan.id, owner: r.plan.owner, agencyID: r.agencyID, whole: a.WholeProvince, units: r.units,
		year: a.StartDate[:4], cost: a.Cost, funding: a.FundingSource}
}

// spends reports whether the activity records spending.
func (c *activityClaim) spends() bool { return c != nil && (c.cost != 0 || c.funding != "") }

// sameSpending reports whether two versions of an activity (nil: none)
// record the same spending for the same agency, plan and year, or both
// none.
func sameSpending(a, b *activityClaim) bool {
	if !a.spends() || !b.spends() {
		return !a.spends() && !b.spends()
	}
	return a.planID == b.planID && a.agencyID == b.agencyID && a.year == b.year && a.cost == b.cost && a.funding == b.funding
}

// canWriteActivity: admins and coordinators anything; an agency reporter
// their agency's; a unit reporter activities whose places all lie in
// their subtree, under any agency.
func canWriteActivity(actor outreach.Actor, c *activityClaim) bool {
	if actor.CanWriteAgency(c.agencyID) {
		return true
	}
	if actor.Role != outreach.RoleUnitReporter || c.whole || len(c.units) == 0 {
		return false
	}
	for _, u := range c.units {
		if !actor.CanWriteUnit(u.Path) {
			return false
		}
	}
	return true
}

// checkActivity is the permission rule for writing an activity, the one
// every path that writes one asks: CreateActivity and the import
// (CheckActivities, ImportActivities) with old nil, UpdateActivity with
// both, DeleteActivity with next nil (and the evidence of a record with
// old = next). The actor must be allowed to write the activity as it was
// and as it will be (canWriteActivity); may move it to another agency
// only when acting for both (outreach.Actor.ActsFor); and may add, change
// or remove spending — cost and funding source — only for agencies it
// acts for: a unit reporter records what an agency did in their communes,
// never what another agency spent. A refusal is outreach.ErrForbidden
// naming the field it concerns (refusedField).
func checkActivity(actor outreach.Actor, old, next *activityClaim) error {
	for _, c := range []*activityClaim{old, next} {
		if c != nil {
			if err := ownerCheck(actor, c.owner, "activity"); err != nil {
				return err
			}
		}
	}
	if old != nil && !canWriteActivity(actor, old) {
		return refuse("agency", actor.Forbidden(fmt.Sprintf("change activity %d", old.id)))
	}
	if next != nil && !canWriteActivity(actor, next) {
		return refuse("agency", actor.Forbidden("record activities for this agency or these places"))
	}
	if old != nil && next != nil && old.agencyID != next.agencyID && !(actor.ActsFor(old.agencyID) && actor.ActsFor(next.agencyID)) {
		return refuse("agency", actor.Forbidden("move an activity to an agency they do not act for, or from one"))
	}
	if !sameSpending(old, next) {
		for _, c := range []*activityClaim{old, next} {
			if c.spends() && !actor.ActsFor(c.agencyID) {
				field := "cost"
				if c.cost == 0 {
					field = "funding_source"
				}
				return refuse(field, actor.Forbidden("record, change or remove the cost or funding of an agency they do not act for"))
			}
		}
	}
	return nil
}

// refusal is a permission refusal (outreach.ErrForbidden) with the field
// it concerns, so that an import reports it against its column.
type refusal struct {
	field string
	err   error
}

func (r *refusal) Error() string { return r.err.Error() }
func (r *refusal) Unwrap() error { return r.err }

func refuse(field string, err error) error { return &refusal{field: field, err: err} }

// refusedField is the field a permission refusal concerns: the one it
// names, else the agency.
func refusedField(err error) string {
	var r *refusal
	if errors.As(err, &r) {
		return r.field
	}
	return "agency"
}

func activitySearch(a *outreach.Activity) string {
	return tabular.Fold(a.Title + " " + a.Description + " " + a.Notes)
}

func nullInt(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

// CreateActivity records an activity and returns its id.
func (s *Store) CreateActivity(ctx context.Context, actor outreach.Actor, a outreach.Activity) (id int64, err error) {
	defer wrap(&err, "CreateActivity")
	kinds, err := s.QuantityKinds(ctx)
	if err != nil {
		return 0, err
	}
	r, gen, err := s.resolveOutside(ctx, &a, kinds)
	if err != nil {
		return 0, err
	}
	if err := checkActivity(actor, nil, r.claim(&a)); err != nil {
		return 0, err // refused without taking the write lock
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if r, err = s.resolveAgain(ctx, tx, gen, r, &a, kinds); err != nil {
			return err
		}
		if err := checkActivity(actor, nil, r.claim(&a)); err != nil {
			return err
		}
		id, err = s.insertActivity(ctx, tx, actor, &a, r, nil)
		if err != nil {
			return err
		}
		a.ID = id
		d := newFactDelta()
		d.add(resolvedContribution(&a, r), 1)
		if err := s.applyFacts(ctx, tx, d); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "create", "activity", fmt.Sprint(id), nil, a)
	})
	return id, err
}

func (s *Store) insertActivity(ctx context.Context, tx *sql.Tx, actor outreach.Actor, a *outreach.Activity, r *resolvedActivity, importID any) (int64, error) {
	now := s.stamp()
	au := a.Audience
	var id int64
	err := s.cached(tx).QueryRowContext(ctx, `INSERT INTO activities (plan_id, agency_id, task_id, channel_id, title, description, start_date, end_date,
		whole_province, aud_total, aud_women, aud_men, aud_children, aud_ethnic, cost, funding_source_id, links, notes, search, demo, import_id,
		created_at, created_by, updated_at, updated_by, n_units)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $22, $23, $24) RETURNING id`,
		r.plan.id, r.agencyID, r.taskID, r.channelID, a.Title, a.Description, a.StartDate, a.EndDate,
		a.WholeProvince, nullInt(au.Total), nullInt(au.Women), nullInt(au.Men), nullInt(au.Children1416), nullInt(au.EthnicMinority),
		a.Cost, r.fundingID, strings.Join(a.Links, "\n"), a.Notes, activitySearch(a), a.Demo, importID, now, actor.Name(), len(r.units)).Scan(&id)
	if err != nil {
		return 0, err
	}
	return id, s.writeActivityLinks(ctx, tx, id, a, r)
}

func (s *Store) writeActivityLinks(ctx context.Context, tx *sql.Tx, id int64, a *outreach.Activity, r *resolvedActivity) error {
	for _, t := range r.themeIDs {
		if _, err := s.cached(tx).ExecContext(ctx, `INSERT INTO activity_themes (activity_id, theme_id) VALUES ($1, $2)`, id, t); err != nil {
			return err
		}
	}
	for _, u := range r.units {
		if _, err := s.cached(tx).ExecContext(ctx, `INSERT INTO activity_units (activity_id, unit_id) VALUES ($1, $2)`, id, u.ID); err != nil {
			return err
		}
	}
	for _, q := range a.Quantities {
		if _, err := s.cached(tx).ExecContext(ctx, `INSERT INTO activity_quantities (activity_id, kind_id, value) VALUES ($1, $2, $3)`, id, r.kindIDs[q.Kind], q.Value); err != nil {
			return err
		}
	}
	for _, g := range audienceRows(id, a) {
		if _, err := s.cached(tx).ExecContext(ctx, `INSERT INTO activity_audience (activity_id, grp, value) VALUES ($1, $2, $3)`, g...); err != nil {
			return err
		}
	}
	return nil
}

// audienceRows are the activity_audience rows of an activity's
// plan-defined groups, in code order.
func audienceRows(id int64, a *outreach.Activity) [][]any {
	var rows [][]any
	for _, code := range slices.Sorted(maps.Keys(a.Audience.Groups)) {
		rows = append(rows, []any{id, code, a.Audience.Groups[code]})
	}
	return rows
}

// UpdateActivity replaces an activity's content. The actor must be allowed
// to change the record as it was and as it will be.
func (s *Store) UpdateActivity(ctx context.Context, actor outreach.Actor, a outreach.Activity) (err error) {
	defer wrap(&err, "UpdateActivity(%d)", a.ID)
	kinds, err := s.QuantityKinds(ctx)
	if err != nil {
		return err
	}
	r, gen, err := s.resolveOutside(ctx, &a, kinds)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.lockRow(ctx, tx, "activities", a.ID); err != nil {
			return err
		}
		old, err := s.loadActivity(ctx, s.cached(tx), a.ID)
		if err != nil {
			return err
		}
		if old.Deleted() {
			return fmt.Errorf("activity %d is deleted; restore it first: %w", a.ID, outreach.ErrConflict)
		}
		stored, err := storedClaim(ctx, s.cached(tx), actor, old)
		if err != nil {
			return err
		}
		a.Demo = old.Demo
		if r, err = s.resolveAgain(ctx, tx, gen, r, &a, kinds); err != nil {
			return err
		}
		// The actor must be allowed to change the record as it was and as
		// it will be; a unit reporter may correct an activity in their
		// communes, but not move it to another agency or change what it
		// cost: that is the agency's to say.
		if err := checkActivity(actor, stored, r.claim(&a)); err != nil {
			return err
		}
		before, err := s.storedContribution(ctx, tx, a.ID)
		if err != nil {
			return err
		}
		au := a.Audience
		_, err = s.cached(tx).ExecContext(ctx, `UPDATE activities SET plan_id = $1, agency_id = $2, task_id = $3, channel_id = $4, title = $5, description = $6,
			start_date = $7, end_date = $8, whole_province = $9, aud_total = $10, aud_women = $11, aud_men = $12, aud_children = $13, aud_ethnic = $14,
			cost = $15, funding_source_id = $16, links = $17, notes = $18, search = $19, updated_at = $20, updated_by = $21, n_units = $23 WHERE id = $22`,
			r.plan.id, r.agencyID, r.taskID, r.channelID, a.Title, a.Description, a.StartDate, a.EndDate, a.WholeProvince,
			nullInt(au.Total), nullInt(au.Women), nullInt(au.Men), nullInt(au.Children1416), nullInt(au.EthnicMinority),
			a.Cost, r.fundingID, strings.Join(a.Links, "\n"), a.Notes, activitySearch(&a), s.stamp(), actor.Name(), a.ID, len(r.units))
		if err != nil {
			return err
		}
		for _, t := range []string{"activity_themes", "activity_units", "activity_quantities", "activity_audience"} {
			if _, err := s.cached(tx).ExecContext(ctx, `DELETE FROM `+t+` WHERE activity_id = $1`, a.ID); err != nil {
				return err
			}
		}
		if err := s.writeActivityLinks(ctx, tx, a.ID, &a, r); err != nil {
			return err
		}
		// The old and new contributions net out: only the rollup rows
		// that move are written.
		d := newFactDelta()
		d.add(before, -1)
		d.add(resolvedContribution(&a, r), 1)
		if err := s.applyFacts(ctx, tx, d); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "update", "activity", fmt.Sprint(a.ID), old.Activity, a)
	})
}

// storedClaim reads what the permission rule needs of a stored activity
// (a is as loadActivity read it). Its places are read only when the rule
// may need them: the actor may not write its agency's records anyway.
func storedClaim(ctx context.Context, q querier, actor outreach.Actor, a *ActivityView) (*activityClaim, error) {
	c := &activityClaim{id: a.ID, whole: a.WholeProvince, year: a.StartDate[:min(4, len(a.StartDate))], cost: a.Cost, funding: a.FundingSource}
	if err := q.QueryRowContext(ctx, `SELECT a.plan_id, a.agency_id, p.owner_code FROM activities a JOIN plans p ON p.id = a.plan_id WHERE a.id = $1`, a.ID).Scan(&c.planID, &c.agencyID, &c.owner); err != nil {
		return nil, err
	}
	if actor.CanWriteAgency(c.agencyID) {
		return c, nil
	}
	var err error
	c.units, err = queryUnits(ctx, q, `SELECT `+unitColumnsOf("u")+` FROM activity_units au JOIN units u ON u.id = au.unit_id WHERE au.activity_id = $1`, a.ID)
	return c, err
}

// checkActivityWrite says whether the actor may change the stored record
// (attach evidence to it): checkActivity with the record as it stands.
// It returns the record's agency.
func (s *Store) checkActivityWrite(ctx context.Context, q querier, actor outreach.Actor, a *ActivityView) (int64, error) {
	c, err := storedClaim(ctx, q, actor, a)
	if err != nil {
		return 0, err
	}
	return c.agencyID, checkActivity(actor, c, c)
}

// DeleteActivity moves an activity to the bin; RestoreActivity (coordinators
// and admins) takes it back.
func (s *Store) DeleteActivity(ctx context.Context, actor outreach.Actor, id int64) (err error) {
	defer wrap(&err, "DeleteActivity(%d)", id)
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.lockRow(ctx, tx, "activities", id); err != nil {
			return err
		}
		a, err := s.loadActivity(ctx, s.cached(tx), id)
		if err != nil {
			return err
		}
		// Deleting takes its spending away: the same rule as a change
		// to nothing.
		stored, err := storedClaim(ctx, s.cached(tx), actor, a)
		if err != nil {
			return err
		}
		if err := checkActivity(actor, stored, nil); err != nil {
			return err
		}
		if err := s.softDelete(ctx, tx, actor, "activities", "activity", id, false); err != nil {
			return err
		}
		return s.activityFacts(ctx, tx, id, -1)
	})
}

// RestoreActivity takes an activity out of the bin. Coordinators and admins.
func (s *Store) RestoreActivity(ctx context.Context, actor outreach.Actor, id int64) (err error) {
	defer wrap(&err, "RestoreActivity(%d)", id)
	if !actor.CanEditPlans() {
		return actor.Forbidden("restore deleted records")
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.softDelete(ctx, tx, actor, "activities", "activity", id, true); err != nil {
			return err
		}
		return s.activityFacts(ctx, tx, id, 1)
	})
}

const activitySelect = `SELECT a.id, p.code, ag.code, ag.name, coalesce(t.clause, ''), coalesce(t.text, ''), ch.code, ch.name, a.title, a.description,
	a.start_date, a.end_date, a.whole_province, a.aud_total, a.aud_women, a.aud_men, a.aud_children, a.aud_ethnic, a.cost, coalesce(f.code, ''),
	a.links, a.notes, a.demo, a.created_at, a.created_by, a.updated_at, a.updated_by, coalesce(a.deleted_at, ''), coalesce(a.deleted_by, '')
	FROM activities a JOIN plans p ON p.id = a.plan_id JOIN agencies ag ON ag.id = a.agency_id JOIN plan_channels ch ON ch.id = a.channel_id
	LEFT JOIN plan_tasks t ON t.id = a.task_id LEFT JOIN funding_sources f ON f.id = a.funding_source_id `

func scanActivity(r scanner) (*ActivityView, error) {
	var v ActivityView
	var links string
	var tot, wom, men, chi, eth sql.NullInt64
	err := r.Scan(&v.ID, &v.Plan, &v.Agency, &v.AgencyName, &v.Task, &v.TaskText, &v.Channel, &v.ChannelName, &v.Title, &v.Description,
		&v.StartDate, &v.EndDate, &v.WholeProvince, &tot, &wom, &men, &chi, &eth, &v.Cost, &v.FundingSource,
		&links, &v.Notes, &v.Demo, &v.CreatedAt, &v.CreatedBy, &v.UpdatedAt, &v.UpdatedBy, &v.DeletedAt, &v.DeletedBy)
	if err != nil {
		return nil, err
	}
	ptr := func(n sql.NullInt64) *int64 {
		if !n.Valid {
			return nil
		}
		return &n.Int64
	}
	v.Audience = outreach.Audience{Total: ptr(tot), Women: ptr(wom), Men: ptr(men), Children1416: ptr(chi), EthnicMinority: ptr(eth)}
	if links != "" {
		v.Links = strings.Split(links, "\n")
	}
	return &v, nil
}

// loadActivity reads one activity with its themes, units and quantities,
// without checking who asks.
func (s *Store) loadActivity(ctx context.Context, q querier, id int64) (*ActivityView, error) {
	v, err := scanActivity(q.QueryRowContext(ctx, activitySelect+`WHERE a.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("activity %d: %w", id, outreach.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	if err := s.fillActivities(ctx, q, []*ActivityView{v}); err != nil {
		return nil, err
	}
	return v, nil
}

// fillActivities loads themes, units, quantities and the plan-defined
// audience groups for a page of activities in four queries.
func (s *Store) fillActivities(ctx context.Context, q querier, vs []*ActivityView) error {
	if len(vs) == 0 {
		return nil
	}
	byID := map[int64]*ActivityView{}
	ids := make([]string, len(vs))
	for i, v := range vs {
		byID[v.ID] = v
		v.Themes, v.Units, v.Quantities = []string{}, []string{}, []outreach.ActivityQuantity{}
		v.UnitNames = map[string]string{}
		ids[i] = fmt.Sprint(v.ID)
	}
	// The ids are integers formatted here, never user input; one id is a
	// parameter, so that the statements stay the same (and cached) for
	// every record.
	in := "(" + strings.Join(ids, ",") + ")"
	var args []any
	if len(vs) == 1 {
		in, args = "($1)", []any{vs[0].ID}
	}
	err := each(ctx, q, `SELECT x.activity_id, t.code FROM activity_themes x JOIN plan_themes t ON t.id = x.theme_id WHERE x.activity_id IN `+in+` ORDER BY t.position`, args, func(r *sql.Rows) error {
		var id int64
		var c string
		err := r.Scan(&id, &c)
		byID[id].Themes = append(byID[id].Themes, c)
		return err
	})
	if err != nil {
		return err
	}
	err = each(ctx, q, `SELECT x.activity_id, u.code, u.name FROM activity_units x JOIN units u ON u.id = x.unit_id WHERE x.activity_id IN `+in+` ORDER BY u.path`, args, func(r *sql.Rows) error {
		var id int64
		var c, n string
		err := r.Scan(&id, &c, &n)
		byID[id].Units = append(byID[id].Units, c)
		byID[id].UnitNames[c] = n
		return err
	})
	if err != nil {
		return err
	}
	err = each(ctx, q, `SELECT x.activity_id, k.code, x.value FROM activity_quantities x JOIN quantity_kinds k ON k.id = x.kind_id WHERE x.activity_id IN `+in+` ORDER BY k.position`, args, func(r *sql.Rows) error {
		var id int64
		var qt outreach.ActivityQuantity
		err := r.Scan(&id, &qt.Kind, &qt.Value)
		byID[id].Quantities = append(byID[id].Quantities, qt)
		return err
	})
	if err != nil {
		return err
	}
	return each(ctx, q, `SELECT activity_id, grp, value FROM activity_audience WHERE activity_id IN `+in, args, func(r *sql.Rows) error {
		var id, n int64
		var g string
		if err := r.Scan(&id, &g, &n); err != nil {
			return err
		}
		au := &byID[id].Audience
		if au.Groups == nil {
			au.Groups = map[string]int64{}
		}
		au.Groups[g] = n
		return nil
	})
}

// activityScope is the SQL condition limiting what an actor reads, with
// its arguments numbered from n.
func activityScope(actor outreach.Actor, n int) (string, []any) {
	var cond string
	var args []any
	switch actor.Role {
	case outreach.RoleAgencyReporter:
		cond, args = fmt.Sprintf(`a.agency_id = $%d`, n), []any{actor.AgencyID}
	case outreach.RoleUnitReporter:
		c, a := pathsCond("sn.path", actor.UnitPaths, n)
		cond, args = `EXISTS (SELECT 1 FROM activity_units su JOIN units sn ON sn.id = su.unit_id WHERE su.activity_id = a.id AND `+c+`)`, a
	}
	return withOwner(actor, cond, args, n)
}

// Activity returns one activity if the actor may read it.
func (s *Store) Activity(ctx context.Context, actor outreach.Actor, id int64) (_ *ActivityView, err error) {
	defer wrap(&err, "Activity(%d)", id)
	cond, args := activityScope(actor, 2)
	query := activitySelect + `WHERE a.id = $1`
	if cond != "" {
		query += " AND " + cond
	}
	v, err := scanActivity(s.reads().QueryRowContext(ctx, query, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("activity %d: %w", id, outreach.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	if v.Deleted() && !actor.CanEditPlans() {
		return nil, fmt.Errorf("activity %d: %w", id, outreach.ErrNotFound)
	}
	if err := s.fillActivities(ctx, s.reads(), []*ActivityView{v}); err != nil {
		return nil, err
	}
	v.Evidence, err = s.evidenceOf(ctx, "activity", id)
	return v, err
}

// ActivityHistory returns the audit rows of an activity the actor may read.
func (s *Store) ActivityHistory(ctx context.Context, actor outreach.Actor, id int64) ([]outreach.AuditEntry, error) {
	if _, err := s.Activity(ctx, actor, id); err != nil {
		return nil, err
	}
	return s.history(ctx, "activity", id)
}

// ActivityFilter selects activities.
type ActivityFilter struct {
	Plan    string
	Agency  string
	Channel string
	Theme   string
	Task    string
	// Unit selects activities that reached a unit with this code, or any
	// unit below it.
	Unit string
	// From and To select activities overlapping [From, To].
	From, To string
	// Q searches titles, descriptions and notes, ignoring diacritics.
	Q string
	// Sort is one of date, -date (default), title, agency, updated.
	Sort string
	// Deleted lists the bin instead (coordinators and admins).
	Deleted       bool
	Limit, Offset int
}

// ActivityPage is a page of activities and the total matching.
type ActivityPage struct {
	Items []*ActivityView `json:"items"`
	Total int             `json:"total"`
}

var activitySorts = map[string]string{
	"date":    "a.start_date, a.id",
	"-date":   "a.start_date DESC, a.id DESC",
	"title":   "a.title, a.id",
	"agency":  "ag.name, a.start_date DESC, a.id",
	"updated": "a.updated_at DESC, a.id DESC",
}

// Activities lists the activities the actor may read that match f.
func (s *Store) Activities(ctx context.Context, actor outreach.Actor, f ActivityFilter) (_ ActivityPage, err error) {
	defer wrap(&err, "Activities")
	var page ActivityPage
	var conds []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	tv := &outreach.ValidationError{}
	for _, x := range []struct{ name, s string }{{"plan", f.Plan}, {"agency", f.Agency}, {"channel", f.Channel}, {"theme", f.Theme},
		{"task", f.Task}, {"unit", f.Unit}, {"q", f.Q}, {"sort", f.Sort}} {
		outreach.CheckText(tv, x.name, x.s)
	}
	if err := tv.Err(); err != nil {
		return page, err
	}
	if f.Deleted {
		if !actor.CanEditPlans() {
			return page, actor.Forbidden("see deleted records")
		}
		conds = append(conds, "a.deleted_at IS NOT NULL")
	} else {
		conds = append(conds, "a.deleted_at IS NULL")
	}
	if f.Plan != "" {
		conds = append(conds, "p.code = "+arg(f.Plan))
	}
	if f.Agency != "" {
		conds = append(conds, "ag.code = "+arg(f.Agency))
	}
	if f.Channel != "" {
		conds = append(conds, "ch.code = "+arg(f.Channel))
	}
	if f.Task != "" {
		conds = append(conds, "t.clause = "+arg(f.Task))
	}
	if f.Theme != "" {
		conds = append(conds, `EXISTS (SELECT 1 FROM activity_themes ft JOIN plan_themes th ON th.id = ft.theme_id WHERE ft.activity_id = a.id AND th.code = `+arg(f.Theme)+`)`)
	}
	if f.From != "" {
		if !outreach.ValidDate(f.From) {
			return page, outreach.Invalid("from", "expected a date YYYY-MM-DD, got %q", f.From)
		}
		conds = append(conds, "a.end_date >= "+arg(f.From))
	}
	if f.To != "" {
		if !outreach.ValidDate(f.To) {
			return page, outreach.Invalid("to", "expected a date YYYY-MM-DD, got %q", f.To)
		}
		conds = append(conds, "a.start_date <= "+arg(f.To))
	}
	if f.Unit != "" {
		var paths []string
		err := each(ctx, s.db, `SELECT path FROM units WHERE code = $1`, []any{f.Unit}, func(r *sql.Rows) error {
			var p string
			err := r.Scan(&p)
			paths = append(paths, p)
			return err
		})
		if err != nil {
			return page, err
		}
		if len(paths) == 0 {
			return page, outreach.Invalid("unit", "no unit has the code %q", f.Unit)
		}
		var or []string
		for _, p := range paths {
			or = append(or, "fu.path = "+arg(p)+" OR fu.path LIKE "+arg(p+"/%"))
		}
		conds = append(conds, `EXISTS (SELECT 1 FROM activity_units fx JOIN units fu ON fu.id = fx.unit_id WHERE fx.activity_id = a.id AND (`+strings.Join(or, " OR ")+`))`)
	}
	if q := tabular.Fold(f.Q); q != "" {
		for _, word := range strings.Fields(q) {
			conds = append(conds, `a.search LIKE `+arg(likePattern(word))+` ESCAPE '\'`)
		}
	}
	if cond, sargs := activityScope(actor, len(args)+1); cond != "" {
		conds = append(conds, cond)
		args = append(args, sargs...)
	}
	where := " WHERE " + strings.Join(conds, " AND ")
	from := ` FROM activities a JOIN plans p ON p.id = a.plan_id JOIN agencies ag ON ag.id = a.agency_id JOIN plan_channels ch ON ch.id = a.channel_id
		LEFT JOIN plan_tasks t ON t.id = a.task_id `
	if err := s.db.QueryRowContext(ctx, `SELECT count(*)`+from+where, args...).Scan(&page.Total); err != nil {
		return page, err
	}
	order, ok := activitySorts[f.Sort]
	if !ok {
		order = activitySorts["-date"]
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	if f.Offset < 0 {
		f.Offset = 0
	}
	query := activitySelect + where + " ORDER BY " + order + fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, f.Offset)
	err = each(ctx, s.db, query, args, func(r *sql.Rows) error {
		v, err := scanActivity(r)
		if err == nil {
			page.Items = append(page.Items, v)
		}
		return err
	})
	if err != nil {
		return page, err
	}
	if page.Items == nil {
		page.Items = []*ActivityView{}
	}
	return page, s.fillActivities(ctx, s.db, page.Items)
}

// TaskDefaults returns what choosing a task proposes: its channels and
// themes (the first channel is the proposal).
func (s *Store) TaskDefaults(ctx context.Context, planCode, clause string) (channels, themes []string, err error) {
	p, err := s.Plan(ctx, planCode)
	if err != nil {
		return nil, nil, err
	}
	i := slices.IndexFunc(p.Tasks, func(t outreach.Task) bool { return t.Clause == clause })
	if i < 0 {
		return nil, nil, fmt.Errorf("task %s: %w", clause, outreach.ErrNotFound)
	}
	return p.Tasks[i].Channels, p.Tasks[i].Themes, nil
}

// HasDemoData reports whether the database holds demo records (outreach
// demo, serve --demo), so every page can say so.
func (s *Store) HasDemoData(ctx context.Context) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM activities WHERE demo LIMIT 1) x`).Scan(&n)
	return n > 0, err
}
