package tabular

// Fuzz targets (go test -run '^$' -fuzz '^FuzzX$' ./internal/tabular, or
// make fuzz). Each checks properties, not only the absence of panics; the
// inputs they once failed on are kept in testdata/fuzz/FuzzX and run by a
// plain go test.

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"
)

// viNumber writes v the way Vietnamese text does ("1.234.567,5"), the form
// ParseNumber's documentation promises to read.
func viNumber(v float64) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', -1, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if math.Signbit(v) {
		b.WriteByte('-')
	}
	for i := range len(intPart) {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteByte(intPart[i])
	}
	if frac != "" {
		b.WriteString("," + frac)
	}
	return b.String()
}

func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{
		"1234", "1.234", "12.345", "1.234.567", "1.234,5", "1234,5", "12.5", "1234.567", "0.125",
		"1 234 567", "1\u00a0234", "12\u202f500\u202f000", "-5", "+7", "-1.234,56", "12.500.000",
		"1,234.5", "1.23.456", "12 34", "0", "-0", "007", "1e5", "NaN", "Inf", "9" + strings.Repeat("9", 400),
		"0," + strings.Repeat("0", 400) + "1", "", " ", "1.", ",5", "5,", "một nghìn", "1.234 567",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseNumber(s)
		if err != nil {
			if v != 0 {
				t.Fatalf("ParseNumber(%q) = %v with an error", s, v)
			}
			if _, ierr := ParseInt(s); ierr == nil {
				t.Fatalf("ParseInt(%q) accepts what ParseNumber refuses", s)
			}
			return
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("ParseNumber(%q) = %v", s, v)
		}
		// Surrounding space changes nothing.
		if w, err := ParseNumber(" \t" + s + "\u00a0"); err != nil || w != v {
			t.Fatalf("ParseNumber(%q) = %v, with spaces around: %v, %v", s, v, w, err)
		}
		// The forms a program writes read back exactly: plain digits with a
		// decimal comma (what exports write), and Vietnamese grouping.
		plain := strings.Replace(strconv.FormatFloat(v, 'f', -1, 64), ".", ",", 1)
		if w, err := ParseNumber(plain); err != nil || w != v {
			t.Fatalf("ParseNumber(%q) = %v; its plain form %q reads %v, %v", s, v, plain, w, err)
		}
		vi := viNumber(v)
		if w, err := ParseNumber(vi); err != nil || w != v {
			t.Fatalf("ParseNumber(%q) = %v; its Vietnamese form %q reads %v, %v", s, v, vi, w, err)
		}
		// ParseInt agrees with ParseNumber.
		n, ierr := ParseInt(s)
		switch {
		case v == math.Trunc(v) && math.Abs(v) < maxExactInt:
			if ierr != nil || float64(n) != v {
				t.Fatalf("ParseInt(%q) = %d, %v; ParseNumber gives %v", s, n, ierr, v)
			}
		case ierr == nil:
			t.Fatalf("ParseInt(%q) = %d, but ParseNumber gives %v", s, n, v)
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{
		"15/03/2024", "5/3/2024", " 05/3/2024 ", "15-03-2024", "2024-03-15", "2024-3-5", "29/02/2024",
		"29/02/2023", "31/04/2019", "45366", "20000", "80000", "80001", "08/9/2017", "1899-12-31",
		"15/03/24", "15.03.2024", "2024/03/15", "", "-1/-1/2024", "١٥/٠٣/٢٠٢٤", "00/00/0000", "9999-12-31",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		iso, err := ParseDate(s)
		if err != nil {
			if iso != "" {
				t.Fatalf("ParseDate(%q) = %q with an error", s, iso)
			}
			if got := FormatDate(s); got != s {
				t.Fatalf("FormatDate(%q) = %q, want the input back", s, got)
			}
			return
		}
		d, perr := time.Parse(time.DateOnly, iso)
		if perr != nil || d.Format(time.DateOnly) != iso || d.Year() < 1900 {
			t.Fatalf("ParseDate(%q) = %q, not an ISO date from 1900", s, iso)
		}
		if again, err := ParseDate(iso); err != nil || again != iso {
			t.Fatalf("ParseDate(%q) = %q, but ParseDate(%q) = %q, %v", s, iso, iso, again, err)
		}
		shown := FormatDate(s)
		if shown != d.Format("02/01/2006") {
			t.Fatalf("FormatDate(%q) = %q, want %s", s, shown, d.Format("02/01/2006"))
		}
		if back, err := ParseDate(shown); err != nil || back != iso {
			t.Fatalf("ParseDate(FormatDate(%q)) = %q, %v, want %s", s, back, err, iso)
		}
	})
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{
		"Đà Nẵng  Phường Xuất Hóa", "Thuỷ", "Thủy", "Thu\u0309y", "ĐỒNG ĐĂNG", "  \t Hà\u00a0 Nội \n",
		"Ngày bắt đầu", "Kinh phí (đồng)", "Trẻ em 14–16", "İstanbul", "ǅ", "Å", "\u212b", "ẞ", "\xff\xfe", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Fold(s)
		if again := Fold(got); again != got {
			t.Fatalf("Fold(%q) = %q, but Fold of that = %q", s, got, again)
		}
		if strings.TrimSpace(got) != got || strings.Contains(got, "  ") {
			t.Fatalf("Fold(%q) = %q: space not collapsed", s, got)
		}
		for _, r := range got {
			if unicode.Is(unicode.Mn, r) || r == 'đ' || r == 'Đ' || (unicode.IsSpace(r) && r != ' ') {
				t.Fatalf("Fold(%q) = %q keeps %q", s, got, r)
			}
		}
		// The way a letter is composed does not matter.
		if utf8.ValidString(s) {
			if c, d := Fold(norm.NFC.String(s)), Fold(norm.NFD.String(s)); c != got || d != got {
				t.Fatalf("Fold(%q) = %q, of its NFC %q, of its NFD %q", s, got, c, d)
			}
		}
	})
}

// checkTable checks what every reader promises of a table read from a file
// of the given number of lines (rows for XLSX).
func checkTable(t *testing.T, tab *Table, lines int) {
	t.Helper()
	if len(tab.Header) == 0 || !nonEmpty(tab.Header) {
		t.Fatalf("header %q has no title", tab.Header)
	}
	if len(tab.Rows) > MaxRows {
		t.Fatalf("%d rows", len(tab.Rows))
	}
	prev := 0
	for _, r := range tab.Rows {
		if r.Line <= prev || r.Line > lines {
			t.Fatalf("row at line %d after line %d (the file has %d lines)", r.Line, prev, lines)
		}
		prev = r.Line
		if !nonEmpty(r.Cells) {
			t.Fatalf("line %d: an empty row is kept", r.Line)
		}
	}
	for _, cells := range append([][]string{tab.Header}, rowCells(tab)...) {
		for _, c := range cells {
			if strings.TrimSpace(c) != c || !utf8.ValidString(c) || !norm.NFC.IsNormalString(c) {
				t.Fatalf("cell %q is not trimmed, valid NFC text", c)
			}
		}
	}
}

func nonEmpty(cells []string) bool {
	for _, c := range cells {
		if c != "" {
			return true
		}
	}
	return false
}

func rowCells(tab *Table) [][]string {
	out := make([][]string, len(tab.Rows))
	for i, r := range tab.Rows {
		out[i] = r.Cells
	}
	return out
}

func FuzzReadCSV(f *testing.F) {
	for _, s := range []string{
		"\ufeffHọ tên;Ngày;Số người\r\n;;\r\n Nguyễn Văn A ; 15/03/2024 ;1.234\r\n\r\n\r\nTrần Thị B;16/03/2024;12\r\n",
		"a,b\n\"x, y\",\"dòng 1\ndòng 2\"\nz,w\n",
		"a\tb\tc\n1\t2\n3\t4\t5\t6\n",
		"\"Tên, họ\";\"Địa chỉ, xã\";c\n1;2,5;3\n",
		"\n\nx\n1\n",
		"Tên\nThu\u0309y\u00a0\n",
		"a,b\r\n",
		"a,b\n\"unterminated\n",
		"a,b\nx\"y,z\n",
		"\xff\xfeU\x00T\x00F\x00",
		"a,b\n\xc3\x28,1\n",
		"Cơ quan,Hình thức,Tên hoạt động,Ngày bắt đầu,Địa bàn\nbk-ca,IV.4,Hội nghị,02/04/2019,01903; 01912\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tab, err := ReadCSV(bytes.NewReader(data))
		if err != nil {
			if tab != nil {
				t.Fatal("a table with an error")
			}
			return
		}
		checkTable(t, tab, bytes.Count(data, []byte("\n"))+1)

		// Written back by WriteCSV and read again, the cells are the same.
		// WriteCSV defuses cells a spreadsheet would run (a leading =, +,
		// @ or -), and the delimiter is detected from the header, so skip
		// tables where either changes what is read.
		for _, h := range tab.Header {
			if strings.ContainsAny(h, ";\t") {
				return
			}
		}
		for _, cells := range append([][]string{tab.Header}, rowCells(tab)...) {
			for _, c := range cells {
				if c != defuse(c) {
					return
				}
			}
		}
		var buf bytes.Buffer
		if err := WriteCSV(&buf, tab.Header, rowCells(tab)); err != nil {
			t.Fatal(err)
		}
		back, err := ReadCSV(&buf)
		if err != nil {
			t.Fatalf("WriteCSV's output does not read back: %v\n%q", err, buf.String())
		}
		if !equalCells(back.Header, noCR(tab.Header)) || len(back.Rows) != len(tab.Rows) {
			t.Fatalf("round trip: header %q → %q, %d rows → %d", tab.Header, back.Header, len(tab.Rows), len(back.Rows))
		}
		for i := range tab.Rows {
			if !equalCells(back.Rows[i].Cells, noCR(tab.Rows[i].Cells)) {
				t.Fatalf("round trip: row %d %q → %q", i, tab.Rows[i].Cells, back.Rows[i].Cells)
			}
		}
	})
}

// noCR drops the carriage returns of cells: a lone one inside a cell (a
// quoted "a\rb") is lost by WriteCSV, whose encoding/csv writer with CRLF
// line ends writes line breaks in cells as \r\n and drops a bare \r; a
// reader turns \r\n inside quotes into \n anyway.
func noCR(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = strings.ReplaceAll(c, "\r", "")
	}
	return out
}

func equalCells(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// fuzzColumns are the columns of the sheets the XLSX targets write: text, a
// Number column with a drop-down list and a Date column.
var fuzzColumns = []Column{
	{Header: "Tên hoạt động", Comment: "ghi chú"},
	{Header: "Số lượng", Number: true},
	{Header: "Ngày bắt đầu", Date: true, Choices: []string{"15/03/2019", "a, b", `"x"`}},
}

// xlsxParts are the parts of a workbook FuzzReadXLSX mutates; the others
// stay those of the seed workbook.
var xlsxParts = []string{"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml"}

// seedWorkbook writes a sheet with the cell types and formats ReadXLSX
// tells apart, and returns its zip parts by name, in order.
func seedWorkbook(f *testing.F) (names []string, parts map[string][]byte) {
	x := excelize.NewFile()
	defer x.Close()
	style := func(s *excelize.Style) int {
		id, err := x.NewStyle(s)
		if err != nil {
			f.Fatal(err)
		}
		return id
	}
	custom := func(code string) int { return style(&excelize.Style{CustomNumFmt: &code}) }
	cells := []struct {
		value any
		style int
	}{
		{"Tiêu đề", 0}, {45366, style(&excelize.Style{NumFmt: 14})}, {45366, custom("dd/mm/yyyy")},
		{45366, custom("dd.mm.yyyy")}, {45366.25, style(&excelize.Style{NumFmt: 22})}, {1234, style(&excelize.Style{NumFmt: 3})},
		{12.345, custom("0.0")}, {0.5, style(&excelize.Style{NumFmt: 9})}, {1.0 / 3, 0}, {true, 0}, {"12.345", 0},
	}
	_ = x.SetCellValue("Sheet1", "A1", "Tên")
	_ = x.SetCellValue("Sheet1", "B1", "Số")
	for i, c := range cells {
		name, _ := excelize.CoordinatesToCellName(i+1, 3)
		if err := x.SetCellValue("Sheet1", name, c.value); err != nil {
			f.Fatal(err)
		}
		if c.style != 0 {
			_ = x.SetCellStyle("Sheet1", name, name, c.style)
		}
	}
	_ = x.SetCellFormula("Sheet1", "A5", "=1+1")
	_ = x.SetCellValue("Sheet1", "B7", "  cuối ")
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		f.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		f.Fatal(err)
	}
	parts = map[string][]byte{}
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			f.Fatal(err)
		}
		parts[zf.Name], err = io.ReadAll(rc)
		rc.Close()
		if err != nil {
			f.Fatal(err)
		}
		names = append(names, zf.Name)
	}
	return names, parts
}

// FuzzReadXLSX reads workbooks whose sheet, shared strings and styles are
// fuzzed XML (a fuzzed zip would mostly fail its checksums): ReadXLSX
// returns an error or a table that keeps the readers' promises.
func FuzzReadXLSX(f *testing.F) {
	names, parts := seedWorkbook(f)
	f.Add(parts[xlsxParts[0]], parts[xlsxParts[1]], parts[xlsxParts[2]])
	f.Add([]byte(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`+
		`<row r="2"><c r="A2" t="inlineStr"><is><t>_x0041_ x</t></is></c><c r="C2" t="b"><v>1</v></c></row>`+
		`<row r="1048576"><c r="XFD1048576" t="n"><v>1e308</v></c><c t="e"><v>#DIV/0!</v></c></row></sheetData></worksheet>`),
		parts[xlsxParts[1]], parts[xlsxParts[2]])
	f.Add([]byte("<worksheet><sheetData><row><c t=\"s\"><v>99</v></c></row></sheetData></worksheet>"), []byte("<sst/>"), []byte("<styleSheet/>"))
	f.Fuzz(func(t *testing.T, sheet, sst, styles []byte) {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, name := range names {
			data := parts[name]
			switch name {
			case xlsxParts[0]:
				data = sheet
			case xlsxParts[1]:
				data = sst
			case xlsxParts[2]:
				data = styles
			}
			w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
			if err != nil {
				t.Fatal(err)
			}
			w.Write(data)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		tab, err := ReadXLSX(&buf, "")
		if err != nil {
			if tab != nil {
				t.Fatal("a table with an error")
			}
			return
		}
		checkTable(t, tab, 1<<20) // Excel's last row
	})
}

// FuzzXLSXRoundTrip writes cells with WriteXLSX and reads them back with
// ReadXLSX: text comes back as written (trimmed, NFC), numbers as a text
// ParseNumber reads as the same number (to the 15 digits Excel keeps),
// dates as dd/mm/yyyy.
func FuzzXLSXRoundTrip(f *testing.F) {
	f.Add("Hội nghị tuyên truyền", "1.234,5", "15/03/2019")
	f.Add("  Tập huấn  ", "12.500.000", "2019-04-02")
	f.Add("=1+1", "-5", "45366")
	f.Add("0123", "0,1", "31/02/2019")
	f.Add("", "12,345", "")
	f.Add("x", "123456789012345678", "ngày mai")
	f.Fuzz(func(t *testing.T, text, number, date string) {
		if !utf8.ValidString(text+number+date) || len(text+number+date) > 2000 {
			return
		}
		rows := [][]string{{text, number, date}, {date, text, number}}
		var buf bytes.Buffer
		if err := WriteXLSX(&buf, "", fuzzColumns, rows); err != nil {
			return // excelize refuses some text (e.g. too long): an error, not a bad file
		}
		tab, err := ReadXLSX(&buf, "")
		if err != nil {
			t.Fatalf("WriteXLSX's output does not read back: %v", err)
		}
		checkTable(t, tab, len(rows)+1)
		// XML cannot hold control characters (but tab and line breaks)
		// nor U+FFFE and U+FFFF: excelize writes U+FFFD instead.
		clean := func(s string) string {
			s = strings.Map(func(r rune) rune {
				if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF {
					return utf8.RuneError
				}
				return r
			}, s)
			return norm.NFC.String(strings.TrimSpace(s))
		}
		got := map[int]Row{}
		for _, r := range tab.Rows {
			got[r.Line] = r
		}
		for i, row := range rows {
			r := got[i+2]
			if len(r.Cells) > len(row) {
				t.Fatalf("row %d: %q from %q", i+2, r.Cells, row)
			}
			for c, v := range row {
				want, cell := clean(v), r.Cell(c)
				switch {
				case fuzzColumns[c].Number:
					n, err := ParseNumber(v)
					if err != nil {
						break
					}
					m, err := ParseNumber(cell)
					if err != nil || math.Abs(m-n) > 1e-14*math.Abs(n) {
						t.Fatalf("row %d: number %q comes back as %q (%v, %v)", i+2, v, cell, m, err)
					}
					continue
				case fuzzColumns[c].Date:
					want = clean(FormatDate(v))
				}
				if cell != want {
					t.Fatalf("row %d column %d: %q comes back as %q, want %q", i+2, c+1, v, cell, want)
				}
			}
		}
	})
}

// FuzzReadCSVLimits reads CSV files with tight budgets and without any:
// the budgets refuse a file only when it exceeds one of them (counted on
// the records as encoding/csv reads them), and a file read within them is
// read exactly as without, so the check of the bytes on their way to the
// parser never changes what is parsed.
func FuzzReadCSVLimits(f *testing.F) {
	for _, s := range []string{
		"a,b,c\n1,2,3\n", "a,b,c,d\n1\n", "a\n1,2,3,4\n", "a;b\n\"x;y;z;w\";1\n", "a\n\"ab\"\"cd\"\n",
		"a\n" + strings.Repeat("x", 100) + "\n", "a\n\"" + strings.Repeat("x\n", 50) + "\"\n", "a\n  abc  \n",
		"a\n\n\n\n1\n", "a\n,\n,\n,\n1\n", "a\n1\n2\n3\n4\n5\n", "a,b\n\"x\"y,1\n", "a,b\n\"x,1\n", "\ufeffa\tb\r\n1\t2\r\n",
		"a\ne\u0323\u0302e\u0323\u0302e\u0323\u0302\n", "a,b\n\"\",\"\"\"\"\n",
	} {
		f.Add([]byte(s))
	}
	tight := Limits{MaxRows: 4, MaxColumns: 3, MaxCellChars: 3, MaxEmptyRows: 2}
	loose := Limits{MaxRows: 1 << 30, MaxColumns: 1 << 30, MaxCellChars: 1 << 30, MaxEmptyRows: 1 << 30}
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, data []byte) {
		all, err := ReadCSVContext(ctx, bytes.NewReader(data), loose)
		got, terr := ReadCSVContext(ctx, bytes.NewReader(data), tight)
		if err != nil {
			if terr == nil {
				t.Fatalf("read within budgets, but not without: %v", err)
			}
			return
		}
		// The records as encoding/csv reads them.
		body := bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
		cr := csv.NewReader(bytes.NewReader(body))
		cr.Comma = detectDelimiter(headerLine(body[:min(len(body), 64<<10-3)]))
		cr.FieldsPerRecord = -1
		var fields, chars, raw, empty, end int
		for {
			rec, err := cr.Read()
			if err != nil {
				break
			}
			line, _ := cr.FieldPos(0)
			empty += line - end - 1
			last, _ := cr.FieldPos(len(rec) - 1)
			end = last + strings.Count(rec[len(rec)-1], "\n")
			fields = max(fields, len(rec))
			blank := true
			for _, c := range rec {
				raw = max(raw, len(c)+strings.Count(c, "\n")+1)
				chars = max(chars, utf8.RuneCountInString(clean(c)))
				blank = blank && clean(c) == ""
			}
			if blank {
				empty++
			}
		}
		if terr == nil {
			if !reflect.DeepEqual(got, all) {
				t.Fatalf("within budgets %+v, without %+v", got, all)
			}
			if fields > tight.MaxColumns || chars > tight.MaxCellChars || len(all.Rows) > tight.MaxRows || empty > tight.MaxEmptyRows {
				t.Fatalf("read within budgets: %d fields, %d characters, %d rows, %d empty", fields, chars, len(all.Rows), empty)
			}
			return
		}
		var le *LimitError
		if !errors.As(terr, &le) {
			t.Fatalf("within budgets: %v; without: no error", terr)
		}
		ok := false
		switch le.What {
		case "columns":
			ok = fields > tight.MaxColumns
		case "cell":
			ok = chars > tight.MaxCellChars || raw > maxFieldBytes(tight.MaxCellChars)
		case "rows":
			ok = len(all.Rows) > tight.MaxRows
		case "empty_rows":
			ok = empty > tight.MaxEmptyRows
		}
		if !ok {
			t.Fatalf("refused: %v, but %d fields, %d characters (%d bytes), %d rows, %d empty", terr, fields, chars, raw, len(all.Rows), empty)
		}
	})
}
