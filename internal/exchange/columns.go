package exchange

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"outreach/internal/i18n"
	"outreach/internal/outreach"
	"outreach/internal/tabular"
)

// Column titles of activity files. The quantity kinds' columns (titled
// with the kinds' names) stand between ColUnits and ColTotal; the columns
// of the plan's own audience groups (titled with the groups' names, see
// groupColumns) between ColEthnic and ColCost.
const (
	ColAgency      = "Cơ quan"
	ColTask        = "Nhiệm vụ"
	ColChannel     = "Hình thức"
	ColThemes      = "Nội dung"
	ColTitle       = "Tên hoạt động"
	ColDescription = "Mô tả"
	ColStart       = "Ngày bắt đầu"
	ColEnd         = "Ngày kết thúc"
	ColUnits       = "Địa bàn"
	ColTotal       = "Tổng số người"
	ColWomen       = "Nữ"
	ColMen         = "Nam"
	ColChildren    = "Trẻ em 14-16"
	ColEthnic      = "Người dân tộc thiểu số"
	ColCost        = "Kinh phí (đồng)"
	ColFunding     = "Nguồn kinh phí"
	ColLinks       = "Đường dẫn"
	ColNotes       = "Ghi chú"
)

// Column titles of distribution files (with ColNotes last).
const (
	ColMaterial   = "Tài liệu"
	ColSender     = "Cơ quan gửi"
	ColSentOn     = "Ngày gửi"
	ColCommune    = "Xã nhận"
	ColQuantity   = "Số lượng"
	ColReceivedOn = "Ngày nhận"
	ColDeployedOn = "Ngày triển khai"
	ColHow        = "Hình thức triển khai"
)

// WholeProvinceText is what the places column says for an activity that
// reached the whole province.
const WholeProvinceText = "Toàn tỉnh"

// aliases are other titles accepted for a column.
var aliases = map[string]string{
	"Kinh phí":             ColCost,
	"Kinh phí (VNĐ)":       ColCost,
	"Kinh phí (đ)":         ColCost,
	"Trẻ em từ 14-16":      ColChildren,
	"Trẻ em 14-16 tuổi":    ColChildren,
	"Dân tộc thiểu số":     ColEthnic,
	"Đường dẫn (link)":     ColLinks,
	"Số lượng tài liệu":    ColQuantity,
	"Xã, phường, thị trấn": ColCommune,
}

// headerKey is the form titles are compared in: folded (see
// tabular.Fold), with dashes unified and no space around them.
func headerKey(s string) string {
	s = strings.NewReplacer("–", "-", "—", "-").Replace(tabular.Fold(s))
	return strings.NewReplacer(" -", "-", "- ", "-").Replace(s)
}

// ActivityHeaders returns the columns of an activity file, in order.
func (r *Resolver) ActivityHeaders() []string {
	h := []string{ColAgency, ColTask, ColChannel, ColThemes, ColTitle, ColDescription, ColStart, ColEnd, ColUnits}
	for _, k := range r.Kinds {
		h = append(h, k.Name)
	}
	h = append(h, ColTotal, ColWomen, ColMen, ColChildren, ColEthnic)
	for _, g := range r.groups {
		h = append(h, g.Header)
	}
	return append(h, ColCost, ColFunding, ColLinks, ColNotes)
}

// groupColumn is the column of an audience group a plan defines: the
// people-times of the group (outreach.Audience.Groups).
type groupColumn struct {
	Code   string
	Header string
	Def    outreach.PopulationDef
}

// groupColumns titles the columns of the audience groups a plan asks
// activities to record with the groups' names. A name that would read as
// another column (a fixed one, an alias, a quantity kind or an earlier
// group, compared as headerKey does) gets its code after it, "Name
// (code)", so that every title still names one column.
func groupColumns(p *outreach.Plan, kinds []outreach.QuantityKind) []groupColumn {
	groups := p.AudienceGroups()
	if len(groups) == 0 {
		return nil
	}
	taken := map[string]bool{}
	for _, c := range []string{ColAgency, ColTask, ColChannel, ColThemes, ColTitle, ColDescription, ColStart, ColEnd, ColUnits,
		ColTotal, ColWomen, ColMen, ColChildren, ColEthnic, ColCost, ColFunding, ColLinks, ColNotes} {
		taken[headerKey(c)] = true
	}
	for a := range aliases {
		taken[headerKey(a)] = true
	}
	for _, k := range kinds {
		taken[headerKey(k.Name)] = true
	}
	out := make([]groupColumn, 0, len(groups))
	for _, g := range groups {
		h := strings.TrimSpace(g.Name)
		if h == "" {
			h = g.Code
		}
		if taken[headerKey(h)] {
			h = fmt.Sprintf("%s (%s)", h, g.Code)
		}
		taken[headerKey(h)] = true
		out = append(out, groupColumn{Code: g.Code, Header: h, Def: g})
	}
	return out
}

// describeGroup says in Vietnamese who a plan-defined group counts, for
// the template's notes: "nữ, người dân tộc thiểu số, từ 16 đến 30 tuổi".
func describeGroup(d outreach.PopulationDef) string {
	var parts []string
	switch d.Sex {
	case outreach.SexFemale:
		parts = append(parts, "nữ")
	case outreach.SexMale:
		parts = append(parts, "nam")
	}
	if d.EthnicMinority {
		parts = append(parts, "người dân tộc thiểu số")
	}
	switch {
	case d.AgeFrom != nil && d.AgeTo != nil:
		parts = append(parts, fmt.Sprintf("từ %d đến %d tuổi", *d.AgeFrom, *d.AgeTo))
	case d.AgeFrom != nil:
		parts = append(parts, fmt.Sprintf("từ %d tuổi trở lên", *d.AgeFrom))
	case d.AgeTo != nil:
		parts = append(parts, fmt.Sprintf("đến %d tuổi", *d.AgeTo))
	}
	if len(parts) == 0 {
		return "mọi người"
	}
	return strings.Join(parts, ", ")
}

// DistributionHeaders returns the columns of a distribution file, in order.
func DistributionHeaders() []string {
	return []string{ColMaterial, ColSender, ColSentOn, ColCommune, ColQuantity, ColReceivedOn, ColDeployedOn, ColHow, ColNotes}
}

// columnIndex matches a table's header against the known columns and
// returns each known column's position (absent ones are missing from the
// map). Unknown, repeated and untitled columns with data are problems on
// line 1; so is a required column that is absent.
func columnIndex(t *tabular.Table, file string, known, required []string) (map[string]int, []outreach.Problem) {
	byKey := map[string]string{}
	for _, c := range known {
		byKey[headerKey(c)] = c
	}
	for a, c := range aliases {
		if _, ok := byKey[headerKey(c)]; ok {
			byKey[headerKey(a)] = c
		}
	}
	pos := file + ":1"
	idx := map[string]int{}
	var probs, unknown []outreach.Problem
	width := len(t.Header)
	for _, row := range t.Rows {
		width = max(width, len(row.Cells))
	}
	for i := 0; i < width; i++ {
		h := ""
		if i < len(t.Header) {
			h = t.Header[i]
		}
		letter, _ := excelize.ColumnNumberToName(i + 1)
		if h == "" {
			for _, row := range t.Rows {
				if row.Cell(i) != "" {
					probs = append(probs, outreach.Problem{Position: fmt.Sprintf("%s:%d", file, row.Line), Field: letter,
						Message: fmt.Sprintf("Cột %s có dữ liệu (%q) nhưng không có tiêu đề ở dòng 1", letter, row.Cell(i))})
					break
				}
			}
			continue
		}
		c, ok := byKey[headerKey(h)]
		switch {
		case !ok:
			unknown = append(unknown, outreach.Problem{Position: pos, Field: h,
				Message: fmt.Sprintf("Cột %s có tiêu đề %q không thuộc mẫu tệp; hãy sửa tiêu đề hoặc xóa cột (các cột của mẫu: %s)", letter, h, strings.Join(known, ", "))})
		default:
			if j, dup := idx[c]; dup {
				prev, _ := excelize.ColumnNumberToName(j + 1)
				probs = append(probs, outreach.Problem{Position: pos, Field: c,
					Message: fmt.Sprintf("Cột %q có hai lần (cột %s và cột %s)", c, prev, letter)})
				continue
			}
			idx[c] = i
		}
	}
	for _, c := range required {
		if _, ok := idx[c]; !ok {
			probs = append(probs, outreach.Problem{Position: pos, Field: c, Message: fmt.Sprintf("Thiếu cột %q", c)})
		}
	}
	all := append(unknown, probs...)
	if len(all) > maxProblems {
		all = append(all[:maxProblems], outreach.Problem{Position: file,
			Message: fmt.Sprintf("Chỉ liệt kê %d lỗi đầu tiên về cột; tệp có %d lỗi như vậy", maxProblems, len(all))})
	}
	return idx, all
}

// maxProblems bounds the problems reported for one file: the first 200
// are listed, then a line says more were left out.
const maxProblems = 200

// collector gathers a file's problems, remembering which columns of the
// current row already have one.
type collector struct {
	file  string
	line  int
	bad   map[string]bool
	probs []outreach.Problem
}

func (c *collector) row(line int) {
	c.line = line
	clear(c.bad)
}

func (c *collector) full() bool { return len(c.probs) >= maxProblems }

func (c *collector) pos() string { return fmt.Sprintf("%s:%d", c.file, c.line) }

// value records that a cell's value is wrong, and why.
func (c *collector) value(col, v, reason string) {
	c.bad[col] = true
	c.probs = append(c.probs, outreach.Problem{Position: c.pos(), Field: col,
		Message: i18n.VI.T("problem.column_value", col, v, reason)})
}

// coded records a problem with a code (from Validate, or raised here the
// way the store does), worded by Translate; a column that already has a
// problem gets no second one.
func (c *collector) coded(p outreach.Problem, cols map[string]string) {
	t := Translate(p, cols)
	if c.bad[t.Field] {
		return
	}
	c.bad[t.Field] = true
	t.Position = c.pos()
	c.probs = append(c.probs, t)
}

// finish caps the problems with a last one saying more were left out.
func (c *collector) finish(rows int) []outreach.Problem {
	if len(c.probs) >= maxProblems {
		c.probs = append(c.probs[:maxProblems], outreach.Problem{Position: c.file,
			Message: fmt.Sprintf("Chỉ liệt kê %d lỗi đầu tiên; tệp có %d dòng dữ liệu, hãy sửa các lỗi trên rồi kiểm tra lại", maxProblems, rows)})
	}
	return c.probs
}

// Date reasons shown after the column and the value.
const (
	badDate   = "ngày không hợp lệ (dùng dd/mm/yyyy hoặc yyyy-mm-dd)"
	badNumber = "số không hợp lệ (ví dụ: 1234, 1.234.567 hoặc 1.234,5)"
)

// parseDate reads a date cell; an XLSX date-time ("15/03/2019 08:30")
// gives its date.
func parseDate(v string) (string, bool) {
	if d, rest, ok := strings.Cut(v, " "); ok {
		if _, err := time.Parse("15:04", rest); err == nil {
			v = d
		} else if _, err := time.Parse("15:04:05", rest); err == nil {
			v = d
		}
	}
	d, err := tabular.ParseDate(v)
	return d, err == nil
}

// parseInt reads a whole number with Vietnamese separators and returns the
// reason when it is not one.
func parseInt(v string) (int64, string) {
	f, err := tabular.ParseNumber(v)
	if err != nil {
		return 0, badNumber
	}
	n, err := tabular.ParseInt(v)
	if err != nil {
		if f != float64(int64(f)) {
			return 0, "phải là số nguyên"
		}
		return 0, "số quá lớn"
	}
	return n, ""
}

// formatNumber writes a number for a file: plain digits, with a decimal
// comma for fractions so that ParseNumber never takes the decimal point
// for a thousands separator.
func formatNumber(v float64) string {
	return strings.Replace(strconv.FormatFloat(v, 'f', -1, 64), ".", ",", 1)
}

// isoDate formats an ISO date as dd/mm/yyyy for a file.
func isoDate(d string) string {
	if d == "" {
		return ""
	}
	return i18n.Date(d)
}

// splitList splits a cell listing several items by sep characters.
func splitList(v string, seps string) []string {
	var out []string
	for _, s := range strings.FieldsFunc(v, func(r rune) bool { return strings.ContainsRune(seps, r) }) {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
