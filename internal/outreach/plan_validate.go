package outreach

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
)

var (
	codePattern   = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)
	clausePattern = regexp.MustCompile(`^[IVX]+(\.[0-9]+)+$`)
	emailPattern  = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
)

// Validate checks a plan for everything a file can get wrong after it has
// been parsed: missing fields, unknown references, impossible values. Each
// problem's Field is a path into the plan file ("targets[0].milestones[1].value")
// so the file reader can point at its line. Every problem is reported at
// once. Measures are not checked against a vocabulary: ValidateWith does.
func (p *Plan) Validate() error {
	return p.validate(nil, false)
}

// ValidateWith is Validate that also checks every measure (of count and
// frequency targets, and of tasks' quantities) against the codes of the
// known quantity kinds. The store passes its quantity_kinds table (which
// coordinators extend); a check without a database passes the built-in
// kinds (store.BuiltinQuantityKinds).
func (p *Plan) ValidateWith(measures []string) error {
	return p.validate(measures, true)
}

func (p *Plan) validate(measures []string, checkMeasures bool) error {
	v := &ValidationError{}
	req := func(field, value string) {
		if strings.TrimSpace(value) == "" {
			v.Add(field, "is required")
		}
	}
	if !codePattern.MatchString(p.Code) {
		v.Add("code", "expected lowercase letters, digits and hyphens (e.g. bk-1368-2017), got %q", p.Code)
	}
	req("title", p.Title)
	switch {
	case p.Scope == "":
		p.Scope, p.Province = p.Province, ""
	case p.Province == p.Scope:
		p.Province = ""
	case p.Province != "":
		v.Add("province", "the plan names both scope %q and province %q: province is the older key for scope; keep scope only", p.Scope, p.Province)
	}
	req("scope", p.Scope)
	if p.Parent != "" && !codePattern.MatchString(p.Parent) {
		v.Add("parent", "expected a plan code (lowercase letters, digits and hyphens), got %q", p.Parent)
	}
	for i, t := range p.Targets {
		if t.Parent != "" && p.Parent == "" {
			v.Add(fmt.Sprintf("targets[%d].parent", i), "target %s names the parent target %q but the plan names no parent plan", t.Code, t.Parent)
		}
	}
	if p.Period.From < 1990 || p.Period.From > 2100 {
		v.Add("period.from", "expected a year, got %d", p.Period.From)
	}
	if p.Period.To < p.Period.From || p.Period.To > 2100 {
		v.Add("period.to", "expected a year not before period.from (%d), got %d", p.Period.From, p.Period.To)
	}

	d := p.Decision
	req("decision.number", d.Number)
	req("decision.issuer", d.Issuer)
	req("decision.title", d.Title)
	if !ValidDate(d.Date) {
		v.Add("decision.date", "expected a date YYYY-MM-DD, got %q", d.Date)
	}
	for i, b := range d.LegalBases {
		validateLegalDoc(v, fmt.Sprintf("decision.legal_bases[%d]", i), b)
	}
	if d.Proposal != nil && !ValidDate(d.Proposal.Date) {
		v.Add("decision.proposal.date", "expected a date YYYY-MM-DD, got %q", d.Proposal.Date)
	}
	if len(p.Purposes) == 0 {
		v.Add("purposes", "expected at least one purpose (section I)")
	}
	req("general_objective", p.GeneralObjective)

	agencies := map[string]Agency{}
	for i, a := range p.Agencies {
		f := fmt.Sprintf("agencies[%d]", i)
		if !codePattern.MatchString(a.Code) {
			v.Add(f+".code", "expected lowercase letters, digits and hyphens, got %q", a.Code)
		} else if _, dup := agencies[a.Code]; dup {
			v.Add(f+".code", "agency %q is defined twice", a.Code)
		}
		agencies[a.Code] = a
		req(f+".name", a.Name)
		if !slices.Contains(AgencyTypes, a.Type) {
			v.Add(f+".type", "expected one of %s, got %q", strings.Join(AgencyTypes, ", "), a.Type)
		}
		if a.ValidFrom != "" && !ValidDate(a.ValidFrom) {
			v.Add(f+".valid_from", "expected a date YYYY-MM-DD, got %q", a.ValidFrom)
		}
		if a.ValidTo != "" && !ValidDate(a.ValidTo) {
			v.Add(f+".valid_to", "expected a date YYYY-MM-DD, got %q", a.ValidTo)
		}
		if a.ValidFrom != "" && a.ValidTo != "" && a.ValidTo <= a.ValidFrom {
			v.Add(f+".valid_to", "must be after valid_from (%s)", a.ValidFrom)
		}
		if a.MediaLevel != "" && !slices.Contains(MediaLevels, a.MediaLevel) {
			v.Add(f+".media_level", "expected one of %s, or nothing for an agency that does not publish, got %q", strings.Join(MediaLevels, ", "), a.MediaLevel)
		}
		if a.IsGroup() && len(a.Members) == 0 {
			v.Add(f+".members", "a group needs at least one member")
		}
		if !a.IsGroup() && len(a.Members) > 0 {
			v.Add(f+".members", "only an agency of type group has members")
		}
	}
	for i, a := range p.Agencies {
		noDuplicates(v, fmt.Sprintf("agencies[%d].members", i), a.Members)
		for j, m := range a.Members {
			f := fmt.Sprintf("agencies[%d].members[%d]", i, j)
			if ma, ok := agencies[m]; !ok {
				v.Add(f, "unknown agency %q", m)
			} else if ma.IsGroup() {
				v.Add(f, "%q is a group; groups cannot contain groups", m)
			}
		}
	}
	agencyRef := func(field, code string) {
		if _, ok := agencies[code]; !ok {
			v.Add(field, "unknown agency %q (expected a code from agencies)", code)
		}
	}

	themes := codeSet(v, "themes", len(p.Themes), func(i int) (string, string) { return p.Themes[i].Code, p.Themes[i].Name })
	channels := codeSet(v, "channels", len(p.Channels), func(i int) (string, string) { return p.Channels[i].Code, p.Channels[i].Name })

	measure := func(field, m string) {
		if strings.TrimSpace(m) == "" {
			v.Add(field, "is required")
		} else if checkMeasures && !slices.Contains(measures, m) {
			v.Add(field, "unknown measure %q; known: %s", m, strings.Join(measures, ", "))
		}
	}
	pops, sets, models := validateVocabulary(v, p)
	popRef := func(field string, g PopulationGroup) {
		if !IsBuiltinPopulation(g) && !pops[string(g)] {
			v.Add(field, "unknown population group %q (expected everyone, women, children_14_16 or a code from populations)", g)
		}
	}
	taskClauses := map[string]bool{}
	for _, t := range p.Tasks {
		taskClauses[t.Clause] = true
	}
	targetCodes := map[string]bool{}
	for i, t := range p.Targets {
		f := fmt.Sprintf("targets[%d]", i)
		if !clausePattern.MatchString(t.Code) {
			v.Add(f+".code", "expected a clause such as II.2.1, got %q", t.Code)
		} else if targetCodes[t.Code] {
			v.Add(f+".code", "target %q is defined twice", t.Code)
		}
		targetCodes[t.Code] = true
		req(f+".text", t.Text)
		unitsRef := func() {
			if t.Units != SetAllCommunes && t.Units != SetKeyAreaCommunes && !sets[string(t.Units)] {
				v.Add(f+".units", "expected %s, %s or a code from unit_sets, got %q", SetAllCommunes, SetKeyAreaCommunes, t.Units)
			}
		}
		filterAllowed, kindKnown := false, true
		switch t.Kind {
		case KindUnitShare:
			unitsRef()
			switch t.Condition {
			case CondMaterialsDeployed, CondActiveModel:
			case CondActivity:
				filterAllowed = true
			default:
				v.Add(f+".condition", "expected %s, %s or %s, got %q", CondMaterialsDeployed, CondActiveModel, CondActivity, t.Condition)
			}
		case KindPopulationShare:
			// No units is every commune (all_communes).
			if t.Units != "" {
				unitsRef()
			}
			if len(t.Populations) == 0 {
				v.Add(f+".populations", "expected at least one population group (everyone, women, children_14_16 or a code from populations)")
			}
			for j, g := range t.Populations {
				popRef(fmt.Sprintf("%s.populations[%d]", f, j), g)
			}
		case KindCount:
			filterAllowed = true
			measure(f+".measure", t.Measure)
		case KindFrequency:
			filterAllowed = true
			measure(f+".measure", t.Measure)
			if t.Per != PerWeek && t.Per != PerMonth && t.Per != PerQuarter && t.Per != PerYear {
				v.Add(f+".per", "expected week, month, quarter or year, got %q", t.Per)
			}
		case KindReported:
			// The responsible agency reports its value: only the agency
			// and milestones. A group has no focal point of its own.
			if strings.TrimSpace(t.Agency) == "" {
				v.Add(f+".agency", "is required: the agency that reports the target's value (a code from agencies)")
			} else if a, ok := agencies[t.Agency]; !ok {
				v.Add(f+".agency", "unknown agency %q (expected a code from agencies)", t.Agency)
			} else if a.IsGroup() {
				v.Add(f+".agency", "%q is a group; one agency of the group reports the target's value", t.Agency)
			}
		default:
			kindKnown = false
			v.Add(f+".kind", "expected unit_share, population_share, count, frequency or reported, got %q", t.Kind)
		}
		if t.Units != "" && (t.Kind == KindCount || t.Kind == KindFrequency || t.Kind == KindReported) {
			v.Add(f+".units", "units apply to unit_share and population_share targets only")
		}
		if t.Agency != "" && kindKnown && t.Kind != KindReported {
			v.Add(f+".agency", "agency applies to reported targets only")
		}
		if len(t.ModelTypes) > 0 && (t.Kind != KindUnitShare || t.Condition != CondActiveModel) {
			v.Add(f+".model_types", "model types apply to the %s condition of a unit_share target only", CondActiveModel)
		}
		noDuplicates(v, f+".model_types", t.ModelTypes)
		for j, m := range t.ModelTypes {
			if !models[m] {
				v.Add(fmt.Sprintf("%s.model_types[%d]", f, j), "unknown model type %q (expected a code from model_types)", m)
			}
		}
		if t.Filter != nil {
			// An empty filter keeps every activity: it is no filter.
			if !filterAllowed && !t.Filter.Empty() {
				v.Add(f+".filter", "a filter applies to count and frequency targets and to the %s condition of a unit_share target only", CondActivity)
			}
			validateFilter(v, f+".filter", t.Filter, channels, themes, taskClauses, agencies, popRef)
		}
		if t.AtLeast != 0 && t.Kind != KindFrequency {
			v.Add(f+".at_least", "at_least applies to frequency targets only")
		} else if t.AtLeast < 0 || math.IsNaN(t.AtLeast) || math.IsInf(t.AtLeast, 0) {
			v.Add(f+".at_least", "expected how many in each period, zero or more (0 or nothing means 1), got %v", t.AtLeast)
		}
		if t.From != "" && t.Kind != KindFrequency {
			v.Add(f+".from", "from applies to frequency targets only")
		} else if t.From != "" && !ValidDate(t.From) {
			v.Add(f+".from", "expected a date YYYY-MM-DD, got %q", t.From)
		}
		if t.Window != "" && t.Kind != KindCount {
			v.Add(f+".window", "window applies to count targets only")
		} else if t.Window != "" && t.Window != WindowCumulative && t.Window != WindowYear {
			v.Add(f+".window", "expected %s or %s, got %q", WindowCumulative, WindowYear, t.Window)
		}
		if t.Progress != "" && t.Progress != ProgressLinear && t.Progress != ProgressStep {
			v.Add(f+".progress", "expected %s or %s, got %q", ProgressLinear, ProgressStep, t.Progress)
		}
		if len(t.Milestones) == 0 {
			v.Add(f+".milestones", "expected at least one milestone")
		}
		lastYear := 0
		for j, m := range t.Milestones {
			mf := fmt.Sprintf("%s.milestones[%d]", f, j)
			if m.Year < p.Period.From || m.Year > p.Period.To {
				v.Add(mf+".year", "expected a year within the plan's period %d–%d, got %d", p.Period.From, p.Period.To, m.Year)
			} else if m.Year <= lastYear {
				v.Add(mf+".year", "milestones go in year order, one per year; %d comes after %d", m.Year, lastYear)
			}
			lastYear = max(lastYear, m.Year)
			if !slices.Contains(Comparators, m.Comparator) {
				v.Add(mf+".comparator", "expected one of %s, got %q", strings.Join(Comparators, " "), m.Comparator)
			}
			if math.IsNaN(m.Value) || math.IsInf(m.Value, 0) {
				v.Add(mf+".value", "expected a number, got %v", m.Value)
			} else if t.IsShare() && (m.Value < 0 || m.Value > 100) {
				v.Add(mf+".value", "expected a percentage between 0 and 100, got %v", m.Value)
			} else if !t.IsShare() && m.Value < 0 {
				v.Add(mf+".value", "expected a count of zero or more, got %v", m.Value)
			}
		}
	}

	clauses := map[string]bool{}
	for i, t := range p.Tasks {
		f := fmt.Sprintf("tasks[%d]", i)
		if !clausePattern.MatchString(t.Clause) || !strings.HasPrefix(t.Clause, "V.") {
			v.Add(f+".clause", "expected a clause of section V such as V.2.2, got %q", t.Clause)
		} else if clauses[t.Clause] {
			v.Add(f+".clause", "task %q is defined twice", t.Clause)
		}
		clauses[t.Clause] = true
		req(f+".text", t.Text)
		agencyRef(f+".agency", t.Agency)
		noDuplicates(v, f+".cooperating", t.Cooperating)
		noDuplicates(v, f+".channels", t.Channels)
		noDuplicates(v, f+".themes", t.Themes)
		for j, c := range t.Cooperating {
			agencyRef(fmt.Sprintf("%s.cooperating[%d]", f, j), c)
		}
		for j, c := range t.Channels {
			if !channels[c] {
				v.Add(fmt.Sprintf("%s.channels[%d]", f, j), "unknown channel %q (expected a code from channels)", c)
			}
		}
		for j, c := range t.Themes {
			if !themes[c] {
				v.Add(fmt.Sprintf("%s.themes[%d]", f, j), "unknown theme %q (expected a code from themes)", c)
			}
		}
		if q := t.Quantity; q != nil {
			if !slices.Contains(Comparators, q.Comparator) {
				v.Add(f+".quantity.comparator", "expected one of %s, got %q", strings.Join(Comparators, " "), q.Comparator)
			}
			if q.Value <= 0 || math.IsNaN(q.Value) || math.IsInf(q.Value, 0) {
				v.Add(f+".quantity.value", "expected a positive number, got %v", q.Value)
			}
			measure(f+".quantity.measure", q.Measure)
		}
		for j, y := range t.Years {
			if y < p.Period.From || y > p.Period.To {
				v.Add(fmt.Sprintf("%s.years[%d]", f, j), "expected a year within the plan's period %d–%d, got %d", p.Period.From, p.Period.To, y)
			}
		}
	}

	sources := map[string]bool{}
	for i, s := range p.Funding.Sources {
		f := fmt.Sprintf("funding.sources[%d]", i)
		if !codePattern.MatchString(s.Code) {
			v.Add(f+".code", "expected lowercase letters, digits and hyphens, got %q", s.Code)
		} else if sources[s.Code] {
			v.Add(f+".code", "funding source %q is defined twice", s.Code)
		}
		sources[s.Code] = true
		req(f+".name", s.Name)
	}
	if len(p.Funding.Sources) == 0 {
		v.Add("funding.sources", "expected at least one funding source")
	}

	r := p.Reporting
	req("reporting.name", r.Name)
	agencyRef("reporting.recipient", r.Recipient)
	noDuplicates(v, "reporting.reporters", r.Reporters)
	noDuplicates(v, "reporting.methods", r.Methods)
	if len(r.Reporters) == 0 {
		v.Add("reporting.reporters", "expected at least one reporting agency")
	}
	for i, c := range r.Reporters {
		agencyRef(fmt.Sprintf("reporting.reporters[%d]", i), c)
	}
	if len(r.Methods) == 0 {
		v.Add("reporting.methods", "expected paper, email or both")
	}
	for i, m := range r.Methods {
		if m != MethodPaper && m != MethodEmail {
			v.Add(fmt.Sprintf("reporting.methods[%d]", i), "expected paper or email, got %q", m)
		}
	}
	if slices.Contains(r.Methods, MethodEmail) && !emailPattern.MatchString(r.Email) {
		v.Add("reporting.email", "expected the e-mail address reports are sent to, got %q", r.Email)
	}
	if r.Frequency != "yearly" {
		v.Add("reporting.frequency", "expected yearly, got %q", r.Frequency)
	}
	if !ValidMonthDay(r.Deadline) {
		v.Add("reporting.deadline", "expected a month and day MM-DD such as 12-20, got %q", r.Deadline)
	}
	if !ValidMonthDay(r.Cutoff.From) {
		v.Add("reporting.cutoff.from", "expected MM-DD such as 12-15, got %q", r.Cutoff.From)
	}
	if !ValidMonthDay(r.Cutoff.To) {
		v.Add("reporting.cutoff.to", "expected MM-DD such as 12-14, got %q", r.Cutoff.To)
	}
	if r.Timezone == "" {
		v.Add("reporting.timezone", "is required (e.g. Asia/Ho_Chi_Minh)")
	}
	validateRounds(v, p, agencyRef)
	return v.Err()
}

func validateLegalDoc(v *ValidationError, f string, d LegalDoc) {
	if strings.TrimSpace(d.Title) == "" {
		v.Add(f+".title", "is required")
	}
	if !ValidDate(d.Date) {
		v.Add(f+".date", "expected a date YYYY-MM-DD, got %q", d.Date)
	}
}

func codeSet(v *ValidationError, list string, n int, at func(int) (code, name string)) map[string]bool {
	seen := map[string]bool{}
	for i := range n {
		code, name := at(i)
		f := fmt.Sprintf("%s[%d]", list, i)
		if !clausePattern.MatchString(code) {
			v.Add(f+".code", "expected a clause such as III.1, got %q", code)
		} else if seen[code] {
			v.Add(f+".code", "%q is defined twice", code)
		}
		seen[code] = true
		if strings.TrimSpace(name) == "" {
			v.Add(f+".name", "is required")
		}
	}
	return seen
}

var vocabPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)

// ValidCode reports whether s is a code for data-kept vocabularies:
// lowercase letters, digits, hyphens and underscores.
func ValidCode(s string) bool { return vocabPattern.MatchString(s) }

// noDuplicates reports an item listed twice, at its position.
func noDuplicates(v *ValidationError, field string, xs []string) {
	seen := map[string]bool{}
	for i, x := range xs {
		if seen[x] {
			v.Add(fmt.Sprintf("%s[%d]", field, i), "%q is listed twice", x)
		}
		seen[x] = true
	}
}

// communeTypes are the types of commune-level unit a unit set can keep
// (the units table's type of a commune, a ward, a town or a special zone).
var communeTypes = CommuneTypes

// validateVocabulary checks the plan's own population groups, unit sets
// and model types, and returns the codes of each.
func validateVocabulary(v *ValidationError, p *Plan) (pops, sets, models map[string]bool) {
	vocabCode := func(f, what, code string, seen map[string]bool, builtin bool) {
		switch {
		case !ValidCode(code):
			v.Add(f, "expected lowercase letters, digits, hyphens and underscores, got %q", code)
		case builtin:
			v.Add(f, "%q is a built-in %s; give the plan's own another code", code, what)
		case seen[code]:
			v.Add(f, "%s %q is defined twice", what, code)
		}
		seen[code] = true
	}
	req := func(f, value string) {
		if strings.TrimSpace(value) == "" {
			v.Add(f, "is required")
		}
	}

	pops = map[string]bool{}
	for i, d := range p.Populations {
		f := fmt.Sprintf("populations[%d]", i)
		vocabCode(f+".code", "population group", d.Code, pops, IsBuiltinPopulation(PopulationGroup(d.Code)))
		req(f+".name", d.Name)
		age := func(field string, a *int) bool {
			if a != nil && (*a < 0 || *a > MaxAge) {
				v.Add(f+"."+field, "expected an age from 0 to %d, got %d", MaxAge, *a)
				return false
			}
			return true
		}
		okFrom, okTo := age("age_from", d.AgeFrom), age("age_to", d.AgeTo)
		if okFrom && okTo && d.AgeFrom != nil && d.AgeTo != nil && *d.AgeFrom > *d.AgeTo {
			v.Add(f+".age_to", "expected an age not below age_from (%d), got %d", *d.AgeFrom, *d.AgeTo)
		}
		if d.Sex != "" && d.Sex != SexFemale && d.Sex != SexMale {
			v.Add(f+".sex", "expected %s or %s (or nothing for both), got %q", SexFemale, SexMale, d.Sex)
		}
		if d.AgeFrom == nil && d.AgeTo == nil && d.Sex == "" && !d.EthnicMinority {
			v.Add(f, "population group %q says nothing about whom it counts: give age_from or age_to, sex, or ethnic_minority (everyone is built in)", d.Code)
		}
	}

	sets = map[string]bool{}
	for i, d := range p.UnitSets {
		f := fmt.Sprintf("unit_sets[%d]", i)
		builtin := UnitSet(d.Code) == SetAllCommunes || UnitSet(d.Code) == SetKeyAreaCommunes
		vocabCode(f+".code", "unit set", d.Code, sets, builtin)
		req(f+".name", d.Name)
		// The unit codes name units of the database, which the store
		// knows; here only their form is checked.
		noDuplicates(v, f+".units", d.Units)
		for j, u := range d.Units {
			req(fmt.Sprintf("%s.units[%d]", f, j), u)
		}
		if d.UnitType != "" && !slices.Contains(communeTypes, d.UnitType) {
			v.Add(f+".unit_type", "expected one of %s, got %q", strings.Join(communeTypes, ", "), d.UnitType)
		}
		if len(d.Units) == 0 && d.UnitType == "" && !d.KeyAreas {
			v.Add(f, "unit set %q says nothing about which communes it keeps: give units, unit_type or key_areas (all_communes is built in)", d.Code)
		}
	}

	models = map[string]bool{}
	for i, m := range p.ModelTypes {
		f := fmt.Sprintf("model_types[%d]", i)
		vocabCode(f+".code", "model type", m.Code, models, false)
		req(f+".name", m.Name)
	}
	return pops, sets, models
}

// validateFilter checks that every value a filter lists exists in the
// plan (or, for agency types and media levels, in their fixed lists).
func validateFilter(v *ValidationError, f string, flt *Filter, channels, themes, tasks map[string]bool, agencies map[string]Agency, popRef func(string, PopulationGroup)) {
	refs := func(list string, xs []string, ok func(string) bool, format string) {
		noDuplicates(v, f+"."+list, xs)
		for j, x := range xs {
			if !ok(x) {
				v.Add(fmt.Sprintf("%s.%s[%d]", f, list, j), format, x)
			}
		}
	}
	refs("channels", flt.Channels, func(c string) bool { return channels[c] }, "unknown channel %q (expected a code from channels)")
	refs("themes", flt.Themes, func(c string) bool { return themes[c] }, "unknown theme %q (expected a code from themes)")
	refs("tasks", flt.Tasks, func(c string) bool { return tasks[c] }, "unknown task %q (expected a clause from tasks)")
	refs("agencies", flt.Agencies, func(c string) bool { _, ok := agencies[c]; return ok }, "unknown agency %q (expected a code from agencies)")
	refs("agency_types", flt.AgencyTypes, func(c string) bool { return slices.Contains(AgencyTypes, c) },
		"unknown agency type %q (expected one of "+strings.Join(AgencyTypes, ", ")+")")
	refs("media_levels", flt.MediaLevels, func(c string) bool { return slices.Contains(MediaLevels, c) },
		"unknown media level %q (expected one of "+strings.Join(MediaLevels, ", ")+")")
	if flt.Audience != "" {
		popRef(f+".audience", flt.Audience)
	}
}
