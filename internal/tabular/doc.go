// Package tabular reads and writes spreadsheet-like files (CSV and XLSX) the
// way Vietnamese users produce and expect them.
//
// It offers:
//
//   - Fold, a diacritics-insensitive normal form for search and name matching
//     ("Đà Nẵng" → "da nang");
//   - ParseDate, ParseNumber and ParseInt, which understand Vietnamese
//     conventions (dd/mm/yyyy, "1.234,5") and answer with Vietnamese error
//     messages suitable for showing to the user;
//   - ReadCSV, ReadXLSX and Read, which turn an uploaded file into a Table
//     whose rows remember the line number the user sees in Excel or a text
//     editor (the header is line 1), so that validation errors can point at
//     the right line; their Context forms (ReadContext, ReadCSVContext,
//     ReadXLSXContext) stop when a context ends and keep within Limits
//     (rows, columns, characters per cell, empty rows, uncompressed XML),
//     checked while the file streams so that a hostile upload is refused
//     with a *LimitError before it is built in memory;
//   - Table.Digest, a hash of a table's content that ignores how the file
//     was saved (line ends, delimiter, byte order mark, empty rows);
//   - WriteCSV and WriteXLSX, which produce files that Excel opens correctly
//     (UTF-8 BOM for CSV; bold frozen header, widths, drop-down lists and
//     numeric cells for XLSX), typically used for exports and import
//     templates.
//
// All text read from files is trimmed and normalised to Unicode NFC, so text
// typed with a decomposed ("tổ hợp") input method compares equal to the
// precomposed form.
//
// The package is a leaf: it imports nothing else from this module. Its
// subpackage tabulartest writes the hostile files the limits are tested
// with.
package tabular
