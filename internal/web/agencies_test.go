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

// TestAgencyAddresses: with Hà Nam's plan naming Bắc Kạn's agency codes,
// an agency is addressed by owner and code in the browser and the API; a
// plan's agency links resolve within the plan; an address without owner
// redirects when it settles on one agency and lists the agencies when
// several owners the user sees have the code; changing one province's
// agency leaves the other's.
func TestAgencyAddresses(t *testing.T) {
	w := newWorld(t, storetest.OpenSQLite(t))
	system := outreach.SystemActor("test")
	p, err := w.store.Plan(ctx, "bk-1368-2017")
	if err != nil {
		t.Fatal(err)
	}
	p.Code, p.Scope, p.Title = "hn-2019", "35", "Kế hoạch của Hà Nam"
	p.Period = outreach.Period{From: 2019, To: 2020}
	for i := range p.Agencies {
		a := &p.Agencies[i]
		a.Unit, a.ValidFrom, a.ValidTo = "", "", ""
		if a.Code == "bk-ca" {
			a.Name = "Công an tỉnh Hà Nam"
		}
	}
	for i := range p.Tasks {
		p.Tasks[i].Years = nil
	}
	p.Targets = p.Targets[:0]
	if _, err := w.store.ImportPlan(ctx, system, p); err != nil {
		t.Fatalf("Hà Nam's plan with Bắc Kạn's codes: %v", err)
	}
	admin := w.login("admin")
	location := func(path string) string {
		t.Helper()
		resp, err := admin.Get(w.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusFound {
			t.Errorf("%s: status %d, want a redirect", path, resp.StatusCode)
		}
		return resp.Header.Get("Location")
	}
	for path, want := range map[string]string{
		"/plans/hn-2019/agencies/bk-ca":      "/agencies/35/bk-ca",
		"/plans/bk-1368-2017/agencies/bk-ca": "/agencies/06/bk-ca",
	} {
		if got := location(path); got != want {
			t.Errorf("%s redirects to %q, want %q", path, got, want)
		}
	}
	if status, _ := w.get(admin, "/plans/hn-2019/agencies/nowhere"); status != http.StatusNotFound {
		t.Errorf("a code the plan does not name: %d", status)
	}
	for path, want := range map[string][]string{
		"/agencies/06/bk-ca": {"<h1>Công an tỉnh</h1>", `action="/agencies/06/bk-ca/contact"`, "/plans/bk-1368-2017#s5"},
		"/agencies/35/bk-ca": {"<h1>Công an tỉnh Hà Nam</h1>", `action="/agencies/35/bk-ca/contact"`, "/plans/hn-2019#s5", "Hà Nam"},
		// The address without owner: two owners have the code.
		"/agencies/bk-ca": {"Nhiều tỉnh (hoặc Bộ) có cơ quan mã bk-ca", `href="/agencies/06/bk-ca"`, `href="/agencies/35/bk-ca"`},
		"/agencies":       {`href="/agencies/06/bk-ca"`, `href="/agencies/35/bk-ca"`, "Thuộc"},
		"/plans/hn-2019":  {`href="/plans/hn-2019/agencies/bk-ca"`},
	} {
		status, body := w.get(admin, path)
		if status != http.StatusOK {
			t.Errorf("%s: status %d", path, status)
			continue
		}
		for _, s := range want {
			if !strings.Contains(body, s) {
				t.Errorf("%s: missing %q", path, s)
			}
		}
		if path == "/agencies/35/bk-ca" && strings.Contains(body, "/plans/bk-1368-2017#s5") {
			t.Errorf("Hà Nam's police lists Bắc Kạn's tasks")
		}
	}
	if status, _ := w.get(admin, "/agencies/19/bk-ca"); status != http.StatusNotFound {
		t.Errorf("an owner without the code: %d", status)
	}

	// Changing Hà Nam's contact in the browser and the API.
	bkBefore, err := w.store.Agency(ctx, "06", "bk-ca")
	if err != nil {
		t.Fatal(err)
	}
	resp := w.post(admin, "/agencies/35/bk-ca/contact", url.Values{"name": {"Đội PC02 Hà Nam"}, "email": {"pc02@hanam.gov.vn"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/agencies/35/bk-ca" {
		t.Errorf("contact form: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	tok := w.token("admin")
	var body apiError
	if status := w.call(tok, "PUT", "/api/v1/agencies/bk-ca/contact", `{"name":"X"}`, &body); status != http.StatusBadRequest ||
		!strings.Contains(body.Error.Message, "06/bk-ca") || !strings.Contains(body.Error.Message, "35/bk-ca") {
		t.Errorf("the API with a code two owners use: %d %+v", status, body)
	}
	var got store.AgencyInfo
	if status := w.call(tok, "PUT", "/api/v1/agencies/35/bk-ca/contact", `{"name":"Đội PC02 Hà Nam","phone":"0226 3850 000"}`, &got); status != http.StatusOK ||
		got.Owner != "35" || got.Contact.Phone != "0226 3850 000" {
		t.Errorf("the API for 35/bk-ca: %d %+v", status, got)
	}
	if bk, err := w.store.Agency(ctx, "06", "bk-ca"); err != nil || bk.Contact != bkBefore.Contact {
		t.Errorf("Bắc Kạn's police contact changed with Hà Nam's: %+v %v", bk.Contact, err)
	}
	if hn, err := w.store.Agency(ctx, "35", "bk-ca"); err != nil || hn.Contact.Name != "Đội PC02 Hà Nam" {
		t.Errorf("Hà Nam's police contact: %+v %v", hn.Contact, err)
	}
}
