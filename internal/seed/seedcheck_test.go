package seed_test

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The seed's files are checked as shipped: the national register, with
// the figures ../shared/data/vn/README.md states and check.py checks, and
// Bắc Kạn's units, links and census figures, which must stay what they
// were when the seed held Bắc Kạn alone.

// unit is one row of units/units.csv.gz.
type unit struct {
	code, name, typ string
	level           int
	parent          string
	from, to        string
}

func (u unit) validOn(d string) bool {
	return (u.from == "" || u.from <= d) && (u.to == "" || u.to > d)
}

// change is one row of units/unit_changes.csv.gz.
type change struct {
	date, kind, oldCode, newCode, portion, basis, note, share, confidence string
	uncertain                                                             bool
}

// pop is one row of units/population.csv.gz.
type pop struct {
	code, refDate, group string
	value                int
	source               string
}

// unresolved is one row of units/unresolved.csv.gz.
type unresolved struct {
	date, code, unknown, reason string
}

const (
	censusSource  = "Tổng điều tra dân số và nhà ở 2019 (TCTK)"
	census        = "2019-04-01"
	reform        = "2025-07-01"
	nationalTotal = 96208984
	bacKanTotal   = 313905
)

func readCSV(t *testing.T, path string, header ...string) [][]string {
	t.Helper()
	gz, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if zr.Name != "" || !zr.ModTime.IsZero() {
		t.Errorf("%s: gzip header has a name %q or a time %v", path, zr.Name, zr.ModTime)
	}
	if bytes.HasPrefix(data, []byte("\ufeff")) {
		t.Errorf("%s: starts with a BOM", path)
	}
	if bytes.Contains(data, []byte("\r")) {
		t.Errorf("%s: contains CR", path)
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = len(header)
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(recs) == 0 || !slices.Equal(recs[0], header) {
		t.Fatalf("%s: header %v, want %v", path, recs[0], header)
	}
	return recs[1:]
}

func isDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

func dayBefore(t *testing.T, d string) string {
	t.Helper()
	tm, err := time.Parse(time.DateOnly, d)
	if err != nil {
		t.Fatalf("bad date %q", d)
	}
	return tm.AddDate(0, 0, -1).Format(time.DateOnly)
}

func loadUnits(t *testing.T) []unit {
	t.Helper()
	var units []unit
	for i, r := range readCSV(t, "units/units.csv.gz", "code", "name", "type", "level", "parent_code", "valid_from", "valid_to") {
		lvl, err := strconv.Atoi(r[3])
		if err != nil {
			t.Fatalf("units.csv row %d: level %q", i+2, r[3])
		}
		units = append(units, unit{code: r[0], name: r[1], typ: r[2], level: lvl, parent: r[4], from: r[5], to: r[6]})
	}
	return units
}

func loadChanges(t *testing.T) []change {
	t.Helper()
	var cs []change
	shares := map[string]float64{}
	for _, r := range readCSV(t, "units/unit_changes.csv.gz", "date", "kind", "old_code", "new_code", "portion", "basis", "note", "share", "confidence", "uncertain") {
		if r[9] != "" && r[9] != "1" {
			t.Errorf("change %s %s→%s: uncertain %q", r[0], r[2], r[3], r[9])
		}
		cs = append(cs, change{r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9] == "1"})
		if r[7] != "" && r[4] != "partial" {
			t.Errorf("change %s %s→%s: portion %s with share %q", r[0], r[2], r[3], r[4], r[7])
		}
		if r[7] != "" {
			v, err := strconv.ParseFloat(r[7], 64)
			if err != nil || v <= 0 || v > 1 {
				t.Errorf("change %s %s→%s: share %q", r[0], r[2], r[3], r[7])
			}
			shares[r[0]+"|"+r[2]] += v
		}
	}
	// The partial links of a split unit share all of it.
	for k, v := range shares {
		if v < 0.9999 || v > 1.0001 {
			t.Errorf("shares of %s sum to %v", k, v)
		}
	}
	return cs
}

func loadPopulation(t *testing.T) []pop {
	t.Helper()
	var ps []pop
	for i, r := range readCSV(t, "units/population.csv.gz", "code", "ref_date", "group", "value", "source") {
		v, err := strconv.Atoi(r[3])
		if err != nil || v < 0 {
			t.Fatalf("population.csv row %d: value %q", i+2, r[3])
		}
		ps = append(ps, pop{r[0], r[1], r[2], v, r[4]})
	}
	return ps
}

func loadUnresolved(t *testing.T) []unresolved {
	t.Helper()
	var us []unresolved
	for _, r := range readCSV(t, "units/unresolved.csv.gz", "date", "code", "unknown", "reason") {
		us = append(us, unresolved{r[0], r[1], r[2], r[3]})
	}
	return us
}

// register indexes the versions by code.
type register struct {
	units  []unit
	byCode map[string][]int
}

func newRegister(t *testing.T) *register {
	t.Helper()
	r := &register{units: loadUnits(t), byCode: map[string][]int{}}
	for i, u := range r.units {
		r.byCode[u.code] = append(r.byCode[u.code], i)
	}
	return r
}

// versionOn returns the index of the version of code valid on d, or -1; it
// fails the test if several are.
func (r *register) versionOn(t *testing.T, code, d string) int {
	t.Helper()
	found := -1
	for _, i := range r.byCode[code] {
		if r.units[i].validOn(d) {
			if found >= 0 {
				t.Errorf("%s: two versions valid on %s", code, d)
			}
			found = i
		}
	}
	return found
}

// bacKan returns the indexes of Bắc Kạn's versions: province 06 and every
// version under it, the communes formed from them on 2025-07-01 and Tỉnh
// Thái Nguyên from that day (what the seed held when it held Bắc Kạn alone).
func (r *register) bacKan(t *testing.T, changes []change) map[int]bool {
	t.Helper()
	in := map[int]bool{}
	var under func(i int) bool
	under = func(i int) bool {
		u := r.units[i]
		if u.code == "06" {
			return true
		}
		if u.parent == "" {
			return false
		}
		p := r.versionOn(t, u.parent, max(u.from, "2015-01-01"))
		return p >= 0 && under(p)
	}
	for i := range r.units {
		if under(i) {
			in[i] = true
		}
	}
	for _, c := range changes {
		if c.date == reform && c.newCode != "" && in[r.versionOn(t, c.oldCode, dayBefore(t, c.date))] {
			in[r.versionOn(t, c.newCode, c.date)] = true
		}
	}
	return in
}

// typeLevels is the level of each unit type of the vocabulary.
var typeLevels = map[string]int{
	"tinh": 1, "thanh_pho_tw": 1,
	"thanh_pho": 2, "thi_xa": 2, "huyen": 2, "quan": 2,
	"phuong": 3, "xa": 3, "thi_tran": 3, "dac_khu": 3,
}

func TestUnitsWellFormed(t *testing.T) {
	r := newRegister(t)
	units := r.units
	if len(units) != 16696 {
		t.Errorf("%d unit versions, want 16,696", len(units))
	}
	perLevel := map[int]int{}
	seen := map[string]bool{}
	for i, u := range units {
		perLevel[u.level]++
		if u.code == "" || u.name == "" || strings.TrimSpace(u.name) != u.name {
			t.Errorf("row %d: bad code/name %q %q", i+2, u.code, u.name)
		}
		if lvl, ok := typeLevels[u.typ]; !ok {
			t.Errorf("%s: unknown type %q", u.code, u.typ)
		} else if lvl != u.level {
			t.Errorf("%s: type %s at level %d", u.code, u.typ, u.level)
		}
		if (u.from != "" && !isDate(u.from)) || (u.to != "" && !isDate(u.to)) {
			t.Errorf("%s: bad dates %q %q", u.code, u.from, u.to)
		}
		if u.from != "" && u.from < "2015-01-01" {
			t.Errorf("%s: valid_from %s before the register starts", u.code, u.from)
		}
		if u.to != "" && u.to <= "2015-01-01" {
			t.Errorf("%s: ends %s, before the register starts", u.code, u.to)
		}
		if u.from != "" && u.to != "" && u.from >= u.to {
			t.Errorf("%s: valid_from %s not before valid_to %s", u.code, u.from, u.to)
		}
		key := u.code + "|" + u.from
		if seen[key] {
			t.Errorf("duplicate (code, valid_from) %s", key)
		}
		seen[key] = true
		if (u.level == 1) != (u.parent == "") {
			t.Errorf("%s: level %d with parent %q", u.code, u.level, u.parent)
		}
		if i > 0 {
			p := units[i-1]
			if c := strings.Compare(p.from, u.from); c > 0 || c == 0 && (p.level > u.level || p.level == u.level && p.code >= u.code) {
				t.Errorf("rows %d/%d out of order: %v, %v", i+1, i+2, p, u)
			}
		}
	}
	if perLevel[1] != 99 || perLevel[2] != 780 || perLevel[3] != 15817 {
		t.Errorf("versions per level %v, want 99 provinces, 780 districts, 15,817 communes", perLevel)
	}
	// Versions of one code never overlap.
	for code, is := range r.byCode {
		for k, i := range is {
			for _, j := range is[k+1:] {
				a, b := units[i], units[j]
				if (a.from == "" || b.to == "" || a.from < b.to) && (b.from == "" || a.to == "" || b.from < a.to) {
					t.Errorf("%s: versions [%s,%s) and [%s,%s) overlap", code, a.from, a.to, b.from, b.to)
				}
			}
		}
	}
}

func TestUnitParents(t *testing.T) {
	r := newRegister(t)
	for _, u := range r.units {
		if u.level == 1 {
			continue
		}
		days := []string{max(u.from, "2015-01-01")}
		if u.to != "" {
			days = append(days, dayBefore(t, u.to))
		}
		for _, d := range days {
			i := r.versionOn(t, u.parent, d)
			if i < 0 {
				t.Errorf("%s %q [%s,%s): parent %q has no version on %s", u.code, u.name, u.from, u.to, u.parent, d)
				continue
			}
			p := r.units[i]
			// Districts and the communes of 2025 are under a province,
			// the communes before the reform under a district.
			want := 1
			if u.level == 3 && d < reform {
				want = 2
			}
			if p.level != want {
				t.Errorf("%s on %s: parent %s at level %d, want %d", u.code, d, p.code, p.level, want)
			}
		}
	}
}

// TestNationalCounts checks the units in force on the key dates against
// the national README (check.py counts level 1, 2 and 3 versions with
// valid_from ≤ d < valid_to; a commune is level 3, the special zones of
// 2025 included).
func TestNationalCounts(t *testing.T) {
	r := newRegister(t)
	for _, c := range []struct {
		date                           string
		provinces, districts, communes int
		types                          map[string]int
	}{
		{"2017-09-08", 63, 713, 11162, map[string]int{"thanh_pho_tw": 5, "tinh": 58, "huyen": 546, "quan": 49, "thanh_pho": 68, "thi_xa": 50,
			"phuong": 1587, "thi_tran": 602, "xa": 8973}},
		{"2019-04-01", 63, 713, 11161, nil},
		{"2020-02-01", 63, 709, 10661, map[string]int{"thanh_pho_tw": 5, "tinh": 58, "huyen": 534, "quan": 49, "thanh_pho": 77, "thi_xa": 49,
			"phuong": 1686, "thi_tran": 609, "xa": 8366}},
		{"2025-03-01", 63, 696, 10047, map[string]int{"thanh_pho_tw": 6, "tinh": 57, "huyen": 508, "quan": 49, "thanh_pho": 87, "thi_xa": 52,
			"phuong": 1726, "thi_tran": 617, "xa": 7704}},
		{"2025-06-30", 63, 696, 10047, nil},
		{reform, 34, 0, 3321, map[string]int{"thanh_pho_tw": 6, "tinh": 28, "phuong": 687, "xa": 2621, "dac_khu": 13}},
		{"2026-05-01", 34, 0, 3321, map[string]int{"thanh_pho_tw": 7, "tinh": 27, "phuong": 697, "xa": 2611, "dac_khu": 13}},
	} {
		perLevel, perType := map[int]int{}, map[string]int{}
		for _, u := range r.units {
			if u.validOn(c.date) {
				perLevel[u.level]++
				perType[u.typ]++
			}
		}
		if perLevel[1] != c.provinces || perLevel[2] != c.districts || perLevel[3] != c.communes {
			t.Errorf("%s: %d provinces, %d districts, %d communes; want %d, %d, %d", c.date,
				perLevel[1], perLevel[2], perLevel[3], c.provinces, c.districts, c.communes)
		}
		if c.types != nil {
			for typ, n := range perType {
				if c.types[typ] != n {
					t.Errorf("%s: %d of type %s, want %d", c.date, n, typ, c.types[typ])
				}
			}
		}
	}
}

// TestBacKanUnits checks Bắc Kạn's units as the seed had them when it held
// Bắc Kạn alone (the plan's 2017 units, the 2020 merges, the 2023 upgrade,
// the 37 communes of 2025 under Thái Nguyên).
func TestBacKanUnits(t *testing.T) {
	r := newRegister(t)
	changes := loadChanges(t)
	bk := r.bacKan(t, changes)
	if len(bk) != 185 {
		t.Errorf("%d Bắc Kạn versions, want 185", len(bk))
	}
	type count struct{ l1, l2, l3, xa, phuong, thiTran int }
	countOn := func(d string) (c count) {
		for i, u := range r.units {
			if !bk[i] || !u.validOn(d) {
				continue
			}
			switch u.level {
			case 1:
				c.l1++
			case 2:
				c.l2++
			case 3:
				c.l3++
				switch u.typ {
				case "xa":
					c.xa++
				case "phuong":
					c.phuong++
				case "thi_tran":
					c.thiTran++
				}
			}
		}
		return c
	}
	for _, tc := range []struct {
		date string
		want count
	}{
		{"2017-09-08", count{1, 8, 122, 110, 6, 6}},
		{"2019-04-01", count{1, 8, 122, 110, 6, 6}},
		{"2020-01-31", count{1, 8, 122, 110, 6, 6}},
		{"2020-02-01", count{1, 8, 108, 96, 6, 6}},
		{"2023-04-09", count{1, 8, 108, 96, 6, 6}},
		{"2023-04-10", count{1, 8, 108, 95, 6, 7}},
		{"2025-06-30", count{1, 8, 108, 95, 6, 7}},
		{reform, count{1, 0, 37, 35, 2, 0}},
		{"2030-01-01", count{1, 0, 37, 35, 2, 0}},
	} {
		if got := countOn(tc.date); got != tc.want {
			t.Errorf("%s: got %+v, want %+v", tc.date, got, tc.want)
		}
	}

	has := func(d, code, name, typ string, level int, parent string) {
		t.Helper()
		i := r.versionOn(t, code, d)
		if i < 0 {
			t.Errorf("%s: no version of %s", d, code)
			return
		}
		u := r.units[i]
		if u.name != name || u.typ != typ || u.level != level || u.parent != parent {
			t.Errorf("%s: %s is %q/%s/%d/%s, want %q/%s/%d/%s", d, code, u.name, u.typ, u.level, u.parent, name, typ, level, parent)
		}
	}
	// 2015: before the upgrade of Bắc Kạn town.
	has("2015-01-01", "06", "Tỉnh Bắc Kạn", "tinh", 1, "")
	has("2015-01-01", "058", "Thị xã Bắc Kạn", "thi_xa", 2, "06")
	has("2015-01-01", "01846", "Xã Huyền Tụng", "xa", 3, "058")
	has("2015-01-01", "01855", "Xã Xuất Hoá", "xa", 3, "058")
	has("2015-03-12", "058", "Thành phố Bắc Kạn", "thanh_pho", 2, "06")
	has("2015-03-12", "01846", "Phường Huyền Tụng", "phuong", 3, "058")
	has("2015-03-12", "01855", "Phường Xuất Hóa", "phuong", 3, "058")
	// 2020: Yến Lạc takes code 02155 (ex-xã Lương Hạ); 02134 is retired.
	has("2020-01-31", "02155", "Xã Lương Hạ", "xa", 3, "066")
	has("2020-01-31", "02134", "Thị trấn Yến Lạc", "thi_tran", 3, "066")
	has("2020-02-01", "02155", "Thị trấn Yến Lạc", "thi_tran", 3, "066")
	if r.versionOn(t, "02134", "2020-02-01") >= 0 {
		t.Error("02134 still valid on 2020-02-01")
	}
	has("2020-02-01", "01960", "Xã Hiệp Lực", "xa", 3, "062")
	// 2023: Vân Tùng becomes a thị trấn.
	has("2023-04-09", "01954", "Xã Vân Tùng", "xa", 3, "062")
	has("2023-04-10", "01954", "Thị trấn Vân Tùng", "thi_tran", 3, "062")
	// 2025: Thái Nguyên, communes directly under the province.
	has(reform, "19", "Tỉnh Thái Nguyên", "tinh", 1, "")
	has(reform, "01954", "Xã Ngân Sơn", "xa", 3, "19")
	has(reform, "02155", "Xã Na Rì", "xa", 3, "19")
	has("2025-06-30", "01957", "Xã Thượng Quan", "xa", 3, "062")
	has(reform, "01957", "Xã Thượng Quan", "xa", 3, "19")
	if r.versionOn(t, "06", reform) >= 0 {
		t.Error("province 06 still valid on 2025-07-01")
	}

	n2025, thaiNguyen := 0, 0
	for i, u := range r.units {
		if u.validOn(reform) && u.level == 3 && u.parent == "19" {
			thaiNguyen++
		}
		if bk[i] && u.validOn(reform) && u.level == 3 {
			n2025++
			if u.parent != "19" || u.from != reform || u.to != "" {
				t.Errorf("2025 commune %s: parent %s, [%s,%s)", u.code, u.parent, u.from, u.to)
			}
		}
		// Unchanged 2017 communes run as one row until 2025-07-01.
		if u.code == "01834" && u.from == "" && u.to != reform {
			t.Errorf("01834: [%s,%s), want [,2025-07-01)", u.from, u.to)
		}
	}
	if n2025 != 37 || thaiNguyen != 92 {
		t.Errorf("%d communes formed from Bắc Kạn from 2025-07-01, want 37; Thái Nguyên has %d, want 92", n2025, thaiNguyen)
	}
}

// changeKinds is the vocabulary of change kinds; a national row may join
// several with "+" (merged_kept_code+renamed).
var changeKinds = map[string]bool{"upgraded": true, "merged": true, "merged_into": true, "merged_kept_code": true,
	"split": true, "enlarged": true, "abolished": true, "kept_unchanged": true, "part_transferred": true, "reduced": true,
	"type_changed": true, "renamed": true, "respelled": true, "moved": true, "dissolved_into_district": true, "converted": true}

// uncertainConfidence are the confidence values that doubt where a unit
// went.
var uncertainConfidence = map[string]bool{"manual:low": true, "record:name": true, "record:name (matched by old name)": true,
	"record:code": true, "snapshot:name continuity": true}

func TestUnitChanges(t *testing.T) {
	r := newRegister(t)
	changes := loadChanges(t)
	if len(changes) != 13451 {
		t.Errorf("%d links, want 13,451", len(changes))
	}
	bk := r.bacKan(t, changes)
	hasSucc := map[int]bool{}
	hasPred := map[int]bool{}
	partial := map[string]int{}
	seen := map[string]bool{}
	uncertain := 0
	for i, c := range changes {
		for _, k := range strings.Split(c.kind, "+") {
			if !changeKinds[k] {
				t.Errorf("row %d: kind %q", i+2, c.kind)
			}
		}
		if !isDate(c.date) {
			t.Errorf("row %d: bad date %+v", i+2, c)
			continue
		}
		key := c.date + "|" + c.oldCode + "|" + c.newCode
		if seen[key] {
			t.Errorf("duplicate link %s", key)
		}
		seen[key] = true
		if i > 0 {
			p := changes[i-1]
			if strings.Compare(p.date+"\x00"+p.oldCode+"\x00"+p.newCode, c.date+"\x00"+c.oldCode+"\x00"+c.newCode) > 0 {
				t.Errorf("rows %d/%d out of order", i+1, i+2)
			}
		}
		want := uncertainConfidence[c.confidence] || strings.Contains(c.confidence, "unresolved") || c.portion == "partial" && c.share == ""
		if c.uncertain != want {
			t.Errorf("%s: uncertain %v, confidence %q, portion %s, share %q", key, c.uncertain, c.confidence, c.portion, c.share)
		}
		if c.uncertain {
			uncertain++
		}
		oi := r.versionOn(t, c.oldCode, dayBefore(t, c.date))
		if oi < 0 {
			t.Errorf("%s %s: old %s has no version on the day before", c.date, c.kind, c.oldCode)
			continue
		}
		if bk[oi] && (c.basis == "" || c.uncertain) {
			t.Errorf("Bắc Kạn link %s: basis %q, uncertain %v", key, c.basis, c.uncertain)
		}
		if c.kind == "abolished" {
			if c.newCode != "" || c.portion != "" {
				t.Errorf("%s: abolished %s with new_code %q portion %q", c.date, c.oldCode, c.newCode, c.portion)
			}
			if r.units[oi].to != c.date {
				t.Errorf("%s: abolished %s ends %s", c.date, c.oldCode, r.units[oi].to)
			}
			hasSucc[oi] = true
			continue
		}
		if c.portion != "full" && c.portion != "partial" {
			t.Errorf("%s %s→%s: portion %q", c.date, c.oldCode, c.newCode, c.portion)
		}
		ni := r.versionOn(t, c.newCode, c.date)
		if ni < 0 {
			t.Errorf("%s %s: new %s has no version on that day", c.date, c.kind, c.newCode)
			continue
		}
		if ni == oi {
			t.Errorf("%s %s→%s links a version to itself", c.date, c.oldCode, c.newCode)
		}
		if r.units[oi].to != c.date && r.units[ni].from != c.date {
			t.Errorf("%s %s→%s: neither side changes on that day", c.date, c.oldCode, c.newCode)
		}
		hasSucc[oi], hasPred[ni] = true, true
		if c.portion == "partial" && bk[oi] {
			partial[c.date+" "+c.oldCode]++
		}
	}
	if uncertain != 1185 {
		t.Errorf("%d uncertain links, want 1,185", uncertain)
	}

	// Every version that ends has a successor link, or is listed as
	// unresolved, or ended before the crosswalk starts (2019); likewise
	// every version that starts has a predecessor. The exceptions are
	// the GSO list's transient states and gaps of 2019–2020 (Sa Pa,
	// Cải Viên, Lý Sơn…), which the national crosswalk leaves out.
	listed := map[int]bool{}
	for _, u := range loadUnresolved(t) {
		if u.unknown == "successor" {
			listed[r.versionOn(t, u.code, dayBefore(t, u.date))] = true
		} else {
			listed[r.versionOn(t, u.code, u.date)] = true
		}
	}
	noSucc, noPred := 0, 0
	for i, u := range r.units {
		if u.to != "" && !hasSucc[i] && !listed[i] {
			if bk[i] || u.to >= "2019-01-01" && u.to != "2019-09-11" && u.to != "2019-11-01" && u.to != "2020-03-01" && u.to != "2020-06-01" {
				t.Errorf("%s %q ends %s without successor link", u.code, u.name, u.to)
			}
			if u.to >= "2019-01-01" {
				noSucc++
			}
		}
		if u.from != "" && !hasPred[i] && !listed[i] {
			if bk[i] || u.from >= "2019-01-01" && u.from != "2019-09-11" && u.from != "2019-11-01" && u.from != "2020-03-01" && u.from != "2020-06-01" {
				t.Errorf("%s %q starts %s without predecessor link", u.code, u.name, u.from)
			}
			if u.from >= "2019-01-01" {
				noPred++
			}
		}
	}
	if noSucc != 20 || noPred != 20 {
		t.Errorf("from 2019 on, %d versions end without successor and %d start without predecessor, want 20 and 20", noSucc, noPred)
	}

	// Bắc Kạn: the 2020 splits are the only partial links, with shares.
	want := map[string]int{"2020-02-01 02074": 2, "2020-02-01 02149": 2, "2020-02-01 02155": 2}
	if len(partial) != len(want) {
		t.Errorf("Bắc Kạn partial links %v, want %v", partial, want)
	}
	for k, n := range want {
		if partial[k] != n {
			t.Errorf("%s: %d partial links, want %d", k, partial[k], n)
		}
	}
	for _, k := range []string{"2023-04-10|01954|01954", "2025-07-01|01957|01957", "2025-07-01|06|19", "2015-03-12|058|058", "2020-02-01|02134|02155",
		"2025-07-01|19|19"} {
		if !seen[k] {
			t.Errorf("missing link %s", k)
		}
	}
	for _, k := range []string{"2020-02-01|01912|01912", "2020-02-01|02152|02152"} {
		if seen[k] {
			t.Errorf("same-version link %s kept", k)
		}
	}
}

func TestUnresolved(t *testing.T) {
	r := newRegister(t)
	changes := loadChanges(t)
	bk := r.bacKan(t, changes)
	out, in := map[string]bool{}, map[string]bool{}
	for _, c := range changes {
		out[c.date+"|"+c.oldCode] = true
		in[c.date+"|"+c.newCode] = true
	}
	us := loadUnresolved(t)
	n := map[string]int{}
	for _, u := range us {
		n[u.unknown]++
		var i int
		switch u.unknown {
		case "successor":
			if i = r.versionOn(t, u.code, dayBefore(t, u.date)); i < 0 || r.units[i].to != u.date {
				t.Errorf("%s: no version of %s ends on that day", u.date, u.code)
				continue
			}
			if out[u.date+"|"+u.code] {
				t.Errorf("%s: %s has a successor link", u.date, u.code)
			}
		case "predecessor":
			if i = r.versionOn(t, u.code, u.date); i < 0 || r.units[i].from != u.date {
				t.Errorf("%s: no version of %s begins on that day", u.date, u.code)
				continue
			}
			if in[u.date+"|"+u.code] {
				t.Errorf("%s: %s has a predecessor link", u.date, u.code)
			}
		default:
			t.Errorf("%s %s: unknown %q", u.date, u.code, u.unknown)
			continue
		}
		if bk[i] || r.units[i].level != 3 || u.date < "2024-12-01" || u.date > "2025-02-01" {
			t.Errorf("%s %s: %+v", u.date, u.code, r.units[i])
		}
	}
	if n["successor"] != 364 || n["predecessor"] != 15 {
		t.Errorf("unresolved: %v, want 364 without successor and 15 without predecessor", n)
	}
}

// ageGroups are the census's five-year age groups.
var ageGroups = []string{"age_00_04", "age_05_09", "age_10_14", "age_15_19", "age_20_24", "age_25_29", "age_30_34",
	"age_35_39", "age_40_44", "age_45_49", "age_50_54", "age_55_59", "age_60_64", "age_65_69", "age_70_74",
	"age_75_79", "age_80_84", "age_85plus"}

func TestPopulation(t *testing.T) {
	r := newRegister(t)
	bk := r.bacKan(t, loadChanges(t))
	ps := loadPopulation(t)
	districtGroups := map[string]bool{"total": true, "urban": true, "rural": true, "age_10_19": true, "age_15_59": true, "age_14_16": true}
	for _, g := range ageGroups {
		districtGroups[g], districtGroups[g+"_urban"], districtGroups[g+"_rural"] = true, true, true
	}
	seen := map[string]bool{}
	values := map[string]map[string]int{}
	sum := map[string]int{} // parent → its children's totals
	levelOf := map[string]int{}
	bkTotals := map[int]int{}
	country, communes := 0, 0
	ethnic, minority, published := 0, 0, -1
	for _, p := range ps {
		estimate := p.group == "age_14_16" || p.group == "female"
		if p.refDate != census || (!estimate && p.source != censusSource) || (estimate && !strings.HasPrefix(p.source, "Ước tính")) {
			t.Errorf("%s %s: ref_date %q source %q", p.code, p.group, p.refDate, p.source)
		}
		key := p.code + "|" + p.refDate + "|" + p.group
		if seen[key] {
			t.Errorf("duplicate %s", key)
		}
		seen[key] = true
		i := r.versionOn(t, p.code, census)
		if i < 0 {
			t.Errorf("%s: no unit valid on %s", p.code, census)
			continue
		}
		u := r.units[i]
		if values[p.code] == nil {
			values[p.code] = map[string]int{}
		}
		values[p.code][p.group] = p.value
		levelOf[p.code] = u.level
		switch {
		case p.group == "total":
			sum[u.parent] += p.value
			if bk[i] {
				bkTotals[u.level] += p.value
			}
			if u.level == 1 {
				country += p.value
			}
			if u.level == 3 {
				communes += p.value
			}
		case strings.HasPrefix(p.group, "ethnic:"):
			if p.code != "06" {
				t.Errorf("ethnic group for %s", p.code)
			}
			ethnic += p.value
			if p.group != "ethnic:Kinh" {
				minority += p.value
			}
		case p.group == "ethnic_minority" && p.code == "06":
			published = p.value
		case p.group == "female" && p.code == "06":
		case u.level < 3 && districtGroups[p.group]:
		case u.level == 3 && (p.group == "urban" || p.group == "rural"):
		default:
			t.Errorf("%s: unexpected group %q", p.code, p.group)
		}
	}

	// The country, each province, each district.
	if country != nationalTotal {
		t.Errorf("provinces sum to %d, want %d", country, nationalTotal)
	}
	nCommunes := 0
	for code, g := range values {
		if _, ok := g["total"]; !ok {
			t.Errorf("%s: no total", code)
		}
		if u, r := g["urban"], g["rural"]; u+r != g["total"] {
			t.Errorf("%s: urban %d + rural %d ≠ total %d", code, u, r, g["total"])
		}
		switch levelOf[code] {
		case 3:
			nCommunes++
		case 1, 2:
			for _, a := range ageGroups {
				if g[a+"_urban"]+g[a+"_rural"] != g[a] {
					t.Errorf("%s: %s urban + rural ≠ %d", code, a, g[a])
				}
			}
			if len(g) < len(districtGroups) {
				t.Errorf("%s: %d groups, want %d", code, len(g), len(districtGroups))
			}
			if s, ok := sum[code]; ok && s != g["total"] {
				t.Errorf("%s: total %d, its parts %d", code, g["total"], s)
			} else if !ok && levelOf[code] == 2 {
				communes += g["total"] // a district without communes (islands)
			}
		}
	}
	if communes != nationalTotal {
		t.Errorf("communes and districts without communes sum to %d, want %d", communes, nationalTotal)
	}
	// Every unit in force on the census day has its figures, but Hoàng Sa.
	for i, u := range r.units {
		if _, ok := values[u.code]["total"]; u.validOn(census) && !ok && u.code != "498" {
			t.Errorf("%s %q (level %d) has no census figure", u.code, u.name, r.units[i].level)
		}
	}
	if nCommunes != 11161 {
		t.Errorf("%d communes with population, want 11,161", nCommunes)
	}
	// Kênh Giang (10597, retired 2019-01-10, 628 people counted by the
	// census) is in its successor Văn Đức.
	if g := values["10585"]; g["rural"] < 628 || values["10597"] != nil {
		t.Errorf("Văn Đức %v, Kênh Giang %v", g, values["10597"])
	}

	// Bắc Kạn, as it was.
	if bkTotals[1] != bacKanTotal || bkTotals[2] != bacKanTotal || bkTotals[3] != bacKanTotal {
		t.Errorf("Bắc Kạn totals: communes %d, districts %d, province %d; want %d", bkTotals[3], bkTotals[2], bkTotals[1], bacKanTotal)
	}
	if ethnic != bacKanTotal {
		t.Errorf("ethnic groups sum to %d, want %d", ethnic, bacKanTotal)
	}
	if published != minority {
		t.Errorf("ethnic_minority %d, non-Kinh groups sum to %d", published, minority)
	}
	if values["06"]["ethnic:Tày"] != 165055 || values["06"]["ethnic:Kinh"] != 37615 {
		t.Errorf("ethnic Tày/Kinh: %d/%d", values["06"]["ethnic:Tày"], values["06"]["ethnic:Kinh"])
	}
	bkCommunes := 0
	for i, u := range r.units {
		if bk[i] && u.level == 3 && values[u.code]["total"] > 0 && u.validOn(census) {
			bkCommunes++
		}
	}
	if bkCommunes != 122 {
		t.Errorf("%d Bắc Kạn communes with population, want 122", bkCommunes)
	}
	if g := values["060"]; g["urban"] != 0 || g["rural"] != 33439 {
		t.Errorf("060 urban/rural %d/%d, want 0/33439", g["urban"], g["rural"])
	}
	if _, ok := values["060"]["urban"]; !ok {
		t.Error("060: urban 0 was dropped")
	}
	if _, ok := values["01849"]["urban"]; ok {
		t.Error("01849: empty urban cell written")
	}
	// The estimates: children 14–16 everywhere, women in Bắc Kạn only (the
	// sex ratio is Bắc Kạn's).
	if values["06"]["age_14_16"] == 0 || values["06"]["female"] == 0 || values["01"]["age_14_16"] == 0 {
		t.Errorf("estimates: %v", values["06"])
	}
	for code, g := range values {
		if _, ok := g["female"]; ok && code != "06" {
			t.Errorf("%s: women estimated outside Bắc Kạn", code)
		}
	}
}
