package tabular

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// ReadXLSX is ReadXLSXContext without a deadline and with DefaultLimits.
func ReadXLSX(r io.Reader, sheet string) (*Table, error) {
	return ReadXLSXContext(context.Background(), r, sheet, DefaultLimits())
}

// ReadXLSXContext reads one worksheet of an XLSX workbook: the named sheet, or the
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
// Excel row number, and the first non-empty row is the header.
//
// The file (compressed) is read into memory, then checked before any of it
// is handed to the spreadsheet library (see prepareXLSX): the parts that
// would be read must fit lim.MaxXMLBytes uncompressed, and the chosen sheet
// and the shared strings are streamed once through a checker that enforces
// lim (cells, columns, empty rows, rows) and bounds every XML token, so a
// single huge cell or millions of empty rows are refused while they stream,
// in constant memory, rather than built. Only the parts needed to read the
// sheet are then opened; sheets larger than 16 MB go through temporary
// files in a private directory removed before returning. Budget
// violations are *LimitError; the read stops with an error wrapping
// ctx.Err() when ctx ends.
func ReadXLSXContext(ctx context.Context, r io.Reader, sheet string, lim Limits) (*Table, error) {
	lim = lim.orDefault()
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("không đọc được tệp Excel (.xlsx): %w", err)
	}
	sheet, parts, err := prepareXLSX(ctx, data, sheet, lim)
	if err != nil {
		return nil, err
	}
	data = nil
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}

	// excelize writes sheets and shared strings larger than
	// UnzipXMLSizeLimit to temporary files, removed by Close; a private
	// directory also catches those of its error paths that return no
	// file to close.
	tmp, err := os.MkdirTemp("", "tabular-")
	if err != nil {
		return nil, fmt.Errorf("không tạo được thư mục tạm để đọc tệp Excel: %w", err)
	}
	defer os.RemoveAll(tmp)
	f, err := excelize.OpenReader(bytes.NewReader(parts), excelize.Options{
		ShortDatePattern:  "dd/mm/yyyy",
		UnzipSizeLimit:    max(lim.MaxXMLBytes, xmlSpillBytes),
		UnzipXMLSizeLimit: xmlSpillBytes,
		TmpDir:            tmp,
	})
	if f != nil {
		defer f.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("không mở được tệp Excel (.xlsx): %w", err)
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

	b := newBuilder(lim)
	for line := 1; shown.Next() && raw.Next(); line++ {
		// A row can take long (up to 2 × 256 cells of 32,767 characters):
		// the context is checked at each.
		if err := ctxErr(ctx); err != nil {
			return nil, err
		}
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
