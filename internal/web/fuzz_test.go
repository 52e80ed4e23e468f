package web

// Fuzz targets for the form parsers (go test -run '^$' -fuzz '^FuzzX$'
// ./internal/web, or make fuzz). This file is in package web, unlike the
// other tests, to reach parseActivityForm and formFromActivity; its names
// start with fuzz so as not to meet theirs.

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"

	"outreach/internal/outreach"
	"outreach/internal/setup"
	"outreach/internal/store"
	"outreach/internal/store/storetest"
)

const fuzzPlan = "bk-1368-2017"

// fuzzActivityForm is a valid activity form as the browser posts it.
func fuzzActivityForm() url.Values {
	return url.Values{
		"plan": {fuzzPlan}, "agency": {"bk-ca"}, "task": {"V.3.2"}, "channel": {"IV.5"}, "themes": {"III.3", "III.4"},
		"title": {"Tập huấn cho cán bộ, chiến sỹ Công an huyện Na Rì"}, "start_date": {"2019-04-02"}, "end_date": {"2019-04-02"},
		"units": {"066"}, "q_sessions": {"1"}, "q_participants": {"1.250"}, "aud_total": {"1.250"}, "aud_women": {"300"},
		"cost": {"12.500.000"}, "funding_source": {"ngan-sach"}, "links": {"https://baobackan.vn/a; https://x.vn/b"},
		"notes": {"  dòng 1\r\ndòng 2  "},
	}
}

func fuzzPost(path, body string) *http.Request {
	r := httptest.NewRequest("POST", path, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r
}

// FuzzActivityForm posts fuzzed bodies to parseActivityForm. The form
// keeps what was typed, the activity holds only finite numbers and each
// place once, every number that could not be read is a problem, and an
// activity the form and Validate accept comes back the same through the
// edit form (formFromActivity) and a second post.
func FuzzActivityForm(f *testing.F) {
	s := storetest.OpenSQLite(f)
	if _, _, err := setup.Seed(context.Background(), s, outreach.SystemActor("fuzz")); err != nil {
		f.Fatal(err)
	}
	kinds, err := s.QuantityKinds(context.Background())
	if err != nil || len(kinds) == 0 {
		f.Fatalf("kinds %v, %v", kinds, err)
	}
	form := fuzzActivityForm()
	f.Add(form.Encode())
	form.Set("whole_province", "on")
	form.Del("units")
	form.Set("q_copies", "1,234")
	form.Set("q_sessions", "1.234")
	form.Set("aud_men", "-0")
	f.Add(form.Encode())
	f.Add("units=066&units=066&units=01903&themes=III.3&themes=III.3&q_sessions=1e5&aud_total=9007199254740993&cost=12,5")
	f.Add("title=%zz&start_date=15%2F03%2F2019&aud_women=%C3%A9")
	f.Add("")
	f.Fuzz(func(t *testing.T, body string) {
		r := fuzzPost("/activities", body)
		fm, a, v := parseActivityForm(r, fuzzPlan, kinds)
		pf := r.PostForm
		if v == nil {
			t.Fatal("no ValidationError")
		}
		if fm.Title != pf.Get("title") || fm.Cost != pf.Get("cost") || fm.Links != pf.Get("links") ||
			fm.Notes != strings.TrimSpace(pf.Get("notes")) || a.Plan != fuzzPlan || a.Title != fm.Title {
			t.Fatalf("the form does not keep what was typed: %+v", fm)
		}
		seen := map[string]bool{}
		for _, u := range a.Units {
			if seen[u] || !fm.Units[u] {
				t.Fatalf("units %q from %q", a.Units, pf["units"])
			}
			seen[u] = true
		}
		if len(seen) != len(fm.Units) {
			t.Fatalf("units %q, form %v", a.Units, fm.Units)
		}
		problem := map[string]bool{}
		for _, p := range v.Problems {
			problem[p.Field] = true
		}
		for _, q := range a.Quantities {
			if math.IsNaN(q.Value) || math.IsInf(q.Value, 0) {
				t.Fatalf("quantity %s = %v", q.Kind, q.Value)
			}
		}
		for _, k := range kinds {
			raw := strings.TrimSpace(pf.Get("q_" + k.Code))
			has := slices.ContainsFunc(a.Quantities, func(q outreach.ActivityQuantity) bool { return q.Kind == k.Code })
			if raw != "" && has == problem["q_"+k.Code] || raw == "" && (has || problem["q_"+k.Code]) {
				t.Fatalf("quantity %s %q: read %v, problem %v", k.Code, raw, has, problem["q_"+k.Code])
			}
		}
		for _, p := range []struct {
			field, raw string
			n          *int64
		}{{"audience.total", fm.Total, a.Audience.Total}, {"audience.women", fm.Women, a.Audience.Women},
			{"audience.men", fm.Men, a.Audience.Men}, {"audience.children_14_16", fm.Children, a.Audience.Children1416},
			{"audience.ethnic_minority", fm.Ethnic, a.Audience.EthnicMinority}} {
			empty := strings.TrimSpace(p.raw) == ""
			if (p.n != nil) == (empty || problem[p.field]) {
				t.Fatalf("%s %q: %v, problem %v", p.field, p.raw, p.n, problem[p.field])
			}
		}
		if len(v.Problems) > 0 {
			return
		}
		checked := a
		if checked.Validate(kinds) != nil {
			return
		}
		// The edit form shows the activity; posted again it is the same.
		again := url.Values{}
		fa := formFromActivity(a)
		for name, value := range map[string]string{"agency": fa.Agency, "task": fa.Task, "channel": fa.Channel, "title": fa.Title,
			"description": fa.Description, "start_date": fa.StartDate, "end_date": fa.EndDate, "aud_total": fa.Total,
			"aud_women": fa.Women, "aud_men": fa.Men, "aud_children": fa.Children, "aud_ethnic": fa.Ethnic, "cost": fa.Cost,
			"funding_source": fa.FundingSource, "links": fa.Links, "notes": fa.Notes} {
			again.Set(name, value)
		}
		if fa.WholeProvince {
			again.Set("whole_province", "on")
		}
		for _, th := range a.Themes { // in order: the form's map has none
			again.Add("themes", th)
		}
		for _, u := range a.Units {
			again.Add("units", u)
		}
		for k, q := range fa.Quantities {
			again.Set("q_"+k, q)
		}
		_, b, v2 := parseActivityForm(fuzzPost("/activities", again.Encode()), fuzzPlan, kinds)
		if len(v2.Problems) > 0 || !reflect.DeepEqual(a, b) {
			t.Fatalf("the edit form changes the activity:\n%+v\n%+v\n%v", a, b, v2.Problems)
		}
	})
}

// fuzzWorld is a seeded store served by a Server, with a coordinator's
// session and one record of each kind to edit.
type fuzzWorld struct {
	srv     *Server
	session *http.Cookie
	paths   map[string]string // route name → path
}

func newFuzzWorld(f *testing.F) *fuzzWorld {
	ctx := context.Background()
	sys := outreach.SystemActor("fuzz")
	s := storetest.OpenSQLite(f)
	if _, _, err := setup.Seed(ctx, s, sys); err != nil {
		f.Fatal(err)
	}
	u, err := s.CreateUser(ctx, sys, store.NewUser{Username: "coord", Name: "Sở TT&TT", Role: outreach.RoleCoordinator, Password: "mật khẩu thử nghiệm"})
	if err != nil {
		f.Fatal(err)
	}
	secret, err := s.CreateSession(ctx, u.ID)
	if err != nil {
		f.Fatal(err)
	}
	fail := func(what string, err error) {
		if err != nil {
			f.Fatalf("%s: %v", what, err)
		}
	}
	actID, err := s.CreateActivity(ctx, sys, outreach.Activity{Plan: fuzzPlan, Agency: "bk-ca", Channel: "IV.5", Title: "Hội nghị",
		StartDate: "2019-04-02", EndDate: "2019-04-02", Units: []string{"066"}})
	fail("activity", err)
	matID, err := s.SaveMaterial(ctx, sys, outreach.Material{Plan: fuzzPlan, Type: "leaflet", Title: "Tờ gấp", Agency: "bk-stp", Year: 2018, Copies: 5000})
	fail("material", err)
	distID, err := s.CreateDistribution(ctx, sys, outreach.Distribution{Plan: fuzzPlan, Material: matID, FromAgency: "bk-stp", Date: "2018-03-01",
		Deliveries: []outreach.Delivery{{Unit: "01834", Quantity: 50}, {Unit: "01903"}}})
	fail("distribution", err)
	modelID, err := s.CreateModel(ctx, sys, outreach.PreventionModel{Plan: fuzzPlan, Unit: "02155", Agency: "bk-hlhpn", Name: "Câu lạc bộ", EstablishedOn: "2018-06-01"})
	fail("model", err)
	srv, err := New(s, Options{Version: "fuzz", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	fail("server", err)
	return &fuzzWorld{srv: srv, session: &http.Cookie{Name: SessionCookie, Value: secret},
		paths: map[string]string{
			"activity": "/activities", "activity edit": fmt.Sprintf("/activities/%d", actID),
			"material": "/materials", "distribution": "/distributions", "confirm": fmt.Sprintf("/distributions/%d/confirm", distID),
			"model": "/models", "model edit": fmt.Sprintf("/models/%d", modelID), "budget": "/budget",
		}}
}

// fuzzRoutes are the routes FuzzRecordForms posts to, by the first byte.
var fuzzRoutes = []string{"activity", "activity edit", "material", "distribution", "confirm", "model", "model edit", "budget"}

// FuzzRecordForms posts fuzzed forms, as a coordinator, to every handler
// that turns a form into a record: activities (new and edit), materials,
// distributions and their confirmation, models (new and edit) and budget
// lines. Whatever the body, the answer is the record saved (303 to a page
// of the application) or the form refused (4xx), never a server error and
// never a lost session.
func FuzzRecordForms(f *testing.F) {
	w := newFuzzWorld(f)
	seeds := map[string][]url.Values{
		"activity":      {fuzzActivityForm()},
		"activity edit": {fuzzActivityForm()},
		"material": {{"plan": {fuzzPlan}, "title": {"Sổ tay"}, "type": {"leaflet"}, "agency": {"bk-stp"}, "year": {"2018"}, "copies": {"5.000"}},
			{"type": {"poster"}, "year": {"năm 2018"}, "copies": {"-1"}}},
		"distribution": {{"plan": {fuzzPlan}, "material": {"1"}, "from_agency": {"bk-stp"}, "date": {"2018-03-01"}, "quantity": {"50"}, "units": {"01834", "01903"}},
			{"material": {"9223372036854775807"}, "from_agency": {"bk-bao-chi"}, "date": {"01/03/2018"}, "quantity": {"1e3"}, "units": {"01834", "01834"}}},
		"confirm": {{"unit": {"01834"}, "received_on": {"2018-03-10"}, "deployed_on": {"2018-04-02"}, "how": {"village_meeting", "loudspeaker"}},
			{"unit": {"99999"}, "deployed_on": {"2018-02-01"}, "how": {"bằng thư"}}},
		"model": {{"plan": {fuzzPlan}, "name": {"Câu lạc bộ phòng, chống mua bán người"}, "unit": {"02155"}, "agency": {"bk-hlhpn"}, "established_on": {"2018-06-01"}},
			{"name": {"\x00"}, "unit": {"06"}, "agency": {"bk-nhom"}, "established_on": {"2018-02-30"}}},
		"model edit": {{"status": {"inactive"}, "status_since": {"2019-09-01"}}, {"status": {"dissolved"}, "status_since": {"2017-01-01"}, "name": {"Mới"}}},
		"budget": {{"plan": {fuzzPlan}, "agency": {"bk-ca"}, "year": {"2019"}, "funding_source": {"ngan-sach"}, "amount": {"12.500.000"}},
			{"agency": {"bk-ca"}, "year": {"99999999999999999999"}, "funding_source": {"x"}, "amount": {"1.000.000.000.000.000.000"}}},
	}
	for i, name := range fuzzRoutes {
		for _, form := range seeds[name] {
			f.Add(byte(i), form.Encode())
		}
	}
	f.Add(byte(0), "plan=nope&title=x")
	f.Add(byte(3), "units=%zz&material=1")
	f.Fuzz(func(t *testing.T, route byte, body string) {
		path := w.paths[fuzzRoutes[int(route)%len(fuzzRoutes)]]
		req := fuzzPost(path, body)
		req.AddCookie(w.session)
		rec := httptest.NewRecorder()
		w.srv.ServeHTTP(rec, req)
		loc := rec.Header().Get("Location")
		switch code := rec.Code; {
		case code >= 500:
			t.Fatalf("POST %s %q: %d\n%s", path, body, code, rec.Body.String())
		case code == http.StatusUnauthorized || strings.HasPrefix(loc, "/login"):
			t.Fatalf("POST %s %q: %d %s, the session is lost", path, body, code, loc)
		case code == http.StatusSeeOther && (!strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//")):
			t.Fatalf("POST %s %q: redirect to %q", path, body, loc)
		case code != http.StatusSeeOther && code < 400:
			t.Fatalf("POST %s %q: %d", path, body, code)
		}
	})
}
