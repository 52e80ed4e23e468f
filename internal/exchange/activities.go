package exchange

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"outreach/internal/outreach"
	"outreach/internal/store"
	"outreach/internal/tabular"
)

// progressEvery is how many rows pass between calls of Resolver.Progress.
const progressEvery = 500

// ParseActivities reads the rows of an activity file into activities for
// store.ImportActivities, holding the plan's codes (the store resolves
// them to ids). file names the file in positions ("file:LINE").
// defaultAgency (a code or name) fills rows whose agency cell is empty and
// lets the file leave the column out.
//
// Every row is checked as the store would check it, except for the
// actor's rights: references against the plan, places against the units
// in force at the activity's dates, and the activity's own rules
// (outreach.Activity.Validate). Every problem is returned, worded in
// Vietnamese (at most 500); when there is any, rows is nil, so that a file
// is imported whole or not at all.
func ParseActivities(t *tabular.Table, file string, r *Resolver, defaultAgency string) ([]store.ActivityRow, []outreach.Problem) {
	var required []string
	if defaultAgency == "" {
		required = append(required, ColAgency)
	}
	required = append(required, ColChannel, ColTitle, ColStart, ColUnits)
	idx, probs := columnIndex(t, file, r.ActivityHeaders(), required)
	if len(probs) > 0 {
		return nil, probs
	}
	c := &collector{file: file, bad: map[string]bool{}}
	var def string
	if defaultAgency != "" {
		code, why := resolveRef(r.agencies, defaultAgency, "cơ quan")
		if why != "" {
			return nil, []outreach.Problem{{Position: file, Field: ColAgency,
				Message: fmt.Sprintf("Cơ quan mặc định %q: %s", defaultAgency, why)}}
		}
		def = code
	}
	rows := make([]store.ActivityRow, 0, len(t.Rows))
	for i, row := range t.Rows {
		c.row(row.Line)
		rows = append(rows, r.parseActivity(row, idx, def, c))
		if r.Progress != nil && ((i+1)%progressEvery == 0 || i+1 == len(t.Rows)) {
			r.Progress(i+1, len(t.Rows))
		}
		if c.full() {
			break
		}
	}
	if len(c.probs) > 0 {
		return nil, c.finish(len(t.Rows))
	}
	if len(rows) == 0 {
		return nil, []outreach.Problem{{Position: file, Message: "Tệp không có dòng dữ liệu nào dưới dòng tiêu đề"}}
	}
	return rows, nil
}

// cellGetter returns the cell of a named column in a row, "" when the
// file has no such column; a leading apostrophe that WriteCSV adds to
// keep a spreadsheet from running a cell as a formula is taken off.
func cellGetter(row tabular.Row, idx map[string]int) func(string) string {
	return func(col string) string {
		i, ok := idx[col]
		if !ok {
			return ""
		}
		v := row.Cell(i)
		if len(v) > 1 && v[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(v[1])) {
			v = v[1:]
		}
		return v
	}
}

func (r *Resolver) parseActivity(row tabular.Row, idx map[string]int, def string, c *collector) store.ActivityRow {
	get := cellGetter(row, idx)
	a := outreach.Activity{Plan: r.Plan.Code}
	ref := func(col string, l *lookup, what string) string {
		v := get(col)
		if v == "" {
			return ""
		}
		code, why := resolveRef(l, v, what)
		if why != "" {
			c.value(col, v, why)
		}
		return code
	}
	if a.Agency = ref(ColAgency, r.agencies, "cơ quan"); get(ColAgency) == "" {
		a.Agency = def
	}
	a.Task = ref(ColTask, r.tasks, "nhiệm vụ")
	a.Channel = ref(ColChannel, r.channels, "hình thức")
	for _, v := range splitList(get(ColThemes), ";\n") {
		if code, why := resolveRef(r.themes, v, "nội dung"); why != "" {
			c.value(ColThemes, v, why)
		} else {
			a.Themes = append(a.Themes, code)
		}
	}
	a.FundingSource = ref(ColFunding, r.fundings, "nguồn kinh phí")
	a.Title, a.Description, a.Notes = get(ColTitle), get(ColDescription), get(ColNotes)

	if v := get(ColStart); v == "" {
		c.coded(outreach.Problem{Field: "start_date", Code: outreach.ProbRequired}, activityFields)
	} else if d, ok := parseDate(v); ok {
		a.StartDate = d
	} else {
		c.value(ColStart, v, badDate)
	}
	if v := get(ColEnd); v == "" {
		a.EndDate = a.StartDate
		c.bad[ColEnd] = c.bad[ColStart] // no second problem for the same date
	} else if d, ok := parseDate(v); ok {
		a.EndDate = d
	} else {
		c.value(ColEnd, v, badDate)
	}
	from, to := a.StartDate, a.EndDate
	if from == "" || to == "" || to < from {
		from, to = "", ""
	}
	for _, v := range splitList(get(ColUnits), ";,\n") {
		if headerKey(v) == wholeProvince {
			a.WholeProvince = true
			continue
		}
		if code, why := r.unit(v, from, to, false); why != "" {
			c.value(ColUnits, v, why)
		} else {
			a.Units = append(a.Units, code)
		}
	}
	for _, k := range r.Kinds {
		v := get(k.Name)
		if v == "" {
			continue
		}
		if n, err := tabular.ParseNumber(v); err != nil {
			c.value(k.Name, v, badNumber)
		} else {
			a.Quantities = append(a.Quantities, outreach.ActivityQuantity{Kind: k.Code, Value: n})
		}
	}
	for _, f := range []struct {
		col string
		n   **int64
	}{{ColTotal, &a.Audience.Total}, {ColWomen, &a.Audience.Women}, {ColMen, &a.Audience.Men},
		{ColChildren, &a.Audience.Children1416}, {ColEthnic, &a.Audience.EthnicMinority}} {
		v := get(f.col)
		if v == "" {
			continue
		}
		if n, why := parseInt(v); why != "" {
			c.value(f.col, v, why)
		} else {
			*f.n = &n
		}
	}
	for _, g := range r.groups {
		v := get(g.Header)
		if v == "" {
			continue
		}
		if n, why := parseInt(v); why != "" {
			c.value(g.Header, v, why)
		} else {
			if a.Audience.Groups == nil {
				a.Audience.Groups = map[string]int64{}
			}
			a.Audience.Groups[g.Code] = n
		}
	}
	if v := get(ColCost); v != "" {
		if n, why := parseInt(v); why != "" {
			c.value(ColCost, v, why)
		} else {
			a.Cost = n
		}
	}
	a.Links = splitList(get(ColLinks), " \t\r\n;")

	// The activity's own rules and the plan's, as the store applies them.
	var cols map[string]string
	coded := func(p outreach.Problem) {
		if cols == nil {
			cols = r.ActivityColumns(&a)
		}
		c.coded(p, cols)
	}
	if err := a.Validate(r.Kinds); err != nil {
		for _, p := range err.(*outreach.ValidationError).Problems {
			coded(p)
		}
	}
	if outreach.ValidDate(a.StartDate) && outreach.ValidDate(a.EndDate) &&
		(a.StartDate[:4] < fmt.Sprint(r.Plan.Period.From) || a.EndDate[:4] > fmt.Sprint(r.Plan.Period.To)) {
		coded(outreach.Problem{Field: "start_date", Code: outreach.ProbOutOfPlan, Args: []any{r.Plan.Period.From, r.Plan.Period.To}})
	}
	if ag, ok := r.Plan.Agency(a.Agency); ok && ag.IsGroup() {
		coded(outreach.Problem{Field: "agency", Code: outreach.ProbGroup, Args: []any{a.Agency}})
	}
	return store.ActivityRow{Line: row.Line, Activity: a}
}

// activityRecord writes an activity as a file row, in ActivityHeaders'
// order.
func (r *Resolver) activityRecord(a *outreach.Activity) []string {
	places := strings.Join(a.Units, "; ")
	if a.WholeProvince {
		places = WholeProvinceText
	}
	rec := []string{a.Agency, a.Task, a.Channel, strings.Join(a.Themes, "; "), a.Title, a.Description,
		isoDate(a.StartDate), isoDate(a.EndDate), places}
	for _, k := range r.Kinds {
		v := ""
		for _, q := range a.Quantities {
			if q.Kind == k.Code {
				v = formatNumber(q.Value)
			}
		}
		rec = append(rec, v)
	}
	for _, n := range []*int64{a.Audience.Total, a.Audience.Women, a.Audience.Men, a.Audience.Children1416, a.Audience.EthnicMinority} {
		v := ""
		if n != nil {
			v = strconv.FormatInt(*n, 10)
		}
		rec = append(rec, v)
	}
	for _, g := range r.groups {
		v := ""
		if n, ok := a.Audience.Groups[g.Code]; ok {
			v = strconv.FormatInt(n, 10)
		}
		rec = append(rec, v)
	}
	cost := ""
	if a.Cost != 0 {
		cost = strconv.FormatInt(a.Cost, 10)
	}
	return append(rec, cost, a.FundingSource, strings.Join(a.Links, " "), a.Notes)
}

// activitySheet describes the columns of an activity sheet.
func (r *Resolver) activitySheet() []tabular.Column {
	var cols []tabular.Column
	for _, h := range r.ActivityHeaders() {
		c := tabular.Column{Header: h}
		switch h {
		case ColTitle, ColDescription, ColNotes:
			c.Width = 40
		case ColStart, ColEnd:
			c.Date, c.Width = true, 14
		case ColUnits, ColThemes, ColLinks:
			c.Width = 24
		case ColAgency, ColChannel, ColTask, ColFunding:
			c.Width = 14
		case ColTotal, ColWomen, ColMen, ColChildren, ColEthnic:
			c.Number = true
		case ColCost:
			c.Number, c.Width = true, 16
		default: // a quantity kind or an audience group of the plan
			c.Number, c.Width = true, 14
		}
		cols = append(cols, c)
	}
	return cols
}

// ExportActivities writes activities as an activity file, "csv" or
// "xlsx": references as codes, dates as dd/mm/yyyy, numbers plain. Parsed
// back, the file gives the same activities.
func ExportActivities(w io.Writer, format string, items []*store.ActivityView, r *Resolver) error {
	rows := make([][]string, len(items))
	for i, it := range items {
		rows[i] = r.activityRecord(&it.Activity)
	}
	return write(w, format, "Hoạt động", r.activitySheet(), rows)
}

// write writes a sheet as CSV or XLSX.
func write(w io.Writer, format, sheet string, cols []tabular.Column, rows [][]string) error {
	switch format {
	case "csv":
		header := make([]string, len(cols))
		for i, c := range cols {
			header[i] = c.Header
		}
		return tabular.WriteCSV(w, header, rows)
	case "xlsx":
		return tabular.WriteXLSX(w, sheet, cols, rows)
	}
	return fmt.Errorf("định dạng %q không được hỗ trợ: dùng csv hoặc xlsx", format)
}
