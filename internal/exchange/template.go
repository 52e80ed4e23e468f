package exchange

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"

	"outreach/internal/i18n"
	"outreach/internal/outreach"
	"outreach/internal/tabular"
)

// GuideSheet is the name of the instructions sheet of XLSX templates.
const GuideSheet = "Hướng dẫn"

// exampleActivity is the template's example row: a training the
// provincial Women's Union ran under task V.2.1 of the Bắc Kạn plan.
func (r *Resolver) exampleActivity() outreach.Activity {
	n := func(v int64) *int64 { return &v }
	a := outreach.Activity{
		Agency: "bk-hlhpn", Task: "V.2.1", Channel: "IV.5", Themes: []string{"III.3", "III.4"},
		Title:       "Hội nghị tập huấn phòng, chống mua bán người cho cán bộ, hội viên phụ nữ huyện Ba Bể",
		Description: "Báo cáo viên Công an tỉnh giới thiệu thủ đoạn của tội phạm mua bán người và Đường dây nóng 18001567",
		StartDate:   "2019-03-15", EndDate: "2019-03-16", Units: []string{"01888", "01903"},
		Quantities: []outreach.ActivityQuantity{{Kind: "sessions", Value: 2}, {Kind: "participants", Value: 120}, {Kind: "copies", Value: 200}},
		Audience:   outreach.Audience{Total: n(120), Women: n(95), Men: n(25), EthnicMinority: n(104)},
		Cost:       12_500_000, FundingSource: "ngan-sach",
		Links: []string{"https://phunu.backan.gov.vn/tin-tuc/tap-huan-phong-chong-mua-ban-nguoi"},
		Notes: "Mỗi xã 01 buổi",
	}
	// Another plan: take its first references, so the example still parses.
	if _, ok := r.Plan.Agency(a.Agency); !ok {
		a = r.genericExample()
	}
	return a
}

func (r *Resolver) genericExample() outreach.Activity {
	a := outreach.Activity{Title: "Hội nghị tuyên truyền phòng, chống mua bán người", StartDate: fmt.Sprintf("%d-03-15", r.Plan.Period.From)}
	a.EndDate = a.StartDate
	for _, ag := range r.Plan.Agencies {
		if !ag.IsGroup() {
			a.Agency = ag.Code
			break
		}
	}
	if len(r.Plan.Channels) > 0 {
		a.Channel = r.Plan.Channels[0].Code
	}
	if len(r.Plan.Themes) > 0 {
		a.Themes = []string{r.Plan.Themes[0].Code}
	}
	if cs := r.communes(); len(cs) > 0 {
		a.Units = []string{cs[0].Code}
	} else {
		a.WholeProvince = true
	}
	if len(r.Kinds) > 0 {
		a.Quantities = []outreach.ActivityQuantity{{Kind: r.Kinds[0].Code, Value: 1}}
	}
	return a
}

// ActivityTemplate writes an empty activity file to fill in: the header
// and one example row. In XLSX, the agency, task, channel, funding source
// and places columns get drop-down lists of the plan's codes (places: the
// communes in force during the plan, whose names are in the header's
// note), and a second sheet, GuideSheet, explains the columns and lists
// the codes with their names.
func ActivityTemplate(w io.Writer, format string, r *Resolver) error {
	ex := r.exampleActivity()
	rows := [][]string{r.activityRecord(&ex)}
	if format != "xlsx" {
		return write(w, format, "", r.activitySheet(), rows)
	}
	cols := r.activitySheet()
	var agencies []string
	var agencyNotes []string
	for _, a := range r.Plan.Agencies {
		if !a.IsGroup() {
			agencies = append(agencies, a.Code)
			agencyNotes = append(agencyNotes, a.Code+": "+a.ShortName)
		}
	}
	var tasks, channels, channelNotes, themeNotes, fundings, fundingNotes []string
	for _, t := range r.Plan.Tasks {
		tasks = append(tasks, t.Clause)
	}
	for _, c := range r.Plan.Channels {
		channels = append(channels, c.Code)
		channelNotes = append(channelNotes, c.Code+": "+c.Name)
	}
	for _, t := range r.Plan.Themes {
		themeNotes = append(themeNotes, t.Code+": "+t.Name)
	}
	for _, f := range r.Plan.Funding.Sources {
		fundings = append(fundings, f.Code)
		fundingNotes = append(fundingNotes, f.Code+": "+f.Name)
	}
	communes := r.communes()
	places := []string{WholeProvinceText}
	var placeNotes []string
	for _, u := range communes {
		places = append(places, u.Code)
		placeNotes = append(placeNotes, fmt.Sprintf("%s: %s (%s)", u.Code, u.Name, r.parentName(u)))
	}
	for i := range cols {
		c := &cols[i]
		switch c.Header {
		case ColAgency:
			c.Choices, c.Comment = agencies, "Mã cơ quan (hoặc tên):\n"+strings.Join(agencyNotes, "\n")
		case ColTask:
			c.Choices, c.Comment = tasks, "Điều khoản của nhiệm vụ trong kế hoạch (không bắt buộc), xem trang "+GuideSheet
		case ColChannel:
			c.Choices, c.Comment = channels, "Mã hình thức (hoặc tên):\n"+strings.Join(channelNotes, "\n")
		case ColThemes:
			c.Comment = "Mã nội dung, nhiều mã cách nhau bằng dấu ;\n" + strings.Join(themeNotes, "\n")
		case ColFunding:
			c.Choices, c.Comment = fundings, "Mã nguồn kinh phí (hoặc tên):\n"+strings.Join(fundingNotes, "\n")
		case ColUnits:
			c.Choices = places
			c.Comment = "Mã xã, phường, thị trấn (hoặc tên, không cần dấu), nhiều địa bàn cách nhau bằng dấu ;, hoặc \"" + WholeProvinceText + "\":\n" + strings.Join(placeNotes, "\n")
		case ColStart, ColEnd:
			c.Comment = "dd/mm/yyyy, ví dụ 15/03/2019"
		case ColCost:
			c.Comment = "Số tiền bằng đồng, ví dụ 12.500.000"
		case ColTotal:
			c.Comment = "Để trống nếu không rõ"
		}
		for _, g := range r.groups {
			if c.Header == g.Header {
				c.Comment = "Số lượt người thuộc nhóm " + g.Code + " (" + describeGroup(g.Def) + "); không lớn hơn tổng số người, để trống nếu không rõ"
			}
		}
	}
	guide := [][]string{
		{"Mẫu tệp nhập hoạt động truyền thông — " + r.Plan.Title},
		{"Mỗi dòng là một hoạt động. Dòng 1 là tiêu đề cột: không đổi tên, không thêm cột (có thể bỏ cột không bắt buộc). Dòng 2 là ví dụ: hãy xóa hoặc ghi đè."},
		{"Ngày: dd/mm/yyyy hoặc yyyy-mm-dd. Số: 1234, 1.234.567 hoặc 1.234,5. Ô số người để trống nghĩa là không rõ. Nhiều giá trị trong một ô cách nhau bằng dấu ;."},
		{"Tệp CSV: lưu dưới dạng \"CSV UTF-8\". Một tệp đã nhập sẽ không được nhập lại lần hai."},
		{},
		{"Cột", "Bắt buộc", "Cách ghi"},
		{ColAgency, "Có", "Mã cơ quan (xem danh sách dưới) hoặc tên, tên viết tắt"},
		{ColTask, "Không", "Điều khoản nhiệm vụ trong kế hoạch, ví dụ V.2.1"},
		{ColChannel, "Có", "Mã hình thức tuyên truyền (mục IV) hoặc tên"},
		{ColThemes, "Không", "Mã nội dung (mục III), nhiều mã cách nhau bằng dấu ;"},
		{ColTitle, "Có", "Tối đa 300 ký tự"},
		{ColDescription, "Không", ""},
		{ColStart, "Có", "dd/mm/yyyy"},
		{ColEnd, "Không", "Để trống nếu trong một ngày"},
		{ColUnits, "Có", "Mã hoặc tên xã, phường, thị trấn (hoặc huyện) theo địa giới tại thời điểm hoạt động; chữ Xã, Phường, Thị trấn có thể bỏ; hoặc \"" + WholeProvinceText + "\""},
	}
	for _, k := range r.Kinds {
		guide = append(guide, []string{k.Name, "Không", "Số " + k.Unit})
	}
	guide = append(guide,
		[]string{ColTotal, "Không", "Số lượt người được tiếp cận"},
		[]string{ColWomen + ", " + ColMen + ", " + ColChildren + ", " + ColEthnic, "Không", "Không lớn hơn tổng số người"})
	// The plan's own audience groups: its targets count them, so the
	// guide says who each one is.
	for _, g := range r.groups {
		guide = append(guide, []string{g.Header, "Không", "Số lượt người thuộc nhóm " + g.Code + " của kế hoạch (" + describeGroup(g.Def) + "); không lớn hơn tổng số người"})
	}
	guide = append(guide,
		[]string{ColCost, "Không", "Bằng đồng; có kinh phí thì ghi nguồn kinh phí"},
		[]string{ColFunding, "Không", "Mã nguồn kinh phí hoặc tên"},
		[]string{ColLinks, "Không", "Địa chỉ web bắt đầu bằng https://, nhiều địa chỉ cách nhau bằng dấu cách hoặc ;"},
		[]string{ColNotes, "Không", ""},
		[]string{},
		[]string{"Mã", "Hình thức tuyên truyền"})
	for _, c := range r.Plan.Channels {
		guide = append(guide, []string{c.Code, c.Name})
	}
	guide = append(guide, []string{}, []string{"Mã", "Nội dung tuyên truyền"})
	for _, t := range r.Plan.Themes {
		guide = append(guide, []string{t.Code, t.Name})
	}
	guide = append(guide, []string{}, []string{"Mã", "Cơ quan"})
	for _, a := range r.Plan.Agencies {
		if !a.IsGroup() {
			guide = append(guide, []string{a.Code, a.Name})
		}
	}
	guide = append(guide, []string{}, []string{"Nhiệm vụ", "Cơ quan", "Nội dung nhiệm vụ"})
	for _, t := range r.Plan.Tasks {
		guide = append(guide, []string{t.Clause, t.Agency, t.Text})
	}
	guide = append(guide, []string{}, []string{"Mã", "Nguồn kinh phí"})
	for _, f := range r.Plan.Funding.Sources {
		guide = append(guide, []string{f.Code, f.Name})
	}
	guide = append(guide, r.unitGuide(communes)...)
	return writeTemplate(w, "Hoạt động", cols, rows, guide, ColUnits)
}

// unitGuide lists communes with their district and validity.
func (r *Resolver) unitGuide(communes []outreach.Unit) [][]string {
	g := [][]string{{}, {"Mã", "Xã, phường, thị trấn", "Thuộc", "Hiệu lực"}}
	for _, u := range communes {
		g = append(g, []string{u.Code, u.Name, r.parentName(u), validity(u)})
	}
	return g
}

func validity(u outreach.Unit) string {
	switch {
	case u.ValidFrom == "" && u.ValidTo == "":
		return ""
	case u.ValidFrom == "":
		return "đến " + i18n.Date(u.ValidTo)
	case u.ValidTo == "":
		return "từ " + i18n.Date(u.ValidFrom)
	}
	return "từ " + i18n.Date(u.ValidFrom) + " đến " + i18n.Date(u.ValidTo)
}

// writeTemplate writes an XLSX template: the data sheet with its
// drop-down lists, then the instructions sheet. The drop-down lists of
// the columns in multi (cells that may hold several values or a name)
// only warn about a value outside the list.
func writeTemplate(w io.Writer, sheet string, cols []tabular.Column, rows, guide [][]string, multi ...string) error {
	var buf bytes.Buffer
	if err := tabular.WriteXLSX(&buf, sheet, cols, rows); err != nil {
		return err
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		return err
	}
	defer f.Close()
	dvs, err := f.GetDataValidations(sheet)
	if err != nil {
		return err
	}
	for i, c := range cols {
		if !slices.Contains(multi, c.Header) {
			continue
		}
		letter, _ := excelize.ColumnNumberToName(i + 1)
		for _, dv := range dvs {
			if !strings.HasPrefix(dv.Sqref, letter+"2:") {
				continue
			}
			if err := f.DeleteDataValidation(sheet, dv.Sqref); err != nil {
				return err
			}
			dv.SetError(excelize.DataValidationErrorStyleWarning, "Giá trị ngoài danh sách",
				"Có thể ghi nhiều mã cách nhau bằng dấu ; hoặc tên. Chọn Yes để giữ giá trị đã gõ.")
			if err := f.AddDataValidation(sheet, dv); err != nil {
				return err
			}
		}
	}
	if _, err := f.NewSheet(GuideSheet); err != nil {
		return err
	}
	for i, row := range guide {
		cells := make([]any, len(row))
		for j, v := range row {
			cells[j] = v
		}
		if err := f.SetSheetRow(GuideSheet, fmt.Sprintf("A%d", i+1), &cells); err != nil {
			return err
		}
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	if err := f.SetCellStyle(GuideSheet, "A1", "A1", bold); err != nil {
		return err
	}
	for i, row := range guide {
		if i > 0 && len(row) >= 2 && len(guide[i-1]) == 0 {
			end, _ := excelize.ColumnNumberToName(len(row))
			if err := f.SetCellStyle(GuideSheet, fmt.Sprintf("A%d", i+1), fmt.Sprintf("%s%d", end, i+1), bold); err != nil {
				return err
			}
		}
	}
	for col, width := range map[string]float64{"A": 26, "B": 40, "C": 60, "D": 30} {
		if err := f.SetColWidth(GuideSheet, col, col, width); err != nil {
			return err
		}
	}
	if idx, err := f.GetSheetIndex(sheet); err == nil {
		f.SetActiveSheet(idx)
	}
	return f.Write(w)
}
