package indicators

import (
	"fmt"
	"strings"

	"outreach/internal/outreach"
)

// Population groups and their denominators (docs/indicators.md,
// "Population groups").
//
// The 2019 census gives each commune its total only; districts and
// provinces have eighteen five-year age groups, and sex and ethnicity are
// known for few provinces (Bắc Kạn's female and ethnic-minority totals).
// A group's figure for a commune is therefore estimated as the commune's
// total times the group's share in the nearest unit above it that has the
// figures (its district, else its province):
//
//   - age a–b: the five-year groups it covers, each counted in proportion
//     to the years of it that lie in the range (14–60 is 1/5 of 10–14,
//     every group 15–19 … 55–59, and 1/5 of 60–64; the 85-and-over group
//     spans 85–MaxAge);
//   - sex: the share of the sex in the nearest unit with a female figure,
//     else the 2019 national sex ratio (104.1 men per 100 women);
//   - ethnic minority: the share in the nearest unit with an
//     ethnic_minority figure; where none has one, the group has no
//     denominator there and its targets are not applicable.
//
// The shares multiply (age × sex × ethnicity: the census tables give no
// joint distribution, so the estimate assumes independence). Commune
// estimates are then carried onto the tree like any census figure.

// SexRatio2019 is the 2019 census's men per 100 women, for the whole
// country.
const SexRatio2019 = 104.1

// GroupDef is a population group as the engine estimates it: the
// built-in groups and the plan's own in one form.
type GroupDef struct {
	Code            string
	AgeFrom, AgeTo  int // -1 for no bound
	Sex             string
	EthnicMinority  bool
	everyone, given bool
}

// DefOf returns the definition of a group: a built-in one or the plan's.
func DefOf(p *outreach.Plan, g outreach.PopulationGroup) (GroupDef, bool) {
	switch g {
	case outreach.PopEveryone:
		return GroupDef{Code: string(g), AgeFrom: -1, AgeTo: -1, everyone: true}, true
	case outreach.PopWomen:
		return GroupDef{Code: string(g), AgeFrom: -1, AgeTo: -1, Sex: outreach.SexFemale}, true
	case outreach.PopChildren1416:
		return GroupDef{Code: string(g), AgeFrom: 14, AgeTo: 16}, true
	}
	d, ok := p.Population(g)
	if !ok {
		return GroupDef{}, false
	}
	gd := GroupDef{Code: d.Code, AgeFrom: -1, AgeTo: -1, Sex: d.Sex, EthnicMinority: d.EthnicMinority}
	if d.AgeFrom != nil {
		gd.AgeFrom = *d.AgeFrom
	}
	if d.AgeTo != nil {
		gd.AgeTo = *d.AgeTo
	}
	return gd, true
}

// ageBands are the census's five-year groups: the group code and the
// ages it spans.
var ageBands = func() []struct {
	code   string
	lo, hi int
} {
	var out []struct {
		code   string
		lo, hi int
	}
	for lo := 0; lo < 85; lo += 5 {
		out = append(out, struct {
			code   string
			lo, hi int
		}{fmt.Sprintf("age_%02d_%02d", lo, lo+4), lo, lo + 4})
	}
	return append(out, struct {
		code   string
		lo, hi int
	}{"age_85plus", 85, outreach.MaxAge})
}()

// hasAge reports whether the group restricts ages.
func (g GroupDef) hasAge() bool { return g.AgeFrom >= 0 || g.AgeTo >= 0 }

// bandWeights are the parts of each five-year group the age range
// covers (years inside over the group's years).
func (g GroupDef) bandWeights() map[string]float64 {
	lo, hi := g.AgeFrom, g.AgeTo
	if lo < 0 {
		lo = 0
	}
	if hi < 0 {
		hi = outreach.MaxAge
	}
	out := map[string]float64{}
	for _, b := range ageBands {
		inLo, inHi := max(lo, b.lo), min(hi, b.hi)
		if inHi >= inLo {
			out[b.code] = float64(inHi-inLo+1) / float64(b.hi-b.lo+1)
		}
	}
	return out
}

// Method describes, in Vietnamese, how the group's denominators are
// estimated (shown beside every estimated figure).
func (g GroupDef) Method() string {
	if g.everyone {
		return CensusSource
	}
	var parts []string
	if g.hasAge() {
		parts = append(parts, "cơ cấu nhóm tuổi 5 năm của huyện (hoặc tỉnh), tính theo số năm tuổi nằm trong khoảng")
	}
	if g.Sex != "" {
		parts = append(parts, "tỷ lệ giới tính của tỉnh (nếu có), nếu không thì tỷ số giới tính toàn quốc 104,1 nam/100 nữ")
	}
	if g.EthnicMinority {
		parts = append(parts, "tỷ lệ người dân tộc thiểu số của tỉnh")
	}
	return "Ước tính: dân số xã (TĐTDS 2019) × " + strings.Join(parts, " × ")
}

// censusFigures are the census groups an estimate reads, per version.
type censusFigures struct {
	total, female, minority map[int64]Figure
	bands                   map[string]map[int64]Figure
}

// Estimate returns a group's figures carried onto the tree: the census's
// own for everyone, else the commune estimates the package comment
// describes, read once per tree and area. ok is false when a share the
// group needs is known nowhere (ethnic minorities outside the provinces
// that ship the figure): such a unit has no estimate.
func (t *Tree) Estimate(read CensusReader, g GroupDef, area []string) (*GroupPop, error) {
	if g.everyone {
		return t.Population(read, "total", "", area)
	}
	key := "estimate|" + g.key() + "|" + strings.Join(area, "|")
	t.mu.Lock()
	if gp, ok := t.groups[key]; ok {
		t.mu.Unlock()
		return gp, nil
	}
	t.mu.Unlock()
	cf := censusFigures{bands: map[string]map[int64]Figure{}}
	var err error
	if cf.total, err = read("total"); err != nil {
		return nil, err
	}
	if g.Sex != "" {
		if cf.female, err = read("female"); err != nil {
			return nil, err
		}
	}
	if g.EthnicMinority {
		if cf.minority, err = read("ethnic_minority"); err != nil {
			return nil, err
		}
	}
	weights := g.bandWeights()
	if g.hasAge() {
		for code := range weights {
			if cf.bands[code], err = read(code); err != nil {
				return nil, err
			}
		}
	}
	gp := &GroupPop{mapped: map[int64]float64{}, sums: map[int64]float64{}, source: g.Method()}
	for id, f := range cf.total {
		u := t.units[id]
		if !u.IsCommune() || len(area) > 0 && !UnderAny(u.Path, area) {
			continue
		}
		share, ok := t.groupShare(g, weights, cf, u)
		if !ok {
			continue
		}
		for _, w := range t.Weights(id, false) {
			gp.mapped[w.ID] += f.Value * share * w.Share
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.groups == nil {
		t.groups = map[string]*GroupPop{}
	}
	t.groups[key] = gp
	return gp, nil
}

func (g GroupDef) key() string {
	return fmt.Sprintf("%d-%d-%s-%t", g.AgeFrom, g.AgeTo, g.Sex, g.EthnicMinority)
}

// groupShare is the group's share of a commune's people, from the
// nearest units above it with the figures each part needs.
func (t *Tree) groupShare(g GroupDef, weights map[string]float64, cf censusFigures, u outreach.Unit) (float64, bool) {
	share := 1.0
	if g.hasAge() {
		a, ok := t.nearest(u, func(id int64) bool {
			for code := range weights {
				if _, ok := cf.bands[code][id]; !ok {
					return false
				}
			}
			_, ok := cf.total[id]
			return ok
		})
		if !ok {
			return 0, false
		}
		n := 0.0
		for code, w := range weights {
			n += cf.bands[code][a].Value * w
		}
		if tot := cf.total[a].Value; tot > 0 {
			share *= n / tot
		} else {
			return 0, false
		}
	}
	if g.Sex != "" {
		female := 100 / (100 + SexRatio2019)
		if a, ok := t.nearest(u, func(id int64) bool { _, ok := cf.female[id]; return ok && cf.total[id].Value > 0 }); ok {
			female = cf.female[a].Value / cf.total[a].Value
		}
		if g.Sex == outreach.SexFemale {
			share *= female
		} else {
			share *= 1 - female
		}
	}
	if g.EthnicMinority {
		a, ok := t.nearest(u, func(id int64) bool { _, ok := cf.minority[id]; return ok && cf.total[id].Value > 0 })
		if !ok {
			return 0, false
		}
		share *= cf.minority[a].Value / cf.total[a].Value
	}
	return share, true
}

// nearest finds the closest unit above u (its parent, the parent's
// parent…) with a version has accepts: of the parent's code, the version
// valid when u was, else any.
func (t *Tree) nearest(u outreach.Unit, has func(id int64) bool) (int64, bool) {
	for u.ParentCode != "" {
		var next outreach.Unit
		found := false
		for _, id := range t.byCode[u.ParentCode] {
			p := t.units[id]
			if has(id) {
				return id, true
			}
			if !found || p.ValidAt(u.ValidFrom) {
				next, found = p, true
			}
		}
		if !found {
			return 0, false
		}
		u = next
	}
	return 0, false
}
