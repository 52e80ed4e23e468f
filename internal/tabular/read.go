package tabular

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Table is the content of a spreadsheet-like file: a header row and the
// non-empty data rows below it.
type Table struct {
	// Header holds the trimmed column titles from the first non-empty row.
	Header []string
	// Rows holds the data rows in file order. Fully empty rows are
	// omitted; Row.Line keeps the original numbering.
	Rows []Row
}

// Row is one data row of a Table.
type Row struct {
	// Line is the 1-based line (CSV) or row (XLSX) number the user sees in
	// a text editor or in Excel; the header is normally line 1. For a CSV
	// record spanning several lines (a quoted cell with line breaks) it is
	// the line where the record starts.
	Line int
	// Cells holds the trimmed, NFC-normalised cell texts. Rows may be
	// shorter or longer than the header: XLSX omits trailing empty cells.
	Cells []string
}

// Cell returns the i-th cell of the row, or "" when the row has no such
// cell (for example a trailing empty cell omitted by XLSX).
func (r Row) Cell(i int) string {
	if i < 0 || i >= len(r.Cells) {
		return ""
	}
	return r.Cells[i]
}

// Index returns the position of the column whose header matches name,
// ignoring case, diacritics and extra spaces (see Fold), so "Ngày bắt đầu"
// matches "ngay bat dau". It returns -1 when no column matches; when several
// do, the first wins.
func (t *Table) Index(name string) int {
	want := Fold(name)
	for i, h := range t.Header {
		if Fold(h) == want {
			return i
		}
	}
	return -1
}

// Read is ReadContext without a deadline and with DefaultLimits.
func Read(name string, r io.Reader) (*Table, error) {
	return ReadContext(context.Background(), name, r, DefaultLimits())
}

// ReadContext reads a table from r, choosing the format from the extension
// of the file name (case-insensitive): ".csv" uses ReadCSVContext and
// ".xlsx" uses ReadXLSXContext on the first visible sheet. Any other
// extension is an error.
//
// The read keeps within lim (a *LimitError otherwise) and stops with an
// error wrapping ctx.Err() when ctx ends.
func ReadContext(ctx context.Context, name string, r io.Reader, lim Limits) (*Table, error) {
	switch ext := strings.ToLower(filepath.Ext(name)); ext {
	case ".csv":
		return ReadCSVContext(ctx, r, lim)
	case ".xlsx":
		return ReadXLSXContext(ctx, r, "", lim)
	case ".xls":
		return nil, errors.New("định dạng .xls (Excel 97–2003) không được hỗ trợ: hãy mở tệp trong Excel và lưu lại dưới dạng .xlsx")
	case "":
		return nil, fmt.Errorf("tệp %q không có phần mở rộng: chỉ nhận tệp .csv hoặc .xlsx", name)
	default:
		return nil, fmt.Errorf("không đọc được tệp %s: chỉ nhận tệp .csv hoặc .xlsx", ext)
	}
}

// ctxEvery is how many rows a reader handles between two checks of its
// context.
const ctxEvery = 256

// builder accumulates rows into a Table, applying the rules shared by all
// readers: cells are trimmed and NFC-normalised, fully empty rows are
// skipped (and counted), the first non-empty row is the header, and the
// row, column, cell, empty-row and text budgets of lim hold.
type builder struct {
	t       Table
	started bool
	lim     Limits
	empty   int   // empty rows skipped so far
	text    int64 // bytes of the cells so far
}

func newBuilder(lim Limits) *builder {
	return &builder{lim: lim}
}

// skip counts n empty rows from line from on (the CSV parser passes over
// blank lines without a record).
func (b *builder) skip(from, n int) error {
	if b.empty+n > b.lim.MaxEmptyRows {
		return &LimitError{What: "empty_rows", Line: from + b.lim.MaxEmptyRows - b.empty, Limit: int64(b.lim.MaxEmptyRows)}
	}
	b.empty += n
	return nil
}

func (b *builder) add(line int, cells []string) error {
	if len(cells) > b.lim.MaxColumns {
		return &LimitError{What: "columns", Line: line, Limit: int64(b.lim.MaxColumns)}
	}
	for _, c := range cells {
		b.text += int64(len(c))
	}
	if b.text > b.lim.MaxTextBytes {
		return &LimitError{What: "text_bytes", Line: line, Limit: b.lim.MaxTextBytes}
	}
	empty := true
	for i, c := range cells {
		c = strings.TrimSpace(c)
		if !norm.NFC.IsNormalString(c) {
			c = norm.NFC.String(c)
		}
		// A cell has at least as many bytes as characters.
		if len(c) > b.lim.MaxCellChars && utf8.RuneCountInString(c) > b.lim.MaxCellChars {
			return &LimitError{What: "cell", Line: line, Limit: int64(b.lim.MaxCellChars)}
		}
		cells[i] = c
		if c != "" {
			empty = false
		}
	}
	switch {
	case empty:
		return b.skip(line, 1)
	case !b.started:
		b.t.Header, b.started = cells, true
		return nil
	case len(b.t.Rows) >= b.lim.MaxRows:
		return &LimitError{What: "rows", Line: line, Limit: int64(b.lim.MaxRows)}
	}
	b.t.Rows = append(b.t.Rows, Row{Line: line, Cells: cells})
	return nil
}

func (b *builder) table() (*Table, error) {
	if !b.started {
		return nil, errors.New("tệp trống: không tìm thấy dòng tiêu đề")
	}
	return &b.t, nil
}
