package document

import (
	"bufio"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
)

// csvBOM starts the file so that Excel reads it as UTF-8 and keeps the
// Vietnamese letters.
const csvBOM = "\uFEFF"

// WriteCSV writes the document's tables as one CSV file: UTF-8 with a BOM,
// comma-separated, CRLF line ends. The first line is the report's summary;
// then, for each table in document order and after an empty line, a line
// with the table's name, the header line, the rows and, when the table has
// Total, the total row (computed with Table.Totals). Numbers are written
// plain, with a dot decimal and no thousands separator ("1234.5"), so that
// any program reads them back.
//
// A text cell whose first character other than white space is "=", "+",
// "-" or "@" (or that starts with a tab or a carriage return) is prefixed
// with an apostrophe, so that a spreadsheet opening the file does not run
// it as a formula; a lone "-" and plain negative numbers ("-5") are not.
func (d *Document) WriteCSV(w io.Writer) error {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString(csvBOM); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	if err := cw.Write([]string{csvText(d.Summary)}); err != nil {
		return err
	}
	for _, s := range d.Sections {
		for _, b := range s.Blocks {
			if b.Table == nil {
				continue
			}
			if err := cw.Write(nil); err != nil { // an empty line
				return err
			}
			if err := csvTable(cw, b.Table); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// csvTable writes one table: its name, headers, rows and total.
func csvTable(cw *csv.Writer, t *Table) error {
	if err := cw.Write([]string{csvText(t.Name)}); err != nil {
		return err
	}
	header := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		header[i] = csvText(c.Header)
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	decimals := make([]int, len(t.Columns))
	for _, r := range t.Rows {
		rec := make([]string, len(r))
		for i, c := range r {
			rec[i] = csvCell(c)
			if c.IsNum && i < len(decimals) {
				decimals[i] = max(decimals[i], c.Decimals)
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	if !t.Total || len(t.Columns) == 0 {
		return nil
	}
	sums, ok := t.Totals()
	rec := make([]string, len(t.Columns))
	label := 0
	for i, c := range t.Columns {
		if !c.Numeric {
			label = i
			break
		}
	}
	rec[label] = TotalLabel
	for i := range rec {
		if ok[i] {
			rec[i] = csvNumber(sums[i], decimals[i])
		}
	}
	return cw.Write(rec)
}

// csvCell writes a cell: a number plainly, text guarded against formulas.
func csvCell(c Cell) string {
	if c.IsNum {
		return csvNumber(c.Num, c.Decimals)
	}
	return csvText(c.Text)
}

// csvNumber writes v with the decimals, a dot and no separators.
func csvNumber(v float64, decimals int) string {
	s := strconv.FormatFloat(v, 'f', max(decimals, 0), 64)
	if strings.Trim(s, "-0.") == "" {
		s = strings.TrimPrefix(s, "-") // no "-0"
	}
	return s
}

// csvText prefixes an apostrophe to text a spreadsheet would take for a
// formula: text beginning with a tab or a carriage return, or whose first
// character other than white space is "=", "+", "@" or "-" (some
// spreadsheets drop leading spaces before looking for a formula). A lone
// "-" (a blank mark) and plain negative numbers ("-5", "-1.234,5") are left
// alone.
func csvText(s string) string {
	if s == "" {
		return s
	}
	if s[0] == '\t' || s[0] == '\r' {
		return "'" + s
	}
	t := strings.TrimSpace(s)
	if t == "" || t == "-" || !strings.ContainsRune("=+-@", rune(t[0])) {
		return s
	}
	if t[0] == '-' && plainNumber(t[1:]) {
		return s
	}
	return "'" + s
}

// plainNumber reports whether s is digits, possibly grouped or with a
// decimal part by dots, commas or spaces ("5", "1.234,5", "1 234"), starting
// and ending with a digit.
func plainNumber(s string) bool {
	if s == "" || !isDigit(s[0]) || !isDigit(s[len(s)-1]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isDigit(c) && c != '.' && c != ',' && c != ' ' {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
