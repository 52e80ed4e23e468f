package e2e

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"outreach/internal/outreach"
	"outreach/internal/setup"
	"outreach/internal/store"
	"outreach/internal/store/storetest"
	"outreach/internal/web"
)

const password = "mật khẩu thử nghiệm"

// The scenario happens at the end of 2020, the plan's last reporting year:
// the 2020 reports are due on 20/12/2020, so the home pages have work to
// show. The clock runs from there at the real pace.
var start = time.Date(2020, 12, 1, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600))

// world is the real handler over a seeded SQLite store, one user per role,
// on a test server, and a browser.
type world struct {
	t       *testing.T
	store   *store.Store
	url     string
	browser context.Context
}

// newWorld seeds the store as internal/web's tests do (the built-in units
// and plan, one user per role) and adds a distribution of leaflets to two
// communes.
func newWorld(t *testing.T) *world {
	t.Helper()
	browser := startBrowser(t) // first: it skips when there is none
	ctx := context.Background()
	s := storetest.OpenSQLite(t)
	began := time.Now()
	clock := func() time.Time { return start.Add(time.Since(began)) }
	s.Now = clock
	system := outreach.SystemActor("test")
	if _, _, err := setup.Seed(ctx, s, system); err != nil {
		t.Fatal(err)
	}
	for _, u := range []store.NewUser{
		{Username: "admin", Name: "Quản trị", Role: outreach.RoleAdmin},
		{Username: "coord", Name: "Sở TT&TT", Role: outreach.RoleCoordinator},
		{Username: "police", Name: "Công an tỉnh", Role: outreach.RoleAgencyReporter, AgencyCode: "bk-ca"},
		{Username: "union", Name: "Hội LHPN tỉnh", Role: outreach.RoleAgencyReporter, AgencyCode: "bk-hlhpn"},
		{Username: "commune", Name: "UBND phường Đức Xuân", Role: outreach.RoleUnitReporter, UnitCode: "01840"},
		{Username: "viewer", Name: "Lãnh đạo", Role: outreach.RoleViewer},
	} {
		u.Password = password
		if _, err := s.CreateUser(ctx, system, u); err != nil {
			t.Fatal(err)
		}
	}
	m, err := s.SaveMaterial(ctx, system, outreach.Material{Plan: "bk-1368-2017", Type: "leaflet", Title: "Tờ gấp Đường dây nóng 18001567",
		Agency: "bk-stp", Year: 2020, Copies: 500})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.CreateDistribution(ctx, system, outreach.Distribution{Plan: "bk-1368-2017", Material: m, FromAgency: "bk-stp", Date: "2020-11-10",
		Deliveries: []outreach.Delivery{{Unit: "01840", Quantity: 100}, {Unit: "02155", Quantity: 100}}})
	if err != nil {
		t.Fatal(err)
	}
	h, err := web.New(s, web.Options{Version: "e2e", Now: clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &world{t: t, store: s, url: srv.URL, browser: browser}
}

// login opens a tab of its own for username and logs in through the form;
// t fails if it cannot, the tab lasts as long as the whole test.
func (w *world) login(t *testing.T, username string) *user {
	t.Helper()
	u := newUser(t, w.t, w.browser, username, w.url)
	u.open("/login")
	u.see("Đăng nhập", "Tên đăng nhập", "Mật khẩu")
	u.typeInto(`input[name=username]`, username)
	u.typeInto(`input[name=password]`, password)
	if st := u.press(button("Đăng nhập")); st != 200 {
		u.fail("log in", errStatus(st))
	}
	u.waitText("main h1", "Các kế hoạch")
	return u
}

// menu is the XPath of an item of the main menu.
func menu(label string) string {
	return fmt.Sprintf(`//nav[@class="main"]/a[normalize-space(.)=%q]`, label)
}

// errStatus is an unexpected HTTP status of a page.
type errStatus int64

func (e errStatus) Error() string { return fmt.Sprintf("status %d", int64(e)) }

// TestInTheBrowser is the whole round: every role's menu and home, an
// activity recorded through the form, a CSV import refused then accepted, a
// commune's confirmation, and a report written, returned, resubmitted,
// accepted and downloaded.
func TestInTheBrowser(t *testing.T) {
	began := time.Now()
	w := newWorld(t)
	t.Logf("server and browser ready in %s", time.Since(began).Round(time.Millisecond))

	// Five people log in at the same time, each in a browser context of
	// their own.
	var mu sync.Mutex
	users := map[string]*user{}
	t.Run("log in", func(t *testing.T) {
		for _, name := range []string{"admin", "coord", "police", "commune", "viewer"} {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				u := w.login(t, name)
				mu.Lock()
				users[name] = u.in(w.t)
				mu.Unlock()
			})
		}
	})
	if t.Failed() {
		return
	}
	t.Logf("five users logged in at %s", time.Since(began).Round(time.Millisecond))
	police, coord, commune, viewer := users["police"], users["coord"], users["commune"], users["viewer"]

	t.Run("menus and homes", func(t *testing.T) {
		police, coord, commune, viewer := police.in(t), coord.in(t), commune.in(t), viewer.in(t)
		menu := []string{"Kế hoạch", "Hoạt động", "Tài liệu, phân phát", "Mô hình", "Báo cáo", "Kinh phí", "Đơn vị hành chính", "Cơ quan"}
		for name, u := range users {
			u := u.in(t)
			nav := u.text("nav.main")
			for _, item := range menu {
				if !strings.Contains(nav, item) {
					t.Errorf("%s: the menu lacks %q: %q", name, item, nav)
				}
			}
			admin := strings.Contains(nav, "Người dùng") && strings.Contains(nav, "Nhật ký thay đổi")
			if admin != (name == "admin") {
				t.Errorf("%s: users and audit log in the menu: %v (%q)", name, admin, nav)
			}
			if who := u.text("header .who"); !strings.Contains(who, "Đăng xuất") {
				t.Errorf("%s: no way to log out in %q", name, who)
			}
		}
		if who := police.text("header .who"); !strings.Contains(who, "Công an tỉnh") {
			t.Errorf("police: the header says %q", who)
		}
		police.see("Việc cần làm", "Báo cáo năm 2020 của cơ quan bạn", "Chưa gửi")
		commune.see("Việc cần làm", "Xác nhận nhận và triển khai tài liệu: 1 lượt chưa xác nhận")
		coord.see("Việc cần làm", "Báo cáo tổng hợp năm 2020")
		viewer.see("Kế hoạch truyền thông phòng, chống mua bán người")
		viewer.notSee("Việc cần làm")

		// A viewer reads everything and is offered nothing to change.
		for _, path := range []string{"/", "/activities", "/distributions", "/models", "/plans/bk-1368-2017/reports/2020",
			"/plans/bk-1368-2017/key-areas", "/budget", "/quantity-kinds"} {
			viewer.open(path)
			for _, c := range viewer.writeControls() {
				t.Errorf("viewer: %s offers %q", path, c)
			}
		}
		// Others are: the police can record activities and start its
		// report; the coordinator rules on the board.
		police.open("/activities")
		if c := police.writeControls(); !slices.Contains(c, "+ Ghi nhận hoạt động") {
			t.Errorf("police: the activities page offers %q", c)
		}
		police.open("/plans/bk-1368-2017/reports/2020")
		if c := police.writeControls(); !slices.Equal(c, []string{"Lập báo cáo"}) {
			t.Errorf("police: the board offers %q, want only its own report to start", c)
		}
		coord.open("/plans/bk-1368-2017/reports/2020")
		if c := coord.writeControls(); !slices.Contains(c, "Lập báo cáo") || !slices.Contains(c, "Lập báo cáo tổng hợp") {
			t.Errorf("coordinator: the board offers %q", c)
		}
	})
	if t.Failed() {
		return
	}

	activity := "Tập huấn kỹ năng phòng, chống mua bán người cho cán bộ Công an phường Đức Xuân"
	t.Run("record an activity", func(t *testing.T) {
		u := police.in(t)
		u.open("/activities")
		u.press(button("+ Ghi nhận hoạt động"))
		u.waitText("main h1", "Ghi nhận hoạt động")
		if got := u.chosen(`select[name=agency]`); got != "Công an tỉnh" {
			t.Errorf("agency proposed: %q", got)
		}
		u.choose("#task", "V.3.2")
		if got := u.value("#channel"); got != "IV.5" {
			t.Errorf("choosing task V.3.2 proposed the channel %q, want IV.5", got)
		}
		u.do("tick the themes", click(`input[name=themes][value="III.3"]`), click(`input[name=themes][value="III.4"]`))
		u.typeInto(`input[name=title]`, activity)
		u.setValue(`input[name=start_date]`, "2020-06-15")
		u.setValue(`input[name=end_date]`, "2020-06-16")
		u.choose(`select[name=units]`, "01840")
		u.typeInto(`input[name=aud_total]`, "120")
		u.typeInto(`input[name=aud_women]`, "45")
		u.typeInto(`input[name=cost]`, "12.500.000")
		u.choose(`select[name=funding_source]`, "ngan-sach")
		if st := u.press(`#activity-form > button`); st != 200 {
			u.fail("save the activity", errStatus(st))
		}
		u.see("Đã lưu hoạt động.", activity, "Công an tỉnh", "V.3.2", "IV.5 Tập huấn, bồi dưỡng kỹ năng truyền thông",
			"III.3 Các mục đích mua bán người; III.4 Đường dây nóng 18001567", "15/06/2020 – 16/06/2020", "Phường Đức Xuân", "120", "45", "12.500.000")
		u.press(menu("Hoạt động"))
		u.see("1 hoạt động", activity, "15/06/2020–16/06/2020", "Công an tỉnh", "IV.5", "Phường Đức Xuân", "120 lượt người")
	})
	if t.Failed() {
		return
	}

	t.Run("import activities", func(t *testing.T) {
		u := police.in(t)
		dir := t.TempDir()
		file := filepath.Join(dir, "hoat-dong-cong-an.csv")
		header := "Nhiệm vụ,Hình thức,Nội dung,Tên hoạt động,Ngày bắt đầu,Địa bàn,Tổng số người,Nữ\n"
		rows := "V.3.1,IV.3,III.3,Tin bài về thủ đoạn mua bán người trên cổng TTĐT Công an,05/03/2020,Toàn tỉnh,,\n" +
			"V.3.2,IV.5,III.3;III.4,Hội nghị tuyên truyền tại phường Đức Xuân,31/02/2020,Phuong Duc Xuan,40,10\n"
		if err := os.WriteFile(file, []byte("\xef\xbb\xbf"+header+rows), 0o644); err != nil {
			t.Fatal(err)
		}
		u.open("/activities")
		u.press(button("Nhập từ tệp Excel/CSV"))
		u.waitText("main h1", "Nhập hoạt động từ tệp")
		u.do("choose the file", chromedp.SetUploadFiles(chromedp.CSS(`input[name=file]`), []string{file}))
		if st := u.press(button("Kiểm tra tệp")); st != 422 {
			t.Errorf("a file with an error: status %d", st)
		}
		u.see("Tệp hoat-dong-cong-an.csv chưa được nhập: có 1 lỗi cần sửa. Không có dòng nào được ghi.")
		problems := u.text("table.problems")
		for _, want := range []string{"Dòng", "Cột", "Lỗi", "hoat-dong-cong-an.csv:3", "Ngày bắt đầu", "31/02/2020"} {
			if !strings.Contains(problems, want) {
				t.Errorf("the problems table lacks %q:\n%s", want, problems)
			}
		}
		u.see("Xem trước (10 dòng đầu)", "Hội nghị tuyên truyền tại phường Đức Xuân")

		// The reporter fixes the date in the file and uploads it again.
		if err := os.WriteFile(file, []byte("\xef\xbb\xbf"+header+strings.Replace(rows, "31/02/2020", "28/02/2020", 1)), 0o644); err != nil {
			t.Fatal(err)
		}
		u.do("choose the fixed file", chromedp.SetUploadFiles(chromedp.CSS(`input[name=file]`), []string{file}))
		if st := u.press(button("Kiểm tra tệp")); st != 200 {
			t.Errorf("the fixed file: status %d", st)
		}
		u.see("Tệp hoat-dong-cong-an.csv hợp lệ: 2 dòng sẵn sàng để nhập.")
		u.notSee("chưa được nhập")
		u.press(button("Xác nhận nhập 2 dòng"))
		u.see("Đã nhập 2 hoạt động.", "3 hoạt động", "Hội nghị tuyên truyền tại phường Đức Xuân", "Tin bài về thủ đoạn mua bán người trên cổng TTĐT Công an", activity)
	})
	if t.Failed() {
		return
	}

	t.Run("a commune confirms materials", func(t *testing.T) {
		u := commune.in(t)
		u.open("/")
		u.press(button("Xác nhận nhận và triển khai tài liệu: 1 lượt chưa xác nhận"))
		u.press(button("Tờ gấp Đường dây nóng 18001567"))
		u.see("Tờ gấp Đường dây nóng 18001567", "Phường Đức Xuân", "chưa xác nhận đã nhận")
		li := "#u01840"
		u.do("open the confirmation", click(li+" summary"))
		u.setValue(li+" input[name=received_on]", "2020-11-20")
		u.setValue(li+" input[name=deployed_on]", "2020-11-25")
		u.do("say how", click(li+` input[name=how][value=village_meeting]`), click(li+` input[name=how][value=loudspeaker]`))
		u.press(li + " form button")
		u.see("Đã lưu xác nhận.")
		got := u.text(li)
		for _, want := range []string{"Phường Đức Xuân", "Ngày nhận 20/11/2020", "Ngày triển khai 25/11/2020 (Họp thôn, bản, Loa truyền thanh)", "xác nhận bởi"} {
			if !strings.Contains(got, want) {
				t.Errorf("the delivery shows %q, lacking %q", got, want)
			}
		}
		u.open("/")
		u.notSee("lượt chưa xác nhận")
	})
	if t.Failed() {
		return
	}

	dir := t.TempDir()
	t.Run("report: write, return, resubmit, accept, download", func(t *testing.T) {
		police, coord := police.in(t), coord.in(t)
		// The police starts its report from the home page.
		police.open("/")
		police.press(button("Báo cáo năm 2020 của cơ quan bạn"))
		police.see("Công an tỉnh", "2020")
		police.press(button("Lập báo cáo"))
		police.see("Báo cáo · Công an tỉnh · 2020", "Dự thảo", "Nội dung được tự động lưu khi bạn gõ.", "Tập huấn, bồi dưỡng kỹ năng truyền thông")
		report := run(police, "where", chromedp.Location())

		// It types; the page saves by itself and says so. The saving is
		// the page's script (static/app.js); a page without it still saves
		// with its Lưu button, which is what a person then has to press.
		scripted := run(police, "look for the page's script", chromedp.Evaluate[bool](`!!document.querySelector('script[src="/static/app.js"]')`))
		if !scripted {
			t.Errorf("the report page does not load /static/app.js: nothing autosaves and %q asks no confirmation", "Gửi báo cáo")
		}
		saved := func() {
			t.Helper()
			if scripted {
				police.waitAutosaved("Đã lưu lúc")
				return
			}
			police.press(button("Lưu"))
			police.see("Đã lưu báo cáo.")
		}
		police.watchInputs()
		police.retype(`input[name=number]`, "125/BC-CAT")
		police.typeInto(`textarea[name=results]`, "Tổ chức 3 hoạt động tuyên truyền, tập huấn cho 160 lượt người.")
		saved()
		police.open(strings.TrimPrefix(report, w.url))
		if got := police.value(`textarea[name=results]`); got != "Tổ chức 3 hoạt động tuyên truyền, tập huấn cho 160 lượt người." {
			t.Errorf("after a reload the narrative is %q", got)
		}
		if got := police.value(`input[name=number]`); got != "125/BC-CAT" {
			t.Errorf("after a reload the number is %q", got)
		}
		police.press(button("Gửi báo cáo"))
		if d := police.seenDialogs(); scripted && (len(d) == 0 || !strings.Contains(d[len(d)-1], "Gửi báo cáo?")) {
			t.Errorf("no confirmation before submitting: %q", d)
		}
		police.see("Đã gửi báo cáo.", "Đã gửi, chờ tiếp nhận", "Tổ chức 3 hoạt động tuyên truyền")
		if c := police.writeControls(); slices.Contains(c, "Gửi báo cáo") || slices.Contains(c, "Lưu") {
			t.Errorf("a submitted report still offers %q", c)
		}

		// The coordinator finds it waiting and returns it with a reason.
		reason := "Đề nghị bổ sung số liệu về đối tượng là người dân tộc thiểu số."
		coord.open("/")
		coord.press(button("Báo cáo năm 2020: 1 báo cáo chờ tiếp nhận"))
		coord.press(`//main//tr[td[contains(., "Công an tỉnh")]]//a[normalize-space(.)="Xem"]`)
		coord.see("Đã gửi, chờ tiếp nhận", "Tiếp nhận hoặc trả lại", "Tổ chức 3 hoạt động tuyên truyền")
		coord.typeInto(`textarea[name=reason]`, reason)
		coord.press(button("Trả lại để chỉnh sửa"))
		coord.see("Đã trả lại báo cáo.", "Bị trả lại")

		// The police sees why, edits and sends again.
		police.open(strings.TrimPrefix(report, w.url))
		police.see("Bị trả lại", "Lý do trả lại: "+reason)
		police.watchInputs()
		police.typeInto(`textarea[name=results]`, " Trong đó 52 lượt người dân tộc thiểu số.")
		saved()
		if got, want := police.value(`textarea[name=results]`), "Tổ chức 3 hoạt động tuyên truyền, tập huấn cho 160 lượt người. Trong đó 52 lượt người dân tộc thiểu số."; got != want {
			t.Errorf("the edited narrative is %q, want %q", got, want)
		}
		police.press(button("Gửi báo cáo"))
		police.see("Đã gửi báo cáo.", "Đã gửi, chờ tiếp nhận", "Trong đó 52 lượt người dân tộc thiểu số.")

		// The coordinator accepts it.
		coord.open(strings.TrimPrefix(report, w.url))
		coord.see("Trong đó 52 lượt người dân tộc thiểu số.")
		coord.press(button("Tiếp nhận"))
		coord.see("Đã tiếp nhận báo cáo.", "Đã tiếp nhận")

		// The police reads the outcome and the history, and downloads the
		// document.
		police.open(strings.TrimPrefix(report, w.url))
		police.see("Đã tiếp nhận", "Lịch sử")
		name, data := police.download(button("DOCX"), dir)
		if !strings.HasSuffix(name, ".docx") {
			t.Errorf("downloaded %q, want a .docx", name)
		}
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatalf("%s is not a zip (%d bytes): %v", name, len(data), err)
		}
		var doc string
		for _, f := range zr.File {
			if f.Name == "word/document.xml" {
				rc, err := f.Open()
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(rc)
				rc.Close()
				doc = string(b)
			}
		}
		if doc == "" {
			t.Fatalf("%s has no word/document.xml", name)
		}
		for _, want := range []string{"CÔNG AN TỈNH BẮC KẠN", "125/BC-CAT", "Trong đó 52 lượt người dân tộc thiểu số."} {
			if !strings.Contains(doc, want) {
				t.Errorf("%s: the document lacks %q", name, want)
			}
		}
		t.Logf("downloaded %s (%d bytes)", name, len(data))
	})
	t.Logf("whole run %s", time.Since(began).Round(time.Millisecond))
}
