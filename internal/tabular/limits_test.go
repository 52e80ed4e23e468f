package tabular

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"runtime"
	"runtime/metrics"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"outreach/internal/tabular/tabulartest"
)

// maxHeapGrowth is what reading a hostile file may add to the heap at its
// peak: generous, the attacks it guards against took gigabytes.
const maxHeapGrowth = 64 << 20

// peakHeap runs fn and returns how much the heap grew at most meanwhile,
// sampled every half millisecond (garbage not yet collected included).
func peakHeap(fn func()) uint64 {
	const name = "/memory/classes/heap/objects:bytes"
	runtime.GC()
	s := []metrics.Sample{{Name: name}}
	metrics.Read(s)
	base := s[0].Value.Uint64()
	var peak atomic.Uint64
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		s := []metrics.Sample{{Name: name}}
		tick := time.NewTicker(500 * time.Microsecond)
		defer tick.Stop()
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	fn()
	close(stop)
	<-done
	metrics.Read(s)
	p := max(peak.Load(), s[0].Value.Uint64())
	if p < base {
		return 0
	}
	return p - base
}

// checkLimit checks that err is a *LimitError for that budget and line,
// whose message contains each of want.
func checkLimit(t *testing.T, err error, what string, line int, want ...string) {
	t.Helper()
	var le *LimitError
	if !errors.As(err, &le) {
		t.Fatalf("err = %v, want a *LimitError %q", err, what)
	}
	if le.What != what || le.Line != line {
		t.Errorf("LimitError{What: %q, Line: %d}, want {%q, %d}: %v", le.What, le.Line, what, line, err)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
}

func generate(t testing.TB, gen func(io.Writer) error) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := gen(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestHostileFiles reads the files of the attacks the budgets answer: each
// is refused with a *LimitError naming its budget, in bounded memory.
func TestHostileFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("generates files of hundreds of MB of content")
	}
	gen := func(g func(io.Writer) error) func() []byte {
		return func() []byte { return generate(t, g) }
	}
	text := func(parts ...string) func() []byte {
		return func() []byte { return []byte(strings.Join(parts, "")) }
	}
	wide := func(n int) func() []byte { return gen(func(w io.Writer) error { return tabulartest.WideCSV(w, n) }) }
	huge := func(n int64) func() []byte {
		return gen(func(w io.Writer) error { return tabulartest.HugeCellXLSX(w, n) })
	}
	empty := func(n int) func() []byte {
		return gen(func(w io.Writer) error { return tabulartest.EmptyRowsXLSX(w, n) })
	}
	const tenMB = 10 << 20
	tests := []struct {
		name, file string
		data       func() []byte // generated in the subtest, so as not to weigh on the others
		what       string
		line       int
		want       []string
	}{
		{"CSV header of 500,000 columns (976 KB)", "x.csv", wide(500_000), "columns", 1, []string{"dòng 1: có quá 256 cột"}},
		{"CSV header of 5,000,000 columns (10 MB)", "x.csv", wide(5_000_000), "columns", 1, []string{"dòng 1: có quá 256 cột"}},
		{"CSV quoted cell of 10 MB", "x.csv", text("a\n\"", strings.Repeat("x", tenMB), "\"\n"), "cell", 2, []string{"dòng 2: có ô dài quá 32767 ký tự"}},
		{"CSV cell of 10 MB", "x.csv", text("a\n", strings.Repeat("x", tenMB), "\n"), "cell", 2, []string{"dòng 2:", "32767"}},
		{"CSV of 200,000 blank lines", "x.csv", text("a\n", strings.Repeat("\r\n", 200_000), "1\n"),
			"empty_rows", 100_002, []string{"dòng 100002: tệp có quá 100000 dòng trống"}},
		{"CSV of 200,000 rows of delimiters", "x.csv", text("a;b\n", strings.Repeat(";\n", 200_000), "1;2\n"),
			"empty_rows", 100_002, []string{"dòng 100002:", "100000 dòng trống"}},
		// A cell larger than MaxXMLBytes is refused from the zip directory,
		{"XLSX cell of 300 MB", "x.xlsx", huge(300 << 20), "xml_bytes", 0, []string{"lớn quá 256 MB"}},
		// a smaller one while it streams.
		{"XLSX cell of 64 MB", "x.xlsx", huge(64 << 20), "cell", 0, []string{"có ô dài quá 32767 ký tự"}},
		// 3 million rows are 270 MB of XML; the attack had 10 million (900
		// MB), refused the same way.
		{"XLSX of 3 million empty rows", "x.xlsx", empty(3_000_000), "xml_bytes", 0, []string{"lớn quá 256 MB"}},
		{"XLSX of 1 million empty rows", "x.xlsx", empty(1_000_000), "empty_rows", 100_002, []string{"dòng 100002: tệp có quá 100000 dòng trống"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := tt.data()
			var err error
			grew := peakHeap(func() {
				_, err = ReadContext(context.Background(), tt.file, bytes.NewReader(data), DefaultLimits())
			})
			checkLimit(t, err, tt.what, tt.line, tt.want...)
			t.Logf("%d bytes: heap grew by %.1f MB: %v", len(data), float64(grew)/(1<<20), err)
			if grew > maxHeapGrowth {
				t.Errorf("heap grew by %d MB", grew>>20)
			}
		})
	}
}

// workbook returns an XLSX file written by WriteXLSX (one text column "x",
// one row "1") whose parts named in parts are replaced.
func workbook(t testing.TB, parts map[string]string) []byte {
	t.Helper()
	var src bytes.Buffer
	if err := WriteXLSX(&src, "", []Column{{Header: "x"}}, [][]string{{"1"}}); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(src.Bytes()), int64(src.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, zf := range zr.File {
		content, ok := parts[zf.Name]
		if !ok {
			if err := zw.Copy(zf); err != nil {
				t.Fatal(err)
			}
			continue
		}
		w, err := zw.Create(zf.Name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, content)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

const sheetPart = "xl/worksheets/sheet1.xml"

// sheetXML returns a worksheet whose sheetData holds rows.
func sheetXML(rows string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
		rows + `</sheetData></worksheet>`
}

// inline is a row of inline strings in columns A, B, ….
func inline(r int, cells ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<row r="%d">`, r)
	for i, c := range cells {
		fmt.Fprintf(&b, `<c r="%c%d" t="inlineStr"><is><t>%s</t></is></c>`, 'A'+i, r, c)
	}
	return b.String() + "</row>"
}

// TestXLSXPrescan checks what the check of the sheet XML refuses before the
// spreadsheet library reads it.
func TestXLSXPrescan(t *testing.T) {
	small := Limits{MaxRows: 10, MaxEmptyRows: 5}
	var rows20 strings.Builder
	for i := 1; i <= 20; i++ {
		rows20.WriteString(inline(i, fmt.Sprint(i)))
	}
	tests := []struct {
		name  string
		parts map[string]string
		lim   Limits
		what  string // "" for another error
		line  int
		want  string
	}{
		{"a value in column XFD", map[string]string{sheetPart: sheetXML(inline(1, "x") + `<row r="2"><c r="XFD2"><v>1</v></c></row>`)},
			Limits{}, "columns", 2, "dòng 2: có quá 256 cột"},
		{"a formula in column $IW$", map[string]string{sheetPart: sheetXML(inline(1, "x") + `<row r="2"><c r="$IW$2"><f>1+1</f></c></row>`)},
			Limits{}, "columns", 2, "256 cột"},
		{"300 cells without reference before a value", map[string]string{sheetPart: sheetXML(inline(1, "x") +
			`<row r="2">` + strings.Repeat(`<c s="1"/>`, 300) + `<c><v>1</v></c></row>`)},
			Limits{}, "columns", 2, "256 cột"},
		{"a row in the last Excel row", map[string]string{sheetPart: sheetXML(inline(1, "x") + inline(1048576, "y"))},
			Limits{}, "empty_rows", 100_002, "dòng 100002: tệp có quá 100000 dòng trống"},
		{"elements nested 100 deep", map[string]string{sheetPart: sheetXML(inline(1, "x") +
			`<row r="2"><c r="A2" t="inlineStr"><is>` + strings.Repeat("<r>", 100) + strings.Repeat("</r>", 100) + `</is></c></row>`)},
			Limits{}, "xml_depth", 2, "lồng nhau quá 64 cấp"},
		{"an inline string of 40,000 characters", map[string]string{sheetPart: sheetXML(inline(1, "x") + inline(2, strings.Repeat("ệ", 40_000)))},
			Limits{}, "cell", 2, "dòng 2: có ô dài quá 32767 ký tự"},
		{"a number of 40,000 digits", map[string]string{sheetPart: sheetXML(inline(1, "x") + `<row r="2"><c r="A2"><v>` + strings.Repeat("9", 40_000) + `</v></c></row>`)},
			Limits{}, "cell", 2, "dòng 2:"},
		{"a shared string of 20,000 runs of 2 characters", map[string]string{
			sheetPart:              sheetXML(`<row r="1"><c r="A1" t="s"><v>0</v></c></row>`),
			"xl/sharedStrings.xml": `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si>` + strings.Repeat("<r><t>ab</t></r>", 20_000) + `</si></sst>`},
			Limits{}, "cell", 0, "có ô dài quá 32767 ký tự"},
		{"a value of 2 MB", map[string]string{sheetPart: sheetXML(inline(1, "x") + `<row r="2"><c><v>` + strings.Repeat("9", 2<<20) + `</v></c></row>`)},
			Limits{}, "cell", 2, "dòng 2: có ô dài quá 32767 ký tự"},
		// Outside cells, the line of a token too long is not known.
		{"a text of 2 MB between two elements", map[string]string{sheetPart: sheetXML(inline(1, "x") + `<row r="2">` + strings.Repeat(" ", 2<<20) + `</row>`)},
			Limits{}, "cell", 0, "có ô dài quá 32767 ký tự"},
		{"an attribute of 2 MB", map[string]string{sheetPart: sheetXML(inline(1, "x") + `<row r="2" x="` + strings.Repeat("a", 2<<20) + `"/>`)},
			Limits{}, "cell", 0, "có ô dài quá 32767 ký tự"},
		{"more rows than MaxRows+MaxEmptyRows+1", map[string]string{sheetPart: sheetXML(rows20.String())},
			small, "rows", 12, "dòng 12: tệp có quá 10 dòng dữ liệu"},
		{"6 empty rows", map[string]string{sheetPart: sheetXML(inline(1, "x") + strings.Repeat(`<row><c s="1"/><c><v> </v></c></row>`, 3) + inline(5, "y") + inline(9, "z"))},
			small, "empty_rows", 8, "dòng 8: tệp có quá 5 dòng trống"},
		{"a sheet larger than MaxXMLBytes", map[string]string{sheetPart: sheetXML(inline(1, strings.Repeat("x", 1000)))},
			Limits{MaxXMLBytes: 1000}, "xml_bytes", 0, ""},
		{"1,001 number formats", map[string]string{"xl/styles.xml": `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts>` +
			strings.Repeat(`<numFmt numFmtId="200" formatCode="0.0"/>`, 1001) + `</numFmts></styleSheet>`},
			Limits{}, "number_formats", 0, "quá 1000 định dạng số"},
		{"a number format of 256 characters", map[string]string{"xl/styles.xml": `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts>` +
			`<numFmt numFmtId="200" formatCode="00` + strings.Repeat(`\a`, 127) + `"/></numFmts></styleSheet>`},
			Limits{}, "number_format", 0, "dài quá 255 ký tự"},
		{"malformed XML", map[string]string{sheetPart: sheetXML(inline(1, "x") + `<row r="2"><c r="A2"><v>1</v></c></row`)},
			Limits{}, "", 0, "không đọc được tệp Excel"},
		{"an encoding other than UTF-8", map[string]string{sheetPart: strings.Replace(sheetXML(inline(1, "x")), "UTF-8", "windows-1258", 1)},
			Limits{}, "", 0, "không đọc được tệp Excel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadXLSXContext(context.Background(), bytes.NewReader(workbook(t, tt.parts)), "", tt.lim)
			if tt.what != "" {
				checkLimit(t, err, tt.what, tt.line, tt.want)
				return
			}
			var le *LimitError
			if err == nil || errors.As(err, &le) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one containing %q", err, tt.want)
			}
		})
	}

	// What the check lets through.
	for name, rows := range map[string]string{
		"styled empty cells far right": inline(1, "x") + `<row r="2"><c r="A2"><v>1</v></c><c r="XFD2" s="1"/></row>`,
		"5 empty rows, written or not": inline(1, "x") + `<row r="2"/><row r="3"><c r="B3"><v></v></c></row>` + inline(7, "1"),
		"a cell of 32,767 characters":  inline(1, "x") + inline(2, strings.Repeat("ệ", 32_767)),
		"a cell in column IV":          inline(1, "x") + `<row r="2"><c r="IV2"><v>1</v></c></row>`,
	} {
		tab, err := ReadXLSXContext(context.Background(), bytes.NewReader(workbook(t, map[string]string{sheetPart: sheetXML(rows)})), "", small)
		if err != nil || len(tab.Rows) != 1 {
			t.Errorf("%s: %v, %+v", name, err, tab)
		}
	}

	// Workbooks where excelize could read as the sheet a part not checked
	// as one.
	const wbRels = "xl/_rels/workbook.xml.rels"
	const relNS = `xmlns="http://schemas.openxmlformats.org/package/2006/relationships"`
	const sheetRel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
	wbXML := func(sheets string) string {
		return `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>` +
			sheets + `</sheets></workbook>`
	}
	for name, parts := range map[string]map[string]string{
		"two relationships of the same id": {wbRels: `<Relationships ` + relNS + `>` +
			`<Relationship Id="rId1" Type="` + sheetRel + `" Target="worksheets/sheet1.xml"/>` +
			`<Relationship Id="rId1" Type="` + sheetRel + `" Target="styles.xml"/></Relationships>`},
		"another sheet on the styles": {
			"xl/workbook.xml": wbXML(`<sheet name="Sheet1" sheetId="1" r:id="rId1"/><sheet name="x" sheetId="2" r:id="rId2"/>`),
			wbRels: `<Relationships ` + relNS + `><Relationship Id="rId1" Type="` + sheetRel + `" Target="worksheets/sheet1.xml"/>` +
				`<Relationship Id="rId2" Type="` + sheetRel + `" Target="/xl/styles.xml"/></Relationships>`},
		"the sheet on the shared strings": {wbRels: `<Relationships ` + relNS + `>` +
			`<Relationship Id="rId1" Type="` + sheetRel + `" Target="sharedStrings.xml"/></Relationships>`},
		"two sheets of the same name": {"xl/workbook.xml": wbXML(`<sheet name="Sheet1" sheetId="1" r:id="rId1"/><sheet name="SHEET1" sheetId="2" r:id="rId2"/>`)},
	} {
		_, err := ReadXLSX(bytes.NewReader(workbook(t, parts)), "")
		if err == nil || !strings.Contains(err.Error(), "không hợp lệ") {
			t.Errorf("%s: %v", name, err)
		}
	}

	// A second part under the same name (in another case) could be read
	// instead of the one checked.
	data := workbook(t, nil)
	zr, _ := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	var dup bytes.Buffer
	zw := zip.NewWriter(&dup)
	for _, zf := range zr.File {
		_ = zw.Copy(zf)
	}
	w, _ := zw.Create("XL/worksheets/SHEET1.xml")
	io.WriteString(w, sheetXML(inline(1, "y")))
	zw.Close()
	if _, err := ReadXLSX(&dup, ""); err == nil || !strings.Contains(err.Error(), "có hai lần") {
		t.Errorf("duplicate part: %v", err)
	}
}

// TestLimitEdges reads files at the edge of each budget, and one step
// beyond.
func TestLimitEdges(t *testing.T) {
	ctx := context.Background()
	row := func(n int, cell string) []string {
		cells := make([]string, n)
		for i := range cells {
			cells[i] = fmt.Sprintf("%s%d", cell, i)
		}
		return cells
	}
	csvOf := func(rows ...[]string) []byte {
		var buf bytes.Buffer
		if err := WriteCSV(&buf, rows[0], rows[1:]); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	xlsxOf := func(rows ...[]string) []byte {
		cols := make([]Column, len(rows[0]))
		for i, h := range rows[0] {
			cols[i] = Column{Header: h}
		}
		var buf bytes.Buffer
		if err := WriteXLSX(&buf, "", cols, rows[1:]); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}

	t.Run("columns", func(t *testing.T) {
		for _, format := range []string{"csv", "xlsx"} {
			of := csvOf
			if format == "xlsx" {
				of = xlsxOf
			}
			tab, err := ReadContext(ctx, "x."+format, bytes.NewReader(of(row(256, "h"), row(256, "v"))), Limits{})
			if err != nil || len(tab.Header) != 256 || len(tab.Rows[0].Cells) != 256 {
				t.Errorf("%s of 256 columns: %v", format, err)
			}
			_, err = ReadContext(ctx, "x."+format, bytes.NewReader(of(row(257, "h"), row(1, "v"))), Limits{})
			checkLimit(t, err, "columns", 1, "dòng 1: có quá 256 cột")
			_, err = ReadContext(ctx, "x."+format, bytes.NewReader(of(row(3, "h"), row(3, "v"), row(257, "v"))), Limits{})
			checkLimit(t, err, "columns", 3, "dòng 3:")
		}
		// A record of 257 fields is refused even when the last are empty.
		_, err := ReadCSV(strings.NewReader("a,b\n1" + strings.Repeat(",", 256) + "\n"))
		checkLimit(t, err, "columns", 2)
		// Delimiters in quotes are text.
		tab, err := ReadCSV(strings.NewReader("a,b\n\"" + strings.Repeat(",", 1000) + "\nx\",2\n"))
		if err != nil || len(tab.Rows[0].Cells[0]) != 1002 {
			t.Errorf("quoted delimiters: %v", err)
		}
	})

	t.Run("cell", func(t *testing.T) {
		for _, c := range []struct{ name, unit string }{
			{"ASCII", "a"}, {"precomposed", "ệ"}, {"decomposed", "e\u0323\u0302"}, {"emoji", "😀"}, {"quote", `"`},
		} {
			max := strings.Repeat(c.unit, DefaultMaxCellChars)
			tab, err := ReadCSV(bytes.NewReader(csvOf([]string{"h", "k"}, []string{"  " + max + "  ", "1"})))
			if err != nil || tab.Rows[0].Cells[0] != clean(max) {
				t.Errorf("CSV %s cell of %d characters: %v", c.name, DefaultMaxCellChars, err)
			}
			_, err = ReadCSV(bytes.NewReader(csvOf([]string{"h"}, []string{"1"}, []string{max + c.unit})))
			checkLimit(t, err, "cell", 3, "dòng 3: có ô dài quá 32767 ký tự")
		}
		// Unquoted, where each character takes 5 bytes.
		max := strings.Repeat("e\u0323\u0302", DefaultMaxCellChars)
		if _, err := ReadCSV(strings.NewReader("h\n" + max + "\n")); err != nil {
			t.Errorf("unquoted decomposed cell: %v", err)
		}
		// Excel (and WriteXLSX) hold 32,767 UTF-16 units in a cell.
		for _, unit := range []string{"a", "ệ", `"`, "&"} {
			max := strings.Repeat(unit, DefaultMaxCellChars)
			tab, err := ReadXLSX(bytes.NewReader(xlsxOf([]string{"h", "k"}, []string{max, "1"})), "")
			if err != nil || tab.Rows[0].Cells[0] != max {
				t.Errorf("XLSX cell of %d %q: %v", DefaultMaxCellChars, unit, err)
			}
		}
		over := inline(1, "h") + inline(2, strings.Repeat("ệ", DefaultMaxCellChars+1))
		_, err := ReadXLSX(bytes.NewReader(workbook(t, map[string]string{sheetPart: sheetXML(over)})), "")
		checkLimit(t, err, "cell", 2, "dòng 2: có ô dài quá 32767 ký tự")
	})

	t.Run("empty rows", func(t *testing.T) {
		lim := Limits{MaxEmptyRows: 10}
		for _, tc := range []struct {
			name, in string
			line     int // of the refusal with one more empty row
		}{
			{"blank lines", "a;b\n" + strings.Repeat("\n", 10) + "1;2\n", 12},
			{"delimiters", "a;b\n" + strings.Repeat(" ; \r\n", 10) + "1;2\n", 12},
			{"mixed, before the header", strings.Repeat("\n;\n", 5) + "a;b\n1;2\n", 11},
		} {
			tab, err := ReadCSVContext(ctx, strings.NewReader(tc.in), lim)
			if err != nil || len(tab.Rows) != 1 {
				t.Errorf("%s: %v", tc.name, err)
				continue
			}
			_, err = ReadCSVContext(ctx, strings.NewReader(strings.Replace(tc.in, "\n", "\n\n", 1)), lim)
			checkLimit(t, err, "empty_rows", tc.line, "quá 10 dòng trống")
		}
		// XLSX: rows without value, written or skipped.
		rows := inline(1, "x") + `<row r="3"/>` + strings.Repeat(`<row><c s="1"/></row>`, 4) + inline(12, "y")
		tab, err := ReadXLSXContext(ctx, bytes.NewReader(workbook(t, map[string]string{sheetPart: sheetXML(rows)})), "", lim)
		if err != nil || len(tab.Rows) != 1 || tab.Rows[0].Line != 12 {
			t.Errorf("xlsx with 10 empty rows: %v", err)
		}
		rows = strings.Replace(rows, `r="12"`, `r="13"`, 1)
		_, err = ReadXLSXContext(ctx, bytes.NewReader(workbook(t, map[string]string{sheetPart: sheetXML(rows)})), "", lim)
		checkLimit(t, err, "empty_rows", 12)
	})

	t.Run("text", func(t *testing.T) {
		lim := Limits{MaxTextBytes: 12}
		tab, err := ReadCSVContext(ctx, strings.NewReader("ab,cd\n,\n  12 ,56 \n"), lim) // spaces count
		if err != nil || len(tab.Rows) != 1 {
			t.Errorf("12 bytes of text: %v", err)
		}
		_, err = ReadCSVContext(ctx, strings.NewReader("ab,cd\n,\n  123 ,56 \n"), lim)
		checkLimit(t, err, "text_bytes", 3, "dòng 3: tệp có quá 0 MB chữ")
	})

	t.Run("rows", func(t *testing.T) {
		lim := Limits{MaxRows: 5}
		rows := [][]string{{"h"}, {"1"}, {"2"}, {""}, {"3"}, {"4"}, {"5"}}
		for _, format := range []string{"csv", "xlsx"} {
			of := csvOf
			if format == "xlsx" {
				of = xlsxOf
			}
			tab, err := ReadContext(ctx, "x."+format, bytes.NewReader(of(rows...)), lim)
			if err != nil || len(tab.Rows) != 5 {
				t.Errorf("%s of 5 rows: %v", format, err)
			}
			_, err = ReadContext(ctx, "x."+format, bytes.NewReader(of(append(rows, []string{"6"})...)), lim)
			checkLimit(t, err, "rows", 8, "dòng 8: tệp có quá 5 dòng dữ liệu")
		}
	})
}

// pollCtx is a context that ends once its Err has been called after
// times; polls counts the calls.
type pollCtx struct {
	context.Context
	after, polls int
}

func (c *pollCtx) Err() error {
	if c.polls++; c.polls > c.after {
		return context.Canceled
	}
	return nil
}

// TestReadCancel checks that a read stops when its context ends, at
// whatever stage: readers poll their context as they go.
func TestReadCancel(t *testing.T) {
	var csvData, xlsxData bytes.Buffer
	if err := WriteCSV(&csvData, activityHeader(), activityRows(20_000)); err != nil {
		t.Fatal(err)
	}
	if err := WriteXLSX(&xlsxData, "", activityColumns, activityRows(1_000)); err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		name string
		data []byte
	}{{"x.csv", csvData.Bytes()}, {"x.xlsx", xlsxData.Bytes()}} {
		read := func(ctx context.Context) error {
			_, err := ReadContext(ctx, f.name, bytes.NewReader(f.data), Limits{})
			return err
		}
		all := &pollCtx{Context: context.Background(), after: 1 << 60}
		if err := read(all); err != nil {
			t.Fatal(err)
		}
		if all.polls < 20 {
			t.Errorf("%s: only %d checks of the context", f.name, all.polls)
		}
		for _, after := range []int{0, 1, all.polls / 3, all.polls / 2, all.polls - 1} {
			ctx := &pollCtx{Context: context.Background(), after: after}
			err := read(ctx)
			if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "đã dừng đọc tệp") {
				t.Errorf("%s cancelled after %d of %d checks: err = %v", f.name, after, all.polls, err)
			}
			if ctx.polls != after+1 {
				t.Errorf("%s cancelled after %d checks: went on to %d", f.name, after, ctx.polls)
			}
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := read(ctx); !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a cancelled context: %v", f.name, err)
		}
	}
}

// TestXLSXTempFiles checks that reading an XLSX file leaves no temporary
// file behind, whether it reads or is refused; the sheet and shared
// strings go through temporary files from xmlSpillBytes (lowered here).
func TestXLSXTempFiles(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	defer func(old int64) { xmlSpillBytes = old }(xmlSpillBytes)
	xmlSpillBytes = 4 << 10

	var legit bytes.Buffer
	if err := WriteXLSX(&legit, "", activityColumns, activityRows(1_000)); err != nil {
		t.Fatal(err)
	}
	brokenStyles := workbook(t, map[string]string{
		sheetPart:       sheetXML(strings.Repeat(inline(1, "x"), 1000)),
		"xl/styles.xml": `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts><bad`,
	})
	empty := generate(t, func(w io.Writer) error { return tabulartest.EmptyRowsXLSX(w, 200_000) })
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		data []byte
		lim  Limits
		ok   bool
	}{
		{"legit", legit.Bytes(), Limits{}, true},
		{"refused while read", legit.Bytes(), Limits{MaxRows: 500}, false},
		{"refused by the check", empty, Limits{}, false},
		{"refused by excelize", brokenStyles, Limits{}, false},
	} {
		tab, err := ReadXLSXContext(ctx, bytes.NewReader(tc.data), "", tc.lim)
		if tc.ok && (err != nil || len(tab.Rows) != 1_000) || !tc.ok && err == nil {
			t.Errorf("%s: err = %v", tc.name, err)
		}
		entries, err := os.ReadDir(dir)
		if err != nil || len(entries) != 0 {
			t.Errorf("%s: %s holds %v (%v)", tc.name, dir, entries, err)
		}
	}
}

func TestDigest(t *testing.T) {
	read := func(name, content string) *Table {
		t.Helper()
		tab, err := Read(name, strings.NewReader(content))
		if err != nil {
			t.Fatalf("%q: %v", content, err)
		}
		return tab
	}
	base := read("x.csv", "Họ tên,Số\nNguyễn Văn A,1\nTrần B,2")
	want := base.Digest()
	if len(want) != 64 {
		t.Fatalf("Digest = %q", want)
	}
	var xlsx bytes.Buffer
	if err := WriteXLSX(&xlsx, "", []Column{{Header: "Họ tên"}, {Header: "Số"}}, [][]string{{"Nguyễn Văn A", "1"}, {}, {"Trần B", "2"}}); err != nil {
		t.Fatal(err)
	}
	for _, same := range []*Table{
		read("x.csv", "Họ tên,Số\nNguyễn Văn A,1\nTrần B,2\n"),
		read("x.csv", "\ufeffHọ tên,Số\r\nNguyễn Văn A,1\r\nTrần B,2\r\n"),
		read("x.csv", "Họ tên;Số\n\n;\nNguyễn Văn A;1;;\n\nTrần B;2\n\n"),
		read("x.csv", "\"Họ tên\"\t Số \n Nguye\u0302\u0303n Văn A\t1\nTrần B\t\"2\"\t\n"),
		read("x.xlsx", xlsx.String()),
		{Header: []string{"Họ tên", "Số", ""}, Rows: []Row{{Line: 7, Cells: []string{" Nguyễn Văn A ", "1"}}, {Cells: []string{""}}, {Cells: []string{"Trần B", "2"}}}},
	} {
		if got := same.Digest(); got != want {
			t.Errorf("Digest of %+v = %s, want %s", same, got, want)
		}
	}
	seen := map[string]string{want: "base"}
	for name, other := range map[string]string{
		"a changed cell":        "Họ tên,Số\nNguyễn Văn A,1\nTrần B,3",
		"a changed header":      "Họ và tên,Số\nNguyễn Văn A,1\nTrần B,2",
		"rows swapped":          "Họ tên,Số\nTrần B,2\nNguyễn Văn A,1",
		"a row removed":         "Họ tên,Số\nNguyễn Văn A,1",
		"a row added":           "Họ tên,Số\nNguyễn Văn A,1\nTrần B,2\nx",
		"a cell moved":          "Họ tên,Số\nNguyễn Văn A,1,Trần B\n2",
		"cells joined":          "Họ tên,Số\nNguyễn Văn A1\nTrần B,2",
		"a text split":          "Họ tên,Số\nNguyễn Văn,A 1\nTrần B,2",
		"an empty cell inside":  "Họ tên,Số\nNguyễn Văn A,,1\nTrần B,2",
		"an empty cell first":   "Họ tên,Số\n,Nguyễn Văn A,1\nTrần B,2",
		"a length-like text":    "Họ tên,Số\nNguyễn Văn A,1\nTrần B,2\n1",
		"header row split":      "Họ tên\nSố\nNguyễn Văn A,1\nTrần B,2",
		"a diacritic changed":   "Họ tên,Số\nNguyễn Văn Á,1\nTrần B,2",
		"a cell's case changed": "Họ tên,Số\nnguyễn Văn A,1\nTrần B,2",
	} {
		d := read("x.csv", other).Digest()
		if prev, dup := seen[d]; dup {
			t.Errorf("%s has the digest of %s", name, prev)
		}
		seen[d] = name
	}
	if a, b := (&Table{Header: []string{"a"}}).Digest(), (&Table{Rows: []Row{{Cells: []string{"a"}}}}).Digest(); a == b {
		t.Error("a header and a first row without header have the same digest")
	}
	if !reflect.DeepEqual(base, read("x.csv", "Họ tên,Số\nNguyễn Văn A,1\nTrần B,2")) {
		t.Error("Digest changed the table")
	}
}

// TestSharedStringAmplification reads workbooks where little XML makes much
// text or much work: a shared string is the text of every cell that
// refers to it, and excelize decodes its _xHHHH_ escapes anew at each
// reference, in time growing with their number times the string's length.
func TestSharedStringAmplification(t *testing.T) {
	sst := func(items ...string) string {
		return `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>` +
			strings.Join(items, `</t></si><si><t>`) + `</t></si></sst>`
	}
	refs := func(rows, cols int, cell string) string {
		var b strings.Builder
		b.WriteString(inline(1, "h"))
		for r := 2; r <= rows+1; r++ {
			fmt.Fprintf(&b, `<row r="%d">`, r)
			for c := range cols {
				fmt.Fprintf(&b, `<c r="%c%d" %s</c>`, 'A'+c, r, cell)
			}
			b.WriteString("</row>")
		}
		return b.String()
	}
	long := strings.Repeat("a", DefaultMaxCellChars)
	escaped := strings.Repeat("_x0041_", DefaultMaxCellChars/7) // 4,681 escapes
	note := strings.Repeat("một dòng ghi chú_x000D_\n", 100)    // 100 escaped line ends
	inlineCell := `t="inlineStr"><is><t>` + escaped + `</t></is>`
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		parts map[string]string
		lim   Limits
		spill int64
		what  string // "" when the file reads
		line  int
	}{
		{"a long string in 40,000 cells", map[string]string{"xl/sharedStrings.xml": sst(long), sheetPart: sheetXML(refs(2000, 20, `t="s"><v>0</v>`))},
			Limits{MaxTextBytes: 16 << 20}, 0, "text_bytes", 27},
		{"a string of 4,681 escapes in 2,000 cells", map[string]string{"xl/sharedStrings.xml": sst(escaped), sheetPart: sheetXML(refs(100, 20, `t="s"><v>0</v>`))},
			Limits{}, 0, "escapes", 3},
		{"200 strings of 4,681 escapes in a temporary file", map[string]string{"xl/sharedStrings.xml": sst(slices.Repeat([]string{escaped}, 200)...), sheetPart: sheetXML(refs(1, 1, `t="s"><v>0</v>`))},
			Limits{}, 64 << 10, "escapes", 0},
		{"2,000 inline strings of 4,681 escapes", map[string]string{sheetPart: sheetXML(refs(100, 20, inlineCell))},
			Limits{}, 0, "escapes", 4},
		{"a note of 100 escapes in 2,000 cells", map[string]string{"xl/sharedStrings.xml": sst(note), sheetPart: sheetXML(refs(100, 20, `t="s"><v>0</v>`))},
			Limits{}, 0, "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.spill > 0 {
				defer func(old int64) { xmlSpillBytes = old }(xmlSpillBytes)
				xmlSpillBytes = tc.spill
			}
			data := workbook(t, tc.parts)
			var tab *Table
			var err error
			start := time.Now()
			grew := peakHeap(func() { tab, err = ReadXLSXContext(ctx, bytes.NewReader(data), "", tc.lim) })
			t.Logf("%d KB: %v in %v, heap grew by %.1f MB", len(data)>>10, err, time.Since(start).Round(time.Millisecond), float64(grew)/(1<<20))
			if tc.what == "" {
				if err != nil || len(tab.Rows) != 100 {
					t.Fatalf("err = %v", err)
				}
				return
			}
			checkLimit(t, err, tc.what, tc.line)
			if grew > maxHeapGrowth {
				t.Errorf("heap grew by %d MB", grew>>20)
			}
		})
	}
}
