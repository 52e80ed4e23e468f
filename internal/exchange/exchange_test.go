package exchange_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"outreach/internal/exchange"
	"outreach/internal/outreach"
	"outreach/internal/setup"
	"outreach/internal/store"
	"outreach/internal/store/storetest"
	"outreach/internal/tabular"
)

var (
	ctx    = context.Background()
	system = outreach.SystemActor("test")
)

const plan = "bk-1368-2017"

// seeded returns a SQLite store holding the built-in units and plan, and a
// resolver for the plan.
func seeded(t testing.TB) (*store.Store, *exchange.Resolver) {
	t.Helper()
	s := storetest.OpenSQLite(t)
	if _, _, err := setup.Seed(ctx, s, system); err != nil {
		t.Fatal(err)
	}
	return s, resolver(t, s)
}

func resolver(t testing.TB, s *store.Store) *exchange.Resolver {
	t.Helper()
	r, err := exchange.NewResolver(ctx, s, plan)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func readCSV(t testing.TB, src string) *tabular.Table {
	t.Helper()
	tb, err := tabular.ReadCSV(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func messages(ps []outreach.Problem) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "%s [%s] %s\n", p.Position, p.Field, p.Message)
	}
	return b.String()
}

func allActivities(t testing.TB, s *store.Store) []*store.ActivityView {
	t.Helper()
	var out []*store.ActivityView
	for off := 0; ; off += 500 {
		page, err := s.Activities(ctx, system, store.ActivityFilter{Plan: plan, Sort: "title", Limit: 500, Offset: off})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page.Items...)
		if len(page.Items) < 500 {
			return out
		}
	}
}

func TestNamesWithoutDiacritics(t *testing.T) {
	s, r := seeded(t)
	// A file saved by Excel as "CSV UTF-8": a byte order mark, headers and
	// names typed without diacritics, references by name.
	src := "\ufeffCo quan,Hinh thuc,Noi dung,Ten hoat dong,Ngay bat dau,Ngay ket thuc,Dia ban,\"So buoi, hoi nghi, lop\",\"An pham phat hanh (to gap, sach, dia CD)\",Tong so nguoi,Nu,Kinh phi (dong),Nguon kinh phi\r\n" +
		"hoi lhpn tinh,\"Tap huan, boi duong ky nang truyen thong\",Duong day nong 18001567,Tập huấn ở Cao Trĩ,15/03/2019,,Xa Cao Tri,2,\"1.234,5\",120,95,1.234.567,ngan sach nha nuoc theo phan cap\r\n" +
		"bk-ca,IV.4,III.3; iii.5,Hội nghị ở hai xã,2019-04-02,03/04/2019,cao tri; Thuong Giao,1,,,,,\r\n"
	tb := readCSV(t, src)
	rows, probs := exchange.ParseActivities(tb, "hd.csv", r, "")
	if len(probs) > 0 {
		t.Fatal(messages(probs))
	}
	a, b := rows[0].Activity, rows[1].Activity
	if rows[0].Line != 2 || rows[1].Line != 3 {
		t.Errorf("lines %d, %d", rows[0].Line, rows[1].Line)
	}
	if a.Agency != "bk-hlhpn" || a.Channel != "IV.5" || !slices.Equal(a.Themes, []string{"III.4"}) || a.FundingSource != "ngan-sach" {
		t.Errorf("references by name: %+v", a)
	}
	if !slices.Equal(a.Units, []string{"01903"}) || !slices.Equal(b.Units, []string{"01903", "01912"}) {
		t.Errorf("units: %v, %v", a.Units, b.Units)
	}
	if a.StartDate != "2019-03-15" || a.EndDate != "2019-03-15" || b.StartDate != "2019-04-02" || b.EndDate != "2019-04-03" {
		t.Errorf("dates: %s–%s, %s–%s", a.StartDate, a.EndDate, b.StartDate, b.EndDate)
	}
	if a.Cost != 1234567 || !reflect.DeepEqual(a.Quantities, []outreach.ActivityQuantity{{Kind: "sessions", Value: 2}, {Kind: "copies", Value: 1234.5}}) {
		t.Errorf("numbers: cost %d, quantities %v", a.Cost, a.Quantities)
	}
	if *a.Audience.Total != 120 || *a.Audience.Women != 95 || a.Audience.Men != nil || b.Audience.Total != nil {
		t.Errorf("audience: %+v, %+v", a.Audience, b.Audience)
	}
	if !slices.Equal(b.Themes, []string{"III.3", "III.5"}) {
		t.Errorf("themes: %v", b.Themes)
	}
	n, err := s.ImportActivities(ctx, system, plan, store.ImportFile{Name: "hd.csv", SHA256: sum([]byte(src))}, rows)
	if err != nil || n != 2 {
		t.Fatalf("import: %d, %v", n, err)
	}
	got := allActivities(t, s)
	if len(got) != 2 || got[0].UnitNames["01903"] != "Xã Cao Trĩ" {
		t.Errorf("stored: %+v", got)
	}
}

func TestUnitsAsOfTheDates(t *testing.T) {
	_, r := seeded(t)
	parse := func(start, end, units string) ([]store.ActivityRow, []outreach.Problem) {
		src := "Cơ quan,Hình thức,Tên hoạt động,Ngày bắt đầu,Ngày kết thúc,Địa bàn\n" +
			fmt.Sprintf("bk-ca,IV.4,Hội nghị,%s,%s,%s\n", start, end, units)
		return exchange.ParseActivities(readCSV(t, src), "f.csv", r, "")
	}
	// Thị trấn Yến Lạc was re-formed on 01/02/2020 under a new code.
	if rows, probs := parse("15/01/2020", "", "Yến Lạc"); len(probs) > 0 || rows[0].Units[0] != "02134" {
		t.Errorf("before the merge: %v %s", rows, messages(probs))
	}
	if rows, probs := parse("15/03/2020", "", "Thi tran Yen Lac"); len(probs) > 0 || rows[0].Units[0] != "02155" {
		t.Errorf("after the merge: %v %s", rows, messages(probs))
	}
	// An activity spanning the change: both versions were in force.
	_, probs := parse("31/01/2020", "01/02/2020", "yen lac")
	want := `Cột "Địa bàn", giá trị "yen lac": tên trùng với nhiều đơn vị, hãy ghi mã: mã 02134 Thị trấn Yến Lạc (Huyện Na Rì); mã 02155 Thị trấn Yến Lạc (Huyện Na Rì)`
	if len(probs) != 1 || probs[0].Message != want || probs[0].Position != "f.csv:2" || probs[0].Field != "Địa bàn" {
		t.Errorf("ambiguous name:\n%s", messages(probs))
	}
	// Cao Trĩ was merged away in 2020.
	_, probs = parse("15/03/2020", "", "Xã Cao Trĩ")
	if len(probs) != 1 || !strings.Contains(probs[0].Message, "không có đơn vị nào tên này có hiệu lực trong khoảng 15/03/2020 – 15/03/2020") ||
		!strings.Contains(probs[0].Message, "mã 01903: đến 01/02/2020") {
		t.Errorf("a name out of its time:\n%s", messages(probs))
	}
	_, probs = parse("15/03/2019", "", "01903; Xã Không Có")
	if len(probs) != 1 || probs[0].Message != `Cột "Địa bàn", giá trị "Xã Không Có": không tìm thấy đơn vị hành chính nào có mã hoặc tên này` {
		t.Errorf("unknown name:\n%s", messages(probs))
	}
	if rows, probs := parse("15/03/2019", "", "Toàn tỉnh"); len(probs) > 0 || !rows[0].WholeProvince || len(rows[0].Units) != 0 {
		t.Errorf("whole province: %v %s", rows, messages(probs))
	}
}

func TestProblemsInVietnamese(t *testing.T) {
	_, r := seeded(t)
	src := "Cơ quan,Hình thức,Tên hoạt động,Ngày bắt đầu,Địa bàn,Tổng số người,Nữ,Kinh phí (đồng),Nguồn kinh phí,Đường dẫn\n" +
		"bk-ca,IV.4,Hội nghị 1,15/03/2019,01903,100,50,,,\n" +
		"bk-ca,IV.4,Hội nghị 2,31/02/2019,01903,100,50,,,\n" +
		"bk-ca,IV.4,Hội nghị 3,15/03/2019,01903,100,12a,,,\n" +
		"bk-ca,IV.9,,15/03/2019,01903,100,150,\"1.000.000\",,congan.backan.gov.vn\n" +
		"bk-bao-chi,IV.4,Hội nghị 5,15/03/2016,01903,\"1,5\",,,,\n"
	rows, probs := exchange.ParseActivities(readCSV(t, src), "f.csv", r, "")
	want := []string{
		`f.csv:3 [Ngày bắt đầu] Cột "Ngày bắt đầu", giá trị "31/02/2019": ngày không hợp lệ (dùng dd/mm/yyyy hoặc yyyy-mm-dd)`,
		`f.csv:4 [Nữ] Cột "Nữ", giá trị "12a": số không hợp lệ (ví dụ: 1234, 1.234.567 hoặc 1.234,5)`,
		`f.csv:5 [Hình thức] Cột "Hình thức", giá trị "IV.9": không có hình thức nào của kế hoạch có mã hoặc tên này`,
		`f.csv:5 [Tên hoạt động] Cột "Tên hoạt động": không được để trống`,
		`f.csv:5 [Nữ] Cột "Nữ": 150 lớn hơn tổng số người 100`,
		`f.csv:5 [Nguồn kinh phí] Cột "Nguồn kinh phí": có kinh phí thì phải ghi nguồn kinh phí`,
		`f.csv:5 [Đường dẫn] Cột "Đường dẫn": đường dẫn "congan.backan.gov.vn" phải bắt đầu bằng https:// hoặc http://`,
		`f.csv:6 [Tổng số người] Cột "Tổng số người", giá trị "1,5": phải là số nguyên`,
		`f.csv:6 [Ngày bắt đầu] Cột "Ngày bắt đầu": hoạt động phải diễn ra trong thời gian của kế hoạch (2017–2020)`,
		`f.csv:6 [Cơ quan] Cột "Cơ quan": "bk-bao-chi" là nhóm cơ quan; hãy ghi cho một cơ quan thành viên`,
	}
	if rows != nil || messages(probs) != strings.Join(want, "\n")+"\n" {
		t.Errorf("problems:\n%s\nwant:\n%s", messages(probs), strings.Join(want, "\n"))
	}

	// A misspelt header is refused, not ignored.
	src = "Cơ quan,Hình thức,Tên hoạt động,Ngày bắt đầu,Địa bàn,Số người nữ\nbk-ca,IV.4,Hội nghị,15/03/2019,01903,50\n"
	_, probs = exchange.ParseActivities(readCSV(t, src), "f.csv", r, "")
	if len(probs) != 1 || probs[0].Position != "f.csv:1" || !strings.HasPrefix(probs[0].Message, `Cột F có tiêu đề "Số người nữ" không thuộc mẫu tệp`) {
		t.Errorf("unknown column:\n%s", messages(probs))
	}
	// The agency column may be left out when a default is given.
	src = "Hình thức,Tên hoạt động,Ngày bắt đầu,Địa bàn\nIV.4,Hội nghị,15/03/2019,01903\n"
	if _, probs = exchange.ParseActivities(readCSV(t, src), "f.csv", r, ""); len(probs) != 1 || probs[0].Message != `Thiếu cột "Cơ quan"` {
		t.Errorf("no agency column:\n%s", messages(probs))
	}
	if rows, probs = exchange.ParseActivities(readCSV(t, src), "f.csv", r, "Công an tỉnh"); len(probs) != 0 || rows[0].Agency != "bk-ca" {
		t.Errorf("default agency: %v\n%s", rows, messages(probs))
	}
}

func TestTranslate(t *testing.T) {
	_, r := seeded(t)
	a := &outreach.Activity{Quantities: []outreach.ActivityQuantity{{Kind: "participants", Value: 1}, {Kind: "sessions", Value: -2}}}
	cols := r.ActivityColumns(a)
	for _, c := range []struct {
		p    outreach.Problem
		want string
	}{
		{outreach.Problem{Field: "quantities[1].value", Code: outreach.ProbNegative, Args: []any{-2.0}}, `Cột "Số buổi, hội nghị, lớp": không được là số âm (-2)`},
		{outreach.Problem{Field: "units", Code: outreach.ProbNoUnit, Args: []any{"01903", "2020-03-01", "2020-03-02"}}, `Cột "Địa bàn": không có đơn vị mã 01903 có hiệu lực trong khoảng 01/03/2020 – 02/03/2020`},
		{outreach.Problem{Field: "end_date", Code: outreach.ProbDateOrder, Args: []any{"2019-03-15"}}, `Cột "Ngày kết thúc": không được trước ngày bắt đầu 15/03/2019`},
		{outreach.Problem{Field: "audience.total", Code: outreach.ProbExceedsTotal, Args: []any{int64(1200), int64(1000)}}, `Cột "Tổng số người": số nữ và số nam cộng lại (1.200) lớn hơn tổng số người 1.000`},
		{outreach.Problem{Field: "links[0]", Code: outreach.ProbBadLink, Args: []any{"x"}}, `Cột "Đường dẫn": đường dẫn "x" phải bắt đầu bằng https:// hoặc http://`},
		{outreach.Problem{Field: "agency", Code: outreach.ProbForbidden}, `Cột "Cơ quan": bạn không có quyền ghi số liệu cho cơ quan hoặc địa bàn này`},
		{outreach.Problem{Field: "file", Message: "this file (same content) was already imported on 02/01/2026 10:00 by system:cli"}, `tệp này (cùng nội dung) đã được nhập lúc 02/01/2026 10:00 bởi system:cli`},
	} {
		if got := exchange.Translate(c.p, cols); got.Message != c.want {
			t.Errorf("%s/%s: %q, want %q", c.p.Field, c.p.Code, got.Message, c.want)
		}
	}
	p := exchange.Translate(outreach.Problem{Position: "pp.csv:4", Field: "material", Code: outreach.ProbUnknown, Args: []any{int64(999)}}, exchange.DistributionColumns())
	if p.Field != "Tài liệu" || p.Position != "pp.csv:4" || p.Message != `Cột "Tài liệu": "999" không có trong kế hoạch` {
		t.Errorf("distribution problem: %+v", p)
	}
}

// activityCSV generates n valid activities of the police, in varied
// communes and dates.
func activityCSV(n int) []byte {
	communes := []string{"01903", "Xã Cao Thượng", "01912", "hoang tri", "02152", "Thị trấn Chợ Rã"}
	var b bytes.Buffer
	b.WriteString("Cơ quan,Nhiệm vụ,Hình thức,Nội dung,Tên hoạt động,Ngày bắt đầu,Ngày kết thúc,Địa bàn,\"Số buổi, hội nghị, lớp\",Số lượt người tham dự,Tổng số người,Nữ,Nam,Kinh phí (đồng),Nguồn kinh phí\r\n")
	for i := range n {
		day := fmt.Sprintf("%02d/%02d/%d", i%28+1, i%12+1, 2017+i%3)
		fmt.Fprintf(&b, "bk-ca,V.3.2,IV.5,III.3;III.4,Buổi tuyên truyền số %d,%s,%s,%s,1,%d,%d,%d,%d,%s,ngan-sach\r\n",
			i+1, day, day, communes[i%len(communes)], 40+i%50, 40+i%50, 20, 20+i%50, "1.500.000")
	}
	return b.Bytes()
}

func TestTenThousandRows(t *testing.T) {
	s, r := seeded(t)
	police := reporter(t, s, "police", "bk-ca")
	const n = 10_000
	good := activityCSV(n)
	// One bad date on line 4713.
	lines := strings.Split(string(good), "\r\n")
	bad := slices.Clone(lines)
	bad[4712] = strings.Replace(bad[4712], "/2019,", "/2O19,", 1)
	if bad[4712] == lines[4712] {
		bad[4712] = strings.Replace(bad[4712], "/2018,", "/2O18,", 1)
		bad[4712] = strings.Replace(bad[4712], "/2017,", "/2O17,", 1)
	}
	rows, probs := exchange.ParseActivities(readCSV(t, strings.Join(bad, "\r\n")), "hd.csv", r, "")
	if rows != nil || len(probs) != 1 || probs[0].Position != "hd.csv:4713" || probs[0].Field != "Ngày bắt đầu" {
		t.Fatalf("one bad date: %s", messages(probs))
	}

	// A row the police may not record: the store refuses the whole file,
	// naming the line; the problem comes back in Vietnamese.
	other := slices.Clone(lines)
	other[4712] = strings.Replace(other[4712], "bk-ca,V.3.2", "bk-hlhpn,V.2.1", 1)
	src := []byte(strings.Join(other, "\r\n"))
	rows, probs = exchange.ParseActivities(readCSV(t, string(src)), "hd.csv", r, "")
	if len(probs) > 0 || len(rows) != n {
		t.Fatalf("parse: %d rows, %s", len(rows), messages(probs))
	}
	_, err := s.ImportActivities(ctx, police, plan, store.ImportFile{Name: "hd.csv", SHA256: sum(src)}, rows)
	var v *outreach.ValidationError
	if err = r.TranslateActivityError(err, rows); !errors.As(err, &v) || len(v.Problems) != 1 || v.Problems[0].Position != "hd.csv:4713" ||
		v.Problems[0].Message != `Cột "Cơ quan": bạn không có quyền ghi số liệu cho cơ quan hoặc địa bàn này` {
		t.Fatalf("another agency's row: %v", err)
	}
	if got := allActivities(t, s); len(got) != 0 {
		t.Fatalf("a refused file wrote %d activities", len(got))
	}

	// Fixed, the file imports whole; a second time it is refused.
	rows, probs = exchange.ParseActivities(readCSV(t, string(good)), "hd.csv", r, "")
	if len(probs) > 0 {
		t.Fatal(messages(probs))
	}
	file := store.ImportFile{Name: "hd.csv", SHA256: sum(good)}
	if got, err := s.ImportActivities(ctx, police, plan, file, rows); err != nil || got != n {
		t.Fatalf("fixed file: %d, %v", got, err)
	}
	if got := allActivities(t, s); len(got) != n {
		t.Fatalf("imported %d, want %d", len(got), n)
	}
	rows, _ = exchange.ParseActivities(readCSV(t, string(good)), "hd.csv", r, "")
	_, err = s.ImportActivities(ctx, police, plan, file, rows)
	if err = r.TranslateActivityError(err, rows); !errors.As(err, &v) || !strings.HasPrefix(v.Problems[0].Message, "tệp này (cùng nội dung) đã được nhập lúc ") {
		t.Errorf("the same file again: %v", err)
	}
}

func reporter(t *testing.T, s *store.Store, name, agency string) outreach.Actor {
	t.Helper()
	u := store.NewUser{Username: name, Name: name, Role: outreach.RoleAgencyReporter, AgencyCode: agency, Password: "mật khẩu đủ dài"}
	if _, err := s.CreateUser(ctx, system, u); err != nil {
		t.Fatal(err)
	}
	_, a, err := s.Authenticate(ctx, u.Username, u.Password)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// key is what must survive export → parse → import.
func key(a *store.ActivityView) string {
	p := func(n *int64) string {
		if n == nil {
			return "?"
		}
		return fmt.Sprint(*n)
	}
	au := a.Audience
	return fmt.Sprintf("%s|%s|%s|%s|%v|%q|%q|%s|%s|%v|%v|%v|%s %s %s %s %s|%d|%s|%v|%q", a.Agency, a.Task, a.Channel, a.Title, a.Themes, a.Description, a.Notes,
		a.StartDate, a.EndDate, a.WholeProvince, a.Units, a.Quantities, p(au.Total), p(au.Women), p(au.Men), p(au.Children1416), p(au.EthnicMinority),
		a.Cost, a.FundingSource, a.Links, a.Task)
}

func TestExportParseImport(t *testing.T) {
	s, r := seeded(t)
	src := "Cơ quan,Nhiệm vụ,Hình thức,Nội dung,Tên hoạt động,Mô tả,Ngày bắt đầu,Ngày kết thúc,Địa bàn,\"Số buổi, hội nghị, lớp\",\"Ấn phẩm phát hành (tờ gấp, sách, đĩa CD)\",Thời lượng phát sóng,Tổng số người,Nữ,Nam,Trẻ em 14-16,Người dân tộc thiểu số,Kinh phí (đồng),Nguồn kinh phí,Đường dẫn,Ghi chú\n" +
		"bk-hlhpn,V.2.1,IV.5,III.3;III.4,Tập huấn cho hội viên,\"Hai buổi.\nCó phát tờ gấp.\",15/03/2019,16/03/2019,01903;01888,2,\"1.500\",,120,95,25,,104,12.500.000,ngan-sach,https://a.vn/1 https://a.vn/2,Mỗi xã 01 buổi\n" +
		"bk-dptth,,IV.1,,\"Phóng sự \"\"Cạm bẫy\"\"\",,01/07/2018,,Toàn tỉnh,,,\"12,5\",,,,,,,,,\n" +
		"bk-ca,V.3.2,IV.4,III.5,- Hội nghị: tuyên truyền,=1+1,30/07/2020,,Thi tran Yen Lac,1,,,80,,,30,,\"1.000\",quy-phong-chong-toi-pham,,\n"
	rows, probs := exchange.ParseActivities(readCSV(t, src), "a.csv", r, "")
	if len(probs) > 0 {
		t.Fatal(messages(probs))
	}
	if _, err := s.ImportActivities(ctx, system, plan, store.ImportFile{Name: "a.csv", SHA256: "a"}, rows); err != nil {
		t.Fatal(err)
	}
	before := allActivities(t, s)
	for _, format := range []string{"csv", "xlsx"} {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := exchange.ExportActivities(&buf, format, before, r); err != nil {
				t.Fatal(err)
			}
			tb, err := tabular.Read("export."+format, bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			s2 := storetest.OpenSQLite(t)
			if _, _, err := setup.Seed(ctx, s2, system); err != nil {
				t.Fatal(err)
			}
			r2 := resolver(t, s2)
			rows, probs := exchange.ParseActivities(tb, "export."+format, r2, "")
			if len(probs) > 0 {
				t.Fatal(messages(probs))
			}
			if _, err := s2.ImportActivities(ctx, system, plan, store.ImportFile{Name: "export", SHA256: sum(buf.Bytes())}, rows); err != nil {
				t.Fatal(err)
			}
			after := allActivities(t, s2)
			if len(after) != len(before) {
				t.Fatalf("%d activities, want %d", len(after), len(before))
			}
			for i := range before {
				if k1, k2 := key(before[i]), key(after[i]); k1 != k2 {
					t.Errorf("activity %d changed:\n%s\n%s", i, k1, k2)
				}
			}
		})
	}
}

func TestTemplates(t *testing.T) {
	_, r := seeded(t)
	var buf bytes.Buffer
	if err := exchange.ActivityTemplate(&buf, "xlsx", r); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if sheets := f.GetSheetList(); !slices.Contains(sheets, "Hoạt động") || !slices.Contains(sheets, exchange.GuideSheet) {
		t.Fatalf("sheets: %v", sheets)
	}
	header, _ := f.GetRows("Hoạt động")
	if !slices.Equal(header[0], r.ActivityHeaders()) {
		t.Errorf("header: %v", header[0])
	}
	dvs, err := f.GetDataValidations("Hoạt động")
	if err != nil {
		t.Fatal(err)
	}
	lists := map[string]*excelize.DataValidation{}
	for _, dv := range dvs {
		col := strings.TrimRight(strings.SplitN(dv.Sqref, ":", 2)[0], "0123456789")
		n, _ := excelize.ColumnNameToNumber(col)
		lists[r.ActivityHeaders()[n-1]] = dv
	}
	for _, c := range []string{exchange.ColAgency, exchange.ColTask, exchange.ColChannel, exchange.ColFunding, exchange.ColUnits} {
		if lists[c] == nil || lists[c].Type != "list" {
			t.Errorf("no drop-down list in %q: %+v", c, lists[c])
		}
	}
	if len(lists) != 5 {
		t.Errorf("%d drop-down lists", len(lists))
	}
	if !strings.Contains(lists[exchange.ColChannel].Formula1, "IV.5") {
		t.Errorf("channel list: %s", lists[exchange.ColChannel].Formula1)
	}
	if s := lists[exchange.ColUnits].ErrorStyle; s == nil || *s != "warning" {
		t.Errorf("the places list must let several codes through: %v", s)
	}
	ref := strings.TrimPrefix(lists[exchange.ColUnits].Formula1, "=")
	units, _ := f.GetRows(tabular.ListSheet)
	var codes []string
	col := strings.Split(strings.Split(ref, "!")[1], ":")[0]
	n, _ := excelize.ColumnNameToNumber(strings.Trim(col, "$0123456789"))
	for _, row := range units {
		if len(row) >= n {
			codes = append(codes, row[n-1])
		}
	}
	if !slices.Contains(codes, "01903") || !slices.Contains(codes, "02155") || !slices.Contains(codes, exchange.WholeProvinceText) {
		t.Errorf("places list %s: %v", ref, codes)
	}
	if comments, _ := f.GetComments("Hoạt động"); !slices.ContainsFunc(comments, func(c excelize.Comment) bool {
		return strings.Contains(c.Paragraph[0].Text+c.Text, "01903: Xã Cao Trĩ (Huyện Ba Bể)")
	}) {
		t.Errorf("no comment naming the communes: %+v", comments)
	}
	guide, _ := f.GetRows(exchange.GuideSheet)
	if !slices.ContainsFunc(guide, func(row []string) bool {
		return len(row) >= 2 && row[0] == "IV.5" && row[1] == "Tập huấn, bồi dưỡng kỹ năng truyền thông"
	}) {
		t.Errorf("the guide lists no channels")
	}
	// The example row of each template parses.
	tb, err := tabular.ReadXLSX(bytes.NewReader(buf.Bytes()), "")
	if err != nil {
		t.Fatal(err)
	}
	if rows, probs := exchange.ParseActivities(tb, "mau.xlsx", r, ""); len(probs) > 0 || len(rows) != 1 || rows[0].Agency != "bk-hlhpn" {
		t.Errorf("the XLSX example: %v\n%s", rows, messages(probs))
	}
	buf.Reset()
	if err := exchange.ActivityTemplate(&buf, "csv", r); err != nil {
		t.Fatal(err)
	}
	if rows, probs := exchange.ParseActivities(readCSV(t, buf.String()), "mau.csv", r, ""); len(probs) > 0 || len(rows) != 1 {
		t.Errorf("the CSV example: %v\n%s", rows, messages(probs))
	}
	if err := exchange.ActivityTemplate(&buf, "ods", r); err == nil {
		t.Error("an unknown format is accepted")
	}
}

func TestDistributions(t *testing.T) {
	s, r := seeded(t)
	material := outreach.Material{Plan: plan, Type: "leaflet", Title: "Tờ gấp phòng, chống mua bán người", Agency: "bk-stttt", Year: 2018, Copies: 5000}
	if _, err := s.SaveMaterial(ctx, system, material); err != nil {
		t.Fatal(err)
	}
	r = resolver(t, s)
	src := "Tài liệu,Cơ quan gửi,Ngày gửi,Xã nhận,Số lượng,Ngày nhận,Ngày triển khai,Hình thức triển khai\n" +
		"to gap phong chong mua ban nguoi,Sở TT&TT,01/06/2018,Cao Trĩ,50,05/06/2018,20/06/2018,họp thôn; loa truyen thanh\n" +
		"Tờ gấp phòng, chống mua bán người,bk-stttt,2018-06-01,01912,\"1.200\",,,\n" +
		"Tờ gấp phòng, chống mua bán người,bk-stttt,02/06/2018,01903,30,,,\n"
	// Unquoted titles with commas would shift the columns: quote them.
	src = strings.ReplaceAll(src, "\nTờ gấp phòng, chống mua bán người,", "\n\"Tờ gấp phòng, chống mua bán người\",")
	rows, probs := exchange.ParseDistributions(readCSV(t, src), "pp.csv", r)
	if len(probs) > 0 {
		t.Fatal(messages(probs))
	}
	if len(rows) != 2 || !slices.Equal(rows[0].Lines, []int{2, 3}) || !slices.Equal(rows[1].Lines, []int{4}) {
		t.Fatalf("grouping: %+v", rows)
	}
	d := rows[0].Distribution
	if d.FromAgency != "bk-stttt" || d.Date != "2018-06-01" || len(d.Deliveries) != 2 || d.Deliveries[0].Unit != "01903" ||
		!slices.Equal(d.Deliveries[0].How, []string{"village_meeting", "loudspeaker"}) || d.Deliveries[1].Quantity != 1200 {
		t.Errorf("distribution: %+v", d)
	}
	if _, err := s.ImportDistributions(ctx, system, plan, store.ImportFile{Name: "pp.csv", SHA256: sum([]byte(src))}, rows); err != nil {
		t.Fatal(err)
	}

	bad := "Tài liệu,Cơ quan gửi,Ngày gửi,Xã nhận,Số lượng,Ngày nhận,Ngày triển khai,Hình thức triển khai\n" +
		"1,bk-stttt,01/06/2018,01903,50,25/05/2018,,\n" +
		"1,bk-stttt,01/06/2018,Xa Cao Tri,50,,,\n" +
		"999,bk-stttt,01/06/2018,01903,50,,10/06/2018,bằng thư\n"
	_, probs = exchange.ParseDistributions(readCSV(t, bad), "pp.csv", r)
	want := `pp.csv:2 [Ngày nhận] Cột "Ngày nhận", giá trị "25/05/2018": không được trước ngày gửi 01/06/2018
pp.csv:3 [Xã nhận] Cột "Xã nhận", giá trị "Xa Cao Tri": xã này đã có ở dòng 2 trong cùng đợt gửi (cùng tài liệu, cơ quan gửi và ngày gửi)
pp.csv:4 [Tài liệu] Cột "Tài liệu", giá trị "999": danh mục tài liệu của kế hoạch không có tài liệu số này
pp.csv:4 [Hình thức triển khai] Cột "Hình thức triển khai", giá trị "bằng thư": dùng họp thôn, loa truyền thanh, đến từng hộ hoặc khác (hay village_meeting, loudspeaker, house_to_house, other)
`
	if messages(probs) != want {
		t.Errorf("problems:\n%s\nwant:\n%s", messages(probs), want)
	}

	page, err := s.Distributions(ctx, system, store.DistributionFilter{Plan: plan, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"csv", "xlsx"} {
		var buf bytes.Buffer
		if err := exchange.ExportDistributions(&buf, format, page.Items, r); err != nil {
			t.Fatal(err)
		}
		tb, err := tabular.Read("x."+format, &buf)
		if err != nil {
			t.Fatal(err)
		}
		s2, _ := seeded(t)
		if _, err := s2.SaveMaterial(ctx, system, material); err != nil {
			t.Fatal(err)
		}
		rows, probs := exchange.ParseDistributions(tb, "x."+format, resolver(t, s2))
		if len(probs) > 0 {
			t.Fatal(messages(probs))
		}
		if _, err := s2.ImportDistributions(ctx, system, plan, store.ImportFile{Name: "x", SHA256: "x"}, rows); err != nil {
			t.Fatal(err)
		}
		page2, _ := s2.Distributions(ctx, system, store.DistributionFilter{Plan: plan, Limit: 500})
		if len(page2.Items) != len(page.Items) {
			t.Fatalf("%s: %d distributions, want %d", format, len(page2.Items), len(page.Items))
		}
		for i := range page.Items {
			a, b := page.Items[i], page2.Items[i]
			strip := func(ds []outreach.Delivery) []outreach.Delivery {
				out := slices.Clone(ds)
				for j := range out {
					out[j].ConfirmedAt, out[j].ConfirmedBy = "", ""
				}
				return out
			}
			if a.Date != b.Date || a.FromAgency != b.FromAgency || a.MaterialTitle != b.MaterialTitle || !reflect.DeepEqual(strip(a.Deliveries), strip(b.Deliveries)) {
				t.Errorf("%s: distribution %d changed:\n%+v\n%+v", format, i, a.Distribution, b.Distribution)
			}
		}
	}

	var buf bytes.Buffer
	if err := exchange.DistributionTemplate(&buf, "xlsx", r); err != nil {
		t.Fatal(err)
	}
	tb, err := tabular.ReadXLSX(&buf, "")
	if err != nil {
		t.Fatal(err)
	}
	if rows, probs := exchange.ParseDistributions(tb, "mau.xlsx", r); len(probs) > 0 || len(rows) != 1 {
		t.Errorf("the template's example: %v\n%s", rows, messages(probs))
	}
}

// TestColumnProblemsBounded: a header of 100,000 unknown columns gives the
// first 200 problems and a note, not one problem per column (each naming
// every known column: a 976 KB file used to build 780 MB of messages).
func TestColumnProblemsBounded(t *testing.T) {
	header := make([]string, 100_000)
	for i := range header {
		header[i] = fmt.Sprintf("c%d", i)
	}
	tb := &tabular.Table{Header: header, Rows: []tabular.Row{{Line: 2, Cells: []string{"x"}}}}
	_, probs := exchange.ParseDistributions(tb, "rong.csv", &exchange.Resolver{})
	if len(probs) != 201 || !strings.Contains(probs[200].Message, "Chỉ liệt kê 200 lỗi đầu tiên") {
		t.Fatalf("%d problems; last %+v", len(probs), probs[len(probs)-1])
	}
}
