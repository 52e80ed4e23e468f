package tabular

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Fixed bounds on an XLSX file, beyond Limits.
const (
	// xmlMaxRun is the longest run of bytes without a '<' the checker
	// lets through: it bounds every XML token (text, attribute values,
	// names, comments), so no token becomes a string larger than this. A
	// cell of 32,767 characters written with the longest escapes
	// ("&quot;", "_x000D_") takes about 230 KB.
	xmlMaxRun = 1 << 20
	// xmlMaxDepth is the deepest nesting of elements accepted (a sheet
	// nests about 7 deep): the decoder excelize uses keeps a stack entry per
	// open element.
	xmlMaxDepth = 64
	// xmlMaxCellElements bounds the elements inside one cell or shared
	// string (rich text runs and their formatting), which excelize decodes
	// into a structure at once.
	xmlMaxCellElements = 1 << 16
	// xmlMaxParts bounds the entries of the zip.
	xmlMaxParts = 10_000
	// xmlMetaBytes bounds each part other than the sheet and the shared
	// strings (workbook, relationships, styles, content types), which
	// excelize decodes whole into memory.
	xmlMetaBytes = 16 << 20
	// xmlMaxNumFmts and xmlMaxNumFmtChars bound the custom number
	// formats (see checkStyles).
	xmlMaxNumFmts     = 1000
	xmlMaxNumFmtChars = 255
	// xmlMaxEscapeWork bounds the work of decoding the escapes of the
	// strings read (see escapeWork): about a second.
	xmlMaxEscapeWork = 16 << 30
)

// xmlSpillBytes is the size above which excelize keeps the sheet and the
// shared strings in temporary files rather than in memory (its
// UnzipXMLSizeLimit); tests lower it.
var xmlSpillBytes int64 = 16 << 20

// Paths excelize reads at fixed places.
const (
	pathRels          = "_rels/.rels"
	pathStyles        = "xl/styles.xml"
	pathContentTypes  = "[content_types].xml"  // compared in lower case
	pathSharedStrings = "xl/sharedstrings.xml" // compared in lower case
)

// prepareXLSX checks an XLSX file before the spreadsheet library sees it,
// and returns the name of the sheet to read (the first visible one when
// sheet is "") and a zip holding only the parts needed to read it: content
// types, relationships, workbook, styles, shared strings and that sheet,
// copied without recompression.
//
// The parts' declared uncompressed sizes must fit lim.MaxXMLBytes, and
// archive/zip refuses to read more than a part declares. Every part kept
// is then streamed through a checker: the shared strings through
// scanSharedStrings, the others through scanSheet, which enforce lim as
// far as it can be told from the XML, conservatively (they refuse only what
// the builder would refuse later, leaving exact checks to it) and bound
// every token and the nesting of elements.
//
// The sheet is found the way excelize finds it (the workbook's relationship
// in _rels/.rels, the sheet's in the workbook's); a workbook where another
// sheet leads to one of the parts kept, or where two sheets or two
// relationships share a name, is refused, so that excelize can only read
// as a sheet the part checked as one.
func prepareXLSX(ctx context.Context, data []byte, sheet string, lim Limits) (string, []byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", nil, fmt.Errorf("không mở được tệp Excel (.xlsx): %w", err)
	}
	if len(zr.File) > xmlMaxParts {
		return "", nil, &LimitError{What: "xml_parts", Limit: xmlMaxParts}
	}
	// excelize reads every part under its name with '\' made '/', and
	// the content types and shared strings in any case: a second part of
	// the same name could be read instead of the one checked. Looking
	// parts up in any case finds whatever excelize could find.
	byName := make(map[string]*zip.File, len(zr.File))
	for _, zf := range zr.File {
		key := strings.ToLower(strings.ReplaceAll(zf.Name, `\`, "/"))
		if _, dup := byName[key]; dup {
			return "", nil, fmt.Errorf("tệp Excel không hợp lệ: phần %q có hai lần", zf.Name)
		}
		byName[key] = zf
	}
	part := func(name string) *zip.File { return byName[strings.ToLower(name)] }
	invalid := func(why string) error {
		return fmt.Errorf("không mở được tệp Excel (.xlsx): tệp không hợp lệ (%s)", why)
	}

	// The parts other than the sheet and shared strings, read whole.
	var kept []*zip.File
	meta := map[*zip.File][]byte{}
	read := func(name string) ([]byte, error) {
		zf := part(name)
		if zf == nil {
			return nil, nil
		}
		if b, ok := meta[zf]; ok {
			return b, nil
		}
		if zf.UncompressedSize64 > xmlMetaBytes {
			return nil, &LimitError{What: "xml_bytes", Limit: xmlMetaBytes}
		}
		b, err := readPart(zf)
		if err != nil {
			return nil, fmt.Errorf("không đọc được tệp Excel (.xlsx): phần %s: %w", zf.Name, err)
		}
		kept, meta[zf] = append(kept, zf), b
		return strictToTransitional(b), nil
	}

	// The workbook and its sheets.
	rels, err := read(pathRels)
	if err != nil {
		return "", nil, err
	}
	wbPath := ""
	for _, rel := range parseRels(rels) {
		if rel.Type == relOfficeDocument {
			wbPath = strings.TrimPrefix(rel.Target, "/")
			break
		}
	}
	wbData, err := read(wbPath)
	if err != nil {
		return "", nil, err
	}
	wbRelsData, err := read(workbookRelsPath(wbPath))
	if err != nil {
		return "", nil, err
	}
	var wb struct {
		Sheets []struct {
			Name  string `xml:"name,attr"`
			State string `xml:"state,attr"`
			ID    string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if len(wbData) > 0 {
		if err := xml.Unmarshal(wbData, &wb); err != nil {
			return "", nil, fmt.Errorf("không mở được tệp Excel (.xlsx): %s: %w", wbPath, err)
		}
	}
	wbRels := map[string]string{} // target by id
	for _, rel := range parseRels(wbRelsData) {
		if _, dup := wbRels[rel.ID]; dup {
			return "", nil, invalid("hai quan hệ " + rel.ID)
		}
		wbRels[rel.ID] = rel.Target
	}
	chosen, names := -1, map[string]bool{}
	for i, s := range wb.Sheets {
		if names[strings.ToLower(s.Name)] {
			return "", nil, invalid("hai trang tính " + s.Name)
		}
		names[strings.ToLower(s.Name)] = true
		if chosen < 0 && (sheet == "" && (s.State == "" || s.State == "visible") || sheet != "" && strings.EqualFold(s.Name, sheet)) {
			chosen = i
		}
	}
	switch {
	case chosen < 0 && sheet == "":
		return "", nil, errors.New("tệp Excel không có trang tính nào hiển thị")
	case chosen < 0:
		return "", nil, fmt.Errorf("tệp Excel không có trang tính %q", sheet)
	}
	sheet = wb.Sheets[chosen].Name
	sheetOf := func(i int) *zip.File {
		if target, ok := wbRels[wb.Sheets[i].ID]; ok {
			return part(worksheetPath(wbPath, target))
		}
		return nil
	}
	sheetPart := sheetOf(chosen)
	if sheetPart == nil {
		return "", nil, fmt.Errorf("không đọc được trang tính %q: tệp Excel thiếu phần chứa trang tính", sheet)
	}
	if _, err := read(pathContentTypes); err != nil {
		return "", nil, err
	}
	styles, err := read(pathStyles)
	if err != nil {
		return "", nil, err
	}
	if err := checkStyles(styles); err != nil {
		return "", nil, err
	}
	sst := part(pathSharedStrings)
	others := append(kept[:len(kept):len(kept)], sst)
	for i := range wb.Sheets {
		if p := sheetOf(i); p != nil && slices.Contains(others, p) {
			return "", nil, invalid("trang tính " + wb.Sheets[i].Name + " trỏ tới phần " + p.Name)
		}
	}
	// excelize keeps in memory a sheet whose path it does not recognise.
	if !strings.HasPrefix(strings.ToLower(strings.ReplaceAll(sheetPart.Name, `\`, "/")), "xl/worksheets/sheet") &&
		sheetPart.UncompressedSize64 > xmlMetaBytes {
		return "", nil, &LimitError{What: "xml_bytes", Limit: xmlMetaBytes}
	}

	kept = append(kept, sheetPart)
	if sst != nil {
		kept = append(kept, sst)
	}
	var total uint64
	for _, zf := range kept {
		if total += min(zf.UncompressedSize64, 1<<62); total > uint64(lim.MaxXMLBytes) {
			return "", nil, &LimitError{What: "xml_bytes", Limit: lim.MaxXMLBytes}
		}
	}

	// The shared strings first: the sheet's check needs what they cost.
	check := &xlsxCheck{lim: lim, sstInMemory: sst != nil && int64(sst.UncompressedSize64) <= xmlSpillBytes}
	for _, zf := range slices.Backward(kept) {
		scan, r := check.sheet, io.Reader(nil)
		if zf == sst {
			scan = check.sharedStrings
		}
		if b, ok := meta[zf]; ok {
			r = bytes.NewReader(b)
		} else {
			rc, err := zf.Open()
			if err != nil {
				return "", nil, fmt.Errorf("không đọc được tệp Excel (.xlsx): phần %s: %w", zf.Name, err)
			}
			defer rc.Close()
			r = rc
		}
		if err := check.scanXML(ctx, zf.Name, r, scan); err != nil {
			return "", nil, err
		}
	}

	// The parts excelize will read, in their order in the file.
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, zf := range zr.File {
		if slices.Contains(kept, zf) {
			if err := zw.Copy(zf); err != nil {
				return "", nil, fmt.Errorf("không đọc được tệp Excel (.xlsx): %w", err)
			}
		}
	}
	if err := zw.Close(); err != nil {
		return "", nil, fmt.Errorf("không đọc được tệp Excel (.xlsx): %w", err)
	}
	return sheet, buf.Bytes(), nil
}

// checkStyles bounds the custom number formats, which excelize looks up
// one after the other and parses anew for every cell it formats, in time
// growing faster than their length (20 µs a cell for a format of 20
// characters, 1.3 ms for 2,000, 67 ms for 20,000): at most
// xmlMaxNumFmts formats of at most xmlMaxNumFmtChars characters, Excel's
// own limits.
func checkStyles(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	var styles struct {
		NumFmts []struct {
			Code   string `xml:"formatCode,attr"`
			Code16 string `xml:"formatCode16,attr"`
		} `xml:"numFmts>numFmt"`
	}
	if err := xml.Unmarshal(b, &styles); err != nil {
		return nil // excelize refuses it too
	}
	if len(styles.NumFmts) > xmlMaxNumFmts {
		return &LimitError{What: "number_formats", Limit: xmlMaxNumFmts}
	}
	for _, f := range styles.NumFmts {
		if utf8.RuneCountInString(f.Code) > xmlMaxNumFmtChars || utf8.RuneCountInString(f.Code16) > xmlMaxNumFmtChars {
			return &LimitError{What: "number_format", Limit: xmlMaxNumFmtChars}
		}
	}
	return nil
}

// readPart reads a whole part; archive/zip fails past its declared size.
func readPart(zf *zip.File) ([]byte, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// The relationship type of the workbook and the namespace of relationship
// ids, in the transitional form excelize translates the strict one to.
const (
	nsRelationships   = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	relOfficeDocument = nsRelationships + "/officeDocument"
)

// strictToTransitional translates the strict OOXML relationships namespace
// (and with it the workbook's relationship type) the way excelize does.
func strictToTransitional(b []byte) []byte {
	return bytes.ReplaceAll(b, []byte("http://purl.oclc.org/ooxml/officeDocument/relationships"), []byte(nsRelationships))
}

type relationship struct {
	ID     string `xml:"Id,attr"`
	Target string `xml:",attr"`
	Type   string `xml:",attr"`
}

// parseRels returns the relationships of a .rels part, none when it is
// missing or malformed (excelize then finds nothing either).
func parseRels(b []byte) []relationship {
	var rels struct {
		Relationship []relationship `xml:"Relationship"`
	}
	if len(b) > 0 {
		_ = xml.Unmarshal(b, &rels)
	}
	return rels.Relationship
}

// workbookRelsPath is excelize's getWorkbookRelsPath.
func workbookRelsPath(wbPath string) string {
	wbDir := filepath.Dir(wbPath)
	if wbDir == "." {
		return "_rels/" + filepath.Base(wbPath) + ".rels"
	}
	return strings.TrimPrefix(filepath.Dir(wbPath)+"/_rels/"+filepath.Base(wbPath)+".rels", "/")
}

// worksheetPath is excelize's getWorksheetPath.
func worksheetPath(wbPath, relTarget string) string {
	path := filepath.ToSlash(strings.TrimPrefix(
		strings.ReplaceAll(filepath.Clean(fmt.Sprintf("%s/%s", filepath.Dir(wbPath), relTarget)), `\`, "/"), "/"))
	if strings.HasPrefix(relTarget, "/") {
		path = filepath.ToSlash(strings.TrimPrefix(strings.ReplaceAll(filepath.Clean(relTarget), `\`, "/"), "/"))
	}
	return path
}

// xmlGuard passes a part's bytes on to the XML decoder, failing when a run
// of more than xmlMaxRun bytes has no '<' (a token too large) or when the
// context ends (checked at every read, that is every 4 KB the decoder
// buffers).
type xmlGuard struct {
	guard
	run int // bytes since the last '<'
}

func (g *xmlGuard) Read(p []byte) (int, error) {
	return g.read(p, g.scan)
}

// scan follows the runs without '<' through q, the next bytes of the part.
func (g *xmlGuard) scan(q []byte) error {
	n := len(q)
	if i := bytes.IndexByte(q, '<'); i < 0 {
		g.run += n
	} else if g.run+i > xmlMaxRun {
		g.run += i
	} else if n <= xmlMaxRun {
		g.run = n - bytes.LastIndexByte(q, '<') - 1
	} else { // a read larger than a run: look at every run
		for g.run = 0; ; {
			q = q[i+1:]
			if i = bytes.IndexByte(q, '<'); i < 0 {
				g.run = len(q)
				break
			}
			if i > xmlMaxRun {
				g.run = i
				break
			}
		}
	}
	if g.run > xmlMaxRun {
		return errTokenTooLong
	}
	return nil
}

var errTokenTooLong = errors.New("XML token too long")

// xlsxCheck is the state of the checks of one file's parts.
type xlsxCheck struct {
	lim Limits
	// line is the row of the cell being read, 0 outside cells, for the
	// message of a token found too long (the guard cannot tell where a
	// token it cuts belongs, but inside a cell it belongs to the cell).
	line int
	// The shared strings, when excelize keeps them in memory and decodes
	// one anew at each reference: by index, the log2 of the work of
	// decoding it (see escapeWork), 0 for a string without escapes; nil
	// when no string has any.
	sstInMemory bool
	sstWork     []uint8
	sstCount    int
	// work is the total work of decoding escapes so far.
	work int64
}

// escapeWork estimates the work of decoding a string of n bytes holding e
// escapes "_xHHHH_" (which write characters XML cannot hold), in bytes
// copied: excelize finds them with a regular expression, about as costly
// as copying the string 32 times, and appends each piece to a growing
// string, copying up to n bytes for each escape. Here a string of 32,767
// characters written as 4,681 escapes takes 10 ms to decode; one such
// shared string referenced by every cell of a sheet, or a sheet of such
// inline strings, would take hours.
func escapeWork(n, e int) int64 {
	if e == 0 {
		return 0
	}
	return int64(n) * int64(e+32)
}

// addWork adds the work of decoding escapes, refusing past xmlMaxEscapeWork.
func (c *xlsxCheck) addWork(w int64) error {
	if c.work += w; c.work > xmlMaxEscapeWork {
		return &LimitError{What: "escapes", Line: c.line, Limit: xmlMaxEscapeWork}
	}
	return nil
}

var escape = []byte("_x")

// scanXML streams a part through the guard and scan, and translates what
// stops it into the reader's errors.
func (c *xlsxCheck) scanXML(ctx context.Context, name string, r io.Reader, scan func(*xml.Decoder) error) error {
	g := &xmlGuard{guard: guard{r: r, ctx: ctx}}
	c.line = 0
	err := scan(xml.NewDecoder(g))
	switch {
	case err == nil:
		return nil
	case g.err == errTokenTooLong:
		return &LimitError{What: "cell", Line: c.line, Limit: int64(c.lim.MaxCellChars)}
	case g.err != nil:
		return g.err // the context ended
	}
	var le *LimitError
	if errors.As(err, &le) {
		return le
	}
	return fmt.Errorf("không đọc được tệp Excel (.xlsx): phần %s bị lỗi: %w", name, err)
}

// nextToken returns the next token of d, or nil at the end of the part,
// keeping the nesting depth within xmlMaxDepth.
func nextToken(d *xml.Decoder, depth *int, line int) (xml.Token, error) {
	tok, err := d.RawToken()
	if err == io.EOF {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	switch tok.(type) {
	case xml.StartElement:
		if *depth++; *depth > xmlMaxDepth {
			return nil, &LimitError{What: "xml_depth", Line: line, Limit: xmlMaxDepth}
		}
	case xml.EndElement:
		// RawToken does not match end elements with start elements:
		// one too many must not make room for a deeper nesting.
		*depth = max(*depth-1, 0)
	}
	return tok, nil
}

// sharedStrings checks the shared strings: each string (<si>, a child of
// the root, its text in <t> elements outside phonetic runs) has at most
// MaxCellChars characters and xmlMaxCellElements elements. It also counts
// the work of decoding their escapes: once for all when excelize keeps them
// in a temporary file, at each reference (see sheet) when in memory.
func (c *xlsxCheck) sharedStrings(d *xml.Decoder) error {
	var (
		depth    int
		inSI     bool
		chars    int
		size     int // bytes of text
		escapes  int
		elements int
		inT      int // depth of the <t> being read, 0 outside
		rph      int // depth of the <rPh> being read, 0 outside
	)
	cell := &LimitError{What: "cell", Limit: int64(c.lim.MaxCellChars)}
	for {
		tok, err := nextToken(d, &depth, 0)
		if tok == nil || err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch {
			case t.Name.Local == "si" && !inSI:
				if depth != 2 {
					// excelize finds strings elsewhere in memory and
					// in a temporary file: indexes could differ.
					return errors.New("<si> outside <sst>")
				}
				inSI, chars, size, escapes, elements, inT, rph = true, 0, 0, 0, 0, 0, 0
			case !inSI:
			case t.Name.Local == "rPh" && rph == 0:
				rph = depth
			case t.Name.Local == "t" && rph == 0 && inT == 0:
				inT = depth
			}
			if inSI {
				if elements++; elements > xmlMaxCellElements {
					return cell
				}
			}
		case xml.EndElement:
			switch depth + 1 {
			case 2:
				if !inSI {
					break
				}
				inSI = false
				w := escapeWork(size, escapes)
				if !c.sstInMemory {
					if err := c.addWork(w); err != nil {
						return err
					}
				} else if w > 0 {
					if c.sstWork == nil {
						c.sstWork = make([]uint8, c.sstCount, max(c.sstCount+1, 1024))
					}
					c.sstWork = append(c.sstWork, uint8(bits.Len64(uint64(w))))
				} else if c.sstWork != nil {
					c.sstWork = append(c.sstWork, 0)
				}
				c.sstCount++
			case inT:
				inT = 0
			case rph:
				rph = 0
			}
		case xml.CharData:
			if inT > 0 {
				if chars += utf8.RuneCount(t); chars > c.lim.MaxCellChars {
					return cell
				}
				size += len(t)
				escapes += bytes.Count(t, escape)
			}
		}
	}
}

// sheet checks a worksheet the way excelize's row iterator will read it, up
// to the end of its sheetData. It counts row positions as the iterator
// yields them (a <row r="N"> after row M < N-1 yields the rows in between,
// empty) and refuses:
//
//   - a cell value (<v>, or the text of an inline string) longer than
//     MaxCellChars characters, as written (before trimming and NFC, as Excel
//     counts), or a cell of more than xmlMaxCellElements elements;
//   - a cell holding a value or a formula in a column beyond MaxColumns
//     (the iterator pads the row with empty cells up to it);
//   - more than MaxEmptyRows rows that certainly read as empty (no
//     non-blank <v> nor inline text);
//   - more rows than MaxRows+MaxEmptyRows+1 (the header), which the builder
//     would refuse for one budget or the other;
//   - escapes in inline strings, and references to shared strings with
//     escapes, that would take more than xmlMaxEscapeWork to decode (the
//     sheet is read twice).
func (c *xlsxCheck) sheet(d *xml.Decoder) error {
	lim := c.lim
	var (
		depth     int
		started   bool // a row was seen: cells belong to the current row
		pos       int  // row position, as the iterator counts them
		empties   int  // rows certainly empty
		filled    int  // rows perhaps not empty
		overRows  int  // the row where filled passed MaxRows+1, 0 before
		rowFilled bool // the current row has a non-blank value
		// The current cell:
		inCell    bool
		cellDepth int
		shared    bool // of type "s"
		col       int  // column, as the iterator counts them
		chars     int
		size      int // bytes of inline text
		escapes   int
		elements  int
		valued    bool   // holds a value or a formula
		inText    int    // depth of the <v> or inline <t> being read, 0 outside
		inV       bool   // the text being read is the <v>
		v         []byte // the start of the <v>, for a shared string's index
		rph       int    // depth of an inline string's <rPh>, 0 outside
	)
	endRow := func() error {
		if !started {
			return nil
		}
		if rowFilled {
			filled++
			if filled == lim.MaxRows+2 {
				overRows = pos
			}
		} else if empties++; empties > lim.MaxEmptyRows {
			return &LimitError{What: "empty_rows", Line: pos, Limit: int64(lim.MaxEmptyRows)}
		}
		if pos > lim.MaxRows+lim.MaxEmptyRows+1 {
			if overRows > 0 {
				return &LimitError{What: "rows", Line: overRows, Limit: int64(lim.MaxRows)}
			}
			return &LimitError{What: "empty_rows", Line: pos, Limit: int64(lim.MaxEmptyRows)}
		}
		return nil
	}
	endCell := func() error {
		inCell, c.line = false, 0
		if valued && col > lim.MaxColumns {
			return &LimitError{What: "columns", Line: pos, Limit: int64(lim.MaxColumns)}
		}
		w := 2 * escapeWork(size, escapes) // the sheet is read twice
		if shared && c.sstWork != nil {
			// excelize reads the index as strconv.Atoi does, 0 when it
			// cannot.
			i, _ := strconv.Atoi(string(bytes.TrimSpace(v)))
			if i >= 0 && i < len(c.sstWork) && c.sstWork[i] > 0 {
				w += 2 << c.sstWork[i]
			}
		}
		c.line = pos
		err := c.addWork(w)
		c.line = 0
		return err
	}
	for {
		tok, err := nextToken(d, &depth, pos)
		if err != nil {
			return err
		}
		if tok == nil {
			return endRow()
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch name := t.Name.Local; {
			case name == "row":
				if inCell {
					// excelize reads the row inside the cell as part of
					// it; counting it as a row only counts more.
					if err := endCell(); err != nil {
						return err
					}
				}
				if err := endRow(); err != nil {
					return err
				}
				started, rowFilled, col = true, false, 0
				r, _ := strconv.Atoi(attr(t, "r"))
				if r > pos+1 {
					// The rows skipped are empty.
					gap := r - pos - 1
					if empties+gap > lim.MaxEmptyRows {
						return &LimitError{What: "empty_rows", Line: pos + 1 + lim.MaxEmptyRows - empties, Limit: int64(lim.MaxEmptyRows)}
					}
					empties += gap
					pos = r
				} else {
					pos++
				}
			case !started:
			case name == "c" && !inCell:
				inCell, cellDepth, shared = true, depth, attr(t, "t") == "s"
				chars, size, escapes, elements, valued, inText, rph, v = 0, 0, 0, 0, false, 0, 0, v[:0]
				c.line = pos
				col++
				if ref := attr(t, "r"); ref != "" {
					col = refColumn(ref)
				}
			case !inCell:
			case name == "f":
				valued = true
			case name == "rPh" && rph == 0:
				rph = depth
			case (name == "v" || name == "t") && inText == 0 && rph == 0:
				inText, inV = depth, name == "v"
			}
			if inCell {
				if elements++; elements > xmlMaxCellElements {
					return &LimitError{What: "cell", Line: pos, Limit: int64(lim.MaxCellChars)}
				}
			}
		case xml.EndElement:
			switch {
			case t.Name.Local == "sheetData":
				// The iterator stops here.
				if inCell {
					if err := endCell(); err != nil {
						return err
					}
				}
				return endRow()
			case !inCell:
			case depth+1 == cellDepth:
				if err := endCell(); err != nil {
					return err
				}
			case depth+1 == inText:
				inText = 0
			case depth+1 == rph:
				rph = 0
			}
		case xml.CharData:
			if inCell && inText > 0 {
				if chars += utf8.RuneCount(t); chars > lim.MaxCellChars {
					return &LimitError{What: "cell", Line: pos, Limit: int64(lim.MaxCellChars)}
				}
				if inV {
					if len(v) < 32 {
						v = append(v, t[:min(len(t), 32)]...)
					}
				} else {
					size += len(t)
					escapes += bytes.Count(t, escape)
				}
				if len(t) > 0 {
					valued = true
					if !rowFilled && len(bytes.TrimFunc(t, unicode.IsSpace)) > 0 {
						rowFilled = true
					}
				}
			}
		}
	}
}

// attr returns the value of the element's attribute of that local name.
func attr(e xml.StartElement, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// refColumn returns the column number of a cell reference ("AB12" is 28),
// or a number beyond every budget when the letters name no column Excel
// has; 0 when there are no letters.
func refColumn(ref string) int {
	col := 0
	for i := 0; i < len(ref); i++ {
		c := ref[i] | 0x20 // lower case
		if ref[i] == '$' {
			continue
		}
		if c < 'a' || c > 'z' {
			break
		}
		if col = col*26 + int(c-'a') + 1; col > 1<<20 {
			return 1 << 20
		}
	}
	return col
}
