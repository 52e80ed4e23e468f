package indicators

import (
	"math"
	"slices"
	"strings"
	"sync"

	"outreach/internal/outreach"
)

// A Tree is the unit tree as it stood on a date, with the crosswalk that
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
type Tree struct {
	asOf     string
	units    map[int64]outreach.Unit // every version
	byCode   map[string][]int64
	current  map[int64]bool // versions in force on asOf
	succ     map[int64][]link
	pred     map[int64][]link
	pop      map[int64]float64 // total population by version, latest figure on or before asOf
	popMemo  map[int64]float64
	memo     map[memoKey][]Weight
	visiting map[int64]bool
	children map[string][]int64 // versions in force on asOf by parent code
	// frozen trees have every weight and population computed (freeze)
	// and are only read, so requests can share them (the store keeps them).
	frozen bool
	// mu guards the lazily filled maps below.
	mu      sync.Mutex
	groups  map[string]*GroupPop
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

// Weight is the part of a version's figures one version in force
// inherits.
type Weight struct {
	ID    int64
	Share float64
}

// Change is a recorded change from an old unit version to a new one.
type Change struct {
	Old, New int64
	Date     string
	// Portion is outreach.PortionFull or PortionPartial; Share the part a
	// partial change carries, 0 when not given.
	Portion string
	Share   float64
}

// NewTree prepares the crosswalk from every unit version and change to
// the versions in force on asOf. totals are the total population figures
// by version (the latest on or before asOf).
func NewTree(asOf string, units []outreach.Unit, changes []Change, totals map[int64]float64) *Tree {
	t := &Tree{asOf: asOf, units: map[int64]outreach.Unit{}, byCode: map[string][]int64{}, current: map[int64]bool{},
		succ: map[int64][]link{}, pred: map[int64][]link{}, pop: map[int64]float64{}, popMemo: map[int64]float64{}, memo: map[memoKey][]Weight{},
		visiting: map[int64]bool{}, children: map[string][]int64{}}
	for _, u := range units {
		t.units[u.ID] = u
		t.byCode[u.Code] = append(t.byCode[u.Code], u.ID)
		if u.ValidAt(asOf) {
			t.current[u.ID] = true
			if u.ParentCode != "" {
				t.children[u.ParentCode] = append(t.children[u.ParentCode], u.ID)
			}
		}
	}
	for _, c := range changes {
		l := link{date: c.Date, portion: c.Portion, share: c.Share}
		fw, bw := l, l
		fw.other, bw.other = c.New, c.Old
		t.succ[c.Old] = append(t.succ[c.Old], fw)
		t.pred[c.New] = append(t.pred[c.New], bw)
	}
	for id, v := range totals {
		t.pop[id] = v
	}
	return t
}

// AsOf is the date the tree stood on.
func (t *Tree) AsOf() string { return t.asOf }

// Unit returns a version by id (any version, in force or not).
func (t *Tree) Unit(id int64) outreach.Unit { return t.units[id] }

// InForce reports whether a version is in force on the tree's date.
func (t *Tree) InForce(id int64) bool { return t.current[id] }

// Children lists the ids of the versions in force whose parent has the
// code (shared: not to be changed).
func (t *Tree) Children(code string) []int64 { return t.children[code] }

type memoKey struct {
	id       int64
	fallback bool
}

// share is the part of old's figures a link to a successor carries: its
// share for a partial link (equal parts among the partial links when not
// given), an equal part of the full links otherwise; the parts of a
// version's links always sum to one.
func (t *Tree) shares(links []link) []float64 {
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
func (t *Tree) popOf(id int64) float64 {
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
func (t *Tree) Version(code string) (outreach.Unit, bool) {
	for _, id := range t.byCode[code] {
		if t.current[id] {
			return t.units[id], true
		}
	}
	return outreach.Unit{}, false
}

// weights maps a version onto the versions in force on asOf.
func (t *Tree) Weights(id int64, fallback bool) []Weight {
	if t.current[id] {
		return []Weight{{id, 1}}
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
	add := func(ws []Weight, f float64) {
		for _, w := range ws {
			acc[w.ID] += w.Share * f
		}
	}
	switch {
	case u.ValidTo != "" && u.ValidTo <= t.asOf:
		links := t.endLinks(u)
		for i, f := range t.shares(links) {
			add(t.Weights(links[i].other, fallback), f)
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
			add(t.Weights(l.other, fallback), f)
		}
		if len(links) == 0 && fallback {
			add(t.ancestor(u), 1)
		}
	}
	out := make([]Weight, 0, len(acc))
	for k, v := range acc {
		out = append(out, Weight{k, v})
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
func (t *Tree) endLinks(u outreach.Unit) []link {
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
func (t *Tree) ancestor(u outreach.Unit) []Weight {
	if u.ParentCode == "" {
		return nil
	}
	probe := u.ValidFrom
	if u.ValidTo != "" {
		probe = outreach.DayBefore(u.ValidTo)
	}
	for _, pid := range t.byCode[u.ParentCode] {
		if t.units[pid].ValidAt(probe) || probe == "" {
			return t.Weights(pid, true)
		}
	}
	return nil
}

// inScope reports whether a version in force lies in the subtree of root.
func (t *Tree) InScope(id int64, root outreach.Unit) bool {
	u := t.units[id]
	return u.Path == root.Path || len(u.Path) > len(root.Path) && u.Path[:len(root.Path)+1] == root.Path+"/"
}

// freeze computes every version's weights (both ways) and population, so
// that the tree is only read from then on.
func (t *Tree) Freeze() {
	for id := range t.units {
		t.Weights(id, false)
		t.Weights(id, true)
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
func (t *Tree) RelatedTo(scope outreach.Unit) []int64 {
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
		if !t.InScope(id, scope) {
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
func (t *Tree) carriedFromIndex() map[int64][]int64 {
	index := map[int64][]int64{}
	for id := range t.units {
		for _, fallback := range []bool{false, true} {
			for _, w := range t.Weights(id, fallback) {
				if l := index[w.ID]; w.Share > 0 && (len(l) == 0 || l[len(l)-1] != id) {
					index[w.ID] = append(l, id)
				}
			}
		}
	}
	return index
}

// relatedSet is relatedTo as a set, kept by the scope's path. It is
// shared: it must not be changed.
func (t *Tree) RelatedSet(scope outreach.Unit) map[int64]bool {
	ids := t.RelatedTo(scope)
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
func (t *Tree) ApartFrom(scope outreach.Unit) []int64 {
	return t.versionsWhere(&t.apart, scope.Path, func(id int64) bool { return !t.WholeIn(id, scope) })
}

// strays lists the versions under any of the paths whose records the
// crosswalk carries nowhere into the subtree of scope: an activity there
// counts in the scope only through another of its places.
func (t *Tree) Strays(scope outreach.Unit, under []string) []int64 {
	key := scope.Path + "\x00" + strings.Join(under, "\x00")
	return t.versionsWhere(&t.strayed, key, func(id int64) bool {
		if !UnderAny(t.units[id].Path, under) {
			return false
		}
		for _, w := range t.Weights(id, true) {
			if w.Share > 0 && t.InScope(w.ID, scope) {
				return false
			}
		}
		return true
	})
}

// versionsWhere lists, sorted, the versions keep accepts and those given
// first, kept in cache by key (the scope's path, and what else keep
// depends on).
func (t *Tree) versionsWhere(cache *map[string][]int64, key string, keep func(id int64) bool, first ...int64) []int64 {
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
func (t *Tree) CommunesIn(scope outreach.Unit) map[int64]bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if set, ok := t.communs[scope.Path]; ok {
		return set
	}
	set := map[int64]bool{}
	for id := range t.current {
		if u := t.units[id]; u.IsCommune() && t.InScope(id, scope) {
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
func (t *Tree) WholeIn(id int64, scope outreach.Unit) bool {
	sum := 0.0
	for _, w := range t.Weights(id, true) {
		if t.InScope(w.ID, scope) {
			sum += w.Share
		}
	}
	return math.Abs(sum-1) <= 1e-9
}

// areaOf is the set of versions in force on asOf that inherit any part
// of a version under the province code (its units at any time): the
// province's territory on the tree, also after it merged into another
// (on a 2025 tree, Bắc Kạn's is Tỉnh Thái Nguyên and the 37 communes formed
// from Bắc Kạn's, not Thái Nguyên's others). It is shared: it must not be
// changed.
func (t *Tree) AreaOf(paths []string) map[int64]bool {
	key := strings.Join(paths, "|")
	t.mu.Lock()
	defer t.mu.Unlock()
	if a, ok := t.areas[key]; ok {
		return a
	}
	a := map[int64]bool{}
	for id, u := range t.units {
		if UnderAny(u.Path, paths) {
			for _, w := range t.Weights(id, false) {
				if w.Share > 0 {
					a[w.ID] = true
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

// UnderAny reports whether a path lies in the subtree of one of the paths.
func UnderAny(path string, roots []string) bool {
	for _, r := range roots {
		if path == r || strings.HasPrefix(path, r+"/") {
			return true
		}
	}
	return false
}

// PathsOf lists the paths of every version of a code (the unit as it
// was at any time).
func (t *Tree) PathsOf(code string) []string {
	var out []string
	for _, id := range t.byCode[code] {
		out = append(out, t.units[id].Path)
	}
	return out
}
