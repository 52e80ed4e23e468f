package indicators

import (
	"strings"
	"sync"
)

// Figure is a population figure of a unit version and its source.
type Figure struct {
	Value  float64
	Source string
}

// CensusReader reads a census group's figure per unit version, the
// latest on or before the tree's date (the store reads them).
type CensusReader func(group string) (map[int64]Figure, error)

// CensusSource is the source of the 2019 census figures the project ships.
const CensusSource = "Tổng điều tra dân số và nhà ở 2019 (TCTK)"

// GroupPop is a census group's figures carried onto the tree's versions.
type GroupPop struct {
	mapped map[int64]float64
	source string
	// sums are the figures of units without their own, summed over
	// their children (SumOf), kept as they are computed.
	mu   sync.Mutex
	sums map[int64]float64
}

// Source is the figures' source when it is not the census (an estimate
// or a later figure a user imported), else the census's.
func (g *GroupPop) Source() string { return g.source }

// Population returns a census group's figures carried onto the tree,
// read once per tree: those of the versions under the area's paths (all
// without an area: a province's part of the province it merged into),
// and, when known is set, only of the versions that also have a figure of
// that group (Coverage).
func (t *Tree) Population(read CensusReader, group, known string, area []string) (*GroupPop, error) {
	key := group + "|" + known
	if len(area) > 0 {
		key += "|" + strings.Join(area, "|")
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if g, ok := t.groups[key]; ok {
		return g, nil
	}
	figures, err := read(group)
	if err != nil {
		return nil, err
	}
	if known != "" {
		have, err := read(known)
		if err != nil {
			return nil, err
		}
		for id := range figures {
			if _, ok := have[id]; !ok {
				delete(figures, id)
			}
		}
	}
	g := &GroupPop{mapped: map[int64]float64{}, sums: map[int64]float64{}}
	for id, f := range figures {
		if len(area) > 0 && !UnderAny(t.units[id].Path, area) {
			continue
		}
		for _, w := range t.Weights(id, false) {
			g.mapped[w.ID] += f.Value * w.Share
		}
		if g.source == "" || f.Source != CensusSource {
			g.source = f.Source
		}
	}
	if t.groups == nil {
		t.groups = map[string]*GroupPop{}
	}
	t.groups[key] = g
	return g, nil
}

// SumOf is the group's figure of a unit in force: its own, else the sum
// over its children, recursively.
func (t *Tree) SumOf(g *GroupPop, id int64) float64 {
	g.mu.Lock() // the sums are kept with the shared tree
	defer g.mu.Unlock()
	var sum func(id int64) float64
	sum = func(id int64) float64 {
		if v, ok := g.mapped[id]; ok {
			return v
		}
		if v, ok := g.sums[id]; ok {
			return v
		}
		total := 0.0
		for _, c := range t.children[t.units[id].Code] {
			if c != id {
				total += sum(c)
			}
		}
		g.sums[id] = total
		return total
	}
	return sum(id)
}
