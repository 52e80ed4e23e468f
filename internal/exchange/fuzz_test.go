package exchange_test

// Fuzz targets for the importers (go test -run '^$' -fuzz '^FuzzX$'
// ./internal/exchange, or make fuzz). The store is seeded once per target,
// outside the fuzz function: the importers only read the Resolver.

import (
	"bytes"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"outreach/internal/exchange"
	"outreach/internal/outreach"
	"outreach/internal/store"
	"outreach/internal/tabular"
)

// readFuzzed reads a fuzzed file as CSV, or as XLSX when xlsx is set.
func readFuzzed(data []byte, xlsx bool) (*tabular.Table, string, bool) {
	name := "f.csv"
	if xlsx {
		name = "f.xlsx"
	}
	tb, err := tabular.Read(name, bytes.NewReader(data))
	return tb, name, err == nil
}

// checkOutcome checks what both importers promise: rows or problems,
// never both and never neither, and every problem positioned at the file,
// its header (line 1) or one of its data rows.
func checkOutcome(t *testing.T, tb *tabular.Table, file string, rows int, probs []outreach.Problem) {
	t.Helper()
	if (rows > 0) == (len(probs) > 0) {
		t.Fatalf("%d rows and %d problems", rows, len(probs))
	}
	if len(probs) > 201 {
		t.Fatalf("%d problems, more than the 200 and the note", len(probs))
	}
	lines := map[int]bool{1: true}
	for _, r := range tb.Rows {
		lines[r.Line] = true
	}
	for _, p := range probs {
		if p.Message == "" {
			t.Fatalf("problem without a message: %+v", p)
		}
		if p.Position == file {
			continue
		}
		n, err := strconv.Atoi(strings.TrimPrefix(p.Position, file+":"))
		if err != nil || !lines[n] {
			t.Fatalf("problem at %q, not a line of the file: %s", p.Position, p.Message)
		}
	}
}

// noCR drops carriage returns, which a CSV export does not keep alone in
// a cell (see tabular's FuzzReadCSV).
func noCR(s string) string { return strings.ReplaceAll(s, "\r", "") }

func FuzzParseActivities(f *testing.F) {
	_, r := seeded(f)
	var csv, xlsx bytes.Buffer
	if err := exchange.ActivityTemplate(&csv, "csv", r); err != nil {
		f.Fatal(err)
	}
	if err := exchange.ActivityTemplate(&xlsx, "xlsx", r); err != nil {
		f.Fatal(err)
	}
	f.Add(csv.Bytes(), false, "")
	f.Add(xlsx.Bytes(), true, "")
	f.Add([]byte("\ufeffCo quan,Hinh thuc,Noi dung,Ten hoat dong,Ngay bat dau,Ngay ket thuc,Dia ban,\"So buoi, hoi nghi, lop\",Tong so nguoi,Nu,Kinh phi (dong),Nguon kinh phi\r\n"+
		"hoi lhpn tinh,\"Tap huan, boi duong ky nang truyen thong\",Duong day nong 18001567,Tập huấn ở Cao Trĩ,15/03/2019,,Xa Cao Tri,2,120,95,1.234.567,ngan sach nha nuoc theo phan cap\r\n"+
		"bk-ca,IV.4,III.3; iii.5,Hội nghị ở hai xã,2019-04-02,03/04/2019,cao tri; Thuong Giao,1,,,,\r\n"), false, "")
	f.Add([]byte("Hình thức;Tên hoạt động;Ngày bắt đầu;Ngày kết thúc;Địa bàn;Tổng số người;Nữ;Ghi chú\n"+
		"IV.5;'=Tập huấn;45366;15/03/2024 08:30;Toàn tỉnh;1.250;1.300;\"dòng 1\ndòng 2\"\n"+
		"IV.5;Hội nghị;31/02/2019;;01903, 01903;-5;12,5;\n"), false, "bk-ca")
	f.Add([]byte("Cơ quan,Hình thức,Tên hoạt động,Ngày bắt đầu,Địa bàn,Cơ quan\n,,,,,\nbk-ca\n"), false, "Sở TT&TT")
	f.Add([]byte("Hình thức,Tên hoạt động,Ngày bắt đầu,Địa bàn,Ghi chú,Mô tả\nIV.5,Hội nghị,02/04/2019,01903,a\x01b,c\x7fd\n"), false, "bk-ca")
	f.Fuzz(func(t *testing.T, data []byte, isXLSX bool, defaultAgency string) {
		tb, file, ok := readFuzzed(data, isXLSX)
		if !ok {
			return
		}
		rows, probs := exchange.ParseActivities(tb, file, r, defaultAgency)
		checkOutcome(t, tb, file, len(rows), probs)
		if len(rows) == 0 {
			return
		}
		views := make([]*store.ActivityView, len(rows))
		for i, row := range rows {
			if i > 0 && row.Line <= rows[i-1].Line {
				t.Fatalf("rows out of order: line %d after %d", row.Line, rows[i-1].Line)
			}
			a := row.Activity
			if err := a.Validate(r.Kinds); err != nil {
				t.Fatalf("line %d is accepted but does not validate: %v", row.Line, err)
			}
			if ag, ok := r.Plan.Agency(a.Agency); !ok || ag.IsGroup() {
				t.Fatalf("line %d: agency %q", row.Line, a.Agency)
			}
			if y := strconv.Itoa(r.Plan.Period.From); a.StartDate < y {
				t.Fatalf("line %d: %s before the plan", row.Line, a.StartDate)
			}
			for _, q := range a.Quantities {
				if math.IsNaN(q.Value) || math.IsInf(q.Value, 0) {
					t.Fatalf("line %d: quantity %v", row.Line, q.Value)
				}
			}
			views[i] = &store.ActivityView{Activity: a}
		}
		// Exported and parsed again, the activities are the same.
		var out bytes.Buffer
		if err := exchange.ExportActivities(&out, "csv", views, r); err != nil {
			t.Fatal(err)
		}
		back, err := tabular.ReadCSV(&out)
		if err != nil {
			t.Fatalf("the export does not read: %v", err)
		}
		again, probs := exchange.ParseActivities(back, "back.csv", r, "")
		if len(probs) > 0 || len(again) != len(rows) {
			t.Fatalf("the export of accepted rows does not import: %d rows, problems %+v", len(again), probs)
		}
		for i := range rows {
			a, b := rows[i].Activity, again[i].Activity
			a.Title, a.Description, a.Notes = noCR(a.Title), noCR(a.Description), noCR(a.Notes)
			b.Title, b.Description, b.Notes = noCR(b.Title), noCR(b.Description), noCR(b.Notes)
			if !reflect.DeepEqual(a, b) {
				t.Fatalf("line %d changed through export and import:\n%+v\n%+v", rows[i].Line, a, b)
			}
		}
	})
}

func FuzzParseDistributions(f *testing.F) {
	s, _ := seeded(f)
	material := outreach.Material{Plan: plan, Type: "leaflet", Title: "Tờ gấp phòng, chống mua bán người", Agency: "bk-stttt", Year: 2018, Copies: 5000}
	id, err := s.SaveMaterial(ctx, system, material)
	if err != nil {
		f.Fatal(err)
	}
	r := resolver(f, s)
	var csv, xlsx bytes.Buffer
	if err := exchange.DistributionTemplate(&csv, "csv", r); err != nil {
		f.Fatal(err)
	}
	if err := exchange.DistributionTemplate(&xlsx, "xlsx", r); err != nil {
		f.Fatal(err)
	}
	f.Add(csv.Bytes(), false)
	f.Add(xlsx.Bytes(), true)
	f.Add([]byte("Tài liệu,Cơ quan gửi,Ngày gửi,Xã nhận,Số lượng,Ngày nhận,Ngày triển khai,Hình thức triển khai,Ghi chú\n"+
		"to gap phong chong mua ban nguoi,Sở TT&TT,01/06/2018,Cao Trĩ,50,05/06/2018,20/06/2018,họp thôn; loa truyen thanh,đợt 1\n"+
		"\"Tờ gấp phòng, chống mua bán người\",bk-stttt,2018-06-01,01912,\"1.200\",,,,đợt 1\n"+
		fmt.Sprintf("%d,bk-stttt,02/06/2018,01903,30,,,,\n", id)), false)
	f.Add([]byte(fmt.Sprintf("Tài liệu,Cơ quan gửi,Ngày gửi,Xã nhận,Số lượng,Ngày nhận,Ngày triển khai,Hình thức triển khai\n"+
		"%[1]d,bk-stttt,01/06/2018,01903,50,25/05/2018,,\n%[1]d,bk-stttt,01/06/2018,Xa Cao Tri,50,,,\n"+
		"999,bk-bao-chi,01/06/2018,01903,-50,,10/06/2018,bằng thư\n", id)), false)
	f.Add([]byte(fmt.Sprintf("Tài liệu;Cơ quan gửi;Ngày gửi;Xã nhận;Số lượng\n%d;bk-stttt;43252;Cao Trĩ;1.000.000.000.000.000\n", id)), false)
	f.Add([]byte(fmt.Sprintf("Tài liệu,Cơ quan gửi,Ngày gửi,Xã nhận,Ghi chú\n%d,bk-stttt,01/06/2018,Cao Trĩ,a\x01b\n", id)), false)
	f.Fuzz(func(t *testing.T, data []byte, isXLSX bool) {
		tb, file, ok := readFuzzed(data, isXLSX)
		if !ok {
			return
		}
		rows, probs := exchange.ParseDistributions(tb, file, r)
		checkOutcome(t, tb, file, len(rows), probs)
		if len(rows) == 0 {
			return
		}
		fileLines := map[int]bool{}
		for _, row := range tb.Rows {
			fileLines[row.Line] = true
		}
		views := make([]*store.DistributionView, len(rows))
		for i, row := range rows {
			d := row.Distribution
			if len(row.Lines) != len(d.Deliveries) || !slices.IsSorted(row.Lines) {
				t.Fatalf("lines %v for %d deliveries", row.Lines, len(d.Deliveries))
			}
			for _, l := range row.Lines {
				if !fileLines[l] {
					t.Fatalf("line %d is not a data row", l)
				}
			}
			if err := d.Validate(); err != nil {
				t.Fatalf("lines %v are accepted but do not validate: %v", row.Lines, err)
			}
			for _, x := range d.Deliveries {
				if err := outreach.ValidateConfirmation(d.Date, x.ReceivedOn, x.DeployedOn, x.How); err != nil {
					t.Fatalf("lines %v: confirmation accepted but invalid: %v", row.Lines, err)
				}
			}
			views[i] = &store.DistributionView{Distribution: d, MaterialTitle: material.Title}
		}
		// Exported and parsed again, the distributions are the same.
		var out bytes.Buffer
		if err := exchange.ExportDistributions(&out, "csv", views, r); err != nil {
			t.Fatal(err)
		}
		back, err := tabular.ReadCSV(&out)
		if err != nil {
			t.Fatalf("the export does not read: %v", err)
		}
		again, probs := exchange.ParseDistributions(back, "back.csv", r)
		if len(probs) > 0 || len(again) != len(rows) {
			t.Fatalf("the export of accepted rows does not import: %d distributions, problems %+v", len(again), probs)
		}
		for i := range rows {
			a, b := rows[i].Distribution, again[i].Distribution
			a.Notes, b.Notes = noCR(a.Notes), noCR(b.Notes)
			if !reflect.DeepEqual(a, b) {
				t.Fatalf("lines %v changed through export and import:\n%+v\n%+v", rows[i].Lines, a, b)
			}
		}
	})
}
