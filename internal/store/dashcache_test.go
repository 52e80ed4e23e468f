package store_test

import (
	"path/filepath"
	"testing"

	"outreach/internal/outreach"
	"outreach/internal/store"
)

// TestDashboardCacheFollowsWrites: the dashboard is served from the cache
// until a change commits, by this store or by another process's (another
// Store over the same file), and never shows the old figures after it.
func TestDashboardCacheFollowsWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dash.db")
	s, err := store.OpenSQLite(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	seeded(t, s)
	as := actors(t, s)
	q := store.IndicatorQuery{Plan: plan, Year: 2018}
	d1, err := s.Dashboard(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	d2, _ := s.Dashboard(ctx, q)
	if d1 != d2 {
		t.Errorf("the same query without a change was computed twice")
	}
	if _, err := s.CreateActivity(ctx, as["police"], sampleActivity()); err != nil {
		t.Fatal(err)
	}
	d3, err := s.Dashboard(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if d3.Activities != d1.Activities+1 {
		t.Errorf("after a write the dashboard counts %d activities, want %d", d3.Activities, d1.Activities+1)
	}
	// A write by another process (here: another store on the same file).
	other, err := store.OpenSQLite(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	a := sampleActivity()
	a.Title = "Hoạt động ghi từ tiến trình khác"
	if _, err := other.CreateActivity(ctx, outreach.SystemActor("other"), a); err != nil {
		t.Fatal(err)
	}
	d4, err := s.Dashboard(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if d4.Activities != d3.Activities+1 {
		t.Errorf("after another process's write the dashboard counts %d activities, want %d", d4.Activities, d3.Activities+1)
	}
}
