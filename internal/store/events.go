package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"outreach/internal/indicators"
	"outreach/internal/outreach"
)

// needsEvents reports whether a plan's targets read the activities
// themselves (indicators.Event): a frequency, a filtered count or an
// activity condition.
func needsEvents(p *outreach.Plan) bool {
	for _, t := range p.Targets {
		switch {
		case t.Kind == outreach.KindFrequency && !indicators.FromMonths(t),
			t.Kind == outreach.KindCount && !t.Filter.Empty(),
			t.Kind == outreach.KindUnitShare && t.Condition == outreach.CondActivity:
			return true
		}
	}
	return false
}

// needsAllEvents reports whether a target reads every activity, not only
// those counting a measure: an activity condition.
func needsAllEvents(p *outreach.Plan) bool {
	for _, t := range p.Targets {
		if t.Kind == outreach.KindUnitShare && t.Condition == outreach.CondActivity {
			return true
		}
	}
	return false
}

// eventKinds lists the quantity kinds the events need: the measures of
// the targets that read events.
func eventKinds(p *outreach.Plan) []string {
	var out []string
	for _, t := range p.Targets {
		if t.Measure != "" && (t.Kind == outreach.KindFrequency || t.Kind == outreach.KindCount) && !slices.Contains(out, t.Measure) {
			out = append(out, t.Measure)
		}
	}
	return out
}

// planGroups lists the plan-defined population groups the targets count
// people in or filter on.
func planGroups(p *outreach.Plan) []string {
	var out []string
	for _, d := range p.AudienceGroups() {
		out = append(out, d.Code)
	}
	return out
}

// dataSpan is the days a plan's records count over: from the start of
// its first year (or its decision's, if earlier) to the end of its last.
func dataSpan(p *outreach.Plan) (string, string) {
	return fmt.Sprintf("%d-01-01", min(p.Period.From, decisionYear(p))), fmt.Sprintf("%d-12-31", p.Period.To)
}

// eventsFromRollup reports whether the event rollup (fact_event) answers
// every target that reads events: no filter on themes or audience groups,
// no activity condition.
func eventsFromRollup(p *outreach.Plan) bool {
	if needsAllEvents(p) {
		return false
	}
	for _, t := range p.Targets {
		if f := t.Filter; f != nil && (len(f.Themes) > 0 || f.Audience != "") {
			return false
		}
	}
	return true
}

// readEventRollup reads the events from fact_event: one per plan, kind,
// day, unit version, agency, channel and task, its value already split
// between the activity's places.
func (s *Store) readEventRollup(ctx context.Context, ep *enginePlan, sel factSel, f *indicators.Facts) error {
	from, to := dataSpan(ep.plan)
	var ids []int64
	code := map[int64]string{}
	for _, k := range eventKinds(ep.plan) {
		if id, ok := ep.kinds[k]; ok {
			ids = append(ids, id)
			code[id] = k
		}
	}
	if len(ids) == 0 {
		return nil
	}
	slices.Sort(ids)
	q, args := sel.only(`SELECT `+sel.unit("f.unit_id", "f.plan_id")+`, f.kind_id, f.day, g.code, g.type, g.media_level, c.code, coalesce(t.clause, ''), f.value
		FROM fact_event f JOIN agencies g ON g.id = f.agency_id JOIN plan_channels c ON c.id = f.channel_id LEFT JOIN plan_tasks t ON t.id = f.task_id
		WHERE f.`+sel.plans+` AND f.kind_id IN (`+idList(ids)+`) AND f.day >= $1 AND f.day <= $2 AND f.value <> 0`, "f.unit_id", from, to)
	return each(ctx, s.db, q, args, func(r *sql.Rows) error {
		var ev indicators.Event
		var unit, kind int64
		var v float64
		if err := r.Scan(&unit, &kind, &ev.Date, &ev.Agency, &ev.AgencyType, &ev.MediaLevel, &ev.Channel, &ev.Task, &v); err != nil {
			return err
		}
		if unit != 0 {
			ev.Units = []int64{unit}
		}
		ev.Values = map[string]float64{code[kind]: v}
		f.Events = append(f.Events, ev)
		return nil
	})
}

// readEvents reads the activities of the set of plans as events, with
// their places, themes, the quantities of the kinds the targets count and
// the groups they recorded people of. Whole-area activities of a serving
// plan stand at its scope unit (sel.whole).
func (s *Store) readEvents(ctx context.Context, ep *enginePlan, sel factSel, f *indicators.Facts) error {
	if eventsFromRollup(ep.plan) {
		return s.readEventRollup(ctx, ep, sel, f)
	}
	from, to := dataSpan(ep.plan)
	cond := `a.` + sel.plans + ` AND a.deleted_at IS NULL AND a.start_date >= $1 AND a.start_date <= $2`
	args := []any{from, to}
	kinds := eventKinds(ep.plan)
	if !needsAllEvents(ep.plan) {
		// Counts and frequencies see only the activities that counted
		// their measures: one in twenty, where every activity is a
		// meeting or a broadcast.
		if len(kinds) == 0 {
			return nil
		}
		cond += ` AND EXISTS (SELECT 1 FROM activity_quantities q JOIN quantity_kinds k ON k.id = q.kind_id WHERE q.activity_id = a.id AND q.value > 0
			AND k.code IN (` + placeholdersFrom(3, len(kinds)) + `))`
		args = append(args, anys(kinds)...)
	}
	byID := map[int64]*indicators.Event{}
	var order []int64
	err := each(ctx, s.db, `SELECT a.id, a.plan_id, a.start_date, a.whole_province, g.code, g.type, g.media_level, c.code, coalesce(t.clause, ''),
			coalesce(a.aud_total, 0), coalesce(a.aud_women, 0), coalesce(a.aud_children, 0)
		FROM activities a JOIN agencies g ON g.id = a.agency_id JOIN plan_channels c ON c.id = a.channel_id LEFT JOIN plan_tasks t ON t.id = a.task_id
		WHERE `+cond+` ORDER BY a.start_date, a.id`, args, func(r *sql.Rows) error {
		var ev indicators.Event
		var plan int64
		var whole bool
		var total, women, children int64
		if err := r.Scan(&ev.ID, &plan, &ev.Date, &whole, &ev.Agency, &ev.AgencyType, &ev.MediaLevel, &ev.Channel, &ev.Task, &total, &women, &children); err != nil {
			return err
		}
		if whole && plan != ep.id {
			if u, ok := sel.whole[plan]; ok {
				ev.Units = []int64{u}
			}
		}
		for g, n := range map[outreach.PopulationGroup]int64{outreach.PopEveryone: total, outreach.PopWomen: women, outreach.PopChildren1416: children} {
			if n > 0 {
				ev.Groups = append(ev.Groups, string(g))
			}
		}
		ev.Values = map[string]float64{}
		byID[ev.ID] = &ev
		order = append(order, ev.ID)
		return nil
	})
	if err != nil {
		return err
	}
	if len(order) == 0 {
		return nil
	}
	err = each(ctx, s.db, `SELECT au.activity_id, au.unit_id FROM activity_units au JOIN activities a ON a.id = au.activity_id WHERE `+cond, args, func(r *sql.Rows) error {
		var id, unit int64
		if err := r.Scan(&id, &unit); err != nil {
			return err
		}
		if ev := byID[id]; ev != nil {
			ev.Units = append(ev.Units, unit)
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = each(ctx, s.db, `SELECT at.activity_id, th.code FROM activity_themes at JOIN plan_themes th ON th.id = at.theme_id JOIN activities a ON a.id = at.activity_id WHERE `+cond, args, func(r *sql.Rows) error {
		var id int64
		var code string
		if err := r.Scan(&id, &code); err != nil {
			return err
		}
		if ev := byID[id]; ev != nil {
			ev.Themes = append(ev.Themes, code)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(kinds) > 0 {
		err = each(ctx, s.db, `SELECT q.activity_id, k.code, q.value FROM activity_quantities q JOIN quantity_kinds k ON k.id = q.kind_id
			JOIN activities a ON a.id = q.activity_id WHERE `+cond+` AND k.code IN (`+placeholdersFrom(len(args)+1, len(kinds))+`)`, append(args, anys(kinds)...), func(r *sql.Rows) error {
			var id int64
			var kind string
			var v float64
			if err := r.Scan(&id, &kind, &v); err != nil {
				return err
			}
			if ev := byID[id]; ev != nil {
				ev.Values[kind] += v
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	err = each(ctx, s.db, `SELECT g.activity_id, g.grp FROM activity_audience g JOIN activities a ON a.id = g.activity_id WHERE `+cond+` AND g.value > 0`, args, func(r *sql.Rows) error {
		var id int64
		var grp string
		if err := r.Scan(&id, &grp); err != nil {
			return err
		}
		if ev := byID[id]; ev != nil {
			ev.Groups = append(ev.Groups, grp)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, id := range order {
		f.Events = append(f.Events, *byID[id])
	}
	return nil
}

// readAudience reads the people of the plan-defined groups reached, per
// year and unit version, from their rollup (fact_audience, migration
// 0017: an activity's figure split equally between its places, unit 0 for
// the whole area, a serving plan's at its scope unit). Never lumped:
// coverage is capped per commune.
func (s *Store) readAudience(ctx context.Context, ep *enginePlan, sel factSel, f *indicators.Facts) error {
	groups := planGroups(ep.plan)
	if len(groups) == 0 {
		return nil
	}
	sel.lump = false
	q, args := sel.perUnit(`SELECT `+sel.unit("unit_id", "plan_id")+`, year, grp, value FROM fact_audience WHERE `+sel.plans+
		` AND value <> 0 AND grp IN (`+placeholdersFrom(1, len(groups))+`)`, "year", "unit_id", anys(groups)...)
	return each(ctx, s.db, q, args, func(r *sql.Rows) error {
		var af indicators.AudienceFact
		err := r.Scan(&af.Unit, &af.Year, &af.Group, &af.Value)
		f.Audience = append(f.Audience, af)
		return err
	})
}

// readMonths reads the months in which a kind was counted, per unit
// version and year (fact_month), for the frequencies the rollup answers
// (indicators.FromMonths).
func (s *Store) readMonths(ctx context.Context, ep *enginePlan, sel factSel, kind string) ([]indicators.Month, error) {
	kindID, ok := ep.kinds[kind]
	if !ok {
		return nil, nil // a kind nobody can have recorded
	}
	// One bit per month, computed by the database: reading twelve
	// columns per row cost more than the rest of the computation.
	// Lumped, a month's bit is set when any version counted it.
	var mask, lumpMask []string
	for m, c := range monthCols() {
		mask = append(mask, fmt.Sprintf("CASE WHEN f.%s > 0 THEN %d ELSE 0 END", c, 1<<m))
		lumpMask = append(lumpMask, fmt.Sprintf("CASE WHEN max(f.%s) > 0 THEN %d ELSE 0 END", c, 1<<m))
	}
	var out []indicators.Month
	scan := func(unit int64) func(r *sql.Rows) error {
		return func(r *sql.Rows) error {
			m := indicators.Month{Unit: unit}
			var err error
			if unit == indicators.LumpUnit {
				err = r.Scan(&m.Year, &m.Mask)
			} else {
				err = r.Scan(&m.Year, &m.Unit, &m.Mask)
			}
			if m.Mask != 0 {
				out = append(out, m)
			}
			return err
		}
	}
	from := ` FROM fact_month f WHERE f.` + sel.plans + ` AND f.kind_id = $1`
	if sel.lump {
		q := sel.lumped(`SELECT f.year, `+strings.Join(lumpMask, " + ")+from, "f.unit_id")
		if err := each(ctx, s.db, q+` GROUP BY f.year`, []any{kindID}, scan(indicators.LumpUnit)); err != nil {
			return nil, err
		}
	}
	q, args := sel.perUnit(`SELECT f.year, `+sel.unit("f.unit_id", "f.plan_id")+`, `+strings.Join(mask, " + ")+from, "f.year", "f.unit_id", kindID)
	err := each(ctx, s.db, q, args, scan(0))
	return out, err
}

// monthKinds lists the measures of the frequencies the month rollup
// answers.
func monthKinds(p *outreach.Plan) []string {
	var out []string
	for _, t := range p.Targets {
		if t.Kind == outreach.KindFrequency && indicators.FromMonths(t) && !slices.Contains(out, t.Measure) {
			out = append(out, t.Measure)
		}
	}
	return out
}
