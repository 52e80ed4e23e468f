package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"outreach/internal/outreach"
)

// Coverage that cannot lie: an activity's people reached are people-times
// (one person reached twice counts twice), so a total above the
// population of its places is possible, but far more often a typo or a
// figure for the whole district typed against one commune. The form warns
// (it does not refuse) and the dashboard lists such activities for
// someone to check.
//
// The population of a place is its total in the 2019 census (or a later
// figure imported), carried onto the unit as it stood on the activity's
// start date by the crosswalk (indicators.Tree): a commune formed in 2020
// has the population of the parts it was formed from. The whole area is
// the plan's scope, or after a merger the scope's part of what it became.

// OverReachEntry is an activity whose people reached exceed the
// population of its places.
type OverReachEntry struct {
	ID         int64  `json:"id"`
	Title      string `json:"title"`
	Agency     string `json:"agency"`
	AgencyName string `json:"agency_name"`
	StartDate  string `json:"start_date"`
	// People is the activity's total audience (people-times), Population
	// the census population of its places.
	People     float64 `json:"people"`
	Population float64 `json:"population"`
}

// OverReach compares an activity's total audience with the population of
// its places (the listed units' as of its start date, or the plan's whole
// area): over is true when the total is known, the population is known
// (not zero) and the total exceeds it. The activity need not be saved;
// units that do not resolve are left out (saving it refuses them).
func (s *Store) OverReach(ctx context.Context, a outreach.Activity) (people, population float64, over bool, err error) {
	defer wrap(&err, "OverReach")
	if a.Audience.Total == nil || *a.Audience.Total <= 0 || !outreach.ValidDate(a.StartDate) {
		return 0, 0, false, nil
	}
	people = float64(*a.Audience.Total)
	end := a.EndDate
	if !outreach.ValidDate(end) || end < a.StartDate {
		end = a.StartDate
	}
	ref, err := resolvePlan(ctx, s.reads(), a.Plan)
	if err != nil {
		return people, 0, false, err
	}
	var units []outreach.Unit
	if !a.WholeProvince {
		for _, code := range a.Units {
			u, err := unitAt(ctx, s.reads(), code, a.StartDate, end)
			if errors.Is(err, outreach.ErrNotFound) {
				continue
			}
			if err != nil {
				return people, 0, false, err
			}
			units = append(units, u)
		}
		if len(units) == 0 {
			return people, 0, false, nil
		}
	}
	p, err := s.newPopulations(ctx)
	if err != nil {
		return people, 0, false, err
	}
	population, err = p.of(ctx, ref, a.StartDate, a.WholeProvince, units)
	return people, population, population > 0 && people > population, err
}

// OverReached lists the plan's activities that started in the year (not
// in the bin) whose total audience exceeds the population of their
// places, in date order: the dashboard's "needs attention". It reads no
// actor: its caller shows it to those who may see the plan's dashboard.
func (s *Store) OverReached(ctx context.Context, plan string, year int) (_ []OverReachEntry, err error) {
	defer wrap(&err, "OverReached(%s, %d)", plan, year)
	ref, err := resolvePlan(ctx, s.reads(), plan)
	if err != nil {
		return nil, err
	}
	type candidate struct {
		OverReachEntry
		end   string
		whole bool
		units []outreach.Unit
	}
	var cs []*candidate
	byID := map[int64]*candidate{}
	from, to := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)
	const where = ` WHERE a.plan_id = $1 AND a.deleted_at IS NULL AND a.aud_total > 0 AND a.start_date >= $2 AND a.start_date <= $3`
	err = each(ctx, s.reads(), `SELECT a.id, a.title, ag.code, ag.name, a.start_date, a.end_date, a.whole_province, a.aud_total
		FROM activities a JOIN agencies ag ON ag.id = a.agency_id`+where+` ORDER BY a.start_date, a.id`, []any{ref.id, from, to}, func(r *sql.Rows) error {
		c := &candidate{}
		var total int64
		if err := r.Scan(&c.ID, &c.Title, &c.Agency, &c.AgencyName, &c.StartDate, &c.end, &c.whole, &total); err != nil {
			return err
		}
		c.People = float64(total)
		cs = append(cs, c)
		byID[c.ID] = c
		return nil
	})
	if err != nil || len(cs) == 0 {
		return []OverReachEntry{}, err
	}
	err = each(ctx, s.reads(), `SELECT a.id, u.id, u.code, u.path, coalesce(u.valid_from, ''), coalesce(u.valid_to, '')
		FROM activities a JOIN activity_units au ON au.activity_id = a.id JOIN units u ON u.id = au.unit_id`+where, []any{ref.id, from, to}, func(r *sql.Rows) error {
		var id int64
		var u outreach.Unit
		if err := r.Scan(&id, &u.ID, &u.Code, &u.Path, &u.ValidFrom, &u.ValidTo); err != nil {
			return err
		}
		if c := byID[id]; c != nil {
			c.units = append(c.units, u)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	p, err := s.newPopulations(ctx)
	if err != nil {
		return nil, err
	}
	out := []OverReachEntry{}
	for _, c := range cs {
		if !c.whole && len(c.units) == 0 {
			continue
		}
		if c.Population, err = p.of(ctx, ref, c.StartDate, c.whole, c.units); err != nil {
			return nil, err
		}
		if c.Population > 0 && c.People > c.Population {
			out = append(out, c.OverReachEntry)
		}
	}
	return out, nil
}

// populations computes the population of activities' places, keeping
// what it computed for the next activity.
type populations struct {
	s *Store
	// boundaries are the dates the unit tree or its figures change on,
	// in order: a tree is the same on every day from one to the next.
	boundaries []string
	memo       map[populationKey]float64
}

type populationKey struct {
	asOf string
	unit int64 // 0: the plan's whole area
	plan int64
}

func (s *Store) newPopulations(ctx context.Context) (*populations, error) {
	p := &populations{s: s, memo: map[populationKey]float64{}}
	err := each(ctx, s.reads(), `SELECT valid_from FROM units WHERE valid_from IS NOT NULL
		UNION SELECT valid_to FROM units WHERE valid_to IS NOT NULL
		UNION SELECT ref_date FROM unit_populations WHERE grp = 'total' ORDER BY 1`, nil, func(r *sql.Rows) error {
		var d string
		err := r.Scan(&d)
		p.boundaries = append(p.boundaries, d)
		return err
	})
	return p, err
}

// snap returns the last boundary on or before d (d itself before the
// first), so that activities of different days share the tree of their
// period: the store keeps only a few trees.
func (p *populations) snap(d string) string {
	lo, hi := 0, len(p.boundaries)
	for lo < hi {
		mid := (lo + hi) / 2
		if p.boundaries[mid] <= d {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo == 0 {
		return d
	}
	return p.boundaries[lo-1]
}

// of is the population of an activity's places: the whole area's, or the
// sum over its units (unit versions as stored) of their population on the
// day the activity started, or on the day a version came into force when
// it came into force during the activity. A unit under another listed
// unit is not counted again.
func (p *populations) of(ctx context.Context, ref planRef, start string, whole bool, units []outreach.Unit) (float64, error) {
	if whole {
		return p.whole(ctx, ref, p.snap(start))
	}
	total := 0.0
	for _, u := range units {
		if coveredByOther(u, units) {
			continue
		}
		d := start
		if !u.ValidAt(d) && u.ValidFrom > d {
			d = u.ValidFrom
		}
		n, err := p.unit(ctx, ref, p.snap(d), u.ID)
		if err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}

// coveredByOther reports whether another of the units contains u.
func coveredByOther(u outreach.Unit, units []outreach.Unit) bool {
	for _, o := range units {
		if o.ID != u.ID && o.Path != u.Path && strings.HasPrefix(u.Path, o.Path+"/") {
			return true
		}
	}
	return false
}

func (p *populations) unit(ctx context.Context, ref planRef, asOf string, id int64) (float64, error) {
	k := populationKey{asOf: asOf, unit: id}
	if n, ok := p.memo[k]; ok {
		return n, nil
	}
	t, err := p.s.treeAt(ctx, asOf)
	if err != nil {
		return 0, err
	}
	n := 0.0
	if t.InForce(id) {
		g, err := t.Population(p.s.censusReader(ctx, asOf), "total", "", nil)
		if err != nil {
			return 0, err
		}
		n = t.SumOf(g, id)
	}
	p.memo[k] = n
	return n, nil
}

// whole is the population of the plan's whole area on asOf: its scope's,
// or, when the scope has merged into another unit, the part of that unit
// the scope's versions carry onto it.
func (p *populations) whole(ctx context.Context, ref planRef, asOf string) (float64, error) {
	k := populationKey{asOf: asOf, plan: ref.id}
	if n, ok := p.memo[k]; ok {
		return n, nil
	}
	t, err := p.s.treeAt(ctx, asOf)
	if err != nil {
		return 0, err
	}
	var area []string
	if _, ok := t.Version(ref.scope); !ok && len(ref.codes) > 1 {
		area = ref.scopePaths()
	}
	n := 0.0
	for _, c := range ref.codes {
		u, ok := t.Version(c)
		if !ok {
			continue
		}
		g, err := t.Population(p.s.censusReader(ctx, asOf), "total", "", area)
		if err != nil {
			return 0, err
		}
		n = t.SumOf(g, u.ID)
		break
	}
	p.memo[k] = n
	return n, nil
}
