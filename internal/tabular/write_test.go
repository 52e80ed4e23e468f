package tabular

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestWriteCSV(t *testing.T) {
	var buf bytes.Buffer
	err := WriteCSV(&buf, []string{"Họ tên", "Ghi chú", "Số"}, [][]string{
		{"Nguyễn Văn A", "có dấu phẩy, và \"ngoặc\"", "1234,5"},
		{"=HYPERLINK(\"x\")", "-giảm", "-5"},
		{"@SUM(A1)", "+84 912", ""},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "\ufeffHọ tên,Ghi chú,Số\r\n" +
		"Nguyễn Văn A,\"có dấu phẩy, và \"\"ngoặc\"\"\",\"1234,5\"\r\n" +
		"\"'=HYPERLINK(\"\"x\"\")\",'-giảm,-5\r\n" +
		"'@SUM(A1),'+84 912,\r\n"
	if got := buf.String(); got != want {
		t.Errorf("WriteCSV =\n%q\nwant\n%q", got, want)
	}

	// What we write, we read back (apart from the defused cells).
	tab, err := ReadCSV(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if tab.Rows[0].Cells[1] != "có dấu phẩy, và \"ngoặc\"" || tab.Rows[1].Line != 3 {
		t.Errorf("read back %+v", tab.Rows)
	}
}

func TestXLSXRoundTrip(t *testing.T) {
	long := make([]string, 60)
	for i := range long {
		long[i] = fmt.Sprintf("Xã Phước Hòa Đông số %d", i+1)
	}
	cols := []Column{
		{Header: "Họ và tên", Width: 30, Comment: "Ghi đầy đủ họ tên"},
		{Header: "Ngày", Date: true},
		{Header: "Số người", Number: true},
		{Header: "Kinh phí", Number: true},
		{Header: "Hình thức", Choices: []string{"Hội nghị", "Tờ rơi", "Loa phát thanh"}},
		{Header: "Xã", Choices: long},
		{Header: "Đối tượng", Choices: []string{"Học sinh, sinh viên", "Ngư dân"}},
		{Header: "Mã"},
	}
	rows := [][]string{
		{"Nguyễn Thị Thuỷ", "2024-03-15", "1234.5", "1.234.567,5", "Hội nghị", long[59], "Ngư dân", "0012"},
		{"Trần Văn Đức", "5/3/2024", "12", "5000000", "Tờ rơi", "", "", "=1+1"},
		{},
		{"Lê Văn C", "không rõ", "nhiều", "-7", "", "", "", "", "ô thừa"},
	}
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, "Hoạt động", cols, rows); err != nil {
		t.Fatal(err)
	}

	tab, err := ReadXLSX(bytes.NewReader(buf.Bytes()), "")
	if err != nil {
		t.Fatal(err)
	}
	wantHeader := []string{"Họ và tên", "Ngày", "Số người", "Kinh phí", "Hình thức", "Xã", "Đối tượng", "Mã"}
	if !reflect.DeepEqual(tab.Header, wantHeader) {
		t.Errorf("header = %q", tab.Header)
	}
	wantRows := []Row{
		{Line: 2, Cells: []string{"Nguyễn Thị Thuỷ", "15/03/2024", "1234.5", "1234567.5", "Hội nghị", long[59], "Ngư dân", "0012"}},
		{Line: 3, Cells: []string{"Trần Văn Đức", "05/03/2024", "12", "5000000", "Tờ rơi", "", "", "=1+1"}},
		{Line: 5, Cells: []string{"Lê Văn C", "không rõ", "nhiều", "-7", "", "", "", "", "ô thừa"}},
	}
	if !reflect.DeepEqual(tab.Rows, wantRows) {
		t.Errorf("rows =\n%+v\nwant\n%+v", tab.Rows, wantRows)
	}

	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	const sheet = "Hoạt động"

	// Numbers are numeric cells (excelize writes them without a type
	// attribute, so their type reads as "unset"), text stays text.
	for cell, want := range map[string]excelize.CellType{
		"C2": excelize.CellTypeUnset, "D3": excelize.CellTypeUnset,
		"C5": excelize.CellTypeSharedString, "H2": excelize.CellTypeSharedString,
		"B2": excelize.CellTypeSharedString,
	} {
		if got, err := f.GetCellType(sheet, cell); err != nil || got != want {
			t.Errorf("type of %s = %v, %v; want %v", cell, got, err, want)
		}
	}
	if v, _ := f.GetCellValue(sheet, "D2", excelize.Options{RawCellValue: true}); v != "1234567.5" {
		t.Errorf("D2 raw = %q", v)
	}
	if v, _ := f.GetCellFormula(sheet, "H3"); v != "" {
		t.Errorf("H3 became a formula %q", v)
	}

	// Drop-down lists.
	dvs, err := f.GetDataValidations(sheet)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, dv := range dvs {
		if dv.Type != "list" {
			t.Errorf("validation %s has type %q", dv.Sqref, dv.Type)
		}
		got[dv.Sqref] = dv.Formula1
	}
	wantDV := map[string]string{
		"E2:E1001": `"Hội nghị,Tờ rơi,Loa phát thanh"`,
		"F2:F1001": "_lists!$A$1:$A$60",
		"G2:G1001": "_lists!$B$1:$B$2",
	}
	if !reflect.DeepEqual(got, wantDV) {
		t.Errorf("data validations = %q, want %q", got, wantDV)
	}
	if sheets := f.GetSheetList(); !reflect.DeepEqual(sheets, []string{sheet, ListSheet}) {
		t.Errorf("sheets = %q", sheets)
	}
	if visible, _ := f.GetSheetVisible(ListSheet); visible {
		t.Error("list sheet is visible")
	}
	lists, err := ReadXLSX(bytes.NewReader(buf.Bytes()), ListSheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(lists.Rows) != 59 || lists.Header[0] != long[0] || lists.Header[1] != "Học sinh, sinh viên" ||
		lists.Rows[58].Cells[0] != long[59] {
		t.Errorf("list sheet = %q / %d rows", lists.Header, len(lists.Rows))
	}

	// Header: bold, frozen, widths, note.
	styleID, _ := f.GetCellStyle(sheet, "B1")
	style, err := f.GetStyle(styleID)
	if err != nil || style.Font == nil || !style.Font.Bold {
		t.Errorf("header style = %+v, %v", style, err)
	}
	panes, _ := f.GetPanes(sheet)
	if !panes.Freeze || panes.YSplit != 1 || panes.XSplit != 0 {
		t.Errorf("panes = %+v", panes)
	}
	for col, want := range map[string]float64{"A": 30, "B": 10, "E": 11} {
		if w, _ := f.GetColWidth(sheet, col); w != want {
			t.Errorf("width of %s = %v, want %v", col, w, want)
		}
	}
	comments, _ := f.GetComments(sheet)
	if len(comments) != 1 || comments[0].Cell != "A1" || !strings.Contains(commentText(comments[0]), "Ghi đầy đủ họ tên") {
		t.Errorf("comments = %+v", comments)
	}
}

func commentText(c excelize.Comment) string {
	s := c.Text
	for _, p := range c.Paragraph {
		s += p.Text
	}
	return s
}

func TestWriteXLSXErrors(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, ListSheet, nil, nil); err == nil {
		t.Error("sheet named _lists accepted")
	}
	if err := WriteXLSX(&buf, "a/b:c", nil, nil); err == nil {
		t.Error("invalid sheet name accepted")
	}
	buf.Reset()
	if err := WriteXLSX(&buf, "", []Column{{Header: "x"}}, nil); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{"Sheet1"}) {
		t.Errorf("sheets = %q", got)
	}
}

// TestReadXLSXFormats checks how cells formatted in Excel come through.
func TestReadXLSXFormats(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	style := func(s *excelize.Style) int {
		id, err := f.NewStyle(s)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	custom := func(code string) int { return style(&excelize.Style{CustomNumFmt: &code}) }
	const sh = "Sheet1"
	type cell struct {
		value any
		style int
		want  string
	}
	cells := []cell{
		{"Tiêu đề", 0, "Tiêu đề"},
		{45366, style(&excelize.Style{NumFmt: 14}), "15/03/2024"}, // built-in short date
		{45366, custom("dd/mm/yyyy"), "15/03/2024"},
		{45366, custom("yyyy-mm-dd"), "2024-03-15"},
		{45366, custom("dd.mm.yyyy"), "45366"}, // not ours: the serial
		{45366.25, style(&excelize.Style{NumFmt: 22}), "15/03/2024 06:00"},
		{45366, 0, "45366"},
		{1234, style(&excelize.Style{NumFmt: 3}), "1234"},           // #,##0 would show "1,234"
		{1234567.5, style(&excelize.Style{NumFmt: 4}), "1234567.5"}, // #,##0.00
		{12.345, custom("0.0"), "12,345"},                           // a dot would mean 12345
		{12.3456, custom("0.000"), "12.3456"},                       // stored value, not the rounded display
		{0.5, style(&excelize.Style{NumFmt: 9}), "0.5"},             // 50%
		{0.1 + 0.2, style(&excelize.Style{NumFmt: 4}), "0.3"},       // 15 significant digits
		{1.0 / 3, 0, "0.333333333333333"},                           // General, as Excel shows it
		{1234.5, 0, "1234.5"},
		{true, 0, "TRUE"},
		{"12.345", 0, "12.345"}, // text stays text
	}
	for i, c := range cells {
		name, _ := excelize.CoordinatesToCellName(i+1, 3)
		if err := f.SetCellValue(sh, name, c.value); err != nil {
			t.Fatal(err)
		}
		if c.style != 0 {
			if err := f.SetCellStyle(sh, name, name, c.style); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Header on row 2 (row 1 empty), data on rows 3 and 7; row 5 blank.
	_ = f.SetCellValue(sh, "A2", "h")
	_ = f.SetCellValue(sh, "B7", "cuối")
	_ = f.SetCellValue(sh, "C5", "  ")
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	tab, err := ReadXLSX(&buf, sh)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(tab.Header, []string{"h"}) {
		t.Errorf("header = %q", tab.Header)
	}
	if len(tab.Rows) != 2 || tab.Rows[0].Line != 3 || tab.Rows[1].Line != 7 ||
		!reflect.DeepEqual(tab.Rows[1].Cells, []string{"", "cuối"}) {
		t.Fatalf("rows = %+v", tab.Rows)
	}
	for i, c := range cells {
		if got := tab.Rows[0].Cell(i); got != c.want {
			t.Errorf("cell %d (%v) = %q, want %q", i, c.value, got, c.want)
		}
	}
}

func TestReadXLSXErrors(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, "Dữ liệu", []Column{{Header: "x"}}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadXLSX(bytes.NewReader(buf.Bytes()), "Khác"); err == nil || !strings.Contains(err.Error(), "không có trang tính") {
		t.Errorf("missing sheet: err = %v", err)
	}
	if _, err := ReadXLSX(strings.NewReader("not a zip"), ""); err == nil || !strings.Contains(err.Error(), "không mở được") {
		t.Errorf("garbage: err = %v", err)
	}
	empty := excelize.NewFile()
	buf.Reset()
	_ = empty.Write(&buf)
	if _, err := ReadXLSX(&buf, ""); err == nil || !strings.Contains(err.Error(), "tệp trống") {
		t.Errorf("empty sheet: err = %v", err)
	}
}

func TestDefuse(t *testing.T) {
	for in, want := range map[string]string{
		"":          "",
		"   ":       "   ",
		"text":      "text",
		"a=b":       "a=b",
		"=1+1":      "'=1+1",
		" =1+1":     "' =1+1",
		"\u00a0=1":  "'\u00a0=1",
		"\t=cmd":    "'\t=cmd",
		"\r=cmd":    "'\r=cmd",
		"\n=cmd":    "'\n=cmd",
		"  +84 912": "'  +84 912",
		"+5":        "'+5",
		" @SUM(A1)": "' @SUM(A1)",
		"-giảm":     "'-giảm",
		" -x":       "' -x",
		"-":         "'-",
		"-5":        "-5",
		" -5":       " -5",
		"-1.234,5":  "-1.234,5",
		"-12.5":     "-12.5",
		"-5+1":      "'-5+1",
	} {
		if got := defuse(in); got != want {
			t.Errorf("defuse(%q) = %q, want %q", in, got, want)
		}
	}
}
