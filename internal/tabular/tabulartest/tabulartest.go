// Package tabulartest writes hostile files of the kinds that once exhausted
// the server through an import preview, for resource tests of the readers
// in package tabular and of their callers.
//
// Each file is generated as it is written: the generators hold a few
// kilobytes whatever the size of the file or of its uncompressed content.
package tabulartest

import (
	"archive/zip"
	"bufio"
	"bytes"
	"fmt"
	"io"
)

// HugeCellXLSX writes a valid XLSX workbook of one sheet whose only cell, A1,
// is a shared string of cellBytes letters "a". It compresses about 1000 to
// 1: a 300 MB cell makes a file of about 300 KB.
func HugeCellXLSX(w io.Writer, cellBytes int64) error {
	sheet := `<row r="1"><c r="A1" t="s"><v>0</v></c></row>`
	return writeXLSX(w, sheet, func(zw *zip.Writer) error {
		sst, err := zw.Create("xl/sharedStrings.xml")
		if err != nil {
			return err
		}
		if _, err := io.WriteString(sst, xmlHeader+`<sst xmlns="`+nsMain+`" count="1" uniqueCount="1"><si><t>`); err != nil {
			return err
		}
		if err := repeat(sst, []byte("a"), cellBytes); err != nil {
			return err
		}
		_, err = io.WriteString(sst, `</t></si></sst>`)
		return err
	})
}

// WideCSV writes a CSV file whose header line has the given number of
// columns, "a,a,…,a" (2 bytes a column: 500,000 columns take 976 KB),
// followed by one data line "1".
func WideCSV(w io.Writer, columns int) error {
	bw := bufio.NewWriter(w)
	if columns > 0 {
		if err := repeat(bw, []byte("a,"), int64(columns-1)*2); err != nil {
			return err
		}
		if _, err := bw.WriteString("a\n"); err != nil {
			return err
		}
	}
	if _, err := bw.WriteString("1\n"); err != nil {
		return err
	}
	return bw.Flush()
}

// emptyRow is a row as Excel writes it once formatting has been applied to
// whole rows: styled, with a height, and no cell. Without an r attribute
// every such row is the same, which compresses best.
const emptyRow = `<row spans="1:26" s="1" customFormat="1" ht="15" customHeight="1" x14ac:dyDescent="0.25"/>`

// EmptyRowsXLSX writes a valid XLSX workbook whose sheet has a header row
// (A1 = "Tên"), then the given number of empty, formatted <row> elements
// of about 90 bytes each, then one data row (A = "cuối"). Ten million rows
// are about 900 MB of sheet XML in a file of about 1 MB.
func EmptyRowsXLSX(w io.Writer, rows int) error {
	return writeXLSX(w, "", func(zw *zip.Writer) error { return nil }, func(sheet io.Writer) error {
		if _, err := io.WriteString(sheet, `<row r="1" spans="1:26"><c r="A1" t="inlineStr"><is><t>Tên</t></is></c></row>`); err != nil {
			return err
		}
		if err := repeat(sheet, []byte(emptyRow), int64(rows)*int64(len(emptyRow))); err != nil {
			return err
		}
		_, err := io.WriteString(sheet, `<row spans="1:26"><c t="inlineStr"><is><t>cuối</t></is></c></row>`)
		return err
	})
}

const (
	xmlHeader = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
	nsMain    = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
	nsRel     = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
)

// writeXLSX writes a workbook of one sheet, "Sheet1", whose sheetData holds
// rows (and what the optional body functions write after it), plus what
// extra writes (the shared strings).
func writeXLSX(w io.Writer, rows string, extra func(*zip.Writer) error, body ...func(io.Writer) error) error {
	zw := zip.NewWriter(w)
	fixed := []struct{ name, content string }{
		{"[Content_Types].xml", `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
			`<Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
			`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
			`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
			`<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>` +
			`</Types>`},
		{"_rels/.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="` + nsRel + `/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<workbook xmlns="` + nsMain + `" xmlns:r="` + nsRel + `">` +
			`<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="` + nsRel + `/worksheet" Target="worksheets/sheet1.xml"/>` +
			`<Relationship Id="rId2" Type="` + nsRel + `/styles" Target="styles.xml"/>` +
			`<Relationship Id="rId3" Type="` + nsRel + `/sharedStrings" Target="sharedStrings.xml"/></Relationships>`},
		{"xl/styles.xml", `<styleSheet xmlns="` + nsMain + `"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>` +
			`<fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders>` +
			`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
			`<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
			`<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>`},
	}
	for _, p := range fixed {
		f, err := zw.Create(p.name)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(f, xmlHeader+p.content); err != nil {
			return err
		}
	}
	sheet, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		return err
	}
	if _, err := io.WriteString(sheet, xmlHeader+`<worksheet xmlns="`+nsMain+`" xmlns:r="`+nsRel+`"`+
		` xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac"`+
		` xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac">`+
		`<dimension ref="A1"/><sheetData>`+rows); err != nil {
		return err
	}
	for _, b := range body {
		if err := b(sheet); err != nil {
			return err
		}
	}
	if _, err := io.WriteString(sheet, `</sheetData></worksheet>`); err != nil {
		return err
	}
	if err := extra(zw); err != nil {
		return err
	}
	return zw.Close()
}

// repeat writes n bytes made of unit repeated (n a multiple of its length
// or not: the last copy is cut), 64 KB at a time.
func repeat(w io.Writer, unit []byte, n int64) error {
	if n <= 0 {
		return nil
	}
	chunk := bytes.Repeat(unit, max(1, (64<<10)/len(unit)))
	for n > 0 {
		c := chunk[:min(int64(len(chunk)), n)]
		if _, err := w.Write(c); err != nil {
			return fmt.Errorf("tabulartest: %w", err)
		}
		n -= int64(len(c))
	}
	return nil
}
