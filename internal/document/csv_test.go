package document

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"
)

func TestWriteCSV(t *testing.T) {
	d := sample()
	var buf bytes.Buffer
	if err := d.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	if !bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) {
		t.Fatalf("no BOM: % x", data[:min(len(data), 8)])
	}
	r := csv.NewReader(bytes.NewReader(data[3:]))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{d.Summary},
		{"Hoạt động theo hình thức"},
		{"TT", "Hình thức", "Số hoạt động", "Kinh phí (đồng)"},
		{"1", "Truyền thông trên báo chí", "10", "1250000"},
		{"2", "Hội nghị, tọa đàm", "20", "2500000"},
		{"3", "Tài liệu, tờ gấp", "30", "3750000"},
		{"4", "Loa truyền thanh cơ sở", "40", "5000000"},
		{"5", "Thi tìm hiểu", "50", "6250000"},
		{TotalLabel, "", "150", "18750000"},
		{"Chỉ tiêu của Kế hoạch"},
		{"Chỉ tiêu", "Kết quả", "Mốc", "Đánh giá"},
		{"Tỷ lệ xã được cung cấp tài liệu", "81.5", "≥ 75 %", "Đạt"},
		{"Tỷ lệ xã trọng điểm có mô hình", "không áp dụng", "≥ 30 %", "—"},
	}
	if len(recs) != len(want) {
		t.Fatalf("%d records, want %d:\n%q", len(recs), len(want), recs)
	}
	for i := range want {
		if !slices.Equal(recs[i], want[i]) {
			t.Errorf("record %d = %q, want %q", i, recs[i], want[i])
		}
	}
	// An empty line before each table.
	text := string(data)
	for _, name := range []string{"Hoạt động theo hình thức", "Chỉ tiêu của Kế hoạch"} {
		if !strings.Contains(text, "\r\n\r\n"+name+"\r\n") {
			t.Errorf("no empty line before %q", name)
		}
	}
}

func TestCSVNumbers(t *testing.T) {
	d := &Document{Summary: "=cmd", Sections: []Section{{Blocks: []Block{{Table: &Table{
		Name:    "Số liệu",
		Columns: []Column{{Header: "Tên"}, {Header: "Giá trị", Numeric: true, Sum: true}, {Header: "Tỷ lệ", Numeric: true}},
		Rows: [][]Cell{
			{Text("+a"), Num(1234.5, 1), Num(12.345, 2)},
			{Text("-"), Num(-0.04, 1), Text("—")},
			{Text("b"), Int(1000000), Num(1, 0)},
		},
		Total: true,
	}}}}}}
	var buf bytes.Buffer
	if err := d.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\uFEFF"))))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"'=cmd"},
		{"Số liệu"},
		{"Tên", "Giá trị", "Tỷ lệ"},
		{"'+a", "1234.5", "12.35"}, // FormatFloat rounds 12.345 (stored as 12.3449…) to even
		{"-", "0.0", "—"},          // -0.04 with one decimal: no "-0.0"
		{"b", "1000000", "1"},
		{TotalLabel, "1001234.5", ""},
	}
	if !slices.EqualFunc(recs, want, slices.Equal) {
		t.Errorf("records = %q\nwant %q", recs, want)
	}
}

func TestCSVText(t *testing.T) {
	for in, want := range map[string]string{
		"":            "",
		"-":           "-",
		" - ":         " - ",
		"—":           "—",
		"text":        "text",
		"a=b":         "a=b",
		"=1+1":        "'=1+1",
		" =1+1":       "' =1+1",
		"\t=cmd":      "'\t=cmd",
		"\r=cmd":      "'\r=cmd",
		"\n @SUM(A1)": "'\n @SUM(A1)",
		"+84 912":     "'+84 912",
		"  +1":        "'  +1",
		"@x":          "'@x",
		"-x":          "'-x",
		" -giảm":      "' -giảm",
		"-5":          "-5",
		" -5":         " -5",
		"-1.234,5":    "-1.234,5",
		"-0.04":       "-0.04",
		"-1 234":      "-1 234",
		"-5+1":        "'-5+1",
		"-1e5":        "'-1e5",
		"-5,":         "'-5,",
	} {
		if got := csvText(in); got != want {
			t.Errorf("csvText(%q) = %q, want %q", in, got, want)
		}
	}
}
