package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"outreach/internal/outreach"
	"outreach/internal/store"
	"outreach/internal/store/storetest"
)

// withReportedTarget gives the built-in plan a reported target: the
// share of tip-offs handled, which the police report.
func (w *world) withReportedTarget(t *testing.T) {
	t.Helper()
	p, err := w.store.Plan(ctx, "bk-1368-2017")
	if err != nil {
		t.Fatal(err)
	}
	p.Targets = append(p.Targets, outreach.Target{Code: "II.2.4", Text: "100 % số tin báo, tố giác về mua bán người được tiếp nhận, xử lý",
		Kind: outreach.KindReported, Agency: "bk-ca", Milestones: []outreach.Milestone{{Year: 2020, Comparator: "=", Value: 100}}})
	if _, err := w.store.ImportPlan(ctx, outreach.SystemActor("test"), p); err != nil {
		t.Fatal(err)
	}
}

// TestTargetValuesPage drives the reported targets' page: the police
// enter a value (refused first with the reasons in Vietnamese), the
// coordinator returns it without and with a reason, the police correct
// it, the coordinator accepts it and the dashboard shows it; the others
// read without forms.
func TestTargetValuesPage(t *testing.T) {
	w := newWorld(t, storetest.OpenSQLite(t))
	w.withReportedTarget(t)
	police, union, coord, viewer := w.login("police"), w.login("union"), w.login("coord"), w.login("viewer")
	const page = "/plans/bk-1368-2017/reports/2019/targets"

	if status, body := w.get(viewer, "/plans/bk-1368-2017/reports/2019"); status != 200 || !strings.Contains(body, `href="`+page+`"`) {
		t.Errorf("the board does not link the page: %d", status)
	}
	resp, err := police.Get(w.srv.URL + "/plans/bk-1368-2017/targets")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/plans/bk-1368-2017/reports/") || !strings.HasSuffix(loc, "/targets") {
		t.Errorf("/plans/…/targets: %d %s", resp.StatusCode, loc)
	}
	status, body := w.get(police, page)
	for _, s := range []string{"Chỉ tiêu do cơ quan báo cáo · 2019", "II.2.4", "tố giác", "Công an tỉnh", "Chưa báo cáo", `name="numerator"`, "Gửi số liệu"} {
		if status != 200 || !strings.Contains(body, s) {
			t.Errorf("the police's page: %d, missing %q", status, s)
		}
	}
	if _, body := w.get(union, page); strings.Contains(body, `name="numerator"`) {
		t.Error("the union gets a form for the police's target")
	}

	form := url.Values{"target": {"II.2.4"}, "numerator": {"51"}, "denominator": {"50"}, "evidence": {"Báo cáo số 12/BC-CAT"}}
	if resp, body := w.postBody(police, page, form); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "không lớn hơn mẫu số") ||
		!strings.Contains(body, `value="51"`) {
		t.Errorf("more than the denominator: %d", resp.StatusCode)
	}
	form.Set("numerator", "bốn mươi")
	if resp, _ := w.postBody(police, page, form); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("not a number: %d", resp.StatusCode)
	}
	if resp := w.post(union, page, url.Values{"target": {"II.2.4"}, "numerator": {"1"}, "denominator": {"2"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("the union reports the police's value: %d", resp.StatusCode)
	}
	form.Set("numerator", "45")
	resp = w.post(police, page, form)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != page+"#t-II.2.4" {
		t.Fatalf("submit: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	sheet, err := w.store.TargetValues(ctx, w.actor("viewer"), "bk-1368-2017", "2019")
	if err != nil || len(sheet.Values) != 1 || sheet.Values[0].Numerator != 45 || sheet.Values[0].Evidence != "Báo cáo số 12/BC-CAT" {
		t.Fatalf("stored: %+v %v", sheet, err)
	}
	id := sheet.Values[0].ID
	decide := fmt.Sprintf("%s/%d/decision", page, id)
	if status, body := w.get(viewer, page); status != 200 || !strings.Contains(body, "45 / 50 = 90 %") || !strings.Contains(body, "Đã gửi, chờ tiếp nhận") ||
		strings.Contains(body, decide) {
		t.Errorf("a viewer's page after submission: %d", status)
	}

	if resp := w.post(police, decide, url.Values{"decision": {"accept"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("the police accepts its own value: %d", resp.StatusCode)
	}
	if _, body := w.get(coord, page); !strings.Contains(body, decide) || !strings.Contains(body, "Tiếp nhận") {
		t.Error("the coordinator gets no decision form")
	}
	if resp, body := w.postBody(coord, decide, url.Values{"decision": {"return"}}); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Cần ghi lý do trả lại") {
		t.Errorf("a return without a reason: %d", resp.StatusCode)
	}
	if resp := w.post(coord, decide, url.Values{"decision": {"return"}, "reason": {"Thiếu số liệu tháng 12"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("return: %d", resp.StatusCode)
	}
	if _, body := w.get(police, page); !strings.Contains(body, "Bị trả lại") || !strings.Contains(body, "Thiếu số liệu tháng 12") || !strings.Contains(body, `value="45"`) {
		t.Error("the police's page after the return")
	}
	form.Set("numerator", "48")
	if resp := w.post(police, page, form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("resubmit: %d", resp.StatusCode)
	}
	if resp := w.post(coord, decide, url.Values{"decision": {"accept"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: %d", resp.StatusCode)
	}
	if _, body := w.get(police, page); !strings.Contains(body, "Đã tiếp nhận") || !strings.Contains(body, "48 / 50 = 96 %") ||
		!strings.Contains(body, "chỉ cơ quan tổng hợp có thể sửa") || strings.Contains(body, `name="numerator"`) {
		t.Error("the police's page after acceptance")
	}
	if resp := w.post(police, page, form); resp.StatusCode != http.StatusConflict {
		t.Errorf("the police changes an accepted value: %d", resp.StatusCode)
	}
	set, err := w.store.Indicators(ctx, store.IndicatorQuery{Plan: "bk-1368-2017", Year: 2019})
	if err != nil {
		t.Fatal(err)
	}
	for _, ind := range set.Indicators {
		if ind.Code == "II.2.4" && (ind.Value == nil || *ind.Value != 96) {
			t.Errorf("the indicator after acceptance: %s", ind)
		}
	}
	if status, body := w.get(viewer, "/plans/bk-1368-2017/dashboard?year=2019"); status != 200 || !strings.Contains(body, "96 %") {
		t.Errorf("the dashboard after acceptance: %d", status)
	}
	// A decision on a value through another plan's address is not found.
	if resp := w.post(coord, fmt.Sprintf("/plans/bk-1368-2017/reports/2019/targets/%d/decision", id+1000), url.Values{"decision": {"accept"}}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown value: %d", resp.StatusCode)
	}
	if status, _ := w.get(viewer, "/plans/bk-1368-2017/reports/2031/targets"); status != http.StatusUnprocessableEntity {
		t.Errorf("a period outside the plan: %d", status)
	}
}

// TestTargetValuesAPI: the same steps through the API.
func TestTargetValuesAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s)
		w.withReportedTarget(t)
		police, union, coord := w.token("police"), w.token("union"), w.token("coord")
		const path = "/api/v1/plans/bk-1368-2017/target-values"
		var e apiError
		if status := w.call(police, "GET", path, "", &e); status != http.StatusBadRequest || e.Error.Field != "period" {
			t.Errorf("no period: %d %+v", status, e)
		}
		var sheet store.TargetValueSheet
		if status := w.call(police, "GET", path+"?period=2019", "", &sheet); status != 200 || len(sheet.Missing) != 1 || !sheet.Missing[0].MaySubmit {
			t.Errorf("sheet: %d %+v", status, sheet)
		}
		body := `{"target":"II.2.4","period":"2019","numerator":45,"denominator":50,"evidence":"Báo cáo số 12/BC-CAT"}`
		if status := w.call(union, "POST", path, body, &e); status != http.StatusForbidden {
			t.Errorf("the union submits: %d", status)
		}
		if status := w.call(police, "POST", path, `{"target":"II.2.4","period":"2019","denominator":50}`, &e); status != http.StatusBadRequest || e.Error.Field != "numerator" {
			t.Errorf("no numerator: %d %+v", status, e)
		}
		if status := w.call(police, "POST", path, `{"target":"II.2.1","period":"2019","numerator":1,"denominator":2}`, &e); status != http.StatusBadRequest || e.Error.Field != "target" {
			t.Errorf("a computed target: %d %+v", status, e)
		}
		var v store.TargetValue
		if status := w.call(police, "POST", path, body, &v); status != 200 || v.ID == 0 || v.State != "submitted" || v.AgencyName != "Công an tỉnh" {
			t.Fatalf("submit: %d %+v", status, v)
		}
		decision := fmt.Sprintf("%s/%d/decision", path, v.ID)
		if status := w.call(police, "POST", decision, `{"decision":"accept"}`, &e); status != http.StatusForbidden {
			t.Errorf("the police accepts: %d", status)
		}
		if status := w.call(coord, "POST", decision, `{"decision":"return"}`, &e); status != http.StatusBadRequest || e.Error.Field != "reason" {
			t.Errorf("return without a reason: %d %+v", status, e)
		}
		if status := w.call(coord, "POST", decision, `{"decision":"accept"}`, &v); status != 200 || v.State != "accepted" || v.DecidedBy != "coord" {
			t.Errorf("accept: %d %+v", status, v)
		}
		if status := w.call(police, "POST", path, body, &e); status != http.StatusConflict {
			t.Errorf("the police changes an accepted value: %d", status)
		}
		if status := w.call(police, "GET", path+"?period=2019", "", &sheet); status != 200 || len(sheet.Values) != 1 || sheet.Values[0].State != "accepted" || len(sheet.Missing) != 0 {
			t.Errorf("sheet after acceptance: %d %+v", status, sheet)
		}
	})
}
