package seed_test

import (
	"bytes"
	"encoding/csv"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// unit is one row of units/units.csv.
type unit struct {
	code, name, typ string
	level           int
	parent          string
	from, to        string
}

func (u unit) validOn(d string) bool {
	return (u.from == "" || u.from <= d) && (u.to == "" || u.to > d)
}

// change is one row of units/unit_changes.csv.
type change struct {
	date, kind, oldCode, newCode, portion, basis, note string
}

// pop is one row of units/population.csv.
type pop struct {
	code, refDate, group string
	value                int
	source               string
}

func readCSV(t *testing.T, path string, header ...string) [][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
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
	for i, r := range readCSV(t, "units/units.csv", "code", "name", "type", "level", "parent_code", "valid_from", "valid_to") {
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
	for _, r := range readCSV(t, "units/unit_changes.csv", "date", "kind", "old_code", "new_code", "portion", "basis", "note", "share") {
		cs = append(cs, change{r[0], r[1], r[2], r[3], r[4], r[5], r[6]})
		if (r[4] == "partial") != (r[7] != "") {
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
	for i, r := range readCSV(t, "units/population.csv", "code", "ref_date", "group", "value", "source") {
		v, err := strconv.Atoi(r[3])
		if err != nil || v < 0 {
			t.Fatalf("population.csv row %d: value %q", i+2, r[3])
		}
		ps = append(ps, pop{r[0], r[1], r[2], v, r[4]})
	}
	return ps
}

// versionsOn returns the index of the version of code valid on d, or -1; it
// fails the test if several are.
func versionOn(t *testing.T, units []unit, code, d string) int {
	t.Helper()
	found := -1
	for i, u := range units {
		if u.code == code && u.validOn(d) {
			if found >= 0 {
				t.Errorf("%s: two versions valid on %s", code, d)
			}
			found = i
		}
	}
	return found
}

func TestUnitsWellFormed(t *testing.T) {
	units := loadUnits(t)
	if len(units) == 0 {
		t.Fatal("no units")
	}
	types := map[string]bool{"tinh": true, "thanh_pho": true, "thi_xa": true, "huyen": true, "phuong": true, "xa": true, "thi_tran": true}
	levelOf := map[string]int{"tinh": 1, "thanh_pho": 2, "thi_xa": 2, "huyen": 2, "phuong": 3, "xa": 3, "thi_tran": 3}
	seen := map[string]bool{}
	for i, u := range units {
		if u.code == "" || u.name == "" || strings.TrimSpace(u.name) != u.name {
			t.Errorf("row %d: bad code/name %q %q", i+2, u.code, u.name)
		}
		if !types[u.typ] {
			t.Errorf("%s: unknown type %q", u.code, u.typ)
		} else if levelOf[u.typ] != u.level {
			t.Errorf("%s: type %s at level %d", u.code, u.typ, u.level)
		}
		if (u.from != "" && !isDate(u.from)) || (u.to != "" && !isDate(u.to)) {
			t.Errorf("%s: bad dates %q %q", u.code, u.from, u.to)
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
	// Versions of one code never overlap.
	for i, a := range units {
		for _, b := range units[i+1:] {
			if a.code == b.code && (a.from == "" || b.to == "" || a.from < b.to) && (b.from == "" || a.to == "" || b.from < a.to) {
				t.Errorf("%s: versions [%s,%s) and [%s,%s) overlap", a.code, a.from, a.to, b.from, b.to)
			}
		}
	}
}

func TestUnitParents(t *testing.T) {
	units := loadUnits(t)
	for _, u := range units {
		if u.level == 1 {
			continue
		}
		days := []string{u.from}
		if u.from == "" {
			days[0] = "2017-09-08"
		}
		if u.to != "" {
			days = append(days, dayBefore(t, u.to))
		}
		for _, d := range days {
			i := versionOn(t, units, u.parent, d)
			if i < 0 {
				t.Errorf("%s %q [%s,%s): parent %q has no version on %s", u.code, u.name, u.from, u.to, u.parent, d)
				continue
			}
			p := units[i]
			if p.level >= u.level {
				t.Errorf("%s: parent %s has level %d ≥ %d", u.code, p.code, p.level, u.level)
			}
			if u.level == 3 && d < "2025-07-01" && p.level != 2 {
				t.Errorf("%s: before 2025-07-01 a commune's parent must be a district, got %s", u.code, p.code)
			}
		}
	}
}

func TestUnitCounts(t *testing.T) {
	units := loadUnits(t)
	type count struct{ l1, l2, l3, xa, phuong, thiTran int }
	countOn := func(d string) (c count) {
		for _, u := range units {
			if !u.validOn(d) {
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
		{"2025-07-01", count{1, 0, 37, 35, 2, 0}},
		{"2030-01-01", count{1, 0, 37, 35, 2, 0}},
	} {
		if got := countOn(tc.date); got != tc.want {
			t.Errorf("%s: got %+v, want %+v", tc.date, got, tc.want)
		}
	}

	has := func(d, code, name, typ string, level int, parent string) {
		t.Helper()
		i := versionOn(t, units, code, d)
		if i < 0 {
			t.Errorf("%s: no version of %s", d, code)
			return
		}
		u := units[i]
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
	if versionOn(t, units, "02134", "2020-02-01") >= 0 {
		t.Error("02134 still valid on 2020-02-01")
	}
	has("2020-02-01", "01960", "Xã Hiệp Lực", "xa", 3, "062")
	// 2023: Vân Tùng becomes a thị trấn.
	has("2023-04-09", "01954", "Xã Vân Tùng", "xa", 3, "062")
	has("2023-04-10", "01954", "Thị trấn Vân Tùng", "thi_tran", 3, "062")
	// 2025: Thái Nguyên, communes directly under the province.
	has("2025-07-01", "19", "Tỉnh Thái Nguyên", "tinh", 1, "")
	has("2025-07-01", "01954", "Xã Ngân Sơn", "xa", 3, "19")
	has("2025-07-01", "02155", "Xã Na Rì", "xa", 3, "19")
	has("2025-06-30", "01957", "Xã Thượng Quan", "xa", 3, "062")
	has("2025-07-01", "01957", "Xã Thượng Quan", "xa", 3, "19")
	if versionOn(t, units, "06", "2025-07-01") >= 0 {
		t.Error("province 06 still valid on 2025-07-01")
	}

	n2025 := 0
	for _, u := range units {
		if u.validOn("2025-07-01") && u.level == 3 {
			n2025++
			if u.parent != "19" || u.from != "2025-07-01" || u.to != "" {
				t.Errorf("2025 commune %s: parent %s, [%s,%s)", u.code, u.parent, u.from, u.to)
			}
		}
		// Unchanged 2017 communes run as one row until 2025-07-01.
		if u.code == "01834" && (u.from != "" || u.to != "2025-07-01") {
			t.Errorf("01834: [%s,%s), want [,2025-07-01)", u.from, u.to)
		}
	}
	if n2025 != 37 {
		t.Errorf("%d communes from 2025-07-01, want 37", n2025)
	}
}

func TestUnitChanges(t *testing.T) {
	units := loadUnits(t)
	changes := loadChanges(t)
	if len(changes) == 0 {
		t.Fatal("no changes")
	}
	kinds := map[string]bool{"upgraded": true, "merged": true, "merged_into": true, "merged_kept_code": true,
		"split": true, "enlarged": true, "abolished": true, "kept_unchanged": true}
	hasSucc := map[int]bool{}
	hasPred := map[int]bool{}
	partial := map[string]int{}
	seen := map[string]bool{}
	for i, c := range changes {
		if !isDate(c.date) || !kinds[c.kind] || c.basis == "" {
			t.Errorf("row %d: bad date/kind/basis %+v", i+2, c)
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
		oi := versionOn(t, units, c.oldCode, dayBefore(t, c.date))
		if oi < 0 {
			t.Errorf("%s %s: old %s has no version on the day before", c.date, c.kind, c.oldCode)
			continue
		}
		if c.kind == "abolished" {
			if c.newCode != "" || c.portion != "" {
				t.Errorf("%s: abolished %s with new_code %q portion %q", c.date, c.oldCode, c.newCode, c.portion)
			}
			if units[oi].to != c.date {
				t.Errorf("%s: abolished %s ends %s", c.date, c.oldCode, units[oi].to)
			}
			hasSucc[oi] = true
			continue
		}
		if c.portion != "full" && c.portion != "partial" {
			t.Errorf("%s %s→%s: portion %q", c.date, c.oldCode, c.newCode, c.portion)
		}
		ni := versionOn(t, units, c.newCode, c.date)
		if ni < 0 {
			t.Errorf("%s %s: new %s has no version on that day", c.date, c.kind, c.newCode)
			continue
		}
		if ni == oi {
			t.Errorf("%s %s→%s links a version to itself", c.date, c.oldCode, c.newCode)
		}
		if units[oi].to != c.date && units[ni].from != c.date {
			t.Errorf("%s %s→%s: neither side changes on that day", c.date, c.oldCode, c.newCode)
		}
		hasSucc[oi], hasPred[ni] = true, true
		if c.portion == "partial" {
			partial[c.date+" "+c.oldCode]++
		}
	}
	for i, u := range units {
		if u.to != "" && !hasSucc[i] {
			t.Errorf("%s %q ends %s without successor link", u.code, u.name, u.to)
		}
		if u.from != "" && !hasPred[i] {
			t.Errorf("%s %q starts %s without predecessor link", u.code, u.name, u.from)
		}
	}
	want := map[string]int{"2020-02-01 02074": 2, "2020-02-01 02149": 2, "2020-02-01 02155": 2}
	if len(partial) != len(want) {
		t.Errorf("partial links %v, want %v", partial, want)
	}
	for k, n := range want {
		if partial[k] != n {
			t.Errorf("%s: %d partial links, want %d", k, partial[k], n)
		}
	}
	for _, k := range []string{"2023-04-10|01954|01954", "2025-07-01|01957|01957", "2025-07-01|06|19", "2015-03-12|058|058", "2020-02-01|02134|02155"} {
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

func TestPopulation(t *testing.T) {
	units := loadUnits(t)
	ps := loadPopulation(t)
	const census = "2019-04-01"
	const total = 313905
	communes, districts, province := 0, 0, -1
	ethnic, minority, published := 0, 0, -1
	seen := map[string]bool{}
	values := map[string]map[string]int{}
	for _, p := range ps {
		estimate := p.group == "age_14_16" || p.group == "female"
		if p.refDate != census || (!estimate && p.source != "Tổng điều tra dân số và nhà ở 2019 (TCTK)") || (estimate && !strings.HasPrefix(p.source, "Ước tính")) {
			t.Errorf("%s %s: ref_date %q source %q", p.code, p.group, p.refDate, p.source)
		}
		key := p.code + "|" + p.refDate + "|" + p.group
		if seen[key] {
			t.Errorf("duplicate %s", key)
		}
		seen[key] = true
		i := versionOn(t, units, p.code, census)
		if i < 0 {
			t.Errorf("%s: no unit valid on %s", p.code, census)
			continue
		}
		if values[p.code] == nil {
			values[p.code] = map[string]int{}
		}
		values[p.code][p.group] = p.value
		lvl := units[i].level
		switch {
		case p.group == "total" && lvl == 3:
			communes += p.value
		case p.group == "total" && lvl == 2:
			districts += p.value
		case p.group == "total" && lvl == 1:
			province = p.value
		case strings.HasPrefix(p.group, "ethnic:"):
			if p.code != "06" {
				t.Errorf("ethnic group for %s", p.code)
			}
			ethnic += p.value
			if p.group != "ethnic:Kinh" {
				minority += p.value
			}
		case p.group == "ethnic_minority":
			published = p.value
		case p.group == "urban" || p.group == "rural" || strings.HasPrefix(p.group, "age_") && lvl < 3:
		case p.group == "female" && lvl == 1:
		default:
			t.Errorf("%s: unexpected group %q", p.code, p.group)
		}
	}
	if communes != total || districts != total || province != total {
		t.Errorf("totals: communes %d, districts %d, province %d; want %d", communes, districts, province, total)
	}
	if ethnic != total {
		t.Errorf("ethnic groups sum to %d, want %d", ethnic, total)
	}
	if published != minority {
		t.Errorf("ethnic_minority %d, non-Kinh groups sum to %d", published, minority)
	}
	if values["06"]["ethnic:Tày"] != 165055 || values["06"]["ethnic:Kinh"] != 37615 {
		t.Errorf("ethnic Tày/Kinh: %d/%d", values["06"]["ethnic:Tày"], values["06"]["ethnic:Kinh"])
	}
	nCommunes := 0
	for code, g := range values {
		if _, ok := g["total"]; !ok {
			t.Errorf("%s: no total", code)
		}
		u, okU := g["urban"]
		r, okR := g["rural"]
		if okU && okR && u+r != g["total"] {
			t.Errorf("%s: urban %d + rural %d ≠ total %d", code, u, r, g["total"])
		}
		if len(code) == 5 {
			nCommunes++
		} else if len(g) < 3+24 {
			t.Errorf("%s: only %d groups", code, len(g))
		}
	}
	if nCommunes != 122 {
		t.Errorf("%d communes with population, want 122", nCommunes)
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
}
