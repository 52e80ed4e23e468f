package outreach

// A plan states its own vocabulary beside the built-in one: the
// population groups its targets count people in, the sets of units its
// shares range over and the types of prevention model it distinguishes.
// Targets refer to them by code (docs/plan-format.md, docs/indicators.md).

// PopulationDef is a population group a plan defines: an age range, a
// sex and ethnic-minority status, alone or combined. Its denominator is
// estimated from the census (docs/indicators.md, "Population groups").
type PopulationDef struct {
	Code string `yaml:"code" json:"code"`
	Name string `yaml:"name" json:"name"`
	// AgeFrom and AgeTo bound the ages, both included; nil for no bound.
	AgeFrom *int `yaml:"age_from,omitempty" json:"age_from,omitempty"`
	AgeTo   *int `yaml:"age_to,omitempty" json:"age_to,omitempty"`
	// Sex is SexFemale, SexMale or "" for both.
	Sex string `yaml:"sex,omitempty" json:"sex,omitempty"`
	// EthnicMinority restricts the group to ethnic minorities.
	EthnicMinority bool `yaml:"ethnic_minority,omitempty" json:"ethnic_minority,omitempty"`
}

// Sexes a population group can be restricted to.
const (
	SexFemale = "female"
	SexMale   = "male"
)

// MaxAge is the oldest age a population group can name (the census's
// last group is 85 and over).
const MaxAge = 120

// UnitSetDef is a set of communes a plan defines: the communes under the
// listed units (any level), those of a type ("Xã", "Phường", "Thị trấn"),
// and with KeyAreas only those that are key areas of the year; the
// conditions given all hold.
type UnitSetDef struct {
	Code     string   `yaml:"code" json:"code"`
	Name     string   `yaml:"name" json:"name"`
	Units    []string `yaml:"units,omitempty" json:"units,omitempty"`
	UnitType string   `yaml:"unit_type,omitempty" json:"unit_type,omitempty"`
	KeyAreas bool     `yaml:"key_areas,omitempty" json:"key_areas,omitempty"`
}

// ModelType is a type of prevention model a plan distinguishes (mô hình
// chuyên sâu, mô hình lồng ghép…).
type ModelType struct {
	Code string `yaml:"code" json:"code"`
	Name string `yaml:"name" json:"name"`
}

// Filter selects the activities a count, a frequency or an activity
// condition counts: every list given must contain the activity's value
// (its channel, one of its themes, its task, its agency, the agency's
// type, the agency's media level); Audience, when set, keeps the
// activities that recorded reaching someone of that population group.
type Filter struct {
	Channels    []string        `yaml:"channels,omitempty" json:"channels,omitempty"`
	Themes      []string        `yaml:"themes,omitempty" json:"themes,omitempty"`
	Tasks       []string        `yaml:"tasks,omitempty" json:"tasks,omitempty"`
	Agencies    []string        `yaml:"agencies,omitempty" json:"agencies,omitempty"`
	AgencyTypes []string        `yaml:"agency_types,omitempty" json:"agency_types,omitempty"`
	MediaLevels []string        `yaml:"media_levels,omitempty" json:"media_levels,omitempty"`
	Audience    PopulationGroup `yaml:"audience,omitempty" json:"audience,omitempty"`
}

// Empty reports whether the filter keeps every activity.
func (f *Filter) Empty() bool {
	return f == nil || len(f.Channels)+len(f.Themes)+len(f.Tasks)+len(f.Agencies)+len(f.AgencyTypes)+len(f.MediaLevels) == 0 && f.Audience == ""
}

// Media levels: an attribute of an agency that publishes (central,
// provincial or local mass media).
const (
	MediaCentral    = "central"
	MediaProvincial = "provincial"
	MediaLocal      = "local"
)

// MediaLevels lists the valid media levels.
var MediaLevels = []string{MediaCentral, MediaProvincial, MediaLocal}

// Windows of a count target.
const (
	// WindowCumulative counts from the plan's start to the end of the
	// year (the default).
	WindowCumulative = "cumulative"
	// WindowYear counts within the year only.
	WindowYear = "year"
)

// Progress rules: how a target's expected value runs between milestones.
const (
	// ProgressLinear: on a straight line from the previous milestone (or
	// zero before the plan's first year) to the next (the default).
	ProgressLinear = "linear"
	// ProgressStep: the previous milestone's value (zero before the
	// first) until the next milestone's year.
	ProgressStep = "step"
)

// Conditions beside CondMaterialsDeployed and CondActiveModel.
const (
	// CondActivity: the commune had at least one activity the target's
	// filter keeps, by the end of the year.
	CondActivity = "activity"
)

// PerWeek is the week (ISO 8601) period of frequency targets.
const PerWeek = "week"

// KindReported is a target no record can compute ("100 % of tip-offs
// handled"): the responsible agency reports its value per period and the
// coordinator accepts it.
const KindReported TargetKind = "reported"

// builtinPopulations are the groups activities record in fixed fields.
var builtinPopulations = []PopulationGroup{PopEveryone, PopWomen, PopChildren1416}

// IsBuiltinPopulation reports whether a group is recorded in an
// activity's fixed audience fields.
func IsBuiltinPopulation(g PopulationGroup) bool {
	for _, b := range builtinPopulations {
		if b == g {
			return true
		}
	}
	return false
}

// Population returns the plan's definition of a group it defines.
func (p *Plan) Population(code PopulationGroup) (PopulationDef, bool) {
	for _, d := range p.Populations {
		if d.Code == string(code) {
			return d, true
		}
	}
	return PopulationDef{}, false
}

// UnitSetDef returns the plan's definition of a set it defines.
func (p *Plan) UnitSetDef(code UnitSet) (UnitSetDef, bool) {
	for _, d := range p.UnitSets {
		if d.Code == string(code) {
			return d, true
		}
	}
	return UnitSetDef{}, false
}

// AudienceGroups lists the plan-defined population groups activities
// must record a figure for: those its population-share targets count and
// its filters name (the activity form asks for these only).
func (p *Plan) AudienceGroups() []PopulationDef {
	need := map[PopulationGroup]bool{}
	for _, t := range p.Targets {
		for _, g := range t.Populations {
			need[g] = true
		}
		if t.Filter != nil && t.Filter.Audience != "" {
			need[t.Filter.Audience] = true
		}
	}
	var out []PopulationDef
	for _, d := range p.Populations {
		if need[PopulationGroup(d.Code)] {
			out = append(out, d)
		}
	}
	return out
}
