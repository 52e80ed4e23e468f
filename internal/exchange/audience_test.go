package exchange_test

import (
	"bytes"
	"errors"
	"maps"
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

// Titles of the columns of the groups withGroups gives the plan.
const (
	colAge   = "Người từ 14 đến 60 tuổi"
	colWomen = "Nữ (nu_dtts)" // named "Nữ" like a fixed column, so titled with its code
)

// withGroups gives the built-in plan three population groups of its own:
// age_14_60 and nu_dtts, which a population-share target counts (so
// activities record them), and tre_em, which nothing counts (no column).
func withGroups(t testing.TB, s *store.Store) *exchange.Resolver {
	t.Helper()
	p, err := s.Plan(ctx, plan)
	if err != nil {
		t.Fatal(err)
	}
	from, to, young := 14, 60, 10
	p.Populations = append(p.Populations,
		outreach.PopulationDef{Code: "age_14_60", Name: colAge, AgeFrom: &from, AgeTo: &to},
		outreach.PopulationDef{Code: "nu_dtts", Name: "Nữ", Sex: outreach.SexFemale, EthnicMinority: true},
		outreach.PopulationDef{Code: "tre_em", Name: "Trẻ em dưới 10 tuổi", AgeTo: &young})
	p.Targets = append(p.Targets, outreach.Target{Code: "II.2.9", Text: "Người từ 14 đến 60 tuổi và phụ nữ dân tộc thiểu số được tuyên truyền",
		Kind: outreach.KindPopulationShare, Populations: []outreach.PopulationGroup{"age_14_60", "nu_dtts"},
		Milestones: []outreach.Milestone{{Year: 2020, Comparator: ">=", Value: 80}}})
	if _, err := s.ImportPlan(ctx, system, p); err != nil {
		t.Fatal(err)
	}
	return resolver(t, s)
}

func TestAudienceGroupColumns(t *testing.T) {
	s, r := seeded(t)
	if h := r.ActivityHeaders(); slices.ContainsFunc(h, func(c string) bool { return strings.Contains(c, "tuổi") }) {
		t.Fatalf("a plan without groups of its own has a group column: %v", h)
	}
	r = withGroups(t, s)
	h := r.ActivityHeaders()
	i := slices.Index(h, exchange.ColEthnic)
	if i < 0 || !slices.Equal(h[i+1:i+4], []string{colAge, colWomen, exchange.ColCost}) {
		t.Fatalf("header: %v", h)
	}

	// Titles are matched as others are (no diacritics, any case); a
	// figure goes to its group; problems are said at the column and line.
	src := "Cơ quan,Hình thức,Tên hoạt động,Ngày bắt đầu,Địa bàn,Tổng số người,NGUOI TU 14 DEN 60 TUOI,Nu (nu_dtts)\n" +
		"bk-ca,IV.4,Hội nghị 1,15/03/2019,01903,\"1.000\",\"1.000\",30\n" +
		"bk-ca,IV.4,Hội nghị 2,15/03/2019,01903,100,12a,\n" +
		"bk-ca,IV.4,Hội nghị 3,15/03/2019,01903,100,150,\n" +
		"bk-ca,IV.4,Hội nghị 4,15/03/2019,01903,100,,-5\n" +
		"bk-ca,IV.4,Hội nghị 5,15/03/2019,01903,,70,\n"
	rows, probs := exchange.ParseActivities(readCSV(t, src), "f.csv", r, "")
	want := []string{
		`f.csv:3 [` + colAge + `] Cột "` + colAge + `", giá trị "12a": số không hợp lệ (ví dụ: 1234, 1.234.567 hoặc 1.234,5)`,
		`f.csv:4 [` + colAge + `] Cột "` + colAge + `": 150 lớn hơn tổng số người 100`,
		`f.csv:5 [` + colWomen + `] Cột "` + colWomen + `": không được là số âm (-5)`,
	}
	if rows != nil || messages(probs) != strings.Join(want, "\n")+"\n" {
		t.Errorf("problems:\n%s\nwant:\n%s", messages(probs), strings.Join(want, "\n"))
	}
	src = strings.Join(slices.Delete(strings.Split(src, "\n"), 2, 5), "\n")
	rows, probs = exchange.ParseActivities(readCSV(t, src), "f.csv", r, "")
	if len(probs) > 0 {
		t.Fatal(messages(probs))
	}
	if g := rows[0].Audience.Groups; !maps.Equal(g, map[string]int64{"age_14_60": 1000, "nu_dtts": 30}) {
		t.Errorf("groups of line 2: %v", g)
	}
	if g := rows[1].Audience.Groups; !maps.Equal(g, map[string]int64{"age_14_60": 70}) {
		t.Errorf("groups of line 6 (no total): %v", g)
	}
	if _, err := s.ImportActivities(ctx, system, plan, store.ImportFile{Name: "f.csv", SHA256: sum([]byte(src))}, rows); err != nil {
		t.Fatal(err)
	}

	// A file without the groups' columns still imports.
	src = "Cơ quan,Hình thức,Tên hoạt động,Ngày bắt đầu,Địa bàn,Tổng số người\nbk-ca,IV.4,Hội nghị 6,15/03/2019,01903,40\n"
	rows, probs = exchange.ParseActivities(readCSV(t, src), "g.csv", r, "")
	if len(probs) > 0 || len(rows) != 1 || rows[0].Audience.Groups != nil {
		t.Fatalf("a file without group columns: %v\n%s", rows, messages(probs))
	}
	if _, err := s.ImportActivities(ctx, system, plan, store.ImportFile{Name: "g.csv", SHA256: sum([]byte(src))}, rows); err != nil {
		t.Fatal(err)
	}
	stored := map[string]map[string]int64{}
	for _, a := range allActivities(t, s) {
		stored[a.Title] = a.Audience.Groups
	}
	if !maps.Equal(stored["Hội nghị 1"], map[string]int64{"age_14_60": 1000, "nu_dtts": 30}) || stored["Hội nghị 5"]["age_14_60"] != 70 ||
		len(stored["Hội nghị 6"]) != 0 {
		t.Errorf("stored groups: %v", stored)
	}

	// A problem the store finds on a group (here a row built without
	// ParseActivities) comes back at the group's column and the row's line.
	bad := rows[0]
	bad.Line = 7
	bad.Title = "Hội nghị 7"
	bad.Audience.Groups = map[string]int64{"nu_dtts": 41}
	badRows := []store.ActivityRow{bad}
	_, err := s.ImportActivities(ctx, system, plan, store.ImportFile{Name: "h.csv", SHA256: "h"}, badRows)
	var v *outreach.ValidationError
	if err = r.TranslateActivityError(err, badRows); !errors.As(err, &v) || len(v.Problems) != 1 ||
		v.Problems[0].Position != "h.csv:7" || v.Problems[0].Field != colWomen || v.Problems[0].Message != `Cột "`+colWomen+`": 41 lớn hơn tổng số người 40` {
		t.Errorf("a group above the total, from the store: %v", err)
	}
}

// TestAudienceGroupsRoundTrip: export → parse → import keeps the groups'
// figures, in CSV and XLSX.
func TestAudienceGroupsRoundTrip(t *testing.T) {
	s, _ := seeded(t)
	r := withGroups(t, s)
	src := "Cơ quan,Hình thức,Tên hoạt động,Ngày bắt đầu,Địa bàn,Tổng số người,Nữ," + colAge + "," + colWomen + "\n" +
		"bk-ca,IV.4,Hội nghị 1,15/03/2019,01903,\"1.200\",700,\"1.150\",0\n" +
		"bk-ca,IV.4,Hội nghị 2,16/03/2019,01903,80,,,25\n" +
		"bk-ca,IV.4,Hội nghị 3,17/03/2019,01903,,,,\n"
	rows, probs := exchange.ParseActivities(readCSV(t, src), "a.csv", r, "")
	if len(probs) > 0 {
		t.Fatal(messages(probs))
	}
	if _, err := s.ImportActivities(ctx, system, plan, store.ImportFile{Name: "a.csv", SHA256: "a"}, rows); err != nil {
		t.Fatal(err)
	}
	before := allActivities(t, s)
	if g := before[0].Audience.Groups; !maps.Equal(g, map[string]int64{"age_14_60": 1150, "nu_dtts": 0}) {
		t.Fatalf("stored groups: %v", g)
	}
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
			if i := slices.Index(tb.Header, colAge); i < 0 || tb.Rows[0].Cell(i) != "1150" || tb.Rows[2].Cell(i) != "" {
				t.Errorf("exported header %v, first row %v", tb.Header, tb.Rows[0].Cells)
			}
			s2 := storetest.OpenSQLite(t)
			if _, _, err := setup.Seed(ctx, s2, system); err != nil {
				t.Fatal(err)
			}
			r2 := withGroups(t, s2)
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
				if g1, g2 := before[i].Audience.Groups, after[i].Audience.Groups; !maps.Equal(g1, g2) {
					t.Errorf("activity %d: groups %v, want %v", i, g2, g1)
				}
			}
		})
	}
}

// TestAudienceGroupTemplate: the template has the groups' columns, with a
// note and a line of the guide saying who each group is, and its example
// still parses.
func TestAudienceGroupTemplate(t *testing.T) {
	s, _ := seeded(t)
	r := withGroups(t, s)
	var buf bytes.Buffer
	if err := exchange.ActivityTemplate(&buf, "xlsx", r); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet, _ := f.GetRows("Hoạt động")
	if !slices.Equal(sheet[0], r.ActivityHeaders()) || !slices.Contains(sheet[0], colAge) || !slices.Contains(sheet[0], colWomen) {
		t.Errorf("header: %v", sheet[0])
	}
	comments, _ := f.GetComments("Hoạt động")
	if !slices.ContainsFunc(comments, func(c excelize.Comment) bool {
		text := c.Text
		for _, p := range c.Paragraph {
			text += p.Text
		}
		return strings.Contains(text, "nhóm nu_dtts (nữ, người dân tộc thiểu số)")
	}) {
		t.Errorf("no note on the group's column: %+v", comments)
	}
	guide, _ := f.GetRows(exchange.GuideSheet)
	if !slices.ContainsFunc(guide, func(row []string) bool {
		return len(row) == 3 && row[0] == colAge && row[1] == "Không" && strings.Contains(row[2], "từ 14 đến 60 tuổi")
	}) {
		t.Errorf("the guide does not explain the group's column")
	}
	tb, err := tabular.ReadXLSX(bytes.NewReader(buf.Bytes()), "")
	if err != nil {
		t.Fatal(err)
	}
	if rows, probs := exchange.ParseActivities(tb, "mau.xlsx", r, ""); len(probs) > 0 || len(rows) != 1 {
		t.Errorf("the XLSX example: %v\n%s", rows, messages(probs))
	}
	buf.Reset()
	if err := exchange.ActivityTemplate(&buf, "csv", r); err != nil {
		t.Fatal(err)
	}
	tb = readCSV(t, buf.String())
	if !slices.Contains(tb.Header, colAge) || !slices.Contains(tb.Header, colWomen) {
		t.Errorf("CSV template header: %v", tb.Header)
	}
	if rows, probs := exchange.ParseActivities(tb, "mau.csv", r, ""); len(probs) > 0 || len(rows) != 1 {
		t.Errorf("the CSV example: %v\n%s", rows, messages(probs))
	}
}
