//go:build ignore

// Command gen builds the administrative-unit seed files in internal/seed/units:
// the national register of ../shared/data/vn (every province, district and
// commune version 2015 → today, the 2019–2026 crosswalk, the changes no
// source resolves, the 2019 census), merged with the Bắc Kạn reference CSVs
// of ../shared/data, which stay the source of every Bắc Kạn fact (both
// READMEs list the sources: GSO code snapshots, NQ 855/NQ-UBTVQH14,
// NQ 722/NQ-UBTVQH15, NQ 1683/NQ-UBTVQH15 with CV 1027/CTK-CSCL, the
// resolutions of 2025 and the 2019 census).
//
// It writes four gzip-compressed CSV files (UTF-8, header line,
// encoding/csv quoting; formats and the merge rule in units/README.md):
//
//   - units.csv.gz: one row per version of a unit (code, name, type, level
//     and parent constant over [valid_from, valid_to));
//   - unit_changes.csv.gz: links from a predecessor version to a successor
//     version, with the source's confidence and an uncertain flag;
//   - unresolved.csv.gz: versions that ended (began) with no known
//     successor (predecessor);
//   - population.csv.gz: 2019 census figures per unit and group.
//
// The output is sorted and therefore deterministic; the input is checked on
// the way (continuity between the Bắc Kạn 2017, 2020 and 2025 sets, names in
// the change lists, parents, links, Bắc Kạn against the national files,
// totals) and any inconsistency stops the run.
//
// Usage, from the module root:
//
//	go run ./internal/seed/gen/main.go -data ../shared/data -out internal/seed/units
//
// (the file carries the "ignore" build constraint so that it is not part of
// ordinary builds; name the file, not the directory, when running it).
package main

import (
	"bytes"
	"compress/gzip"
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
	// bk marks the versions taken from the Bắc Kạn files.
	bk bool
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
	// confidence is the national file's word on how the link was found;
	// uncertain is set by uncertainLink.
	confidence string
	uncertain  bool
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
			rows = append(rows, age1416(c, a.level, a.value, b.value))
		}
		if t, ok := g["total"]; ok && t.level == 1 {
			n := int(float64(t.value)*100/(100+sexRatio2019) + 0.5)
			rows = append(rows, popRow{code: c, refDate: censusDate, group: "female", value: n, level: 1, rank: 901, source: sourceFemale})
		}
	}
	return rows
}

// age1416 is the estimate of the children aged 14–16 of a unit from its
// census groups aged 10–14 and 15–19 (see sourceAge1416).
func age1416(code string, level, age1014, age1519 int) popRow {
	n := int(float64(age1014)/5 + float64(age1519)*2/5 + 0.5)
	return popRow{code: code, refDate: censusDate, group: "age_14_16", value: n, level: level, rank: 900, source: sourceAge1416}
}

// table is a CSV file read into rows keyed by column name.
type table struct {
	name   string
	header []string
	rows   []map[string]string
}

func main() {
	dataDir := flag.String("data", "../shared/data", "directory holding the bac-kan-*.csv reference files and the vn/ folder")
	outDir := flag.String("out", "internal/seed/units", "directory to write the seed files to")
	flag.Parse()
	if err := run(*dataDir, *outDir); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

// bacKan is what the Bắc Kạn files give.
type bacKan struct {
	units []*version
	links []link
	pop   []popRow
}

func run(dataDir, outDir string) error {
	bk, err := buildBacKan(dataDir)
	if err != nil {
		return err
	}
	n, err := readNational(filepath.Join(dataDir, "vn"))
	if err != nil {
		return err
	}
	units, err := mergeUnits(n, bk)
	if err != nil {
		return err
	}
	if err := checkUnits(units); err != nil {
		return err
	}
	idx := newIndex(units)
	links, err := mergeLinks(idx, n.changes, bk)
	if err != nil {
		return err
	}
	unresolved, err := buildUnresolved(idx, links, n.unresolved)
	if err != nil {
		return err
	}
	pop, err := mergePopulation(idx, links, n, bk)
	if err != nil {
		return err
	}

	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	if err := writeUnits(filepath.Join(outDir, "units.csv.gz"), units); err != nil {
		return err
	}
	if err := writeLinks(filepath.Join(outDir, "unit_changes.csv.gz"), links); err != nil {
		return err
	}
	if err := writeUnresolved(filepath.Join(outDir, "unresolved.csv.gz"), unresolved); err != nil {
		return err
	}
	if err := writePopulation(filepath.Join(outDir, "population.csv.gz"), pop); err != nil {
		return err
	}
	fmt.Printf("wrote %s: units %d rows, unit_changes %d rows, unresolved %d rows, population %d rows\n",
		outDir, len(units), len(links), len(unresolved), len(pop))
	printCounts(units)
	return nil
}

// buildBacKan reads the Bắc Kạn files: the unit versions, their links
// and the census figures with the estimates.
func buildBacKan(dataDir string) (*bacKan, error) {
	load := func(name string, cols ...string) (*table, error) {
		return readTable(filepath.Join(dataDir, name), cols...)
	}
	unitCols := []string{"code", "name", "type", "level", "parent_code", "as_of", "valid_to"}
	t2017, err := load("bac-kan-units-2017.csv", unitCols...)
	if err != nil {
		return nil, err
	}
	t2020, err := load("bac-kan-units-2020.csv", unitCols...)
	if err != nil {
		return nil, err
	}
	t2025, err := load("bac-kan-units-2025.csv", "code", "name", "type", "level", "parent_code", "valid_from")
	if err != nil {
		return nil, err
	}
	tChanges, err := load("bac-kan-unit-changes.csv", "effective_date", "basis", "change_type", "old_code", "old_name",
		"old_type", "old_parent_code", "new_code", "new_name", "new_type", "new_parent_code", "portion", "note")
	if err != nil {
		return nil, err
	}
	tPopCommunes, err := load("bac-kan-population-2019-communes.csv", "code", "name", "pop_total_2019", "pop_urban_2019", "pop_rural_2019")
	if err != nil {
		return nil, err
	}
	tPopDistricts, err := load("bac-kan-population-2019-districts.csv", "code", "name", "pop_total", "pop_urban", "pop_rural")
	if err != nil {
		return nil, err
	}
	tEthnic, err := load("bac-kan-ethnicity-2019.csv", "ethnic_group", "population_2019")
	if err != nil {
		return nil, err
	}

	units, err := buildUnits(t2017, t2020, t2025, tChanges)
	if err != nil {
		return nil, err
	}
	if err := checkUnits(units); err != nil {
		return nil, err
	}
	links, err := buildLinks(units, tChanges)
	if err != nil {
		return nil, err
	}
	pop, err := buildPopulation(units, tPopCommunes, tPopDistricts, tEthnic)
	if err != nil {
		return nil, err
	}
	for _, v := range units {
		v.bk = true
	}
	fmt.Printf("Bắc Kạn: %d versions, %d links, %d population figures\n", len(units), len(links), len(pop))
	return &bacKan{units: units, links: links, pop: addEstimates(pop)}, nil
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

	slices.SortFunc(all, cmpVersions)
	return all, nil
}

// cmpVersions orders units.csv: by start, level and code.
func cmpVersions(a, b *version) int {
	if c := strings.Compare(a.from, b.from); c != 0 {
		return c
	}
	if a.level != b.level {
		return a.level - b.level
	}
	return strings.Compare(a.code, b.code)
}

// checkUnits checks the invariants promised by units.csv.
func checkUnits(units []*version) error {
	byCode := map[string][]*version{}
	for _, v := range units {
		if typeLevels[v.typ] != v.level {
			return fmt.Errorf("type %s at level %d: %s", v.typ, v.level, v)
		}
		if v.from != "" && v.to != "" && v.from >= v.to {
			return fmt.Errorf("empty validity: %s", v)
		}
		for _, w := range byCode[v.code] {
			if overlaps(v.from, v.to, w.from, w.to) {
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
		// The register holds the versions in force from 2015-01-01 on:
		// a parent is checked from then (or from the version's start).
		days := []string{max(v.from, recordsStart)}
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

// buildLinks turns the change list into links between versions, dropping
// rows whose two sides are the same version.
func buildLinks(units []*version, tChanges *table) ([]link, error) {
	idx := newIndex(units)
	var links []link
	dropped := 0
	seen := map[string]bool{}
	hasSucc, hasPred := map[*version]bool{}, map[*version]bool{}
	for i, row := range tChanges.rows {
		where := fmt.Sprintf("%s line %d", tChanges.name, i+2)
		l := link{date: row["effective_date"], kind: row["change_type"], oldCode: row["old_code"], newCode: row["new_code"],
			portion: row["portion"], basis: row["basis"], note: row["note"]}
		old := idx.at(l.oldCode, dayBefore(l.date))
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
			nv := idx.at(l.newCode, l.date)
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
	idx := newIndex(units)
	var rows []popRow
	unitOn := func(t *table, code, name string) (*version, error) {
		v := idx.at(code, censusDate)
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
	province := idx.at("06", censusDate)
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

	slices.SortFunc(rows, cmpPopRows)
	fmt.Printf("population: province %d, sum of districts %d, sum of communes %d (urban %d), ethnic minority %d\n",
		provinceTotal, districtSum, communeSum, communeUrban, minority)
	return rows, nil
}

// cmpPopRows orders population.csv: by level, code and date, then the
// groups by rank.
func cmpPopRows(a, b popRow) int {
	if a.level != b.level {
		return a.level - b.level
	}
	if c := cmpStrings(a.code, b.code, a.refDate, b.refDate); c != 0 {
		return c
	}
	return a.rank - b.rank
}

// checkAges checks the census age columns of one unit against its total.
func checkAges(file, code string, total int, ages map[string]int) error {
	five := 0
	for _, c := range ageGroups {
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

// writeCSV writes a CSV file, gzip-compressed (best compression, no name
// or time in the gzip header, so the same rows give the same bytes).
func writeCSV(path string, header []string, rows [][]string) error {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(header); err != nil {
		return err
	}
	if err := w.WriteAll(rows); err != nil {
		return err
	}
	var out bytes.Buffer
	zw, err := gzip.NewWriterLevel(&out, gzip.BestCompression)
	if err != nil {
		return err
	}
	if _, err := zw.Write(buf.Bytes()); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	fmt.Printf("%s: %d bytes, %d compressed\n", filepath.Base(path), buf.Len(), out.Len())
	return os.WriteFile(path, out.Bytes(), 0o644)
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
		u := ""
		if l.uncertain {
			u = "1"
		}
		rows = append(rows, []string{l.date, l.kind, l.oldCode, l.newCode, l.portion, l.basis, l.note, l.share, l.confidence, u})
	}
	return writeCSV(path, []string{"date", "kind", "old_code", "new_code", "portion", "basis", "note", "share", "confidence", "uncertain"}, rows)
}

func writeUnresolved(path string, us []unresolved) error {
	rows := make([][]string, 0, len(us))
	for _, u := range us {
		rows = append(rows, []string{u.date, u.code, u.unknown, u.reason})
	}
	return writeCSV(path, []string{"date", "code", "unknown", "reason"}, rows)
}

func writePopulation(path string, pop []popRow) error {
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

// printCounts prints the units in force on the key dates, in the whole
// country and in Bắc Kạn.
func printCounts(units []*version) {
	for _, d := range []string{"2015-01-01", "2017-09-08", "2019-04-01", "2020-02-01", "2023-04-10", "2025-03-01", "2025-07-01", "2026-05-01"} {
		perLevel, bkLevel := map[int]int{}, map[int]int{}
		perType := map[string]int{}
		for _, v := range units {
			if v.validOn(d) {
				perLevel[v.level]++
				perType[v.typ]++
				if v.bk {
					bkLevel[v.level]++
				}
			}
		}
		var types []string
		for _, t := range typeOrder {
			if perType[t] > 0 {
				types = append(types, fmt.Sprintf("%s %d", t, perType[t]))
			}
		}
		fmt.Printf("%s: level1 %d, level2 %d, level3 %d (%s); from the Bắc Kạn files %d/%d/%d\n", d,
			perLevel[1], perLevel[2], perLevel[3], strings.Join(types, ", "), bkLevel[1], bkLevel[2], bkLevel[3])
	}
}

// ---- The national register (../shared/data/vn) ----

const (
	// recordsStart is the first day the national register covers: it
	// holds every version in force on or after it.
	recordsStart = "2015-01-01"
	// crosswalkStart is the first day of the national crosswalk; links
	// before it come from the Bắc Kạn files only.
	crosswalkStart = "2019-01-01"
	// nationalTotal is the census population of Vietnam on 2019-04-01.
	nationalTotal = 96208984
)

// vnTypes maps the national files' unit types to the type codes.
var vnTypes = map[string]string{
	"Tỉnh":                 "tinh",
	"Thành phố Trung ương": "thanh_pho_tw",
	"Thành phố":            "thanh_pho",
	"Thị xã":               "thi_xa",
	"Huyện":                "huyen",
	"Quận":                 "quan",
	"Phường":               "phuong",
	"Xã":                   "xa",
	"Thị trấn":             "thi_tran",
	"Đặc khu":              "dac_khu",
}

// typeLevels is the level of each type code.
var typeLevels = map[string]int{
	"tinh": 1, "thanh_pho_tw": 1,
	"thanh_pho": 2, "thi_xa": 2, "huyen": 2, "quan": 2,
	"phuong": 3, "xa": 3, "thi_tran": 3, "dac_khu": 3,
}

var typeOrder = []string{"tinh", "thanh_pho_tw", "huyen", "quan", "thi_xa", "thanh_pho", "xa", "phuong", "thi_tran", "dac_khu"}

// national holds the national files.
type national struct {
	versions, changes, unresolved, popCommunes, popAge *table
}

func readNational(dir string) (*national, error) {
	load := func(name string, cols ...string) (*table, error) {
		return readTable(filepath.Join(dir, name), cols...)
	}
	n := &national{}
	var err error
	if n.versions, err = load("vn-unit-versions.csv", "code", "name", "type", "level", "parent_code", "valid_from", "valid_to",
		"from_first_snapshot", "note"); err != nil {
		return nil, err
	}
	if n.changes, err = load("vn-unit-changes.csv", "effective_date", "basis", "change_type", "old_code", "old_name", "old_type",
		"old_parent_code", "new_code", "new_name", "new_type", "new_parent_code", "portion", "note", "level", "confidence"); err != nil {
		return nil, err
	}
	if n.unresolved, err = load("vn-unit-changes-unresolved.csv", "effective_date", "code", "name", "type", "level", "parent_code", "reason"); err != nil {
		return nil, err
	}
	if n.popCommunes, err = load("vn-population-2019-communes.csv", "code", "name", "district_code", "pop_total_2019", "pop_urban_2019",
		"pop_rural_2019", "match"); err != nil {
		return nil, err
	}
	if n.popAge, err = load("vn-population-2019-districts-age.csv", "code", "name", "level", "pop_total", "pop_urban", "pop_rural"); err != nil {
		return nil, err
	}
	return n, nil
}

// index finds versions by code and day.
type index struct {
	byCode map[string][]*version
}

func newIndex(units []*version) *index {
	x := &index{byCode: map[string][]*version{}}
	for _, v := range units {
		x.byCode[v.code] = append(x.byCode[v.code], v)
	}
	return x
}

// at returns the version of code in force on d, or nil.
func (x *index) at(code, d string) *version {
	for _, v := range x.byCode[code] {
		if v.validOn(d) {
			return v
		}
	}
	return nil
}

func overlaps(af, at, bf, bt string) bool {
	before := func(f, t string) bool { return f == "" || t == "" || f < t }
	return before(af, bt) && before(bf, at)
}

// mergeUnits reads the national versions, bridges the one-update gaps of
// the GSO list that the crosswalk bridges, and puts the Bắc Kạn versions in
// place of the national ones (they must agree).
func mergeUnits(n *national, bk *bacKan) ([]*version, error) {
	t := n.versions
	var all []*version
	byCode := map[string][]*version{}
	earlyStarts := 0
	for i, row := range t.rows {
		where := fmt.Sprintf("%s line %d", t.name, i+2)
		typ, ok := vnTypes[row["type"]]
		if !ok {
			return nil, fmt.Errorf("%s: unknown type %q", where, row["type"])
		}
		lvl, err := strconv.Atoi(row["level"])
		if err != nil || typeLevels[typ] != lvl {
			return nil, fmt.Errorf("%s: type %q at level %q", where, row["type"], row["level"])
		}
		if row["code"] == "" || row["name"] == "" {
			return nil, fmt.Errorf("%s: row without code or name", where)
		}
		v := &version{code: row["code"], name: row["name"], typ: typ, level: lvl, parent: row["parent_code"], from: row["valid_from"], to: row["valid_to"]}
		if err := checkDate(v.from); err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		if v.to != "" {
			if err := checkDate(v.to); err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
		}
		switch row["from_first_snapshot"] {
		case "1":
			// In force at the first GSO snapshot (2004-08-31): its start
			// is that day or earlier, unknown.
			v.from = ""
		case "0":
			// Begun before the register starts: its predecessors and
			// its parent's version of the day are not in the register,
			// so it reads as in force before the records start.
			if v.from < recordsStart {
				v.from = ""
				earlyStarts++
			}
		default:
			return nil, fmt.Errorf("%s: from_first_snapshot %q", where, row["from_first_snapshot"])
		}
		all = append(all, v)
		byCode[v.code] = append(byCode[v.code], v)
	}

	// A change whose old code was missing from the GSO list the day
	// before (one update left it out): the version before the gap runs
	// until the change.
	bridged := 0
	for i, row := range n.changes.rows {
		d, code := row["effective_date"], row["old_code"]
		if err := checkDate(d); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", n.changes.name, i+2, err)
		}
		if newIndex(byCode[code]).at(code, dayBefore(d)) != nil {
			continue
		}
		where := fmt.Sprintf("%s line %d", n.changes.name, i+2)
		if !strings.Contains(row["note"], "absent from GSO list") {
			return nil, fmt.Errorf("%s: no version of %s on %s", where, code, dayBefore(d))
		}
		var prev *version
		for _, v := range byCode[code] {
			if v.to != "" && v.to <= d && (prev == nil || v.to > prev.to) {
				prev = v
			}
		}
		if prev == nil {
			return nil, fmt.Errorf("%s: no version of %s before %s", where, code, d)
		}
		for _, v := range byCode[code] {
			if v != prev && overlaps(v.from, v.to, prev.to, d) {
				return nil, fmt.Errorf("%s: cannot run %s on to %s: %s", where, prev, d, v)
			}
		}
		fmt.Printf("bridged the GSO-list gap of %s: valid_to %s → %s\n", prev, prev.to, d)
		prev.to = d
		bridged++
	}

	// Bắc Kạn: the same versions, taken from the Bắc Kạn files.
	bkBy := map[string]*version{}
	for _, v := range bk.units {
		bkBy[v.code+"|"+v.from] = v
	}
	for i, v := range all {
		key := v.code + "|" + v.from
		b := bkBy[key]
		if b == nil {
			continue
		}
		if b.name != v.name || b.typ != v.typ || b.level != v.level || b.parent != v.parent || b.to != v.to {
			return nil, fmt.Errorf("Bắc Kạn version %s %s/%d/%s differs from the national %s %s/%d/%s", b, b.typ, b.level, b.parent, v, v.typ, v.level, v.parent)
		}
		all[i] = b
		delete(bkBy, key)
	}
	for _, b := range bkBy {
		return nil, fmt.Errorf("Bắc Kạn version %s is not in %s", b, t.name)
	}
	// No other version lies in Bắc Kạn (Thái Nguyên's other 2025 communes
	// lie under the Bắc Kạn files' Tỉnh Thái Nguyên, which is not Bắc Kạn).
	idx := newIndex(all)
	for _, v := range all {
		if v.bk || v.level == 1 {
			continue
		}
		if p := idx.at(v.parent, max(v.from, recordsStart)); p != nil && p.bk && p.level > 1 || p != nil && p.code == "06" {
			return nil, fmt.Errorf("%s lies in Bắc Kạn but is not in the Bắc Kạn files", v)
		}
	}

	slices.SortFunc(all, cmpVersions)
	fmt.Printf("units: %d national versions (%d from the Bắc Kạn files), %d begun before %s without a start date, %d GSO-list gaps bridged\n",
		len(all), len(bk.units), earlyStarts, recordsStart, bridged)
	return all, nil
}

// sameAs checks a change row's side against the version it resolves to.
func sameAs(v *version, row map[string]string, side string) error {
	if v.name != row[side+"_name"] || v.typ != vnTypes[row[side+"_type"]] || v.parent != row[side+"_parent_code"] {
		return fmt.Errorf("%s side %q/%s/%s differs from %s %s/%s", side, row[side+"_name"], row[side+"_type"], row[side+"_parent_code"], v, v.typ, v.parent)
	}
	return nil
}

// uncertainConfidence lists the national crosswalk's confidence values
// that doubt where a unit went (README "Known gaps" 3 and 4).
var uncertainConfidence = map[string]bool{
	"manual:low":                        true,
	"record:name":                       true,
	"record:name (matched by old name)": true,
	"record:code":                       true,
	"snapshot:name continuity":          true,
}

// uncertainLink reports whether a link is uncertain: the source doubts
// where the unit went (its confidence, or a district row derived from
// communes some of which are unresolved), or a partial link has no share
// (how much of the unit it moves is not known; the crosswalk splits
// equally).
func uncertainLink(l link) bool {
	return uncertainConfidence[l.confidence] || strings.Contains(l.confidence, "unresolved") ||
		l.portion == "partial" && l.share == ""
}

// mergeLinks turns the national crosswalk into links between versions,
// dropping rows whose two sides are the same version, and puts the Bắc Kạn
// links in place of the national rows of Bắc Kạn (same links; the Bắc Kạn
// files add the 2015 links, the shares of the 2020 splits and the notes).
func mergeLinks(idx *index, t *table, bk *bacKan) ([]link, error) {
	bkLinks := map[string]*link{}
	for i := range bk.links {
		l := &bk.links[i]
		bkLinks[l.date+"|"+l.oldCode+"|"+l.newCode] = l
	}
	used := map[string]bool{}
	var links []link
	seen := map[string]int{} // key → index in links
	same, kindDiff, dup := 0, 0, 0
	for i, row := range t.rows {
		where := fmt.Sprintf("%s line %d", t.name, i+2)
		d := row["effective_date"]
		old := idx.at(row["old_code"], dayBefore(d))
		if old == nil {
			return nil, fmt.Errorf("%s: no version of %s on %s", where, row["old_code"], dayBefore(d))
		}
		if err := sameAs(old, row, "old"); err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		var nv *version
		if row["new_code"] != "" {
			if nv = idx.at(row["new_code"], d); nv == nil {
				return nil, fmt.Errorf("%s: no version of %s on %s", where, row["new_code"], d)
			}
			if err := sameAs(nv, row, "new"); err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
			if row["portion"] != "full" && row["portion"] != "partial" {
				return nil, fmt.Errorf("%s: portion %q", where, row["portion"])
			}
		} else if row["change_type"] != "abolished" || row["portion"] != "" || old.to != d {
			return nil, fmt.Errorf("%s: %s without successor", where, row["change_type"])
		}
		if nv == old {
			same++
			continue
		}
		if nv != nil && old.to != d && nv.from != d {
			return nil, fmt.Errorf("%s: link %s → %s: neither version changes on %s", where, old, nv, d)
		}
		key := d + "|" + row["old_code"] + "|" + row["new_code"]
		if old.bk {
			b := bkLinks[key]
			if b == nil {
				return nil, fmt.Errorf("%s: Bắc Kạn link %s is not in the Bắc Kạn files", where, key)
			}
			if b.portion != row["portion"] {
				return nil, fmt.Errorf("%s: Bắc Kạn link %s: portion %q, national %q", where, key, b.portion, row["portion"])
			}
			if b.kind != row["change_type"] {
				kindDiff++
				fmt.Printf("Bắc Kạn link %s: kind %s kept (national file: %s)\n", key, b.kind, row["change_type"])
			}
			b.confidence = row["confidence"]
			used[key] = true
			continue
		}
		if nv != nil && nv.bk && nv.level > 1 {
			return nil, fmt.Errorf("%s: %s goes into the Bắc Kạn unit %s", where, old, nv)
		}
		l := link{date: d, kind: row["change_type"], oldCode: row["old_code"], newCode: row["new_code"],
			portion: row["portion"], basis: row["basis"], note: row["note"], confidence: row["confidence"]}
		if at, ok := seen[key]; ok {
			// The same link found twice (by the GSO record and by the
			// snapshots): one link, with both kinds and confidences;
			// partial when either says so (the unit has other successors).
			if err := mergeDuplicate(&links[at], l); err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
			dup++
			continue
		}
		seen[key] = len(links)
		links = append(links, l)
	}
	for _, b := range bk.links {
		key := b.date + "|" + b.oldCode + "|" + b.newCode
		if !used[key] && b.date >= crosswalkStart {
			return nil, fmt.Errorf("Bắc Kạn link %s is not in %s", key, t.name)
		}
		if _, ok := seen[key]; ok {
			return nil, fmt.Errorf("duplicate link %s", key)
		}
		seen[key] = len(links)
		links = append(links, *bkLinks[key])
	}
	for i := range links {
		links[i].uncertain = uncertainLink(links[i])
	}
	slices.SortStableFunc(links, func(a, b link) int {
		return cmpStrings(a.date, b.date, a.oldCode, b.oldCode, a.newCode, b.newCode)
	})
	nu := 0
	for _, l := range links {
		if l.uncertain {
			nu++
		}
	}
	fmt.Printf("unit_changes: %d national rows, %d same-version rows dropped, %d duplicate rows merged, %d Bắc Kạn links (%d before %s, %d kinds kept from the Bắc Kạn files), %d links, %d uncertain\n",
		len(t.rows), same, dup, len(bk.links), len(bk.links)-len(used), crosswalkStart, kindDiff, len(links), nu)
	return links, nil
}

// mergeDuplicate folds a second row of the same link into the first.
func mergeDuplicate(l *link, o link) error {
	if l.basis != o.basis && o.basis != "" && l.basis != "" {
		return fmt.Errorf("link %s|%s|%s: two bases %q and %q", l.date, l.oldCode, l.newCode, l.basis, o.basis)
	}
	if l.basis == "" {
		l.basis = o.basis
	}
	join := func(a, b, sep string) string {
		if b == "" || slices.Contains(strings.Split(a, sep), b) {
			return a
		}
		if a == "" {
			return b
		}
		return a + sep + b
	}
	l.kind = join(l.kind, o.kind, "+")
	l.note = join(l.note, o.note, "; ")
	l.confidence = join(l.confidence, o.confidence, "; ")
	if o.portion == "partial" {
		l.portion = "partial"
	}
	return nil
}

// unresolved is one row of unresolved.csv.
type unresolved struct {
	date, code, unknown, reason string
}

// buildUnresolved finds the versions the national list of unresolved
// changes names: a version that ended on the date (its successor is
// unknown) or began on it (its predecessor is unknown). None may have a
// link on that side.
func buildUnresolved(idx *index, links []link, t *table) ([]unresolved, error) {
	succ, pred := map[string]bool{}, map[string]bool{}
	for _, l := range links {
		succ[l.date+"|"+l.oldCode] = true
		pred[l.date+"|"+l.newCode] = true
	}
	var out []unresolved
	for i, row := range t.rows {
		where := fmt.Sprintf("%s line %d", t.name, i+2)
		d, code := row["effective_date"], row["code"]
		u := unresolved{date: d, code: code, reason: row["reason"]}
		var v *version
		if o := idx.at(code, dayBefore(d)); o != nil && o.to == d {
			v, u.unknown = o, "successor"
			if succ[d+"|"+code] {
				return nil, fmt.Errorf("%s: %s has a successor link", where, v)
			}
		} else if n := idx.at(code, d); n != nil && n.from == d {
			v, u.unknown = n, "predecessor"
			if pred[d+"|"+code] {
				return nil, fmt.Errorf("%s: %s has a predecessor link", where, v)
			}
		} else {
			return nil, fmt.Errorf("%s: no version of %s ends or begins on %s", where, code, d)
		}
		if v.name != row["name"] || v.parent != row["parent_code"] || v.bk {
			return nil, fmt.Errorf("%s: %q under %s is %s under %s", where, row["name"], row["parent_code"], v, v.parent)
		}
		out = append(out, u)
	}
	slices.SortFunc(out, func(a, b unresolved) int { return cmpStrings(a.date, b.date, a.code, b.code, a.unknown, b.unknown) })
	n := 0
	for _, u := range out {
		if u.unknown == "successor" {
			n++
		}
	}
	fmt.Printf("unresolved: %d versions without known successor, %d without known predecessor\n", n, len(out)-n)
	return out, nil
}

// ageGroups are the census's five-year age groups.
var ageGroups = []string{"age_00_04", "age_05_09", "age_10_14", "age_15_19", "age_20_24", "age_25_29", "age_30_34",
	"age_35_39", "age_40_44", "age_45_49", "age_50_54", "age_55_59", "age_60_64", "age_65_69", "age_70_74",
	"age_75_79", "age_80_84", "age_85plus"}

// censusGroups lists the census groups of a province or district in
// their order in population.csv, with the column of the national age file
// each comes from; groupRank is each group's place.
var (
	censusGroups [][2]string
	groupRank    = map[string]int{}
)

func init() {
	censusGroups = [][2]string{{"total", "pop_total"}, {"urban", "pop_urban"}, {"rural", "pop_rural"}}
	for _, g := range ageGroups {
		censusGroups = append(censusGroups, [2]string{g, g})
	}
	censusGroups = append(censusGroups, [2]string{"age_10_19", "age_10_19"}, [2]string{"age_15_59", "age_15_59"})
	for _, area := range []string{"urban", "rural"} {
		for _, g := range ageGroups {
			censusGroups = append(censusGroups, [2]string{g + "_" + area, g + "_" + area})
		}
	}
	for i, g := range censusGroups {
		groupRank[g[0]] = i
	}
}

// mergePopulation collects the national census figures, with Bắc Kạn's
// from the Bắc Kạn files (the national files must agree with them; they
// add the urban/rural split of the age groups the Bắc Kạn file lacks).
func mergePopulation(idx *index, links []link, n *national, bk *bacKan) ([]popRow, error) {
	var rows []popRow
	bkVals := map[string]map[string]int{}
	for _, p := range bk.pop {
		if bkVals[p.code] == nil {
			bkVals[p.code] = map[string]int{}
		}
		bkVals[p.code][p.group] = p.value
		if r, ok := groupRank[p.group]; ok {
			p.rank = r
		}
		rows = append(rows, p)
	}
	cell := func(where, s string) (int, bool, error) {
		if s == "" {
			return 0, false, nil
		}
		v, err := strconv.Atoi(s)
		if err != nil || v < 0 {
			return 0, false, fmt.Errorf("%s: bad value %q", where, s)
		}
		return v, true, nil
	}

	// Communes: total, urban, rural.
	type tur struct {
		v    [3]int
		have [3]bool
	}
	communes := map[*version]*tur{}
	islands := map[string]tur{} // districts without communes, from the commune file
	t := n.popCommunes
	for i, row := range t.rows {
		where := fmt.Sprintf("%s line %d", t.name, i+2)
		var r tur
		for k, c := range []string{"pop_total_2019", "pop_urban_2019", "pop_rural_2019"} {
			var err error
			if r.v[k], r.have[k], err = cell(where, row[c]); err != nil {
				return nil, err
			}
		}
		if !r.have[0] || r.v[1]+r.v[2] != r.v[0] {
			return nil, fmt.Errorf("%s: total %d, urban %d, rural %d", where, r.v[0], r.v[1], r.v[2])
		}
		code := row["code"]
		var v *version
		match, _, _ := strings.Cut(row["match"], " (")
		switch match {
		case "district without communes":
			if code != row["district_code"] {
				return nil, fmt.Errorf("%s: district without communes under another code", where)
			}
			islands[code] = r
			continue
		case "retired before census date":
			// Counted by the census, retired before it into a commune
			// that continues: its people are that commune's on the day.
			var old *version
			for _, o := range idx.byCode[code] {
				if o.to != "" && o.to <= censusDate && (old == nil || o.to > old.to) {
					old = o
				}
			}
			var to []link
			for _, l := range links {
				if old != nil && l.date == old.to && l.oldCode == code {
					to = append(to, l)
				}
			}
			if len(to) != 1 || to[0].portion != "full" {
				return nil, fmt.Errorf("%s: %s retired before the census without a single full successor", where, code)
			}
			if v = idx.at(to[0].newCode, censusDate); v == nil {
				return nil, fmt.Errorf("%s: successor %s not in force on %s", where, to[0].newCode, censusDate)
			}
			fmt.Printf("population: %s %s (%d people, retired %s) counted in its successor %s\n", code, row["name"], r.v[0], old.to, v)
		default:
			if v = idx.at(code, censusDate); v == nil || v.level != 3 {
				return nil, fmt.Errorf("%s: no commune %s on %s", where, code, censusDate)
			}
			if v.name != row["name"] {
				return nil, fmt.Errorf("%s: %q is %s on %s", where, row["name"], v, censusDate)
			}
		}
		if v.bk {
			b := bkVals[v.code]
			for k, g := range []string{"total", "urban", "rural"} {
				if bv, ok := b[g]; ok != r.have[k] || bv != r.v[k] {
					return nil, fmt.Errorf("%s: Bắc Kạn commune %s %s: %d/%v here, %d/%v in the Bắc Kạn file", where, v.code, g, r.v[k], r.have[k], bv, ok)
				}
			}
			continue
		}
		c := communes[v]
		if c == nil {
			c = &tur{}
			communes[v] = c
		}
		for k := range 3 {
			c.v[k] += r.v[k]
			c.have[k] = c.have[k] || r.have[k]
		}
	}
	for v, c := range communes {
		for k, g := range []string{"total", "urban", "rural"} {
			if c.have[k] {
				rows = append(rows, popRow{code: v.code, refDate: censusDate, group: g, value: c.v[k], level: 3, rank: k})
			}
		}
	}

	// Provinces and districts: every census group.
	t = n.popAge
	for _, g := range censusGroups {
		if !slices.Contains(t.header, g[1]) {
			return nil, fmt.Errorf("%s: missing column %s", t.name, g[1])
		}
	}
	for i, row := range t.rows {
		where := fmt.Sprintf("%s line %d", t.name, i+2)
		if row["level"] == "0" {
			if row["pop_total"] != strconv.Itoa(nationalTotal) {
				return nil, fmt.Errorf("%s: national total %s", where, row["pop_total"])
			}
			continue
		}
		v := idx.at(row["code"], censusDate)
		if v == nil || strconv.Itoa(v.level) != row["level"] || v.level > 2 {
			return nil, fmt.Errorf("%s: no province or district %s on %s", where, row["code"], censusDate)
		}
		vals := map[string]int{}
		for _, g := range censusGroups {
			n, ok, err := cell(where, row[g[1]])
			if err != nil {
				return nil, err
			}
			if !ok {
				return nil, fmt.Errorf("%s: %s empty", where, g[1])
			}
			vals[g[0]] = n
		}
		if err := checkAges(t.name, v.code, vals["total"], vals); err != nil {
			return nil, err
		}
		for _, g := range ageGroups {
			if vals[g+"_urban"]+vals[g+"_rural"] != vals[g] {
				return nil, fmt.Errorf("%s: %s urban + rural ≠ %d", where, g, vals[g])
			}
		}
		if vals["urban"]+vals["rural"] != vals["total"] {
			return nil, fmt.Errorf("%s: urban + rural ≠ total", where)
		}
		if r, ok := islands[v.code]; ok {
			if r.v[0] != vals["total"] || r.v[1] != vals["urban"] || r.v[2] != vals["rural"] {
				return nil, fmt.Errorf("%s: district without communes %s differs from %s", where, v.code, n.popCommunes.name)
			}
			delete(islands, v.code)
		}
		b := bkVals[v.code]
		if v.bk && b == nil {
			return nil, fmt.Errorf("%s: Bắc Kạn unit %s without figures in the Bắc Kạn file", where, v)
		}
		added := 0
		for _, g := range censusGroups {
			if bv, ok := b[g[0]]; ok {
				if bv != vals[g[0]] {
					return nil, fmt.Errorf("%s: Bắc Kạn %s %s: %d here, %d in the Bắc Kạn file", where, v.code, g[0], vals[g[0]], bv)
				}
				continue
			}
			rows = append(rows, popRow{code: v.code, refDate: censusDate, group: g[0], value: vals[g[0]], level: v.level, rank: groupRank[g[0]]})
			added++
		}
		if !v.bk {
			rows = append(rows, age1416(v.code, v.level, vals["age_10_14"], vals["age_15_19"]))
		} else if added != len(ageGroups)*2-4 {
			return nil, fmt.Errorf("%s: Bắc Kạn %s gains %d groups", where, v.code, added)
		}
	}
	for code := range islands {
		return nil, fmt.Errorf("district without communes %s has no row in %s", code, t.name)
	}

	// Totals: the provinces make the country, the districts each
	// province, the communes each district.
	total := map[string]int{} // code → total
	sum := map[string]int{}   // parent code → sum of its children's totals on the census date
	levelOf := map[string]int{}
	for _, r := range rows {
		if r.group == "total" {
			total[r.code] = r.value
			levelOf[r.code] = r.level
			v := idx.at(r.code, censusDate)
			sum[v.parent] += r.value
		}
	}
	country, communeSum := 0, 0
	for code, n := range total {
		switch levelOf[code] {
		case 1:
			country += n
			if sum[code] != n {
				return nil, fmt.Errorf("province %s: %d, its districts %d", code, n, sum[code])
			}
		case 2:
			if s, ok := sum[code]; ok && s != n {
				return nil, fmt.Errorf("district %s: %d, its communes %d", code, n, s)
			} else if !ok {
				communeSum += n // a district without communes
			}
		case 3:
			communeSum += n
		}
	}
	if country != nationalTotal || communeSum != nationalTotal {
		return nil, fmt.Errorf("national total: provinces %d, communes (and districts without communes) %d, want %d", country, communeSum, nationalTotal)
	}

	slices.SortFunc(rows, cmpPopRows)
	fmt.Printf("population: %d figures; provinces sum to %d, communes and districts without communes to %d\n", len(rows), country, communeSum)
	return rows, nil
}
