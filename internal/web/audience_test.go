package web_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"outreach/internal/outreach"
	"outreach/internal/store"
	"outreach/internal/store/storetest"
)

// withAudienceGroup gives the built-in plan a population group of its own
// (age_14_60) and a population-share target counting it. It skips the
// test while plans do not keep their groups.
func (w *world) withAudienceGroup(t *testing.T) {
	t.Helper()
	p, err := w.store.Plan(ctx, "bk-1368-2017")
	if err != nil {
		t.Fatal(err)
	}
	from, to := 14, 60
	p.Populations = append(p.Populations, outreach.PopulationDef{Code: "age_14_60", Name: "Người từ 14 đến 60 tuổi", AgeFrom: &from, AgeTo: &to})
	p.Targets = append(p.Targets, outreach.Target{Code: "II.2.9", Text: "Người từ 14 đến 60 tuổi được tuyên truyền", Kind: outreach.KindPopulationShare,
		Populations: []outreach.PopulationGroup{"age_14_60"}, Milestones: []outreach.Milestone{{Year: 2020, Comparator: ">=", Value: 80}}})
	if _, err := w.store.ImportPlan(ctx, outreach.SystemActor("test"), p); errors.Is(err, outreach.ErrInvalid) {
		t.Skipf("plans cannot define population groups yet: %v", err)
	} else if err != nil {
		t.Fatal(err)
	}
	if p, err = w.store.Plan(ctx, "bk-1368-2017"); err != nil {
		t.Fatal(err)
	}
	if len(p.AudienceGroups()) == 0 {
		t.Skip("plans do not keep their population groups yet")
	}
}

// postBody posts a form and returns the response with its body read.
func (w *world) postBody(c *http.Client, path string, form url.Values) (*http.Response, string) {
	w.t.Helper()
	req, _ := http.NewRequest("POST", w.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", w.srv.URL)
	resp, err := c.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestActivityFormAudienceGroups(t *testing.T) {
	w := newWorld(t, storetest.OpenSQLite(t))
	police := w.login("police")
	// The built-in plan defines no group: the form asks for none.
	if status, body := w.get(police, "/activities/new?plan=bk-1368-2017"); status != 200 || strings.Contains(body, `name="aud_group_`) {
		t.Errorf("a plan without groups of its own: %d, asks for one: %v", status, strings.Contains(body, `name="aud_group_`))
	}
	w.withAudienceGroup(t)
	status, body := w.get(police, "/activities/new?plan=bk-1368-2017")
	if status != 200 || !strings.Contains(body, `Người từ 14 đến 60 tuổi<input name="aud_group_age_14_60"`) {
		t.Fatalf("the form does not ask for the plan's group (%d)", status)
	}
	if strings.Count(body, `name="aud_group_`) != 1 {
		t.Errorf("the form asks for groups the plan does not ask for")
	}

	// Above the total: the form again, with the figure kept and the
	// problem said under the group.
	form := activityForm()
	form.Set("aud_group_age_14_60", "2.000")
	resp, body := w.postBody(police, "/activities", form)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `name="aud_group_age_14_60" inputmode="numeric" value="2.000"`) ||
		!strings.Contains(body, "Người từ 14 đến 60 tuổi: 2000 lớn hơn tổng số người 1250") {
		t.Errorf("a group above the total: %d", resp.StatusCode)
	}
	form.Set("aud_group_age_14_60", "900")
	resp = w.post(police, "/activities", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	loc := resp.Header.Get("Location")
	page, err := w.store.Activities(ctx, outreach.SystemActor("t"), store.ActivityFilter{Plan: "bk-1368-2017"})
	if err != nil || len(page.Items) != 1 || page.Items[0].Audience.Groups["age_14_60"] != 900 {
		t.Fatalf("stored = %+v, %v", page.Items, err)
	}
	if _, body := w.get(police, loc+"/edit"); !strings.Contains(body, `name="aud_group_age_14_60" inputmode="numeric" value="900"`) {
		t.Error("the edit form does not show the group's figure")
	}
	// The activity's page shows the figure under the group's name.
	if status, body := w.get(police, loc); status != 200 || !strings.Contains(body, `<tr><th scope="row">Người từ 14 đến 60 tuổi</th><td class="num">900</td></tr>`) {
		t.Errorf("the activity page does not show the group's figure (%d)", status)
	}
	// Emptied, it is removed.
	form.Set("aud_group_age_14_60", "")
	if resp := w.post(police, loc, form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("update: %d", resp.StatusCode)
	}
	page, _ = w.store.Activities(ctx, outreach.SystemActor("t"), store.ActivityFilter{Plan: "bk-1368-2017"})
	if len(page.Items) != 1 || len(page.Items[0].Audience.Groups) != 0 {
		t.Errorf("after emptying: %+v", page.Items[0].Audience)
	}
}

// TestActivityOverReachWarning: more people reached than live in the
// places chosen saves the activity and says so, asking to check.
func TestActivityOverReachWarning(t *testing.T) {
	w := newWorld(t, storetest.OpenSQLite(t))
	police := w.login("police")
	form := activityForm()
	form.Set("units", "02155") // Xã Lương Hạ, a few thousand people
	form.Set("aud_total", "1.000.000")
	form.Set("aud_women", "")
	resp := w.post(police, "/activities", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	if f := flash(resp); !strings.HasPrefix(f, "Đã lưu hoạt động.") || !strings.Contains(f, "Số lượt người (1.000.000) lớn hơn dân số của các địa bàn đã chọn (") ||
		!strings.Contains(f, "TĐTDS 2019") {
		t.Errorf("flash = %q", f)
	}
	// The page after the redirect says it was saved, then warns in a box
	// of its own that says it is a warning in words, not colour alone.
	status, body := w.get(police, resp.Header.Get("Location"))
	if status != 200 || !strings.Contains(body, `<p class="flash" role="status">Đã lưu hoạt động.</p>`) ||
		!strings.Contains(body, `<p class="flash warn" role="status"><strong>Lưu ý:</strong> Số lượt người (1.000.000) lớn hơn dân số của các địa bàn đã chọn (`) {
		t.Errorf("the activity page after an over-reach (%d) shows no warning:\n%s", status, flashes(body))
	}
	// Shown once: the next page has no flash.
	if _, body := w.get(police, resp.Header.Get("Location")); strings.Contains(body, `class="flash`) {
		t.Errorf("the warning is shown twice:\n%s", flashes(body))
	}
	// In English too, from the catalogue.
	en := w.login("police")
	w.get(en, "/lang/en?next=/")
	resp = w.post(en, "/activities", form)
	if f := flash(resp); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(f, "Activity saved.") ||
		!strings.Contains(f, "People reached (1.000.000) exceed the population of the places chosen (") {
		t.Errorf("in English: %d %q", resp.StatusCode, f)
	}
	if _, body := w.get(en, resp.Header.Get("Location")); !strings.Contains(body, `<p class="flash warn" role="status"><strong>Note:</strong> People reached`) {
		t.Errorf("in English, the page shows:\n%s", flashes(body))
	}
	form.Set("aud_total", "100")
	resp = w.post(police, "/activities", form)
	if f := flash(resp); resp.StatusCode != http.StatusSeeOther || f != "Đã lưu hoạt động." {
		t.Errorf("within the population: %d %q", resp.StatusCode, f)
	}
	if _, body := w.get(police, resp.Header.Get("Location")); !strings.Contains(body, `<p class="flash" role="status">Đã lưu hoạt động.</p>`) ||
		strings.Contains(body, "flash warn") {
		t.Errorf("within the population, the page shows:\n%s", flashes(body))
	}
}

// flashes returns the flash messages of a page, for failure messages.
func flashes(body string) string {
	var out []string
	for _, line := range strings.Split(body, "\n") {
		if strings.Contains(line, `class="flash`) {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

// TestAPIAudienceGroups: the API takes and gives audience.groups, and
// refuses a group the plan does not ask for on its field.
func TestAPIAudienceGroups(t *testing.T) {
	w := newWorld(t, storetest.OpenSQLite(t))
	w.withAudienceGroup(t)
	police := w.token("police")
	activity := `{"plan":"bk-1368-2017","agency":"bk-ca","channel":"IV.5","title":"Tuyên truyền qua API","start_date":"2019-05-10",
		"units":["02155"],"audience":{"total":80,"groups":{"%s":%d}}}`
	var created struct {
		ID       int64 `json:"id"`
		Audience struct {
			Groups map[string]int64 `json:"groups"`
		} `json:"audience"`
	}
	if status := w.call(police, "POST", "/api/v1/activities", fmt.Sprintf(activity, "age_14_60", 60), &created); status != http.StatusCreated || created.Audience.Groups["age_14_60"] != 60 {
		t.Fatalf("create: %d %+v", status, created)
	}
	path := fmt.Sprintf("/api/v1/activities/%d", created.ID)
	if status := w.call(police, "PUT", path, fmt.Sprintf(activity, "age_14_60", 70), &created); status != 200 || created.Audience.Groups["age_14_60"] != 70 {
		t.Errorf("update: %d %+v", status, created)
	}
	var bad struct {
		Error struct {
			Problems []struct {
				Field string `json:"field"`
			} `json:"problems"`
		} `json:"error"`
	}
	if status := w.call(police, "POST", "/api/v1/activities", fmt.Sprintf(activity, "young_women", 1), &bad); status != 400 ||
		len(bad.Error.Problems) != 1 || bad.Error.Problems[0].Field != "audience.groups.young_women" {
		t.Errorf("unknown group: %d %+v", status, bad)
	}
}
