package web

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"outreach/internal/i18n"
	"outreach/internal/outreach"
	"outreach/internal/store"
	"outreach/internal/tabular"
)

// planFor picks the plan a records page is about: ?plan=CODE, or the only
// (newest) plan.
func (s *Server) planFor(r *http.Request) (*outreach.Plan, error) {
	code := r.URL.Query().Get("plan")
	if code == "" && r.PostForm != nil {
		// A form's plan, once the form is parsed; upload routes take the
		// plan from the address only, before their body is read.
		code = r.PostForm.Get("plan")
	}
	if code == "" {
		ps, err := s.store.PlansFor(r.Context(), currentActor(r))
		if err != nil {
			return nil, err
		}
		if len(ps) == 0 {
			return nil, fmt.Errorf("no plan: %w", outreach.ErrNotFound)
		}
		code = ps[0].Code
	}
	return s.store.Plan(r.Context(), code)
}

// unitOption is one code in a picker, with the names it had.
type unitOption struct {
	Code  string
	Label string
}

// unitGroup is a district's communes in a picker.
type unitGroup struct {
	Label   string
	Options []unitOption
}

// communeGroups lists the communes that existed during the plan, grouped
// by district, one option per code with every name the code had then.
func (s *Server) communeGroups(r *http.Request, p *outreach.Plan) ([]unitGroup, error) {
	us, err := s.store.PlanUnits(r.Context(), p.Code)
	if err != nil {
		return nil, err
	}
	from, to := fmt.Sprintf("%d-01-01", p.Period.From), fmt.Sprintf("%d-12-31", p.Period.To)
	districtName := map[string]string{}
	names := map[string][]string{}
	parent := map[string]string{}
	var order []string
	for _, u := range us {
		if !(u.ValidFrom == "" || u.ValidFrom <= to) || !(u.ValidTo == "" || u.ValidTo > from) {
			continue
		}
		switch u.Level {
		case outreach.LevelDistrict:
			districtName[u.Code] = u.Name
			// A district-level activity can be recorded against the
			// district itself.
			if _, seen := names[u.Code]; !seen {
				order = append(order, u.Code)
				parent[u.Code] = u.Code
				names[u.Code] = []string{"Toàn địa bàn " + u.Name}
			}
		case outreach.LevelCommune:
			if _, seen := names[u.Code]; !seen {
				order = append(order, u.Code)
				parent[u.Code] = u.ParentCode
			}
			label := u.Name
			if u.ValidFrom > from {
				label += " (từ " + i18nDate(u.ValidFrom) + ")"
			} else if u.ValidTo != "" && u.ValidTo <= to {
				label += " (đến " + i18nDate(u.ValidTo) + ")"
			}
			names[u.Code] = append(names[u.Code], label)
		}
	}
	byDistrict := map[string]*unitGroup{}
	var groups []*unitGroup
	for _, code := range order {
		d := parent[code]
		g, ok := byDistrict[d]
		if !ok {
			g = &unitGroup{Label: districtName[d]}
			byDistrict[d] = g
			groups = append(groups, g)
		}
		g.Options = append(g.Options, unitOption{Code: code, Label: strings.Join(names[code], " → ") + " · " + code})
	}
	out := make([]unitGroup, len(groups))
	for i, g := range groups {
		out[i] = *g
	}
	return out, nil
}

func i18nDate(d string) string {
	if len(d) == 10 {
		return d[8:10] + "/" + d[5:7] + "/" + d[:4]
	}
	return d
}

// activityForm is what the form holds, kept as typed so a refused form
// comes back as the user left it.
type activityForm struct {
	ID                                  int64
	Agency                              string
	Task                                string
	Channel                             string
	Themes                              map[string]bool
	Title                               string
	Description                         string
	StartDate                           string
	EndDate                             string
	WholeProvince                       bool
	Units                               map[string]bool
	Quantities                          map[string]string
	Total, Women, Men, Children, Ethnic string
	Cost                                string
	FundingSource                       string
	Links                               string
	Notes                               string
	// Groups holds the figures of the plan-defined audience groups, by
	// code, as typed.
	Groups map[string]string
}

func formFromActivity(a outreach.Activity) activityForm {
	f := activityForm{ID: a.ID, Agency: a.Agency, Task: a.Task, Channel: a.Channel, Themes: map[string]bool{}, Title: a.Title, Description: a.Description,
		StartDate: a.StartDate, EndDate: a.EndDate, WholeProvince: a.WholeProvince, Units: map[string]bool{}, Quantities: map[string]string{},
		FundingSource: a.FundingSource, Links: strings.Join(a.Links, "\n"), Notes: a.Notes}
	for _, t := range a.Themes {
		f.Themes[t] = true
	}
	for _, u := range a.Units {
		f.Units[u] = true
	}
	for _, q := range a.Quantities {
		// A decimal comma: parseActivityForm reads "1.234" as 1234.
		f.Quantities[q.Kind] = strings.Replace(strconv.FormatFloat(q.Value, 'f', -1, 64), ".", ",", 1)
	}
	num := func(p *int64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatInt(*p, 10)
	}
	au := a.Audience
	f.Total, f.Women, f.Men, f.Children, f.Ethnic = num(au.Total), num(au.Women), num(au.Men), num(au.Children1416), num(au.EthnicMinority)
	for code, n := range au.Groups {
		if f.Groups == nil {
			f.Groups = map[string]string{}
		}
		f.Groups[code] = strconv.FormatInt(n, 10)
	}
	if a.Cost != 0 {
		f.Cost = strconv.FormatInt(a.Cost, 10)
	}
	return f
}

// parseActivityForm reads the form; problems with numbers are reported in
// the user's terms before the store sees anything.
func parseActivityForm(r *http.Request, plan string, kinds []outreach.QuantityKind) (activityForm, outreach.Activity, *outreach.ValidationError) {
	r.ParseForm()
	pf := r.PostForm
	f := activityForm{Agency: pf.Get("agency"), Task: pf.Get("task"), Channel: pf.Get("channel"), Themes: map[string]bool{}, Title: pf.Get("title"),
		Description: strings.TrimSpace(pf.Get("description")), StartDate: pf.Get("start_date"), EndDate: pf.Get("end_date"),
		WholeProvince: pf.Get("whole_province") == "on", Units: map[string]bool{}, Quantities: map[string]string{},
		Total: pf.Get("aud_total"), Women: pf.Get("aud_women"), Men: pf.Get("aud_men"), Children: pf.Get("aud_children"), Ethnic: pf.Get("aud_ethnic"),
		Cost: pf.Get("cost"), FundingSource: pf.Get("funding_source"), Links: pf.Get("links"), Notes: strings.TrimSpace(pf.Get("notes"))}
	a := outreach.Activity{Plan: plan, Agency: f.Agency, Task: f.Task, Channel: f.Channel, Title: f.Title, Description: f.Description,
		StartDate: f.StartDate, EndDate: f.EndDate, WholeProvince: f.WholeProvince, FundingSource: f.FundingSource, Notes: f.Notes}
	for _, t := range pf["themes"] {
		f.Themes[t] = true
		a.Themes = append(a.Themes, t)
	}
	for _, u := range pf["units"] {
		if !f.Units[u] {
			f.Units[u] = true
			a.Units = append(a.Units, u)
		}
	}
	v := &outreach.ValidationError{}
	for _, k := range kinds {
		raw := strings.TrimSpace(pf.Get("q_" + k.Code))
		if raw == "" {
			continue
		}
		f.Quantities[k.Code] = raw
		n, err := tabular.ParseNumber(raw)
		if err != nil {
			v.Add("q_"+k.Code, "%s", err.Error())
			continue
		}
		a.Quantities = append(a.Quantities, outreach.ActivityQuantity{Kind: k.Code, Value: n})
	}
	people := func(field, raw string) *int64 {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			return nil
		}
		n, err := tabular.ParseInt(raw)
		if err != nil {
			v.Add(field, "%s", err.Error())
			return nil
		}
		return &n
	}
	a.Audience = outreach.Audience{Total: people("audience.total", f.Total), Women: people("audience.women", f.Women), Men: people("audience.men", f.Men),
		Children1416: people("audience.children_14_16", f.Children), EthnicMinority: people("audience.ethnic_minority", f.Ethnic)}
	if c := strings.TrimSpace(f.Cost); c != "" {
		n, err := tabular.ParseInt(c)
		if err != nil {
			v.Add("cost", "%s", err.Error())
		}
		a.Cost = n
	}
	for _, l := range strings.Fields(strings.ReplaceAll(f.Links, ";", " ")) {
		a.Links = append(a.Links, l)
	}
	return f, a, v
}

// parseAudienceGroups reads the figures of the plan's audience groups
// (inputs aud_group_CODE) into the form and the activity; a group the
// plan does not ask for is not read.
func parseAudienceGroups(r *http.Request, groups []outreach.PopulationDef, f *activityForm, a *outreach.Activity, v *outreach.ValidationError) {
	for _, g := range groups {
		raw := strings.TrimSpace(r.PostForm.Get("aud_group_" + g.Code))
		if raw == "" {
			continue
		}
		if f.Groups == nil {
			f.Groups = map[string]string{}
		}
		f.Groups[g.Code] = raw
		n, err := tabular.ParseInt(raw)
		if err != nil {
			v.Add("audience.groups."+g.Code, "%s", err.Error())
			continue
		}
		if a.Audience.Groups == nil {
			a.Audience.Groups = map[string]int64{}
		}
		a.Audience.Groups[g.Code] = n
	}
}

type activityFormPage struct {
	Page
	Plan     *outreach.Plan
	Agencies []outreach.Agency
	Kinds    []outreach.QuantityKind
	Groups   []unitGroup
	// AudienceGroups are the plan-defined population groups the form
	// asks a figure for (outreach.Plan.AudienceGroups).
	AudienceGroups []outreach.PopulationDef
	Form           activityForm
	Problems       map[string]string
}

func (s *Server) activityFormData(r *http.Request, p *outreach.Plan, f activityForm) (activityFormPage, error) {
	pg := activityFormPage{Page: s.page(r, "activity.new", "activities"), Plan: p, Form: f, AudienceGroups: p.AudienceGroups()}
	if f.ID != 0 {
		pg.Title = pg.T("activity.edit")
	}
	actor := currentActor(r)
	own, err := s.reporterAgency(r, p.Code)
	if err != nil {
		return pg, err
	}
	for _, a := range p.Agencies {
		if a.IsGroup() || actor.Role == outreach.RoleAgencyReporter && a.Code != own {
			continue
		}
		pg.Agencies = append(pg.Agencies, a)
	}
	if pg.Kinds, err = s.store.QuantityKinds(r.Context()); err != nil {
		return pg, err
	}
	pg.Groups, err = s.communeGroups(r, p)
	return pg, err
}

// TaskData is what the page's script needs to propose a task's channel
// and themes: "channel|theme,theme".
func (p activityFormPage) TaskData(t outreach.Task) string {
	ch := ""
	if len(t.Channels) > 0 {
		ch = t.Channels[0]
	}
	return ch + "|" + strings.Join(t.Themes, ",")
}

func (s *Server) newActivity(w http.ResponseWriter, r *http.Request) error {
	p, err := s.planFor(r)
	if err != nil {
		return err
	}
	f := activityForm{Themes: map[string]bool{}, Units: map[string]bool{}, Quantities: map[string]string{}}
	if f.Agency, err = s.reporterAgency(r, p.Code); err != nil {
		return err
	}
	pg, err := s.activityFormData(r, p, f)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "activity_form", pg)
}

func (s *Server) editActivity(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return fmt.Errorf("activity %q: %w", r.PathValue("id"), outreach.ErrNotFound)
	}
	a, err := s.store.Activity(r.Context(), currentActor(r), id)
	if err != nil {
		return err
	}
	p, err := s.store.Plan(r.Context(), a.Plan)
	if err != nil {
		return err
	}
	pg, err := s.activityFormData(r, p, formFromActivity(a.Activity))
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "activity_form", pg)
}

func (s *Server) saveActivity(w http.ResponseWriter, r *http.Request) error {
	p, err := s.planFor(r)
	if err != nil {
		return err
	}
	kinds, err := s.store.QuantityKinds(r.Context())
	if err != nil {
		return err
	}
	f, a, v := parseActivityForm(r, p.Code, kinds)
	parseAudienceGroups(r, p.AudienceGroups(), &f, &a, v)
	if idText := r.PathValue("id"); idText != "" {
		if f.ID, err = strconv.ParseInt(idText, 10, 64); err != nil {
			return fmt.Errorf("activity %q: %w", idText, outreach.ErrNotFound)
		}
		a.ID = f.ID
	}
	if len(v.Problems) == 0 {
		if a.ID == 0 {
			a.ID, err = s.store.CreateActivity(r.Context(), currentActor(r), a)
		} else {
			err = s.store.UpdateActivity(r.Context(), currentActor(r), a)
		}
		if err == nil {
			return seeOther(w, r, "/activities/"+strconv.FormatInt(a.ID, 10), s.savedNotice(r, a))
		}
		// A unit reporter giving another agency's spending: say so on the
		// form rather than on an error page that loses what was typed.
		if errors.Is(err, outreach.ErrForbidden) && currentUser(r).Role == outreach.RoleUnitReporter && (a.Cost != 0 || a.FundingSource != "") {
			v = &outreach.ValidationError{}
			v.AddCode("cost", outreach.ProbOthersSpend, "only the agency (or the reporter of its own unit) gives its spending")
			err = v
		}
		if !errors.As(err, &v) {
			return err
		}
	}
	pg, derr := s.activityFormData(r, p, f)
	if derr != nil {
		return derr
	}
	pg.Problems = fieldProblems(langOf(r), v)
	return s.render(w, r, http.StatusUnprocessableEntity, "activity_form", pg)
}

// savedNotice says the activity was saved and, when its people reached
// exceed the population of its places, asks the user to check them: a
// warning, not a refusal (people-times can exceed the population). The
// warning follows flashWarningMark, so that the layout shows it as one.
func (s *Server) savedNotice(r *http.Request, a outreach.Activity) string {
	l := langOf(r)
	saved := l.T("activity.saved")
	people, population, over, err := s.store.OverReach(r.Context(), a)
	if err != nil {
		// The activity is saved; the check is advice only.
		s.log.Warn("over-reach check", "activity", a.ID, "err", err)
		return saved
	}
	if !over {
		return saved
	}
	return saved + flashWarningMark + l.T("activity.over_reach",
		i18n.Number(int64(math.Round(people))), i18n.Number(int64(math.Round(population))))
}

// flashWarningMark separates, in a flash message, what was done from a
// warning about it; the layout shows the warning in a box of its own
// after the word "Lưu ý:" (FlashNotice, FlashWarning). It is a control
// character no message contains.
const flashWarningMark = "\x1e"

// FlashNotice is the part of the flash message that confirms what was
// done (all of it when it carries no warning).
func (p Page) FlashNotice() string {
	notice, _, _ := strings.Cut(p.Flash, flashWarningMark)
	return notice
}

// FlashWarning is the part of the flash message that warns, if any.
func (p Page) FlashWarning() string {
	_, warning, _ := strings.Cut(p.Flash, flashWarningMark)
	return warning
}

type activitiesPage struct {
	Page
	Plan      *outreach.Plan
	Filter    store.ActivityFilter
	Result    store.ActivityPage
	Query     url.Values
	PageNo    int
	Pages     int
	PrevURL   string
	NextURL   string
	Sorts     []string
	Agencies  []outreach.Agency
	Districts []outreach.Unit
}

const activityPageSize = 25

func (s *Server) activitiesPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.planFor(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	n, _ := strconv.Atoi(q.Get("page"))
	n = min(max(n, 1), 100_000)
	f := store.ActivityFilter{Plan: p.Code, Agency: q.Get("agency"), Channel: q.Get("channel"), Theme: q.Get("theme"), Task: q.Get("task"),
		Unit: q.Get("unit"), From: q.Get("from"), To: q.Get("to"), Q: q.Get("q"), Sort: q.Get("sort"), Deleted: q.Get("deleted") == "1",
		Limit: activityPageSize, Offset: (n - 1) * activityPageSize}
	res, err := s.store.Activities(r.Context(), currentActor(r), f)
	if err != nil {
		return err
	}
	pg := activitiesPage{Page: s.page(r, "activities.title", "activities"), Plan: p, Filter: f, Result: res, Query: q, PageNo: n,
		Pages: max(1, (res.Total+activityPageSize-1)/activityPageSize), Sorts: []string{"-date", "date", "title", "agency", "updated"}}
	for _, a := range p.Agencies {
		if !a.IsGroup() {
			pg.Agencies = append(pg.Agencies, a)
		}
	}
	sort.SliceStable(pg.Agencies, func(i, j int) bool { return tabular.Fold(pg.Agencies[i].Name) < tabular.Fold(pg.Agencies[j].Name) })
	units, err := s.store.PlanUnits(r.Context(), p.Code)
	if err != nil {
		return err
	}
	for _, u := range units {
		if u.Level == outreach.LevelDistrict {
			pg.Districts = append(pg.Districts, u)
		}
	}
	pageURL := func(k int) string {
		qq := url.Values{}
		for key, vs := range q {
			qq[key] = vs
		}
		qq.Set("page", strconv.Itoa(k))
		return "/activities?" + qq.Encode()
	}
	if n > 1 {
		pg.PrevURL = pageURL(n - 1)
	}
	if n < pg.Pages {
		pg.NextURL = pageURL(n + 1)
	}
	return s.render(w, r, http.StatusOK, "activities", pg)
}

type activityPage struct {
	Page
	Activity *store.ActivityView
	Plan     *outreach.Plan
	History  []outreach.AuditEntry
	Kinds    map[string]outreach.QuantityKind
	CanEdit  bool
	Problems map[string]string
}

// KindName names a quantity kind.
func (p activityPage) KindName(code string) string {
	if k, ok := p.Kinds[code]; ok {
		if p.Lang == "en" && k.NameEN != "" {
			return k.NameEN
		}
		return k.Name
	}
	return code
}

// ThemeName names a theme of the plan.
func (p activityPage) ThemeName(code string) string {
	for _, t := range p.Plan.Themes {
		if t.Code == code {
			return t.Name
		}
	}
	return code
}

// groupFigure is what an activity recorded for one of its plan's own
// population groups.
type groupFigure struct {
	Name  string
	Value int64
}

// AudienceGroups lists the activity's figures for its plan's own
// population groups, in the plan's order, each named as the plan names
// it; a figure for a group the plan no longer defines comes last, under
// its code.
func (p activityPage) AudienceGroups() []groupFigure {
	figures := p.Activity.Audience.Groups
	var out []groupFigure
	named := map[string]bool{}
	for _, d := range p.Plan.Populations {
		if n, ok := figures[d.Code]; ok {
			out = append(out, groupFigure{Name: d.Name, Value: n})
			named[d.Code] = true
		}
	}
	for _, code := range slices.Sorted(maps.Keys(figures)) {
		if !named[code] {
			out = append(out, groupFigure{Name: code, Value: figures[code]})
		}
	}
	return out
}

// SourceName names a funding source of the plan.
func (p activityPage) SourceName(code string) string {
	for _, f := range p.Plan.Funding.Sources {
		if f.Code == code {
			return f.Name
		}
	}
	return code
}

func (s *Server) activityData(r *http.Request) (activityPage, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return activityPage{}, fmt.Errorf("activity %q: %w", r.PathValue("id"), outreach.ErrNotFound)
	}
	actor := currentActor(r)
	a, err := s.store.Activity(r.Context(), actor, id)
	if err != nil {
		return activityPage{}, err
	}
	pg := activityPage{Page: s.page(r, "activity.title", "activities"), Activity: a, Kinds: map[string]outreach.QuantityKind{}}
	pg.Title = a.Title
	if pg.Plan, err = s.store.Plan(r.Context(), a.Plan); err != nil {
		return pg, err
	}
	if pg.History, err = s.store.ActivityHistory(r.Context(), actor, id); err != nil {
		return pg, err
	}
	kinds, err := s.store.QuantityKinds(r.Context())
	if err != nil {
		return pg, err
	}
	for _, k := range kinds {
		pg.Kinds[k.Code] = k
	}
	// Whether to show the edit buttons; the store decides for real.
	own, err := s.reporterAgency(r, a.Plan)
	if err != nil {
		return pg, err
	}
	pg.CanEdit = actor.CanEditPlans() || (own != "" && own == a.Agency) ||
		(actor.Role == outreach.RoleUnitReporter && len(a.Units) > 0)
	return pg, nil
}

func (s *Server) activityPage(w http.ResponseWriter, r *http.Request) error {
	pg, err := s.activityData(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "activity", pg)
}

func (s *Server) deleteActivity(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return fmt.Errorf("activity %q: %w", r.PathValue("id"), outreach.ErrNotFound)
	}
	if err := s.store.DeleteActivity(r.Context(), currentActor(r), id); err != nil {
		return err
	}
	return seeOther(w, r, "/activities", langOf(r).T("activity.deleted"))
}

func (s *Server) restoreActivity(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return fmt.Errorf("activity %q: %w", r.PathValue("id"), outreach.ErrNotFound)
	}
	if err := s.store.RestoreActivity(r.Context(), currentActor(r), id); err != nil {
		return err
	}
	return seeOther(w, r, "/activities/"+strconv.FormatInt(id, 10), langOf(r).T("activity.restored"))
}

// Filtered reports whether a filter other than the search is in use, to
// show the filters open.
func (p activitiesPage) Filtered() bool {
	f := p.Filter
	return f.Agency != "" || f.Channel != "" || f.Theme != "" || f.Task != "" || f.Unit != "" || f.From != "" || f.To != "" || f.Deleted || (f.Sort != "" && f.Sort != "-date")
}
