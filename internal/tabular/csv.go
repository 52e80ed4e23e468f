package tabular

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// ReadCSV is ReadCSVContext without a deadline and with DefaultLimits.
func ReadCSV(r io.Reader) (*Table, error) {
	return ReadCSVContext(context.Background(), r, DefaultLimits())
}

// ReadCSVContext reads a CSV file encoded in UTF-8, with or without a byte
// order mark.
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
// or a budget of lim exceeded (a *LimitError). UTF-16 files are recognised
// by their byte order mark and rejected with a hint.
//
// The budgets hold before the data is built: the bytes are checked on their
// way to the CSV parser, so a record with too many fields, or a field of
// more bytes than MaxCellChars characters can take (8 a character, which
// leaves room for decomposed letters), is refused before the parser
// accumulates it; the exact count of characters is checked once the cell is
// trimmed and normalised. Blank lines and records of empty cells count as
// empty rows. The read stops with an error wrapping ctx.Err() when ctx
// ends.
func ReadCSVContext(ctx context.Context, r io.Reader, lim Limits) (*Table, error) {
	lim = lim.orDefault()
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(3)
	switch {
	case bytes.HasPrefix(head, []byte("\xef\xbb\xbf")):
		_, _ = br.Discard(3)
	case bytes.HasPrefix(head, []byte("\xff\xfe")), bytes.HasPrefix(head, []byte("\xfe\xff")):
		return nil, errors.New("tệp được mã hóa UTF-16: hãy lưu lại dưới dạng \"CSV UTF-8 (Comma delimited)\"")
	}
	// Peek returns what is buffered even when it is less than asked for.
	first, _ := br.Peek(br.Size())
	delim := detectDelimiter(headerLine(first))

	g := newCSVGuard(ctx, br, byte(delim), lim)
	cr := csv.NewReader(bufio.NewReaderSize(g, 64<<10))
	cr.Comma = delim
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false

	b := newBuilder(lim)
	end := 0 // the last line of the previous record
	for n := 1; ; n++ {
		if n%ctxEvery == 0 {
			if err := ctxErr(ctx); err != nil {
				return nil, err
			}
		}
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, g.wrap(err)
		}
		line, _ := cr.FieldPos(0)
		for i, f := range rec {
			if !utf8.ValidString(f) {
				fl, _ := cr.FieldPos(i)
				bad := strings.Count(f[:invalidAt(f)], "\n")
				return nil, fmt.Errorf("dòng %d: tệp không phải UTF-8 (có thể được lưu bằng bảng mã khác); trong Excel hãy chọn Lưu dưới dạng \"CSV UTF-8 (Comma delimited)\"", fl+bad)
			}
		}
		// Blank lines between two records are skipped by the parser.
		if line > end+1 {
			if err := b.skip(end+1, line-end-1); err != nil {
				return nil, err
			}
		}
		last, _ := cr.FieldPos(len(rec) - 1)
		end = last + strings.Count(rec[len(rec)-1], "\n")
		if err := b.add(line, rec); err != nil {
			return nil, err
		}
	}
	return b.table()
}

// headerLine returns the header of the CSV text that starts with p: its
// first line that is not blank (the last line when all are).
func headerLine(p []byte) []byte {
	for {
		line, rest, _ := bytes.Cut(p, []byte("\n"))
		if len(bytes.TrimSpace(line)) > 0 || len(rest) == 0 {
			return line
		}
		p = rest
	}
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
