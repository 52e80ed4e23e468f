package tabular

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// digestVersion starts every digest, so that a change of the encoding
// below changes every digest rather than colliding with old ones.
const digestVersion = "tabular.Digest/1\n"

// Digest returns the hex SHA-256 of the table's content: the header and the
// data rows' cells as read (trimmed, NFC), in order. Line numbers, empty
// rows and trailing empty cells do not count, so the same data saved again
// with or without a trailing newline, with CRLF or LF line ends, a byte
// order mark, another delimiter or blank lines in between has the same
// digest, while any changed, added, removed or moved cell changes it.
//
// The encoding is unambiguous: each row (the header always, even empty) is
// its number of cells followed by each cell's length and bytes.
func (t *Table) Digest() string {
	h := sha256.New()
	h.Write([]byte(digestVersion))
	var buf []byte
	row := func(cells []string, header bool) {
		n := len(cells)
		for n > 0 && clean(cells[n-1]) == "" {
			n--
		}
		if n == 0 && !header {
			return // an empty row
		}
		buf = binary.AppendUvarint(buf[:0], uint64(n))
		h.Write(buf)
		for _, c := range cells[:n] {
			c = clean(c)
			buf = binary.AppendUvarint(buf[:0], uint64(len(c)))
			h.Write(buf)
			h.Write([]byte(c))
		}
	}
	row(t.Header, true)
	for _, r := range t.Rows {
		row(r.Cells, false)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// clean trims and NFC-normalises a cell as the readers do, for tables not
// made by them.
func clean(c string) string {
	c = strings.TrimSpace(c)
	if !norm.NFC.IsNormalString(c) {
		c = norm.NFC.String(c)
	}
	return c
}
