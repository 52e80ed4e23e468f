package web

import (
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"outreach/internal/geo"
	"outreach/internal/i18n"
	"outreach/internal/outreach"
	"outreach/internal/store"
)

type dashboardPage struct {
	Page
	D        *store.Dashboard
	Years    []int
	Trend    []trendChart
	Rows     []store.ChildRow
	Sort     string
	Map      template.HTML
	MapNote  string
	Channel  template.HTML
	Theme    template.HTML
	Agency   template.HTML
	Month    template.HTML
	Spending template.HTML
	Query    template.URL
	// Scope names what the figures cover: the unit, or, when the plan's
	// province had become part of another on the tree's date, the part
	// that came from it.
	Scope string
	// AsOfParam is the tree date the URL asked for, empty for the default
	// (the end of the year chosen).
	AsOfParam string
	Attention []store.Attention
	More      int
	OverReach []store.OverReachEntry
	// Columns are the indicators of the table by unit: one per target
	// (a population target by its headline group), in the plan's order.
	Columns []string
}

// Served reports whether plans serve this one in its rows (the ministry's
// dashboard): a row no plan serves then says so, since its figures can
// only be zero.
func (p dashboardPage) Served() bool {
	for _, r := range p.Rows {
		if len(r.Plans) > 0 {
			return true
		}
	}
	return false
}

type trendChart struct {
	Code  string
	Title string
	Chart template.HTML
}

// tableColumns lists the indicator codes of the table by unit: every
// target's, a population target's for its headline group.
func tableColumns(p *outreach.Plan) []string {
	var out []string
	for _, t := range p.Targets {
		code := t.Code
		if t.Kind == outreach.KindPopulationShare && len(t.Populations) > 0 {
			code += "/" + string(t.Populations[0])
		}
		out = append(out, code)
	}
	return out
}

// mapColumn is the indicator the map colours units by: the first share of
// communes, else the first share.
func mapColumn(p *outreach.Plan) string {
	for _, kinds := range [][]outreach.TargetKind{{outreach.KindUnitShare}, {outreach.KindPopulationShare, outreach.KindFrequency}} {
		for i, t := range p.Targets {
			if slices.Contains(kinds, t.Kind) {
				return tableColumns(p)[i]
			}
		}
	}
	return ""
}

// Value formats an indicator's value for the page.
func (p dashboardPage) Value(ind outreach.Indicator) string {
	if ind.Value == nil {
		return p.T("status.not_applicable")
	}
	if ind.Kind == outreach.KindCount || ind.Kind == outreach.KindReported && ind.Denominator == 0 {
		// A count, or a reported value without a denominator.
		return i18n.Number(math.Round(*ind.Value*10) / 10)
	}
	return i18n.Number(math.Round(*ind.Value*10)/10) + " %"
}

// Expected formats the value the year calls for and the milestone it
// leads to ("kỳ vọng năm 2019: 87,5 %, hướng tới mốc năm 2020"), empty
// when there is none or the year is the milestone's.
func (p dashboardPage) Expected(ind outreach.Indicator) string {
	if ind.Expected == nil || ind.Milestone == nil || ind.Milestone.Year == ind.Year {
		return ""
	}
	unit := " %"
	if ind.Kind == outreach.KindCount {
		unit = " " + p.T("measure."+ind.Measure)
	}
	return p.T("target.expected", ind.Year, i18n.Number(math.Round(*ind.Expected*10)/10)+unit, ind.Milestone.Year)
}

// PeopleTimes formats a population share's uncapped reach.
func (p dashboardPage) PeopleTimes(ind outreach.Indicator) string {
	if ind.PeopleTimes == nil {
		return ""
	}
	return p.T("target.people_times", i18n.Number(math.Round(*ind.PeopleTimes)))
}

// Missed formats the periods a frequency target missed in the year.
func (p dashboardPage) Missed(ind outreach.Indicator) string {
	if len(ind.Missed) == 0 {
		return ""
	}
	var out []string
	for _, k := range ind.Missed {
		out = append(out, periodWords(k))
	}
	return p.T("target.missed", strings.Join(out, ", "))
}

// periodWords writes a period key the Vietnamese way: 2020-03 → 03/2020,
// 2020-Q2 → quý II/2020, 2020-W07 → tuần 07/2020.
func periodWords(k string) string {
	y, rest, ok := strings.Cut(k, "-")
	if !ok {
		return k
	}
	switch {
	case strings.HasPrefix(rest, "Q"):
		return "quý " + map[string]string{"1": "I", "2": "II", "3": "III", "4": "IV"}[rest[1:]] + "/" + y
	case strings.HasPrefix(rest, "W"):
		return "tuần " + rest[1:] + "/" + y
	}
	return rest + "/" + y
}

// Round formats a numerator or denominator: people-times are split between
// places, so they are shown to the nearest whole.
func (p dashboardPage) Round(v float64) string { return i18n.Number(math.Round(v)) }

// Goal formats a milestone.
func (p dashboardPage) Goal(ind outreach.Indicator) string {
	m := ind.Milestone
	if m == nil {
		return ""
	}
	unit := " %"
	if ind.Kind == outreach.KindCount {
		unit = " " + p.T("measure."+ind.Measure)
	}
	c := i18n.Comparator(m.Comparator)
	return p.T("dashboard.goal", c+" "+i18n.Number(m.Value)+unit, m.Year)
}

// Cell is an indicator of a row of the table by unit.
func (p dashboardPage) Cell(row store.ChildRow, code string) outreach.Indicator {
	return row.Indicators[code]
}

// Link is where a figure's records are listed: the distributions for a
// target on materials, the key areas for one on models, else the
// activities (of the task, for a task's figure).
func (p dashboardPage) Link(ind outreach.Indicator) string {
	d := p.D
	q := url.Values{"plan": {d.Plan.Code}, "from": {fmt.Sprintf("%d-01-01", d.Plan.Period.From)}, "to": {fmt.Sprintf("%d-12-31", d.Year)}}
	if t, ok := d.Plan.Target(ind.Target); ok {
		switch t.Condition {
		case outreach.CondMaterialsDeployed:
			return "/distributions?plan=" + d.Plan.Code
		case outreach.CondActiveModel:
			return fmt.Sprintf("/plans/%s/key-areas?year=%d", d.Plan.Code, d.Year)
		}
	} else if _, ok := d.Plan.Task(ind.Code); ok {
		q.Set("task", ind.Code)
	}
	if !d.Whole {
		q.Set("unit", d.Unit.Code)
	}
	return "/activities?" + q.Encode()
}

func (s *Server) dashboardPage(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	q := r.URL.Query()
	year, _ := strconv.Atoi(q.Get("year"))
	if year == 0 {
		// The plan's years only (the whole plan comes with the dashboard).
		period, err := s.store.PlanPeriod(r.Context(), code)
		if err != nil {
			return err
		}
		year = min(period.To, max(period.From, s.now().Year()))
	}
	d, err := s.store.Dashboard(r.Context(), store.IndicatorQuery{Plan: code, Year: year, Unit: q.Get("unit"), AsOf: q.Get("as_of"),
		From: q.Get("from"), To: q.Get("to")})
	if err != nil {
		return err
	}
	pg := dashboardPage{Page: s.page(r, "dashboard.title", "plans"), D: d, Years: d.Plan.Period.Years(), Sort: q.Get("sort"),
		Rows: append([]store.ChildRow(nil), d.Children...)} // sorted below; d may be shared (the store caches it)
	pg.Scope = d.Unit.Name
	if d.Whole && d.Unit.Code != d.Plan.Scope {
		// Bắc Kạn's plan on the 2025 tree covers former Bắc Kạn, not the
		// whole of Thái Nguyên.
		if vs, err := s.store.UnitVersions(r.Context(), d.Plan.Scope); err == nil && len(vs) > 0 {
			pg.Scope = pg.T("dashboard.former_province", lowerFirst(vs[len(vs)-1].Name), lowerFirst(d.Unit.Name))
		}
	}
	pg.Title = pg.T("dashboard.title") + " · " + pg.Scope + " · " + strconv.Itoa(year)
	base := url.Values{"year": {strconv.Itoa(year)}}
	if q.Get("as_of") != "" {
		base.Set("as_of", q.Get("as_of"))
		pg.AsOfParam = q.Get("as_of")
	}
	pg.Query = template.URL(base.Encode())

	// Trend: one small chart per target indicator, the year's bar and the
	// milestone line.
	for _, ind := range d.Indicators {
		var bars []bar
		for _, t := range d.Trend[ind.Code] {
			v := 0.0
			text := "—"
			if t.Value != nil {
				v, text = *t.Value, strings.TrimSuffix(pg.Value(t), " %")
			}
			bars = append(bars, bar{Label: strconv.Itoa(t.Year), Value: v, Text: text, Class: "st-" + string(t.Status),
				Href: "?" + withYear(base, t.Year, d.Unit, d.AsOf, d.Whole)})
		}
		var goal *float64
		label := ""
		if m := ind.Milestone; m != nil {
			goal, label = &m.Value, pg.Goal(ind)
		}
		pg.Trend = append(pg.Trend, trendChart{Code: ind.Code, Title: ind.Code, Chart: columns(bars, 320, 150, goal, label)})
	}

	// The table by unit, sortable by any column.
	pg.Columns = tableColumns(d.Plan)
	sortRows(pg.Rows, pg.Sort, pg.Columns)

	// Activity figures, each bar a link to the records.
	from, to := fmt.Sprintf("%d-01-01", year), fmt.Sprintf("%d-12-31", year)
	link := func(k, v string) string {
		u := url.Values{"plan": {code}, "from": {from}, "to": {to}}
		if k != "" {
			u.Set(k, v)
		}
		if !d.Whole {
			u.Set("unit", d.Unit.Code)
		}
		return "/activities?" + u.Encode()
	}
	tally := func(ts []store.Tally, key string, sum bool) template.HTML {
		var bars []bar
		for _, t := range ts {
			b := bar{Label: strings.TrimSpace(t.Code + " " + t.Name), Value: float64(t.Count), Href: link(key, t.Code)}
			if key == "agency" {
				b.Label = t.Name
			}
			if sum {
				b.Value, b.Text, b.Label, b.Href = float64(t.Sum), i18n.Number(t.Sum)+" đ", t.Name, ""
			}
			bars = append(bars, b)
		}
		return hbars(bars, 560)
	}
	pg.Channel, pg.Theme, pg.Agency, pg.Spending = tally(d.ByChannel, "channel", false), tally(d.ByTheme, "theme", false), tally(d.ByAgency, "agency", false), tally(d.Spending, "", true)
	var months []bar
	for i, t := range d.ByMonth {
		first := time.Date(year, time.Month(i+1), 1, 0, 0, 0, 0, time.UTC)
		mf, mt := first.Format(outreach.DateLayout), first.AddDate(0, 1, -1).Format(outreach.DateLayout)
		u := url.Values{"plan": {code}, "from": {mf}, "to": {mt}}
		if !d.Whole {
			u.Set("unit", d.Unit.Code)
		}
		months = append(months, bar{Label: t.Name, Value: float64(t.Count), Href: "/activities?" + u.Encode()})
	}
	pg.Month = columns(months, 560, 160, nil, "")

	pg.OverReach = d.OverReach
	pg.Attention = d.Attention
	if len(pg.Attention) > 60 {
		pg.More = len(pg.Attention) - 60
		pg.Attention = pg.Attention[:60]
	}
	if err := s.dashboardMap(r, &pg); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "dashboard", pg)
}

// withYear links the same unit in another year. Below the province the
// tree's date goes along: a code can name another unit in another year.
func withYear(base url.Values, y int, u outreach.Unit, asOf string, whole bool) string {
	q := url.Values{}
	for k, v := range base {
		q[k] = v
	}
	q.Set("year", strconv.Itoa(y))
	if !whole {
		q.Set("unit", u.Code)
		q.Set("as_of", asOf)
	}
	return q.Encode()
}

// sortRows sorts the table by unit: by communes (most first), or by a
// column's value (lowest first: where to look).
func sortRows(rows []store.ChildRow, by string, columns []string) {
	val := func(r store.ChildRow) float64 {
		if v := r.Indicators[by].Value; v != nil {
			return *v
		}
		return -1
	}
	switch {
	case by == "communes":
		sort.SliceStable(rows, func(i, j int) bool { return rows[i].Communes > rows[j].Communes })
	case slices.Contains(columns, by):
		sort.SliceStable(rows, func(i, j int) bool { return val(rows[i]) < val(rows[j]) })
	}
}

// dashboardMap draws the units under the scope, coloured by the share of
// their communes that received and deployed materials, when boundaries
// have been imported.
func (s *Server) dashboardMap(r *http.Request, pg *dashboardPage) error {
	d := pg.D
	var ids []int64
	byID := map[int64]store.ChildRow{}
	for _, row := range d.Children {
		ids = append(ids, row.Unit.ID)
		byID[row.Unit.ID] = row
	}
	geoms, err := s.store.Boundaries(r.Context(), ids)
	if err != nil {
		return err
	}
	if len(geoms) == 0 {
		pg.MapNote = pg.T("dashboard.map_none")
		return nil
	}
	keyed := map[string]json.RawMessage{}
	for id, g := range geoms {
		keyed[strconv.FormatInt(id, 10)] = g
	}
	paths, height, err := geo.Paths(keyed, 560)
	if err != nil {
		pg.MapNote = err.Error()
		return nil
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="map" viewBox="0 0 560 %d" width="100%%" role="img" xmlns="http://www.w3.org/2000/svg">`, height)
	keys := make([]string, 0, len(paths))
	for k := range paths {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		id, _ := strconv.ParseInt(k, 10, 64)
		row := byID[id]
		ind := row.Indicators[mapColumn(d.Plan)]
		cls, text := "q-none", pg.T("status.not_applicable")
		if ind.Value != nil {
			v := *ind.Value
			cls = "q" + strconv.Itoa(min(4, int(v/25)))
			text = pg.Value(ind)
		}
		u := url.Values{"year": {strconv.Itoa(d.Year)}, "unit": {row.Unit.Code}}
		if d.AsOf != fmt.Sprintf("%d-12-31", d.Year) {
			u.Set("as_of", d.AsOf)
		}
		fmt.Fprintf(&sb, `<a href="?%s"><path d="%s" class="%s"><title>%s: %s</title></path></a>`, html.EscapeString(u.Encode()), paths[k], cls,
			html.EscapeString(row.Unit.Name), html.EscapeString(text))
	}
	sb.WriteString(`</svg>`)
	pg.Map = template.HTML(sb.String())
	return nil
}

// lowerFirst writes a unit's name inside a sentence ("Tỉnh Bắc Kạn" →
// "tỉnh Bắc Kạn").
func lowerFirst(name string) string {
	r, n := utf8.DecodeRuneInString(name)
	return string(unicode.ToLower(r)) + name[n:]
}
