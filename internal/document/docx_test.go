package document

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"flag"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
)

// docxOut, when set, is where TestDOCXSample also writes the sample, to
// look at: go test ./internal/document -run DOCXSample -docx.out /tmp/s.docx
var docxOut = flag.String("docx.out", "", "write the sample report as DOCX to this file")

// docxParagraph is what the tests read back of a w:p.
type docxParagraph struct {
	text, jc, firstLine string
}

// docxOpen writes d and returns the package's parts by name.
func docxOpen(t *testing.T, d *Document) (map[string][]byte, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := d.WriteDOCX(&buf); err != nil {
		t.Fatalf("WriteDOCX: %v", err)
	}
	z, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	parts := map[string][]byte{}
	for _, f := range z.File {
		if !f.Modified.Equal(d.Created) {
			t.Errorf("%s modified %v, want the document's Created %v", f.Name, f.Modified, d.Created)
		}
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		parts[f.Name] = data
	}
	return parts, buf.Bytes()
}

// docxParagraphs parses a part and returns its paragraphs, failing the
// test when the part is not well-formed XML.
func docxParagraphs(t *testing.T, data []byte) []docxParagraph {
	t.Helper()
	var ps []docxParagraph
	var inText bool
	dec := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return ps
		}
		if err != nil {
			t.Fatalf("bad XML: %v", err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			switch e.Name.Local {
			case "p":
				ps = append(ps, docxParagraph{})
			case "t":
				inText = true
			case "jc":
				if len(ps) > 0 {
					ps[len(ps)-1].jc = docxAttr(e, "val")
				}
			case "ind":
				if len(ps) > 0 {
					ps[len(ps)-1].firstLine = docxAttr(e, "firstLine")
				}
			}
		case xml.EndElement:
			if e.Name.Local == "t" {
				inText = false
			}
		case xml.CharData:
			if inText && len(ps) > 0 {
				ps[len(ps)-1].text += string(e)
			}
		}
	}
}

func docxAttr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// docxElements returns the attributes of each element named local.
func docxElements(data []byte, local string) []map[string]string {
	var all []map[string]string
	dec := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := dec.Token()
		if err != nil {
			return all
		}
		if e, ok := tok.(xml.StartElement); ok && e.Name.Local == local {
			m := map[string]string{}
			for _, a := range e.Attr {
				m[a.Name.Local] = a.Value
			}
			all = append(all, m)
		}
	}
}

// docxElement returns the attributes of the first element named local.
func docxElement(t *testing.T, data []byte, local string) map[string]string {
	t.Helper()
	all := docxElements(data, local)
	if len(all) == 0 {
		t.Fatalf("no <%s>", local)
	}
	return all[0]
}

func TestDOCXSample(t *testing.T) {
	d := sample()
	parts, raw := docxOpen(t, d)
	if *docxOut != "" {
		if err := os.WriteFile(*docxOut, raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml",
		"word/settings.xml", "word/header1.xml", "word/header2.xml", "word/_rels/document.xml.rels",
		"docProps/core.xml", "docProps/app.xml"} {
		if parts[name] == nil {
			t.Errorf("missing part %s", name)
			continue
		}
		docxParagraphs(t, parts[name]) // well-formed
	}
	doc := parts["word/document.xml"]
	ps := docxParagraphs(t, doc)

	// The key lines, in reading order, each a whole paragraph.
	i := 0
	for _, want := range []string{
		"UBND TỈNH BẮC KẠN", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "Số: …/BC-STTTT",
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Bắc Kạn, ngày 18 tháng 12 năm 2019",
		"BÁO CÁO", d.Summary, "I. KẾT QUẢ THỰC HIỆN", "1. Hoạt động theo hình thức",
		"Hoạt động theo hình thức", "Kinh phí (đồng)", "1.250.000",
		"Tổng cộng", "150", "18.750.000", "II. CHỈ TIÊU", "81,5", "không áp dụng",
		"III. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", "IV. ĐỀ XUẤT, KIẾN NGHỊ",
		"Nơi nhận:", "- Lưu: VT, TTBCXB.", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn Đức",
	} {
		for i < len(ps) && ps[i].text != want {
			i++
		}
		if i == len(ps) {
			t.Fatalf("paragraph %q missing or out of order", want)
		}
	}

	// Body paragraphs are justified with a 1 cm first-line indent.
	var body int
	for _, p := range ps {
		if strings.HasPrefix(p.text, "Đoạn ") {
			body++
			if p.jc != "both" || p.firstLine != "567" {
				t.Errorf("body paragraph jc=%q firstLine=%q, want both and 567", p.jc, p.firstLine)
			}
		}
	}
	if body != 9 {
		t.Errorf("found %d body paragraphs, want 9", body)
	}

	// A4 portrait, Decree 30 margins (twips, 1 mm = 56.7).
	sz := docxElement(t, doc, "pgSz")
	if sz["w"] != "11906" || sz["h"] != "16838" || sz["orient"] == "landscape" {
		t.Errorf("pgSz = %v, want A4 portrait", sz)
	}
	mar := docxElement(t, doc, "pgMar")
	for side, mm := range map[string][2]float64{"top": {20, 25}, "bottom": {20, 25}, "left": {30, 35}, "right": {15, 20}} {
		v, err := strconv.Atoi(mar[side])
		if err != nil || float64(v) < mm[0]*56.7-1 || float64(v) > mm[1]*56.7+1 {
			t.Errorf("margin %s = %q, want %v mm", side, mar[side], mm)
		}
	}

	// Times New Roman 14 pt by default.
	fonts := docxElement(t, parts["word/styles.xml"], "rFonts")
	for _, k := range []string{"ascii", "hAnsi", "cs", "eastAsia"} {
		if fonts[k] != "Times New Roman" {
			t.Errorf("rFonts %s = %q", k, fonts[k])
		}
	}
	if sz := docxElement(t, parts["word/styles.xml"], "sz"); sz["val"] != "28" {
		t.Errorf("default size = %v, want 28 half-points", sz)
	}

	// Page numbers from page 2: a title page with an empty header, and a
	// PAGE field in the default one.
	if !bytes.Contains(doc, []byte("<w:titlePg/>")) {
		t.Error("no w:titlePg")
	}
	rels := string(parts["word/_rels/document.xml.rels"])
	refs := map[string]string{}
	for _, h := range docxElements(doc, "headerReference") {
		refs[h["type"]] = h["id"]
	}
	for kind, target := range map[string]string{"default": "header1.xml", "first": "header2.xml"} {
		if !strings.Contains(rels, `Id="`+refs[kind]+`" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="`+target+`"`) {
			t.Errorf("%s header reference %q does not lead to %s", kind, refs[kind], target)
		}
	}
	if !bytes.Contains(parts["word/header1.xml"], []byte(" PAGE ")) {
		t.Error("header1.xml has no PAGE field")
	}
	if bytes.Contains(parts["word/header2.xml"], []byte("PAGE")) {
		t.Error("the first page's header has a page number")
	}

	// Metadata.
	core := string(parts["docProps/core.xml"])
	if !strings.Contains(core, "<dc:title>Báo cáo năm 2019</dc:title>") ||
		!strings.Contains(core, `<dcterms:created xsi:type="dcterms:W3CDTF">2019-12-18T09:30:00Z</dcterms:created>`) {
		t.Errorf("core.xml = %s", core)
	}

	// The same input gives the same bytes.
	_, again := docxOpen(t, sample())
	if !bytes.Equal(raw, again) {
		t.Error("two writes of the same document differ")
	}
}

func TestDOCXEscapingAndOptional(t *testing.T) {
	d := sample()
	d.Parent = ""
	d.Draft = "DỰ THẢO"
	d.Summary = `Báo cáo <"A" & 'B'> ]]>`
	d.Sections[1].Blocks[0].Table.Columns[1].Header = "Kết quả <%>"
	parts, _ := docxOpen(t, d)
	ps := docxParagraphs(t, parts["word/document.xml"])
	var texts []string
	for _, p := range ps {
		texts = append(texts, p.text)
	}
	all := strings.Join(texts, "\n")
	for _, want := range []string{"\nDỰ THẢO\nBÁO CÁO\n" + d.Summary + "\n", "\nKết quả <%>\n"} {
		if !strings.Contains(all, want) {
			t.Errorf("text %q missing", want)
		}
	}
	if strings.Contains(all, "UBND TỈNH BẮC KẠN") {
		t.Error("empty Parent still leaves a line")
	}
	if texts[0] != "SỞ THÔNG TIN VÀ TRUYỀN THÔNG" {
		t.Errorf("first line %q, want the agency", texts[0])
	}
}

func TestDOCXWidths(t *testing.T) {
	w := docxWidths(sample().Sections[0].Blocks[1].Table.Columns)
	sum := 0
	for i, weight := range []float64{0.5, 4, 1.2, 1.6} {
		sum += w[i]
		if want := docxTextW * weight / 7.3; float64(w[i]) < want-2 || float64(w[i]) > want+2 {
			t.Errorf("column %d is %d twips, want about %.0f", i, w[i], want)
		}
	}
	if sum != docxTextW {
		t.Errorf("widths %v add up to %d, want %d", w, sum, docxTextW)
	}
}
