package document

import (
	"archive/zip"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

// Page geometry in twips (1/20 pt, 1 mm ≈ 56.7 twips): A4 portrait with
// the margins of Decree 30/2020/NĐ-CP, Annex I.
const (
	docxPageW, docxPageH = 11906, 16838
	docxTop, docxBottom  = 1134, 1134 // 20 mm
	docxLeft, docxRight  = 1701, 850  // 30 mm, 15 mm
	docxHeaderDist       = 567        // 10 mm: the page number sits in the top margin
	docxTextW            = docxPageW - docxLeft - docxRight
	docxIndent           = 567 // first-line indent of body paragraphs, 1 cm
)

// WriteDOCX writes the document as a Word (OOXML) file. The output depends
// only on d: zip entries carry d.Created as their time.
func (d *Document) WriteDOCX(w io.Writer) error {
	mod := d.Created
	if mod.Year() < 1980 { // zip's DOS dates start in 1980
		mod = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	parts := []struct{ name, data string }{
		{"[Content_Types].xml", docxContentTypes},
		{"_rels/.rels", docxRootRels},
		{"docProps/core.xml", d.docxCore()},
		{"docProps/app.xml", docxApp},
		{"word/_rels/document.xml.rels", docxDocRels},
		{"word/document.xml", d.docxDocument()},
		{"word/styles.xml", docxStyles},
		{"word/settings.xml", docxSettings},
		{"word/header1.xml", docxPageHeader},
		{"word/header2.xml", docxFirstHeader},
	}
	z := zip.NewWriter(w)
	for _, p := range parts {
		f, err := z.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate, Modified: mod})
		if err != nil {
			return err
		}
		if _, err := io.WriteString(f, p.data); err != nil {
			return err
		}
	}
	return z.Close()
}

// docxDocument is word/document.xml: header block, title, body, signature.
func (d *Document) docxDocument() string {
	var b strings.Builder
	b.WriteString(xml.Header + `<w:document xmlns:w="` + docxNSW + `" xmlns:r="` + docxNSR + `"><w:body>`)
	d.docxHeading(&b)
	if d.Draft != "" {
		docxPara{jc: "center", bold: true, before: 240}.write(&b, d.Draft)
	}
	docxPara{jc: "center", bold: true, before: 360, keepNext: true}.write(&b, strings.ToUpper(d.Kind))
	docxPara{jc: "center", bold: true, keepNext: true}.write(&b, d.Summary)
	docxRule(&b, docxTextW, 2200)

	body := docxPara{jc: "both", firstLine: docxIndent, before: 120, line: 276}
	bold := body
	bold.bold, bold.keepNext = true, true
	for si, s := range d.Sections {
		if s.Heading != "" {
			bold.write(&b, s.Heading)
		}
		for bi, bl := range s.Blocks {
			if bl.Subheading != "" {
				bold.write(&b, bl.Subheading)
			}
			if bl.Text != "" {
				p := body
				// The last paragraph goes with the signature to its page.
				p.keepNext = si == len(d.Sections)-1 && bi == len(s.Blocks)-1
				p.write(&b, bl.Text)
			}
			if bl.Table != nil {
				docxTable(&b, bl.Table)
			}
		}
	}
	docxPara{before: 240, keepNext: true}.write(&b, "") // space above the signature; ends a table
	d.docxSignature(&b)
	docxPara{}.write(&b, "") // a body must end with a paragraph
	fmt.Fprintf(&b, `<w:sectPr><w:headerReference w:type="default" r:id="rId3"/>`+
		`<w:headerReference w:type="first" r:id="rId4"/><w:pgSz w:w="%d" w:h="%d"/>`+
		`<w:pgMar w:top="%d" w:right="%d" w:bottom="%d" w:left="%d" w:header="%d" w:footer="%d" w:gutter="0"/>`+
		`<w:cols w:space="720"/><w:titlePg/></w:sectPr></w:body></w:document>`,
		docxPageW, docxPageH, docxTop, docxRight, docxBottom, docxLeft, docxHeaderDist, docxHeaderDist)
	return b.String()
}

// docxHeading writes the header block: issuing agency and number on the
// left, national title, motto and date line on the right.
func (d *Document) docxHeading(b *strings.Builder) {
	// The table reaches 3.5 mm into each side margin so that a usual agency
	// name (13 pt bold) and the national title (12 pt bold) fit on a line
	// each, as in the templates agencies use.
	left, right := 4650, docxTextW+400-4650
	docxTableStart(b, []int{left, right}, false)
	b.WriteString("<w:tr>")
	docxCellStart(b, left, 1, false)
	if d.Parent != "" {
		docxPara{jc: "center", size: 13}.write(b, strings.ToUpper(d.Parent))
	}
	docxPara{jc: "center", size: 13, bold: true}.write(b, strings.ToUpper(d.Agency))
	docxRule(b, left, 1300)
	docxPara{jc: "center", size: 13, before: 160}.write(b, d.Number)
	b.WriteString("</w:tc>")
	docxCellStart(b, right, 1, false)
	docxPara{jc: "center", size: 12, bold: true}.write(b, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
	docxPara{jc: "center", size: 13, bold: true}.write(b, "Độc lập - Tự do - Hạnh phúc")
	docxRule(b, right, 3200) // about the motto's width at 13 pt bold
	docxPara{jc: "center", italic: true, before: 160}.write(b, d.DateLine())
	b.WriteString("</w:tc></w:tr></w:tbl>")
}

// docxSignature writes the recipients (left) and the signer (right).
func (d *Document) docxSignature(b *strings.Builder) {
	left := docxTextW * 45 / 100
	right := docxTextW - left
	docxTableStart(b, []int{left, right}, false)
	b.WriteString(`<w:tr><w:trPr><w:cantSplit/></w:trPr>`)
	docxCellStart(b, left, 1, false)
	docxPara{size: 12, bold: true, italic: true}.write(b, "Nơi nhận:")
	for _, r := range d.Recipients {
		docxPara{size: 11}.write(b, r)
	}
	b.WriteString("</w:tc>")
	docxCellStart(b, right, 1, false)
	for _, t := range d.SignerTitle {
		docxPara{jc: "center", bold: true}.write(b, strings.ToUpper(t))
	}
	for range 4 { // room for the signature and seal
		docxPara{}.write(b, "")
	}
	docxPara{jc: "center", bold: true}.write(b, d.SignerName)
	b.WriteString("</w:tc></w:tr></w:tbl>")
}

// docxTable writes a data table with its caption: bordered, the header row
// repeated on each page, numbers right-aligned, and the total row.
func docxTable(b *strings.Builder, t *Table) {
	if len(t.Columns) == 0 { // Word rejects a row without cells
		return
	}
	if t.Name != "" {
		docxPara{jc: "center", bold: true, italic: true, before: 120, after: 60, keepNext: true}.write(b, t.Name)
	}
	widths := docxWidths(t.Columns)
	docxTableStart(b, widths, true)
	cell := docxPara{size: 13, before: 40, after: 40}

	b.WriteString(`<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>`)
	for i, c := range t.Columns {
		p := cell
		p.bold, p.jc = true, "center"
		docxCell(b, widths[i], 1, p, c.Header)
	}
	b.WriteString("</w:tr>")

	decimals := make([]int, len(t.Columns)) // the total's decimals, per column
	for _, r := range t.Rows {
		b.WriteString(`<w:tr><w:trPr><w:cantSplit/></w:trPr>`)
		for i, c := range t.Columns {
			var v Cell
			if i < len(r) {
				v = r[i]
			}
			p := cell
			switch {
			case c.Numeric:
				p.jc = "right"
			case v.IsNum: // an ordinal such as the "TT" column
				p.jc = "center"
			}
			if v.IsNum {
				decimals[i] = max(decimals[i], v.Decimals)
			}
			docxCell(b, widths[i], 1, p, v.Format())
		}
		b.WriteString("</w:tr>")
	}

	if t.Total {
		// The label spans the first run of non-numeric columns.
		label, span := -1, 1
		for i, c := range t.Columns {
			if !c.Numeric {
				label = i
				break
			}
		}
		for label >= 0 && label+span < len(t.Columns) && !t.Columns[label+span].Numeric {
			span++
		}
		sums, ok := t.Totals()
		cell.bold = true
		b.WriteString(`<w:tr><w:trPr><w:cantSplit/></w:trPr>`)
		for i := 0; i < len(t.Columns); i++ {
			if i == label {
				w := 0
				for _, x := range widths[i : i+span] {
					w += x
				}
				p := cell
				p.jc = "center"
				docxCell(b, w, span, p, TotalLabel)
				i += span - 1
				continue
			}
			p, text := cell, ""
			if t.Columns[i].Numeric {
				p.jc = "right"
			}
			if ok[i] {
				text = FormatNumber(sums[i], decimals[i])
			}
			docxCell(b, widths[i], 1, p, text)
		}
		b.WriteString("</w:tr>")
	}
	b.WriteString("</w:tbl>")
}

// docxWidths shares the text width among the columns by their Width.
func docxWidths(cols []Column) []int {
	total := 0.0
	for _, c := range cols {
		total += docxWeight(c)
	}
	widths, used := make([]int, len(cols)), 0
	for i, c := range cols {
		widths[i] = int(float64(docxTextW) * docxWeight(c) / total)
		used += widths[i]
	}
	if len(cols) > 0 {
		widths[len(cols)-1] += docxTextW - used // rounding goes to the last column
	}
	return widths
}

func docxWeight(c Column) float64 {
	if c.Width <= 0 {
		return 1
	}
	return c.Width
}

// docxTableStart opens a fixed-layout table of the column widths (twips),
// centred on the page, with single-line borders or none (layout tables,
// whose cells then have no side padding).
func docxTableStart(b *strings.Builder, widths []int, borders bool) {
	total := 0
	for _, w := range widths {
		total += w
	}
	line, pad := `w:val="none" w:sz="0" w:space="0" w:color="auto"`, 0
	if borders {
		line, pad = `w:val="single" w:sz="4" w:space="0" w:color="000000"`, 85
	}
	fmt.Fprintf(b, `<w:tbl><w:tblPr><w:tblW w:w="%d" w:type="dxa"/><w:jc w:val="center"/><w:tblBorders>`, total)
	for _, side := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
		fmt.Fprintf(b, `<w:%s %s/>`, side, line)
	}
	fmt.Fprintf(b, `</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar>`+
		`<w:left w:w="%d" w:type="dxa"/><w:right w:w="%d" w:type="dxa"/></w:tblCellMar>`+
		`<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>`, pad, pad)
	for _, w := range widths {
		fmt.Fprintf(b, `<w:gridCol w:w="%d"/>`, w)
	}
	b.WriteString("</w:tblGrid>")
}

// docxCellStart opens a cell of the width spanning span grid columns,
// its content centred vertically or at the top.
func docxCellStart(b *strings.Builder, width, span int, middle bool) {
	fmt.Fprintf(b, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/>`, width)
	if span > 1 {
		fmt.Fprintf(b, `<w:gridSpan w:val="%d"/>`, span)
	}
	if middle {
		b.WriteString(`<w:vAlign w:val="center"/>`)
	}
	b.WriteString("</w:tcPr>")
}

// docxCell writes a whole one-paragraph data cell.
func docxCell(b *strings.Builder, width, span int, p docxPara, text string) {
	docxCellStart(b, width, span, true)
	p.write(b, text)
	b.WriteString("</w:tc>")
}

// docxRule writes a short centred horizontal rule, width twips long, in a
// space (column or page text) of avail twips: the bottom border of an
// empty, tiny, indented paragraph.
func docxRule(b *strings.Builder, avail, width int) {
	in := max(avail-width, 0) / 2
	docxPara{rule: true, size: 2, before: 20, indL: in, indR: in}.write(b, "")
}

// docxPara is one paragraph's formatting; the zero value is a plain
// left-aligned 14 pt paragraph with single line spacing.
type docxPara struct {
	jc            string // "center", "both", "right"; "" for left
	bold, italic  bool
	size          int // font size in points; 0 for the 14 pt default
	before, after int // spacing in twips
	line          int // line spacing in 240ths of a line; 0 for single
	firstLine     int // first-line indent, twips
	indL, indR    int // left and right indents, twips
	rule          bool
	keepNext      bool
}

// write writes a paragraph of one run of text (none when text is empty).
func (p docxPara) write(b *strings.Builder, text string) {
	b.WriteString("<w:p><w:pPr>")
	if p.keepNext {
		b.WriteString("<w:keepNext/>")
	}
	if p.rule {
		b.WriteString(`<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="000000"/></w:pBdr>`)
	}
	fmt.Fprintf(b, `<w:spacing w:before="%d" w:after="%d" w:line="%d" w:lineRule="auto"/>`,
		p.before, p.after, max(p.line, 240))
	if p.indL != 0 || p.indR != 0 || p.firstLine != 0 {
		fmt.Fprintf(b, `<w:ind w:left="%d" w:right="%d" w:firstLine="%d"/>`, p.indL, p.indR, p.firstLine)
	}
	if p.jc != "" {
		fmt.Fprintf(b, `<w:jc w:val="%s"/>`, p.jc)
	}
	var r strings.Builder // run properties, also for the paragraph mark
	if p.bold {
		r.WriteString("<w:b/><w:bCs/>")
	}
	if p.italic {
		r.WriteString("<w:i/><w:iCs/>")
	}
	if p.size != 0 {
		fmt.Fprintf(&r, `<w:sz w:val="%d"/><w:szCs w:val="%d"/>`, 2*p.size, 2*p.size)
	}
	rpr := "<w:rPr>" + r.String() + "</w:rPr>"
	b.WriteString(rpr + "</w:pPr>")
	if text != "" {
		b.WriteString("<w:r>" + rpr + `<w:t xml:space="preserve">`)
		xml.EscapeText(b, []byte(text)) // writing to a Builder cannot fail
		b.WriteString("</w:t></w:r>")
	}
	b.WriteString("</w:p>")
}

// docxCore is docProps/core.xml: title and creation time.
func (d *Document) docxCore() string {
	var b strings.Builder
	b.WriteString(xml.Header + `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"` +
		` xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"` +
		` xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>`)
	xml.EscapeText(&b, []byte(d.Title))
	b.WriteString("</dc:title><dc:creator>")
	xml.EscapeText(&b, []byte(d.Agency))
	b.WriteString("</dc:creator>")
	if !d.Created.IsZero() {
		t := d.Created.UTC().Format("2006-01-02T15:04:05Z") // W3CDTF
		fmt.Fprintf(&b, `<dcterms:created xsi:type="dcterms:W3CDTF">%s</dcterms:created>`+
			`<dcterms:modified xsi:type="dcterms:W3CDTF">%s</dcterms:modified>`, t, t)
	}
	b.WriteString("</cp:coreProperties>")
	return b.String()
}

// The fixed parts of the package.
const (
	docxNSW = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	docxNSR = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	docxRel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
	docxCT  = "application/vnd.openxmlformats-officedocument.wordprocessingml."

	docxContentTypes = xml.Header + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/word/document.xml" ContentType="` + docxCT + `document.main+xml"/>` +
		`<Override PartName="/word/styles.xml" ContentType="` + docxCT + `styles+xml"/>` +
		`<Override PartName="/word/settings.xml" ContentType="` + docxCT + `settings+xml"/>` +
		`<Override PartName="/word/header1.xml" ContentType="` + docxCT + `header+xml"/>` +
		`<Override PartName="/word/header2.xml" ContentType="` + docxCT + `header+xml"/>` +
		`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
		`<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>` +
		`</Types>`

	docxRootRels = xml.Header + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="` + docxRel + `officeDocument" Target="word/document.xml"/>` +
		`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
		`<Relationship Id="rId3" Type="` + docxRel + `extended-properties" Target="docProps/app.xml"/>` +
		`</Relationships>`

	docxDocRels = xml.Header + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="` + docxRel + `styles" Target="styles.xml"/>` +
		`<Relationship Id="rId2" Type="` + docxRel + `settings" Target="settings.xml"/>` +
		`<Relationship Id="rId3" Type="` + docxRel + `header" Target="header1.xml"/>` +
		`<Relationship Id="rId4" Type="` + docxRel + `header" Target="header2.xml"/>` +
		`</Relationships>`

	docxApp = xml.Header + `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">` +
		`<Application>outreach</Application></Properties>`

	docxFonts = `<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="Times New Roman" w:cs="Times New Roman"/>`

	// docxStyles sets Times New Roman 14 pt, single spacing, no space
	// after paragraphs, as the document's defaults.
	docxStyles = xml.Header + `<w:styles xmlns:w="` + docxNSW + `"><w:docDefaults><w:rPrDefault><w:rPr>` + docxFonts +
		`<w:sz w:val="28"/><w:szCs w:val="28"/><w:lang w:val="vi-VN" w:eastAsia="en-US" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>` +
		`<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>` +
		`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/><w:rPr>` + docxFonts +
		`</w:rPr></w:style><w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>` +
		`<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>` +
		`<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style></w:styles>`

	docxSettings = xml.Header + `<w:settings xmlns:w="` + docxNSW + `"><w:zoom w:percent="100"/>` +
		`<w:defaultTabStop w:val="720"/><w:characterSpacingControl w:val="doNotCompress"/><w:compat>` +
		`<w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/>` +
		`</w:compat></w:settings>`

	// docxPageHeader numbers the pages from the second on (the section
	// has a title page whose header, docxFirstHeader, is empty).
	docxPageHeader = xml.Header + `<w:hdr xmlns:w="` + docxNSW + `"><w:p><w:pPr><w:jc w:val="center"/></w:pPr>` +
		`<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>` +
		`<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>2</w:t></w:r>` +
		`<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:hdr>`

	docxFirstHeader = xml.Header + `<w:hdr xmlns:w="` + docxNSW + `"><w:p/></w:hdr>`
)
