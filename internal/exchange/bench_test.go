package exchange_test

import (
	"bytes"
	"fmt"
	"testing"

	"outreach/internal/exchange"
	"outreach/internal/outreach"
	"outreach/internal/setup"
	"outreach/internal/store"
	"outreach/internal/store/storetest"
	"outreach/internal/tabular"
)

const benchRows = 100_000

// benchActivities generates n valid activities of varied agencies,
// channels, dates (2017–2020) and communes (those in force on the date).
func benchActivities(b *testing.B, r *exchange.Resolver, n int) []store.ActivityRow {
	b.Helper()
	agencies := []string{"bk-ca", "bk-hlhpn", "bk-stttt", "bk-sgddt", "bk-stp"}
	channels := []string{"IV.1", "IV.2", "IV.3", "IV.4", "IV.5", "IV.6"}
	communesOn := map[string][]string{}
	rows := make([]store.ActivityRow, n)
	for i := range rows {
		day := fmt.Sprintf("%d-%02d-%02d", 2017+i%4, i%12+1, i%28+1)
		cs, ok := communesOn[day]
		if !ok {
			for _, u := range r.Units {
				if u.IsCommune() && u.ValidAt(day) {
					cs = append(cs, u.Code)
				}
			}
			communesOn[day] = cs
		}
		total, women := int64(30+i%200), int64(10+i%20)
		a := outreach.Activity{Agency: agencies[i%len(agencies)], Channel: channels[i%len(channels)], Themes: []string{"III.3", "III.4"},
			Title: fmt.Sprintf("Hoạt động tuyên truyền số %d", i+1), StartDate: day, EndDate: day,
			Units:      []string{cs[i%len(cs)], cs[(i*7+3)%len(cs)]},
			Quantities: []outreach.ActivityQuantity{{Kind: "sessions", Value: 1}, {Kind: "participants", Value: float64(total)}},
			Audience:   outreach.Audience{Total: &total, Women: &women},
			Cost:       int64(i%10) * 500_000, FundingSource: "ngan-sach"}
		if a.Units[0] == a.Units[1] {
			a.Units = a.Units[:1]
		}
		rows[i] = store.ActivityRow{Line: i + 2, Activity: a}
	}
	return rows
}

// BenchmarkImportActivities100k imports 100,000 activities into a fresh
// store in one call of store.ImportActivities (checks, resolution and
// writing), on SQLite and on PostgreSQL (COPY) when it is reachable.
func BenchmarkImportActivities100k(b *testing.B) {
	_, r := seeded(b)
	rows := benchActivities(b, r, benchRows)
	for _, engine := range []struct {
		name string
		open func(testing.TB) *store.Store
	}{{"sqlite", storetest.OpenSQLite}, {"postgres", storetest.OpenPostgres}} {
		b.Run(engine.name, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				b.StopTimer()
				s := engine.open(b)
				if _, _, err := setup.Seed(ctx, s, system); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				n, err := s.ImportActivities(ctx, system, plan, store.ImportFile{Name: "bench.csv", SHA256: fmt.Sprint(i)}, rows)
				if err != nil || n != benchRows {
					b.Fatalf("%d rows, %v", n, err)
				}
			}
			b.ReportMetric(float64(benchRows*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkParseActivities100k reads and checks a 100,000-row CSV file.
func BenchmarkParseActivities100k(b *testing.B) {
	_, r := seeded(b)
	var buf bytes.Buffer
	items := make([]*store.ActivityView, 0, benchRows)
	for _, row := range benchActivities(b, r, benchRows) {
		items = append(items, &store.ActivityView{Activity: row.Activity})
	}
	if err := exchange.ExportActivities(&buf, "csv", items, r); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		t, err := tabular.ReadCSV(bytes.NewReader(buf.Bytes()))
		if err != nil {
			b.Fatal(err)
		}
		rows, probs := exchange.ParseActivities(t, "bench.csv", r, "")
		if len(probs) > 0 || len(rows) != benchRows {
			b.Fatalf("%d rows, %v", len(rows), probs[:1])
		}
	}
	b.ReportMetric(float64(benchRows*b.N)/b.Elapsed().Seconds(), "rows/s")
}
