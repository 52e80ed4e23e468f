package document

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// pdfPageObj matches a page object, not the page tree (/Type /Pages).
var pdfPageObj = regexp.MustCompile(`/Type /Page\b[^s]`)

func pdfBytes(t *testing.T, d *Document) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := d.WritePDF(&b); err != nil {
		t.Fatalf("WritePDF: %v", err)
	}
	return b.Bytes()
}

func TestPDFDeterministic(t *testing.T) {
	a := pdfBytes(t, sample())
	b := pdfBytes(t, sample())
	pdfKeep(t, "sample.pdf", a)
	if !bytes.Equal(a, b) {
		t.Fatalf("two writes differ: %d and %d bytes", len(a), len(b))
	}
	if !bytes.HasPrefix(a, []byte("%PDF-")) {
		t.Errorf("output starts with %q", a[:min(len(a), 8)])
	}
	if !bytes.Contains(a, []byte("%%EOF")) {
		t.Error("no end-of-file marker")
	}
	// A different document gives different bytes (the test can fail).
	d := sample()
	d.SignerName = "Trần Thị Hà"
	if bytes.Equal(a, pdfBytes(t, d)) {
		t.Error("changing the signer did not change the output")
	}
}

func TestPDFPages(t *testing.T) {
	f, err := sample().pdfBuild()
	if err != nil {
		t.Fatal(err)
	}
	if n := f.PageCount(); n < 2 {
		t.Errorf("PageCount = %d, want at least 2", n)
	}
	out := pdfBytes(t, sample())
	if n := len(pdfPageObj.FindAll(out, -1)); n != f.PageCount() {
		t.Errorf("%d page objects, PageCount %d", n, f.PageCount())
	}
}

func TestPDFFontsAndMetadata(t *testing.T) {
	out := pdfBytes(t, sample())
	if !bytes.Contains(bytes.ToLower(out), []byte("liberationserif")) {
		t.Error("no LiberationSerif font in the output")
	}
	// Regular, bold, italic (date line) and bold italic (table name,
	// "Nơi nhận:") are all used, so all four are embedded.
	if n := bytes.Count(out, []byte("/FontFile2")); n != 4 {
		t.Errorf("%d embedded TrueType fonts, want 4", n)
	}
	if !bytes.Contains(out, []byte("/CreationDate (D:20191218093000")) {
		t.Error("creation date is not d.Created")
	}
	if !bytes.Contains(out, []byte("/ModDate (D:20191218093000")) {
		t.Error("modification date is not d.Created")
	}
	// The title is written as UTF-16BE with a byte order mark.
	if !bytes.Contains(out, []byte("/Title (\xfe\xff")) {
		t.Error("no UTF-16 title")
	}
}

// TestPDFJustified checks that body lines are justified (fpdf writes a
// justified UTF-8 line as a TJ array with an adjustment at each space) and
// that no word spacing is non-finite (fpdf divides by the number of
// spaces; a line that is one long word must not come to harm).
func TestPDFJustified(t *testing.T) {
	d := sample()
	d.Sections = append(d.Sections, Section{Blocks: []Block{
		{Text: "Mộtt" + strings.Repeat("từrấtdài", 40) + " cuối"},
		{Text: strings.Repeat("Đoạn văn bản có nhiều từ được căn đều hai bên. ", 8)},
	}})
	f, err := d.pdfBuild()
	if err != nil {
		t.Fatal(err)
	}
	f.SetCompression(false)
	var b bytes.Buffer
	if err := f.Output(&b); err != nil {
		t.Fatal(err)
	}
	if m := regexp.MustCompile(`[+-]Inf\(|NaN\(`).Find(b.Bytes()); m != nil {
		t.Errorf("non-finite word spacing %q in the content", m)
	}
	// Justified lines are written as TJ arrays with a space adjustment.
	if !regexp.MustCompile(`\] TJ ET`).Match(b.Bytes()) {
		t.Error("no justified line in the content")
	}
}

// TestPDFCreatedFallback checks that a document without Created still
// gives reproducible output, dated by its own date.
func TestPDFCreatedFallback(t *testing.T) {
	d := sample()
	d.Created = time.Time{}
	a, b := pdfBytes(t, d), pdfBytes(t, d)
	if !bytes.Equal(a, b) {
		t.Error("output without Created is not reproducible")
	}
	if !bytes.Contains(a, []byte("/CreationDate (D:20191218000000")) {
		t.Error("creation date does not fall back to Date")
	}
}

// TestPDFVariants writes shapes the sample does not have: no parent, a
// long agency name, a blank date, a draft, a table running over pages, a
// one-word paragraph, an empty document.
func TestPDFVariants(t *testing.T) {
	d := sample()
	d.Parent = ""
	d.Agency = "Ban chỉ đạo phòng, chống tội phạm, tệ nạn xã hội và xây dựng phong trào toàn dân bảo vệ an ninh Tổ quốc tỉnh"
	d.Date = time.Time{}
	d.Draft = "DỰ THẢO"
	long := &Table{
		Name:    "Danh sách xã",
		Columns: []Column{{Header: "TT", Width: 0.5}, {Header: "Xã", Width: 3}, {Header: "Số người được tiếp cận, tuyên truyền", Numeric: true, Sum: true}},
		Total:   true,
	}
	for i := 0; i < 120; i++ {
		long.Rows = append(long.Rows, []Cell{Int(int64(i + 1)), Text("Xã Cốc Đán, huyện Ngân Sơn"), Num(float64(i)+0.25, 2)})
	}
	d.Sections = append(d.Sections, Section{Heading: "V. PHỤ LỤC", Blocks: []Block{{Text: "Xem"}, {Table: long}}})
	f, err := d.pdfBuild()
	if err != nil {
		t.Fatal(err)
	}
	if n := f.PageCount(); n < 5 {
		t.Errorf("PageCount = %d, want at least 5 with a 120-row table", n)
	}
	pdfKeep(t, "variants.pdf", pdfBytes(t, d))

	empty := &Document{Created: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}
	f, err = empty.pdfBuild()
	if err != nil {
		t.Fatal(err)
	}
	if f.PageCount() != 1 {
		t.Errorf("empty document: %d pages", f.PageCount())
	}
}

type pdfFailWriter struct{}

func (pdfFailWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestPDFWriteError(t *testing.T) {
	if err := sample().WritePDF(pdfFailWriter{}); err == nil {
		t.Error("a failing writer gave no error")
	}
}

// pdfKeep writes out to DIR/name when DOCUMENT_PDF_DIR=DIR is set, for
// looking at the pages:
//
//	DOCUMENT_PDF_DIR=/tmp/pdf go test -run TestPDF ./internal/document/
func pdfKeep(t *testing.T, name string, out []byte) {
	t.Helper()
	dir := os.Getenv("DOCUMENT_PDF_DIR")
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", path)
}
