package web_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"outreach/internal/outreach"
	"outreach/internal/planfile"
	"outreach/internal/store"
	"outreach/internal/store/storetest"
)

// call makes an API request with a bearer token and decodes the JSON.
func (w *world) call(token, method, path, body string, out any) int {
	w.t.Helper()
	req, _ := http.NewRequest(method, w.srv.URL+path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != http.StatusNoContent && !strings.HasPrefix(ct, "application/json") {
		w.t.Errorf("%s %s: Content-Type %q", method, path, ct)
	}
	data, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			w.t.Fatalf("%s %s: %v in %s", method, path, err, data)
		}
	}
	return resp.StatusCode
}

func (w *world) token(username string) string {
	w.t.Helper()
	tok, err := w.store.CreateToken(ctx, outreach.SystemActor("test"), username, "test")
	if err != nil {
		w.t.Fatal(err)
	}
	return tok
}

type apiError struct {
	Error struct {
		Message string `json:"message"`
		Field   string `json:"field"`
	} `json:"error"`
}

func TestAPIReads(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s)
		var e apiError
		if status := w.call("", "GET", "/api/v1/plans", "", &e); status != http.StatusUnauthorized || e.Error.Message == "" {
			t.Errorf("no token: %d %+v", status, e)
		}
		if status := w.call("otk_wrong", "GET", "/api/v1/plans", "", &e); status != http.StatusUnauthorized {
			t.Errorf("bad token: %d", status)
		}
		tok := w.token("viewer")
		var plans []struct{ Code, Title string }
		if status := w.call(tok, "GET", "/api/v1/plans", "", &plans); status != 200 || len(plans) != 1 || plans[0].Code != "bk-1368-2017" || plans[0].Title == "" {
			t.Errorf("plans: %d %+v", status, plans)
		}
		var plan struct {
			Targets []struct {
				Code       string
				Milestones []struct {
					Year       int     `json:"year"`
					Comparator string  `json:"comparator"`
					Value      float64 `json:"value"`
				} `json:"milestones"`
			} `json:"targets"`
			Agencies []struct{ Code string } `json:"agencies"`
			Tasks    []struct {
				Clause string `json:"clause"`
				Agency string `json:"agency"`
			} `json:"tasks"`
			Reporting struct {
				Deadline string `json:"deadline"`
			} `json:"reporting"`
		}
		if status := w.call(tok, "GET", "/api/v1/plans/bk-1368-2017", "", &plan); status != 200 {
			t.Fatalf("plan: %d", status)
		}
		if len(plan.Targets) != 3 || len(plan.Targets[0].Milestones) != 2 || plan.Targets[0].Milestones[0].Year != 2018 ||
			plan.Targets[0].Milestones[0].Comparator != ">=" || plan.Targets[0].Milestones[0].Value != 75 {
			t.Errorf("targets = %+v", plan.Targets)
		}
		if len(plan.Tasks) != 33 || plan.Tasks[0].Clause != "V.1.1" || plan.Tasks[0].Agency != "bk-stttt" {
			t.Errorf("tasks: %d, first %+v", len(plan.Tasks), plan.Tasks[0])
		}
		if len(plan.Agencies) != 21 || plan.Reporting.Deadline != "12-20" {
			t.Errorf("agencies %d, deadline %q", len(plan.Agencies), plan.Reporting.Deadline)
		}
		if status := w.call(tok, "GET", "/api/v1/plans/nope", "", &e); status != 404 {
			t.Errorf("unknown plan: %d", status)
		}

		type unit struct {
			Code, Name, Type string
			Level            int
			ParentCode       string `json:"parent_code"`
		}
		// The national register's figures (../shared/data/vn/README.md,
		// check.py), then Bắc Kạn's and Thái Nguyên's subtrees.
		for _, c := range []struct {
			query             string
			provinces         int
			communes, distr   int
			communeParentSeen string
		}{
			{"as_of=2017-09-08", 63, 11162, 713, ""}, {"as_of=2020-02-01", 63, 10661, 709, ""}, {"as_of=2025-07-01", 34, 3321, 0, ""},
			{"as_of=2017-09-08&parent=06", 0, 122, 8, ""}, {"as_of=2020-02-01&parent=06", 0, 108, 8, ""}, {"as_of=2025-07-01&parent=19", 0, 92, 0, "19"},
		} {
			var us []unit
			if status := w.call(tok, "GET", "/api/v1/units?"+c.query, "", &us); status != 200 {
				t.Fatalf("units %s: %d", c.query, status)
			}
			provinces := 0
			for _, u := range us {
				if u.Level == 1 {
					provinces++
				}
			}
			if provinces != c.provinces {
				t.Errorf("%s: %d provinces, want %d", c.query, provinces, c.provinces)
			}
			communes, distr := 0, 0
			for _, u := range us {
				switch u.Level {
				case 3:
					communes++
					if !strings.Contains("xa phuong thi_tran dac_khu", u.Type) || u.Type == "" {
						t.Errorf("%s: commune %s has type %q", c.query, u.Code, u.Type)
					}
					if c.communeParentSeen != "" && u.ParentCode != c.communeParentSeen {
						t.Errorf("%s: %s under %s", c.query, u.Name, u.ParentCode)
					}
				case 2:
					distr++
				}
			}
			if communes != c.communes || distr != c.distr {
				t.Errorf("%s: %d communes, %d districts; want %d, %d", c.query, communes, distr, c.communes, c.distr)
			}
		}
		if status := w.call(tok, "GET", "/api/v1/units?as_of=08/09/2017", "", &e); status != 400 || e.Error.Field != "as_of" {
			t.Errorf("bad date: %d %+v", status, e)
		}
		if status := w.call(tok, "GET", "/api/v1/units", "", &e); status != 400 || e.Error.Field != "as_of" {
			t.Errorf("no date: %d %+v", status, e)
		}
		var h struct {
			Versions []unit `json:"versions"`
		}
		if status := w.call(tok, "GET", "/api/v1/units/01954/history", "", &h); status != 200 || len(h.Versions) < 3 {
			t.Errorf("Vân Tùng history: %d %+v", status, h)
		}
	})
}

func TestAPIWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s)
		viewer, police, coord := w.token("viewer"), w.token("police"), w.token("coord")
		src, _ := planfile.BuiltinSource("bk-1368-2017")
		var e apiError
		cases := []struct {
			name, token, method, path, body string
			want                            int
			field                           string
		}{
			{"viewer sets a contact", viewer, "PUT", "/api/v1/agencies/bk-ca/contact", `{"name":"X"}`, 403, ""},
			{"viewer imports a plan", viewer, "POST", "/api/v1/plans", string(src), 403, ""},
			{"viewer marks a key area", viewer, "POST", "/api/v1/plans/bk-1368-2017/key-areas", `{"unit":"01903","year":2019,"reasons":["high_risk"]}`, 403, ""},
			{"police sets another agency's contact", police, "PUT", "/api/v1/agencies/bk-hlhpn/contact", `{"name":"X"}`, 403, ""},
			{"police sets its own contact", police, "PUT", "/api/v1/agencies/bk-ca/contact", `{"name":"Đội PC02","email":"pc02@backan.gov.vn"}`, 200, ""},
			{"police sends a bad e-mail", police, "PUT", "/api/v1/agencies/bk-ca/contact", `{"email":"x"}`, 400, "email"},
			{"unknown JSON field", police, "PUT", "/api/v1/agencies/bk-ca/contact", `{"mail":"x"}`, 400, "body"},
			{"coordinator re-imports the plan", coord, "POST", "/api/v1/plans", string(src), 200, ""},
			{"coordinator imports a broken plan", coord, "POST", "/api/v1/plans", strings.Replace(string(src), "value: 75\n", "value: 175\n", 1), 400, "targets[0].milestones[0].value"},
			{"coordinator marks a district", coord, "POST", "/api/v1/plans/bk-1368-2017/key-areas", `{"unit":"066","year":2019,"reasons":["high_risk"]}`, 400, "unit"},
			{"coordinator marks a commune", coord, "POST", "/api/v1/plans/bk-1368-2017/key-areas", `{"unit":"01903","year":2019,"reasons":["high_risk"]}`, 200, ""},
		}
		for _, c := range cases {
			e = apiError{}
			status := w.call(c.token, c.method, c.path, c.body, &e)
			if status != c.want || e.Error.Field != c.field {
				t.Errorf("%s: %d field %q (%s); want %d field %q", c.name, status, e.Error.Field, e.Error.Message, c.want, c.field)
			}
		}
		// An unknown scope, which only the database can tell, is refused
		// at its line in the body.
		var located struct {
			Error struct {
				Problems []outreach.Problem `json:"problems"`
			} `json:"error"`
		}
		bad := strings.Replace(string(src), `scope: "06"`, `scope: "999"`, 1)
		line := 1 + strings.Count(bad[:strings.Index(bad, "\nscope:")+1], "\n")
		if status := w.call(coord, "POST", "/api/v1/plans", bad, &located); status != 400 || len(located.Error.Problems) != 1 ||
			!strings.HasPrefix(located.Error.Problems[0].Position, fmt.Sprintf("body:%d:", line)) {
			t.Errorf("unknown scope: %d %+v, want body:%d:…", status, located.Error.Problems, line)
		}
		hl, _ := w.store.Agency(ctx, "06", "bk-hlhpn")
		ca, _ := w.store.Agency(ctx, "06", "bk-ca")
		if hl.Contact.Name != "" || ca.Contact.Name != "Đội PC02" {
			t.Errorf("contacts after the writes: %+v / %+v", hl.Contact, ca.Contact)
		}
		var ks []outreach.KeyArea
		if w.call(viewer, "GET", "/api/v1/plans/bk-1368-2017/key-areas?year=2019", "", &ks); len(ks) != 1 || ks[0].Unit.Code != "01903" {
			t.Errorf("key areas = %+v", ks)
		}
	})
}

func TestAPIMessagesHideInternals(t *testing.T) {
	w := newWorld(t, storetest.OpenSQLite(t))
	tok := w.token("viewer")
	var e apiError
	if status := w.call(tok, "GET", "/api/v1/units/99999/history", "", &e); status != 404 || strings.Contains(e.Error.Message, "UnitHistory(") {
		t.Errorf("404: %d %q", status, e.Error.Message)
	}
	if status := w.call(tok, "GET", "/api/v1/plans/nope/key-areas", "", &e); status != 404 {
		t.Errorf("key areas of an unknown plan: %d", status)
	}
	req, _ := http.NewRequest("GET", w.srv.URL+"/api/v1/plans", nil)
	req.Header.Set("Authorization", "bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("lowercase bearer scheme: %d", resp.StatusCode)
	}
}

// TestAPIUnitsFilter: ?level= and ?parent= narrow the units in force on a
// date; a bad level or an unknown parent is a 400 naming the parameter.
func TestAPIUnitsFilter(t *testing.T) {
	w := newWorld(t, storetest.OpenSQLite(t))
	tok := w.token("viewer")
	for _, c := range []struct {
		query string
		want  int
	}{
		{"as_of=2017-09-08&parent=06&level=3", 122},
		{"as_of=2020-02-01&parent=06&level=3", 108},
		{"as_of=2017-09-08&parent=06&level=2", 8},
		{"as_of=2017-09-08&parent=066", 22},
	} {
		var us []struct {
			Code  string `json:"code"`
			Level int    `json:"level"`
		}
		status := w.call(tok, "GET", "/api/v1/units?"+c.query, "", &us)
		if status != 200 || len(us) != c.want {
			t.Errorf("%s: %d, %d units, want %d", c.query, status, len(us), c.want)
		}
	}
	var e apiError
	if status := w.call(tok, "GET", "/api/v1/units?as_of=2017-09-08&level=x", "", &e); status != http.StatusBadRequest || e.Error.Field != "level" {
		t.Errorf("a bad level: %d %+v", status, e)
	}
	if status := w.call(tok, "GET", "/api/v1/units?as_of=2025-07-01&parent=06", "", &e); status != http.StatusBadRequest || e.Error.Field != "parent" {
		t.Errorf("Bắc Kạn as a parent after it ended: %d %+v", status, e)
	}
}
