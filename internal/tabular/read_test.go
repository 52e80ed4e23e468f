package tabular

import (
	"reflect"
	"strings"
	"testing"
)

func TestReadCSV(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		header []string
		rows   []Row
	}{
		{
			name:   "BOM, semicolons, empty rows keep line numbers",
			in:     "\ufeffHọ tên;Ngày;Số người\r\n;;\r\n Nguyễn Văn A ; 15/03/2024 ;1.234\r\n\r\n\r\nTrần Thị B;16/03/2024;12\r\n",
			header: []string{"Họ tên", "Ngày", "Số người"},
			rows: []Row{
				{Line: 3, Cells: []string{"Nguyễn Văn A", "15/03/2024", "1.234"}},
				{Line: 6, Cells: []string{"Trần Thị B", "16/03/2024", "12"}},
			},
		},
		{
			name:   "comma without BOM, quoted delimiter and line break",
			in:     "a,b\n\"x, y\",\"dòng 1\ndòng 2\"\nz,w\n",
			header: []string{"a", "b"},
			rows: []Row{
				{Line: 2, Cells: []string{"x, y", "dòng 1\ndòng 2"}},
				{Line: 4, Cells: []string{"z", "w"}},
			},
		},
		{
			name:   "tab delimiter, ragged rows",
			in:     "a\tb\tc\n1\t2\n3\t4\t5\t6\n",
			header: []string{"a", "b", "c"},
			rows: []Row{
				{Line: 2, Cells: []string{"1", "2"}},
				{Line: 3, Cells: []string{"3", "4", "5", "6"}},
			},
		},
		{
			name:   "semicolon header whose quoted title contains commas",
			in:     "\"Tên, họ\";\"Địa chỉ, xã\";c\n1;2,5;3\n",
			header: []string{"Tên, họ", "Địa chỉ, xã", "c"},
			rows:   []Row{{Line: 2, Cells: []string{"1", "2,5", "3"}}},
		},
		{
			name:   "leading empty lines before the header",
			in:     "\n\nx\n1\n",
			header: []string{"x"},
			rows:   []Row{{Line: 4, Cells: []string{"1"}}},
		},
		{
			name:   "decomposed letters are normalised to NFC, NBSP trimmed",
			in:     "Tên\nThu\u0309y\u00a0\n",
			header: []string{"Tên"},
			rows:   []Row{{Line: 2, Cells: []string{"Thủy"}}},
		},
		{
			name:   "header only",
			in:     "a,b\r\n",
			header: []string{"a", "b"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab, err := ReadCSV(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(tab.Header, tt.header) {
				t.Errorf("header = %q, want %q", tab.Header, tt.header)
			}
			if !reflect.DeepEqual(tab.Rows, tt.rows) {
				t.Errorf("rows = %+v, want %+v", tab.Rows, tt.rows)
			}
		})
	}
}

func TestReadCSVErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string // substrings of the error
	}{
		{"invalid UTF-8 names the line", "a;b\n1;2\n\n3;Nguy\xe3n\n", []string{"dòng 4:", "UTF-8"}},
		{"invalid UTF-8 in header", "T\xean\n", []string{"dòng 1:", "UTF-8"}},
		{"invalid UTF-8 on the 2nd line of a quoted cell", "a\n\"ok\nb\xe0d\"\n", []string{"dòng 3:", "UTF-8"}},
		{"UTF-16", "\xff\xfea\x00", []string{"UTF-16"}},
		{"bare quote", "a,b\n1,x\"y\n", []string{"dòng 2", "ngoặc kép"}},
		{"unterminated quote", "a,b\n1,\"xy\n", []string{"dòng 2", "ngoặc kép"}},
		{"empty", "", []string{"tệp trống"}},
		{"only BOM and blank rows", "\ufeff\r\n;;\r\n", []string{"tệp trống"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadCSV(strings.NewReader(tt.in))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestReadCSVMaxRows(t *testing.T) {
	body := "n\n" + strings.Repeat("1\n", MaxRows)
	tab, err := ReadCSV(strings.NewReader(body))
	if err != nil {
		t.Fatalf("MaxRows rows: %v", err)
	}
	if len(tab.Rows) != MaxRows {
		t.Fatalf("got %d rows", len(tab.Rows))
	}
	_, err = ReadCSV(strings.NewReader(body + "1\n"))
	checkLimit(t, err, "rows", MaxRows+2, "dòng 200002: tệp có quá 200000 dòng dữ liệu")
}

func TestIndex(t *testing.T) {
	tab := &Table{Header: []string{"Họ và tên", "Ngày bắt đầu", "Số  người", "Ngày bắt đầu"}}
	tests := []struct {
		name string
		want int
	}{
		{"ngay bat dau", 1},
		{"NGÀY BẮT ĐẦU", 1},
		{"Ngày bắt đầu", 1},
		{"ho va ten", 0},
		{" số người ", 2},
		{"ngày kết thúc", -1},
		{"", -1},
	}
	for _, tt := range tests {
		if got := tab.Index(tt.name); got != tt.want {
			t.Errorf("Index(%q) = %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestRowCell(t *testing.T) {
	r := Row{Line: 2, Cells: []string{"a", "b"}}
	for i, want := range map[int]string{-1: "", 0: "a", 1: "b", 2: ""} {
		if got := r.Cell(i); got != want {
			t.Errorf("Cell(%d) = %q, want %q", i, got, want)
		}
	}
}

func TestReadDispatch(t *testing.T) {
	var xlsx strings.Builder
	if err := WriteXLSX(&xlsx, "", []Column{{Header: "x"}}, [][]string{{"1"}}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, body, errPart string
	}{
		{"data.csv", "x\n1\n", ""},
		{"C:/Users/cb/Báo cáo.CSV", "x\n1\n", ""},
		{"mẫu.xlsx", xlsx.String(), ""},
		{"MAU.XLSX", xlsx.String(), ""},
		{"old.xls", "", ".xls"},
		{"notes.txt", "", ".txt"},
		{"noext", "", "phần mở rộng"},
		{"fake.xlsx", "x\n1\n", "không mở được tệp Excel"},
	}
	for _, tt := range tests {
		tab, err := Read(tt.name, strings.NewReader(tt.body))
		if tt.errPart != "" {
			if err == nil || !strings.Contains(err.Error(), tt.errPart) {
				t.Errorf("Read(%q) err = %v, want it to contain %q", tt.name, err, tt.errPart)
			}
			continue
		}
		if err != nil {
			t.Errorf("Read(%q): %v", tt.name, err)
			continue
		}
		want := &Table{Header: []string{"x"}, Rows: []Row{{Line: 2, Cells: []string{"1"}}}}
		if !reflect.DeepEqual(tab, want) {
			t.Errorf("Read(%q) = %+v, want %+v", tt.name, tab, want)
		}
	}
}
