package tabular

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// WriteCSV writes header and rows as CSV for Excel: UTF-8 with a byte order
// mark (without it Excel misreads Vietnamese letters), comma delimiter and
// CRLF line ends.
//
// To prevent formula injection when the file is opened in a spreadsheet, a
// cell beginning with a tab or a carriage return, or whose first character
// other than white space is '=', '+', '@', or '-' when the cell is not a
// number, is written with a leading apostrophe ("=1+1" becomes "'=1+1" and
// " =1+1" becomes "' =1+1"); negative numbers such as "-5" and "-1.234,5"
// are kept as they are.
func WriteCSV(w io.Writer, header []string, rows [][]string) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	rec := make([]string, 0, len(header))
	write := func(cells []string) error {
		rec = rec[:0]
		for _, c := range cells {
			rec = append(rec, defuse(c))
		}
		return cw.Write(rec)
	}
	if err := write(header); err != nil {
		return err
	}
	for _, r := range rows {
		if err := write(r); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// defuse prefixes cells that a spreadsheet would run as a formula: those
// beginning with a tab or a carriage return, and those whose first
// character other than white space is '=', '+', '@', or '-' when the cell
// is not a number (some spreadsheets drop leading spaces before looking
// for a formula).
func defuse(c string) string {
	if c == "" {
		return c
	}
	if c[0] == '\t' || c[0] == '\r' {
		return "'" + c
	}
	s := strings.TrimLeftFunc(c, unicode.IsSpace)
	if s == "" {
		return c
	}
	switch s[0] {
	case '=', '+', '@':
		return "'" + c
	case '-':
		if _, err := ParseNumber(c); err != nil {
			return "'" + c
		}
	}
	return c
}

// Column describes one column of a sheet written by WriteXLSX.
type Column struct {
	// Header is the title written in row 1.
	Header string
	// Width is the column width in Excel character units; 0 picks a width
	// from the header length (at least 10).
	Width float64
	// Choices, when non-empty, adds a drop-down list (data validation) to
	// the column's data cells; values outside the list are refused by Excel.
	Choices []string
	// Number writes cells that ParseNumber accepts as numeric cells, so
	// that Excel can sum them. Other cells are written as text.
	Number bool
	// Date writes cells that ParseDate accepts as the text dd/mm/yyyy
	// (text, not an Excel date, so no locale can reinterpret it). Other
	// cells are written as they are.
	Date bool
	// Comment, when non-empty, is attached to the header cell as a note.
	Comment string
}

// ListSheet is the name of the hidden sheet where WriteXLSX stores drop-down
// lists too long (or with items containing commas or quotes) to be written
// inline in the data validation.
const ListSheet = "_lists"

// validationRows is the minimum number of data rows covered by drop-down
// lists, so that a template has room to be filled in.
const validationRows = 1000

// WriteXLSX writes one worksheet named sheet ("Sheet1" when empty) with the
// given columns and rows, in a form meant both for exports and for import
// templates:
//
//   - the header row is bold and frozen, columns get their widths and a
//     header note from Column.Comment;
//   - in Number columns, cells that ParseNumber accepts are numeric cells
//     (General format, so 1234.5 reads back as "1234.5"), except numbers
//     such as 12.345 that would read back as 12345, written as the text
//     "12,345";
//   - in Date columns, cells that ParseDate accepts are written as the text
//     dd/mm/yyyy;
//   - every other cell is text, and text columns (all but Number columns)
//     are formatted as Text ("@") as a whole, so that what a user later
//     types there (dates, codes with leading zeros) is kept as typed;
//   - a column with Choices gets a drop-down list on rows 2 to
//     max(1001, last row). A list whose items joined by commas exceed 255
//     characters, or whose items contain a comma or a double quote, is
//     stored in a column of the hidden sheet ListSheet and referenced from
//     there.
//
// Rows may have more cells than there are columns; extra cells are written
// as text under no header.
func WriteXLSX(w io.Writer, sheet string, cols []Column, rows [][]string) error {
	if sheet == "" {
		sheet = "Sheet1"
	}
	if sheet == ListSheet {
		return fmt.Errorf("tên trang tính %q được dành riêng", ListSheet)
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("tên trang tính không hợp lệ %q: %w", sheet, err)
	}

	bold, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
	})
	if err != nil {
		return err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@"
	if err != nil {
		return err
	}

	lastRow := max(len(rows)+1, validationRows+1)
	lists := 0 // columns used on ListSheet
	for i, c := range cols {
		name, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			return err
		}
		if !c.Number { // before SetColWidth: SetColStyle resets the width
			if err := f.SetColStyle(sheet, name, text); err != nil {
				return err
			}
		}
		width := c.Width
		if width <= 0 {
			width = max(10, float64(utf8.RuneCountInString(c.Header))+2)
		}
		if err := f.SetColWidth(sheet, name, name, width); err != nil {
			return err
		}
		if err := f.SetCellStr(sheet, name+"1", c.Header); err != nil {
			return err
		}
		if c.Comment != "" {
			if err := f.AddComment(sheet, excelize.Comment{
				Cell:      name + "1",
				Paragraph: []excelize.RichTextRun{{Text: c.Comment}},
			}); err != nil {
				return err
			}
		}
		if len(c.Choices) > 0 {
			dv := excelize.NewDataValidation(true)
			dv.Sqref = fmt.Sprintf("%s2:%s%d", name, name, lastRow)
			dv.SetError(excelize.DataValidationErrorStyleStop, "Giá trị không hợp lệ",
				"Hãy chọn một giá trị trong danh sách.")
			if inlineList(c.Choices) {
				err = dv.SetDropList(c.Choices)
			} else {
				err = errors.New("long list")
			}
			if err != nil {
				if lists == 0 {
					if _, err := f.NewSheet(ListSheet); err != nil {
						return err
					}
					if err := f.SetSheetVisible(ListSheet, false); err != nil {
						return err
					}
				}
				lists++
				ref, err := writeList(f, lists, c.Choices)
				if err != nil {
					return err
				}
				dv.SetSqrefDropList(ref)
			}
			if err := f.AddDataValidation(sheet, dv); err != nil {
				return err
			}
		}
	}
	if len(cols) > 0 {
		last, _ := excelize.ColumnNumberToName(len(cols))
		if err := f.SetCellStyle(sheet, "A1", last+"1", bold); err != nil {
			return err
		}
	}
	if err := f.SetPanes(sheet, &excelize.Panes{
		Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
	}); err != nil {
		return err
	}

	for r, row := range rows {
		for c, v := range row {
			if v == "" {
				continue
			}
			cell, err := excelize.CoordinatesToCellName(c+1, r+2)
			if err != nil {
				return err
			}
			var col Column
			if c < len(cols) {
				col = cols[c]
			}
			switch {
			case col.Number:
				if n, err := ParseNumber(v); err == nil {
					// In the General format 12.345 reads back as
					// "12.345", which ParseNumber takes for 12345:
					// such a number is written as text "12,345".
					plain := strconv.FormatFloat(n, 'f', -1, 64)
					if back, err := ParseNumber(plain); err != nil || back != n {
						v = strings.Replace(plain, ".", ",", 1)
						break
					}
					err = f.SetCellFloat(sheet, cell, n, -1, 64)
					if err != nil {
						return err
					}
					continue
				}
			case col.Date:
				v = FormatDate(v)
			}
			if err := f.SetCellStr(sheet, cell, v); err != nil {
				return err
			}
		}
	}
	return f.Write(w)
}

// inlineList reports whether choices can be written directly in a data
// validation formula: items separated by commas, so no item may contain a
// comma or a quote. The 255-character limit is checked by excelize.
func inlineList(choices []string) bool {
	for _, c := range choices {
		if strings.ContainsAny(c, `,"`) {
			return false
		}
	}
	return true
}

// writeList stores choices in column n of ListSheet and returns the absolute
// reference of that range.
func writeList(f *excelize.File, n int, choices []string) (string, error) {
	name, err := excelize.ColumnNumberToName(n)
	if err != nil {
		return "", err
	}
	for i, c := range choices {
		if err := f.SetCellStr(ListSheet, fmt.Sprintf("%s%d", name, i+1), c); err != nil {
			return "", err
		}
	}
	return fmt.Sprintf("%s!$%s$1:$%s$%d", ListSheet, name, name, len(choices)), nil
}
