// Package unitfile reads the CSV files that describe administrative units,
// their changes and their census population (formats in
// internal/seed/units/README.md and the README's "Units" section). Which of
// the three a file is comes from its header line. Every problem names the
// file, the row and the column.
package unitfile

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"outreach/internal/outreach"
)

// Kind is which of the three files a file is.
type Kind string

// File kinds, named after their seed files.
const (
	KindUnits      Kind = "units"
	KindChanges    Kind = "unit_changes"
	KindPopulation Kind = "population"
)

var headers = map[Kind][]string{
	KindUnits:      {"code", "name", "type", "level", "parent_code", "valid_from", "valid_to"},
	KindChanges:    {"date", "kind", "old_code", "new_code", "portion", "basis", "note", "share"},
	KindPopulation: {"code", "ref_date", "group", "value", "source"},
}

// A changes file may leave out the share column (every partial link of a
// unit then splits it equally).
var changesWithoutShare = []string{"date", "kind", "old_code", "new_code", "portion", "basis", "note"}

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
}

// Data is what one or more unit files hold. Row numbers are kept so the
// store can point at the line of a problem it finds (a parent that does not
// exist, a change that resolves to no unit).
type Data struct {
	Units       []UnitRow
	Changes     []Change
	Populations []PopulationRow
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
func Parse(name string, data []byte) (Kind, *Data, error) {
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
	if slices.Equal(header, changesWithoutShare) {
		kind = KindChanges
	}
	if kind == "" {
		return "", nil, outreach.Invalid(name+":1", "unknown header %q: expected one of %q, %q or %q",
			strings.Join(header, ","), strings.Join(headers[KindUnits], ","), strings.Join(headers[KindChanges], ","), strings.Join(headers[KindPopulation], ","))
	}
	d := &Data{}
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
		}
	}
	if len(d.Units)+len(d.Changes)+len(d.Populations) == 0 && len(v.Problems) == 0 {
		v.Add(name, "the file has a header but no rows")
	}
	return kind, d, v.Err()
}

// Merge adds another file's rows to d.
func (d *Data) Merge(o *Data) {
	d.Units = append(d.Units, o.Units...)
	d.Changes = append(d.Changes, o.Changes...)
	d.Populations = append(d.Populations, o.Populations...)
}

// Seed reads the three seed files from fsys (units.csv, unit_changes.csv,
// population.csv under dir) into one Data.
func Seed(read func(name string) ([]byte, error)) (*Data, error) {
	all := &Data{}
	for _, n := range []string{"units.csv", "unit_changes.csv", "population.csv"} {
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
