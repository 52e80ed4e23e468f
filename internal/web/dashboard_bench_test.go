package web_test

import (
	"io"
	"net/http"
	"sort"
	"testing"
	"time"

	"outreach/internal/demo"
	"outreach/internal/outreach"
	"outreach/internal/store/storetest"
)

// BenchmarkDashboard serves the whole dashboard page for the demo history
// on SQLite and reports the 95th percentile.
//
//	go test -run XXX -bench Dashboard ./internal/web/
func BenchmarkDashboard(b *testing.B) {
	s := storetest.OpenSQLite(b)
	w := newWorld(b, s)
	if _, err := demo.Fill(ctx, s, outreach.SystemActor("bench"), 1368); err != nil {
		b.Fatal(err)
	}
	c := w.login("viewer")
	var times []time.Duration
	for b.Loop() {
		start := time.Now()
		resp, err := c.Get(w.srv.URL + "/plans/bk-1368-2017/dashboard?year=2019")
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("%v %v", err, resp)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		times = append(times, time.Since(start))
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	b.ReportMetric(float64(times[len(times)*95/100].Microseconds())/1000, "p95-ms")
}
