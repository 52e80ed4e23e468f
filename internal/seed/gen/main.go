//go:build ignore

// Command gen builds the administrative-unit seed files in internal/seed/units
// from the Bắc Kạn reference CSVs in ../shared/data (whose README.md lists the
// sources: GSO code snapshots, NQ 855/NQ-UBTVQH14, NQ 722/NQ-UBTVQH15,
// NQ 1683/NQ-UBTVQH15 with CV 1027/CTK-CSCL, and the 2019 census).
//
// It writes three CSV files (UTF-8, header line, encoding/csv quoting):
//
//   - units.csv: one row per version of a unit (code, name, type, level and
//     parent constant over [valid_from, valid_to)), 2015 → after 2025-07-01;
//   - unit_changes.csv: links from a predecessor version to a successor
//     version, from bac-kan-unit-changes.csv;
//   - population.csv: 2019 census figures per unit and group.
//
// The output is sorted and therefore deterministic; the input is checked on
// the way (continuity between the 2017, 2020 and 2025 sets, names in the
// change list, parents, links, totals) and any inconsistency stops the run.
//
// Usage, from the module root:
//
//	go run ./internal/seed/gen/main.go -data ../shared/data -out internal/seed/units
//
// (the file carries the "ignore" build constraint so that it is not part of
// ordinary builds; name the file, not the directory, when running it).
package main

import (
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

const (
	censusDate   = "2019-04-01"
	censusSource = "Tổng điều tra dân số và nhà ở 2019 (TCTK)"
	// publishedMinority is the ethnic-minority total given by the source of
	// bac-kan-ethnicity-2019.csv (bandantoc.backan.gov.vn); it is only
	// compared with the sum computed from the file, never written.
	publishedMinority = 276284
)

// typeCodes maps the Vietnamese unit type used in the data to the type code
// written to units.csv.
var typeCodes = map[string]string{
	"Tỉnh":      "tinh",
	"Thành phố": "thanh_pho",
	"Thị xã":    "thi_xa",
	"Huyện":     "huyen",
	"Phường":    "phuong",
	"Xã":        "xa",
	"Thị trấn":  "thi_tran",
}

// levels maps the data's level column to the level written to units.csv.
var levels = map[string]int{"tinh": 1, "huyen": 2, "xa": 3}

// version is one row of units.csv.
type version struct {
	code, name, typ string
	level           int
	parent          string
	from, to        string // ISO dates; "" = open
}

func (v *version) validOn(d string) bool {
	return (v.from == "" || v.from <= d) && (v.to == "" || v.to > d)
}

func (v *version) String() string {
	return fmt.Sprintf("%s %q [%s, %s)", v.code, v.name, v.from, v.to)
}

// link is one row of unit_changes.csv.
type link struct {
	date, kind, oldCode, newCode, portion, basis, note string
	// share is the part of the old unit's people the link moves, for
	// partial links ("0.8036"); empty for full ones.
	share string
}

// popRow is one row of population.csv; rank orders groups within a code.
type popRow struct {
	code, refDate, group string
	value                int
	level, rank          int
	// source is set for estimates; census figures leave it empty.
	source string
}

// Estimates the indicators need and the census tables lack, each with its
// method in the source column.
const (
	sourceAge1416 = "Ước tính: 1/5 nhóm 10–14 tuổi + 2/5 nhóm 15–19 tuổi (TĐTDS 2019)"
	sourceFemale  = "Ước tính từ tỷ số giới tính 104,1 nam/100 nữ năm 2019 (TCTK)"
	sexRatio2019  = 104.1
)

// addEstimates derives children aged 14–16 from the five-year age groups
// (province and districts) and women from the 2019 sex ratio (province).
func addEstimates(rows []popRow) []popRow {
	byCode := map[string]map[string]popRow{}
	var codes []string
	for _, r := range rows {
		if byCode[r.code] == nil {
			byCode[r.code] = map[string]popRow{}
			codes = append(codes, r.code)
		}
		byCode[r.code][r.group] = r
	}
	for _, c := range codes {
		g := byCode[c]
		a, okA := g["age_10_14"]
		b, okB := g["age_15_19"]
		if okA && okB {
			n := int(float64(a.value)/5 + float64(b.value)*2/5 + 0.5)
			rows = append(rows, popRow{code: c, refDate: censusDate, group: "age_14_16", value: n, level: a.level, rank: 900, source: sourceAge1416})
		}
		if t, ok := g["total"]; ok && t.level == 1 {
			n := int(float64(t.value)*100/(100+sexRatio2019) + 0.5)
			rows = append(rows, popRow{code: c, refDate: censusDate, group: "female", value: n, level: 1, rank: 901, source: sourceFemale})
		}
	}
	return rows
}

// table is a CSV file read into rows keyed by column name.
type table struct {
	name   string
	header []string
	rows   []map[string]string
}

func main() {
	dataDir := flag.String("data", "../shared/data", "directory holding the bac-kan-*.csv reference files")
	outDir := flag.String("out", "internal/seed/units", "directory to write units.csv, unit_changes.csv and population.csv to")
	flag.Parse()
	if err := run(*dataDir, *outDir); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(dataDir, outDir string) error {
	load := func(name string, cols ...string) (*table, error) {
		return readTable(filepath.Join(dataDir, name), cols...)
	}
	unitCols := []string{"code", "name", "type", "level", "parent_code", "as_of", "valid_to"}
	t2017, err := load("bac-kan-units-2017.csv", unitCols...)
	if err != nil {
		return err
	}
	t2020, err := load("bac-kan-units-2020.csv", unitCols...)
	if err != nil {
		return err
	}
	t2025, err := load("bac-kan-units-2025.csv", "code", "name", "type", "level", "parent_code", "valid_from")
	if err != nil {
		return err
	}
	tChanges, err := load("bac-kan-unit-changes.csv", "effective_date", "basis", "change_type", "old_code", "old_name",
		"old_type", "old_parent_code", "new_code", "new_name", "new_type", "new_parent_code", "portion", "note")
	if err != nil {
		return err
	}
	tPopCommunes, err := load("bac-kan-population-2019-communes.csv", "code", "name", "pop_total_2019", "pop_urban_2019", "pop_rural_2019")
	if err != nil {
		return err
	}
	tPopDistricts, err := load("bac-kan-population-2019-districts.csv", "code", "name", "pop_total", "pop_urban", "pop_rural")
	if err != nil {
		return err
	}
	tEthnic, err := load("bac-kan-ethnicity-2019.csv", "ethnic_group", "population_2019")
	if err != nil {
		return err
	}

	units, err := buildUnits(t2017, t2020, t2025, tChanges)
	if err != nil {
		return err
	}
	if err := checkUnits(units); err != nil {
		return err
	}
	links, err := buildLinks(units, tChanges)
	if err != nil {
		return err
	}
	pop, err := buildPopulation(units, tPopCommunes, tPopDistricts, tEthnic)
	if err != nil {
		return err
	}

	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	if err := writeUnits(filepath.Join(outDir, "units.csv"), units); err != nil {
		return err
	}
	if err := writeLinks(filepath.Join(outDir, "unit_changes.csv"), links); err != nil {
		return err
	}
	if err := writePopulation(filepath.Join(outDir, "population.csv"), pop); err != nil {
		return err
	}
	fmt.Printf("wrote %s: units.csv %d rows, unit_changes.csv %d rows, population.csv %d rows\n",
		outDir, len(units), len(links), len(pop))
	printCounts(units)
	return nil
}

// readTable reads a CSV file with a header line and checks that the given
// columns are present.
func readTable(path string, cols ...string) (*table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: header: %w", path, err)
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	t := &table{name: filepath.Base(path), header: header}
	for _, c := range cols {
		if !slices.Contains(header, c) {
			return nil, fmt.Errorf("%s: missing column %q", t.name, c)
		}
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", t.name, err)
		}
		row := make(map[string]string, len(header))
		for i, h := range header {
			row[h] = strings.TrimSpace(rec[i])
		}
		t.rows = append(t.rows, row)
	}
	return t, nil
}

func checkDate(s string) error {
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return fmt.Errorf("bad date %q", s)
	}
	return nil
}

func dayBefore(d string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		panic(err) // dates are checked when read
	}
	return t.AddDate(0, 0, -1).Format(time.DateOnly)
}

// unitFromRow builds a version from a row of one of the units-YYYY files.
func unitFromRow(t *table, row map[string]string) (*version, error) {
	typ, ok := typeCodes[row["type"]]
	if !ok {
		return nil, fmt.Errorf("%s: %s: unknown type %q", t.name, row["code"], row["type"])
	}
	lvl, ok := levels[row["level"]]
	if !ok {
		return nil, fmt.Errorf("%s: %s: unknown level %q", t.name, row["code"], row["level"])
	}
	if row["code"] == "" || row["name"] == "" {
		return nil, fmt.Errorf("%s: row without code or name: %v", t.name, row)
	}
	return &version{code: row["code"], name: row["name"], typ: typ, level: lvl, parent: row["parent_code"]}, nil
}

// snapshotDate returns the single as_of date of a units file.
func snapshotDate(t *table) (string, error) {
	d := ""
	for _, row := range t.rows {
		if d == "" {
			d = row["as_of"]
		}
		if row["as_of"] != d {
			return "", fmt.Errorf("%s: several as_of dates (%s, %s)", t.name, d, row["as_of"])
		}
	}
	return d, checkDate(d)
}

// buildUnits merges the 2017, 2020 and 2025 sets and the pre-2017 changes of
// the change list into unit versions.
func buildUnits(t2017, t2020, t2025, tChanges *table) ([]*version, error) {
	var all []*version
	latest := map[string]*version{} // code → latest version so far

	// 2017: the units in force on the plan's date; creation dates unknown.
	asOf2017, err := snapshotDate(t2017)
	if err != nil {
		return nil, err
	}
	for _, row := range t2017.rows {
		v, err := unitFromRow(t2017, row)
		if err != nil {
			return nil, err
		}
		v.to = row["valid_to"]
		if v.to != "" {
			if err := checkDate(v.to); err != nil {
				return nil, fmt.Errorf("%s: %s: %w", t2017.name, v.code, err)
			}
		}
		if latest[v.code] != nil {
			return nil, fmt.Errorf("%s: duplicate code %s", t2017.name, v.code)
		}
		latest[v.code] = v
		all = append(all, v)
	}

	// Changes before the 2017 snapshot (the 2015 upgrade): the 2017 version
	// starts on the change date and the old version is reconstructed from the
	// old_* columns.
	var before []*version
	seenOld := map[string]bool{}
	for _, row := range tChanges.rows {
		date := row["effective_date"]
		if err := checkDate(date); err != nil {
			return nil, fmt.Errorf("%s: %w", tChanges.name, err)
		}
		if date >= asOf2017 {
			continue
		}
		succ := latest[row["new_code"]]
		if succ == nil {
			return nil, fmt.Errorf("%s: %s change %s→%s: successor not in the %s set", tChanges.name, date, row["old_code"], row["new_code"], asOf2017)
		}
		if succ.name != row["new_name"] || succ.parent != row["new_parent_code"] || succ.typ != typeCodes[row["new_type"]] {
			return nil, fmt.Errorf("%s: %s change: new unit %s %q/%s/%s differs from %s", tChanges.name, date,
				row["new_code"], row["new_name"], row["new_type"], row["new_parent_code"], succ)
		}
		if succ.from != "" && succ.from != date {
			return nil, fmt.Errorf("%s: %s starts on both %s and %s", tChanges.name, succ.code, succ.from, date)
		}
		succ.from = date
		if seenOld[row["old_code"]+"|"+date] {
			continue
		}
		seenOld[row["old_code"]+"|"+date] = true
		typ, ok := typeCodes[row["old_type"]]
		if !ok {
			return nil, fmt.Errorf("%s: %s: unknown type %q", tChanges.name, row["old_code"], row["old_type"])
		}
		lvl := succ.level
		if v := latest[row["old_code"]]; v != nil {
			lvl = v.level
		}
		before = append(before, &version{code: row["old_code"], name: row["old_name"], typ: typ, level: lvl,
			parent: row["old_parent_code"], to: date})
	}
	all = append(all, before...)

	// 2020: units continuing unchanged keep their row; the others start a new
	// version on the snapshot date. Later renames/upgrades come from the
	// name_from_YYYY_MM_DD / type_from_YYYY_MM_DD columns.
	asOf2020, err := snapshotDate(t2020)
	if err != nil {
		return nil, err
	}
	type rename struct{ date, nameCol, typeCol string }
	var renames []rename
	for _, h := range t2020.header {
		if d, ok := strings.CutPrefix(h, "name_from_"); ok {
			date := strings.ReplaceAll(d, "_", "-")
			if err := checkDate(date); err != nil {
				return nil, fmt.Errorf("%s: column %s: %w", t2020.name, h, err)
			}
			tc := "type_from_" + d
			if !slices.Contains(t2020.header, tc) {
				return nil, fmt.Errorf("%s: column %s without %s", t2020.name, h, tc)
			}
			renames = append(renames, rename{date, h, tc})
		}
	}
	in2020 := map[string]bool{}
	for _, row := range t2020.rows {
		v, err := unitFromRow(t2020, row)
		if err != nil {
			return nil, err
		}
		v.to = row["valid_to"]
		if v.to != "" {
			if err := checkDate(v.to); err != nil {
				return nil, fmt.Errorf("%s: %s: %w", t2020.name, v.code, err)
			}
		}
		if in2020[v.code] {
			return nil, fmt.Errorf("%s: duplicate code %s", t2020.name, v.code)
		}
		in2020[v.code] = true
		cur := v
		if prev := latest[v.code]; prev != nil && (prev.to == "" || prev.to > asOf2020) {
			if prev.name != v.name || prev.typ != v.typ || prev.level != v.level || prev.parent != v.parent {
				return nil, fmt.Errorf("%s: %s continues from %s but as %q/%s/%d/%s", t2020.name, v.code, asOf2017, v.name, v.typ, v.level, v.parent)
			}
			if prev.to != "" && v.to != "" && prev.to != v.to {
				return nil, fmt.Errorf("%s: %s: valid_to %s here, %s in the %s set", t2020.name, v.code, v.to, prev.to, asOf2017)
			}
			if v.to != "" {
				prev.to = v.to
			}
			cur = prev
		} else {
			if prev != nil && prev.to != asOf2020 {
				return nil, fmt.Errorf("%s: %s: previous version ends %s, not %s", t2020.name, v.code, prev.to, asOf2020)
			}
			v.from = asOf2020
			latest[v.code] = v
			all = append(all, v)
		}
		for _, rn := range renames {
			name, typName := row[rn.nameCol], row[rn.typeCol]
			if name == "" && typName == "" {
				continue
			}
			typ, ok := typeCodes[typName]
			if !ok || name == "" {
				return nil, fmt.Errorf("%s: %s: incomplete change on %s (%q, %q)", t2020.name, v.code, rn.date, name, typName)
			}
			if !cur.validOn(rn.date) || cur.from == rn.date {
				return nil, fmt.Errorf("%s: %s: change on %s outside %s", t2020.name, v.code, rn.date, cur)
			}
			next := &version{code: cur.code, name: name, typ: typ, level: cur.level, parent: cur.parent, from: rn.date, to: cur.to}
			cur.to = rn.date
			cur = next
			latest[v.code] = next
			all = append(all, next)
		}
	}
	for _, v := range all {
		if v.to == "" && !in2020[v.code] {
			return nil, fmt.Errorf("%s: %s is open in the %s set but missing here", t2020.name, v, asOf2017)
		}
		if v.from == "" && v.to != "" && v.to > asOf2017 && v.to < asOf2020 {
			return nil, fmt.Errorf("%s ends between the %s and %s snapshots", v, asOf2017, asOf2020)
		}
	}

	// 2025: every row is a new version (parent and level change for all).
	seen2025 := map[string]bool{}
	for _, row := range t2025.rows {
		v, err := unitFromRow(t2025, row)
		if err != nil {
			return nil, err
		}
		v.from = row["valid_from"]
		if err := checkDate(v.from); err != nil {
			return nil, fmt.Errorf("%s: %s: %w", t2025.name, v.code, err)
		}
		if seen2025[v.code] {
			return nil, fmt.Errorf("%s: duplicate code %s", t2025.name, v.code)
		}
		seen2025[v.code] = true
		if prev := latest[v.code]; prev != nil && (prev.to == "" || prev.to > v.from) {
			return nil, fmt.Errorf("%s: %s starts %s while %s is in force", t2025.name, v.code, v.from, prev)
		}
		latest[v.code] = v
		all = append(all, v)
	}

	slices.SortFunc(all, func(a, b *version) int {
		if c := strings.Compare(a.from, b.from); c != 0 {
			return c
		}
		if a.level != b.level {
			return a.level - b.level
		}
		return strings.Compare(a.code, b.code)
	})
	return all, nil
}

// checkUnits checks the invariants promised by units.csv.
func checkUnits(units []*version) error {
	byCode := map[string][]*version{}
	for _, v := range units {
		if v.from != "" && v.to != "" && v.from >= v.to {
			return fmt.Errorf("empty validity: %s", v)
		}
		for _, w := range byCode[v.code] {
			if (v.from == "" || w.to == "" || v.from < w.to) && (w.from == "" || v.to == "" || w.from < v.to) {
				return fmt.Errorf("overlapping versions: %s and %s", w, v)
			}
		}
		byCode[v.code] = append(byCode[v.code], v)
	}
	for _, v := range units {
		if v.level == 1 {
			if v.parent != "" {
				return fmt.Errorf("province with parent: %s", v)
			}
			continue
		}
		days := []string{v.from}
		if v.from == "" {
			days[0] = "2017-09-08"
		}
		if v.to != "" {
			days = append(days, dayBefore(v.to))
		}
		for _, d := range days {
			ok := false
			for _, p := range byCode[v.parent] {
				if p.validOn(d) && p.level < v.level {
					ok = true
				}
			}
			if !ok {
				return fmt.Errorf("%s: no parent %q valid on %s", v, v.parent, d)
			}
		}
	}
	return nil
}

// resolve returns the version of code valid on day d.
func resolve(units []*version, code, d string) *version {
	for _, v := range units {
		if v.code == code && v.validOn(d) {
			return v
		}
	}
	return nil
}

// buildLinks turns the change list into links between versions, dropping
// rows whose two sides are the same version.
func buildLinks(units []*version, tChanges *table) ([]link, error) {
	var links []link
	dropped := 0
	seen := map[string]bool{}
	hasSucc, hasPred := map[*version]bool{}, map[*version]bool{}
	for i, row := range tChanges.rows {
		where := fmt.Sprintf("%s line %d", tChanges.name, i+2)
		l := link{date: row["effective_date"], kind: row["change_type"], oldCode: row["old_code"], newCode: row["new_code"],
			portion: row["portion"], basis: row["basis"], note: row["note"]}
		old := resolve(units, l.oldCode, dayBefore(l.date))
		if old == nil {
			return nil, fmt.Errorf("%s: no version of %s on %s", where, l.oldCode, dayBefore(l.date))
		}
		if old.name != row["old_name"] || old.typ != typeCodes[row["old_type"]] || old.parent != row["old_parent_code"] {
			return nil, fmt.Errorf("%s: old side %q/%s/%s differs from %s", where, row["old_name"], row["old_type"], row["old_parent_code"], old)
		}
		switch {
		case l.kind == "abolished":
			if l.newCode != "" || l.portion != "" {
				return nil, fmt.Errorf("%s: abolished with successor or portion", where)
			}
			if old.to != l.date {
				return nil, fmt.Errorf("%s: %s abolished on %s but ends %s", where, l.oldCode, l.date, old.to)
			}
			hasSucc[old] = true
		case l.newCode == "":
			return nil, fmt.Errorf("%s: %s without successor", where, l.kind)
		default:
			if l.portion != "full" && l.portion != "partial" {
				return nil, fmt.Errorf("%s: portion %q", where, l.portion)
			}
			nv := resolve(units, l.newCode, l.date)
			if nv == nil {
				return nil, fmt.Errorf("%s: no version of %s on %s", where, l.newCode, l.date)
			}
			if nv.name != row["new_name"] || nv.typ != typeCodes[row["new_type"]] || nv.parent != row["new_parent_code"] {
				return nil, fmt.Errorf("%s: new side %q/%s/%s differs from %s", where, row["new_name"], row["new_type"], row["new_parent_code"], nv)
			}
			if nv == old {
				dropped++
				continue
			}
			// At least one side must change on that day: a version ends
			// (merged into a unit that continues) or starts.
			if old.to != l.date && nv.from != l.date {
				return nil, fmt.Errorf("%s: link %s → %s: neither version changes on %s", where, old, nv, l.date)
			}
			hasSucc[old], hasPred[nv] = true, true
		}
		key := l.date + "|" + l.oldCode + "|" + l.newCode
		if seen[key] {
			return nil, fmt.Errorf("%s: duplicate link %s", where, key)
		}
		seen[key] = true
		links = append(links, l)
	}
	for _, v := range units {
		if v.to != "" && !hasSucc[v] {
			return nil, fmt.Errorf("version without successor link: %s", v)
		}
		if v.from != "" && !hasPred[v] {
			return nil, fmt.Errorf("version without predecessor link: %s", v)
		}
	}
	if err := partialShares(links); err != nil {
		return nil, err
	}
	slices.SortStableFunc(links, func(a, b link) int {
		return cmpStrings(a.date, b.date, a.oldCode, b.oldCode, a.newCode, b.newCode)
	})
	fmt.Printf("unit_changes: %d source rows, %d same-version rows dropped, %d links\n", len(tChanges.rows), dropped, len(links))
	return links, nil
}

func cmpStrings(pairs ...string) int {
	for i := 0; i+1 < len(pairs); i += 2 {
		if c := strings.Compare(pairs[i], pairs[i+1]); c != 0 {
			return c
		}
	}
	return 0
}

// buildPopulation collects the 2019 census figures.
func buildPopulation(units []*version, tCommunes, tDistricts, tEthnic *table) ([]popRow, error) {
	var rows []popRow
	unitOn := func(t *table, code, name string) (*version, error) {
		v := resolve(units, code, censusDate)
		if v == nil {
			return nil, fmt.Errorf("%s: no unit %s on %s", t.name, code, censusDate)
		}
		if v.name != name {
			return nil, fmt.Errorf("%s: %s named %q, unit is %s", t.name, code, name, v)
		}
		return v, nil
	}
	add := func(t *table, v *version, group, cell string, rank int) (int, bool, error) {
		if cell == "" {
			return 0, false, nil
		}
		n, err := strconv.Atoi(cell)
		if err != nil || n < 0 {
			return 0, false, fmt.Errorf("%s: %s %s: bad value %q", t.name, v.code, group, cell)
		}
		rows = append(rows, popRow{code: v.code, refDate: censusDate, group: group, value: n, level: v.level, rank: rank})
		return n, true, nil
	}
	// checkSplit checks urban + rural = total where all three are given.
	checkSplit := func(t *table, code string, vals [3]int, have [3]bool) error {
		if have[0] && have[1] && have[2] && vals[1]+vals[2] != vals[0] {
			return fmt.Errorf("%s: %s: urban %d + rural %d ≠ total %d", t.name, code, vals[1], vals[2], vals[0])
		}
		return nil
	}

	communeSum, communeUrban := 0, 0
	seen := map[string]bool{}
	for _, row := range tCommunes.rows {
		v, err := unitOn(tCommunes, row["code"], row["name"])
		if err != nil {
			return nil, err
		}
		if v.level != 3 || seen[v.code] {
			return nil, fmt.Errorf("%s: %s: not a commune or duplicate", tCommunes.name, v.code)
		}
		seen[v.code] = true
		var vals [3]int
		var have [3]bool
		for i, c := range [][2]string{{"total", "pop_total_2019"}, {"urban", "pop_urban_2019"}, {"rural", "pop_rural_2019"}} {
			if vals[i], have[i], err = add(tCommunes, v, c[0], row[c[1]], i); err != nil {
				return nil, err
			}
		}
		if !have[0] {
			return nil, fmt.Errorf("%s: %s without total", tCommunes.name, v.code)
		}
		if err := checkSplit(tCommunes, v.code, vals, have); err != nil {
			return nil, err
		}
		communeSum += vals[0]
		communeUrban += vals[1]
	}

	var ageCols []string
	for _, h := range tDistricts.header {
		if strings.HasPrefix(h, "age_") {
			ageCols = append(ageCols, h)
		}
	}
	provinceTotal, districtSum := -1, 0
	for _, row := range tDistricts.rows {
		v, err := unitOn(tDistricts, row["code"], row["name"])
		if err != nil {
			return nil, err
		}
		if v.level > 2 || seen[v.code] {
			return nil, fmt.Errorf("%s: %s: not a province/district or duplicate", tDistricts.name, v.code)
		}
		seen[v.code] = true
		var vals [3]int
		var have [3]bool
		for i, c := range [][2]string{{"total", "pop_total"}, {"urban", "pop_urban"}, {"rural", "pop_rural"}} {
			if vals[i], have[i], err = add(tDistricts, v, c[0], row[c[1]], i); err != nil {
				return nil, err
			}
		}
		if !have[0] {
			return nil, fmt.Errorf("%s: %s without total", tDistricts.name, v.code)
		}
		if err := checkSplit(tDistricts, v.code, vals, have); err != nil {
			return nil, err
		}
		ages := map[string]int{}
		for i, c := range ageCols {
			n, ok, err := add(tDistricts, v, c, row[c], 3+i)
			if err != nil {
				return nil, err
			}
			if ok {
				ages[c] = n
			}
		}
		if err := checkAges(tDistricts.name, v.code, vals[0], ages); err != nil {
			return nil, err
		}
		if v.level == 1 {
			provinceTotal = vals[0]
		} else {
			districtSum += vals[0]
		}
	}
	if provinceTotal != districtSum || provinceTotal != communeSum {
		return nil, fmt.Errorf("population totals disagree: province %d, districts %d, communes %d", provinceTotal, districtSum, communeSum)
	}

	// Ethnicity: one row per group for the province, the "TỔNG" row is the
	// check total.
	province := resolve(units, "06", censusDate)
	if province == nil || province.level != 1 {
		return nil, fmt.Errorf("no province 06 on %s", censusDate)
	}
	ethnicSum, minority, total := 0, 0, -1
	rank := 100
	for _, row := range tEthnic.rows {
		name := row["ethnic_group"]
		n, err := strconv.Atoi(row["population_2019"])
		if err != nil || n < 0 {
			return nil, fmt.Errorf("%s: %s: bad value %q", tEthnic.name, name, row["population_2019"])
		}
		if strings.HasPrefix(strings.ToUpper(name), "TỔNG") {
			total = n
			continue
		}
		rank++
		rows = append(rows, popRow{code: province.code, refDate: censusDate, group: "ethnic:" + name, value: n, level: 1, rank: rank})
		ethnicSum += n
		if name != "Kinh" {
			minority += n
		}
	}
	if ethnicSum != total || total != provinceTotal {
		return nil, fmt.Errorf("%s: groups sum to %d, total row %d, census total %d", tEthnic.name, ethnicSum, total, provinceTotal)
	}
	rows = append(rows, popRow{code: province.code, refDate: censusDate, group: "ethnic_minority", value: minority, level: 1, rank: rank + 1})
	if minority != publishedMinority {
		fmt.Printf("NOTE: ethnic_minority from %s = %d (all non-Kinh rows incl. \"Khác\"); the published figure is %d (difference %d); the file's value is written\n",
			tEthnic.name, minority, publishedMinority, minority-publishedMinority)
	}

	slices.SortFunc(rows, func(a, b popRow) int {
		if a.level != b.level {
			return a.level - b.level
		}
		if c := cmpStrings(a.code, b.code, a.refDate, b.refDate); c != 0 {
			return c
		}
		return a.rank - b.rank
	})
	fmt.Printf("population: province %d, sum of districts %d, sum of communes %d (urban %d), ethnic minority %d\n",
		provinceTotal, districtSum, communeSum, communeUrban, minority)
	return rows, nil
}

// checkAges checks the census age columns of one unit against its total.
func checkAges(file, code string, total int, ages map[string]int) error {
	five := 0
	for _, c := range []string{"age_00_04", "age_05_09", "age_10_14", "age_15_19", "age_20_24", "age_25_29", "age_30_34",
		"age_35_39", "age_40_44", "age_45_49", "age_50_54", "age_55_59", "age_60_64", "age_65_69", "age_70_74",
		"age_75_79", "age_80_84", "age_85plus"} {
		n, ok := ages[c]
		if !ok {
			return fmt.Errorf("%s: %s: missing %s", file, code, c)
		}
		five += n
	}
	if five != total {
		return fmt.Errorf("%s: %s: five-year age groups sum to %d, total %d", file, code, five, total)
	}
	sums := [][]string{
		{"age_10_19", "age_10_14", "age_15_19"},
		{"age_10_14", "age_10_14_urban", "age_10_14_rural"},
		{"age_15_19", "age_15_19_urban", "age_15_19_rural"},
		{"age_15_59", "age_15_19", "age_20_24", "age_25_29", "age_30_34", "age_35_39", "age_40_44", "age_45_49", "age_50_54", "age_55_59"},
	}
	for _, s := range sums {
		want, ok := ages[s[0]]
		if !ok {
			continue
		}
		got := 0
		for _, c := range s[1:] {
			got += ages[c]
		}
		if got != want {
			return fmt.Errorf("%s: %s: %s = %d but its parts sum to %d", file, code, s[0], want, got)
		}
	}
	return nil
}

func writeCSV(path string, header []string, rows [][]string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	if err := w.Write(header); err != nil {
		f.Close()
		return err
	}
	if err := w.WriteAll(rows); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func writeUnits(path string, units []*version) error {
	rows := make([][]string, 0, len(units))
	for _, v := range units {
		rows = append(rows, []string{v.code, v.name, v.typ, strconv.Itoa(v.level), v.parent, v.from, v.to})
	}
	return writeCSV(path, []string{"code", "name", "type", "level", "parent_code", "valid_from", "valid_to"}, rows)
}

// peopleMoved reads "1.461 người" from a change note.
var peopleMoved = regexp.MustCompile(`([0-9][0-9.]*) người`)

// partialShares sets each partial link's share of the old unit from the
// people the resolution moves (the note says "… 653 người vào xã …"): the
// split an indicator uses to carry a split commune's figures forward.
func partialShares(links []link) error {
	people := map[string][]int{} // date|old → indexes of partial links
	for i, l := range links {
		if l.portion == "partial" {
			people[l.date+"|"+l.oldCode] = append(people[l.date+"|"+l.oldCode], i)
		}
	}
	for key, idx := range people {
		counts := make([]int, len(idx))
		total := 0
		for k, i := range idx {
			m := peopleMoved.FindStringSubmatch(links[i].note)
			if m == nil {
				return fmt.Errorf("partial link %s → %s: no people count in %q", key, links[i].newCode, links[i].note)
			}
			n, err := strconv.Atoi(strings.ReplaceAll(m[1], ".", ""))
			if err != nil {
				return err
			}
			counts[k] = n
			total += n
		}
		for k, i := range idx {
			links[i].share = strconv.FormatFloat(float64(counts[k])/float64(total), 'f', 4, 64)
		}
	}
	return nil
}

func writeLinks(path string, links []link) error {
	rows := make([][]string, 0, len(links))
	for _, l := range links {
		rows = append(rows, []string{l.date, l.kind, l.oldCode, l.newCode, l.portion, l.basis, l.note, l.share})
	}
	return writeCSV(path, []string{"date", "kind", "old_code", "new_code", "portion", "basis", "note", "share"}, rows)
}

func writePopulation(path string, pop []popRow) error {
	pop = addEstimates(pop)
	rows := make([][]string, 0, len(pop))
	for _, p := range pop {
		src := p.source
		if src == "" {
			src = censusSource
		}
		rows = append(rows, []string{p.code, p.refDate, p.group, strconv.Itoa(p.value), src})
	}
	return writeCSV(path, []string{"code", "ref_date", "group", "value", "source"}, rows)
}

// printCounts prints the units in force on the key dates.
func printCounts(units []*version) {
	for _, d := range []string{"2015-01-01", "2017-09-08", "2019-04-01", "2020-02-01", "2023-04-10", "2025-07-01"} {
		perLevel := map[int]int{}
		perType := map[string]int{}
		for _, v := range units {
			if v.validOn(d) {
				perLevel[v.level]++
				if v.level == 3 {
					perType[v.typ]++
				}
			}
		}
		fmt.Printf("%s: level1 %d, level2 %d, level3 %d (xa %d, phuong %d, thi_tran %d)\n", d,
			perLevel[1], perLevel[2], perLevel[3], perType["xa"], perType["phuong"], perType["thi_tran"])
	}
}
