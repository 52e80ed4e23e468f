package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"outreach/internal/outreach"
	"outreach/internal/store"
	"outreach/internal/store/storetest"
	"outreach/internal/tabular"
)

const activitiesHeader = "Cơ quan,Nhiệm vụ,Hình thức,Nội dung,Tên hoạt động,Ngày bắt đầu,Ngày kết thúc,Địa bàn,\"Số buổi, hội nghị, lớp\",Tổng số người,Nữ,Kinh phí (đồng),Nguồn kinh phí\n"

func TestImportExportActivities(t *testing.T) {
	engines(t, func(t *testing.T, c cli, data string) {
		dir := t.TempDir()
		file := filepath.Join(dir, "hoat-dong.csv")
		good := activitiesHeader +
			"bk-ca,V.3.2,IV.5,III.3;III.4,Tập huấn cho cán bộ,10/05/2018,11/05/2018,Xa Cao Tri; 01912,2,120,30,15.000.000,ngan-sach\n" +
			"bk-hlhpn,,IV.4,III.5,Hội nghị hưởng ứng Ngày 30/7,30/07/2019,,Toàn tỉnh,1,300,250,,\n" +
			"Đài PT-TH tỉnh,,IV.1,,Phóng sự về đường dây nóng,2019-08-02,,Toàn tỉnh,,,,,\n"
		bad := strings.Replace(good, "30/07/2019", "31/02/2019", 1)
		os.WriteFile(file, []byte(bad), 0o644)
		// Flags after the file name.
		code, _, errs := c.run("", "import", "activities", file, "--plan", "bk-1368-2017", "--data", data)
		if code != exitInvalid || !strings.Contains(errs, `hoat-dong.csv:3: Cột "Ngày bắt đầu", giá trị "31/02/2019": ngày không hợp lệ`) ||
			strings.Contains(errs, "hoat-dong.csv:2") || strings.Contains(errs, "hoat-dong.csv:4") {
			t.Fatalf("bad row: exit %d\n%s", code, errs)
		}
		os.WriteFile(file, []byte(good), 0o644)
		code, out, errs := c.run("", "import", "activities", "--plan", "bk-1368-2017", "--data", data, file)
		if code != exitOK || !strings.HasPrefix(out, "3 hoạt động đã nhập (") {
			t.Fatalf("fixed: exit %d %q %s", code, out, errs)
		}
		code, _, errs = c.run("", "import", "activities", file, "--data", data, "--plan", "bk-1368-2017")
		if code != exitInvalid || !strings.Contains(errs, "đã được nhập") {
			t.Errorf("the same file again: exit %d %s", code, errs)
		}

		// Export, then import into a fresh database.
		export := filepath.Join(dir, "xuat.csv")
		if code, out, errs := c.run("", "export", "activities", "--plan", "bk-1368-2017", "--data", data, "-o", export); code != exitOK || !strings.Contains(out, "3 hoạt động") {
			t.Fatalf("export: exit %d %s %s", code, out, errs)
		}
		fresh, freshData := c, t.TempDir()
		if url := c.env["OUTREACH_DATABASE_URL"]; url != "" {
			fresh = cli{t: t, env: map[string]string{"OUTREACH_DATABASE_URL": storetest.NewPostgresSchema(t)}}
		}
		if code, out, errs := fresh.run("", "import", "activities", export, "--plan", "bk-1368-2017", "--data", freshData); code != exitOK || !strings.HasPrefix(out, "3 hoạt động đã nhập") {
			t.Fatalf("import of the export: exit %d %s %s", code, out, errs)
		}
		_, again, _ := fresh.run("", "export", "activities", "--plan", "bk-1368-2017", "--data", freshData)
		first, _ := os.ReadFile(export)
		if again != string(first) {
			t.Errorf("export → import → export changed the file:\n%s\n%s", first, again)
		}
		xlsx := filepath.Join(dir, "xuat.xlsx")
		if code, _, errs := c.run("", "export", "activities", "--plan", "bk-1368-2017", "--data", data, "-o", xlsx); code != exitOK {
			t.Fatalf("export xlsx: %d %s", code, errs)
		}
		if f, err := os.Open(xlsx); err != nil {
			t.Fatal(err)
		} else if tb, err := tabular.ReadXLSX(f, ""); err != nil || len(tb.Rows) != 3 {
			t.Errorf("the XLSX export: %v %v", tb, err)
		}
	})
}

func TestImportDistributions(t *testing.T) {
	c := cli{t: t, env: map[string]string{}}
	data := t.TempDir()
	if code, _, errs := c.run("", "migrate", "--data", data); code != exitOK {
		t.Fatal(errs)
	}
	s, err := store.Open(context.Background(), data, "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.SaveMaterial(context.Background(), outreach.SystemActor("test"), outreach.Material{Plan: "bk-1368-2017", Type: "leaflet",
		Title: "Tờ gấp phòng, chống mua bán người", Agency: "bk-stttt", Year: 2018, Copies: 5000})
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "phan-phoi.csv")
	os.WriteFile(file, []byte("Tài liệu,Cơ quan gửi,Ngày gửi,Xã nhận,Số lượng,Ngày nhận,Ngày triển khai,Hình thức triển khai\n"+
		"\"Tờ gấp phòng, chống mua bán người\",bk-stttt,01/06/2018,01903,50,05/06/2018,20/06/2018,họp thôn; loa truyền thanh\n"+
		"\"Tờ gấp phòng, chống mua bán người\",bk-stttt,01/06/2018,Thượng Giáo,50,,,\n"), 0o644)
	code, out, errs := c.run("", "import", "distributions", file, "--plan", "bk-1368-2017", "--data", data)
	if code != exitOK || !strings.HasPrefix(out, "1 đợt phân phối tài liệu (2 dòng) đã nhập") {
		t.Fatalf("import: exit %d %q %s", code, out, errs)
	}
	code, out, _ = c.run("", "export", "distributions", "--plan", "bk-1368-2017", "--data", data)
	if code != exitOK || !strings.Contains(out, "Tờ gấp phòng, chống mua bán người\",bk-stttt,01/06/2018,01903,50,05/06/2018,20/06/2018,họp thôn; loa truyền thanh") {
		t.Errorf("export: exit %d\n%s", code, out)
	}
}

func TestTemplatesAndUsage(t *testing.T) {
	c := cli{t: t, env: map[string]string{}}
	data, dir := t.TempDir(), t.TempDir()
	for _, kind := range []string{"activities", "distributions"} {
		for _, format := range []string{"csv", "xlsx"} {
			out := filepath.Join(dir, kind+"."+format)
			if code, _, errs := c.run("", "template", kind, "--plan", "bk-1368-2017", "--format", format, "-o", out, "--data", data); code != exitOK {
				t.Fatalf("template %s %s: %d %s", kind, format, code, errs)
			}
			f, err := os.Open(out)
			if err != nil {
				t.Fatal(err)
			}
			tb, err := tabular.Read(out, f)
			f.Close()
			if err != nil || len(tb.Rows) != 1 {
				t.Errorf("template %s %s: %v %v", kind, format, tb, err)
			}
		}
	}
	if code, _, _ := c.run("", "import", "activities", filepath.Join(dir, "activities.csv"), "--data", data); code != exitUsage {
		t.Errorf("no --plan: exit %d", code)
	}
	if code, _, _ := c.run("", "export", "activities", "--plan", "bk-1368-2017", "--format", "ods", "--data", data); code != exitUsage {
		t.Errorf("unknown format: exit %d", code)
	}
	if code, _, errs := c.run("", "import", "activities", filepath.Join(dir, "missing.csv"), "--plan", "bk-1368-2017", "--data", data); code != exitInvalid {
		t.Errorf("missing file: exit %d %s", code, errs)
	}
	// The template's example imports.
	if code, out, errs := c.run("", "import", "activities", filepath.Join(dir, "activities.xlsx"), "--plan", "bk-1368-2017", "--data", data); code != exitOK || !strings.HasPrefix(out, "1 hoạt động") {
		t.Errorf("the template's example: exit %d %s %s", code, out, errs)
	}
}
