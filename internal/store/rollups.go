package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Rollups (migration 0004, docs/decisions/0005): what the indicators need,
// and the dashboard's activity tallies (migration 0010), kept in the same
// transaction as every write so that computing them reads
// tens of thousands of rows, not millions. An activity's contribution is
// computed in Go and netted against what it replaces (facts.go); a
// commune's first receipt and deployment are recomputed for the communes a
// distribution touches.

// activityRollup describes one rollup table fed by activities: its key
// and value columns and how they are computed from the records, which
// RollupDrift recomputes. factDelta.add (facts.go) is the same
// computation for one activity; the two are checked against each other by
// TestRollupsEqualRecomputation.
type activityRollup struct {
	table    string
	keyCols  string // the table's key columns
	keyExprs string // their values, from the records
	valCols  []string
	valExprs []string // aggregates, before the sign is applied
	from     string
	where    string // always applied, besides the caller's condition
}

var activityRollups = []activityRollup{
	{table: "fact_reach", keyCols: "plan_id, unit_id, year", keyExprs: rollupKeys,
		valCols: []string{"total", "women", "children"},
		valExprs: []string{
			"sum(coalesce(1.0 * a.aud_total, 0) / CASE WHEN a.n_units > 0 THEN a.n_units ELSE 1 END)",
			"sum(coalesce(1.0 * a.aud_women, 0) / CASE WHEN a.n_units > 0 THEN a.n_units ELSE 1 END)",
			"sum(coalesce(1.0 * a.aud_children, 0) / CASE WHEN a.n_units > 0 THEN a.n_units ELSE 1 END)"},
		from: "activities a LEFT JOIN activity_units au ON au.activity_id = a.id", where: "1 = 1"},
	{table: "fact_quantity", keyCols: "plan_id, unit_id, year, kind_id, task_id", keyExprs: rollupKeys + ", q.kind_id, coalesce(a.task_id, 0)",
		valCols:  []string{"value"},
		valExprs: []string{"sum(q.value / CASE WHEN a.n_units > 0 THEN a.n_units ELSE 1 END)"},
		from:     "activities a JOIN activity_quantities q ON q.activity_id = a.id LEFT JOIN activity_units au ON au.activity_id = a.id", where: "1 = 1"},
	// Activities per month (m01 … m12) that counted a kind, for frequency
	// targets: one row per unit and year keeps the table small.
	{table: "fact_month", keyCols: "plan_id, unit_id, year, kind_id", keyExprs: rollupKeys + ", q.kind_id",
		valCols: monthCols(), valExprs: monthSums(),
		from:  "activities a JOIN activity_quantities q ON q.activity_id = a.id LEFT JOIN activity_units au ON au.activity_id = a.id",
		where: "q.value > 0"},
	// The dashboard's activity figures of a whole plan (migration 0010,
	// dashboard.go): activities per year, month, channel, agency and
	// funding source (0: none), how many had a cost and what they cost;
	// and per theme. An activity counts once, whatever its places.
	{table: "fact_activity", keyCols: "plan_id, year, month, channel_id, agency_id, funding_source_id",
		keyExprs: "a.plan_id, " + yearExpr + ", CAST(substr(a.start_date, 6, 2) AS INTEGER), a.channel_id, a.agency_id, coalesce(a.funding_source_id, 0)",
		valCols:  []string{"n_activities", "n_costed", "cost"},
		valExprs: []string{"count(*)", "sum(CASE WHEN a.cost > 0 THEN 1 ELSE 0 END)", "sum(a.cost)"},
		from:     "activities a", where: "1 = 1"},
	{table: "fact_activity_theme", keyCols: "plan_id, year, theme_id", keyExprs: "a.plan_id, " + yearExpr + ", t.theme_id",
		valCols: []string{"n_activities"}, valExprs: []string{"count(*)"},
		from: "activities a JOIN activity_themes t ON t.activity_id = a.id", where: "1 = 1"},
	// The people of the plans' own population groups (migration 0017).
	{table: "fact_audience", keyCols: "plan_id, unit_id, year, grp", keyExprs: rollupKeys + ", g.grp",
		valCols:  []string{"value"},
		valExprs: []string{"sum(1.0 * g.value / CASE WHEN a.n_units > 0 THEN a.n_units ELSE 1 END)"},
		from:     "activities a JOIN activity_audience g ON g.activity_id = a.id LEFT JOIN activity_units au ON au.activity_id = a.id", where: "1 = 1"},
	// Quantities by kind, day, unit, agency, channel and task (migration
	// 0018), for filtered counts and frequencies.
	{table: "fact_event", keyCols: "plan_id, kind_id, day, unit_id, agency_id, channel_id, task_id",
		keyExprs: "a.plan_id, q.kind_id, a.start_date, coalesce(au.unit_id, 0), a.agency_id, a.channel_id, coalesce(a.task_id, 0)",
		valCols:  []string{"value"},
		valExprs: []string{"sum(q.value / CASE WHEN a.n_units > 0 THEN a.n_units ELSE 1 END)"},
		from:     "activities a JOIN activity_quantities q ON q.activity_id = a.id LEFT JOIN activity_units au ON au.activity_id = a.id", where: "q.value > 0"},
}

// rollupKeys are the plan, the unit version (0 for the whole province)
// and the year of an activity.
const rollupKeys = "a.plan_id, coalesce(au.unit_id, 0), " + yearExpr

// yearExpr is the year an activity started.
const yearExpr = "CAST(substr(a.start_date, 1, 4) AS INTEGER)"

func monthCols() []string {
	var cols []string
	for m := 1; m <= 12; m++ {
		cols = append(cols, fmt.Sprintf("m%02d", m))
	}
	return cols
}

func monthSums() []string {
	var sums []string
	for m := 1; m <= 12; m++ {
		sums = append(sums, fmt.Sprintf("sum(CASE WHEN substr(a.start_date, 6, 2) = '%02d' THEN 1 ELSE 0 END)", m))
	}
	return sums
}

// monthColumns lists fact_month's month columns.
var monthColumns = strings.Join(monthCols(), ", ")

// selectSQL groups the contribution of the activities matching cond.
func (r activityRollup) selectSQL(cond string) string {
	return "SELECT " + r.keyExprs + ", " + strings.Join(r.valExprs, ", ") + "\n\tFROM " + r.from +
		"\n\tWHERE " + r.where + " AND " + cond + "\n\tGROUP BY " + r.keyExprs
}

// deliverySQL computes, for the deliveries matching cond, each commune's
// first receipt and deployment of a material that counts, within the plan
// (from 1 January of its first year).
const deliverySQL = `SELECT m.plan_id, du.unit_id, min(du.received_on), min(du.deployed_on)
	FROM distribution_units du JOIN distributions d ON d.id = du.distribution_id JOIN materials m ON m.id = d.material_id
	JOIN plans p ON p.id = m.plan_id
	WHERE d.deleted_at IS NULL AND m.deleted_at IS NULL AND m.type <> 'other'
	AND du.received_on IS NOT NULL AND du.received_on >= CAST(p.period_from AS TEXT) || '-01-01' AND %s
	GROUP BY m.plan_id, du.unit_id`

// refreshDeliveryFacts recomputes the first receipt and deployment of the
// communes that unitCond (a subquery of unit ids, its arguments from $2)
// selects, for the plan $1.
//
// Two transactions recomputing the same commune would each delete the
// row and insert what they can see, which is not the other's change; so
// on PostgreSQL they take turns per plan (SQLite has one writer anyway).
func (s *Store) refreshDeliveryFacts(ctx context.Context, tx *sql.Tx, planID int64, unitCond string, args ...any) error {
	if s.engine == Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, planID); err != nil {
			return fmt.Errorf("delivery rollup: %w", err)
		}
	}
	all := append([]any{planID}, args...)
	if _, err := tx.ExecContext(ctx, `DELETE FROM fact_delivery WHERE plan_id = $1 AND unit_id IN (`+unitCond+`)`, all...); err != nil {
		return fmt.Errorf("delivery rollup: %w", err)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO fact_delivery (plan_id, unit_id, first_received, first_deployed) `+
		fmt.Sprintf(deliverySQL, `m.plan_id = $1 AND du.unit_id IN (`+unitCond+`)`), all...)
	if err != nil {
		return fmt.Errorf("delivery rollup: %w", err)
	}
	return nil
}

// distributionFacts recomputes the communes of one distribution.
func (s *Store) distributionFacts(ctx context.Context, tx *sql.Tx, distributionID int64) error {
	var planID int64
	if err := tx.QueryRowContext(ctx, `SELECT m.plan_id FROM distributions d JOIN materials m ON m.id = d.material_id WHERE d.id = $1`, distributionID).Scan(&planID); err != nil {
		return err
	}
	return s.refreshDeliveryFacts(ctx, tx, planID, `SELECT unit_id FROM distribution_units WHERE distribution_id = $2`, distributionID)
}

// materialFacts recomputes, for each of the plans, the communes of every
// distribution of a material (a material moved to another plan changes
// both).
func (s *Store) materialFacts(ctx context.Context, tx *sql.Tx, materialID int64, plans ...int64) error {
	for _, p := range plans {
		err := s.refreshDeliveryFacts(ctx, tx, p, `SELECT du.unit_id FROM distribution_units du JOIN distributions d ON d.id = du.distribution_id
			WHERE d.material_id = $2`, materialID)
		if err != nil {
			return err
		}
	}
	return nil
}

// importDeliveryFacts merges an import of distributions into the first
// receipts and deployments: an import only adds deliveries, so each
// commune's first dates become the earlier of the stored ones and the
// import's, without reading the commune's older deliveries again.
func importDeliveryFacts(ctx context.Context, tx *sql.Tx, importID int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO fact_delivery (plan_id, unit_id, first_received, first_deployed) `+fmt.Sprintf(deliverySQL, `d.import_id = $1`)+`
		ORDER BY 1, 2
		ON CONFLICT (plan_id, unit_id) DO UPDATE SET
			first_received = CASE WHEN excluded.first_received < fact_delivery.first_received THEN excluded.first_received ELSE fact_delivery.first_received END,
			first_deployed = CASE WHEN fact_delivery.first_deployed IS NULL OR excluded.first_deployed < fact_delivery.first_deployed
				THEN excluded.first_deployed ELSE fact_delivery.first_deployed END`, importID)
	if err != nil {
		return fmt.Errorf("delivery rollup: %w", err)
	}
	return nil
}

// RollupDrift compares the rollups with a full recomputation from the
// records and describes every difference; empty means they agree.
func (s *Store) RollupDrift(ctx context.Context) ([]string, error) {
	var drift []string
	type check struct {
		name          string
		keys          int
		rollup, fresh string
	}
	var checks []check
	for _, r := range activityRollups {
		checks = append(checks, check{r.table, strings.Count(r.keyCols, ",") + 1,
			"SELECT " + r.keyCols + ", " + strings.Join(r.valCols, ", ") + " FROM " + r.table,
			r.selectSQL("a.deleted_at IS NULL")})
	}
	checks = append(checks, check{"fact_delivery", 2, `SELECT plan_id, unit_id, first_received, first_deployed FROM fact_delivery`,
		fmt.Sprintf(deliverySQL, "1 = 1")})
	for _, c := range checks {
		a, err := s.rowsAsKeys(ctx, c.rollup, c.keys)
		if err != nil {
			return nil, err
		}
		b, err := s.rowsAsKeys(ctx, c.fresh, c.keys)
		if err != nil {
			return nil, err
		}
		for k, v := range a {
			if w, ok := b[k]; !ok && !allZero(v) || ok && !closeEnough(v, w) {
				drift = append(drift, fmt.Sprintf("%s %s: rollup %v, records %v", c.name, k, v, b[k]))
			}
		}
		for k, w := range b {
			if _, ok := a[k]; !ok && !allZero(w) {
				drift = append(drift, fmt.Sprintf("%s %s: missing from the rollup (records %v)", c.name, k, w))
			}
		}
	}
	return drift, nil
}

// rowsAsKeys reads rows whose first keys columns are a key and the rest
// are values.
func (s *Store) rowsAsKeys(ctx context.Context, q string, keys int) (map[string][]string, error) {
	rows, err := s.db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		var key []string
		var v []string
		for i, x := range vals {
			s := fmt.Sprint(x)
			if b, ok := x.([]byte); ok {
				s = string(b)
			}
			if i < keys {
				key = append(key, s)
			} else {
				v = append(v, s)
			}
		}
		out[strings.Join(key, "|")] = v
	}
	return out, rows.Err()
}

func allZero(v []string) bool {
	for _, x := range v {
		var f float64
		if _, err := fmt.Sscan(x, &f); err != nil || f > 1e-6 || f < -1e-6 {
			return false
		}
	}
	return true
}

func closeEnough(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] == b[i] {
			continue
		}
		var x, y float64
		if _, err := fmt.Sscan(a[i], &x); err != nil {
			return false
		}
		if _, err := fmt.Sscan(b[i], &y); err != nil {
			return false
		}
		if d := x - y; d > 1e-6*max(1, y) || d < -1e-6*max(1, y) {
			return false
		}
	}
	return true
}
