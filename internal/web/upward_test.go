package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"outreach/internal/outreach"
	"outreach/internal/store"
	"outreach/internal/store/storetest"
)

// TestUpwardReportPages: Bắc Kạn's plan serving a national plan, both
// with a six-month round. Bắc Kạn's coordinator starts and sends its
// consolidated six-month report and cannot accept it; the ministry's
// coordinator sees it on the national plan's board and accepts it there.
func TestUpwardReportPages(t *testing.T) {
	w := newWorld(t, storetest.OpenSQLite(t))
	system := outreach.SystemActor("test")
	half := outreach.RoundRule{Round: outreach.RoundHalfYear, Deadline: "06-25", Cutoff: outreach.Cutoff{From: "12-15", To: "06-14"}}
	national, err := w.store.Plan(ctx, "bk-1368-2017")
	if err != nil {
		t.Fatal(err)
	}
	national.Code, national.Scope, national.Title = "vn-thu", "VN", "Đề án thử của Bộ"
	national.RenameAgencies(func(c string) string { return "vn-" + c })
	for i := range national.Agencies {
		national.Agencies[i].Unit, national.Agencies[i].ValidFrom, national.Agencies[i].ValidTo = "", "", ""
	}
	national.Reporting.Rounds = []outreach.RoundRule{half}
	if _, err := w.store.ImportPlan(ctx, system, national); err != nil {
		t.Fatal(err)
	}
	bk, err := w.store.Plan(ctx, "bk-1368-2017")
	if err != nil {
		t.Fatal(err)
	}
	bk.Parent = "vn-thu"
	bk.Reporting.Rounds = []outreach.RoundRule{half}
	if _, err := w.store.ImportPlan(ctx, system, bk); err != nil {
		t.Fatal(err)
	}
	for _, u := range []store.NewUser{
		{Username: "bk-coord", Name: "Sở TT&TT Bắc Kạn", Role: outreach.RoleCoordinator, Scope: "06"},
		{Username: "bo-coord", Name: "Bộ", Role: outreach.RoleCoordinator, Scope: "VN"},
	} {
		u.Password = password
		if _, err := w.store.CreateUser(ctx, system, u); err != nil {
			t.Fatal(err)
		}
	}
	province, ministry := w.login("bk-coord"), w.login("bo-coord")

	if status, body := w.get(province, "/plans/bk-1368-2017/regime"); status != 200 || !strings.Contains(body, "6 tháng đầu năm 2019") || !strings.Contains(body, "báo cáo sơ kết 6 tháng") {
		t.Errorf("regime page: %d", status)
	}
	if status, body := w.get(province, "/plans/bk-1368-2017/reports/2019-h1"); status != 200 || !strings.Contains(body, "Tình hình gửi báo cáo · 6 tháng đầu năm 2019") ||
		!strings.Contains(body, `href="/plans/bk-1368-2017/reports/2019-h1" aria-current="page">6T/2019`) || !strings.Contains(body, "Báo cáo tổng hợp gửi lên: Đề án thử của Bộ") {
		t.Errorf("six-month board: %d", status)
	}
	if status, _ := w.get(province, "/plans/bk-1368-2017/reports/2019-h2"); status != http.StatusUnprocessableEntity {
		t.Errorf("an unknown period: %d", status)
	}
	resp := w.post(province, "/plans/bk-1368-2017/reports/2019-h1/consolidated", nil)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/reports/") {
		t.Fatalf("start: %d %s", resp.StatusCode, loc)
	}
	if resp := w.post(province, loc+"/step", url.Values{"step": {"submit"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d", resp.StatusCode)
	}
	status, body := w.get(province, loc)
	if status != 200 || strings.Contains(body, `value="accept"`) || !strings.Contains(body, "6 tháng đầu năm 2019") {
		t.Errorf("the province's view of its sent report: %d, accept offered %v", status, strings.Contains(body, `value="accept"`))
	}
	if resp := w.post(province, loc+"/step", url.Values{"step": {"accept"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("the province accepts its own report: %d", resp.StatusCode)
	}
	status, body = w.get(ministry, "/plans/vn-thu/reports/2019-h1")
	for _, want := range []string{"Báo cáo tổng hợp của các tỉnh, thành phố", "Kế hoạch truyền thông phòng, chống mua bán người đến năm 2020 trên địa bàn tỉnh Bắc Kạn", "Đã gửi, chờ tiếp nhận", `href="` + loc + `"`} {
		if status != 200 || !strings.Contains(body, want) {
			t.Errorf("the ministry's board: %d, missing %q", status, want)
		}
	}
	if status, body := w.get(ministry, loc); status != 200 || !strings.Contains(body, `value="accept"`) {
		t.Errorf("the ministry's view: %d, accept offered %v", status, strings.Contains(body, `value="accept"`))
	}
	if resp := w.post(ministry, loc+"/step", url.Values{"step": {"accept"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the ministry accepts: %d", resp.StatusCode)
	}
	if status, body := w.get(ministry, "/plans/vn-thu/reports/2019-h1"); status != 200 || !strings.Contains(body, "Đã tiếp nhận") {
		t.Errorf("after acceptance: %d", status)
	}
	// The national dashboard: Bắc Kạn's row links its own plan; the other
	// provinces say that no plan serves the national one there.
	status, body = w.get(ministry, "/plans/vn-thu/dashboard?year=2019")
	if status != 200 || !strings.Contains(body, `href="/plans/bk-1368-2017/dashboard"`) || strings.Count(body, "chưa có kế hoạch phục vụ kế hoạch này") != 62 {
		t.Errorf("national dashboard: %d, %d provinces without a plan, want 62", status, strings.Count(body, "chưa có kế hoạch phục vụ kế hoạch này"))
	}
}
