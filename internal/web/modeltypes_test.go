package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"outreach/internal/outreach"
	"outreach/internal/store"
	"outreach/internal/store/storetest"
)

// withModelTypes gives the built-in plan two model types; it skips the
// test while plans do not keep their types.
func (w *world) withModelTypes(t *testing.T) {
	t.Helper()
	p, err := w.store.Plan(ctx, "bk-1368-2017")
	if err != nil {
		t.Fatal(err)
	}
	p.ModelTypes = []outreach.ModelType{{Code: "in_depth", Name: "Mô hình chuyên sâu"}, {Code: "integrated", Name: "Mô hình lồng ghép"}}
	if _, err := w.store.ImportPlan(ctx, outreach.SystemActor("test"), p); err != nil {
		t.Fatal(err)
	}
	if p, err = w.store.Plan(ctx, "bk-1368-2017"); err != nil {
		t.Fatal(err)
	}
	if len(p.ModelTypes) == 0 {
		t.Skip("plans do not keep their model types yet")
	}
}

func modelForm(typ string) url.Values {
	f := url.Values{"plan": {"bk-1368-2017"}, "name": {"Câu lạc bộ phòng, chống mua bán người"}, "unit": {"02155"},
		"agency": {"bk-hlhpn"}, "established_on": {"2018-06-01"}}
	if typ != "" {
		f.Set("type", typ)
	}
	return f
}

func typeOf(ms []*store.ModelView) string {
	if len(ms) == 0 {
		return ""
	}
	return ms[0].Type
}

func TestModelFormWithoutTypes(t *testing.T) {
	w := newWorld(t, storetest.OpenSQLite(t))
	coord := w.login("coord")
	if status, body := w.get(coord, "/models?plan=bk-1368-2017"); status != 200 || strings.Contains(body, `name="type"`) {
		t.Errorf("a plan without model types asks for one: %d", status)
	}
	resp := w.post(coord, "/models", modelForm("in_depth"))
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a type in a plan without types: %d", resp.StatusCode)
	}
	if resp := w.post(coord, "/models", modelForm("")); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("a model without a type: %d", resp.StatusCode)
	}
	ms, err := w.store.Models(ctx, outreach.SystemActor("t"), "bk-1368-2017", false)
	if err != nil || len(ms) != 1 || ms[0].Type != "" {
		t.Errorf("%d models, the first's type %q, want 1 without a type (%v)", len(ms), typeOf(ms), err)
	}
}

func TestModelFormWithTypes(t *testing.T) {
	w := newWorld(t, storetest.OpenSQLite(t))
	w.withModelTypes(t)
	coord := w.login("coord")
	status, body := w.get(coord, "/models?plan=bk-1368-2017")
	if status != 200 {
		t.Fatalf("models page: %d", status)
	}
	for _, want := range []string{`<select name="type" required>`, `<option value="in_depth">Mô hình chuyên sâu</option>`, `<option value="integrated">Mô hình lồng ghép</option>`, "Loại mô hình"} {
		if !strings.Contains(body, want) {
			t.Errorf("the model form lacks %s", want)
		}
	}

	// No type, or one the plan does not have: the form again.
	for _, typ := range []string{"", "mystery"} {
		if resp := w.post(coord, "/models", modelForm(typ)); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("type %q: %d", typ, resp.StatusCode)
		}
	}

	resp := w.post(coord, "/models", modelForm("integrated"))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("model: %d", resp.StatusCode)
	}
	loc := resp.Header.Get("Location")
	ms, err := w.store.Models(ctx, outreach.SystemActor("t"), "bk-1368-2017", false)
	if err != nil || len(ms) != 1 || ms[0].Type != "integrated" {
		t.Fatalf("%d models, the first's type %q, want 1 integrated (%v)", len(ms), typeOf(ms), err)
	}
	if _, body := w.get(coord, "/models?plan=bk-1368-2017"); !strings.Contains(body, "<td>Mô hình lồng ghép</td>") {
		t.Error("the list does not name the model's type")
	}

	// A status change keeps the type; the model page changes it.
	if resp := w.post(coord, loc, url.Values{"status": {"inactive"}, "status_since": {"2019-09-01"}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("status change: %d", resp.StatusCode)
	}
	if resp := w.post(coord, loc, url.Values{"type": {"in_depth"}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("type change: %d", resp.StatusCode)
	}
	if resp := w.post(coord, loc, url.Values{"type": {"mystery"}}); !strings.Contains(flash(resp), "Loại mô hình: ") {
		t.Errorf("an unknown type on the model page: flash %q", flash(resp))
	}
	m, err := w.store.Model(ctx, outreach.SystemActor("t"), ms[0].ID)
	if err != nil || m.Type != "in_depth" || m.StatusOn("2019-12-31") != outreach.ModelInactive {
		t.Errorf("model = %+v, %v", m, err)
	}
	if _, body := w.get(coord, loc); !strings.Contains(body, "<dd>Mô hình chuyên sâu</dd>") || !strings.Contains(body, `<option value="in_depth" selected>`) {
		t.Error("the model page does not show its type")
	}
}

func TestAPIModelType(t *testing.T) {
	w := newWorld(t, storetest.OpenSQLite(t))
	union := w.token("union")
	body := func(typ string) string {
		return `{"plan":"bk-1368-2017","unit":"02155","agency":"bk-hlhpn","name":"CLB","type":"` + typ + `","established_on":"2019-01-10"}`
	}
	var e apiError
	if status := w.call(union, "POST", "/api/v1/models", body("in_depth"), &e); status != http.StatusBadRequest || e.Error.Field != "type" {
		t.Errorf("a type in a plan without types: %d %+v", status, e)
	}
	w.withModelTypes(t)
	var m struct {
		ID   int64  `json:"id"`
		Type string `json:"type"`
	}
	if status := w.call(union, "POST", "/api/v1/models", body("in_depth"), &m); status != http.StatusCreated || m.Type != "in_depth" {
		t.Fatalf("create: %d %+v", status, m)
	}
	path := "/api/v1/models/" + strconv.FormatInt(m.ID, 10)
	if status := w.call(union, "PUT", path, body("integrated"), &m); status != http.StatusOK || m.Type != "integrated" {
		t.Errorf("update: %d %+v", status, m)
	}
	if status := w.call(union, "GET", path, "", &m); status != http.StatusOK || m.Type != "integrated" {
		t.Errorf("read: %d %+v", status, m)
	}
	e = apiError{}
	if status := w.call(union, "PUT", path, body("mystery"), &e); status != http.StatusBadRequest || e.Error.Field != "type" {
		t.Errorf("an unknown type: %d %+v", status, e)
	}
}
