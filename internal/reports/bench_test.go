package reports_test

import (
	"testing"

	"outreach/internal/outreach"
	"outreach/internal/reports"
)

// liveConsolidated is the demo's 2019 consolidated report put back to a
// draft, so its figures are computed live at each export (the slower
// case; a submitted report reads its frozen figures).
func liveConsolidated(b *testing.B) (*reports.Service, *outreach.Report) {
	s := demoStoreB(b)
	r, err := s.OpenReport(ctx, system, plan, "", outreach.Annual(2019), outreach.ReportConsolidated)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.DB().ExecContext(ctx, `UPDATE reports SET status = 'draft', figures = NULL WHERE id = $1`, r.ID); err != nil {
		b.Fatal(err)
	}
	return &reports.Service{Store: s}, r
}

// BenchmarkConsolidatedReport is the goal: the consolidated
// province report (the demo history's 2019) in DOCX, PDF and XLSX, from
// live figures, under 2 s. Run with
//
//	go test ./internal/reports -run '^$' -bench ConsolidatedReport -benchtime 10x
func BenchmarkConsolidatedReport(b *testing.B) {
	svc, r := liveConsolidated(b)
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range []string{"docx", "pdf", "xlsx"} {
			if _, _, err := svc.Export(ctx, system, r.ID, f); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkConsolidatedFormats splits the time by format (figures computed
// once per export, as a download does).
func BenchmarkConsolidatedFormats(b *testing.B) {
	svc, r := liveConsolidated(b)
	for _, f := range []string{"docx", "pdf", "xlsx", "csv"} {
		b.Run(f, func(b *testing.B) {
			for b.Loop() {
				if _, _, err := svc.Export(ctx, system, r.ID, f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
