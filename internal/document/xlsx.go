package document

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"
)

// xlsxInfoSheet is the first sheet's name: the report's identity and text.
const xlsxInfoSheet = "Thông tin"

// xlsxMaxSheetName is Excel's limit on a sheet name, in UTF-16 code units.
const xlsxMaxSheetName = 31

// Layout of a table sheet: the caption on row 1, the headers on row 3, the
// data from row 4.
const (
	xlsxCaptionRow = 1
	xlsxHeaderRow  = 3
	xlsxFirstRow   = 4
)

// WriteXLSX writes the document as an Excel workbook: a first sheet
// "Thông tin" with the report's identity lines and its paragraphs, then one
// sheet per table, in document order.
//
// A table sheet has the caption on row 1, the headers on row 3 (frozen),
// the rows from row 4. Numeric cells are numbers with a "#,##0", "#,##0.0"…
// format (Excel shows the separators of the reader's locale), other cells
// are text. A table with Total ends with a bold row whose summed columns
// are SUM formulas over the data rows; the workbook asks for a full
// calculation on load so that the totals show without a cached value.
func (d *Document) WriteXLSX(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	st, err := xlsxNewStyles(f)
	if err != nil {
		return err
	}
	if err := f.SetDefaultFont(xlsxFontName); err != nil {
		return err
	}
	if err := f.SetSheetName("Sheet1", xlsxInfoSheet); err != nil {
		return err
	}

	// Name every table's sheet first, so the info sheet can link to them.
	var tables []*Table
	for _, s := range d.Sections {
		for _, b := range s.Blocks {
			if b.Table != nil {
				tables = append(tables, b.Table)
			}
		}
	}
	used := map[string]bool{strings.ToLower(xlsxInfoSheet): true}
	names := make(map[*Table]string, len(tables))
	for i, t := range tables {
		if _, dup := names[t]; dup {
			continue // the same table twice gets one sheet
		}
		names[t] = xlsxSheetName(t.Name, i+1, used)
	}

	if err := d.xlsxInfo(f, st, names); err != nil {
		return err
	}
	done := make(map[*Table]bool, len(tables))
	for _, t := range tables {
		if done[t] {
			continue
		}
		done[t] = true
		if err := xlsxTable(f, st, names[t], t); err != nil {
			return fmt.Errorf("bảng %q: %w", t.Name, err)
		}
	}

	props := &excelize.DocProperties{
		Title:    d.Title,
		Subject:  d.Summary,
		Creator:  d.Agency,
		Language: "vi-VN",
	}
	if !d.Created.IsZero() {
		props.Created = d.Created.UTC().Format(time.RFC3339)
		props.Modified = props.Created
	}
	if err := f.SetDocProps(props); err != nil {
		return err
	}
	full := true
	if err := f.SetCalcProps(&excelize.CalcPropsOptions{FullCalcOnLoad: &full}); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	return f.Write(w)
}

// xlsxStyles are the style ids the writer uses.
type xlsxStyles struct {
	label, value, summary, heading, subheading, link      int
	caption, header, text, numText, totalLabel, totalText int
	num                                                   map[[3]int]int // by decimals, total, centred
	f                                                     *excelize.File
}

// The workbook's font: Times New Roman, as administrative documents use
// (LibreOffice substitutes the metric-compatible Liberation Serif).
const (
	xlsxFontName = "Times New Roman"
	xlsxFontSize = 12
	xlsxLineHt   = 15.75 // points per line of 12-point text
)

// xlsxFont returns the workbook font, bold and italic as asked.
func xlsxFont(bold, italic bool) *excelize.Font {
	return &excelize.Font{Family: xlsxFontName, Size: xlsxFontSize, Bold: bold, Italic: italic}
}

var xlsxBorder = []excelize.Border{
	{Type: "left", Color: "000000", Style: 1},
	{Type: "top", Color: "000000", Style: 1},
	{Type: "right", Color: "000000", Style: 1},
	{Type: "bottom", Color: "000000", Style: 1},
}

func xlsxNewStyles(f *excelize.File) (*xlsxStyles, error) {
	st := &xlsxStyles{num: map[[3]int]int{}, f: f}
	var err error
	add := func(id *int, s *excelize.Style) {
		if err != nil {
			return
		}
		*id, err = f.NewStyle(s)
	}
	top := &excelize.Alignment{Vertical: "top", WrapText: true}
	link := xlsxFont(false, false)
	link.Color, link.Underline = "0563C1", "single"
	caption := xlsxFont(true, false)
	caption.Size = xlsxFontSize + 1
	add(&st.label, &excelize.Style{Font: xlsxFont(true, false), Alignment: &excelize.Alignment{Vertical: "top"}})
	add(&st.value, &excelize.Style{Font: xlsxFont(false, false), Alignment: top})
	add(&st.summary, &excelize.Style{Font: xlsxFont(true, false), Alignment: top})
	add(&st.heading, &excelize.Style{Font: xlsxFont(true, false), Alignment: top})
	add(&st.subheading, &excelize.Style{Font: xlsxFont(true, true), Alignment: top})
	add(&st.link, &excelize.Style{Font: link, Alignment: top})
	add(&st.caption, &excelize.Style{Font: caption, Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}})
	add(&st.header, &excelize.Style{
		Font:      xlsxFont(true, false),
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
		Border:    xlsxBorder,
	})
	add(&st.text, &excelize.Style{Font: xlsxFont(false, false), Border: xlsxBorder, Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}})
	add(&st.numText, &excelize.Style{Font: xlsxFont(false, false), Border: xlsxBorder, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	add(&st.totalLabel, &excelize.Style{Font: xlsxFont(true, false), Border: xlsxBorder, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	add(&st.totalText, &excelize.Style{Font: xlsxFont(true, false), Border: xlsxBorder, Alignment: &excelize.Alignment{Vertical: "center"}})
	return st, err
}

// xlsxNumFmt is the number format for the decimals: "#,##0", "#,##0.0"…
func xlsxNumFmt(decimals int) string {
	decimals = min(max(decimals, 0), 10)
	if decimals == 0 {
		return "#,##0"
	}
	return "#,##0." + strings.Repeat("0", decimals)
}

// numStyle returns the style of a number cell with the decimals: bold for
// a total, centred in a column that is not numeric (such as "TT").
func (st *xlsxStyles) numStyle(decimals int, total, centre bool) (int, error) {
	key := [3]int{decimals}
	if total {
		key[1] = 1
	}
	if centre {
		key[2] = 1
	}
	if id, ok := st.num[key]; ok {
		return id, nil
	}
	format, align := xlsxNumFmt(decimals), "right"
	if centre {
		align = "center"
	}
	id, err := st.f.NewStyle(&excelize.Style{
		Font:         xlsxFont(total, false),
		Border:       xlsxBorder,
		Alignment:    &excelize.Alignment{Horizontal: align, Vertical: "center"},
		CustomNumFmt: &format,
	})
	if err != nil {
		return 0, err
	}
	st.num[key] = id
	return id, nil
}

// xlsxInfo fills the first sheet: label in column A, value in a wide,
// wrapped column B; then each section's heading and its paragraphs, one
// per row, and for a table a link to its sheet.
func (d *Document) xlsxInfo(f *excelize.File, st *xlsxStyles, names map[*Table]string) error {
	const sh = xlsxInfoSheet
	if err := f.SetColWidth(sh, "A", "A", 14); err != nil {
		return err
	}
	const wide = 80
	if err := f.SetColWidth(sh, "B", "B", wide); err != nil {
		return err
	}
	if err := xlsxPrint(f, sh); err != nil {
		return err
	}
	row := 0
	put := func(label, value string, style int) error {
		if err := xlsxFitRow(f, sh, row+1, xlsxLines(value, wide, style != st.value && style != st.link)); err != nil {
			return err
		}
		row++
		if label != "" {
			a := fmt.Sprintf("A%d", row)
			if err := f.SetCellStr(sh, a, label); err != nil {
				return err
			}
			if err := f.SetCellStyle(sh, a, a, st.label); err != nil {
				return err
			}
		}
		b := fmt.Sprintf("B%d", row)
		if err := f.SetCellStr(sh, b, value); err != nil {
			return err
		}
		return f.SetCellStyle(sh, b, b, style)
	}
	agency := d.Agency
	if d.Parent != "" {
		agency = d.Parent + " – " + d.Agency
	}
	for _, l := range []struct{ label, value string }{
		{"Cơ quan", agency},
		{"Số", strings.TrimSpace(strings.TrimPrefix(d.Number, "Số:"))},
		{"Ngày", d.DateLine()},
		{"Báo cáo", d.Summary},
	} {
		style := st.value
		if l.label == "Báo cáo" {
			style = st.summary
		}
		if err := put(l.label, l.value, style); err != nil {
			return err
		}
	}
	if d.Draft != "" {
		if err := put("Ghi chú", d.Draft, st.summary); err != nil {
			return err
		}
	}
	for _, s := range d.Sections {
		row++ // a blank row before each section
		if s.Heading != "" {
			if err := put("", s.Heading, st.heading); err != nil {
				return err
			}
		}
		for _, b := range s.Blocks {
			if b.Subheading != "" {
				if err := put("", b.Subheading, st.subheading); err != nil {
					return err
				}
			}
			if b.Text != "" {
				if err := put("", b.Text, st.value); err != nil {
					return err
				}
			}
			if b.Table != nil {
				name := names[b.Table]
				if err := put("", "Bảng: "+b.Table.Name+" (xem trang tính «"+name+"»)", st.link); err != nil {
					return err
				}
				loc := "'" + strings.ReplaceAll(name, "'", "''") + "'!A1"
				if err := f.SetCellHyperLink(sh, fmt.Sprintf("B%d", row), loc, "Location"); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// xlsxTable writes one table on its own sheet.
func xlsxTable(f *excelize.File, st *xlsxStyles, sheet string, t *Table) error {
	if _, err := f.NewSheet(sheet); err != nil {
		return err
	}
	ncol := len(t.Columns)
	for _, r := range t.Rows {
		ncol = max(ncol, len(r))
	}
	column := func(i int) Column {
		if i < len(t.Columns) {
			return t.Columns[i]
		}
		return Column{}
	}
	cell := func(col, row int) string {
		name, _ := excelize.CoordinatesToCellName(col+1, row)
		return name
	}

	// The caption, merged over the table's width and wrapped.
	if err := f.SetCellStr(sheet, "A1", t.Name); err != nil {
		return err
	}
	last := cell(max(ncol, 1)-1, xlsxCaptionRow)
	if err := f.SetCellStyle(sheet, "A1", last, st.caption); err != nil {
		return err
	}
	if last != "A1" {
		if err := f.MergeCell(sheet, "A1", last); err != nil {
			return err
		}
	}
	var tableWidth float64
	for i := 0; i < ncol; i++ {
		tableWidth += xlsxColWidth(column(i))
	}
	if err := xlsxFitRow(f, sheet, xlsxCaptionRow, xlsxLines(t.Name, max(tableWidth, 12)/1.1, true)); err != nil {
		return err
	}

	for i := 0; i < ncol; i++ {
		c := column(i)
		name, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			return err
		}
		if err := f.SetColWidth(sheet, name, name, xlsxColWidth(c)); err != nil {
			return err
		}
		h := cell(i, xlsxHeaderRow)
		if err := f.SetCellStr(sheet, h, c.Header); err != nil {
			return err
		}
		if err := f.SetCellStyle(sheet, h, h, st.header); err != nil {
			return err
		}
	}

	headerLines := 1
	for i := 0; i < ncol; i++ {
		headerLines = max(headerLines, xlsxLines(column(i).Header, xlsxColWidth(column(i)), true))
	}
	if err := xlsxFitRow(f, sheet, xlsxHeaderRow, headerLines); err != nil {
		return err
	}

	decimals := make([]int, ncol) // the most decimals in each column, for the total
	for r, cells := range t.Rows {
		row := xlsxFirstRow + r
		lines := 1
		for i := 0; i < ncol && i < len(cells); i++ {
			if !cells[i].IsNum {
				lines = max(lines, xlsxLines(cells[i].Text, xlsxColWidth(column(i)), false))
			}
		}
		if err := xlsxFitRow(f, sheet, row, lines); err != nil {
			return err
		}
		for i := 0; i < ncol; i++ {
			ref := cell(i, row)
			var c Cell
			if i < len(cells) {
				c = cells[i]
			}
			style := st.text
			switch {
			case c.IsNum:
				decimals[i] = max(decimals[i], c.Decimals)
				if err := f.SetCellFloat(sheet, ref, c.Num, -1, 64); err != nil {
					return err
				}
				s, err := st.numStyle(c.Decimals, false, !column(i).Numeric)
				if err != nil {
					return err
				}
				style = s
			default:
				if c.Text != "" {
					if err := f.SetCellStr(sheet, ref, c.Text); err != nil {
						return err
					}
				}
				if column(i).Numeric {
					style = st.numText
				}
			}
			if err := f.SetCellStyle(sheet, ref, ref, style); err != nil {
				return err
			}
		}
	}

	if t.Total && ncol > 0 {
		if err := xlsxTotal(f, st, sheet, t, ncol, decimals); err != nil {
			return err
		}
	}

	if err := f.SetPanes(sheet, &excelize.Panes{
		Freeze: true, YSplit: xlsxHeaderRow, TopLeftCell: cell(0, xlsxFirstRow), ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: cell(0, xlsxFirstRow), ActiveCell: cell(0, xlsxFirstRow), Pane: "bottomLeft"}},
	}); err != nil {
		return err
	}
	if err := xlsxPrint(f, sheet); err != nil {
		return err
	}
	// Repeat the header row on every printed page.
	return f.SetDefinedName(&excelize.DefinedName{
		Name:     "_xlnm.Print_Titles",
		RefersTo: fmt.Sprintf("'%s'!$%d:$%d", strings.ReplaceAll(sheet, "'", "''"), xlsxHeaderRow, xlsxHeaderRow),
		Scope:    sheet,
	})
}

// xlsxPrint sets a sheet to print on A4, as wide as the page.
func xlsxPrint(f *excelize.File, sheet string) error {
	a4, one, anyHeight, fit := 9, 1, 0, true
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &a4, FitToWidth: &one, FitToHeight: &anyHeight}); err != nil {
		return err
	}
	return f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit})
}

// xlsxFitRow sets the height of a row holding wrapped text of the lines.
// Neither Excel nor LibreOffice grows a row to fit wrapped text written by
// a program, so the height is set from an estimate (xlsxLines); one line
// keeps the default height.
func xlsxFitRow(f *excelize.File, sheet string, row, lines int) error {
	if lines <= 1 {
		return nil
	}
	return f.SetRowHeight(sheet, row, min(float64(lines)*xlsxLineHt+2, 409))
}

// xlsxLines estimates how many lines text takes, wrapped at word breaks
// in a column width characters wide (a width unit is a digit's width).
// Letters are counted a little narrower than digits, capitals and bold
// wider: a rough measure of Times New Roman that errs on more lines.
func xlsxLines(text string, width float64, bold bool) int {
	if text == "" {
		return 1
	}
	avail := max(width-1, 1) // the cell's padding
	measure := func(w string) float64 {
		var n float64
		for _, r := range w {
			switch {
			case unicode.IsUpper(r):
				n += 1.35
			case r == 'm' || r == 'w' || r == 'M' || r == 'W':
				n += 1.5
			default:
				n += 0.9
			}
		}
		if bold {
			n *= 1.08
		}
		return n
	}
	space := measure(" ") * 0.55
	lines := 0
	for _, para := range strings.Split(text, "\n") {
		lines++
		var x float64
		for _, word := range strings.Fields(para) {
			wl := measure(word)
			switch {
			case x == 0:
				x = wl
			case x+space+wl <= avail:
				x += space + wl
			default:
				lines++
				x = wl
			}
			for x > avail { // a word longer than the line breaks anywhere
				lines++
				x -= avail
			}
		}
	}
	return lines
}

// xlsxTotal writes the total row: TotalLabel in the first non-numeric
// column (or the first column), merged rightwards over the empty cells up
// to the next summed column; a SUM formula in each summed column.
func xlsxTotal(f *excelize.File, st *xlsxStyles, sheet string, t *Table, ncol int, decimals []int) error {
	row := xlsxFirstRow + len(t.Rows)
	ref := func(col, row int) string {
		name, _ := excelize.CoordinatesToCellName(col+1, row)
		return name
	}
	sum := func(i int) bool { return i < len(t.Columns) && t.Columns[i].Sum }
	label := 0
	for i := 0; i < ncol; i++ {
		if i >= len(t.Columns) || !t.Columns[i].Numeric {
			label = i
			break
		}
	}
	for i := 0; i < ncol; i++ {
		c := ref(i, row)
		style := st.totalText
		switch {
		case sum(i):
			s, err := st.numStyle(decimals[i], true, false)
			if err != nil {
				return err
			}
			style = s
			if len(t.Rows) == 0 {
				if err := f.SetCellInt(sheet, c, 0); err != nil {
					return err
				}
				break
			}
			formula := fmt.Sprintf("SUM(%s:%s)", ref(i, xlsxFirstRow), ref(i, row-1))
			if err := f.SetCellFormula(sheet, c, formula); err != nil {
				return err
			}
		case i == label:
			style = st.totalLabel
			if err := f.SetCellStr(sheet, c, TotalLabel); err != nil {
				return err
			}
		}
		if err := f.SetCellStyle(sheet, c, c, style); err != nil {
			return err
		}
	}
	end := label
	for end+1 < ncol && !sum(end+1) {
		end++
	}
	if end > label {
		return f.MergeCell(sheet, ref(label, row), ref(end, row))
	}
	return nil
}

// xlsxColWidth is a column's width in characters: ten per unit of
// Column.Width; text columns get at least 12 unless a narrow width (below
// 1, such as an "TT" column) was asked for.
func xlsxColWidth(c Column) float64 {
	w := c.Width
	if w <= 0 {
		w = 1
	}
	width := 10 * w
	switch {
	case c.Numeric:
		width = max(width, 8)
	case c.Width >= 1 || c.Width <= 0:
		width = max(width, 12)
	default:
		width = max(width, 5)
	}
	return min(width, 255)
}

// xlsxSheetName makes a valid, unused sheet name from a table's name: the
// characters Excel refuses ( : \ / ? * [ ] ) removed, leading and trailing
// apostrophes and spaces trimmed, cut to 31 UTF-16 units, made unique
// (case-insensitively, as Excel compares) with a suffix " (2)", " (3)"….
// n numbers the table for a name left empty. used is updated.
func xlsxSheetName(name string, n int, used map[string]bool) string {
	base := strings.Map(func(r rune) rune {
		switch r {
		case ':', '\\', '/', '?', '*', '[', ']':
			return -1
		case '\n', '\r', '\t':
			return ' '
		}
		if r < ' ' {
			return -1
		}
		return r
	}, name)
	base = strings.Join(strings.Fields(base), " ")
	base = xlsxTrimName(base)
	if base == "" {
		base = fmt.Sprintf("Bảng %d", n)
	}
	for i := 1; ; i++ {
		suffix := ""
		if i > 1 {
			suffix = fmt.Sprintf(" (%d)", i)
		}
		candidate := xlsxTrimName(xlsxCut(base, xlsxMaxSheetName-len(suffix))) + suffix
		if key := strings.ToLower(candidate); !used[key] && key != "history" {
			used[key] = true
			return candidate
		}
	}
}

// xlsxTrimName trims spaces and apostrophes (a sheet name may not begin or
// end with one) from both ends.
func xlsxTrimName(s string) string { return strings.Trim(s, " '") }

// xlsxCut cuts s to at most n UTF-16 code units, at a character boundary.
func xlsxCut(s string, n int) string {
	units := 0
	for i, r := range s {
		u := max(utf16.RuneLen(r), 1) // an invalid byte counts as one
		if units+u > n {
			return s[:i]
		}
		units += u
	}
	return s
}
