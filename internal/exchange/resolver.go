package exchange

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"outreach/internal/i18n"
	"outreach/internal/outreach"
	"outreach/internal/store"
	"outreach/internal/tabular"
)

// Resolver holds what reading and writing files for one plan needs: the
// plan with its agencies, tasks, channels, themes and funding sources, the
// quantity kinds, every version of the plan's units and the materials
// catalogue. Build it once per file (NewResolver) and share it between
// the rows; it is read-only after construction.
type Resolver struct {
	Plan      *outreach.Plan
	Kinds     []outreach.QuantityKind
	Units     []outreach.Unit
	Materials []*store.MaterialView

	// Progress, when set, is called while a file is parsed with the rows
	// done so far and the total, every few hundred rows and at the end.
	Progress func(done, total int)

	// groups are the columns of the plan's audience groups
	// (outreach.Plan.AudienceGroups), in the plan's order.
	groups []groupColumn

	agencies, tasks, channels, themes, fundings *lookup
	unitsByCode                                 map[string][]outreach.Unit
	unitsByName, unitsByShort                   map[string][]outreach.Unit
	materialsByID                               map[int64]*store.MaterialView
	materialsByTitle                            map[string][]*store.MaterialView
}

// NewResolver loads a plan's references from the store.
func NewResolver(ctx context.Context, s *store.Store, plan string) (*Resolver, error) {
	p, err := s.Plan(ctx, plan)
	if err != nil {
		return nil, err
	}
	kinds, err := s.QuantityKinds(ctx)
	if err != nil {
		return nil, err
	}
	units, err := s.PlanUnits(ctx, plan)
	if err != nil {
		return nil, err
	}
	materials, err := s.Materials(ctx, plan)
	if err != nil {
		return nil, err
	}
	return NewResolverFrom(p, kinds, units, materials), nil
}

// NewResolverFrom builds a resolver from references already loaded.
func NewResolverFrom(p *outreach.Plan, kinds []outreach.QuantityKind, units []outreach.Unit, materials []*store.MaterialView) *Resolver {
	r := &Resolver{Plan: p, Kinds: kinds, Units: units, Materials: materials,
		agencies: newLookup(), tasks: newLookup(), channels: newLookup(), themes: newLookup(), fundings: newLookup(),
		unitsByCode: map[string][]outreach.Unit{}, unitsByName: map[string][]outreach.Unit{}, unitsByShort: map[string][]outreach.Unit{},
		materialsByID: map[int64]*store.MaterialView{}, materialsByTitle: map[string][]*store.MaterialView{}}
	for _, a := range p.Agencies {
		r.agencies.add(a.Code, a.Name, a.ShortName)
	}
	for _, t := range p.Tasks {
		r.tasks.add(t.Clause)
	}
	for _, c := range p.Channels {
		r.channels.add(c.Code, c.Name)
	}
	for _, t := range p.Themes {
		r.themes.add(t.Code, t.Name)
	}
	for _, f := range p.Funding.Sources {
		r.fundings.add(f.Code, f.Name)
	}
	for _, u := range units {
		r.unitsByCode[u.Code] = append(r.unitsByCode[u.Code], u)
		full := tabular.Fold(u.Name)
		r.unitsByName[full] = append(r.unitsByName[full], u)
		if short := stripUnitPrefix(full, u.Type); short != full {
			r.unitsByShort[short] = append(r.unitsByShort[short], u)
		}
	}
	for _, m := range materials {
		r.materialsByID[m.ID] = m
		k := titleKey(m.Title)
		r.materialsByTitle[k] = append(r.materialsByTitle[k], m)
	}
	r.groups = groupColumns(p, kinds)
	return r
}

// lookup finds a plan's item by its code or one of its names, ignoring
// case and diacritics for names.
type lookup struct {
	codes  map[string]bool
	folded map[string][]string
}

func newLookup() *lookup { return &lookup{codes: map[string]bool{}, folded: map[string][]string{}} }

func (l *lookup) add(code string, names ...string) {
	l.codes[code] = true
	for _, n := range append([]string{code}, names...) {
		if f := tabular.Fold(n); f != "" && !slices.Contains(l.folded[f], code) {
			l.folded[f] = append(l.folded[f], code)
		}
	}
}

// find returns the code v names, or the codes it could name when there
// are several, or nothing.
func (l *lookup) find(v string) (string, []string) {
	if l.codes[v] {
		return v, nil
	}
	cs := l.folded[tabular.Fold(v)]
	if len(cs) == 1 {
		return cs[0], nil
	}
	return "", cs
}

// resolveRef resolves a cell naming one of the plan's items and returns
// the code, or the reason it could not.
func resolveRef(l *lookup, v, what string) (string, string) {
	code, cands := l.find(v)
	switch {
	case code != "":
		return code, ""
	case len(cands) > 1:
		return "", fmt.Sprintf("tên trùng với nhiều %s (%s); hãy ghi mã", what, strings.Join(cands, ", "))
	}
	return "", fmt.Sprintf("không có %s nào của kế hoạch có mã hoặc tên này", what)
}

// unitPrefixes are the folded type words a unit's name may start with;
// a file may leave them out ("Cao Trĩ" for "Xã Cao Trĩ").
var unitPrefixes = map[string][]string{
	outreach.UnitXa: {"xa "}, outreach.UnitPhuong: {"phuong "}, outreach.UnitThiTran: {"thi tran "},
	outreach.UnitHuyen: {"huyen "}, outreach.UnitTown: {"thi xa "}, outreach.UnitCity: {"thanh pho "},
	outreach.UnitTinh: {"tinh "},
}

var allUnitPrefixes = []string{"xa ", "phuong ", "thi tran ", "huyen ", "thi xa ", "thanh pho ", "tinh "}

func stripUnitPrefix(folded, typ string) string {
	for _, p := range unitPrefixes[typ] {
		if s, ok := strings.CutPrefix(folded, p); ok && s != "" {
			return s
		}
	}
	return folded
}

// overlaps reports whether a unit version was in force at some time in
// [from, to] (ISO dates; validity is [ValidFrom, ValidTo)).
func overlaps(u outreach.Unit, from, to string) bool {
	return (u.ValidFrom == "" || u.ValidFrom <= to) && (u.ValidTo == "" || u.ValidTo > from)
}

// wholeProvince is the folded word for "Toàn tỉnh" in the places column.
const wholeProvince = "toan tinh"

// unit resolves a unit given by code or name as of [from, to] and returns
// its code, or the Vietnamese reason it could not. With empty dates (they
// did not parse) a code is returned unchecked and names match any version.
// With communes only, districts and provinces do not match.
func (r *Resolver) unit(v, from, to string, communesOnly bool) (string, string) {
	dated := from != "" && to != ""
	fits := func(u outreach.Unit) bool {
		return (!dated || overlaps(u, from, to)) && (!communesOnly || u.IsCommune())
	}
	if vs, ok := r.unitsByCode[v]; ok {
		if !dated {
			return v, ""
		}
		inForce := slices.IndexFunc(vs, func(u outreach.Unit) bool { return overlaps(u, from, to) })
		switch {
		case inForce < 0:
			return "", i18n.VI.T("problem.no_unit", v, i18n.Date(from), i18n.Date(to)) + "; " + r.versions(vs)
		case communesOnly && !vs[inForce].IsCommune():
			return "", fmt.Sprintf("%s không phải là xã, phường, thị trấn", vs[inForce].Name)
		}
		return v, ""
	}
	f := tabular.Fold(v)
	named := r.unitsByName[f]
	if !slices.ContainsFunc(named, fits) {
		short := f
		for _, p := range allUnitPrefixes {
			if s, ok := strings.CutPrefix(f, p); ok && s != "" {
				short = s
				break
			}
		}
		named = append(slices.Clone(r.unitsByShort[short]), r.unitsByName[short]...)
	}
	var cands []outreach.Unit
	for _, u := range named {
		if fits(u) && !slices.ContainsFunc(cands, func(c outreach.Unit) bool { return c.Code == u.Code }) {
			cands = append(cands, u)
		}
	}
	switch {
	case len(cands) == 1:
		return cands[0].Code, ""
	case len(cands) > 1 && !dated:
		// The dates are wrong, which is reported; the name is not.
		return cands[0].Code, ""
	case len(cands) > 1:
		list := make([]string, len(cands))
		for i, u := range cands {
			list[i] = fmt.Sprintf("mã %s %s (%s)", u.Code, u.Name, r.parentName(u))
		}
		return "", "tên trùng với nhiều đơn vị, hãy ghi mã: " + strings.Join(list, "; ")
	case len(named) > 0 && dated:
		return "", fmt.Sprintf("không có đơn vị nào tên này có hiệu lực trong khoảng %s – %s; %s", i18n.Date(from), i18n.Date(to), r.versions(named))
	}
	if communesOnly {
		return "", "không tìm thấy xã, phường, thị trấn nào có mã hoặc tên này"
	}
	return "", "không tìm thấy đơn vị hành chính nào có mã hoặc tên này"
}

// versions describes when unit versions were in force.
func (r *Resolver) versions(vs []outreach.Unit) string {
	parts := make([]string, len(vs))
	for i, u := range vs {
		span := "từ " + i18n.Date(u.ValidFrom)
		switch {
		case u.ValidFrom == "" && u.ValidTo == "":
			span = "còn hiệu lực"
		case u.ValidFrom == "":
			span = "đến " + i18n.Date(u.ValidTo)
		case u.ValidTo != "":
			span += " đến " + i18n.Date(u.ValidTo)
		}
		parts[i] = fmt.Sprintf("%s mã %s: %s", u.Name, u.Code, span)
	}
	return "có hiệu lực: " + strings.Join(parts, "; ")
}

// parentName names a unit's parent as it was while the unit was in force.
func (r *Resolver) parentName(u outreach.Unit) string {
	ps := r.unitsByCode[u.ParentCode]
	for _, p := range ps {
		if overlaps(p, max(u.ValidFrom, "0000-00-00"), orEnd(u.ValidTo)) {
			return p.Name
		}
	}
	if len(ps) > 0 {
		return ps[len(ps)-1].Name
	}
	return u.ParentCode
}

func orEnd(d string) string {
	if d == "" {
		return "9999-12-31"
	}
	return d
}

// communes lists the commune versions in force at some time during the
// plan's period, one per code (the latest), in path order.
func (r *Resolver) communes() []outreach.Unit {
	from := fmt.Sprintf("%04d-01-01", r.Plan.Period.From)
	to := fmt.Sprintf("%04d-12-31", r.Plan.Period.To)
	var out []outreach.Unit
	seen := map[string]int{}
	for _, u := range r.Units {
		if !u.IsCommune() || !overlaps(u, from, to) {
			continue
		}
		if i, ok := seen[u.Code]; ok {
			out[i] = u
			continue
		}
		seen[u.Code] = len(out)
		out = append(out, u)
	}
	return out
}

// material resolves a material given by id or title.
func (r *Resolver) material(v string) (int64, string) {
	if id, err := strconv.ParseInt(v, 10, 64); err == nil {
		if _, ok := r.materialsByID[id]; ok {
			return id, ""
		}
		return 0, "danh mục tài liệu của kế hoạch không có tài liệu số này"
	}
	var exact []*store.MaterialView
	for _, m := range r.materialsByTitle[titleKey(v)] {
		if m.Title == v {
			exact = append(exact, m)
		}
	}
	ms := exact
	if len(ms) == 0 {
		ms = r.materialsByTitle[titleKey(v)]
	}
	switch len(ms) {
	case 1:
		return ms[0].ID, ""
	case 0:
		return 0, "danh mục tài liệu của kế hoạch không có tài liệu nào có số hoặc tên này"
	}
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = fmt.Sprintf("%d (%d)", m.ID, m.Year)
	}
	return 0, "nhiều tài liệu cùng tên, hãy ghi số của tài liệu: " + strings.Join(ids, ", ")
}

// materialKey is how an export names a material: its title when no other
// material of the catalogue has the same, else its number.
func (r *Resolver) materialKey(id int64, title string) string {
	if len(r.materialsByTitle[titleKey(title)]) == 1 && title != "" {
		if _, err := strconv.ParseInt(title, 10, 64); err != nil {
			return title
		}
	}
	return fmt.Sprint(id)
}

// titleKey is the form material titles are compared in: folded, without
// punctuation ("Tờ gấp phòng, chống…" is "to gap phong chong…").
func titleKey(s string) string {
	return strings.Join(strings.FieldsFunc(tabular.Fold(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
}
