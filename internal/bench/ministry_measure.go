package bench

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"outreach/internal/store"
)

// MinistryOptions says how the ministry benchmark measures.
type MinistryOptions struct {
	// Runs of each dashboard and of the plain SQL over the rollups.
	Runs int
	// PlainRuns of the plain SQL over the records (they scan millions of
	// rows: a few suffice; 0 skips them).
	PlainRuns int
	// Province is the province whose own plan's dashboard is measured
	// (empty: the one with the most communes).
	Province string
}

// MinistryTimings are the ministry benchmark's measurements.
type MinistryTimings struct {
	Engine           store.Engine
	Province         string
	ProvinceCommunes int
	Provinces        int
	// First is the first ministry dashboard: it reads and prepares the
	// unit tree of the date, which later requests share.
	First Timing
	// Ministry is the national plan's dashboard for 2026: the country
	// and every province as a row, every target, computed each time.
	// On SQLite a dashboard is served again until the data change
	// (dashcache.go); MinistryCached is that (SQLite only).
	Ministry       Timing
	MinistryCached *Timing
	// ProvinceDash is one province's dashboard on its own plan, with the
	// whole country stored.
	ProvinceDash Timing
	// The plain SQL aggregates of the same rows, per row of each
	// dashboard, over the rollups (the year's activity tallies too, which
	// the dashboard of a plan's whole area reads from their rollup), and
	// over the records.
	PlainMinistry, PlainProvince               Timing
	PlainRecordsMinistry, PlainRecordsProvince *Timing
	// The parts: every target without the rest of the dashboard (as
	// GET /api/v1/indicators computes them) for the country and the
	// province, the plain SQL of the province's targets alone (over the
	// rollups, per commune) and of its year's activity tallies alone (over
	// their rollup).
	MinistryIndicators, ProvinceIndicators   Timing
	PlainProvinceTargets, PlainProvinceTally Timing
}

// All lists the timings in the order they were taken.
func (m MinistryTimings) All() []Timing {
	out := []Timing{m.First, m.Ministry}
	if m.MinistryCached != nil {
		out = append(out, *m.MinistryCached)
	}
	out = append(out, m.PlainMinistry)
	if m.PlainRecordsMinistry != nil {
		out = append(out, *m.PlainRecordsMinistry)
	}
	out = append(out, m.ProvinceDash, m.PlainProvince)
	if m.PlainRecordsProvince != nil {
		out = append(out, *m.PlainRecordsProvince)
	}
	return append(out, m.MinistryIndicators, m.ProvinceIndicators, m.PlainProvinceTargets, m.PlainProvinceTally)
}

// Ratio is a/b of the 95th percentiles.
func Ratio(a, b Timing) float64 { return float64(a.P95) / float64(b.P95) }

// cacheMissEntity marks the audit rows the benchmark writes on SQLite to
// move the dashboard cache's generation between runs (removed after).
const cacheMissEntity = "bench-cache-miss"

// measureEach is measure with an untimed step before every run.
func measureEach(name string, runs int, before, f func() error) (Timing, error) {
	step := func() error {
		if err := before(); err != nil {
			return err
		}
		return f()
	}
	for range min(warmup, runs-1) {
		if err := step(); err != nil {
			return Timing{}, fmt.Errorf("%s: %w", name, err)
		}
	}
	ds := make([]time.Duration, 0, runs)
	for range runs {
		if err := before(); err != nil {
			return Timing{}, fmt.Errorf("%s: %w", name, err)
		}
		start := time.Now()
		if err := f(); err != nil {
			return Timing{}, fmt.Errorf("%s: %w", name, err)
		}
		ds = append(ds, time.Since(start))
	}
	return percentiles(name, ds), nil
}

func percentiles(name string, ds []time.Duration) Timing {
	s := slices.Clone(ds)
	slices.Sort(s)
	return Timing{Name: name, Runs: len(s), P50: s[len(s)/2], P95: s[min(len(s)-1, len(s)*95/100)]}
}

// MeasureMinistry times the ministry's dashboard (the national plan for
// 2026: the country and the 34 provinces as rows) and one province's
// dashboard on its own plan, each beside plain SQL aggregates of the same
// rows.
func MeasureMinistry(ctx context.Context, s *store.Store, opt MinistryOptions) (MinistryTimings, error) {
	out := MinistryTimings{Engine: s.Engine()}
	if opt.Runs < 1 {
		opt.Runs = 1
	}
	provinces, err := MinistryProvinces(ctx, s)
	if err != nil {
		return out, err
	}
	out.Provinces = len(provinces)
	for _, p := range provinces {
		if opt.Province == "" && len(p.Communes) > out.ProvinceCommunes || opt.Province == p.Code {
			out.Province, out.ProvinceCommunes = p.Code, len(p.Communes)
		}
	}
	if out.Province == "" {
		return out, fmt.Errorf("no province %q in force on %s", opt.Province, treeDate)
	}
	if _, err := s.Plan(ctx, NationalPlan); err != nil {
		return out, fmt.Errorf("the ministry's data is missing (run bench ministry-generate first): %w", err)
	}
	ministry := store.IndicatorQuery{Plan: NationalPlan, Year: MinistryYear}
	province := store.IndicatorQuery{Plan: ProvincePlan(out.Province), Year: MinistryYear}
	dash := func(q store.IndicatorQuery) func() error {
		return func() error {
			d, err := s.Dashboard(ctx, q)
			if err == nil && q.Plan == NationalPlan && len(d.Children) != len(provinces) {
				err = fmt.Errorf("the ministry's dashboard has %d rows, want %d", len(d.Children), len(provinces))
			}
			return err
		}
	}
	// Computed every time: on SQLite the dashboard cache's generation is
	// moved before each run, as any write would move it.
	miss := func() error { return nil }
	if s.Engine() == store.SQLite {
		miss = func() error {
			_, err := s.DB().ExecContext(ctx, `INSERT INTO audit_log (at, actor, action, entity, entity_key) VALUES ($1, 'bench', 'bench', $2, '')`,
				time.Now().UTC().Format(time.RFC3339Nano), cacheMissEntity)
			return err
		}
		defer s.DB().ExecContext(context.WithoutCancel(ctx), `DELETE FROM audit_log WHERE entity = $1`, cacheMissEntity)
	}
	if err := miss(); err != nil {
		return out, err
	}
	if out.First, err = measure("ministry dashboard, first request (reads the tree)", 1, dash(ministry)); err != nil {
		return out, err
	}
	if out.Ministry, err = measureEach(fmt.Sprintf("ministry dashboard (country + %d provinces)", len(provinces)), opt.Runs, miss, dash(ministry)); err != nil {
		return out, err
	}
	if s.Engine() == store.SQLite {
		t, err := measure("ministry dashboard, served from the cache", opt.Runs, dash(ministry))
		if err != nil {
			return out, err
		}
		out.MinistryCached = &t
	}
	plain, err := newPlainMinistry(ctx, s, out.Province)
	if err != nil {
		return out, err
	}
	if out.PlainMinistry, err = measure("plain SQL over the rollups, ministry", opt.Runs, func() error { return plain.run(ctx, plain.ministryRollups()) }); err != nil {
		return out, err
	}
	if opt.PlainRuns > 0 {
		t, err := measure("plain SQL over the records, ministry", opt.PlainRuns, func() error { return plain.run(ctx, plain.ministryRecords()) })
		if err != nil {
			return out, err
		}
		out.PlainRecordsMinistry = &t
	}
	name := fmt.Sprintf("province dashboard, own plan (%s, %d communes)", out.Province, out.ProvinceCommunes)
	if out.ProvinceDash, err = measureEach(name, opt.Runs, miss, dash(province)); err != nil {
		return out, err
	}
	if out.PlainProvince, err = measure("plain SQL over the rollups, province", opt.Runs, func() error { return plain.run(ctx, plain.provinceRollups()) }); err != nil {
		return out, err
	}
	if opt.PlainRuns > 0 {
		t, err := measure("plain SQL over the records, province", opt.PlainRuns, func() error { return plain.run(ctx, plain.provinceRecords()) })
		if err != nil {
			return out, err
		}
		out.PlainRecordsProvince = &t
	}
	indicators := func(q store.IndicatorQuery) func() error {
		return func() error {
			_, err := s.Indicators(ctx, q)
			return err
		}
	}
	if out.MinistryIndicators, err = measure("targets only (API), country", opt.Runs, indicators(ministry)); err != nil {
		return out, err
	}
	if out.ProvinceIndicators, err = measure("targets only (API), province", opt.Runs, indicators(province)); err != nil {
		return out, err
	}
	if out.PlainProvinceTargets, err = measure("plain SQL over the rollups, province's targets", opt.Runs, func() error { return plain.run(ctx, plain.provinceTargets()) }); err != nil {
		return out, err
	}
	if out.PlainProvinceTally, err = measure("plain SQL over the tally rollup, province's activity tallies", opt.Runs, func() error { return plain.run(ctx, plain.provinceTally()) }); err != nil {
		return out, err
	}
	return out, nil
}

// plainMinistry holds what the plain SQL aggregates need: the plans'
// ids and the quantity kinds' ids. The helpers in internal/store
// (PlainAggregates, PlainRollupAggregates) sum one plan's rows under one
// path; the ministry's dashboard reads 35 plans' rows and gives a row per
// province, so these queries group: by plan for the ministry (each
// province's plan is its row; the country's figures are the sums of the
// rows), by unit for a province (its communes are its dashboard's rows).
type plainMinistry struct {
	db                 *sql.DB
	national, province int64
	all                string // the national plan and every plan serving it
	news, schools      int64
	to, from           string
	year               int
}

func newPlainMinistry(ctx context.Context, s *store.Store, province string) (*plainMinistry, error) {
	p := &plainMinistry{db: s.DB(), year: MinistryYear, from: fmt.Sprintf("%d-01-01", MinistryYear), to: fmt.Sprintf("%d-12-31", MinistryYear)}
	db := s.DB()
	if err := db.QueryRowContext(ctx, `SELECT id FROM plans WHERE code = $1`, NationalPlan).Scan(&p.national); err != nil {
		return nil, err
	}
	if err := db.QueryRowContext(ctx, `SELECT id FROM plans WHERE code = $1`, ProvincePlan(province)).Scan(&p.province); err != nil {
		return nil, err
	}
	ids := []string{strconv.FormatInt(p.national, 10)}
	rows, err := db.QueryContext(ctx, `SELECT id FROM plans WHERE parent_plan_id = $1 ORDER BY id`, p.national)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, strconv.FormatInt(id, 10))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	p.all = strings.Join(ids, ",")
	for code, id := range map[string]*int64{"news_items": &p.news, "schools": &p.schools} {
		if err := db.QueryRowContext(ctx, `SELECT id FROM quantity_kinds WHERE code = $1`, code).Scan(id); err != nil {
			return nil, fmt.Errorf("quantity kind %s: %w", code, err)
		}
	}
	return p, nil
}

type plainQuery struct {
	sql  string
	args []any
}

// rollups are the aggregates of the rollup tables for the plans in ids,
// grouped by group (plan_id or unit_id).
func (p *plainMinistry) rollups(ids, group string) []plainQuery {
	kinds := fmt.Sprintf("%d,%d", p.news, p.schools)
	var months []string
	for m := 1; m <= 12; m++ {
		months = append(months, fmt.Sprintf("max(m%02d)", m))
	}
	return []plainQuery{
		{`SELECT ` + group + `, count(*), sum(CASE WHEN first_deployed <= $1 THEN 1 ELSE 0 END) FROM fact_delivery
			WHERE plan_id IN (` + ids + `) AND first_received <= $1 GROUP BY ` + group, []any{p.to}},
		{`SELECT ` + group + `, sum(total), sum(women), sum(children) FROM fact_reach
			WHERE plan_id IN (` + ids + `) AND year <= $1 GROUP BY ` + group, []any{p.year}},
		{`SELECT ` + group + `, kind_id, task_id, sum(value) FROM fact_quantity
			WHERE plan_id IN (` + ids + `) AND kind_id IN (` + kinds + `) AND year <= $1 GROUP BY ` + group + `, kind_id, task_id`, []any{p.year}},
		{`SELECT ` + group + `, year, ` + strings.Join(months, ", ") + ` FROM fact_month
			WHERE plan_id IN (` + ids + `) AND kind_id = $1 AND year <= $2 GROUP BY ` + group + `, year`, []any{p.news, p.year}},
	}
}

// records are the same aggregates over the records: distinct communes
// deployed, people reached split by the units an activity lists,
// quantities and the months with news.
func (p *plainMinistry) records(ids, group string) []plainQuery {
	g := "a.plan_id"
	dg := "m.plan_id"
	if group == "unit_id" {
		g, dg = "au.unit_id", "du.unit_id"
	}
	kinds := fmt.Sprintf("%d,%d", p.news, p.schools)
	return []plainQuery{
		{`SELECT ` + dg + `, count(DISTINCT du.unit_id) FROM distribution_units du JOIN distributions d ON d.id = du.distribution_id
			JOIN materials m ON m.id = d.material_id
			WHERE m.plan_id IN (` + ids + `) AND d.deleted_at IS NULL AND du.deployed_on <= $1 GROUP BY ` + dg, []any{p.to}},
		{`SELECT ` + g + `, sum(1.0 * a.aud_total / a.n_units), sum(1.0 * a.aud_women / a.n_units), sum(1.0 * a.aud_children / a.n_units)
			FROM activities a JOIN activity_units au ON au.activity_id = a.id
			WHERE a.plan_id IN (` + ids + `) AND a.deleted_at IS NULL AND a.start_date <= $1 GROUP BY ` + g, []any{p.to}},
		{`SELECT ` + g + `, q.kind_id, sum(q.value) FROM activity_quantities q JOIN activities a ON a.id = q.activity_id
			JOIN activity_units au ON au.activity_id = a.id
			WHERE a.plan_id IN (` + ids + `) AND a.deleted_at IS NULL AND q.kind_id IN (` + kinds + `) AND a.start_date <= $1 GROUP BY ` + g + `, q.kind_id`, []any{p.to}},
		{`SELECT ` + g + `, count(DISTINCT substr(a.start_date, 1, 7)) FROM activity_quantities q JOIN activities a ON a.id = q.activity_id
			JOIN activity_units au ON au.activity_id = a.id
			WHERE a.plan_id IN (` + ids + `) AND a.deleted_at IS NULL AND q.kind_id = $1 AND q.value > 0 AND a.start_date <= $2 GROUP BY ` + g, []any{p.news, p.to}},
	}
}

// common are the aggregates read from the records by both: key areas and
// models per row; then the tallies given.
func (p *plainMinistry) common(ids, group string, tally []plainQuery) []plainQuery {
	return append([]plainQuery{
		{`SELECT ` + group + `, count(*) FROM key_areas WHERE plan_id IN (` + ids + `) AND year = $1 GROUP BY ` + group, []any{p.year}},
		{`SELECT ` + group + `, count(*) FROM prevention_models WHERE plan_id IN (` + ids + `) AND deleted_at IS NULL AND established_on <= $1 GROUP BY ` + group, []any{p.to}},
	}, tally...)
}

// tallyRollup is the year's activities of a plan by channel, agency, month
// and funding source, and by theme, from their rollup (migration 0010):
// what the dashboard of the plan's whole area reads for its activity
// figures.
func (p *plainMinistry) tallyRollup(own int64) []plainQuery {
	return []plainQuery{
		{`SELECT channel_id, agency_id, month, funding_source_id, n_activities, n_costed, cost FROM fact_activity
			WHERE plan_id = $1 AND year = $2`, []any{own, p.year}},
		{`SELECT theme_id, n_activities FROM fact_activity_theme WHERE plan_id = $1 AND year = $2`, []any{own, p.year}},
	}
}

// tally is tallyRollup's figures from the records.
func (p *plainMinistry) tally(own int64) []plainQuery {
	return []plainQuery{
		{`SELECT channel_id, agency_id, substr(start_date, 6, 2), funding_source_id, count(*), sum(cost) FROM activities
			WHERE plan_id = $1 AND deleted_at IS NULL AND start_date >= $2 AND start_date <= $3 GROUP BY channel_id, agency_id, substr(start_date, 6, 2), funding_source_id`, []any{own, p.from, p.to}},
		{`SELECT t.theme_id, count(*) FROM activity_themes t JOIN activities a ON a.id = t.activity_id
			WHERE a.plan_id = $1 AND a.deleted_at IS NULL AND a.start_date >= $2 AND a.start_date <= $3 GROUP BY t.theme_id`, []any{own, p.from, p.to}},
	}
}

func (p *plainMinistry) ministryRollups() []plainQuery {
	return append(p.rollups(p.all, "plan_id"), p.common(p.all, "plan_id", p.tallyRollup(p.national))...)
}

func (p *plainMinistry) provinceRollups() []plainQuery {
	id := strconv.FormatInt(p.province, 10)
	return append(p.rollups(id, "unit_id"), p.common(id, "unit_id", p.tallyRollup(p.province))...)
}

// provinceTargets is provinceRollups without the activity tallies.
func (p *plainMinistry) provinceTargets() []plainQuery {
	qs := p.provinceRollups()
	return qs[:len(qs)-2]
}

func (p *plainMinistry) provinceTally() []plainQuery { return p.tallyRollup(p.province) }

func (p *plainMinistry) ministryRecords() []plainQuery {
	return append(p.records(p.all, "plan_id"), p.common(p.all, "plan_id", p.tally(p.national))...)
}

func (p *plainMinistry) provinceRecords() []plainQuery {
	id := strconv.FormatInt(p.province, 10)
	return append(p.records(id, "unit_id"), p.common(id, "unit_id", p.tally(p.province))...)
}

// run runs the queries one after the other and reads every row.
func (p *plainMinistry) run(ctx context.Context, qs []plainQuery) error {
	for _, q := range qs {
		rows, err := p.db.QueryContext(ctx, q.sql, q.args...)
		if err != nil {
			return fmt.Errorf("%s: %w", q.sql, err)
		}
		cols, err := rows.Columns()
		if err != nil {
			rows.Close()
			return err
		}
		dest := make([]any, len(cols))
		for i := range dest {
			dest[i] = new(any)
		}
		for rows.Next() {
			if err := rows.Scan(dest...); err != nil {
				rows.Close()
				return err
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}
