package store

import (
	"context"
	"database/sql"
	"math"
	"slices"
	"strings"
	"sync"

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
// or retired without a known one (the national register's unresolved
// communes of 2024–2025) passes its figures up to its nearest ancestor in
// force, when asked to (records: activities, people reached, quantities),
// so they still count in its district and province; population figures
// and commune sets (materials, key areas) are not passed up, so nothing
// is counted twice. The weights of a version always sum to one (or to
// zero when nothing in force inherits it), so totals are the same
// whichever tree is used.
type tree struct {
	asOf     string
	units    map[int64]outreach.Unit // every version
	byCode   map[string][]int64
	current  map[int64]bool // versions in force on asOf
	succ     map[int64][]link
	pred     map[int64][]link
	pop      map[int64]float64 // total population by version, latest figure on or before asOf
	popMemo  map[int64]float64
	memo     map[memoKey][]weight
	visiting map[int64]bool
	children map[string][]int64 // versions in force on asOf by parent code
	// frozen trees have every weight and population computed (freeze)
	// and are only read, so requests can share them (treecache.go).
	frozen bool
	// mu guards the lazily filled maps below.
	mu      sync.Mutex
	groups  map[string]*groupPop
	related map[string][]int64 // by scope path
	// carriedFrom indexes, by version in force, the versions carried
	// onto it (relatedTo).
	carriedFrom map[int64][]int64
	// relatedSets are related's lists as sets, for narrowing facts.
	relatedSets map[string]map[int64]bool
	apart       map[string][]int64 // by scope path
	strayed     map[string][]int64 // by scope path and the paths searched
	communs     map[string]map[int64]bool
	areas       map[string]map[int64]bool // by province code
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
		succ: map[int64][]link{}, pred: map[int64][]link{}, pop: map[int64]float64{}, popMemo: map[int64]float64{}, memo: map[memoKey][]weight{},
		visiting: map[int64]bool{}, children: map[string][]int64{}}
	us, err := queryUnits(ctx, s.db, `SELECT `+unitColumns+` FROM units`)
	if err != nil {
		return nil, err
	}
	for _, u := range us {
		t.units[u.ID] = u
		t.byCode[u.Code] = append(t.byCode[u.Code], u.ID)
		if u.ValidAt(asOf) {
			t.current[u.ID] = true
			if u.ParentCode != "" {
				t.children[u.ParentCode] = append(t.children[u.ParentCode], u.ID)
			}
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
	figures, err := latestFigures(ctx, s.db, "total", asOf)
	for id, f := range figures {
		t.pop[id] = f.v
	}
	return t, err
}

// share is the part of old's figures a link to a successor carries: its
// share for a partial link (equal parts among the partial links when not
// given), an equal part of the full links otherwise; the parts of a
// version's links always sum to one.
func (t *tree) shares(links []link) []float64 {
	out := make([]float64, len(links))
	partial, full, given := 0, 0, 0.0
	for _, l := range links {
		if l.portion == outreach.PortionPartial {
			partial++
			given += l.share
		} else {
			full++
		}
	}
	total := 0.0
	for i, l := range links {
		switch {
		case l.portion != outreach.PortionPartial:
			out[i] = 1
		case l.share > 0:
			out[i] = l.share
		default:
			out[i] = math.Max(0, 1-given) / float64(partial)
			if given == 0 {
				out[i] = 1 / float64(partial)
			}
		}
		total += out[i]
	}
	for i := range out {
		if total > 0 {
			out[i] /= total
		}
	}
	return out
}

// popOf is a version's population: its own figure, or what its
// predecessors gave it (a unit formed after the census has none of its
// own).
func (t *tree) popOf(id int64) float64 {
	if v, ok := t.pop[id]; ok {
		return v
	}
	if v, ok := t.popMemo[id]; ok || t.frozen {
		return v
	}
	t.popMemo[id] = 0 // guards against cycles in the records
	total := 0.0
	for _, l := range t.pred[id] {
		links := t.succ[l.other]
		parts := t.shares(links)
		for i, sl := range links {
			if sl.other == id {
				total += t.popOf(l.other) * parts[i]
			}
		}
	}
	t.popMemo[id] = total
	return total
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
	if w, ok := t.memo[key]; ok || t.frozen {
		return w // a frozen tree knows every version: nil for an unknown id
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
		links := t.endLinks(u)
		for i, f := range t.shares(links) {
			add(t.weights(links[i].other, fallback), f)
		}
		if len(links) == 0 && fallback {
			add(t.ancestor(u), 1)
		}
	case u.ValidFrom != "" && u.ValidFrom > t.asOf:
		// Each predecessor gave this version its share of its people.
		links := t.pred[id]
		total := 0.0
		parts := make([]float64, len(links))
		for i, l := range links {
			fw := t.succ[l.other]
			for j, f := range t.shares(fw) {
				if fw[j].other == id {
					parts[i] += t.popOf(l.other) * f
				}
			}
			total += parts[i]
		}
		for i, l := range links {
			f := 1 / float64(len(links))
			if total > 0 {
				f = parts[i] / total
			}
			add(t.weights(l.other, fallback), f)
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

// endLinks are the links that carry a version that ended: those dated on
// its end. A link dated earlier moved part of the unit while the version
// went on (a commune giving part of its area to a new one in 2020 and
// merged as a whole in 2025): the version's figures stay with what went
// on, as they do on a tree between the two dates. A version with no link
// on its end date is carried by the links it has.
func (t *tree) endLinks(u outreach.Unit) []link {
	links := t.succ[u.ID]
	n := 0
	for _, l := range links {
		if l.date == u.ValidTo {
			n++
		}
	}
	if n == 0 || n == len(links) {
		return links
	}
	out := make([]link, 0, n)
	for _, l := range links {
		if l.date == u.ValidTo {
			out = append(out, l)
		}
	}
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

// freeze computes every version's weights (both ways) and population, so
// that the tree is only read from then on.
func (t *tree) freeze() {
	for id := range t.units {
		t.weights(id, false)
		t.weights(id, true)
		t.popOf(id)
	}
	t.frozen = true
}

// relatedTo lists, sorted, the versions whose figures the crosswalk
// carries, in any part, into the subtree of scope, and 0 (whole-province
// records). Facts for a scope need to be read for these versions only.
// They are found from the versions in force in the subtree (carriedFrom),
// not by carrying every version of the country: a national plan's
// dashboard asks this of each province, a province's of each commune.
func (t *tree) relatedTo(scope outreach.Unit) []int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	if ids, ok := t.related[scope.Path]; ok {
		return ids
	}
	if t.carriedFrom == nil {
		t.carriedFrom = t.carriedFromIndex()
	}
	seen := map[int64]bool{0: true}
	ids := []int64{0}
	for id := range t.current {
		if !t.inScope(id, scope) {
			continue
		}
		for _, from := range t.carriedFrom[id] {
			if !seen[from] {
				seen[from] = true
				ids = append(ids, from)
			}
		}
	}
	slices.Sort(ids)
	if t.related == nil {
		t.related = map[string][]int64{}
	}
	t.related[scope.Path] = ids
	return ids
}

// carriedFromIndex maps each version in force to the versions whose
// figures the crosswalk carries, in any part, onto it (records passed up
// to an ancestor or not).
func (t *tree) carriedFromIndex() map[int64][]int64 {
	index := map[int64][]int64{}
	for id := range t.units {
		for _, fallback := range []bool{false, true} {
			for _, w := range t.weights(id, fallback) {
				if l := index[w.id]; w.w > 0 && (len(l) == 0 || l[len(l)-1] != id) {
					index[w.id] = append(l, id)
				}
			}
		}
	}
	return index
}

// relatedSet is relatedTo as a set, kept by the scope's path. It is
// shared: it must not be changed.
func (t *tree) relatedSet(scope outreach.Unit) map[int64]bool {
	ids := t.relatedTo(scope)
	t.mu.Lock()
	defer t.mu.Unlock()
	if set, ok := t.relatedSets[scope.Path]; ok {
		return set
	}
	set := make(map[int64]bool, len(ids))
	for _, id := range ids {
		set[id] = true
	}
	if t.relatedSets == nil {
		t.relatedSets = map[string]map[int64]bool{}
	}
	t.relatedSets[scope.Path] = set
	return set
}

// apartFrom lists the versions whose figures do not land whole in the
// subtree of scope: the crosswalk carries only part of them there, or
// none. Every other version's figures count in full, so their facts can
// be summed by the database before the engine sees them (lumped facts,
// indicators.go).
func (t *tree) apartFrom(scope outreach.Unit) []int64 {
	return t.versionsWhere(&t.apart, scope.Path, func(id int64) bool { return !t.wholeIn(id, scope) })
}

// strays lists the versions under any of the paths whose records the
// crosswalk carries nowhere into the subtree of scope: an activity there
// counts in the scope only through another of its places.
func (t *tree) strays(scope outreach.Unit, under []string) []int64 {
	key := scope.Path + "\x00" + strings.Join(under, "\x00")
	return t.versionsWhere(&t.strayed, key, func(id int64) bool {
		if !underAny(t.units[id].Path, under) {
			return false
		}
		for _, w := range t.weights(id, true) {
			if w.w > 0 && t.inScope(w.id, scope) {
				return false
			}
		}
		return true
	})
}

// versionsWhere lists, sorted, the versions keep accepts and those given
// first, kept in cache by key (the scope's path, and what else keep
// depends on).
func (t *tree) versionsWhere(cache *map[string][]int64, key string, keep func(id int64) bool, first ...int64) []int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	if ids, ok := (*cache)[key]; ok {
		return ids
	}
	ids := append([]int64{}, first...)
	for id := range t.units {
		if keep(id) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	if *cache == nil {
		*cache = map[string][]int64{}
	}
	(*cache)[key] = ids
	return ids
}

// communesIn is the set of communes in force in the subtree of scope. It
// is shared: it must not be changed.
func (t *tree) communesIn(scope outreach.Unit) map[int64]bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if set, ok := t.communs[scope.Path]; ok {
		return set
	}
	set := map[int64]bool{}
	for id := range t.current {
		if u := t.units[id]; u.IsCommune() && t.inScope(id, scope) {
			set[id] = true
		}
	}
	if t.communs == nil {
		t.communs = map[string]map[int64]bool{}
	}
	t.communs[scope.Path] = set
	return set
}

// wholeIn reports whether all of a version's figures land in the subtree
// of scope, read as the summed facts are (an abolished unit's passed up to
// its ancestor).
func (t *tree) wholeIn(id int64, scope outreach.Unit) bool {
	sum := 0.0
	for _, w := range t.weights(id, true) {
		if t.inScope(w.id, scope) {
			sum += w.w
		}
	}
	return math.Abs(sum-1) <= 1e-9
}

// figure is a population figure and its source.
type figure struct {
	v   float64
	src string
}

// latestFigures reads a census group's figure per unit version: the
// latest on or before asOf (the 2019 census, or a later figure a user
// imported), else the earliest there is.
func latestFigures(ctx context.Context, q querier, group, asOf string) (map[int64]figure, error) {
	figures := map[int64]figure{}
	err := each(ctx, q, `SELECT unit_id, value, source, ref_date FROM unit_populations WHERE grp = $1 ORDER BY unit_id, ref_date`, []any{group}, func(r *sql.Rows) error {
		var id int64
		var f figure
		var d string
		if err := r.Scan(&id, &f.v, &f.src, &d); err != nil {
			return err
		}
		if _, seen := figures[id]; !seen || d <= asOf {
			figures[id] = f
		}
		return nil
	})
	return figures, err
}

// groupPop is a census group's figures carried onto the tree's versions.
type groupPop struct {
	mapped map[int64]float64
	source string
	// sums are the figures of units without their own, summed over
	// their children (engine.populationOf), kept as they are computed.
	mu   sync.Mutex
	sums map[int64]float64
}

// censusSource is the source of the 2019 census figures the project ships.
const censusSource = "Tổng điều tra dân số và nhà ở 2019 (TCTK)"

// population returns a census group's figures on the tree, read once
// (latestFigures).
func (t *tree) population(ctx context.Context, q querier, group string) (*groupPop, error) {
	return t.populationFrom(ctx, q, group, nil)
}

// underAny reports whether a path lies in the subtree of one of the paths.
func underAny(path string, roots []string) bool {
	for _, r := range roots {
		if path == r || strings.HasPrefix(path, r+"/") {
			return true
		}
	}
	return false
}

// populationFrom is population counting, when area is set, only the
// figures of the versions under those paths (a province's part of the
// province it merged into).
func (t *tree) populationFrom(ctx context.Context, q querier, group string, area []string) (*groupPop, error) {
	return t.mappedFigures(ctx, q, group, "", area)
}

// coverageFrom is the total population of the versions that have a
// figure of the group, carried onto the tree like the group's own: the
// people the group's figures speak for. Where it falls short of the total,
// the group's figures cover only part of a unit (the 2019 census by sex
// ships for Bắc Kạn alone).
func (t *tree) coverageFrom(ctx context.Context, q querier, group string, area []string) (*groupPop, error) {
	return t.mappedFigures(ctx, q, "total", group, area)
}

// mappedFigures carries a census group's figures onto the tree: those of
// the versions under the area's paths (all without an area), and only of
// the versions that also have a figure of the group known (when set).
func (t *tree) mappedFigures(ctx context.Context, q querier, group, known string, area []string) (*groupPop, error) {
	key := group + "|" + known
	if len(area) > 0 {
		key += "|" + strings.Join(area, "|")
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if g, ok := t.groups[key]; ok {
		return g, nil
	}
	figures, err := latestFigures(ctx, q, group, t.asOf)
	if err != nil {
		return nil, err
	}
	if known != "" {
		have, err := latestFigures(ctx, q, known, t.asOf)
		if err != nil {
			return nil, err
		}
		for id := range figures {
			if _, ok := have[id]; !ok {
				delete(figures, id)
			}
		}
	}
	g := &groupPop{mapped: map[int64]float64{}, sums: map[int64]float64{}}
	for id, f := range figures {
		if len(area) > 0 && !underAny(t.units[id].Path, area) {
			continue
		}
		for _, w := range t.weights(id, false) {
			g.mapped[w.id] += f.v * w.w
		}
		if g.source == "" || f.src != censusSource {
			g.source = f.src
		}
	}
	if t.groups == nil {
		t.groups = map[string]*groupPop{}
	}
	t.groups[key] = g
	return g, nil
}

// areaOf is the set of versions in force on asOf that inherit any part
// of a version under the province code (its units at any time): the
// province's territory on the tree, also after it merged into another
// (on a 2025 tree, Bắc Kạn's is Tỉnh Thái Nguyên and the 37 communes formed
// from Bắc Kạn's, not Thái Nguyên's others). It is shared: it must not be
// changed.
func (t *tree) areaOf(paths []string) map[int64]bool {
	key := strings.Join(paths, "|")
	t.mu.Lock()
	defer t.mu.Unlock()
	if a, ok := t.areas[key]; ok {
		return a
	}
	a := map[int64]bool{}
	for id, u := range t.units {
		if underAny(u.Path, paths) {
			for _, w := range t.weights(id, false) {
				if w.w > 0 {
					a[w.id] = true
				}
			}
		}
	}
	if t.areas == nil {
		t.areas = map[string]map[int64]bool{}
	}
	t.areas[key] = a
	return a
}
