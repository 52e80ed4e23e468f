// Package document holds an administrative document — a report laid out as
// Decree 30/2020/NĐ-CP, Annex I, requires — as data, and writes it as DOCX,
// PDF, XLSX and CSV. The reports package fills a Document from the store;
// the writers here know nothing about plans or agencies, only about the
// layout of a Vietnamese administrative text.
package document

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Document is one administrative report.
type Document struct {
	// Parent is the body the issuing agency belongs to (cơ quan chủ quản),
	// e.g. "UBND TỈNH BẮC KẠN"; empty when there is none. Written in
	// capitals, regular weight, above the agency's name.
	Parent string
	// Agency is the issuing agency's name (tên cơ quan ban hành), written
	// in capitals, bold, with a short rule under it.
	Agency string
	// Number is the whole number line, e.g. "Số: 125/BC-STTTT" or, while
	// the report has no number yet, "Số: …/BC-STTTT".
	Number string
	// Place is the place name of the date line, e.g. "Bắc Kạn".
	Place string
	// Date is the report's date; the zero time writes the blank form
	// "ngày … tháng … năm …".
	Date time.Time
	// Kind is the type of document in capitals: "BÁO CÁO".
	Kind string
	// Summary is the line under Kind that says what the report is about
	// (trích yếu), bold.
	Summary string
	// Sections are the body, in order.
	Sections []Section
	// SignerTitle is the signer's capacity, one line per element, e.g.
	// ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]; bold capitals.
	SignerTitle []string
	// SignerName is the signer's full name, bold, under the space for the
	// signature; empty leaves the space only.
	SignerName string
	// Recipients is the "Nơi nhận:" list, each line as written
	// ("- Như trên;", "- Lưu: VT.").
	Recipients []string
	// Draft, when set, is printed as a watermark-like note at the top of
	// the first page ("DỰ THẢO"), for reports not yet submitted.
	Draft string
	// Title is the file's metadata title (DOCX core properties, PDF Title).
	Title string
	// Created is the time written into the file's metadata; tests fix it
	// so that output is byte-for-byte reproducible.
	Created time.Time
}

// Section is a part of the body: a heading and its blocks.
type Section struct {
	// Heading is written bold, e.g. "I. KẾT QUẢ THỰC HIỆN"; empty for none.
	Heading string
	Blocks  []Block
}

// Block is a paragraph, a table, or both (a paragraph introducing a table
// is better written as two blocks).
type Block struct {
	// Text is a body paragraph: justified, first-line indent. A paragraph
	// starting with "- " or "+ " is a list item and is written as is.
	Text string
	// Subheading is a bold (or bold italic) line such as "1. Kết quả…".
	Subheading string
	// Table is a data table.
	Table *Table
}

// Table is a data table. Its columns say which are numbers; numeric
// cells are right-aligned and written as numbers in XLSX.
type Table struct {
	// Name is the table's caption, also the XLSX sheet name (shortened to
	// 31 characters) and the CSV section title.
	Name    string
	Columns []Column
	Rows    [][]Cell
	// Total adds a last row "Tổng cộng" summing every numeric column with
	// Sum set: computed in DOCX, PDF and CSV, a SUM formula in XLSX.
	Total bool
}

// Column is a table column.
type Column struct {
	Header  string
	Numeric bool
	// Sum marks a numeric column the total row adds up (a percentage
	// column is numeric but not summed).
	Sum bool
	// Width is the column's relative width (0 means 1).
	Width float64
}

// Cell is a table cell: text, or a number when the column is numeric.
type Cell struct {
	Text string
	Num  float64
	// IsNum marks a numeric value; a numeric column's cell without it is
	// blank or text ("—", "không áp dụng").
	IsNum bool
	// Decimals is how many decimals a number is written with (0 for counts).
	Decimals int
}

// Text returns a text cell.
func Text(s string) Cell { return Cell{Text: s} }

// Int returns a whole-number cell.
func Int(n int64) Cell { return Cell{Num: float64(n), IsNum: true} }

// Num returns a number cell written with the decimals.
func Num(v float64, decimals int) Cell { return Cell{Num: v, IsNum: true, Decimals: decimals} }

// Totals returns the total row's values: for each column, the sum of its
// numeric cells when the column has Sum set, otherwise ok is false.
func (t *Table) Totals() (sums []float64, ok []bool) {
	sums, ok = make([]float64, len(t.Columns)), make([]bool, len(t.Columns))
	for i, c := range t.Columns {
		if !c.Sum {
			continue
		}
		ok[i] = true
		for _, r := range t.Rows {
			if i < len(r) && r[i].IsNum {
				sums[i] += r[i].Num
			}
		}
	}
	return sums, ok
}

// TotalLabel is the first cell of a total row.
const TotalLabel = "Tổng cộng"

// Format writes a cell as Vietnamese documents do: thousands separated by
// dots, decimals after a comma ("1.234.567", "12,5").
func (c Cell) Format() string {
	if !c.IsNum {
		return c.Text
	}
	return FormatNumber(c.Num, c.Decimals)
}

// FormatNumber writes v with the decimals, Vietnamese style.
func FormatNumber(v float64, decimals int) string {
	neg := v < 0
	if neg {
		v = -v
	}
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteByte(',')
		b.WriteString(frac)
	}
	return b.String()
}

// DateLine is the place and date line: "Bắc Kạn, ngày 05 tháng 02 năm
// 2019". Decree 30/2020 writes days below 10 and the months 1 and 2 with a
// leading zero; the zero time gives the blank form to fill by hand.
func (d *Document) DateLine() string {
	if d.Date.IsZero() {
		return d.Place + ", ngày … tháng … năm …"
	}
	day := strconv.Itoa(d.Date.Day())
	if d.Date.Day() < 10 {
		day = "0" + day
	}
	month := strconv.Itoa(int(d.Date.Month()))
	if d.Date.Month() <= 2 {
		month = "0" + month
	}
	return fmt.Sprintf("%s, ngày %s tháng %s năm %d", d.Place, day, month, d.Date.Year())
}
