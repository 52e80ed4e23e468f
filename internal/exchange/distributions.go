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

// deployNames are the Vietnamese names of outreach.DeployMethods, as
// files write them.
var deployNames = map[string]string{
	"village_meeting": "họp thôn",
	"loudspeaker":     "loa truyền thanh",
	"house_to_house":  "đến từng hộ",
	"other":           "khác",
}

// deployAliases are other ways files name deployment methods.
var deployAliases = map[string]string{
	"loa": "loudspeaker", "hop thon ban": "village_meeting", "den tung gia dinh": "house_to_house",
}

// deployMethod reads a deployment method given by code or Vietnamese name.
func deployMethod(v string) (string, bool) {
	k := headerKey(v)
	for code, name := range deployNames {
		if k == code || k == headerKey(name) || k == strings.ReplaceAll(code, "_", " ") {
			return code, true
		}
	}
	code, ok := deployAliases[k]
	return code, ok
}

// ParseDistributions reads a distribution file: one commune per row, and
// the rows that share the material, the sending agency and the date make
// one distribution (Lines holds their line numbers). The material is its
// number in the catalogue or its title; the commune its code or name as
// of the date sent. As ParseActivities, it returns every problem in
// Vietnamese, and no rows when there is any.
func ParseDistributions(t *tabular.Table, file string, r *Resolver) ([]store.DistributionRow, []outreach.Problem) {
	idx, probs := columnIndex(t, file, DistributionHeaders(), []string{ColMaterial, ColSender, ColSentOn, ColCommune})
	if len(probs) > 0 {
		return nil, probs
	}
	c := &collector{file: file, bad: map[string]bool{}}
	type key struct {
		material  int64
		from, day string
	}
	groups := map[key]int{}
	var out []store.DistributionRow
	firstLine := map[key]map[string]int{} // commune → line, per distribution
	for i, row := range t.Rows {
		c.row(row.Line)
		get := cellGetter(row, idx)
		var k key
		var d outreach.Delivery
		if v := get(ColMaterial); v == "" {
			c.coded(outreach.Problem{Field: "material", Code: outreach.ProbRequired}, distributionFields)
		} else if id, why := r.material(v); why != "" {
			c.value(ColMaterial, v, why)
		} else {
			k.material = id
		}
		if v := get(ColSender); v == "" {
			c.coded(outreach.Problem{Field: "from_agency", Code: outreach.ProbRequired}, distributionFields)
		} else if code, why := resolveRef(r.agencies, v, "cơ quan"); why != "" {
			c.value(ColSender, v, why)
		} else if ag, _ := r.Plan.Agency(code); ag.IsGroup() {
			c.coded(outreach.Problem{Field: "from_agency", Code: outreach.ProbGroup, Args: []any{code}}, distributionFields)
		} else {
			k.from = code
		}
		if v := get(ColSentOn); v == "" {
			c.coded(outreach.Problem{Field: "date", Code: outreach.ProbRequired}, distributionFields)
		} else if day, ok := parseDate(v); !ok {
			c.value(ColSentOn, v, badDate)
		} else {
			k.day = day
		}
		if v := get(ColCommune); v == "" {
			c.coded(outreach.Problem{Field: "unit", Code: outreach.ProbRequired}, distributionFields)
		} else if code, why := r.unit(v, k.day, k.day, true); why != "" {
			c.value(ColCommune, v, why)
		} else {
			d.Unit = code
		}
		if v := get(ColQuantity); v != "" {
			if n, why := parseInt(v); why != "" {
				c.value(ColQuantity, v, why)
			} else if n < 0 {
				c.value(ColQuantity, v, "không được là số âm")
			} else if n > outreach.MaxQuantity {
				c.value(ColQuantity, v, "số quá lớn") // as Distribution.Validate, in the store
			} else {
				d.Quantity = n
			}
		}
		for _, f := range []struct {
			col string
			to  *string
		}{{ColReceivedOn, &d.ReceivedOn}, {ColDeployedOn, &d.DeployedOn}} {
			if v := get(f.col); v != "" {
				if day, ok := parseDate(v); ok {
					*f.to = day
				} else {
					c.value(f.col, v, badDate)
				}
			}
		}
		for _, v := range splitList(get(ColHow), ";,\n") {
			if m, ok := deployMethod(v); ok {
				d.How = append(d.How, m)
			} else {
				c.value(ColHow, v, "dùng họp thôn, loa truyền thanh, đến từng hộ hoặc khác (hay village_meeting, loudspeaker, house_to_house, other)")
			}
		}
		checkConfirmation(c, get, k.day, d)
		notes := get(ColNotes)
		text := &outreach.ValidationError{}
		outreach.CheckText(text, "notes", notes) // as Distribution.Validate, in the store
		for _, p := range text.Problems {
			c.coded(p, distributionFields)
		}
		if k.material != 0 && k.from != "" && k.day != "" && d.Unit != "" {
			g, ok := groups[k]
			if !ok {
				g = len(out)
				groups[k] = g
				firstLine[k] = map[string]int{}
				out = append(out, store.DistributionRow{Distribution: outreach.Distribution{Plan: r.Plan.Code, Material: k.material, FromAgency: k.from, Date: k.day}})
			}
			if prev, dup := firstLine[k][d.Unit]; dup {
				c.value(ColCommune, get(ColCommune), fmt.Sprintf("xã này đã có ở dòng %d trong cùng đợt gửi (cùng tài liệu, cơ quan gửi và ngày gửi)", prev))
			}
			firstLine[k][d.Unit] = row.Line
			dist := &out[g]
			dist.Lines = append(dist.Lines, row.Line)
			dist.Deliveries = append(dist.Deliveries, d)
			if notes != "" && !strings.Contains(dist.Notes, notes) {
				dist.Notes = strings.TrimSpace(dist.Notes + "\n" + notes)
			}
		}
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
	if len(out) == 0 {
		return nil, []outreach.Problem{{Position: file, Message: "Tệp không có dòng dữ liệu nào dưới dòng tiêu đề"}}
	}
	return out, nil
}

// checkConfirmation applies outreach.ValidateConfirmation's rules with
// Vietnamese wording.
func checkConfirmation(c *collector, get func(string) string, sent string, d outreach.Delivery) {
	if c.bad[ColReceivedOn] || c.bad[ColDeployedOn] || c.bad[ColHow] {
		return
	}
	switch {
	case d.ReceivedOn == "" && d.DeployedOn != "":
		c.value(ColReceivedOn, "", "ghi ngày nhận trước khi ghi ngày triển khai")
	case d.ReceivedOn != "" && sent != "" && d.ReceivedOn < sent:
		c.value(ColReceivedOn, get(ColReceivedOn), "không được trước ngày gửi "+isoDate(sent))
	case d.DeployedOn != "" && d.DeployedOn < d.ReceivedOn:
		c.value(ColDeployedOn, get(ColDeployedOn), "không được trước ngày nhận "+isoDate(d.ReceivedOn))
	case d.DeployedOn != "" && len(d.How) == 0:
		c.value(ColHow, "", "ghi hình thức triển khai khi có ngày triển khai")
	case d.DeployedOn == "" && len(d.How) > 0:
		c.value(ColDeployedOn, "", "ghi ngày triển khai khi có hình thức triển khai")
	}
}

// distributionSheet describes the columns of a distribution sheet.
func distributionSheet() []tabular.Column {
	var cols []tabular.Column
	for _, h := range DistributionHeaders() {
		c := tabular.Column{Header: h, Width: 16}
		switch h {
		case ColMaterial:
			c.Width = 40
		case ColSentOn, ColReceivedOn, ColDeployedOn:
			c.Date = true
		case ColQuantity:
			c.Number = true
		case ColHow:
			c.Width = 28
		case ColNotes:
			c.Width = 30
		}
		cols = append(cols, c)
	}
	return cols
}

// distributionRecords writes a distribution as file rows, one per commune;
// the notes go on its first row.
func (r *Resolver) distributionRecords(d *outreach.Distribution, title string) [][]string {
	var rows [][]string
	for i, x := range d.Deliveries {
		how := make([]string, len(x.How))
		for j, h := range x.How {
			if n, ok := deployNames[h]; ok {
				how[j] = n
			} else {
				how[j] = h
			}
		}
		notes := ""
		if i == 0 {
			notes = d.Notes
		}
		rows = append(rows, []string{r.materialKey(d.Material, title), d.FromAgency, isoDate(d.Date), x.Unit,
			strconv.FormatInt(x.Quantity, 10), isoDate(x.ReceivedOn), isoDate(x.DeployedOn), strings.Join(how, "; "), notes})
	}
	return rows
}

// ExportDistributions writes distributions as a distribution file, one
// row per commune; parsed back it gives the same distributions.
func ExportDistributions(w io.Writer, format string, items []*store.DistributionView, r *Resolver) error {
	var rows [][]string
	for _, it := range items {
		rows = append(rows, r.distributionRecords(&it.Distribution, it.MaterialTitle)...)
	}
	return write(w, format, "Phân phối tài liệu", distributionSheet(), rows)
}

// DistributionTemplate writes an empty distribution file to fill in, with
// an example row; in XLSX with drop-down lists (materials, agencies,
// communes, deployment methods) and the GuideSheet.
func DistributionTemplate(w io.Writer, format string, r *Resolver) error {
	title := "Tờ gấp phòng, chống mua bán người"
	var id int64
	if len(r.Materials) > 0 {
		id, title = r.Materials[0].ID, r.Materials[0].Title
	}
	sender := "bk-stttt"
	if _, ok := r.Plan.Agency(sender); !ok {
		for _, a := range r.Plan.Agencies {
			if !a.IsGroup() {
				sender = a.Code
				break
			}
		}
	}
	commune, day := "01903", "2018-06-01"
	if cs := r.communes(); len(r.unitsByCode[commune]) == 0 && len(cs) > 0 {
		commune, day = cs[0].Code, fmt.Sprintf("%d-06-01", r.Plan.Period.From)
	}
	ex := outreach.Distribution{Material: id, FromAgency: sender, Date: day, Notes: "Đợt 1",
		Deliveries: []outreach.Delivery{{Unit: commune, Quantity: 50, ReceivedOn: day[:8] + "05", DeployedOn: day[:8] + "20", How: []string{"village_meeting", "loudspeaker"}}}}
	rows := r.distributionRecords(&ex, title)
	if id == 0 {
		rows[0][0] = title
	}
	cols := distributionSheet()
	if format != "xlsx" {
		return write(w, format, "", cols, rows)
	}
	var materials, materialNotes, agencies, communes []string
	for _, m := range r.Materials {
		materials = append(materials, m.Title)
		materialNotes = append(materialNotes, fmt.Sprintf("%d: %s (%d)", m.ID, m.Title, m.Year))
	}
	for _, a := range r.Plan.Agencies {
		if !a.IsGroup() {
			agencies = append(agencies, a.Code)
		}
	}
	cs := r.communes()
	for _, u := range cs {
		communes = append(communes, u.Code)
	}
	hows := []string{"họp thôn", "loa truyền thanh", "đến từng hộ", "khác"}
	for i := range cols {
		c := &cols[i]
		switch c.Header {
		case ColMaterial:
			c.Choices, c.Comment = materials, "Tên tài liệu đúng như trong danh mục, hoặc số của tài liệu"
		case ColSender:
			c.Choices, c.Comment = agencies, "Mã cơ quan gửi (hoặc tên)"
		case ColCommune:
			c.Choices, c.Comment = communes, "Mã xã, phường, thị trấn (hoặc tên) theo địa giới tại ngày gửi; xem trang "+GuideSheet
		case ColHow:
			c.Choices, c.Comment = hows, "họp thôn, loa truyền thanh, đến từng hộ, khác; nhiều hình thức cách nhau bằng dấu ;"
		case ColSentOn, ColReceivedOn, ColDeployedOn:
			c.Comment = "dd/mm/yyyy"
		}
	}
	guide := [][]string{
		{"Mẫu tệp nhập phân phối tài liệu — " + r.Plan.Title},
		{"Mỗi dòng là một xã nhận tài liệu. Các dòng cùng tài liệu, cùng cơ quan gửi và cùng ngày gửi là một đợt gửi. Dòng 2 là ví dụ: hãy xóa hoặc ghi đè."},
		{"Ngày: dd/mm/yyyy hoặc yyyy-mm-dd. Ngày nhận, ngày triển khai và hình thức triển khai là xác nhận của xã, có thể để trống."},
		{},
		{"Cột", "Bắt buộc", "Cách ghi"},
		{ColMaterial, "Có", "Tên tài liệu trong danh mục hoặc số của tài liệu"},
		{ColSender, "Có", "Mã cơ quan hoặc tên"},
		{ColSentOn, "Có", "dd/mm/yyyy"},
		{ColCommune, "Có", "Mã hoặc tên xã, phường, thị trấn"},
		{ColQuantity, "Không", "Số bản"},
		{ColReceivedOn, "Không", "Không trước ngày gửi"},
		{ColDeployedOn, "Không", "Không trước ngày nhận"},
		{ColHow, "Không", "họp thôn; loa truyền thanh; đến từng hộ; khác"},
		{ColNotes, "Không", "Ghi chú của đợt gửi"},
		{},
		{"Số", "Tài liệu", "Năm"},
	}
	for _, m := range r.Materials {
		guide = append(guide, []string{strconv.FormatInt(m.ID, 10), m.Title, strconv.Itoa(m.Year)})
	}
	if len(materialNotes) == 0 {
		guide = append(guide, []string{"", "Danh mục tài liệu của kế hoạch chưa có tài liệu nào: hãy thêm tài liệu trước khi nhập."})
	}
	guide = append(guide, []string{}, []string{"Mã", "Cơ quan"})
	for _, a := range r.Plan.Agencies {
		if !a.IsGroup() {
			guide = append(guide, []string{a.Code, a.Name})
		}
	}
	guide = append(guide, r.unitGuide(cs)...)
	return writeTemplate(w, "Phân phối tài liệu", cols, rows, guide, ColCommune, ColHow, ColMaterial)
}
