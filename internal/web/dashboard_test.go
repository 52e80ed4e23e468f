package web_test

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"outreach/internal/demo"
	"outreach/internal/geo"
	"outreach/internal/outreach"
	"outreach/internal/store/storetest"
)

func TestDashboardPage(t *testing.T) {
	s := storetest.OpenSQLite(t)
	w := newWorld(t, s)
	if _, err := demo.Fill(ctx, s, outreach.SystemActor("t"), 1368); err != nil {
		t.Fatal(err)
	}
	c := w.login("viewer")
	status, body := w.get(c, "/plans/bk-1368-2017/dashboard?year=2018")
	for _, want := range []string{"Theo dõi mục tiêu · Tỉnh Bắc Kạn · 2018", "II.2.1", "82 %", "Đạt", "mục tiêu ≥ 75 % (năm 2018)", "100 / 122",
		"Huyện Na Rì", "Xã cần quan tâm", "chưa nhận tài liệu", "Theo tháng", "<svg", "Kinh phí theo nguồn",
		"outreach units boundaries", `href="/activities?`, "Cách tính các chỉ tiêu"} {
		if status != 200 || !strings.Contains(body, want) {
			t.Errorf("dashboard lacks %q (%d)", want, status)
		}
	}
	if len(body) > 100<<10 {
		t.Errorf("dashboard is %d bytes", len(body))
	}
	// A district, sorted table, another tree, and the 2025 tree's communes.
	for _, q := range []string{"?year=2019&unit=066", "?year=2019&sort=materials", "?year=2018&as_of=2025-07-01", "?year=2020&sort=reach"} {
		if status, body := w.get(c, "/plans/bk-1368-2017/dashboard"+q); status != 200 || !strings.Contains(body, "scorecard") {
			t.Errorf("%s: %d", q, status)
		}
	}
	// The table has a column per target, each sortable, lowest first.
	_, body = w.get(c, "/plans/bk-1368-2017/dashboard?year=2018&sort=II.2.1")
	for _, col := range []string{"sort=II.2.1", "sort=II.2.2", "sort=II.2.3%2feveryone"} {
		if !strings.Contains(body, col) {
			t.Errorf("the table has no column %s", col)
		}
	}
	cells := regexp.MustCompile(`<td class="num">\d+</td>\s*<td class="num st-[a-z_]+">([0-9.,]+) %`).FindAllStringSubmatch(body, -1)
	if len(cells) != 8 {
		t.Fatalf("%d district rows with a II.2.1 value, want 8", len(cells))
	}
	prev := -1.0
	for _, m := range cells {
		v, _ := strconv.ParseFloat(strings.ReplaceAll(strings.ReplaceAll(m[1], ".", ""), ",", "."), 64)
		if v < prev {
			t.Errorf("sorted by II.2.1: %v after %v", v, prev)
		}
		prev = v
	}
	_, body = w.get(c, "/plans/bk-1368-2017/dashboard?year=2018&as_of=2025-07-01")
	if !strings.Contains(body, "Phường Đức Xuân") {
		t.Error("the 2025 tree's dashboard should be by new commune")
	}
	// The old plan covers former Bắc Kạn, not the whole of Thái Nguyên.
	if !strings.Contains(body, "các xã, phường, thị trấn thuộc tỉnh Bắc Kạn cũ (nay thuộc tỉnh Thái Nguyên)") {
		t.Error("the 2025 tree's dashboard does not say it covers former Bắc Kạn")
	}
	if status, _ := w.get(c, "/plans/bk-1368-2017/dashboard?year=2030"); status != 422 {
		t.Errorf("a year outside the plan: %d", status)
	}
	if status, body := w.get(c, "/docs/indicators"); status != 200 || !strings.Contains(body, "people-times") {
		t.Errorf("method page: %d", status)
	}

	// With the district boundaries imported, the map is drawn.
	data, err := os.ReadFile("../../../shared/data/bac-kan-districts-2019.geojson")
	if err != nil {
		t.Skipf("reference data not here: %v", err)
	}
	fs, err := geo.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportBoundaries(ctx, outreach.SystemActor("t"), "districts", fs, ""); err != nil {
		t.Fatal(err)
	}
	_, body = w.get(c, "/plans/bk-1368-2017/dashboard?year=2018")
	if strings.Count(body, "<path d=") != 8 || !strings.Contains(body, `class="map"`) {
		t.Errorf("map: %d paths", strings.Count(body, "<path d="))
	}
}

func TestDashboardLinks(t *testing.T) {
	s := storetest.OpenSQLite(t)
	w := newWorld(t, s)
	if _, err := demo.Fill(ctx, s, outreach.SystemActor("t"), 1368); err != nil {
		t.Fatal(err)
	}
	_, body := w.get(w.login("viewer"), "/plans/bk-1368-2017/dashboard?year=2018")
	// The year survives in the table's links, months end on real days, and
	// the tree date field is empty unless asked for.
	if !strings.Contains(body, `href="?year=2018&amp;unit=066"`) || strings.Contains(body, "year%3d") {
		t.Error("table links lose the year")
	}
	if strings.Contains(body, "2018-02-31") || !strings.Contains(body, "2018-02-28") {
		t.Error("month links")
	}
	if !strings.Contains(body, `name="as_of" value=""`) {
		t.Error("the tree date is carried over")
	}
}
