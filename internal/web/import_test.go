package web_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"outreach/internal/store/storetest"
)

func (w *world) uploadForm(c *http.Client, path string, fields map[string]string, name string, data []byte) (int, string) {
	w.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", w.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestImportInTheBrowser(t *testing.T) {
	w := newWorld(t, storetest.OpenSQLite(t))
	police := w.login("police")
	header := "Nhiệm vụ,Hình thức,Nội dung,Tên hoạt động,Ngày bắt đầu,Địa bàn,Tổng số người,Nữ\n"
	bad := "\xef\xbb\xbf" + header +
		"V.3.1,IV.3,III.3,Tin bài trên cổng TTĐT Công an,05/03/2018,Toàn tỉnh,,\n" +
		"V.3.2,IV.5,III.3;III.4,Tập huấn tại Na Rì,31/02/2018,Xa Cao Tri,40,10\n"
	status, body := w.uploadForm(police, "/activities/import", map[string]string{"plan": "bk-1368-2017"}, "hoat-dong.csv", []byte(bad))
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "hoat-dong.csv:3") || !strings.Contains(body, "Ngày bắt đầu") || !strings.Contains(body, "31/02/2018") {
		t.Fatalf("bad file: %d\n%s", status, body)
	}
	good := strings.Replace(bad, "31/02/2018", "28/02/2018", 1)
	status, body = w.uploadForm(police, "/activities/import", map[string]string{"plan": "bk-1368-2017"}, "hoat-dong.csv", []byte(good))
	token := regexp.MustCompile(`name="token" value="([^"]+)"`).FindStringSubmatch(body)
	if status != 200 || token == nil || !strings.Contains(body, "2 dòng") {
		t.Fatalf("good file: %d\n%s", status, body)
	}
	resp := w.post(police, "/activities/import/confirm", url.Values{"plan": {"bk-1368-2017"}, "token": {token[1]}})
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(flash(resp), "Đã nhập 2 hoạt động") {
		t.Fatalf("confirm: %d %q", resp.StatusCode, flash(resp))
	}
	// The token is spent, and the same file is recognised.
	if resp := w.post(police, "/activities/import/confirm", url.Values{"token": {token[1]}}); !strings.Contains(flash(resp), "hết hạn") {
		t.Errorf("a spent token: %q", flash(resp))
	}
	status, body = w.uploadForm(police, "/activities/import", map[string]string{"plan": "bk-1368-2017"}, "lan-2.csv", []byte(good))
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "đã được nhập") {
		t.Errorf("the same file again: %d", status)
	}
	// Saved again with CRLF, a trailing blank line, no BOM and tabs as
	// delimiters, the same rows are still the same import (bytes used to be
	// compared, so a trailing newline imported the rows twice).
	resaved := strings.ReplaceAll(strings.ReplaceAll(strings.TrimPrefix(good, "\xef\xbb\xbf"), "\n", "\r\n")+"\r\n", ",", "\t")
	status, body = w.uploadForm(police, "/activities/import", map[string]string{"plan": "bk-1368-2017"}, "lan-3.csv", []byte(resaved))
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "đã được nhập") {
		t.Errorf("the same rows saved differently: %d %s", status, secProblems(body))
	}
	// Another user cannot use someone's pending import.
	status, body = w.uploadForm(police, "/activities/import", map[string]string{"plan": "bk-1368-2017"}, "moi.csv", []byte(strings.Replace(good, "Na Rì", "Na Rì (2)", 1)))
	token = regexp.MustCompile(`name="token" value="([^"]+)"`).FindStringSubmatch(body)
	if token == nil {
		t.Fatalf("third file: %d", status)
	}
	if resp := w.post(w.login("coord"), "/activities/import/confirm", url.Values{"token": {token[1]}}); !strings.Contains(flash(resp), "hết hạn") {
		t.Errorf("someone else's token: %q", flash(resp))
	}
	// Export gives the records back as a file.
	resp2, err := police.Get(w.srv.URL + "/activities/export?plan=bk-1368-2017&format=csv")
	if err != nil {
		t.Fatal(err)
	}
	csv, _ := io.ReadAll(resp2.Body)
	resp2.Body.Close()
	if !strings.HasPrefix(resp2.Header.Get("Content-Disposition"), "attachment") || !strings.Contains(string(csv), "Tập huấn tại Na Rì") || !strings.Contains(string(csv), "28/02/2018") {
		t.Errorf("export: %s", csv)
	}
	for _, f := range []string{"xlsx", "csv"} {
		r, err := police.Get(w.srv.URL + "/activities/template?format=" + f)
		if err != nil || r.StatusCode != 200 {
			t.Errorf("template %s: %v %d", f, err, r.StatusCode)
		}
		r.Body.Close()
	}
}
