package store

import (
	"context"
	"database/sql"

	"outreach/internal/outreach"
)

// A tree is the unit tree as it stood on a date, with the crosswalk that
// carries figures recorded against any version of a unit onto the
// versions in force on that date.
//
// Forward (a version that ended before the date): a full link carries the
// whole figure to the successor, a partial one its share (from the
// resolution's people counts; equal parts when unknown). Backward (a
// version that began after the date): the figure goes to its predecessors
// in proportion to their 2019 census population times the share each
// gave. A unit abolished without a successor (the district level in 2025)
// passes its figures up to its nearest ancestor in force, when asked to
// (activities recorded for a whole district); population figures are not
// passed up, so nothing is counted twice. The weights of a version always
// sum to one (or to zero when nothing in force inherits it), so totals
// are the same whichever tree is used.
type tree struct {
	asOf     string
	units    map[int64]outreach.Unit // every version
	byCode   map[string][]int64
	current  map[int64]bool // versions in force on asOf
	succ     map[int64][]link
	pred     map[int64][]link
	pop      map[int64]float64 // 2019 total population by version
	memo     map[memoKey][]weight
	visiting map[int64]bool
}

type link struct {
	other   int64
	date    string
	portion string
	share   float64 // 0 when not given
}

type weight struct {
	id int64
	w  float64
}

type memoKey struct {
	id       int64
	fallback bool
}

// loadTree reads every unit version and change and prepares the
// crosswalk to the versions in force on asOf.
func (s *Store) loadTree(ctx context.Context, asOf string) (*tree, error) {
	t := &tree{asOf: asOf, units: map[int64]outreach.Unit{}, byCode: map[string][]int64{}, current: map[int64]bool{},
		succ: map[int64][]link{}, pred: map[int64][]link{}, pop: map[int64]float64{}, memo: map[memoKey][]weight{}, visiting: map[int64]bool{}}
	us, err := queryUnits(ctx, s.db, `SELECT `+unitColumns+` FROM units`)
	if err != nil {
		return nil, err
	}
	for _, u := range us {
		t.units[u.ID] = u
		t.byCode[u.Code] = append(t.byCode[u.Code], u.ID)
		if u.ValidAt(asOf) {
			t.current[u.ID] = true
		}
	}
	err = each(ctx, s.db, `SELECT old_unit_id, new_unit_id, date, portion, coalesce(share, 0) FROM unit_changes WHERE new_unit_id IS NOT NULL`, nil, func(r *sql.Rows) error {
		var o, n int64
		var l link
		if err := r.Scan(&o, &n, &l.date, &l.portion, &l.share); err != nil {
			return err
		}
		fw, bw := l, l
		fw.other, bw.other = n, o
		t.succ[o] = append(t.succ[o], fw)
		t.pred[n] = append(t.pred[n], bw)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = each(ctx, s.db, `SELECT unit_id, value FROM unit_populations WHERE grp = 'total'`, nil, func(r *sql.Rows) error {
		var id int64
		var v float64
		err := r.Scan(&id, &v)
		t.pop[id] = v
		return err
	})
	return t, err
}

// version returns the version of code in force on asOf.
func (t *tree) version(code string) (outreach.Unit, bool) {
	for _, id := range t.byCode[code] {
		if t.current[id] {
			return t.units[id], true
		}
	}
	return outreach.Unit{}, false
}

// weights maps a version onto the versions in force on asOf.
func (t *tree) weights(id int64, fallback bool) []weight {
	if t.current[id] {
		return []weight{{id, 1}}
	}
	key := memoKey{id, fallback}
	if w, ok := t.memo[key]; ok {
		return w
	}
	if t.visiting[id] {
		return nil // a cycle in the records; nothing inherits
	}
	t.visiting[id] = true
	defer delete(t.visiting, id)
	u := t.units[id]
	acc := map[int64]float64{}
	add := func(ws []weight, f float64) {
		for _, w := range ws {
			acc[w.id] += w.w * f
		}
	}
	switch {
	case u.ValidTo != "" && u.ValidTo <= t.asOf:
		links := t.succ[id]
		partial := 0
		for _, l := range links {
			if l.portion == outreach.PortionPartial {
				partial++
			}
		}
		full := len(links) - partial
		for _, l := range links {
			f := 1.0
			switch {
			case l.portion == outreach.PortionPartial && l.share > 0:
				f = l.share
			case l.portion == outreach.PortionPartial:
				f = 1 / float64(partial)
			case full > 1:
				f = 1 / float64(full)
			}
			add(t.weights(l.other, fallback), f)
		}
		if len(links) == 0 && fallback {
			add(t.ancestor(u), 1)
		}
	case u.ValidFrom != "" && u.ValidFrom > t.asOf:
		links := t.pred[id]
		total := 0.0
		parts := make([]float64, len(links))
		for i, l := range links {
			share := 1.0
			if l.portion == outreach.PortionPartial {
				share = l.share
				if share == 0 {
					share = 0.5
				}
			}
			p := t.pop[l.other]
			if p == 0 {
				p = 1
			}
			parts[i] = p * share
			total += parts[i]
		}
		for i, l := range links {
			add(t.weights(l.other, fallback), parts[i]/total)
		}
		if len(links) == 0 && fallback {
			add(t.ancestor(u), 1)
		}
	}
	out := make([]weight, 0, len(acc))
	for k, v := range acc {
		out = append(out, weight{k, v})
	}
	t.memo[key] = out
	return out
}

// ancestor maps a unit with no successor onto its parent, as the parent
// stood when the unit ended (or began), and so on up.
func (t *tree) ancestor(u outreach.Unit) []weight {
	if u.ParentCode == "" {
		return nil
	}
	probe := u.ValidFrom
	if u.ValidTo != "" {
		probe = outreach.DayBefore(u.ValidTo)
	}
	for _, pid := range t.byCode[u.ParentCode] {
		if t.units[pid].ValidAt(probe) || probe == "" {
			return t.weights(pid, true)
		}
	}
	return nil
}

// inScope reports whether a version in force lies in the subtree of root.
func (t *tree) inScope(id int64, root outreach.Unit) bool {
	u := t.units[id]
	return u.Path == root.Path || len(u.Path) > len(root.Path) && u.Path[:len(root.Path)+1] == root.Path+"/"
}
