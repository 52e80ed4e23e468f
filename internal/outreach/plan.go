package outreach

import "math"

// Plan is a communication plan as its decision approves it: the decision
// itself, purposes (section I), objectives and measurable targets (II),
// themes (III), channels or forms (IV), agencies and their tasks (V),
// funding and the reporting regime (VI). Field names are the plan file's
// keys (docs/plan-format.md documents each one).
type Plan struct {
	// Code identifies the plan in URLs, the CLI and files: lowercase
	// letters, digits and hyphens.
	Code  string `yaml:"code" json:"code"`
	Title string `yaml:"title" json:"title"`
	// Scope is the code of the unit the plan covers: the country ("VN")
	// for a ministry's plan, a province's GSO code for a provincial one,
	// a district's for a district's.
	Scope string `yaml:"scope,omitempty" json:"scope"`
	// Province is the key files written before plans of any scope used
	// for Scope; Validate moves it there.
	Province string `yaml:"province,omitempty" json:"-"`
	// Parent is the code of the plan this one serves (a province's plan
	// serves the ministry's Đề án): the parent's targets count the records
	// of every plan that serves them.
	Parent string `yaml:"parent,omitempty" json:"parent,omitempty"`
	// Period is the span of years the plan runs over.
	Period   Period   `yaml:"period" json:"period"`
	Decision Decision `yaml:"decision" json:"decision"`
	// Preamble is the plan's opening paragraph, before section I.
	Preamble string `yaml:"preamble,omitempty" json:"preamble,omitempty"`
	// Purposes are the paragraphs of section I (Mục đích, yêu cầu).
	Purposes []string `yaml:"purposes" json:"purposes"`
	// GeneralObjective is section II.1.
	GeneralObjective string   `yaml:"general_objective" json:"general_objective"`
	Targets          []Target `yaml:"targets" json:"targets"`
	// Populations, UnitSets and ModelTypes are the plan's own vocabulary
	// (vocab.go): groups, sets of communes and model types its targets
	// name beside the built-in ones.
	Populations []PopulationDef `yaml:"populations,omitempty" json:"populations,omitempty"`
	UnitSets    []UnitSetDef    `yaml:"unit_sets,omitempty" json:"unit_sets,omitempty"`
	ModelTypes  []ModelType     `yaml:"model_types,omitempty" json:"model_types,omitempty"`
	Themes      []Theme         `yaml:"themes" json:"themes"`
	Channels    []Channel       `yaml:"channels" json:"channels"`
	Agencies    []Agency        `yaml:"agencies" json:"agencies"`
	Tasks       []Task          `yaml:"tasks" json:"tasks"`
	Funding     Funding         `yaml:"funding" json:"funding"`
	Reporting   Reporting       `yaml:"reporting" json:"reporting"`
	// Closing is the plan's last paragraph.
	Closing string `yaml:"closing,omitempty" json:"closing,omitempty"`
}

// Period is a span of whole years, both included.
type Period struct {
	From int `yaml:"from" json:"from"`
	To   int `yaml:"to" json:"to"`
}

// Years lists the years of the period in order.
func (p Period) Years() []int {
	var ys []int
	for y := p.From; y <= p.To; y++ {
		ys = append(ys, y)
	}
	return ys
}

// Decision is the legal act that approved the plan.
type Decision struct {
	Number string `yaml:"number" json:"number"`
	Date   string `yaml:"date" json:"date"`
	Issuer string `yaml:"issuer" json:"issuer"`
	Title  string `yaml:"title" json:"title"`
	// SignerTitle is how the signature block names the signer's capacity,
	// e.g. "TM. Ủy ban nhân dân, KT. Chủ tịch".
	SignerTitle string     `yaml:"signer_title" json:"signer_title"`
	LegalBases  []LegalDoc `yaml:"legal_bases" json:"legal_bases"`
	// Proposal is the submission the decision answers ("Xét đề nghị của…").
	Proposal *LegalDoc `yaml:"proposal,omitempty" json:"proposal,omitempty"`
	// Articles are the decision's articles (Điều 1, 2, 3…), in order.
	Articles []string `yaml:"articles,omitempty" json:"articles,omitempty"`
	// Recipients is the "Nơi nhận" list.
	Recipients []string `yaml:"recipients,omitempty" json:"recipients,omitempty"`
}

// LegalDoc is a legal document cited by number, date and issuer. A law
// cited without its number has Number empty.
type LegalDoc struct {
	Number string `yaml:"number,omitempty" json:"number,omitempty"`
	Date   string `yaml:"date" json:"date"`
	Issuer string `yaml:"issuer,omitempty" json:"issuer,omitempty"`
	Title  string `yaml:"title,omitempty" json:"title,omitempty"`
}

// TargetKind says how a target is computed.
type TargetKind string

// Target kinds.
const (
	// KindUnitShare is the share of a set of units meeting a condition.
	KindUnitShare TargetKind = "unit_share"
	// KindPopulationShare is the share of a population group reached.
	KindPopulationShare TargetKind = "population_share"
	// KindCount is a count of something against a quantified goal.
	KindCount TargetKind = "count"
	// KindFrequency is how often something happens (e.g. at least once a
	// month), measured as the share of periods in which it happened.
	KindFrequency TargetKind = "frequency"
)

// UnitSet names a set of units a target ranges over.
type UnitSet string

// Unit sets.
const (
	// SetAllCommunes is every commune-level unit of the plan's province.
	SetAllCommunes UnitSet = "all_communes"
	// SetKeyAreaCommunes is the communes marked as key areas for the year.
	SetKeyAreaCommunes UnitSet = "key_area_communes"
)

// Conditions a unit can meet for a unit-share target.
const (
	// CondMaterialsDeployed: the commune received and deployed guidance and
	// behaviour-change materials.
	CondMaterialsDeployed = "materials_received_and_deployed"
	// CondActiveModel: the commune has an active in-depth prevention model.
	CondActiveModel = "active_prevention_model"
)

// PopulationGroup names a population a target counts people in.
type PopulationGroup string

// Population groups.
const (
	PopEveryone     PopulationGroup = "everyone"
	PopWomen        PopulationGroup = "women"
	PopChildren1416 PopulationGroup = "children_14_16"
)

// Frequency periods for frequency targets.
const (
	PerMonth   = "month"
	PerQuarter = "quarter"
	PerYear    = "year"
)

// Target is one measurable target of section II, with the definition the
// indicator engine computes and the milestones it is judged against.
type Target struct {
	// Code is the target's clause, e.g. "II.2.1" (section II, item 2,
	// first dash). It is the target's identity across re-imports.
	Code string `yaml:"code" json:"code"`
	// Text is the target as the decision words it.
	Text string     `yaml:"text" json:"text"`
	Kind TargetKind `yaml:"kind" json:"kind"`
	// Agency is the responsible agency of a reported target (a code of
	// the plan's agencies): its focal point reports the target's value for
	// each report period, and the coordinators accept it.
	Agency string `yaml:"agency,omitempty" json:"agency,omitempty"`
	// Units and Condition define a unit_share target.
	Units     UnitSet `yaml:"units,omitempty" json:"units,omitempty"`
	Condition string  `yaml:"condition,omitempty" json:"condition,omitempty"`
	// Populations define a population_share target: the first is the
	// headline, the others are the groups the text singles out.
	Populations []PopulationGroup `yaml:"populations,omitempty" json:"populations,omitempty"`
	// Measure is what a count or frequency target counts (a quantity kind
	// such as "schools" or "news_items").
	Measure string `yaml:"measure,omitempty" json:"measure,omitempty"`
	// Per is the period of a frequency target (week, month, quarter,
	// year).
	Per string `yaml:"per,omitempty" json:"per,omitempty"`
	// AtLeast is how many a frequency target asks for in each period (1
	// when not given).
	AtLeast float64 `yaml:"at_least,omitempty" json:"at_least,omitempty"`
	// From is the day a frequency target counts from (default: the
	// decision's date).
	From string `yaml:"from,omitempty" json:"from,omitempty"`
	// Filter selects the activities a count or frequency target counts,
	// or an activity condition asks for.
	Filter *Filter `yaml:"filter,omitempty" json:"filter,omitempty"`
	// ModelTypes restricts an active_prevention_model condition to
	// models of these types (any type when empty).
	ModelTypes []string `yaml:"model_types,omitempty" json:"model_types,omitempty"`
	// Window is a count's: cumulative (default) or year.
	Window string `yaml:"window,omitempty" json:"window,omitempty"`
	// Progress is how the expected value runs between milestones:
	// linear (default) or step.
	Progress   string      `yaml:"progress,omitempty" json:"progress,omitempty"`
	Milestones []Milestone `yaml:"milestones" json:"milestones"`
	// Parent is the code of the parent plan's target this one serves
	// (the same indicator, counted there from every plan serving it).
	Parent string `yaml:"parent,omitempty" json:"parent,omitempty"`
}

// IsShare reports whether the target's value is a percentage.
func (t Target) IsShare() bool {
	return t.Kind == KindUnitShare || t.Kind == KindPopulationShare || t.Kind == KindFrequency
}

// Comparators a milestone can use.
var Comparators = []string{">=", ">", "=", "<=", "<"}

// Milestone is the value a target must reach by the end of a year.
type Milestone struct {
	Year       int     `yaml:"year" json:"year"`
	Comparator string  `yaml:"comparator" json:"comparator"`
	Value      float64 `yaml:"value" json:"value"`
}

// Met reports whether value satisfies the milestone. Targets are
// cumulative ("by 2020, 100 %"; "in 02 districts"), so "=" is reached once
// the value gets there: going beyond it meets it too. Comparisons allow for
// the rounding of figures split between places (3.9999999999 schools).
func (m Milestone) Met(value float64) bool {
	eps := 1e-9 * math.Max(1, math.Abs(m.Value))
	switch m.Comparator {
	case ">=", "=":
		return value >= m.Value-eps
	case ">":
		return value > m.Value+eps
	case "<=":
		return value <= m.Value+eps
	case "<":
		return value < m.Value-eps
	}
	return false
}

// Theme is one content item of section III.
type Theme struct {
	Code string `yaml:"code" json:"code"`
	// Name is a short label for lists; Text is the item as written.
	Name string `yaml:"name" json:"name"`
	Text string `yaml:"text" json:"text"`
}

// Channel is one form of communication of section IV.
type Channel struct {
	Code string `yaml:"code" json:"code"`
	Name string `yaml:"name" json:"name"`
	Text string `yaml:"text" json:"text"`
}

// Task is one assignment of section V: an item's dash, or an item's single
// paragraph.
type Task struct {
	// Clause locates the task: "V.2.2" is section V, item 2, second dash;
	// "V.8" an item without dashes. It is the task's identity.
	Clause string `yaml:"clause" json:"clause"`
	Text   string `yaml:"text" json:"text"`
	// Agency is the code of the agency (or group) the item is addressed to.
	Agency string `yaml:"agency" json:"agency"`
	// Cooperating lists the agencies the text says the task is done with.
	Cooperating []string `yaml:"cooperating,omitempty" json:"cooperating,omitempty"`
	// Channels and Themes are the codes of section IV and III items the
	// task clearly falls under; records of the task propose them.
	Channels []string `yaml:"channels,omitempty" json:"channels,omitempty"`
	Themes   []string `yaml:"themes,omitempty" json:"themes,omitempty"`
	// Quantity is the quantified goal when the text gives one.
	Quantity *Quantity `yaml:"quantity,omitempty" json:"quantity,omitempty"`
	// Years are the years the text says the task happens in; empty means
	// throughout the plan.
	Years []int `yaml:"years,omitempty" json:"years,omitempty"`
}

// Quantity is a quantified goal such as "at least 04 schools".
type Quantity struct {
	Comparator string  `yaml:"comparator" json:"comparator"`
	Value      float64 `yaml:"value" json:"value"`
	// Measure is what is counted: a quantity kind such as "schools" or
	// "districts".
	Measure string `yaml:"measure" json:"measure"`
}

// Funding is section VI.1: where the money comes from and the rules.
type Funding struct {
	Clause  string          `yaml:"clause" json:"clause"`
	Sources []FundingSource `yaml:"sources" json:"sources"`
	Rules   []string        `yaml:"rules" json:"rules"`
}

// FundingSource is one source of money records and estimates can name.
type FundingSource struct {
	Code string `yaml:"code" json:"code"`
	Name string `yaml:"name" json:"name"`
}

// Reporting methods.
const (
	MethodPaper = "paper"
	MethodEmail = "email"
)

// Reporting is section VI.2: who reports what, to whom, how, how often and
// by when.
type Reporting struct {
	Clause string `yaml:"clause" json:"clause"`
	// Text is the section as written.
	Text string `yaml:"text" json:"text"`
	// Name and Content are the report's name and what it covers.
	Name    string `yaml:"name" json:"name"`
	Content string `yaml:"content" json:"content"`
	// ReportersText is how the text names who reports; Reporters lists
	// those agencies' (or groups') codes.
	ReportersText string   `yaml:"reporters_text" json:"reporters_text"`
	Reporters     []string `yaml:"reporters" json:"reporters"`
	// Recipient is the code of the agency that consolidates.
	Recipient string   `yaml:"recipient" json:"recipient"`
	Methods   []string `yaml:"methods" json:"methods"`
	Email     string   `yaml:"email,omitempty" json:"email,omitempty"`
	// Frequency is "yearly" (the only one the regime knows so far).
	Frequency string `yaml:"frequency" json:"frequency"`
	// Deadline is the yearly deadline as MM-DD, end of that day in Timezone.
	Deadline string `yaml:"deadline" json:"deadline"`
	Cutoff   Cutoff `yaml:"cutoff" json:"cutoff"`
	Timezone string `yaml:"timezone" json:"timezone"`
	// Rounds are the reports the regime asks for beside the annual one
	// (six-month, end-of-period), each with its window and deadline.
	Rounds []RoundRule `yaml:"rounds,omitempty" json:"rounds,omitempty"`
}

// Cutoff is the window of data a yearly report covers: From (MM-DD) of the
// previous year to To (MM-DD) of the report's year, both included.
type Cutoff struct {
	From string `yaml:"from" json:"from"`
	To   string `yaml:"to" json:"to"`
	// Basis names where the window comes from.
	Basis string `yaml:"basis" json:"basis"`
	// Default is true when the plan itself sets no window and the basis's
	// default applies.
	Default bool `yaml:"default" json:"default"`
}

// Agency types.
const (
	AgencyDepartment        = "department"         // sở, ban, ngành
	AgencyUnion             = "union"              // đoàn thể
	AgencyPolice            = "police"             // công an
	AgencyPress             = "press"              // cơ quan báo chí
	AgencyParty             = "party"              // cơ quan Đảng
	AgencyPeoplesCommittee  = "peoples_committee"  // ủy ban nhân dân
	AgencyDistrictCommittee = "district_committee" // UBND cấp huyện
	AgencyGroup             = "group"              // a group the plan addresses as one
)

// AgencyTypes lists the valid agency types.
var AgencyTypes = []string{AgencyDepartment, AgencyUnion, AgencyPolice, AgencyPress, AgencyParty, AgencyPeoplesCommittee, AgencyDistrictCommittee, AgencyGroup}

// Agency is a body the plan gives tasks to, or a group of them that the
// plan addresses as one ("Các cơ quan báo chí của tỉnh").
type Agency struct {
	Code      string `yaml:"code" json:"code"`
	Name      string `yaml:"name" json:"name"`
	ShortName string `yaml:"short_name,omitempty" json:"short_name,omitempty"`
	Type      string `yaml:"type" json:"type"`
	// MediaLevel is the level of mass media an agency that publishes
	// belongs to (central, provincial, local); empty for others.
	MediaLevel string `yaml:"media_level,omitempty" json:"media_level,omitempty"`
	// Unit is the GSO code of the administrative unit the agency belongs
	// to, for local bodies such as a district's People's Committee.
	Unit      string `yaml:"unit,omitempty" json:"unit,omitempty"`
	ValidFrom string `yaml:"valid_from,omitempty" json:"valid_from,omitempty"`
	ValidTo   string `yaml:"valid_to,omitempty" json:"valid_to,omitempty"`
	// Members are the codes of a group's agencies.
	Members []string `yaml:"members,omitempty" json:"members,omitempty"`
	Note    string   `yaml:"note,omitempty" json:"note,omitempty"`
}

// IsGroup reports whether the agency is a group of agencies.
func (a Agency) IsGroup() bool { return a.Type == AgencyGroup }

// Agency returns the agency with the code, or false.
func (p *Plan) Agency(code string) (Agency, bool) {
	for _, a := range p.Agencies {
		if a.Code == code {
			return a, true
		}
	}
	return Agency{}, false
}

// RenameAgencies gives the plan's agencies new codes, everywhere the plan
// names them (members, tasks, cooperating agencies, the reporting regime):
// a plan copied for another province, whose agencies are its own.
func (p *Plan) RenameAgencies(rename func(code string) string) {
	all := func(codes []string) {
		for i := range codes {
			codes[i] = rename(codes[i])
		}
	}
	for i := range p.Agencies {
		p.Agencies[i].Code = rename(p.Agencies[i].Code)
		all(p.Agencies[i].Members)
	}
	for i := range p.Tasks {
		p.Tasks[i].Agency = rename(p.Tasks[i].Agency)
		all(p.Tasks[i].Cooperating)
	}
	p.Reporting.Recipient = rename(p.Reporting.Recipient)
	for i := range p.Reporting.Rounds {
		if c := p.Reporting.Rounds[i].Recipient; c != "" {
			p.Reporting.Rounds[i].Recipient = rename(c)
		}
	}
	all(p.Reporting.Reporters)
	for i := range p.Targets {
		t := &p.Targets[i]
		if t.Agency != "" {
			t.Agency = rename(t.Agency)
		}
		if t.Filter != nil {
			all(t.Filter.Agencies)
		}
	}
}

// Target returns the target with the code, or false.
func (p *Plan) Target(code string) (Target, bool) {
	for _, t := range p.Targets {
		if t.Code == code {
			return t, true
		}
	}
	return Target{}, false
}

// Task returns the task with the clause, or false.
func (p *Plan) Task(clause string) (Task, bool) {
	for _, t := range p.Tasks {
		if t.Clause == clause {
			return t, true
		}
	}
	return Task{}, false
}

// TasksOf returns the tasks addressed to the agency code, in order.
func (p *Plan) TasksOf(code string) []Task {
	var ts []Task
	for _, t := range p.Tasks {
		if t.Agency == code {
			ts = append(ts, t)
		}
	}
	return ts
}

// yamlNumber writes whole numbers without a decimal point, as people write
// them in plan files ("value: 75", not "value: 75.0").
func yamlNumber(v float64) any {
	if v == float64(int64(v)) {
		return int64(v)
	}
	return v
}

// MarshalYAML writes a milestone with its value as people write it.
func (m Milestone) MarshalYAML() (any, error) {
	return struct {
		Year       int    `yaml:"year"`
		Comparator string `yaml:"comparator"`
		Value      any    `yaml:"value"`
	}{m.Year, m.Comparator, yamlNumber(m.Value)}, nil
}

// MarshalYAML writes a quantity with its value as people write it.
func (q Quantity) MarshalYAML() (any, error) {
	return struct {
		Comparator string `yaml:"comparator"`
		Value      any    `yaml:"value"`
		Measure    string `yaml:"measure"`
	}{q.Comparator, yamlNumber(q.Value), q.Measure}, nil
}
