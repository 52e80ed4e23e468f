// Package reports turns the reporting regime's reports into documents and
// mail: it builds the Decree 30/2020 document of an agency's report or of
// the consolidated report from the store's figures, exports it in every
// format, e-mails submitted reports to the regime's address and sends the
// deadline reminders.
package reports

import (
	"fmt"
	"math"
	"strings"
	"time"

	"outreach/internal/document"
	"outreach/internal/i18n"
	"outreach/internal/outreach"
)

var vi = i18n.VI

// Hanoi is where report dates are written.
var hanoi = func() *time.Location {
	l, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		return time.FixedZone("ICT", 7*3600)
	}
	return l
}()

// Submission is the state of the period's other reports, for the
// consolidated report's section on who reported.
type Submission struct {
	Expected, Submitted, OnTime, Late int
	Missing                           []string
	LateNames                         []string
}

// Build lays out a report as a document. sub is used by the consolidated
// report only.
func Build(p *outreach.Plan, r *outreach.Report, sub *Submission) *document.Document {
	f := r.Figures
	if f == nil {
		f = &outreach.ReportFigures{}
	}
	agency, _ := p.Agency(r.AgencyCode)
	province := provinceName(p)
	d := &document.Document{
		Parent:      parentOf(agency, province),
		Agency:      strings.ToUpper(fullName(agency, province)),
		Number:      "Số: " + orBlank(r.Number, "…/BC-"),
		Place:       province,
		Kind:        "BÁO CÁO",
		Summary:     summary(p, r),
		SignerTitle: lines(strings.ToUpper(r.SignerTitle)),
		SignerName:  r.SignerName,
		Title:       fmt.Sprintf("Báo cáo %s – %s", PeriodLabel(p, r), agency.Name),
	}
	if r.SubmittedAt != nil && r.Status != outreach.ReportDraft && r.Status != outreach.ReportReturned {
		d.Date = r.SubmittedAt.In(hanoi)
		d.Created = *r.SubmittedAt
	} else {
		d.Draft = "DỰ THẢO"
		d.Created = r.UpdatedAt
	}
	intro := fmt.Sprintf("Thực hiện Quyết định số %s ngày %s của %s %s, %s báo cáo kết quả thực hiện %s (số liệu từ ngày %s đến ngày %s) như sau:",
		p.Decision.Number, i18n.Date(p.Decision.Date), p.Decision.Issuer, lowerFirst(p.Decision.Title), agency.Name, PeriodLabel(p, r), i18n.Date(f.From), i18n.Date(f.To))
	if r.Kind == outreach.ReportConsolidated {
		intro = fmt.Sprintf("Thực hiện Quyết định số %s ngày %s của %s %s; trên cơ sở báo cáo của các cơ quan, đơn vị, %s tổng hợp kết quả thực hiện %s (số liệu từ ngày %s đến ngày %s) như sau:",
			p.Decision.Number, i18n.Date(p.Decision.Date), p.Decision.Issuer, lowerFirst(p.Decision.Title), agency.Name, PeriodLabel(p, r), i18n.Date(f.From), i18n.Date(f.To))
	}
	d.Sections = append(d.Sections, document.Section{Blocks: []document.Block{{Text: intro}}})

	results := document.Section{Heading: "I. KẾT QUẢ THỰC HIỆN"}
	add := func(b ...document.Block) { results.Blocks = append(results.Blocks, b...) }
	n := 0
	sub1 := func(title string) {
		n++
		add(document.Block{Subheading: fmt.Sprintf("%d. %s", n, title)})
	}
	sub1("Kết quả chung")
	add(paragraphs(r.Narrative.Results)...)
	sub1("Hoạt động theo hình thức tuyên truyền")
	add(document.Block{Text: fmt.Sprintf("Tổng số %s hoạt động; %s hoạt động trên phạm vi toàn tỉnh; tiếp cận %s xã, phường, thị trấn.",
		i18n.Number(f.Activities), i18n.Number(f.WholeProvince), i18n.Number(f.Communes))})
	add(document.Block{Table: rowsTable("Hoạt động theo hình thức", "Hình thức", f.ByChannel, true, true)})
	sub1("Nội dung tuyên truyền")
	add(document.Block{Text: "Một hoạt động có thể thuộc nhiều nội dung."})
	add(document.Block{Table: rowsTable("Hoạt động theo nội dung", "Nội dung", f.ByTheme, false, false)})
	sub1("Sản phẩm, số lượng")
	add(document.Block{Table: quantityTable(f.Quantities)})
	sub1("Đối tượng được tuyên truyền")
	add(document.Block{Text: "Số người được tiếp cận tính theo lượt người (một người dự nhiều hoạt động được tính nhiều lượt)."})
	add(document.Block{Table: audienceTable(f.Audience)})
	sub1("Tài liệu cấp phát cho cơ sở")
	m := f.Materials
	add(document.Block{Text: fmt.Sprintf("Cấp phát %s lượt tài liệu, tổng số %s bản, đến %s xã; %s xã đã xác nhận nhận được và %s xã đã triển khai.",
		i18n.Number(m.Distributions), i18n.Number(m.Copies), i18n.Number(m.Communes), i18n.Number(m.Received), i18n.Number(m.Deployed))})
	sub1("Kinh phí thực hiện")
	add(document.Block{Table: spendingTable(f.Spending)})
	if r.Kind == outreach.ReportConsolidated {
		sub1("Kết quả theo cơ quan, đơn vị")
		add(document.Block{Table: agencyTable(f.ByAgency)})
		sub1("Kết quả theo địa bàn")
		add(document.Block{Table: unitTable(f.ByUnit)})
		sub1("Kết quả thực hiện các chỉ tiêu của Kế hoạch")
		add(document.Block{Table: targetTable(p, f.Targets)})
	}
	sub1("Thực hiện nhiệm vụ được giao")
	add(document.Block{Table: taskTable(f.Tasks, r.Kind == outreach.ReportConsolidated)})
	if r.Kind == outreach.ReportConsolidated && sub != nil {
		sub1("Tình hình báo cáo của các cơ quan, đơn vị")
		add(document.Block{Text: fmt.Sprintf("Có %d/%d cơ quan, đơn vị gửi báo cáo (%d đúng hạn, %d quá hạn).", sub.Submitted, sub.Expected, sub.OnTime, sub.Late)})
		if len(sub.Missing) > 0 {
			add(document.Block{Text: "- Chưa gửi báo cáo: " + strings.Join(sub.Missing, "; ") + "."})
		}
		if len(sub.LateNames) > 0 {
			add(document.Block{Text: "- Gửi báo cáo quá hạn: " + strings.Join(sub.LateNames, "; ") + "."})
		}
	}
	d.Sections = append(d.Sections, results,
		document.Section{Heading: "II. TỒN TẠI, HẠN CHẾ", Blocks: paragraphs(r.Narrative.Shortcomings)},
		document.Section{Heading: "III. NGUYÊN NHÂN", Blocks: paragraphs(r.Narrative.Causes)},
		document.Section{Heading: "IV. ĐỀ XUẤT, KIẾN NGHỊ", Blocks: paragraphs(r.Narrative.Proposals)},
	)
	d.Recipients = recipients(p, r)
	return d
}

// provinceName is the province as the decision's issuer names it ("Ủy
// ban nhân dân tỉnh Bắc Kạn" → "Bắc Kạn").
func provinceName(p *outreach.Plan) string {
	iss := p.Decision.Issuer
	if i := strings.LastIndex(strings.ToLower(iss), "tỉnh "); i >= 0 {
		return iss[i+len("tỉnh "):]
	}
	return iss
}

// fullName is the agency's name as its own documents head it: plans say
// "Công an tỉnh", the header says "Công an tỉnh Bắc Kạn".
func fullName(a outreach.Agency, province string) string {
	if strings.HasSuffix(strings.ToLower(a.Name), " tỉnh") {
		return a.Name + " " + province
	}
	return a.Name
}

// parentOf is the body an agency's documents name above it.
func parentOf(a outreach.Agency, province string) string {
	switch a.Type {
	case outreach.AgencyDepartment, outreach.AgencyPress:
		return "UBND TỈNH " + strings.ToUpper(province)
	case outreach.AgencyPolice:
		return "BỘ CÔNG AN"
	case outreach.AgencyParty:
		return "TỈNH ỦY " + strings.ToUpper(province)
	}
	return ""
}

func summary(p *outreach.Plan, r *outreach.Report) string {
	name := p.Reporting.Name
	if strings.HasPrefix(strings.ToLower(name), "báo cáo ") {
		name = name[len("báo cáo "):]
	}
	name = upperFirst(name)
	if r.Kind == outreach.ReportConsolidated {
		return fmt.Sprintf("Tổng hợp %s %s", lowerFirst(name), PeriodLabel(p, r))
	}
	return fmt.Sprintf("%s %s", name, PeriodLabel(p, r))
}

func recipients(p *outreach.Plan, r *outreach.Report) []string {
	if r.Kind == outreach.ReportConsolidated {
		return []string{"- " + p.Decision.Issuer + " (b/c);", "- Các cơ quan, đơn vị liên quan;", "- Lưu: VT."}
	}
	return []string{"- " + recipientName(p, r) + " (tổng hợp);", "- Lưu: VT."}
}

// paragraphs splits narrative text into paragraphs; empty text gives a
// placeholder so the section is visibly unwritten.
func paragraphs(s string) []document.Block {
	var out []document.Block
	for _, line := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, document.Block{Text: line})
		}
	}
	if len(out) == 0 {
		out = append(out, document.Block{Text: "(Chưa có nội dung.)"})
	}
	return out
}

func rowsTable(name, header string, rows []outreach.FigureRow, cost, total bool) *document.Table {
	t := &document.Table{Name: name, Total: total, Columns: []document.Column{
		{Header: "TT", Width: 0.5}, {Header: header, Width: 4}, {Header: "Số hoạt động", Numeric: true, Sum: true, Width: 1.2},
		{Header: "Lượt người tiếp cận", Numeric: true, Sum: !cost, Width: 1.4},
	}}
	if cost {
		t.Columns[3] = document.Column{Header: "Kinh phí (đồng)", Numeric: true, Sum: true, Width: 1.6}
	}
	for i, r := range rows {
		last := document.Int(r.Audience)
		if cost {
			last = document.Int(int64(math.Round(r.Value)))
		}
		t.Rows = append(t.Rows, []document.Cell{document.Int(int64(i + 1)), document.Text(r.Name), document.Int(int64(r.Activities)), last})
	}
	return t
}

func quantityTable(rows []outreach.FigureRow) *document.Table {
	t := &document.Table{Name: "Sản phẩm, số lượng", Columns: []document.Column{
		{Header: "TT", Width: 0.5}, {Header: "Chỉ số", Width: 4}, {Header: "Đơn vị tính", Width: 1.2}, {Header: "Số lượng", Numeric: true, Width: 1.4},
	}}
	for i, r := range rows {
		t.Rows = append(t.Rows, []document.Cell{document.Int(int64(i + 1)), document.Text(r.Name), document.Text(r.Unit), number(r.Value)})
	}
	return t
}

func audienceTable(a outreach.AudienceSum) *document.Table {
	return &document.Table{Name: "Đối tượng được tiếp cận (lượt người)", Columns: []document.Column{
		{Header: "Tổng số", Numeric: true}, {Header: "Nữ", Numeric: true}, {Header: "Nam", Numeric: true},
		{Header: "Trẻ em 14–16 tuổi", Numeric: true}, {Header: "Người dân tộc thiểu số", Numeric: true},
	}, Rows: [][]document.Cell{{document.Int(a.Total), document.Int(a.Women), document.Int(a.Men), document.Int(a.Children), document.Int(a.Ethnic)}}}
}

func spendingTable(rows []outreach.FigureRow) *document.Table {
	t := &document.Table{Name: "Kinh phí theo nguồn", Total: true, Columns: []document.Column{
		{Header: "TT", Width: 0.5}, {Header: "Nguồn kinh phí", Width: 4}, {Header: "Số hoạt động", Numeric: true, Sum: true, Width: 1.2}, {Header: "Kinh phí (đồng)", Numeric: true, Sum: true, Width: 1.6},
	}}
	for i, r := range rows {
		t.Rows = append(t.Rows, []document.Cell{document.Int(int64(i + 1)), document.Text(r.Name), document.Int(int64(r.Activities)), document.Int(int64(math.Round(r.Value)))})
	}
	return t
}

func agencyTable(rows []outreach.FigureRow) *document.Table {
	t := &document.Table{Name: "Kết quả theo cơ quan, đơn vị", Total: true, Columns: []document.Column{
		{Header: "TT", Width: 0.5}, {Header: "Cơ quan, đơn vị", Width: 3.5}, {Header: "Số hoạt động", Numeric: true, Sum: true, Width: 1.1},
		{Header: "Lượt người tiếp cận", Numeric: true, Sum: true, Width: 1.4}, {Header: "Kinh phí (đồng)", Numeric: true, Sum: true, Width: 1.6},
	}}
	for i, r := range rows {
		t.Rows = append(t.Rows, []document.Cell{document.Int(int64(i + 1)), document.Text(r.Name), document.Int(int64(r.Activities)), document.Int(r.Audience), document.Int(int64(math.Round(r.Value)))})
	}
	return t
}

func unitTable(rows []outreach.FigureRow) *document.Table {
	t := &document.Table{Name: "Kết quả theo địa bàn", Columns: []document.Column{
		{Header: "TT", Width: 0.5}, {Header: "Địa bàn", Width: 3}, {Header: "Số hoạt động", Numeric: true, Width: 1.1},
		{Header: "Số xã được tiếp cận", Numeric: true, Sum: true, Width: 1.2}, {Header: "Lượt người tiếp cận", Numeric: true, Sum: true, Width: 1.4},
	}, Total: true}
	for i, r := range rows {
		t.Rows = append(t.Rows, []document.Cell{document.Int(int64(i + 1)), document.Text(r.Name), document.Int(int64(r.Activities)), document.Int(int64(r.Communes)), document.Int(r.Audience)})
	}
	return t
}

func targetTable(p *outreach.Plan, inds []outreach.Indicator) *document.Table {
	t := &document.Table{Name: "Chỉ tiêu của Kế hoạch", Columns: []document.Column{
		{Header: "Mã", Width: 0.9}, {Header: "Chỉ tiêu", Width: 4}, {Header: "Kết quả", Numeric: true, Width: 1.1}, {Header: "Kỳ vọng trong năm (mốc)", Width: 1.4}, {Header: "Đánh giá", Width: 1.3},
	}}
	for _, ind := range inds {
		text := ind.Text
		if ind.Population != "" {
			name := vi.T("pop." + string(ind.Population))
			if d, ok := p.Population(ind.Population); ok {
				name = d.Name
			}
			text = fmt.Sprintf("%s — %s", name, shorten(text, 160))
			if ind.PeopleTimes != nil {
				text += fmt.Sprintf(" (tính tối đa bằng dân số từng xã; đã ghi nhận %s lượt người)", i18n.Number(math.Round(*ind.PeopleTimes)))
			}
			if ind.Estimate {
				text += "; mẫu số ước tính: " + strings.TrimPrefix(ind.DenominatorSource, "Ước tính: ")
			}
		}
		if len(ind.Missed) > 0 {
			text += "; chưa đạt: " + strings.Join(ind.Missed, ", ")
		}
		value := document.Text(vi.T("status.not_applicable"))
		if ind.Value != nil {
			value = document.Num(math.Round(*ind.Value*10)/10, 1)
			if ind.Kind == outreach.KindCount {
				value = number(*ind.Value)
			}
		}
		t.Rows = append(t.Rows, []document.Cell{document.Text(ind.Target), document.Text(text), value, document.Text(goal(ind)), document.Text(vi.T("status." + string(ind.Status)))})
	}
	return t
}

func goal(ind outreach.Indicator) string {
	m := ind.Milestone
	if m == nil {
		return ""
	}
	unit := " %"
	if ind.Kind == outreach.KindCount {
		unit = " " + vi.T("measure."+ind.Measure)
	}
	c := i18n.Comparator(m.Comparator)
	out := fmt.Sprintf("%s %s%s (%d)", c, i18n.Number(m.Value), unit, m.Year)
	if ind.Expected != nil && m.Year != ind.Year {
		// The year's expected value on the way to a later milestone.
		out = fmt.Sprintf("%s%s (mốc %s)", i18n.Number(math.Round(*ind.Expected*10)/10), unit, out)
	}
	return out
}

func taskTable(tasks []outreach.TaskFig, withAgency bool) *document.Table {
	t := &document.Table{Name: "Thực hiện nhiệm vụ được giao", Columns: []document.Column{
		{Header: "Điều khoản", Width: 0.9}, {Header: "Nhiệm vụ", Width: 4}, {Header: "Số hoạt động", Numeric: true, Width: 1}, {Header: "Chỉ tiêu", Width: 1}, {Header: "Đạt được", Numeric: true, Width: 1}, {Header: "Tiến độ", Width: 1.2},
	}}
	for _, x := range tasks {
		achieved := document.Text("")
		if x.Goal != "" {
			achieved = number(x.Achieved)
		}
		goal := ""
		if x.Goal != "" {
			goal = i18n.Comparator(x.Goal) + " " + vi.T("measure."+x.Measure)
		}
		t.Rows = append(t.Rows, []document.Cell{document.Text(x.Clause), document.Text(shorten(x.Text, 220)), document.Int(int64(x.Activities)), document.Text(goal), achieved, document.Text(vi.T("progress." + x.Progress))})
	}
	return t
}

// number writes a count, with one decimal when split shares left one.
func number(v float64) document.Cell {
	if v == math.Trunc(v) {
		return document.Int(int64(v))
	}
	return document.Num(math.Round(v*10)/10, 1)
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n])) + "…"
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func orBlank(s, blank string) string {
	if strings.TrimSpace(s) == "" {
		return blank
	}
	return s
}

func upperFirst(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return s
	}
	return strings.ToUpper(string(r[0])) + string(r[1:])
}

func lowerFirst(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return s
	}
	return strings.ToLower(string(r[0])) + string(r[1:])
}
