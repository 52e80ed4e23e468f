// Package unitfile reads the CSV files that describe administrative units,
// their changes, the changes no source resolves and their census
// population (formats in internal/seed/units/README.md and the README's
// "Units" section). Which of the four a file is comes from its header
// line. Every problem names the file, the row and the column.
package unitfile

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"outreach/internal/outreach"
)

// Kind is which of the four files a file is.
type Kind string

// File kinds, named after their seed files.
const (
	KindUnits      Kind = "units"
	KindChanges    Kind = "unit_changes"
	KindPopulation Kind = "population"
	KindUnresolved Kind = "unresolved"
)

var headers = map[Kind][]string{
	KindUnits:      {"code", "name", "type", "level", "parent_code", "valid_from", "valid_to"},
	KindChanges:    {"date", "kind", "old_code", "new_code", "portion", "basis", "note", "share", "confidence", "uncertain"},
	KindPopulation: {"code", "ref_date", "group", "value", "source"},
	KindUnresolved: {"date", "code", "unknown", "reason"},
}

// A changes file may leave out the trailing columns: confidence and
// uncertain (the links are then taken as certain, with no word on how they
// were found), and share too (every partial link of a unit then splits it
// equally).
var changesShorter = [][]string{
	headers[KindChanges][:7],
	headers[KindChanges][:8],
}

// Change is a row of a changes file: a link from the version of OldCode in
// force the day before Date to the version of NewCode in force on Date.
type Change struct {
	Ref     string // "file:row", for messages
	Date    string
	Kind    string
	OldCode string
	NewCode string
	Portion string
	Basis   string
	Note    string
	// Share is the part of the old unit a partial link moves (0 < Share ≤
	// 1); 0 when the file does not say.
	Share float64
	// Confidence is the source's word on how the link was found; Uncertain
	// flags a link the source doubts or a partial one without a share.
	// Assessed is set when the file has these two columns (a file
	// without them leaves a link's confidence as the database has it).
	Confidence string
	Uncertain  bool
	Assessed   bool
}

// Unresolved is a row of an unresolved-changes file: the version of Code
// that ended on Date with no known successor (Unknown "successor"), or
// began on Date with no known predecessor (Unknown "predecessor").
type Unresolved struct {
	Ref     string
	Date    string
	Code    string
	Unknown string
	Reason  string
}

// Data is what one or more unit files hold. Row numbers are kept so the
// store can point at the line of a problem it finds (a parent that does not
// exist, a change that resolves to no unit).
type Data struct {
	Units       []UnitRow
	Changes     []Change
	Populations []PopulationRow
	Unresolved  []Unresolved
}

// UnitRow is a unit version read from a file, with where it was read.
type UnitRow struct {
	outreach.Unit
	Ref string
}

// PopulationRow is a population figure read from a file, with where.
type PopulationRow struct {
	outreach.Population
	Ref string
}

// Parse reads one file and tells its kind by the header. The error, when
// not nil, is a *outreach.ValidationError listing every problem.
// A gzip-compressed file (the seed's, or one named .csv.gz) is read
// decompressed.
func Parse(name string, data []byte) (Kind, *Data, error) {
	if bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
		var err error
		if data, err = Gunzip(name, data); err != nil {
			return "", nil, outreach.Invalid(name, "cannot decompress: %v", err)
		}
		name = strings.TrimSuffix(name, ".gz")
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return "", nil, outreach.Invalid(name, "cannot read the header line: %v", err)
	}
	for i := range header {
		header[i] = strings.TrimSpace(header[i])
	}
	var kind Kind
	for k, h := range headers {
		if slices.Equal(h, header) {
			kind = k
		}
	}
	for _, h := range changesShorter {
		if slices.Equal(header, h) {
			kind = KindChanges
		}
	}
	if kind == "" {
		return "", nil, outreach.Invalid(name+":1", "unknown header %q: expected one of %q, %q, %q or %q",
			strings.Join(header, ","), strings.Join(headers[KindUnits], ","), strings.Join(headers[KindChanges], ","),
			strings.Join(headers[KindPopulation], ","), strings.Join(headers[KindUnresolved], ","))
	}
	d := &Data{}
	switch n := bytes.Count(data, []byte("\n")); kind {
	case KindUnits:
		d.Units = make([]UnitRow, 0, n)
	case KindChanges:
		d.Changes = make([]Change, 0, n)
	case KindPopulation:
		d.Populations = make([]PopulationRow, 0, n)
	case KindUnresolved:
		d.Unresolved = make([]Unresolved, 0, n)
	}
	r.ReuseRecord = true
	v := &outreach.ValidationError{}
	row := 1
	for {
		rec, err := r.Read()
		row++
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			v.Add(fmt.Sprintf("%s:%d", name, row), "%v", err)
			break
		}
		if len(rec) != len(header) {
			v.Add(fmt.Sprintf("%s:%d", name, row), "expected %d columns, got %d", len(header), len(rec))
			continue
		}
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		at := func(col string) string { return fmt.Sprintf("%s:%d:%s", name, row, col) }
		date := func(col, s string, optional bool) {
			if s == "" && optional {
				return
			}
			if !outreach.ValidDate(s) {
				v.Add(at(col), "expected a date YYYY-MM-DD, got %q", s)
			}
		}
		switch kind {
		case KindUnits:
			u := outreach.Unit{Code: rec[0], Name: rec[1], Type: rec[2], ParentCode: rec[4], ValidFrom: rec[5], ValidTo: rec[6]}
			if !outreach.ValidUnitCode(u.Code) {
				v.Add(at("code"), "expected a code of letters and digits (GSO: 2, 3 or 5 digits), got %q", u.Code)
			}
			if u.ParentCode != "" && !outreach.ValidUnitCode(u.ParentCode) {
				v.Add(at("parent_code"), "expected a code of letters and digits, got %q", u.ParentCode)
			}
			if u.Name == "" {
				v.Add(at("name"), "is required")
			}
			if !slices.Contains(outreach.UnitTypes, u.Type) {
				v.Add(at("type"), "expected one of %s, got %q", strings.Join(outreach.UnitTypes, ", "), u.Type)
			}
			lvl, err := strconv.Atoi(rec[3])
			if err != nil || lvl < outreach.LevelProvince || lvl > outreach.LevelCommune {
				v.Add(at("level"), "expected 1 (province), 2 (district) or 3 (commune), got %q", rec[3])
			}
			u.Level = lvl
			if lvl > outreach.LevelProvince && u.ParentCode == "" {
				v.Add(at("parent_code"), "a unit below province level needs a parent")
			}
			date("valid_from", u.ValidFrom, true)
			date("valid_to", u.ValidTo, true)
			if u.ValidFrom != "" && u.ValidTo != "" && u.ValidTo <= u.ValidFrom {
				v.Add(at("valid_to"), "must be after valid_from (%s), got %s", u.ValidFrom, u.ValidTo)
			}
			d.Units = append(d.Units, UnitRow{u, fmt.Sprintf("%s:%d", name, row)})
		case KindChanges:
			c := Change{Ref: fmt.Sprintf("%s:%d", name, row), Date: rec[0], Kind: rec[1], OldCode: rec[2], NewCode: rec[3], Portion: rec[4], Basis: rec[5], Note: rec[6]}
			if len(rec) > 7 && rec[7] != "" {
				sh, err := strconv.ParseFloat(rec[7], 64)
				if err != nil || sh <= 0 || sh > 1 {
					v.Add(at("share"), "expected a share between 0 and 1 (e.g. 0.8036), got %q", rec[7])
				}
				if c.Portion != outreach.PortionPartial {
					v.Add(at("share"), "only a partial link has a share")
				}
				c.Share = sh
			}
			if len(rec) > 8 {
				c.Confidence, c.Assessed = rec[8], true
			}
			if len(rec) > 9 {
				switch strings.ToLower(rec[9]) {
				case "", "0", "false", "no":
				case "1", "true", "yes":
					c.Uncertain = true
				default:
					v.Add(at("uncertain"), "expected 1 (uncertain) or empty, got %q", rec[9])
				}
			}
			date("date", c.Date, false)
			if c.Kind == "" {
				v.Add(at("kind"), "is required")
			}
			if c.OldCode == "" {
				v.Add(at("old_code"), "is required")
			}
			if c.NewCode != "" && c.Portion != outreach.PortionFull && c.Portion != outreach.PortionPartial {
				v.Add(at("portion"), "expected full or partial, got %q", c.Portion)
			}
			d.Changes = append(d.Changes, c)
		case KindPopulation:
			p := outreach.Population{UnitCode: rec[0], RefDate: rec[1], Group: rec[2], Source: rec[4]}
			if p.UnitCode == "" {
				v.Add(at("code"), "is required")
			}
			date("ref_date", p.RefDate, false)
			if p.Group == "" {
				v.Add(at("group"), "is required")
			}
			n, err := strconv.ParseInt(rec[3], 10, 64)
			if err != nil || n < 0 {
				v.Add(at("value"), "expected a whole number of people, got %q", rec[3])
			}
			p.Value = n
			d.Populations = append(d.Populations, PopulationRow{p, fmt.Sprintf("%s:%d", name, row)})
		case KindUnresolved:
			u := Unresolved{Ref: fmt.Sprintf("%s:%d", name, row), Date: rec[0], Code: rec[1], Unknown: rec[2], Reason: rec[3]}
			date("date", u.Date, false)
			if !outreach.ValidUnitCode(u.Code) {
				v.Add(at("code"), "expected a code of letters and digits, got %q", u.Code)
			}
			if u.Unknown != outreach.UnknownSuccessor && u.Unknown != outreach.UnknownPredecessor {
				v.Add(at("unknown"), "expected %s or %s, got %q", outreach.UnknownSuccessor, outreach.UnknownPredecessor, u.Unknown)
			}
			d.Unresolved = append(d.Unresolved, u)
		}
	}
	if len(d.Units)+len(d.Changes)+len(d.Populations)+len(d.Unresolved) == 0 && len(v.Problems) == 0 {
		v.Add(name, "the file has a header but no rows")
	}
	return kind, d, v.Err()
}

// Merge adds another file's rows to d.
func (d *Data) Merge(o *Data) {
	d.Units = append(d.Units, o.Units...)
	d.Changes = append(d.Changes, o.Changes...)
	d.Populations = append(d.Populations, o.Populations...)
	d.Unresolved = append(d.Unresolved, o.Unresolved...)
}

// SeedFiles names the seed's files, gzip-compressed CSV, in the order
// Seed reads them.
var SeedFiles = []string{"units.csv.gz", "unit_changes.csv.gz", "population.csv.gz", "unresolved.csv.gz"}

// maxSeedFile bounds a compressed file once decompressed.
const maxSeedFile = 64 << 20

// Gunzip decompresses a gzip file of at most 64 MiB once decompressed.
func Gunzip(name string, b []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	out, err := io.ReadAll(io.LimitReader(zr, maxSeedFile+1))
	if err == nil && len(out) > maxSeedFile {
		err = errors.New("more than 64 MiB once decompressed")
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return out, zr.Close()
}

// Seed reads the seed files (SeedFiles) through read into one Data.
func Seed(read func(name string) ([]byte, error)) (*Data, error) {
	all := &Data{}
	for _, n := range SeedFiles {
		b, err := read(n)
		if err != nil {
			return nil, err
		}
		_, d, err := Parse(n, b)
		if err != nil {
			return nil, err
		}
		all.Merge(d)
	}
	return all, nil
}
