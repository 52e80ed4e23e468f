package document

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"
)

// xlsxOpen writes d and reads the workbook back.
func xlsxOpen(t *testing.T, d *Document) *excelize.File {
	t.Helper()
	var buf bytes.Buffer
	if err := d.WriteXLSX(&buf); err != nil {
		t.Fatalf("WriteXLSX: %v", err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("OpenReader: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestWriteXLSX(t *testing.T) {
	d := sample()
	if dir := os.Getenv("XLSX_OUT"); dir != "" { // for looking at the file
		var buf bytes.Buffer
		if err := d.WriteXLSX(&buf); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "sample.xlsx"), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f := xlsxOpen(t, d)

	const channel, targets = "Hoạt động theo hình thức", "Chỉ tiêu của Kế hoạch"
	if got, want := f.GetSheetList(), []string{"Thông tin", channel, targets}; !slices.Equal(got, want) {
		t.Fatalf("sheets = %q, want %q", got, want)
	}

	// The info sheet: identity rows and every paragraph.
	rows, err := f.GetRows("Thông tin")
	if err != nil {
		t.Fatal(err)
	}
	info := map[string]string{}
	var texts []string
	for _, r := range rows {
		if len(r) >= 2 {
			info[r[0]] = r[1]
			texts = append(texts, r[1])
		}
	}
	for label, want := range map[string]string{
		"Cơ quan": "UBND TỈNH BẮC KẠN – SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
		"Số":      "…/BC-STTTT",
		"Ngày":    "Bắc Kạn, ngày 18 tháng 12 năm 2019",
		"Báo cáo": d.Summary,
	} {
		if info[label] != want {
			t.Errorf("info %q = %q, want %q", label, info[label], want)
		}
	}
	for _, s := range d.Sections {
		if !slices.Contains(texts, s.Heading) {
			t.Errorf("info sheet lacks heading %q", s.Heading)
		}
		for _, b := range s.Blocks {
			if b.Text != "" && !slices.Contains(texts, b.Text) {
				t.Errorf("info sheet lacks paragraph %q", b.Text)
			}
		}
	}

	// Caption and headers.
	xlsxWant(t, f, channel, "A1", channel)
	for cell, want := range map[string]string{"A3": "TT", "B3": "Hình thức", "C3": "Số hoạt động", "D3": "Kinh phí (đồng)"} {
		xlsxWant(t, f, channel, cell, want)
	}
	xlsxWant(t, f, targets, "A3", "Chỉ tiêu")
	xlsxWant(t, f, targets, "D3", "Đánh giá")
	if s, _ := f.GetCellStyle(channel, "C3"); !xlsxBold(t, f, s) {
		t.Errorf("header C3 not bold")
	}

	// Numbers are numbers, with a thousands format; text is text.
	for _, c := range []struct{ cell, raw, shown string }{
		{"C4", "10", "10"}, {"D8", "6250000", "6,250,000"}, {"A4", "1", "1"},
	} {
		typ, err := f.GetCellType(channel, c.cell)
		if err != nil {
			t.Fatal(err)
		}
		if typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Errorf("%s type = %v, want a number", c.cell, typ)
		}
		xlsxWantRaw(t, f, channel, c.cell, c.raw)
		xlsxWant(t, f, channel, c.cell, c.shown)
	}
	if typ, _ := f.GetCellType(channel, "B4"); typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
		t.Errorf("B4 type = %v, want text", typ)
	}
	xlsxWant(t, f, channel, "B4", "Truyền thông trên báo chí")
	xlsxWantRaw(t, f, targets, "B4", "81.48")
	xlsxWant(t, f, targets, "B4", "81.5") // "#,##0.0"
	xlsxWant(t, f, targets, "B5", "không áp dụng")
	if typ, _ := f.GetCellType(targets, "B5"); typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset {
		t.Errorf("targets B5 type = %v, want text", typ)
	}

	// The total row: label, SUM formulas that calculate to the sums.
	xlsxWant(t, f, channel, "A9", TotalLabel)
	for cell, want := range map[string]struct{ formula, value string }{
		"C9": {"SUM(C4:C8)", "150"},
		"D9": {"SUM(D4:D8)", "18750000"},
	} {
		formula, err := f.GetCellFormula(channel, cell)
		if err != nil || formula != want.formula {
			t.Errorf("%s formula = %q, %v; want %q", cell, formula, err, want.formula)
		}
		v, err := f.CalcCellValue(channel, cell, excelize.Options{RawCellValue: true})
		if err != nil || v != want.value {
			t.Errorf("%s = %q, %v; want %s", cell, v, err, want.value)
		}
	}
	if s, _ := f.GetCellStyle(channel, "C9"); !xlsxBold(t, f, s) {
		t.Errorf("total C9 not bold")
	}
	if f, _ := f.GetCellFormula(channel, "B9"); f != "" {
		t.Errorf("B9 (not summed) has formula %q", f)
	}
	// The targets table has no total.
	if v, _ := f.GetCellValue(targets, "A6"); v != "" {
		t.Errorf("targets A6 = %q, want no total row", v)
	}

	// The header row is frozen.
	panes, err := f.GetPanes(channel)
	if err != nil || !panes.Freeze || panes.YSplit != 3 {
		t.Errorf("panes = %+v, %v; want frozen at row 3", panes, err)
	}

	props, err := f.GetDocProps()
	if err != nil || props.Title != d.Title || props.Created != "2019-12-18T09:30:00Z" {
		t.Errorf("props = %+v, %v", props, err)
	}
}

func TestXLSXSheetNames(t *testing.T) {
	long := "Kết quả thực hiện các chỉ tiêu/nhiệm vụ năm 2019: tổng hợp [theo huyện]"
	d := &Document{Sections: []Section{{Blocks: []Block{
		{Table: &Table{Name: long, Columns: []Column{{Header: "A"}}}},
		{Table: &Table{Name: long, Columns: []Column{{Header: "A"}}}},
		{Table: &Table{Name: "Thông tin", Columns: []Column{{Header: "A"}}}},
		{Table: &Table{Name: "'a/b?'", Columns: []Column{{Header: "A"}}}},
		{Table: &Table{Name: "[]*", Columns: []Column{{Header: "A"}}}},
	}}}}
	f := xlsxOpen(t, d)
	got := f.GetSheetList()
	want := []string{
		"Thông tin",
		"Kết quả thực hiện các chỉ tiêun", // "/" removed, cut at 31
		"Kết quả thực hiện các chỉ t (2)",
		"Thông tin (2)",
		"ab",
		"Bảng 5",
	}
	if !slices.Equal(got, want) {
		t.Errorf("sheets = %q\nwant %q", got, want)
	}
	seen := map[string]bool{}
	for _, s := range got {
		if n := len(utf16.Encode([]rune(s))); n > 31 {
			t.Errorf("sheet %q is %d long", s, n)
		}
		if strings.ContainsAny(s, `:\/?*[]`) {
			t.Errorf("sheet %q has an invalid character", s)
		}
		if seen[strings.ToLower(s)] {
			t.Errorf("sheet %q twice", s)
		}
		seen[strings.ToLower(s)] = true
	}
	// Each table's caption is its full name.
	xlsxWant(t, f, got[2], "A1", long)
}

func TestXLSXSheetNameCut(t *testing.T) {
	used := map[string]bool{}
	// Vietnamese letters are one UTF-16 unit each; an emoji is two.
	name := strings.Repeat("ệ", 30) + "😀"
	if got := xlsxSheetName(name, 1, used); got != strings.Repeat("ệ", 30) {
		t.Errorf("cut = %q", got)
	}
	if got := xlsxSheetName(strings.Repeat("ệ", 30), 2, used); got != strings.Repeat("ệ", 27)+" (2)" {
		t.Errorf("second = %q", got)
	}
}

func xlsxWant(t *testing.T, f *excelize.File, sheet, cell, want string) {
	t.Helper()
	if got, err := f.GetCellValue(sheet, cell); err != nil || got != want {
		t.Errorf("%s!%s = %q, %v; want %q", sheet, cell, got, err, want)
	}
}

func xlsxWantRaw(t *testing.T, f *excelize.File, sheet, cell, want string) {
	t.Helper()
	if got, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true}); err != nil || got != want {
		t.Errorf("%s!%s raw = %q, %v; want %q", sheet, cell, got, err, want)
	}
}

func xlsxBold(t *testing.T, f *excelize.File, id int) bool {
	t.Helper()
	s, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	return s.Font != nil && s.Font.Bold
}
