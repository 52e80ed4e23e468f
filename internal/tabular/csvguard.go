package tabular

import (
	"bytes"
	"context"
	"io"
)

// csvGuard passes the bytes of a CSV file on to encoding/csv while following
// its records, and fails with a *LimitError as soon as a record has more
// fields than MaxColumns or a field more bytes than MaxCellChars characters
// can take (see maxFieldBytes). encoding/csv accumulates a whole record, and
// every physical line of it, before returning anything, so without the
// guard a single line of commas makes it build a field for every comma;
// with it the parser never holds more than one record within budget.
//
// The guard follows quoting the way encoding/csv does for well-formed
// input: a quote at the start of a field opens a quoted field, where
// delimiters and line breaks are text and a doubled quote is a quote. On
// malformed quoting, where encoding/csv fails anyway at the line concerned,
// the guard may count differently, but every field and every record stays
// bounded all the same. It also checks the context at every read.
type csvGuard struct {
	guard
	delim    byte
	maxCols  int
	maxChars int  // MaxCellChars
	maxField int  // bytes
	line     int  // physical line of the next byte, 1-based
	recLine  int  // the line where the current record starts
	fields   int  // fields of the current record so far
	field    int  // bytes of the current field so far
	quoted   bool // inside a quoted field
	quote    bool // just after a quote that closes a quoted field or starts an escaped quote
}

func newCSVGuard(ctx context.Context, r io.Reader, delim byte, lim Limits) *csvGuard {
	return &csvGuard{
		guard: guard{r: r, ctx: ctx}, delim: delim,
		maxCols: lim.MaxColumns, maxChars: lim.MaxCellChars, maxField: maxFieldBytes(lim.MaxCellChars),
		line: 1, recLine: 1, fields: 1,
	}
}

func (g *csvGuard) Read(p []byte) (int, error) {
	return g.read(p, g.scan)
}

// guard is what csvGuard and xmlGuard share: the reader they pass on, the
// context they check at every read, and the error that stopped them,
// which every later read returns again.
type guard struct {
	r   io.Reader
	ctx context.Context
	err error // sticky: the reason the guard stopped
}

// read reads into p unless the guard has stopped or the context has
// ended, and hands the bytes read to check: an error from check stops the
// guard and is returned in place of the bytes.
func (g *guard) read(p []byte, check func([]byte) error) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	if err := ctxErr(g.ctx); err != nil {
		g.err = err
		return 0, err
	}
	n, err := g.r.Read(p)
	if cerr := check(p[:n]); cerr != nil {
		g.err = cerr
		return 0, cerr
	}
	return n, err
}

// wrap turns an error from encoding/csv into the reader's error: the
// guard's own when that is why the parser stopped, else its translation.
func (g *csvGuard) wrap(err error) error {
	if g.err != nil && err == g.err {
		return g.err
	}
	return csvError(err)
}

func (g *csvGuard) limit(what string) error {
	lim := g.maxCols
	if what == "cell" {
		lim = g.maxChars
	}
	return &LimitError{What: what, Line: g.recLine, Limit: int64(lim)}
}

// maxFieldBytes is the most bytes a field of at most chars characters
// (counted once trimmed and NFC-normalised, as the builder does) can take
// in a CSV file, quotes aside: 4 for a character outside the BMP, and up to
// 5 for a Vietnamese letter typed decomposed ("ệ" is e, U+0323, U+0302);
// twice the 4 of UTF-8, plus some spaces around.
func maxFieldBytes(chars int) int {
	return 8*chars + 64
}

// scan follows the records through p, the next bytes of the file.
func (g *csvGuard) scan(p []byte) error {
	nl := -2 // index in p of the next line break at or after i; -1: none; -2: not searched
	for i := 0; i < len(p); {
		if g.quote {
			g.quote = false
			if p[i] == '"' { // an escaped quote
				g.quoted = true
				g.field++
				i++
				continue
			}
		}
		if g.quoted {
			seg := p[i:]
			q := bytes.IndexByte(seg, '"')
			if q >= 0 {
				seg = seg[:q]
			}
			if n := bytes.Count(seg, []byte{'\n'}); n > 0 {
				g.line += n
				nl = -2
			}
			if g.field += len(seg); g.field > g.maxField {
				return g.limit("cell")
			}
			if q < 0 {
				return nil
			}
			g.quoted, g.quote = false, true
			i += q + 1
			continue
		}
		// Outside quotes: up to the line break or the next quote.
		if nl != -1 && nl < i {
			if nl = bytes.IndexByte(p[i:], '\n'); nl >= 0 {
				nl += i
			}
		}
		seg := p[i:]
		if nl >= 0 {
			seg = p[i:nl]
		}
		q := bytes.IndexByte(seg, '"')
		if q >= 0 {
			seg = seg[:q]
		}
		if err := g.unquoted(seg); err != nil {
			return err
		}
		i += len(seg)
		switch {
		case q >= 0:
			if g.field == 0 {
				g.quoted = true
			} else {
				g.field++ // a bare quote, which encoding/csv refuses
			}
			i++
		case nl >= 0:
			g.line++
			g.recLine, g.fields, g.field = g.line, 1, 0
			i++
		}
	}
	return nil
}

// unquoted counts the fields and bytes of seg, a run of unquoted bytes
// without a line break.
func (g *csvGuard) unquoted(seg []byte) error {
	d := bytes.Count(seg, []byte{g.delim})
	if d == 0 {
		if g.field += len(seg); g.field > g.maxField {
			return g.limit("cell")
		}
		return nil
	}
	if g.fields += d; g.fields > g.maxCols {
		return g.limit("columns")
	}
	last := bytes.LastIndexByte(seg, g.delim)
	if g.field+len(seg) > g.maxField { // a field may be too long: look at each
		first := bytes.IndexByte(seg, g.delim)
		if g.field+first > g.maxField {
			return g.limit("cell")
		}
		for rest := seg[first+1 : last+1]; len(rest) > 0; {
			j := bytes.IndexByte(rest, g.delim)
			if j > g.maxField {
				return g.limit("cell")
			}
			rest = rest[j+1:]
		}
	}
	if g.field = len(seg) - last - 1; g.field > g.maxField {
		return g.limit("cell")
	}
	return nil
}
