package tabular

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"
)

// MaxRows is the largest number of non-empty data rows (header excluded)
// that ReadCSV, ReadXLSX and Read accept; larger inputs are rejected with an
// error instead of being loaded into memory.
const MaxRows = 200_000

// maxUnzipSize bounds the uncompressed size of an XLSX file, as a guard
// against zip bombs (excelize's default is 16 GB).
const maxUnzipSize = 1 << 30

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

// Read reads a table from r, choosing the format from the extension of the
// file name (case-insensitive): ".csv" uses ReadCSV and ".xlsx" uses
// ReadXLSX on the first visible sheet. Any other extension is an error.
func Read(name string, r io.Reader) (*Table, error) {
	switch ext := strings.ToLower(filepath.Ext(name)); ext {
	case ".csv":
		return ReadCSV(r)
	case ".xlsx":
		return ReadXLSX(r, "")
	case ".xls":
		return nil, errors.New("định dạng .xls (Excel 97–2003) không được hỗ trợ: hãy mở tệp trong Excel và lưu lại dưới dạng .xlsx")
	case "":
		return nil, fmt.Errorf("tệp %q không có phần mở rộng: chỉ nhận tệp .csv hoặc .xlsx", name)
	default:
		return nil, fmt.Errorf("không đọc được tệp %s: chỉ nhận tệp .csv hoặc .xlsx", ext)
	}
}

// builder accumulates rows into a Table, applying the rules shared by all
// readers: cells are trimmed and NFC-normalised, fully empty rows are
// skipped, the first non-empty row is the header, and at most MaxRows data
// rows are accepted.
type builder struct {
	t       Table
	started bool
}

func (b *builder) add(line int, cells []string) error {
	empty := true
	for i, c := range cells {
		c = strings.TrimSpace(c)
		if !norm.NFC.IsNormalString(c) {
			c = norm.NFC.String(c)
		}
		cells[i] = c
		if c != "" {
			empty = false
		}
	}
	switch {
	case empty:
		return nil
	case !b.started:
		b.t.Header, b.started = cells, true
		return nil
	case len(b.t.Rows) >= MaxRows:
		return fmt.Errorf("dòng %d: tệp có quá %d dòng dữ liệu; hãy chia thành nhiều tệp nhỏ hơn", line, MaxRows)
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

// ReadCSV reads a CSV file encoded in UTF-8, with or without a byte order
// mark.
//
// The delimiter is detected from the header (the first line that is not
// blank): whichever of ',', ';' and tab occurs most often outside quotes
// (',' when none does, or on a tie; Excel in Vietnamese locales saves with
// ';'). Cells are trimmed; fully empty rows, including rows made only of
// delimiters, are skipped while the line numbers of later rows stay those of
// the file. The first non-empty row is the header.
//
// Errors are in Vietnamese and name the line: invalid UTF-8 (typically a
// file saved as "CSV" rather than "CSV UTF-8" by Excel), malformed quoting,
// or more than MaxRows data rows. UTF-16 files are recognised by their byte
// order mark and rejected with a hint.
func ReadCSV(r io.Reader) (*Table, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(3)
	switch {
	case bytes.HasPrefix(head, []byte("\xef\xbb\xbf")):
		_, _ = br.Discard(3)
	case bytes.HasPrefix(head, []byte("\xff\xfe")), bytes.HasPrefix(head, []byte("\xfe\xff")):
		return nil, errors.New("tệp được mã hóa UTF-16: hãy lưu lại dưới dạng \"CSV UTF-8 (Comma delimited)\"")
	}
	// Peek returns what is buffered even when it is less than asked for.
	// The header is the first line that is not blank.
	first, _ := br.Peek(br.Size())
	for {
		line, rest, _ := bytes.Cut(first, []byte("\n"))
		if len(bytes.TrimSpace(line)) > 0 || len(rest) == 0 {
			first = line
			break
		}
		first = rest
	}

	cr := csv.NewReader(br)
	cr.Comma = detectDelimiter(first)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false

	var b builder
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		for i, f := range rec {
			if !utf8.ValidString(f) {
				fl, _ := cr.FieldPos(i)
				bad := strings.Count(f[:invalidAt(f)], "\n")
				return nil, fmt.Errorf("dòng %d: tệp không phải UTF-8 (có thể được lưu bằng bảng mã khác); trong Excel hãy chọn Lưu dưới dạng \"CSV UTF-8 (Comma delimited)\"", fl+bad)
			}
		}
		if err := b.add(line, rec); err != nil {
			return nil, err
		}
	}
	return b.table()
}

// detectDelimiter counts the candidate delimiters outside double quotes in
// the header line and returns the most frequent, ',' by default and on ties.
func detectDelimiter(line []byte) rune {
	counts := map[byte]int{}
	quoted := false
	for _, c := range line {
		switch c {
		case '"':
			quoted = !quoted
		case ',', ';', '\t':
			if !quoted {
				counts[c]++
			}
		}
	}
	best := byte(',')
	for _, c := range []byte{';', '\t'} {
		if counts[c] > counts[best] {
			best = c
		}
	}
	return rune(best)
}

// invalidAt returns the byte offset of the first invalid UTF-8 sequence in s.
func invalidAt(s string) int {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return i
			}
		}
	}
	return len(s)
}

// csvError translates an encoding/csv error into Vietnamese.
func csvError(err error) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return fmt.Errorf("không đọc được tệp CSV: %w", err)
	}
	var what string
	switch {
	case errors.Is(pe.Err, csv.ErrQuote):
		what = "thiếu dấu ngoặc kép đóng (\") hoặc dấu ngoặc kép đặt sai chỗ"
	case errors.Is(pe.Err, csv.ErrBareQuote):
		what = "dấu ngoặc kép (\") nằm giữa ô không được đặt trong ngoặc kép; hãy viết \"\" hoặc bao cả ô bằng ngoặc kép"
	default:
		what = pe.Err.Error()
	}
	return fmt.Errorf("dòng %d, cột %d: %s", pe.Line, pe.Column, what)
}

// ReadXLSX reads one worksheet of an XLSX workbook: the named sheet, or the
// first visible sheet when sheet is "".
//
// Cells come as displayed text where that is safe to parse, else as the
// underlying value:
//
//   - Text cells come as they are; formulas give their cached result.
//   - Numbers whose stored value displays as itself (the General format,
//     "1234.5", "5000000") come as that text.
//   - Dates come as dd/mm/yyyy when their format is the built-in short date
//     (Excel's locale-dependent format 14, which excelize would otherwise
//     show as the US "03-15-24") or any custom format displaying
//     dd/mm/yyyy, d/m/yyyy or yyyy-mm-dd; a date-time comes as
//     "dd/mm/yyyy hh:mm". A date whose format displays something else
//     ("15.03.2024", "15 tháng 3") comes as its Excel serial number
//     ("45366"), which ParseDate accepts.
//   - Other numbers whose display differs from the stored value ("#,##0",
//     "0.00", "0%", currency) come as the plain stored number instead
//     ("1234", "0.5"), because excelize displays formats with US
//     separators ("1,234") that a Vietnamese reader would take for 1.234.
//     Such numbers are rounded to the 15 significant digits Excel keeps and
//     written with a decimal comma when a dot would be read by ParseNumber
//     as a thousands separator (12.345 behind a "0.0" format comes as
//     "12,345", not "12.345").
//   - Booleans come as "TRUE" or "FALSE".
//
// A number in the General format such as 12.345 comes as "12.345", which
// ParseNumber reads as 12345: this one ambiguity cannot be told apart from
// text typed the Vietnamese way without the cell type.
//
// Cells are trimmed, fully empty rows are skipped while Row.Line keeps the
// Excel row number, and the first non-empty row is the header. The whole
// file is read into memory; more than MaxRows data rows is an error.
func ReadXLSX(r io.Reader, sheet string) (*Table, error) {
	f, err := excelize.OpenReader(r, excelize.Options{
		ShortDatePattern: "dd/mm/yyyy",
		UnzipSizeLimit:   maxUnzipSize,
	})
	if err != nil {
		return nil, fmt.Errorf("không mở được tệp Excel (.xlsx): %w", err)
	}
	defer f.Close()

	if sheet == "" {
		for _, name := range f.GetSheetList() {
			if visible, err := f.GetSheetVisible(name); err == nil && visible {
				sheet = name
				break
			}
		}
		if sheet == "" {
			return nil, errors.New("tệp Excel không có trang tính nào hiển thị")
		}
	} else if idx, _ := f.GetSheetIndex(sheet); idx < 0 {
		return nil, fmt.Errorf("tệp Excel không có trang tính %q", sheet)
	}

	// Two iterators in lockstep: displayed text and raw values. Decoding
	// the sheet XML twice roughly doubles the cost (about 30 µs per row of
	// five cells here) but keeps memory to one row at a time.
	shown, err := f.Rows(sheet)
	if err != nil {
		return nil, fmt.Errorf("không đọc được trang tính %q: %w", sheet, err)
	}
	defer shown.Close()
	raw, err := f.Rows(sheet)
	if err != nil {
		return nil, fmt.Errorf("không đọc được trang tính %q: %w", sheet, err)
	}
	defer raw.Close()

	var b builder
	for line := 1; shown.Next() && raw.Next(); line++ {
		cells, err := shown.Columns() // formatted with the file's options
		if err != nil {
			return nil, fmt.Errorf("dòng %d: không đọc được ô: %w", line, err)
		}
		values, err := raw.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, fmt.Errorf("dòng %d: không đọc được ô: %w", line, err)
		}
		for i, c := range cells {
			if i < len(values) && values[i] != c {
				cells[i] = cellText(c, values[i])
			}
		}
		if err := b.add(line, cells); err != nil {
			return nil, err
		}
	}
	if err := errors.Join(shown.Error(), raw.Error()); err != nil {
		return nil, fmt.Errorf("không đọc được trang tính %q: %w", sheet, err)
	}
	return b.table()
}

// cellText chooses between the displayed text of a cell and its raw value
// when they differ, as documented on ReadXLSX.
func cellText(shown, raw string) string {
	if shown == "TRUE" || shown == "FALSE" {
		return shown
	}
	if date, _, _ := strings.Cut(shown, " "); date != "" {
		if _, err := ParseDate(date); err == nil && !allDigits(date) {
			return shown
		}
	}
	v, err := strconv.ParseFloat(raw, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return shown
	}
	// Round to the 15 significant digits Excel keeps and displays.
	v, _ = strconv.ParseFloat(strconv.FormatFloat(v, 'g', 15, 64), 64)
	text := strconv.FormatFloat(v, 'f', -1, 64)
	if got, err := ParseNumber(text); err != nil || got != v {
		text = strings.Replace(text, ".", ",", 1)
	}
	return text
}
