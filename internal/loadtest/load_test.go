package loadtest

import (
	"context"
	"os"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
	"time"

	"outreach/internal/store"
	"outreach/internal/store/storetest"
)

// TestLoad runs 50 agency reporters writing through the API, then
// dashboard viewers, against the real server on SQLite and PostgreSQL,
// and checks that every acknowledged write is in the database. It logs
// the figures and asserts no timing.
//
//	go test ./internal/loadtest -run TestLoad -v                      # 5 s per phase (60 s with CI=true)
//	OUTREACH_LOAD_DURATION=60s go test ./internal/loadtest -run 'TestLoad/sqlite' -v -timeout 30m
//
// Environment: OUTREACH_LOAD_DURATION (each phase; the views phase at
// most 20 s unless OUTREACH_LOAD_VIEW_DURATION says), OUTREACH_LOAD_REPORTERS
// (50), OUTREACH_LOAD_VIEWERS (4), OUTREACH_LOAD_PHASES (a comma list of
// writes, views and mixed; default "writes,views") and
// OUTREACH_LOAD_DEMO=0 to start from the plan alone instead of the demo
// history; OUTREACH_LOAD_CPUPROFILE=FILE profiles the phases only, into
// sqlite-FILE and postgres-FILE.
func TestLoad(t *testing.T) {
	duration := 5 * time.Second
	if os.Getenv("CI") == "true" {
		duration = 60 * time.Second
	}
	if v := os.Getenv("OUTREACH_LOAD_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("OUTREACH_LOAD_DURATION=%q: %v", v, err)
		}
		duration = d
	}
	// Views per second settle within seconds; the views phase is capped
	// so that CI spends its time on the writes.
	viewDuration := min(duration, 20*time.Second)
	if v := os.Getenv("OUTREACH_LOAD_VIEW_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("OUTREACH_LOAD_VIEW_DURATION=%q: %v", v, err)
		}
		viewDuration = d
	}
	reporters, viewers := envInt(t, "OUTREACH_LOAD_REPORTERS", 50), envInt(t, "OUTREACH_LOAD_VIEWERS", 4)
	phases := strings.Split(envString("OUTREACH_LOAD_PHASES", "writes,views"), ",")
	withDemo := os.Getenv("OUTREACH_LOAD_DEMO") != "0"

	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		start := time.Now()
		if err := Prepare(ctx, s, withDemo); err != nil {
			t.Fatal(err)
		}
		h, err := Start(ctx, s, Options{Reporters: reporters, Viewers: viewers, Seed: 2017})
		if err != nil {
			t.Fatal(err)
		}
		defer h.Close()
		t.Logf("%s: seeded (demo history: %v) with %d reporters and %d viewers in %.1f s", s.Engine(), withDemo, reporters, viewers, time.Since(start).Seconds())
		if path := os.Getenv("OUTREACH_LOAD_CPUPROFILE"); path != "" {
			f, err := os.Create(string(s.Engine()) + "-" + path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if err := pprof.StartCPUProfile(f); err != nil {
				t.Fatal(err)
			}
			defer pprof.StopCPUProfile()
		}
		failed := 0
		for _, name := range phases {
			p := Phase{Name: strings.TrimSpace(name), Duration: duration}
			switch p.Name {
			case "writes":
				p.Reporters = reporters
			case "views":
				p.Viewers, p.Duration = viewers, viewDuration
			case "mixed":
				p.Reporters, p.Viewers = reporters, viewers
			default:
				t.Fatalf("OUTREACH_LOAD_PHASES: unknown phase %q (writes, views, mixed)", name)
			}
			res, err := h.Run(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s %s", s.Engine(), res)
			if res.Errors > 0 {
				t.Errorf("phase %s: %d errors", p.Name, res.Errors)
				failed += res.Errors
			}
			if res.Requests() == 0 {
				t.Errorf("phase %s: no request succeeded", p.Name)
			}
		}
		v, err := h.Verify(ctx)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: verified %d acknowledged creates (%d last changed by an acknowledged edit); %d activities before, %d after",
			s.Engine(), v.Created, v.Edited, v.Baseline, v.Rows)
		for _, p := range v.Problems {
			t.Error(p)
		}
		if failed == 0 && !v.Exact() {
			t.Errorf("%d activities in the database, want %d before + %d acknowledged", v.Rows, v.Baseline, v.Created)
		}
	})
}

func envString(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func envInt(t *testing.T, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		t.Fatalf("%s=%q: expected a whole number", name, v)
	}
	return n
}
