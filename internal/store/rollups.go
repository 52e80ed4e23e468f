package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Rollups (migration 0004, docs/decisions/0005): what the indicators need,
// kept in the same transaction as every write so that computing them reads
// tens of thousands of rows, not millions. An activity's contribution is
// subtracted before it changes or is deleted and added after it is
// created, changed or restored; a commune's first receipt and deployment
// are recomputed for the communes a distribution touches.

// reachSQL and quantitySQL add sign × the contribution of the activities
// matching the condition. Rows are upserted in key order, so concurrent
// writers on PostgreSQL lock shared rollup rows in the same order and
// wait for each other instead of deadlocking.
const reachSQL = `INSERT INTO fact_reach (plan_id, unit_id, year, total, women, children)
	SELECT a.plan_id, coalesce(au.unit_id, 0), CAST(substr(a.start_date, 1, 4) AS INTEGER),
		CAST($1 AS DOUBLE PRECISION) * sum(coalesce(1.0 * a.aud_total, 0) / CASE WHEN a.n_units > 0 THEN a.n_units ELSE 1 END),
		CAST($1 AS DOUBLE PRECISION) * sum(coalesce(1.0 * a.aud_women, 0) / CASE WHEN a.n_units > 0 THEN a.n_units ELSE 1 END),
		CAST($1 AS DOUBLE PRECISION) * sum(coalesce(1.0 * a.aud_children, 0) / CASE WHEN a.n_units > 0 THEN a.n_units ELSE 1 END)
	FROM activities a LEFT JOIN activity_units au ON au.activity_id = a.id
	WHERE %s
	GROUP BY a.plan_id, coalesce(au.unit_id, 0), CAST(substr(a.start_date, 1, 4) AS INTEGER)
	ORDER BY 1, 2, 3
	ON CONFLICT (plan_id, unit_id, year) DO UPDATE SET total = fact_reach.total + excluded.total,
		women = fact_reach.women + excluded.women, children = fact_reach.children + excluded.children`

const quantitySQL = `INSERT INTO fact_quantity (plan_id, unit_id, year, kind_id, task_id, value)
	SELECT a.plan_id, coalesce(au.unit_id, 0), CAST(substr(a.start_date, 1, 4) AS INTEGER), q.kind_id, coalesce(a.task_id, 0),
		CAST($1 AS DOUBLE PRECISION) * sum(q.value / CASE WHEN a.n_units > 0 THEN a.n_units ELSE 1 END)
	FROM activities a JOIN activity_quantities q ON q.activity_id = a.id LEFT JOIN activity_units au ON au.activity_id = a.id
	WHERE %s
	GROUP BY a.plan_id, coalesce(au.unit_id, 0), CAST(substr(a.start_date, 1, 4) AS INTEGER), q.kind_id, coalesce(a.task_id, 0)
	ORDER BY 1, 2, 3, 4, 5
	ON CONFLICT (plan_id, unit_id, year, kind_id, task_id) DO UPDATE SET value = fact_quantity.value + excluded.value`

// monthSQL counts, per unit version, year and kind, the activities of
// each month (columns m01 … m12).
var monthSQL = func() string {
	var cols, sums, sets []string
	for m := 1; m <= 12; m++ {
		c := fmt.Sprintf("m%02d", m)
		cols = append(cols, c)
		sums = append(sums, fmt.Sprintf("CAST($1 AS BIGINT) * sum(CASE WHEN substr(a.start_date, 6, 2) = '%02d' THEN 1 ELSE 0 END)", m))
		sets = append(sets, fmt.Sprintf("%s = fact_month.%s + excluded.%s", c, c, c))
	}
	return `INSERT INTO fact_month (plan_id, unit_id, year, kind_id, ` + strings.Join(cols, ", ") + `)
	SELECT a.plan_id, coalesce(au.unit_id, 0), CAST(substr(a.start_date, 1, 4) AS INTEGER), q.kind_id, ` + strings.Join(sums, ", ") + `
	FROM activities a JOIN activity_quantities q ON q.activity_id = a.id LEFT JOIN activity_units au ON au.activity_id = a.id
	WHERE q.value > 0 AND %s
	GROUP BY a.plan_id, coalesce(au.unit_id, 0), CAST(substr(a.start_date, 1, 4) AS INTEGER), q.kind_id
	ORDER BY 1, 2, 3, 4
	ON CONFLICT (plan_id, unit_id, year, kind_id) DO UPDATE SET ` + strings.Join(sets, ", ")
}()

// monthSums counts the activities of each month, in monthColumns' order.
var monthSums = func() string {
	var sums []string
	for m := 1; m <= 12; m++ {
		sums = append(sums, fmt.Sprintf("sum(CASE WHEN substr(a.start_date, 6, 2) = '%02d' THEN 1 ELSE 0 END)", m))
	}
	return strings.Join(sums, ", ")
}()

// monthColumns lists fact_month's month columns.
const monthColumns = "m01, m02, m03, m04, m05, m06, m07, m08, m09, m10, m11, m12"

// activitySQL lists the statements that add an activity's contribution.
var activitySQL = []string{reachSQL, quantitySQL, monthSQL}

// addActivityFacts adds (sign 1) or subtracts (sign -1) the contribution
// of the activities matching cond, whose arguments start at $2.
func addActivityFacts(ctx context.Context, tx *sql.Tx, cond string, sign int, args ...any) error {
	all := append([]any{sign}, args...)
	for _, q := range activitySQL {
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(q, cond), all...); err != nil {
			return fmt.Errorf("rollup: %w", err)
		}
	}
	return nil
}

// activityFacts adds or subtracts one activity's contribution.
func activityFacts(ctx context.Context, tx *sql.Tx, id int64, sign int) error {
	return addActivityFacts(ctx, tx, "a.id = $2", sign, id)
}

// refreshDeliveryFacts recomputes the first receipt and deployment of the
// communes that unitCond (a subquery of unit ids, its arguments from $2)
// selects, for the plan $1.
func refreshDeliveryFacts(ctx context.Context, tx *sql.Tx, planID int64, unitCond string, args ...any) error {
	all := append([]any{planID}, args...)
	if _, err := tx.ExecContext(ctx, `DELETE FROM fact_delivery WHERE plan_id = $1 AND unit_id IN (`+unitCond+`)`, all...); err != nil {
		return fmt.Errorf("delivery rollup: %w", err)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO fact_delivery (plan_id, unit_id, first_received, first_deployed)
		SELECT m.plan_id, du.unit_id, min(du.received_on), min(du.deployed_on)
		FROM distribution_units du JOIN distributions d ON d.id = du.distribution_id JOIN materials m ON m.id = d.material_id
		JOIN plans p ON p.id = m.plan_id
		WHERE m.plan_id = $1 AND du.unit_id IN (`+unitCond+`) AND d.deleted_at IS NULL AND m.deleted_at IS NULL AND m.type <> 'other'
		AND du.received_on IS NOT NULL AND du.received_on >= CAST(p.period_from AS TEXT) || '-01-01'
		GROUP BY m.plan_id, du.unit_id`, all...)
	if err != nil {
		return fmt.Errorf("delivery rollup: %w", err)
	}
	return nil
}

// distributionFacts recomputes the communes of one distribution.
func distributionFacts(ctx context.Context, tx *sql.Tx, distributionID int64) error {
	var planID int64
	if err := tx.QueryRowContext(ctx, `SELECT m.plan_id FROM distributions d JOIN materials m ON m.id = d.material_id WHERE d.id = $1`, distributionID).Scan(&planID); err != nil {
		return err
	}
	return refreshDeliveryFacts(ctx, tx, planID, `SELECT unit_id FROM distribution_units WHERE distribution_id = $2`, distributionID)
}

// materialFacts recomputes, for each of the plans, the communes of every
// distribution of a material (a material moved to another plan changes
// both).
func materialFacts(ctx context.Context, tx *sql.Tx, materialID int64, plans ...int64) error {
	return refreshDeliveryFactsIn(ctx, tx, plans, `SELECT du.unit_id FROM distribution_units du JOIN distributions d ON d.id = du.distribution_id
		WHERE d.material_id = $2`, materialID)
}

// refreshDeliveryFactsIn runs refreshDeliveryFacts for each plan.
func refreshDeliveryFactsIn(ctx context.Context, tx *sql.Tx, plans []int64, unitCond string, arg any) error {
	for _, p := range plans {
		if err := refreshDeliveryFacts(ctx, tx, p, unitCond, arg); err != nil {
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
	_, err := tx.ExecContext(ctx, `INSERT INTO fact_delivery (plan_id, unit_id, first_received, first_deployed)
		SELECT m.plan_id, du.unit_id, min(du.received_on), min(du.deployed_on)
		FROM distribution_units du JOIN distributions d ON d.id = du.distribution_id JOIN materials m ON m.id = d.material_id
		JOIN plans p ON p.id = m.plan_id
		WHERE d.import_id = $1 AND d.deleted_at IS NULL AND m.deleted_at IS NULL AND m.type <> 'other'
		AND du.received_on IS NOT NULL AND du.received_on >= CAST(p.period_from AS TEXT) || '-01-01'
		GROUP BY m.plan_id, du.unit_id
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
	checks := []struct {
		name          string
		keys          int
		rollup, fresh string
	}{
		{"reach", 3, `SELECT plan_id, unit_id, year, total, women, children FROM fact_reach`,
			`SELECT a.plan_id, coalesce(au.unit_id, 0), CAST(substr(a.start_date, 1, 4) AS INTEGER),
				sum(coalesce(1.0 * a.aud_total, 0) / CASE WHEN a.n_units > 0 THEN a.n_units ELSE 1 END),
				sum(coalesce(1.0 * a.aud_women, 0) / CASE WHEN a.n_units > 0 THEN a.n_units ELSE 1 END),
				sum(coalesce(1.0 * a.aud_children, 0) / CASE WHEN a.n_units > 0 THEN a.n_units ELSE 1 END)
			FROM activities a LEFT JOIN activity_units au ON au.activity_id = a.id WHERE a.deleted_at IS NULL
			GROUP BY a.plan_id, coalesce(au.unit_id, 0), CAST(substr(a.start_date, 1, 4) AS INTEGER)`},
		{"quantity", 5, `SELECT plan_id, unit_id, year, kind_id, task_id, value FROM fact_quantity`,
			`SELECT a.plan_id, coalesce(au.unit_id, 0), CAST(substr(a.start_date, 1, 4) AS INTEGER), q.kind_id, coalesce(a.task_id, 0),
				sum(q.value / CASE WHEN a.n_units > 0 THEN a.n_units ELSE 1 END)
			FROM activities a JOIN activity_quantities q ON q.activity_id = a.id LEFT JOIN activity_units au ON au.activity_id = a.id
			WHERE a.deleted_at IS NULL
			GROUP BY a.plan_id, coalesce(au.unit_id, 0), CAST(substr(a.start_date, 1, 4) AS INTEGER), q.kind_id, coalesce(a.task_id, 0)`},
		{"month", 4, `SELECT plan_id, unit_id, year, kind_id, ` + monthColumns + ` FROM fact_month`,
			`SELECT a.plan_id, coalesce(au.unit_id, 0), CAST(substr(a.start_date, 1, 4) AS INTEGER), q.kind_id, ` + monthSums + `
			FROM activities a JOIN activity_quantities q ON q.activity_id = a.id LEFT JOIN activity_units au ON au.activity_id = a.id
			WHERE a.deleted_at IS NULL AND q.value > 0
			GROUP BY a.plan_id, coalesce(au.unit_id, 0), CAST(substr(a.start_date, 1, 4) AS INTEGER), q.kind_id`},
		{"delivery", 2, `SELECT plan_id, unit_id, first_received, coalesce(first_deployed, '') FROM fact_delivery`,
			`SELECT m.plan_id, du.unit_id, min(du.received_on), coalesce(min(du.deployed_on), '')
			FROM distribution_units du JOIN distributions d ON d.id = du.distribution_id JOIN materials m ON m.id = d.material_id
			JOIN plans p ON p.id = m.plan_id
			WHERE d.deleted_at IS NULL AND m.deleted_at IS NULL AND m.type <> 'other' AND du.received_on IS NOT NULL
			AND du.received_on >= CAST(p.period_from AS TEXT) || '-01-01'
			GROUP BY m.plan_id, du.unit_id`},
	}
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
