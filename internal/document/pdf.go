package document

import (
	"io"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-fonts/liberation/liberationserifbold"
	"codeberg.org/go-fonts/liberation/liberationserifbolditalic"
	"codeberg.org/go-fonts/liberation/liberationserifitalic"
	"codeberg.org/go-fonts/liberation/liberationserifregular"
	"codeberg.org/go-pdf/fpdf"
)

// The PDF layout, in millimetres and points: A4 portrait with the margins
// of Decree 30/2020/NĐ-CP, Annex I, set in Liberation Serif (metrically
// compatible with Times New Roman), which is embedded so that every
// Vietnamese letter renders on any reader.
const (
	pdfFamily = "LiberationSerif"

	pdfMarginTop    = 20.0
	pdfMarginBottom = 20.0
	pdfMarginLeft   = 30.0
	pdfMarginRight  = 15.0

	pdfHeaderLeft = 0.4 // share of the text width taken by the header's left column

	pdfBodySize   = 14.0
	pdfBodyLine   = 7.0 // line height of body text
	pdfIndent     = 10.0
	pdfParaAfter  = 1.5 // space after a body paragraph
	pdfTableSize  = 12.0
	pdfTableLine  = 5.4 // line height inside table cells
	pdfTablePad   = 0.9 // vertical padding inside table cells
	pdfTableCellM = 1.5 // horizontal padding inside table cells
	pdfSignSpace  = 25.0
	pdfPageNumY   = 9.0 // where the page number sits in the top margin
	pdfRuleWidth  = 0.3 // rules under the agency and the motto
	pdfGridWidth  = 0.2 // table borders
	pdfNationName = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
	pdfMotto      = "Độc lập - Tự do - Hạnh phúc"
	pdfRecipients = "Nơi nhận:"
)

// WritePDF writes the document as a PDF file. The same Document always
// gives the same bytes: fonts are embedded from memory, catalogue entries
// are sorted and the creation date is d.Created (or d.Date when Created is
// zero; only when both are zero does the clock come in).
func (d *Document) WritePDF(w io.Writer) error {
	f, err := d.pdfBuild()
	if err != nil {
		return err
	}
	return f.Output(w)
}

// pdfWriter lays a Document out on an fpdf document.
type pdfWriter struct {
	f  *fpdf.Fpdf
	d  *Document
	tw float64 // text width
}

// pdfBuild lays the document out and returns the fpdf document, ready for
// Output; tests use it to count pages.
func (d *Document) pdfBuild() (*fpdf.Fpdf, error) {
	f := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", SizeStr: "A4"})
	f.AddUTF8FontFromBytes(pdfFamily, "", liberationserifregular.TTF)
	f.AddUTF8FontFromBytes(pdfFamily, "B", liberationserifbold.TTF)
	f.AddUTF8FontFromBytes(pdfFamily, "I", liberationserifitalic.TTF)
	f.AddUTF8FontFromBytes(pdfFamily, "BI", liberationserifbolditalic.TTF)
	f.SetMargins(pdfMarginLeft, pdfMarginTop, pdfMarginRight)
	// Breaks are placed by hand (rows, lines and the signature block are
	// kept whole), so the automatic break only needs the bottom margin.
	f.SetAutoPageBreak(false, pdfMarginBottom)
	f.SetCatalogSort(true)
	created := d.Created
	if created.IsZero() {
		created = d.Date
	}
	if !created.IsZero() {
		created = created.Round(time.Second)
		f.SetCreationDate(created)
		f.SetModificationDate(created)
	}
	f.SetTitle(d.Title, true)
	if d.Agency != "" {
		f.SetAuthor(d.Agency, true)
	}
	if d.Summary != "" {
		f.SetSubject(d.Summary, true)
	}
	f.SetCreator("outreach", true)
	f.SetLang("vi-VN")
	f.SetHeaderFuncMode(func() {
		// Decree 30: the page number is centred in the top margin, from
		// the second page on.
		if f.PageNo() < 2 {
			return
		}
		// AddPage restores the font afterwards; a centred cell does not
		// depend on the cell margin.
		f.SetFont(pdfFamily, "", 13)
		f.SetXY(pdfMarginLeft, pdfPageNumY)
		f.CellFormat(0, 6, strconv.Itoa(f.PageNo()), "", 0, "C", false, 0, "")
	}, true)

	pw, _ := f.GetPageSize()
	p := &pdfWriter{f: f, d: d, tw: pw - pdfMarginLeft - pdfMarginRight}
	f.AddPage()
	p.header()
	p.title()
	sign := p.signatureHeight()
	for i, s := range d.Sections {
		tail := 0.0
		if i == len(d.Sections)-1 {
			tail = sign
		}
		p.section(s, tail)
		if f.Err() {
			break
		}
	}
	p.signature()
	if err := f.Error(); err != nil {
		return nil, err
	}
	return f, nil
}

// font sets the font; style is "", "B", "I" or "BI".
func (p *pdfWriter) font(style string, size float64) {
	p.f.SetFont(pdfFamily, style, size)
}

// lines splits s into the lines that fit the width in the current font,
// with the current cell margin; empty text gives no lines.
func (p *pdfWriter) lines(s string, w float64) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return p.f.SplitText(s, w)
}

// balanced splits s like lines, but into lines of even length: a centred
// title that needs two lines is cut near its middle rather than leaving one
// word on the second line.
func (p *pdfWriter) balanced(s string, w float64) []string {
	ls := p.lines(s, w)
	if len(ls) < 2 {
		return ls
	}
	lo, hi := w/float64(len(ls)), w // the narrowest width keeping as many lines
	for hi-lo > 0.5 {
		mid := (lo + hi) / 2
		if len(p.lines(s, mid)) == len(ls) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return p.lines(s, hi)
}

// ensure starts a new page unless h more millimetres fit on this one.
func (p *pdfWriter) ensure(h float64) {
	_, ph := p.f.GetPageSize()
	if p.f.GetY()+h > ph-pdfMarginBottom+0.01 && p.f.GetY() > pdfMarginTop+0.01 {
		p.f.AddPage()
	}
}

// centred writes the lines centred in the column [x, x+w) from y on and
// returns the y under them and the widest line's width.
func (p *pdfWriter) centred(x, y, w, lh float64, lines []string) (float64, float64) {
	widest := 0.0
	for _, l := range lines {
		p.f.SetXY(x, y)
		p.f.CellFormat(w, lh, l, "", 0, "C", false, 0, "")
		widest = max(widest, p.f.GetStringWidth(l))
		y += lh
	}
	return y, widest
}

// header writes the two header columns: the agency on the left, the
// national title and motto on the right, then the number and the date
// line on one row under them.
func (p *pdfWriter) header() {
	f, d := p.f, p.d
	f.SetCellMargin(0)
	top := pdfMarginTop
	// The right column must hold the national title on one line.
	p.font("B", 12)
	right := max(p.tw*(1-pdfHeaderLeft), f.GetStringWidth(pdfNationName)+2)
	left := p.tw - right
	xl, xr := pdfMarginLeft, pdfMarginLeft+left

	// Left column: parent body, agency, short rule.
	y := top
	if d.Parent != "" {
		p.font("", 13)
		y, _ = p.centred(xl, y, left, 5.6, p.balanced(strings.ToUpper(d.Parent), left))
	}
	p.font("B", 13)
	y, widest := p.centred(xl, y, left, 5.6, p.balanced(strings.ToUpper(d.Agency), left))
	if widest > 0 {
		rw := max(widest/3, 12)
		f.SetLineWidth(pdfRuleWidth)
		f.Line(xl+(left-rw)/2, y+0.6, xl+(left+rw)/2, y+0.6)
		f.SetLineWidth(pdfGridWidth)
	}
	yl := y + 0.6

	// Right column: national title, motto, rule as wide as the motto.
	p.font("B", 12)
	yr, _ := p.centred(xr, top, right, 5.6, []string{pdfNationName})
	p.font("B", 13)
	yr, mw := p.centred(xr, yr, right, 5.6, []string{pdfMotto})
	f.SetLineWidth(pdfRuleWidth)
	f.Line(xr+(right-mw)/2, yr+0.6, xr+(right+mw)/2, yr+0.6)
	f.SetLineWidth(pdfGridWidth)
	yr += 0.6

	// Number (left) and place and date (right) share a row.
	row := max(yl, yr) + 2.5
	p.font("", 13)
	y1, _ := p.centred(xl, row, left, 6, p.lines(d.Number, left))
	p.font("I", 14)
	y2, _ := p.centred(xr, row, right, 6, p.lines(d.DateLine(), right))
	f.SetXY(pdfMarginLeft, max(y1, y2))
}

// title writes the draft note, the kind of document and its summary.
func (p *pdfWriter) title() {
	f, d := p.f, p.d
	f.SetCellMargin(0)
	y := f.GetY() + 8
	if d.Draft != "" {
		p.font("B", 14)
		y, _ = p.centred(pdfMarginLeft, y, p.tw, 7, p.lines(d.Draft, p.tw))
		y += 3
	}
	p.font("B", 14)
	y, _ = p.centred(pdfMarginLeft, y, p.tw, 7, p.lines(d.Kind, p.tw))
	y, _ = p.centred(pdfMarginLeft, y, p.tw, 7, p.balanced(d.Summary, p.tw))
	f.SetXY(pdfMarginLeft, y+6)
}

// section writes a heading and its blocks. tail is the height of what
// must follow the section on the same page (the signature block, for the
// last section), or 0.
func (p *pdfWriter) section(s Section, tail float64) {
	// The signature block must not stand alone on a page: the last
	// paragraph, when short, goes with it, and so does the heading when
	// the paragraph is the section's only block.
	lastKeep := 0.0
	if n := len(s.Blocks); tail > 0 && n > 0 {
		if b := s.Blocks[n-1]; b.Table == nil && b.Subheading == "" && b.Text != "" {
			if ls := p.paraLines(b.Text, ""); len(ls) <= 4 {
				lastKeep = float64(len(ls))*pdfBodyLine + pdfParaAfter + tail
			}
		}
	}
	if s.Heading != "" {
		// Keep the heading with the first line that follows it.
		keep := pdfBodyLine * 2
		if lastKeep > 0 && len(s.Blocks) == 1 {
			keep = float64(len(p.paraLines(s.Heading, "B")))*pdfBodyLine + pdfParaAfter + lastKeep
		}
		p.para(s.Heading, "B", false, keep, 0)
	}
	for i, b := range s.Blocks {
		if b.Subheading != "" {
			p.para(b.Subheading, "B", false, pdfBodyLine*2, 0)
		}
		last := 0.0 // what must follow this block on its page
		if i == len(s.Blocks)-1 {
			last = tail
		}
		if b.Text != "" {
			keep := 0.0
			if last > 0 {
				keep = lastKeep
			}
			p.para(b.Text, "", true, keep, last)
		}
		if b.Table != nil {
			p.table(b.Table, last)
		}
	}
}

// pdfLine is a laid-out body line.
type pdfLine struct {
	s      string
	indent bool // the paragraph's first line
	last   bool // the last line of a paragraph or of a hard-broken part
}

// paraLines splits a body paragraph into lines, in 14 pt of the style:
// the first line is narrower by the indent, a newline in the text breaks
// the line, runs of spaces count as one.
func (p *pdfWriter) paraLines(text, style string) []pdfLine {
	p.f.SetCellMargin(0)
	p.font(style, pdfBodySize)
	var ls []pdfLine
	for _, part := range strings.Split(strings.ReplaceAll(text, "\r", ""), "\n") {
		part = strings.Join(strings.Fields(part), " ")
		if part == "" {
			continue
		}
		var out []string
		indent := len(ls) == 0
		if indent {
			first := p.lines(part, p.tw-pdfIndent)[0]
			out = append([]string{first}, p.lines(strings.TrimLeft(part[len(first):], " "), p.tw)...)
		} else {
			out = p.lines(part, p.tw)
		}
		for j, s := range out {
			ls = append(ls, pdfLine{s: s, indent: indent && j == 0, last: j == len(out)-1})
		}
	}
	return ls
}

// para writes a body paragraph: 14 pt, the first line indented, every
// line but the last of each hard-broken part justified when justify is
// set, left-aligned otherwise. keep is how much room the paragraph needs
// below its first line's top (to keep it with what follows); a paragraph
// is not broken after its first line nor before its last, and its last
// two lines stay on the page with the tail millimetres that follow it.
func (p *pdfWriter) para(text, style string, justify bool, keep, tail float64) {
	f := p.f
	ls := p.paraLines(text, style)
	for i, l := range ls {
		switch {
		case i == 0:
			p.ensure(max(keep, float64(min(len(ls), 2))*pdfBodyLine))
		case i == len(ls)-2 && tail > 0:
			p.ensure(2*pdfBodyLine + pdfParaAfter + tail)
		case i == len(ls)-2 && i > 1:
			p.ensure(2 * pdfBodyLine)
		default:
			p.ensure(pdfBodyLine)
		}
		x, w := pdfMarginLeft, p.tw
		if l.indent {
			x, w = x+pdfIndent, w-pdfIndent
		}
		align := "L"
		if justify && !l.last && strings.Contains(l.s, " ") {
			align = "J"
		}
		f.SetXY(x, f.GetY())
		f.CellFormat(w, pdfBodyLine, l.s, "", 2, align, false, 0, "")
	}
	f.SetXY(pdfMarginLeft, f.GetY()+pdfParaAfter)
}

// pdfCell is one laid-out table cell.
type pdfCell struct {
	lines []string
	align string
	span  int // columns the cell covers; 0 means 1
}

// table writes a bordered table under its name; the header row is
// repeated at the top of each page the table runs onto, and the last two
// rows stay on the page with the tail millimetres that follow the table.
func (p *pdfWriter) table(t *Table, tail float64) {
	f := p.f
	if len(t.Columns) == 0 {
		return
	}
	total := 0.0
	for _, c := range t.Columns {
		total += pdfColWidth(c)
	}
	widths := make([]float64, len(t.Columns))
	for i, c := range t.Columns {
		widths[i] = p.tw * pdfColWidth(c) / total
	}
	spanWidth := func(i, n int) float64 {
		w := 0.0
		for _, x := range widths[i : i+n] {
			w += x
		}
		return w
	}

	f.SetCellMargin(pdfTableCellM)
	p.font("B", pdfTableSize)
	header := make([]pdfCell, len(t.Columns))
	for i, c := range t.Columns {
		header[i] = pdfCell{lines: p.lines(c.Header, widths[i]), align: "C"}
	}
	p.font("", pdfTableSize)
	rows := make([][]pdfCell, 0, len(t.Rows)+1)
	for _, r := range t.Rows {
		row := make([]pdfCell, len(t.Columns))
		for i, c := range t.Columns {
			var cell Cell
			if i < len(r) {
				cell = r[i]
			}
			align := "L"
			if c.Numeric {
				align = "R"
				if !cell.IsNum {
					align = "C"
				}
			}
			row[i] = pdfCell{lines: p.lines(cell.Format(), widths[i]), align: align}
		}
		rows = append(rows, row)
	}
	var totalRow []pdfCell
	if t.Total {
		totalRow = p.totalRow(t, widths, spanWidth)
	}

	height := func(cells []pdfCell) float64 {
		n := 1
		for _, c := range cells {
			n = max(n, len(c.lines))
		}
		return float64(n)*pdfTableLine + 2*pdfTablePad
	}
	draw := func(cells []pdfCell, h float64) {
		x, y := pdfMarginLeft, f.GetY()
		for i := 0; i < len(cells); {
			c := cells[i]
			n := max(c.span, 1)
			w := spanWidth(i, n)
			f.Rect(x, y, w, h, "D")
			ty := y + (h-float64(len(c.lines))*pdfTableLine)/2
			for _, l := range c.lines {
				f.SetXY(x, ty)
				f.CellFormat(w, pdfTableLine, l, "", 0, c.align, false, 0, "")
				ty += pdfTableLine
			}
			x += w
			i += n
		}
		f.SetXY(pdfMarginLeft, y+h)
	}
	drawHeader := func() {
		p.font("B", pdfTableSize)
		draw(header, height(header))
	}

	// The name, the header row and the first row start on the same page.
	nameLines := 0
	if t.Name != "" {
		f.SetCellMargin(0)
		p.font("BI", pdfBodySize)
		nameLines = len(p.lines(t.Name, p.tw))
		f.SetCellMargin(pdfTableCellM)
	}
	if totalRow != nil {
		rows = append(rows, totalRow)
	}
	const after = pdfParaAfter + 1.5 // space under the table
	keepFrom := len(rows)            // the row from which on rows go with the tail
	if tail > 0 {
		keepFrom = max(len(rows)-2, 0)
	}
	rest := func(i int) float64 {
		h := 0.0
		for _, r := range rows[i:] {
			h += height(r)
		}
		return h + after + tail
	}
	first := 0.0
	switch {
	case keepFrom == 0:
		first = rest(0)
	case len(rows) > 0:
		first = height(rows[0])
	}
	f.SetLineWidth(pdfGridWidth)
	p.ensure(float64(nameLines)*pdfBodyLine + 1 + height(header) + first)
	if t.Name != "" {
		f.SetCellMargin(0)
		p.font("BI", pdfBodySize)
		y, _ := p.centred(pdfMarginLeft, f.GetY(), p.tw, pdfBodyLine, p.lines(t.Name, p.tw))
		f.SetXY(pdfMarginLeft, y+1)
		f.SetCellMargin(pdfTableCellM)
	}
	drawHeader()
	_, ph := f.GetPageSize()
	for i, r := range rows {
		style := ""
		if totalRow != nil && i == len(rows)-1 {
			style = "B"
		}
		h := height(r)
		need := h
		if i == keepFrom && i > 0 {
			need = rest(i)
		}
		if f.GetY()+need > ph-pdfMarginBottom+0.01 {
			f.AddPage()
			drawHeader()
		}
		p.font(style, pdfTableSize)
		draw(r, h)
	}
	f.SetCellMargin(0)
	f.SetXY(pdfMarginLeft, f.GetY()+after)
}

// totalRow lays out the total row: TotalLabel over the columns before the
// first summed one, then each summed column's total with as many decimals
// as the column's cells use.
func (p *pdfWriter) totalRow(t *Table, widths []float64, spanWidth func(i, n int) float64) []pdfCell {
	sums, ok := t.Totals()
	p.font("B", pdfTableSize)
	cells := make([]pdfCell, len(t.Columns))
	label := 0 // columns the label spans
	for label < len(t.Columns) && !ok[label] {
		label++
	}
	start := 0
	if label > 0 {
		cells[0] = pdfCell{lines: p.lines(TotalLabel, spanWidth(0, label)), align: "C", span: label}
		start = label
	}
	for i := start; i < len(t.Columns); i++ {
		if !ok[i] {
			cells[i] = pdfCell{align: "L"}
			continue
		}
		dec := 0
		for _, r := range t.Rows {
			if i < len(r) && r[i].IsNum {
				dec = max(dec, r[i].Decimals)
			}
		}
		cells[i] = pdfCell{lines: p.lines(FormatNumber(sums[i], dec), widths[i]), align: "R"}
	}
	// The cells a spanned label covers stay empty and are skipped.
	return cells
}

// pdfColWidth is a column's relative width.
func pdfColWidth(c Column) float64 {
	if c.Width <= 0 {
		return 1
	}
	return c.Width
}

// pdfSignature is the laid-out signature block.
type pdfSignature struct {
	recip, titles, name []string
	hl, hr              float64 // heights of the left and right columns
}

const (
	pdfSignGap    = 3.0 // space above the signature block
	pdfRecipHead  = 6.0
	pdfRecipLine  = 5.0
	pdfSignerLine = 6.5
)

// signatureLayout splits the signature block's texts into lines.
func (p *pdfWriter) signatureLayout() pdfSignature {
	d := p.d
	p.f.SetCellMargin(0)
	left := p.tw * pdfHeaderLeft
	right := p.tw - left
	var s pdfSignature
	p.font("", 11)
	for _, r := range d.Recipients {
		s.recip = append(s.recip, p.lines(r, left-2)...)
	}
	p.font("B", 14)
	for _, t := range d.SignerTitle {
		s.titles = append(s.titles, p.lines(t, right)...)
	}
	s.name = p.lines(d.SignerName, right)
	if len(d.Recipients) > 0 {
		s.hl = pdfRecipHead + float64(len(s.recip))*pdfRecipLine
	}
	if len(d.SignerTitle) > 0 || d.SignerName != "" {
		s.hr = float64(len(s.titles))*pdfSignerLine + pdfSignSpace + float64(max(len(s.name), 1))*pdfSignerLine
	}
	return s
}

// signatureHeight is the room the signature block takes, with the space
// above it; 0 when there is none.
func (p *pdfWriter) signatureHeight() float64 {
	s := p.signatureLayout()
	if s.hl == 0 && s.hr == 0 {
		return 0
	}
	return pdfSignGap + max(s.hl, s.hr)
}

// signature writes the recipients on the left and the signer on the
// right, kept together on one page.
func (p *pdfWriter) signature() {
	f, d := p.f, p.d
	s := p.signatureLayout()
	if s.hl == 0 && s.hr == 0 {
		return
	}
	left := p.tw * pdfHeaderLeft
	right := p.tw - left
	xl, xr := pdfMarginLeft, pdfMarginLeft+left
	f.SetY(f.GetY() + pdfSignGap)
	p.ensure(max(s.hl, s.hr))
	top := f.GetY()
	if len(d.Recipients) > 0 {
		p.font("BI", 12)
		f.SetXY(xl, top)
		f.CellFormat(left, pdfRecipHead, pdfRecipients, "", 0, "L", false, 0, "")
		p.font("", 11)
		y := top + pdfRecipHead
		for _, l := range s.recip {
			f.SetXY(xl, y)
			f.CellFormat(left, pdfRecipLine, l, "", 0, "L", false, 0, "")
			y += pdfRecipLine
		}
	}
	y := top
	if s.hr > 0 {
		p.font("B", 14)
		y, _ = p.centred(xr, top, right, pdfSignerLine, s.titles)
		y, _ = p.centred(xr, y+pdfSignSpace, right, pdfSignerLine, s.name)
	}
	f.SetXY(pdfMarginLeft, max(top+s.hl, y))
}
