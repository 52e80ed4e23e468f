package store_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"outreach/internal/outreach"
	"outreach/internal/store"
	"outreach/internal/store/storetest"
)

func TestDistributionsAndConfirmations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		as := actors(t, s)
		mat := outreach.Material{Plan: "bk-1368-2017", Type: "guidance", Title: "Tài liệu hướng dẫn thực hiện Luật Phòng, chống mua bán người", Agency: "bk-stp", Year: 2018, Copies: 500}
		if _, err := s.SaveMaterial(ctx, as["police"], mat); !errors.Is(err, outreach.ErrForbidden) {
			t.Errorf("police catalogues the justice department's material: %v", err)
		}
		bad := mat
		bad.Type = "video"
		if _, err := s.SaveMaterial(ctx, as["coord"], bad); !errors.Is(err, outreach.ErrInvalid) {
			t.Errorf("unknown type: %v", err)
		}
		mid, err := s.SaveMaterial(ctx, as["coord"], mat)
		if err != nil {
			t.Fatal(err)
		}
		d := outreach.Distribution{Material: mid, FromAgency: "bk-stp", Date: "2018-03-01",
			Deliveries: []outreach.Delivery{{Unit: "02155", Quantity: 20}, {Unit: "01834", Quantity: 20}}}
		for name, c := range map[string]struct {
			who  string
			edit func(*outreach.Distribution)
			kind error
		}{
			"viewer":         {"viewer", func(*outreach.Distribution) {}, outreach.ErrForbidden},
			"another agency": {"police", func(*outreach.Distribution) {}, outreach.ErrForbidden},
			"no commune":     {"coord", func(d *outreach.Distribution) { d.Deliveries = nil }, outreach.ErrInvalid},
			"a district":     {"coord", func(d *outreach.Distribution) { d.Deliveries = []outreach.Delivery{{Unit: "066"}} }, outreach.ErrInvalid},
			"merged-away commune": {"coord", func(d *outreach.Distribution) {
				d.Date = "2020-03-01"
				d.Deliveries = []outreach.Delivery{{Unit: "01903"}}
			}, outreach.ErrInvalid},
			"twice the same": {"coord", func(d *outreach.Distribution) { d.Deliveries = append(d.Deliveries, d.Deliveries[0]) }, outreach.ErrInvalid},
			"deployed, no receipt": {"coord", func(d *outreach.Distribution) {
				d.Deliveries = []outreach.Delivery{{Unit: "02155", DeployedOn: "2018-04-01", How: []string{"loudspeaker"}}}
			}, outreach.ErrInvalid},
			"unknown material": {"coord", func(d *outreach.Distribution) { d.Material = 999 }, outreach.ErrInvalid},
		} {
			dd := d
			dd.Deliveries = append([]outreach.Delivery(nil), d.Deliveries...)
			c.edit(&dd)
			if _, err := s.CreateDistribution(ctx, as[c.who], dd); !errors.Is(err, c.kind) {
				t.Errorf("%s: %v", name, err)
			}
		}
		did, err := s.CreateDistribution(ctx, as["coord"], d)
		if err != nil {
			t.Fatal(err)
		}
		// Confirmations: the commune's own reporter (Đức Xuân holds Nguyễn
		// Thị Minh Khai's), Na Rì's district reporter for 02155, nobody else.
		for _, c := range []struct {
			who, unit, rec, dep string
			how                 []string
			want                error
		}{
			{"ducxuan", "01834", "2018-03-08", "2018-03-20", []string{"village_meeting"}, nil},
			{"ducxuan", "02155", "2018-03-08", "", nil, outreach.ErrForbidden},
			{"narI", "02155", "2018-02-20", "", nil, outreach.ErrInvalid}, // before it was sent
			{"narI", "02155", "2018-03-05", "2018-03-04", []string{"loudspeaker"}, outreach.ErrInvalid},
			{"narI", "02155", "2018-03-05", "2018-03-30", nil, outreach.ErrInvalid}, // how is missing
			{"narI", "02155", "2018-03-05", "2018-03-30", []string{"megaphone"}, outreach.ErrInvalid},
			{"narI", "02155", "2018-03-05", "", nil, nil},
			{"viewer", "02155", "2018-03-05", "", nil, outreach.ErrForbidden},
			{"coord", "01903", "2018-03-05", "", nil, outreach.ErrInvalid}, // not sent there
		} {
			err := s.Confirm(ctx, as[c.who], did, c.unit, c.rec, c.dep, c.how)
			if (c.want == nil && err != nil) || (c.want != nil && !errors.Is(err, c.want)) {
				t.Errorf("%s confirms %s (%s, %s, %v): %v", c.who, c.unit, c.rec, c.dep, c.how, err)
			}
		}
		got, err := s.Distribution(ctx, as["ducxuan"], did)
		if err != nil || len(got.Deliveries) != 1 || got.Deliveries[0].DeployedOn != "2018-03-20" || got.Deliveries[0].ConfirmedBy != "ducxuan" {
			t.Errorf("the commune's view: %+v, %v", got, err)
		}
		full, _ := s.Distribution(ctx, as["coord"], did)
		if full.Received() != 2 || full.Deployed() != 1 {
			t.Errorf("received %d, deployed %d", full.Received(), full.Deployed())
		}
		if _, err := s.Distribution(ctx, as["police"], did); !errors.Is(err, outreach.ErrNotFound) {
			t.Errorf("police reads the justice department's distribution: %v", err)
		}
		h, _ := s.DistributionHistory(ctx, as["coord"], did)
		if len(h) != 3 || h[1].Action != "confirm" {
			t.Errorf("history = %+v", h)
		}
		if err := s.DeleteDistribution(ctx, as["narI"], did); !errors.Is(err, outreach.ErrForbidden) {
			t.Errorf("a commune deletes: %v", err)
		}
		if err := s.DeleteDistribution(ctx, as["coord"], did); err != nil {
			t.Fatal(err)
		}
		if page, _ := s.Distributions(ctx, as["coord"], store.DistributionFilter{Plan: "bk-1368-2017"}); page.Total != 0 {
			t.Error("a deleted distribution is listed")
		}
		if err := s.RestoreDistribution(ctx, as["coord"], did); err != nil {
			t.Fatal(err)
		}
	})
}

func TestModels(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		as := actors(t, s)
		m := outreach.PreventionModel{Plan: "bk-1368-2017", Unit: "02155", Agency: "bk-hlhpn", Name: "Tổ tự quản phòng, chống mua bán người", EstablishedOn: "2018-05-01",
			Statuses: []outreach.ModelStatus{{Since: "2019-09-01", Status: outreach.ModelInactive}, {Since: "2020-03-01", Status: outreach.ModelActive}}}
		for name, c := range map[string]struct {
			who  string
			edit func(*outreach.PreventionModel)
			kind error
		}{
			"viewer":              {"viewer", func(*outreach.PreventionModel) {}, outreach.ErrForbidden},
			"police":              {"police", func(*outreach.PreventionModel) {}, outreach.ErrForbidden},
			"commune elsewhere":   {"ducxuan", func(*outreach.PreventionModel) {}, outreach.ErrForbidden},
			"no name":             {"coord", func(m *outreach.PreventionModel) { m.Name = "" }, outreach.ErrInvalid},
			"status out of order": {"coord", func(m *outreach.PreventionModel) { m.Statuses[1].Since = "2019-01-01" }, outreach.ErrInvalid},
			"unknown status":      {"coord", func(m *outreach.PreventionModel) { m.Statuses[0].Status = "sleeping" }, outreach.ErrInvalid},
			"a district":          {"coord", func(m *outreach.PreventionModel) { m.Unit = "066" }, outreach.ErrInvalid},
		} {
			mm := m
			mm.Statuses = append([]outreach.ModelStatus(nil), m.Statuses...)
			c.edit(&mm)
			if _, err := s.CreateModel(ctx, as[c.who], mm); !errors.Is(err, c.kind) {
				t.Errorf("%s: %v", name, err)
			}
		}
		id, err := s.CreateModel(ctx, as["union"], m)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateModel(ctx, as["narI"], outreach.PreventionModel{Plan: m.Plan, Unit: "02152", Agency: "bk-ubnd-066", Name: "CLB", EstablishedOn: "2019-01-01"}); err != nil {
			t.Errorf("the district's reporter registers a model in its commune: %v", err)
		}
		got, err := s.Model(ctx, as["viewer"], id)
		if err != nil {
			t.Fatal(err)
		}
		for d, want := range map[string]string{"2018-04-30": "", "2018-12-31": "active", "2019-12-31": "inactive", "2020-12-31": "active"} {
			if st := got.StatusOn(d); st != want {
				t.Errorf("status on %s = %q, want %q", d, st, want)
			}
		}
		got.Statuses = append(got.Statuses, outreach.ModelStatus{Since: "2020-11-01", Status: outreach.ModelClosed})
		if err := s.UpdateModel(ctx, as["police"], got.PreventionModel); !errors.Is(err, outreach.ErrForbidden) {
			t.Errorf("police edits the union's model: %v", err)
		}
		if err := s.UpdateModel(ctx, as["union"], got.PreventionModel); err != nil {
			t.Fatal(err)
		}
		for who, want := range map[string]int{"union": 1, "police": 0, "narI": 2, "ducxuan": 0, "viewer": 2} {
			ms, err := s.Models(ctx, as[who], "bk-1368-2017", false)
			if err != nil || len(ms) != want {
				t.Errorf("%s sees %d models, want %d (%v)", who, len(ms), want, err)
			}
		}
		h, _ := s.ModelHistory(ctx, as["union"], id)
		if len(h) != 2 || h[1].Action != "update" {
			t.Errorf("history = %+v", h)
		}
	})
}

func TestBudget(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		as := actors(t, s)
		if err := s.SetBudgetEstimate(ctx, as["police"], "bk-1368-2017", "bk-hlhpn", 2018, "ngan-sach", 10); !errors.Is(err, outreach.ErrForbidden) {
			t.Errorf("police sets the union's estimate: %v", err)
		}
		for name, err := range map[string]error{
			"year outside":   s.SetBudgetEstimate(ctx, as["police"], "bk-1368-2017", "bk-ca", 2021, "ngan-sach", 10),
			"unknown source": s.SetBudgetEstimate(ctx, as["police"], "bk-1368-2017", "bk-ca", 2018, "bank", 10),
			"negative":       s.SetBudgetEstimate(ctx, as["police"], "bk-1368-2017", "bk-ca", 2018, "ngan-sach", -1),
		} {
			if !errors.Is(err, outreach.ErrInvalid) {
				t.Errorf("%s: %v", name, err)
			}
		}
		if err := s.SetBudgetEstimate(ctx, as["police"], "bk-1368-2017", "bk-ca", 2018, "ngan-sach", 40_000_000); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateActivity(ctx, as["police"], sampleActivity()); err != nil { // 15,000,000 in 2018
			t.Fatal(err)
		}
		ls, err := s.Budget(ctx, as["police"], "bk-1368-2017", 2018)
		if err != nil || len(ls) != 1 || ls[0].Estimate != 40_000_000 || ls[0].Spent != 15_000_000 {
			t.Errorf("budget = %+v, %v", ls, err)
		}
		if ls, _ := s.Budget(ctx, as["union"], "bk-1368-2017", 2018); len(ls) != 0 {
			t.Errorf("the union sees the police's budget: %+v", ls)
		}
	})
}

func TestEvidence(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		as := actors(t, s)
		id, err := s.CreateActivity(ctx, as["police"], sampleActivity())
		if err != nil {
			t.Fatal(err)
		}
		pdf := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), 100)...)
		for name, c := range map[string]struct {
			who, file string
			data      []byte
			code      string
			kind      error
		}{
			"program as photo": {"police", "anh.jpg", append([]byte("MZ"), make([]byte, 200)...), "file_program", outreach.ErrInvalid},
			"too big":          {"police", "big.pdf", append(pdf, make([]byte, outreach.MaxEvidenceSize)...), "file_too_big", outreach.ErrInvalid},
			"zip as docx":      {"police", "a.docx", []byte("PK\x03\x04junkjunkjunk"), "file_damaged", outreach.ErrInvalid},
			"text":             {"police", "a.txt", []byte("hello"), "file_type", outreach.ErrInvalid},
			"someone else's":   {"union", "a.pdf", pdf, "", outreach.ErrForbidden},
		} {
			_, err := s.AddEvidence(ctx, as[c.who], "activity", id, c.file, c.data)
			var v *outreach.ValidationError
			if !errors.Is(err, c.kind) || (c.code != "" && (!errors.As(err, &v) || v.Problems[0].Code != c.code)) {
				t.Errorf("%s: %v", name, err)
			}
		}
		e, err := s.AddEvidence(ctx, as["police"], "activity", id, `..\..\bao cao "cuoi".pdf`, pdf)
		if err != nil {
			t.Fatal(err)
		}
		if e.Name != "bao cao cuoi.pdf" || e.ContentType != "application/pdf" {
			t.Errorf("stored as %+v", e)
		}
		if _, data, err := s.Evidence(ctx, as["viewer"], e.ID); err != nil || !bytes.Equal(data, pdf) {
			t.Errorf("download: %v", err)
		}
		if _, _, err := s.Evidence(ctx, as["union"], e.ID); !errors.Is(err, outreach.ErrNotFound) {
			t.Errorf("the union downloads the police's evidence: %v", err)
		}
		if err := s.DeleteEvidence(ctx, as["union"], e.ID); !errors.Is(err, outreach.ErrForbidden) {
			t.Errorf("the union deletes it: %v", err)
		}
		if err := s.DeleteEvidence(ctx, as["police"], e.ID); err != nil {
			t.Error(err)
		}
	})
}

func TestReviewFindings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		as := actors(t, s)
		mid, err := s.SaveMaterial(ctx, as["coord"], outreach.Material{Plan: "bk-1368-2017", Type: "leaflet", Title: "Tờ gấp", Agency: "bk-ca", Year: 2018})
		if err != nil {
			t.Fatal(err)
		}
		// The sender cannot confirm for the commune.
		withConfirmation := outreach.Distribution{Material: mid, FromAgency: "bk-ca", Date: "2018-03-01",
			Deliveries: []outreach.Delivery{{Unit: "01834", Quantity: 5, ReceivedOn: "2018-03-02", DeployedOn: "2018-03-03", How: []string{"loudspeaker"}}}}
		if _, err := s.CreateDistribution(ctx, as["police"], withConfirmation); !errors.Is(err, outreach.ErrForbidden) {
			t.Errorf("the sender confirms: %v", err)
		}
		rows := []store.DistributionRow{{Lines: []int{2}, Distribution: withConfirmation}}
		if _, err := s.ImportDistributions(ctx, as["police"], "bk-1368-2017", store.ImportFile{Name: "d.csv", SHA256: "d"}, rows); !errors.Is(err, outreach.ErrInvalid) || !strings.Contains(err.Error(), "commune's to confirm") {
			t.Errorf("the sender confirms in a file: %v", err)
		}
		plain := withConfirmation
		plain.Deliveries = []outreach.Delivery{{Unit: "01834", Quantity: 5}, {Unit: "01837", Quantity: 5}}
		did, err := s.CreateDistribution(ctx, as["police"], plain)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Confirm(ctx, as["coord"], did, "01837", "2018-03-05", "", nil); err != nil {
			t.Fatal(err)
		}
		// Đức Xuân's reporter does not see Sông Cầu's confirmation in the history.
		h, err := s.DistributionHistory(ctx, as["ducxuan"], did)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range h {
			if strings.Contains(e.Before+e.After, "01837") {
				t.Errorf("history shows another commune: %+v", e)
			}
		}
		// A unit reporter may correct places but not the agency or the cost.
		a := sampleActivity()
		a.Units = []string{"01840"}
		id, err := s.CreateActivity(ctx, as["police"], a)
		if err != nil {
			t.Fatal(err)
		}
		b := a
		b.ID, b.Agency, b.Task = id, "bk-hlhpn", ""
		if err := s.UpdateActivity(ctx, as["ducxuan"], b); !errors.Is(err, outreach.ErrForbidden) {
			t.Errorf("a unit reporter moves the activity to another agency: %v", err)
		}
		b = a
		b.ID, b.Title = id, "Tên đã sửa"
		if err := s.UpdateActivity(ctx, as["ducxuan"], b); err != nil {
			t.Errorf("a unit reporter corrects the title: %v", err)
		}
		// No evidence on a deleted record.
		if err := s.DeleteActivity(ctx, as["police"], id); err != nil {
			t.Fatal(err)
		}
		pdf := []byte("%PDF-1.4\n" + strings.Repeat("x", 50))
		if _, err := s.AddEvidence(ctx, as["police"], "activity", id, "a.pdf", pdf); !errors.Is(err, outreach.ErrConflict) {
			t.Errorf("evidence on a deleted activity: %v", err)
		}
		// A long Vietnamese file name is cut on a letter, not inside one.
		id2, _ := s.CreateActivity(ctx, as["police"], sampleActivity())
		e, err := s.AddEvidence(ctx, as["police"], "activity", id2, "a"+strings.Repeat("ệ", 80)+".pdf", pdf)
		if err != nil || !utf8.ValidString(e.Name) {
			t.Errorf("long name: %q %v", e.Name, err)
		}
		// Text that is not text, and absurd figures, are refused.
		bad := sampleActivity()
		bad.Title = "Tập huấn\x00"
		if _, err := s.CreateActivity(ctx, as["police"], bad); !errors.Is(err, outreach.ErrInvalid) {
			t.Errorf("NUL in a title: %v", err)
		}
		bad = sampleActivity()
		bad.Cost = 5_000_000_000_000_000_000
		if _, err := s.CreateActivity(ctx, as["police"], bad); !errors.Is(err, outreach.ErrInvalid) {
			t.Errorf("a cost of 5×10^18: %v", err)
		}
		if _, err := s.Activities(ctx, as["viewer"], store.ActivityFilter{Agency: "\xff"}); !errors.Is(err, outreach.ErrInvalid) {
			t.Errorf("a filter that is not UTF-8: %v", err)
		}
	})
}
