package tabular

import (
	"context"
	"fmt"
)

// Limits bounds the work and memory a reader may spend on one file, so that
// an uploaded file cannot exhaust the server: every budget is checked while
// the file streams, before the data it guards is built in memory. A field
// left at zero (or negative) takes its value from DefaultLimits.
type Limits struct {
	// MaxRows is the largest number of non-empty data rows (header
	// excluded).
	MaxRows int
	// MaxColumns is the largest number of cells in one row: for CSV every
	// field of a record, empty ones included; for XLSX the column of the
	// last cell holding a value (a single cell in column XFD would make a
	// row of 16,384 cells).
	MaxColumns int
	// MaxCellChars is the largest number of characters (Unicode code
	// points, after trimming) in one cell.
	MaxCellChars int
	// MaxEmptyRows is the largest number of empty rows skipped in a file,
	// wherever they are (blank lines and rows of empty cells in CSV; rows
	// without a value, written or not, in XLSX). Past it the file is
	// refused rather than read on, so no data after a run of empty rows is
	// ever dropped silently.
	MaxEmptyRows int
	// MaxXMLBytes is the largest total uncompressed size of the parts of an
	// XLSX file that are read (the chosen sheet, the shared strings,
	// styles, workbook and their relationships), as declared in the zip
	// directory, which archive/zip then holds each part to.
	MaxXMLBytes int64
	// MaxTextBytes is the largest total size, in bytes, of the cells of
	// all the rows read (empty rows included, before trimming). It bounds
	// the table in memory where the file's size does not: in XLSX, one
	// shared string of 32,767 characters can be the text of every cell.
	MaxTextBytes int64
}

// Default budgets; see DefaultLimits.
const (
	// MaxRows is the default Limits.MaxRows.
	MaxRows = 200_000
	// DefaultMaxColumns is the default Limits.MaxColumns: the import
	// templates have about 25 columns, and 256 is Excel 2003's own limit.
	DefaultMaxColumns = 256
	// DefaultMaxCellChars is the default Limits.MaxCellChars: Excel's own
	// limit on the length of a cell.
	DefaultMaxCellChars = 32_767
	// DefaultMaxEmptyRows is the default Limits.MaxEmptyRows.
	DefaultMaxEmptyRows = 100_000
	// DefaultMaxXMLBytes is the default Limits.MaxXMLBytes. A sheet
	// written by Excel or WriteXLSX takes about 30 bytes of XML per
	// filled cell (<c r="K12345" s="3" t="s"><v>123</v></c>), so a full
	// 200,000-row sheet of 25 columns is about 150–170 MB, and its shared
	// strings (the distinct texts) a few tens of MB more; 256 MB leaves
	// room for that and refuses the hundreds of MB a zip bomb expands to.
	DefaultMaxXMLBytes = 256 << 20
	// DefaultMaxTextBytes is the default Limits.MaxTextBytes: the text of
	// a full 200,000-row import of 25 columns is about 150 MB.
	DefaultMaxTextBytes = 256 << 20
)

// DefaultLimits returns the budgets Read, ReadCSV and ReadXLSX use.
func DefaultLimits() Limits {
	return Limits{
		MaxRows:      MaxRows,
		MaxColumns:   DefaultMaxColumns,
		MaxCellChars: DefaultMaxCellChars,
		MaxEmptyRows: DefaultMaxEmptyRows,
		MaxXMLBytes:  DefaultMaxXMLBytes,
		MaxTextBytes: DefaultMaxTextBytes,
	}
}

// orDefault returns l with its unset fields taken from DefaultLimits.
func (l Limits) orDefault() Limits {
	d := DefaultLimits()
	if l.MaxRows <= 0 {
		l.MaxRows = d.MaxRows
	}
	if l.MaxColumns <= 0 {
		l.MaxColumns = d.MaxColumns
	}
	if l.MaxCellChars <= 0 {
		l.MaxCellChars = d.MaxCellChars
	}
	if l.MaxEmptyRows <= 0 {
		l.MaxEmptyRows = d.MaxEmptyRows
	}
	if l.MaxXMLBytes <= 0 {
		l.MaxXMLBytes = d.MaxXMLBytes
	}
	if l.MaxTextBytes <= 0 {
		l.MaxTextBytes = d.MaxTextBytes
	}
	return l
}

// LimitError is the error of a file refused because it exceeds one of its
// Limits (or one of the fixed bounds on an XLSX file's XML), as opposed to
// a file that is malformed. Find it with errors.As.
type LimitError struct {
	// What names the budget: "rows", "columns", "cell", "empty_rows",
	// "xml_bytes", "text_bytes", or for XLSX files the fixed bounds
	// "xml_depth" (elements nested too deep), "xml_parts" (too many parts
	// in the zip), "escapes" (too much work decoding _xHHHH_ escapes),
	// "number_formats" (too many custom number formats) and
	// "number_format" (one too long).
	What string
	// Line is the line (CSV) or row (XLSX) where the budget ran out, the
	// header being line 1; 0 when not known.
	Line int
	// Limit is the budget that was exceeded.
	Limit int64
}

// Error returns a message in Vietnamese suitable for the user.
func (e *LimitError) Error() string {
	var msg string
	switch e.What {
	case "rows":
		msg = fmt.Sprintf("tệp có quá %d dòng dữ liệu; hãy chia thành nhiều tệp nhỏ hơn", e.Limit)
	case "columns":
		msg = fmt.Sprintf("có quá %d cột; hãy xóa các cột thừa ở bên phải (mẫu nhập chỉ có vài chục cột)", e.Limit)
	case "cell":
		msg = fmt.Sprintf("có ô dài quá %d ký tự; hãy rút gọn nội dung ô", e.Limit)
	case "empty_rows":
		msg = fmt.Sprintf("tệp có quá %d dòng trống; hãy xóa các dòng trống (hoặc các dòng chỉ được định dạng mà không có dữ liệu) rồi lưu lại", e.Limit)
	case "xml_bytes":
		msg = fmt.Sprintf("tệp Excel khi giải nén lớn quá %d MB; hãy chia thành nhiều tệp nhỏ hơn hoặc xóa các trang tính, định dạng không cần thiết", e.Limit>>20)
	case "text_bytes":
		msg = fmt.Sprintf("tệp có quá %d MB chữ; hãy chia thành nhiều tệp nhỏ hơn", e.Limit>>20)
	case "escapes":
		msg = "tệp Excel có quá nhiều ký tự điều khiển được mã hóa (dạng _x000D_) trong các ô; hãy xóa chúng rồi lưu lại"
	case "number_formats":
		msg = fmt.Sprintf("tệp Excel có quá %d định dạng số tự tạo; hãy xóa các định dạng không dùng rồi lưu lại", e.Limit)
	case "number_format":
		msg = fmt.Sprintf("tệp Excel có định dạng số dài quá %d ký tự; hãy đổi các ô dùng nó sang định dạng khác", e.Limit)
	case "xml_depth":
		msg = fmt.Sprintf("tệp Excel không hợp lệ: các thẻ XML lồng nhau quá %d cấp", e.Limit)
	case "xml_parts":
		msg = fmt.Sprintf("tệp Excel không hợp lệ: có quá %d phần trong tệp nén", e.Limit)
	default:
		msg = fmt.Sprintf("tệp vượt giới hạn %s (%d)", e.What, e.Limit)
	}
	if e.Line > 0 {
		return fmt.Sprintf("dòng %d: %s", e.Line, msg)
	}
	return msg
}

// ctxErr returns the error of a read stopped because ctx ended, or nil.
func ctxErr(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("đã dừng đọc tệp: %w", err)
	}
	return nil
}
