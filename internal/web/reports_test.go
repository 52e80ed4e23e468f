package web_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"outreach/internal/store/storetest"
)

// TestReportPagesAndWorkflow drives the report through the browser's
// forms: start, autosave, submit, a refused return without a reason,
// return, resubmit, accept; with the refusals the issue names.
func TestReportPagesAndWorkflow(t *testing.T) {
	w := newWorld(t, storetest.OpenSQLite(t))
	union, police, coord, viewer := w.login("union"), w.login("police"), w.login("coord"), w.login("viewer")

	for path, want := range map[string][]string{
		"/plans/bk-1368-2017/regime":       {"Chế độ báo cáo", "Tên báo cáo", "Đối tượng thực hiện báo cáo", "Cơ quan nhận báo cáo", "Bằng file điện tử", "duonghv.tt@backan.gov.vn", "Từ ngày 15/12 năm trước đến ngày 14/12", "Trước hết ngày 20/12", "Hằng năm", "15/12/2018 – 14/12/2019"},
		"/plans/bk-1368-2017/reports/2019": {"Tình hình gửi báo cáo · 2019", "phải báo cáo", "Chưa gửi báo cáo:", "Hội Liên hiệp phụ nữ tỉnh", "tỷ lệ đúng hạn"},
	} {
		status, body := w.get(viewer, path)
		for _, s := range want {
			if status != 200 || !strings.Contains(body, s) {
				t.Errorf("%s: %d, missing %q", path, status, s)
			}
		}
	}
	if status, body := w.get(viewer, "/plans/bk-1368-2017/dashboard?year=2019&from=2018-12-15&to=2019-12-14"); status != 200 || !strings.Contains(body, "từ 15/12/2018 đến 14/12/2019 (kỳ báo cáo)") {
		t.Errorf("dashboard for a reporting window: %d", status)
	}
	if status, _ := w.get(viewer, "/plans/bk-1368-2017/dashboard?year=2019&from=2019-12-14&to=2018-12-15"); status != http.StatusUnprocessableEntity {
		t.Errorf("a window ending before it starts: %d", status)
	}
	if resp := w.post(police, "/plans/bk-1368-2017/reports/2019/agency/bk-hlhpn", nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("the police starts the union's report: %d", resp.StatusCode)
	}
	resp := w.post(union, "/plans/bk-1368-2017/reports/2019/agency/bk-hlhpn", nil)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/reports/") {
		t.Fatalf("start: %d %s", resp.StatusCode, loc)
	}
	status, body := w.get(union, loc)
	for _, s := range []string{"Dự thảo", "data-autosave", "I. Kết quả thực hiện", "Gửi báo cáo", "Theo hình thức", "Thực hiện nhiệm vụ được giao", "V.2.1"} {
		if status != 200 || !strings.Contains(body, s) {
			t.Errorf("report page: %d, missing %q", status, s)
		}
	}
	if status, _ := w.get(viewer, loc); status != http.StatusNotFound {
		t.Errorf("a viewer reads a draft: %d", status)
	}
	if status, _ := w.get(police, loc); status != http.StatusNotFound {
		t.Errorf("another agency reads a draft: %d", status)
	}
	text := url.Values{"number": {"15/BC-HLHPN"}, "results": {"Tổ chức 41 hoạt động tuyên truyền tại 23 xã."}, "proposals": {"Tăng kinh phí."}}
	if resp := w.post(union, loc+"/autosave", text); resp.StatusCode != http.StatusNoContent {
		t.Errorf("autosave: %d", resp.StatusCode)
	}
	if resp := w.post(police, loc+"/autosave", text); resp.StatusCode != http.StatusForbidden {
		t.Errorf("autosave by another agency: %d", resp.StatusCode)
	}
	if resp := w.post(police, loc+"/step", url.Values{"step": {"submit"}}); resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusForbidden {
		t.Errorf("submission by another agency's reporter: %d", resp.StatusCode)
	}
	if resp := w.post(union, loc+"/step", url.Values{"step": {"submit"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d", resp.StatusCode)
	}
	status, body = w.get(viewer, loc)
	if status != 200 || !strings.Contains(body, "Đã gửi, chờ tiếp nhận") || !strings.Contains(body, "Tổ chức 41 hoạt động") || strings.Contains(body, "data-autosave") {
		t.Errorf("submitted report for a viewer: %d", status)
	}
	if resp := w.post(union, loc+"/autosave", text); resp.StatusCode != http.StatusConflict {
		t.Errorf("edit after submission: %d", resp.StatusCode)
	}
	if resp := w.post(union, loc+"/step", url.Values{"step": {"accept"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("the union accepts its own report: %d", resp.StatusCode)
	}
	if resp := w.post(coord, loc+"/step", url.Values{"step": {"return"}, "reason": {""}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("return without a reason: %d", resp.StatusCode)
	}
	if resp := w.post(coord, loc+"/step", url.Values{"step": {"return"}, "reason": {"Bổ sung số liệu xã"}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("return: %d", resp.StatusCode)
	}
	if _, body := w.get(union, loc); !strings.Contains(body, "Bổ sung số liệu xã") || !strings.Contains(body, "Bị trả lại") {
		t.Errorf("the returned report does not say why")
	}
	if resp := w.post(union, loc+"/step", url.Values{"step": {"submit"}, "results": {"Đã bổ sung."}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("resubmit: %d", resp.StatusCode)
	}
	if resp := w.post(coord, loc+"/step", url.Values{"step": {"accept"}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("accept: %d", resp.StatusCode)
	}
	status, body = w.get(coord, loc)
	for _, s := range []string{"Đã tiếp nhận", "Đã bổ sung.", "gửi báo cáo", "trả lại", "tiếp nhận", "Mở lại báo cáo đã tiếp nhận"} {
		if status != 200 || !strings.Contains(body, s) {
			t.Errorf("accepted report: missing %q", s)
		}
	}
	// Downloads, and the coordinator's home page shows the notice.
	for _, f := range []string{"docx", "pdf", "xlsx", "csv"} {
		r, err := viewer.Get(w.srv.URL + loc + "/export?format=" + f)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(r.Body)
		r.Body.Close()
		if r.StatusCode != 200 || len(data) < 200 || !strings.Contains(r.Header.Get("Content-Disposition"), "bao-cao-2019-bk-hlhpn."+f) {
			t.Errorf("export %s: %d, %d bytes, %s", f, r.StatusCode, len(data), r.Header.Get("Content-Disposition"))
		}
	}
	if status, _ := w.get(viewer, loc+"/export?format=exe"); status != http.StatusUnprocessableEntity {
		t.Errorf("unknown format: %d", status)
	}
	if _, body := w.get(coord, "/"); !strings.Contains(body, "Hội Liên hiệp phụ nữ tỉnh đã gửi báo cáo năm 2019") {
		t.Errorf("no notice of the submission on the coordinator's home page")
	}
	if status, body := w.get(coord, "/mail"); status != 200 || !strings.Contains(body, "chưa cấu hình SMTP") {
		t.Errorf("mail page: %d", status)
	}
	if status, _ := w.get(viewer, "/mail"); status != http.StatusForbidden {
		t.Errorf("a viewer reads the mail log: %d", status)
	}
	if _, body := w.get(coord, "/plans/bk-1368-2017/reports/2019"); !strings.Contains(body, "Đã tiếp nhận") {
		t.Errorf("board does not show the accepted report")
	}
}

func TestReportAPI(t *testing.T) {
	w := newWorld(t, storetest.OpenSQLite(t))
	union, police, coord := w.token("union"), w.token("police"), w.token("coord")
	var rep struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
		Late   bool   `json:"late"`
	}
	if status := w.call(union, "POST", "/api/v1/reports", `{"plan":"bk-1368-2017","year":2019,"agency":"bk-hlhpn"}`, &rep); status != 200 || rep.ID == 0 || rep.Status != "draft" {
		t.Fatalf("open: %d %+v", status, rep)
	}
	path := fmt.Sprintf("/api/v1/reports/%d", rep.ID)
	var e apiError
	if status := w.call(union, "PUT", path, `{"narrative":{"results":"Kết quả"},"number":"1/BC"}`, nil); status != 200 {
		t.Errorf("save: %d", status)
	}
	if status := w.call(police, "POST", path+"/submit", "", &e); status != http.StatusNotFound && status != http.StatusForbidden {
		t.Errorf("submit by another agency: %d", status)
	}
	if status := w.call(union, "POST", path+"/submit", "", &rep); status != 200 || rep.Status != "submitted" {
		t.Errorf("submit: %d %+v", status, rep)
	}
	if status := w.call(union, "PUT", path, `{"narrative":{"results":"sửa"}}`, &e); status != http.StatusConflict {
		t.Errorf("edit after submission: %d", status)
	}
	if status := w.call(coord, "POST", path+"/return", `{"reason":""}`, &e); status != http.StatusBadRequest || e.Error.Field != "reason" {
		t.Errorf("return without a reason: %d %+v", status, e)
	}
	var list struct {
		Total   int `json:"total"`
		Reports []struct {
			ID          int64   `json:"id"`
			Agency      string  `json:"agency"`
			Status      string  `json:"status"`
			SubmittedAt *string `json:"submitted_at"`
			Late        bool    `json:"late"`
		} `json:"reports"`
	}
	if status := w.call(police, "GET", "/api/v1/reports?plan=bk-1368-2017&year=2019", "", &list); status != 200 || list.Total != 1 || list.Reports[0].Agency != "bk-hlhpn" || list.Reports[0].SubmittedAt == nil {
		t.Errorf("list: %d %+v", status, list)
	}
	for _, f := range []string{"docx", "pdf", "xlsx", "csv"} {
		req, _ := http.NewRequest("GET", w.srv.URL+path+"/export?format="+f, nil)
		req.Header.Set("Authorization", "Bearer "+police)
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != 200 {
			t.Errorf("export %s: %d", f, r.StatusCode)
		}
		req, _ = http.NewRequest("GET", w.srv.URL+"/api/v1/reports/consolidated/export?plan=bk-1368-2017&year=2019&format="+f, nil)
		req.Header.Set("Authorization", "Bearer "+coord)
		if r, err = http.DefaultClient.Do(req); err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != 200 || !strings.Contains(r.Header.Get("Content-Disposition"), "bao-cao-tong-hop-2019") {
			t.Errorf("consolidated export %s: %d", f, r.StatusCode)
		}
	}
	if status := w.call(coord, "POST", path+"/accept", "", &rep); status != 200 || rep.Status != "accepted" {
		t.Errorf("accept: %d %+v", status, rep)
	}
	var board struct {
		Expected  int      `json:"expected"`
		Submitted int      `json:"submitted"`
		Accepted  int      `json:"accepted"`
		Missing   []string `json:"missing_names"`
	}
	if status := w.call(coord, "GET", "/api/v1/reports/board?plan=bk-1368-2017&year=2019", "", &board); status != 200 || board.Submitted != 1 || board.Accepted != 1 || len(board.Missing) != board.Expected-1 {
		t.Errorf("board: %d %+v", status, board)
	}
}
