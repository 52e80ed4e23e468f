package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"outreach/internal/store"
	"outreach/internal/store/storetest"
)

func TestAPIRecords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s)
		police, union, viewer, coord, commune := w.token("police"), w.token("union"), w.token("viewer"), w.token("coord"), w.token("commune")
		_ = union
		activity := `{"plan":"bk-1368-2017","agency":"bk-ca","task":"V.3.2","channel":"IV.5","themes":["III.3"],"title":"Tập huấn qua API",
			"start_date":"2019-05-10","units":["02155"],"quantities":[{"kind":"sessions","value":1}],"audience":{"total":80,"women":20}}`
		var created struct {
			ID int64 `json:"id"`
		}
		if status := w.call(police, "POST", "/api/v1/activities", activity, &created); status != http.StatusCreated || created.ID == 0 {
			t.Fatalf("create: %d %+v", status, created)
		}
		var e apiError
		if status := w.call(viewer, "POST", "/api/v1/activities", activity, &e); status != http.StatusForbidden {
			t.Errorf("viewer creates: %d", status)
		}
		badJSON := `{"plan":"bk-1368-2017","agency":"bk-ca","channel":"IV.5","title":"","start_date":"2019-05-10","units":["02155"],"audience":{"total":10,"women":20}}`
		var bad struct {
			Error struct {
				Field    string `json:"field"`
				Problems []struct {
					Field string `json:"field"`
				} `json:"problems"`
			} `json:"error"`
		}
		if status := w.call(police, "POST", "/api/v1/activities", badJSON, &bad); status != 400 || len(bad.Error.Problems) != 2 {
			t.Errorf("bad activity: %d %+v", status, bad)
		}
		var page struct {
			Total int               `json:"total"`
			Items []json.RawMessage `json:"items"`
		}
		if status := w.call(viewer, "GET", "/api/v1/activities?plan=bk-1368-2017&agency=bk-ca&from=2019-01-01&to=2019-12-31", "", &page); status != 200 || page.Total != 1 {
			t.Errorf("list: %d total %d", status, page.Total)
		}
		if status := w.call(union, "GET", "/api/v1/activities?plan=bk-1368-2017", "", &page); status != 200 || page.Total != 0 {
			t.Errorf("the union lists the police's activity: %d", page.Total)
		}
		path := fmt.Sprintf("/api/v1/activities/%d", created.ID)
		if status := w.call(union, "GET", path, "", &e); status != 404 {
			t.Errorf("the union reads it: %d", status)
		}
		if status := w.call(union, "PUT", path, activity, &e); status != 403 && status != 404 {
			t.Errorf("the union changes it: %d", status)
		}
		if status := w.call(police, "PUT", path, activity, nil); status != 200 {
			t.Errorf("update: %d", status)
		}
		if status := w.call(police, "DELETE", path, "", nil); status != http.StatusNoContent {
			t.Errorf("delete: %d", status)
		}
		if status := w.call(police, "POST", path+"/restore", "", &e); status != 403 {
			t.Errorf("a reporter restores: %d", status)
		}
		if status := w.call(coord, "POST", path+"/restore", "", nil); status != 200 {
			t.Errorf("coordinator restores: %d", status)
		}
		var hist []json.RawMessage
		if status := w.call(viewer, "GET", path+"/history", "", &hist); status != 200 || len(hist) != 4 {
			t.Errorf("history: %d, %d rows", status, len(hist))
		}

		// Materials, distributions, confirmations.
		var mat struct {
			ID int64 `json:"id"`
		}
		if status := w.call(coord, "POST", "/api/v1/materials", `{"plan":"bk-1368-2017","type":"leaflet","title":"Tờ gấp","agency":"bk-stp","year":2018,"copies":1000}`, &mat); status != 201 {
			t.Fatalf("material: %d", status)
		}
		var dist struct {
			ID int64 `json:"id"`
		}
		body := fmt.Sprintf(`{"material":%d,"from_agency":"bk-stp","date":"2018-04-01","deliveries":[{"unit":"01834","quantity":30},{"unit":"02155","quantity":30}]}`, mat.ID)
		if status := w.call(coord, "POST", "/api/v1/distributions", body, &dist); status != 201 {
			t.Fatalf("distribution: %d", status)
		}
		conf := fmt.Sprintf("/api/v1/distributions/%d/confirmations/", dist.ID)
		if status := w.call(commune, "PUT", conf+"01834", `{"received_on":"2018-04-05","deployed_on":"2018-04-20","how":["loudspeaker"]}`, nil); status != 200 {
			t.Errorf("commune confirms: %d", status)
		}
		if status := w.call(commune, "PUT", conf+"02155", `{"received_on":"2018-04-05"}`, &e); status != 403 {
			t.Errorf("commune confirms another: %d", status)
		}
		if status := w.call(coord, "PUT", conf+"02155", `{"received_on":"2018-03-05"}`, &e); status != 400 || e.Error.Field != "received_on" {
			t.Errorf("received before sent: %d %+v", status, e)
		}
		var dpage struct {
			Total int `json:"total"`
		}
		if status := w.call(viewer, "GET", "/api/v1/distributions?plan=bk-1368-2017", "", &dpage); status != 200 || dpage.Total != 1 {
			t.Errorf("distributions: %d %d", status, dpage.Total)
		}

		// Models.
		var model struct {
			ID int64 `json:"id"`
		}
		if status := w.call(coord, "POST", "/api/v1/models", `{"plan":"bk-1368-2017","unit":"02155","agency":"bk-hlhpn","name":"CLB","established_on":"2019-01-10"}`, &model); status != 201 {
			t.Fatalf("model: %d", status)
		}
		mpath := fmt.Sprintf("/api/v1/models/%d", model.ID)
		if status := w.call(coord, "PUT", mpath, `{"plan":"bk-1368-2017","unit":"02155","agency":"bk-hlhpn","name":"CLB","established_on":"2019-01-10","statuses":[{"since":"2020-01-01","status":"closed"}]}`, nil); status != 200 {
			t.Errorf("model update: %d", status)
		}
		if status := w.call(viewer, "DELETE", mpath, "", &e); status != 403 {
			t.Errorf("viewer deletes a model: %d", status)
		}
		if status := w.call(coord, "POST", "/api/v1/quantity-kinds", `{"code":"video_clips","name":"Video clip","unit":"clip"}`, nil); status != 201 {
			t.Errorf("coordinator adds a quantity kind: %d", status)
		}
		if status := w.call(police, "POST", "/api/v1/quantity-kinds", `{"code":"x","name":"X"}`, &e); status != 403 {
			t.Errorf("police adds a quantity kind: %d", status)
		}
	})
}

func TestAPIIndicators(t *testing.T) {
	w := newWorld(t, storetest.OpenSQLite(t))
	tok := w.token("viewer")
	var set struct {
		AsOf       string `json:"as_of"`
		Indicators []struct {
			Code        string   `json:"code"`
			Value       *float64 `json:"value"`
			Numerator   float64  `json:"numerator"`
			Denominator float64  `json:"denominator"`
			Milestone   *struct {
				Year       int     `json:"year"`
				Comparator string  `json:"comparator"`
				Value      float64 `json:"value"`
			} `json:"milestone"`
			Status string `json:"status"`
		} `json:"indicators"`
	}
	if status := w.call(tok, "GET", "/api/v1/indicators?plan=bk-1368-2017&year=2018&unit=066&as_of=2018-12-31", "", &set); status != 200 {
		t.Fatalf("indicators: %d", status)
	}
	if len(set.Indicators) != 7 || set.AsOf != "2018-12-31" {
		t.Fatalf("indicators: %+v", set)
	}
	first := set.Indicators[0]
	if first.Code != "II.2.1" || first.Denominator != 22 || first.Milestone == nil || first.Milestone.Year != 2018 || first.Milestone.Value != 75 || first.Status != "behind" {
		t.Errorf("II.2.1 for Na Rì with no records: %+v", first)
	}
	if ka := set.Indicators[1]; ka.Value != nil || ka.Status != "not_applicable" {
		t.Errorf("key areas with none marked: %+v", ka)
	}
	var e apiError
	if status := w.call(tok, "GET", "/api/v1/indicators?plan=bk-1368-2017&year=2030", "", &e); status != 400 || e.Error.Field != "year" {
		t.Errorf("year outside the plan: %d %+v", status, e)
	}
	if status := w.call(tok, "GET", "/api/v1/indicators?year=2018", "", &e); status != 400 || e.Error.Field != "plan" {
		t.Errorf("no plan: %d", status)
	}
}
