// Package loadtest drives the real server (web.New over a store) on a real
// TCP listener with many concurrent users, measures throughput and
// latency per kind of request, and checks afterwards that every write the
// server acknowledged is in the database with the values last
// acknowledged.
//
// Agency reporters (one user and API token each, spread over the plan's
// agencies) loop: create an activity (POST /api/v1/activities), then edit
// one of their own (PUT /api/v1/activities/{id}). Dashboard viewers (one
// browser session each) load the plan's dashboard page. A phase runs any
// mix of the two for a duration; Verify then compares the database with
// what was acknowledged. Any transport error or status other than the
// expected 2xx counts as an error.
package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"outreach/internal/demo"
	"outreach/internal/outreach"
	"outreach/internal/setup"
	"outreach/internal/store"
	"outreach/internal/web"
)

// PlanCode is the plan the load writes to and the dashboard shows.
const PlanCode = "bk-1368-2017"

// DashboardPath is the page viewers load.
const DashboardPath = "/plans/" + PlanCode + "/dashboard"

// Operation kinds in a Result.
const (
	OpCreate    = "create activity"
	OpUpdate    = "update activity"
	OpDashboard = "dashboard"
)

const password = "mật khẩu tải thử nghiệm"

// Prepare loads the built-in units and plan into a migrated, empty store
// and, with withDemo, the demo history (about 2,100 activities).
func Prepare(ctx context.Context, s *store.Store, withDemo bool) error {
	actor := outreach.SystemActor("loadtest")
	if _, _, err := setup.Seed(ctx, s, actor); err != nil {
		return err
	}
	if withDemo {
		if _, err := demo.Fill(ctx, s, actor, 1368); err != nil {
			return err
		}
	}
	return nil
}

// Options configures a harness.
type Options struct {
	// Reporters and Viewers are how many users of each kind to create.
	Reporters, Viewers int
	// Seed makes the generated activities reproducible.
	Seed uint64
}

// Harness is a server under load and the users that load it.
type Harness struct {
	Store *store.Store
	URL   string

	srv       *httptest.Server
	client    *http.Client
	reporters []*reporter
	viewers   []*http.Client
	serverLog *errorLog
	baseline  int

	// What an activity may refer to, from the plan and the unit tree.
	channels, themes, tasks []string
	communes                []string
	kinds                   []string
}

// reporter is one agency reporter's state; only its own goroutine touches
// it during a phase.
type reporter struct {
	username, agency, token string
	rng                     *rand.Rand
	// acked holds the last acknowledged content of each activity it
	// created, by id, and order its ids.
	acked map[int64]outreach.Activity
	order []int64
	edits int
}

// Start seeds users, starts the server on a loopback TCP port and logs
// the viewers in. The store must hold the plan (see Prepare).
func Start(ctx context.Context, s *store.Store, o Options) (*Harness, error) {
	h := &Harness{Store: s, serverLog: &errorLog{}}
	plan, err := s.Plan(ctx, PlanCode)
	if err != nil {
		return nil, err
	}
	if err := h.loadRefs(ctx, plan); err != nil {
		return nil, err
	}
	if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM activities`).Scan(&h.baseline); err != nil {
		return nil, err
	}
	var agencies []string
	for _, a := range plan.Agencies {
		if !a.IsGroup() {
			agencies = append(agencies, a.Code)
		}
	}
	if len(agencies) == 0 {
		return nil, fmt.Errorf("plan %s names no agency that records activities", PlanCode)
	}
	sys := outreach.SystemActor("loadtest")
	// Users are created concurrently: each costs an argon2id hash.
	h.reporters = make([]*reporter, o.Reporters)
	var wg sync.WaitGroup
	errs := make(chan error, o.Reporters+o.Viewers)
	sem := make(chan struct{}, 4)
	for i := range o.Reporters {
		r := &reporter{username: fmt.Sprintf("load-r%03d", i+1), agency: agencies[i%len(agencies)],
			rng: rand.New(rand.NewPCG(o.Seed, uint64(i))), acked: map[int64]outreach.Activity{}}
		h.reporters[i] = r
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			if _, err := s.CreateUser(ctx, sys, store.NewUser{Username: r.username, Name: "Báo cáo viên " + r.username,
				Role: outreach.RoleAgencyReporter, AgencyCode: r.agency, Password: password}); err != nil {
				errs <- err
				return
			}
			tok, err := s.CreateToken(ctx, sys, r.username, "load test")
			if err != nil {
				errs <- err
				return
			}
			r.token = tok
		})
	}
	for i := range o.Viewers {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			if _, err := s.CreateUser(ctx, sys, store.NewUser{Username: fmt.Sprintf("load-v%03d", i+1), Name: "Lãnh đạo",
				Role: outreach.RoleViewer, Password: password}); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}

	handler, err := web.New(s, web.Options{Version: "loadtest", Logger: slog.New(h.serverLog)})
	if err != nil {
		return nil, err
	}
	h.srv = httptest.NewServer(handler)
	h.URL = h.srv.URL
	// One transport for every user, keeping a connection per worker alive
	// so the figures measure the server, not TCP handshakes.
	tr := &http.Transport{MaxIdleConns: 0, MaxIdleConnsPerHost: o.Reporters + o.Viewers + 8, IdleConnTimeout: time.Minute}
	h.client = &http.Client{Transport: tr, Timeout: 2 * time.Minute}
	for i := range o.Viewers {
		c, err := h.login(fmt.Sprintf("load-v%03d", i+1), tr)
		if err != nil {
			h.Close()
			return nil, err
		}
		h.viewers = append(h.viewers, c)
	}
	return h, nil
}

// Close stops the server.
func (h *Harness) Close() {
	if h.srv != nil {
		h.srv.Close()
	}
}

func (h *Harness) loadRefs(ctx context.Context, plan *outreach.Plan) error {
	for _, c := range plan.Channels {
		h.channels = append(h.channels, c.Code)
	}
	for _, t := range plan.Themes {
		h.themes = append(h.themes, t.Code)
	}
	for _, t := range plan.Tasks {
		h.tasks = append(h.tasks, t.Clause)
	}
	// Activities fall in 2019: the plan's communes in force all that year.
	us, err := h.Store.PlanCommunes(ctx, PlanCode, "2019-06-01")
	if err != nil {
		return err
	}
	for _, u := range us {
		if u.Level == 3 && u.ValidFrom <= "2019-01-01" && (u.ValidTo == "" || u.ValidTo > "2019-12-31") {
			h.communes = append(h.communes, u.Code)
		}
	}
	ks, err := h.Store.QuantityKinds(ctx)
	if err != nil {
		return err
	}
	for _, k := range ks {
		h.kinds = append(h.kinds, k.Code)
	}
	if len(h.channels) == 0 || len(h.themes) == 0 || len(h.communes) == 0 || len(h.kinds) == 0 {
		return fmt.Errorf("plan %s: %d channels, %d themes, %d communes in 2019, %d quantity kinds", PlanCode,
			len(h.channels), len(h.themes), len(h.communes), len(h.kinds))
	}
	return nil
}

// login opens a browser session through the login form.
func (h *Harness) login(username string, tr http.RoundTripper) (*http.Client, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Transport: tr, Jar: jar, Timeout: 2 * time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	form := url.Values{"username": {username}, "password": {password}}
	req, _ := http.NewRequest("POST", h.URL+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", h.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("login %s: status %d", username, resp.StatusCode)
	}
	return c, nil
}

// Phase is one run: this many reporters and viewers (at most those the
// harness created), concurrently, for the duration.
type Phase struct {
	Name               string
	Reporters, Viewers int
	Duration           time.Duration
}

// Result is what a phase measured.
type Result struct {
	Phase   Phase
	Elapsed time.Duration
	// CPU is the CPU time (user and system) this process used during the
	// phase: the server, SQLite and the simulated users; not a PostgreSQL
	// server's. Zero where /proc/self/stat is unreadable.
	CPU time.Duration
	Ops map[string]*OpStats
	// Errors counts failed requests; Samples keeps the first few.
	Errors  int
	Samples []string
}

// OpStats are one kind of request's figures.
type OpStats struct {
	Count         int
	Rate          float64 // per second of the phase
	P50, P95, P99 time.Duration
	Max           time.Duration
	durations     []time.Duration
}

// Requests is the number of successful requests of every kind.
func (r *Result) Requests() int {
	n := 0
	for _, o := range r.Ops {
		n += o.Count
	}
	return n
}

// String prints the figures as a table.
func (r *Result) String() string {
	var b strings.Builder
	secs := r.Elapsed.Seconds()
	fmt.Fprintf(&b, "phase %q: %d reporters, %d viewers, %.1f s, %d requests (%.0f/s), %d errors\n",
		r.Phase.Name, r.Phase.Reporters, r.Phase.Viewers, secs, r.Requests(), float64(r.Requests())/secs, r.Errors)
	if r.CPU > 0 && r.Requests() > 0 {
		fmt.Fprintf(&b, "  process CPU %.1f s (%.2f cores), %.2f ms per request\n", r.CPU.Seconds(), r.CPU.Seconds()/secs,
			float64(r.CPU.Microseconds())/1000/float64(r.Requests()))
	}
	fmt.Fprintf(&b, "  %-16s %8s %9s %9s %9s %9s %9s\n", "operation", "count", "per s", "p50 ms", "p95 ms", "p99 ms", "max ms")
	names := make([]string, 0, len(r.Ops))
	for n := range r.Ops {
		names = append(names, n)
	}
	sort.Strings(names)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	for _, n := range names {
		o := r.Ops[n]
		fmt.Fprintf(&b, "  %-16s %8d %9.1f %9.1f %9.1f %9.1f %9.1f\n", n, o.Count, o.Rate, ms(o.P50), ms(o.P95), ms(o.P99), ms(o.Max))
	}
	for _, s := range r.Samples {
		fmt.Fprintf(&b, "  error: %s\n", s)
	}
	return b.String()
}

// recorder collects one worker's timings and errors.
type recorder struct {
	times  map[string][]time.Duration
	errors int
	sample []string
}

func (rec *recorder) fail(format string, args ...any) {
	rec.errors++
	if len(rec.sample) < 5 {
		rec.sample = append(rec.sample, fmt.Sprintf(format, args...))
	}
}

// Run runs a phase and returns its figures. It stops early when ctx ends.
func (h *Harness) Run(ctx context.Context, p Phase) (*Result, error) {
	if p.Reporters > len(h.reporters) || p.Viewers > len(h.viewers) {
		return nil, fmt.Errorf("phase %s wants %d reporters and %d viewers; the harness has %d and %d",
			p.Name, p.Reporters, p.Viewers, len(h.reporters), len(h.viewers))
	}
	ctx, cancel := context.WithTimeout(ctx, p.Duration)
	defer cancel()
	recs := make([]*recorder, p.Reporters+p.Viewers)
	var wg sync.WaitGroup
	cpu0 := processCPU()
	start := time.Now()
	for i := range recs {
		rec := &recorder{times: map[string][]time.Duration{}}
		recs[i] = rec
		wg.Go(func() {
			for ctx.Err() == nil {
				if i < p.Reporters {
					h.reporterStep(ctx, h.reporters[i], rec)
				} else {
					h.viewerStep(ctx, h.viewers[i-p.Reporters], rec)
				}
			}
		})
	}
	wg.Wait()
	res := &Result{Phase: p, Elapsed: time.Since(start), Ops: map[string]*OpStats{}}
	if cpu0 > 0 {
		res.CPU = processCPU() - cpu0
	}
	for _, rec := range recs {
		for op, ds := range rec.times {
			o := res.Ops[op]
			if o == nil {
				o = &OpStats{}
				res.Ops[op] = o
			}
			o.durations = append(o.durations, ds...)
		}
		res.Errors += rec.errors
		for _, s := range rec.sample {
			if len(res.Samples) < 10 {
				res.Samples = append(res.Samples, s)
			}
		}
	}
	for _, o := range res.Ops {
		slices.Sort(o.durations)
		o.Count = len(o.durations)
		o.Rate = float64(o.Count) / res.Elapsed.Seconds()
		if o.Count > 0 {
			at := func(q float64) time.Duration { return o.durations[min(o.Count-1, int(q*float64(o.Count)))] }
			o.P50, o.P95, o.P99, o.Max = at(0.50), at(0.95), at(0.99), o.durations[o.Count-1]
		}
	}
	for _, m := range h.serverLog.take() {
		res.Errors++
		if len(res.Samples) < 10 {
			res.Samples = append(res.Samples, "server log: "+m)
		}
	}
	return res, nil
}

// activity returns a new valid activity of the reporter's agency.
func (h *Harness) activity(r *reporter) outreach.Activity {
	rng := r.rng
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	month, day := 1+rng.IntN(12), 1+rng.IntN(28)
	start := fmt.Sprintf("2019-%02d-%02d", month, day)
	end := fmt.Sprintf("2019-%02d-%02d", month, min(28, day+rng.IntN(3)))
	a := outreach.Activity{
		Plan: PlanCode, Agency: r.agency, Channel: pick(h.channels), Title: fmt.Sprintf("Tuyên truyền phòng, chống mua bán người (%s, lần %d)", r.username, len(r.order)+1),
		Description: "Hoạt động do kiểm thử tải ghi", StartDate: start, EndDate: end, Cost: int64(1+rng.IntN(50)) * 100_000,
		FundingSource: "ngan-sach",
	}
	if rng.IntN(3) == 0 {
		a.Task = pick(h.tasks)
	}
	a.Themes = []string{pick(h.themes)}
	if t := pick(h.themes); t != a.Themes[0] {
		a.Themes = append(a.Themes, t)
	}
	if rng.IntN(10) == 0 {
		a.WholeProvince = true
	} else {
		a.Units = []string{pick(h.communes)}
		if u := pick(h.communes); u != a.Units[0] {
			a.Units = append(a.Units, u)
		}
	}
	total := int64(20 + rng.IntN(300))
	women := total / 2
	a.Audience = outreach.Audience{Total: &total, Women: &women}
	a.Quantities = []outreach.ActivityQuantity{{Kind: pick(h.kinds), Value: float64(1 + rng.IntN(20))}}
	return a
}

// ack is the part of the server's answer the harness checks.
type ack struct {
	ID       int64    `json:"id"`
	Title    string   `json:"title"`
	Cost     int64    `json:"cost"`
	Units    []string `json:"units"`
	Audience struct {
		Total *int64 `json:"total"`
	} `json:"audience"`
}

func (h *Harness) reporterStep(ctx context.Context, r *reporter, rec *recorder) {
	a := h.activity(r)
	var got ack
	if !h.send(ctx, rec, OpCreate, r.token, "POST", "/api/v1/activities", a, http.StatusCreated, &got) {
		return
	}
	if got.ID == 0 || got.Title != a.Title || got.Cost != a.Cost {
		rec.fail("%s: create acknowledged %+v for %q", r.username, got, a.Title)
		return
	}
	a.ID = got.ID
	r.acked[a.ID] = a
	r.order = append(r.order, a.ID)

	// Edit one of its own, the newest half of the time.
	id := r.order[len(r.order)-1]
	if r.rng.IntN(2) == 0 {
		id = r.order[r.rng.IntN(len(r.order))]
	}
	e := r.acked[id]
	r.edits++
	e.Title = fmt.Sprintf("%s (sửa %d)", strings.SplitN(e.Title, " (sửa", 2)[0], r.edits)
	e.Cost += 10_000
	total := *e.Audience.Total + 1
	e.Audience.Total = &total
	e.Quantities = slices.Clone(e.Quantities)
	e.Quantities[0].Value++
	if !e.WholeProvince && r.rng.IntN(2) == 0 {
		e.Units = []string{e.Units[0]}
	}
	got = ack{}
	if !h.send(ctx, rec, OpUpdate, r.token, "PUT", fmt.Sprintf("/api/v1/activities/%d", id), e, http.StatusOK, &got) {
		return
	}
	if got.ID != id || got.Title != e.Title || got.Cost != e.Cost || got.Audience.Total == nil || *got.Audience.Total != total {
		rec.fail("%s: update of %d acknowledged %+v", r.username, id, got)
		return
	}
	r.acked[id] = e
}

// send makes an API request and records its time; a transport error or
// another status is an error, unless the phase's time ran out.
func (h *Harness) send(ctx context.Context, rec *recorder, op, token, method, path string, body any, want int, out any) bool {
	data, err := json.Marshal(body)
	if err != nil {
		rec.fail("%s: %v", op, err)
		return false
	}
	// Requests are not cancelled by the phase's end: a write the server
	// finished must be read back, or it would be acknowledged unseen.
	req, _ := http.NewRequestWithContext(context.WithoutCancel(ctx), method, h.URL+path, bytes.NewReader(data))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	t0 := time.Now()
	resp, err := h.client.Do(req)
	if err != nil {
		rec.fail("%s %s: %v", method, path, err)
		return false
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	d := time.Since(t0)
	if err != nil {
		rec.fail("%s %s: reading the answer: %v", method, path, err)
		return false
	}
	if resp.StatusCode != want {
		rec.fail("%s %s: status %d: %.300s", method, path, resp.StatusCode, b)
		return false
	}
	if err := json.Unmarshal(b, out); err != nil {
		rec.fail("%s %s: %v", method, path, err)
		return false
	}
	rec.times[op] = append(rec.times[op], d)
	return true
}

func (h *Harness) viewerStep(ctx context.Context, c *http.Client, rec *recorder) {
	req, _ := http.NewRequestWithContext(context.WithoutCancel(ctx), "GET", h.URL+DashboardPath, nil)
	t0 := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		rec.fail("GET %s: %v", DashboardPath, err)
		return
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	d := time.Since(t0)
	switch {
	case err != nil:
		rec.fail("GET %s: reading the page: %v", DashboardPath, err)
	case resp.StatusCode != http.StatusOK:
		rec.fail("GET %s: status %d", DashboardPath, resp.StatusCode)
	case n < 10_000:
		rec.fail("GET %s: a page of %d bytes", DashboardPath, n)
	default:
		rec.times[OpDashboard] = append(rec.times[OpDashboard], d)
	}
}

// Verification is what Verify found.
type Verification struct {
	// Created and Edited count the acknowledged creates and the
	// activities whose last acknowledged write was an edit.
	Created, Edited int
	// Rows is the number of activities in the database, Baseline the
	// number before the harness started.
	Rows, Baseline int
	// Problems lists every difference between what was acknowledged and
	// what the database holds (at most 50, then a count).
	Problems []string
}

func (v *Verification) problem(format string, args ...any) {
	if len(v.Problems) < 50 {
		v.Problems = append(v.Problems, fmt.Sprintf(format, args...))
	} else if len(v.Problems) == 50 {
		v.Problems = append(v.Problems, "… more problems left out")
	}
}

// Verify reads every acknowledged activity back from the database and
// compares it with the last acknowledged write, counts the rows, and
// checks the rollups against a recomputation. Run it after the phases.
func (h *Harness) Verify(ctx context.Context) (*Verification, error) {
	v := &Verification{Baseline: h.baseline}
	if err := h.Store.DB().QueryRowContext(ctx, `SELECT count(*) FROM activities`).Scan(&v.Rows); err != nil {
		return nil, err
	}
	sys := outreach.SystemActor("loadtest")
	for _, r := range h.reporters {
		var mine int
		if err := h.Store.DB().QueryRowContext(ctx, `SELECT count(*) FROM activities WHERE created_by = $1 AND deleted_at IS NULL`, r.username).Scan(&mine); err != nil {
			return nil, err
		}
		if mine < len(r.order) {
			v.problem("%s: %d activities in the database, %d acknowledged", r.username, mine, len(r.order))
		}
		for _, id := range r.order {
			want := r.acked[id]
			v.Created++
			if strings.Contains(want.Title, " (sửa ") {
				v.Edited++
			}
			got, err := h.Store.Activity(ctx, sys, id)
			if err != nil {
				v.problem("activity %d of %s: %v", id, r.username, err)
				continue
			}
			if d := diff(want, got.Activity); d != "" {
				v.problem("activity %d of %s: %s", id, r.username, d)
			}
			if got.CreatedBy != r.username || got.UpdatedBy != r.username {
				v.problem("activity %d: created by %q, updated by %q; want %q", id, got.CreatedBy, got.UpdatedBy, r.username)
			}
		}
	}
	if v.Rows < v.Baseline+v.Created {
		v.problem("%d activities in the database; %d before and %d acknowledged creates", v.Rows, v.Baseline, v.Created)
	}
	drift, err := h.Store.RollupDrift(ctx)
	if err != nil {
		return nil, err
	}
	for _, d := range drift {
		v.problem("rollup: %s", d)
	}
	return v, nil
}

// Exact reports whether the database holds exactly the baseline plus
// the acknowledged creates: true whenever no request failed.
func (v *Verification) Exact() bool { return v.Rows == v.Baseline+v.Created }

func diff(want, got outreach.Activity) string {
	var d []string
	check := func(field string, w, g any) {
		wj, _ := json.Marshal(w)
		gj, _ := json.Marshal(g)
		if !bytes.Equal(wj, gj) {
			d = append(d, fmt.Sprintf("%s %s, want %s", field, gj, wj))
		}
	}
	sorted := func(xs []string) []string {
		ys := slices.Clone(xs)
		slices.Sort(ys)
		if ys == nil {
			ys = []string{}
		}
		return ys
	}
	check("title", want.Title, got.Title)
	check("agency", want.Agency, got.Agency)
	check("task", want.Task, got.Task)
	check("channel", want.Channel, got.Channel)
	check("themes", sorted(want.Themes), sorted(got.Themes))
	check("dates", want.StartDate+"/"+want.EndDate, got.StartDate+"/"+got.EndDate)
	check("whole_province", want.WholeProvince, got.WholeProvince)
	check("units", sorted(want.Units), sorted(got.Units))
	check("quantities", want.Quantities, got.Quantities)
	check("audience", want.Audience, got.Audience)
	check("cost", want.Cost, got.Cost)
	check("funding_source", want.FundingSource, got.FundingSource)
	return strings.Join(d, "; ")
}

// errorLog is the server's logger: it keeps error records (a 500's
// cause) and drops the rest.
type errorLog struct {
	mu   sync.Mutex
	msgs []string
}

func (l *errorLog) Enabled(_ context.Context, lv slog.Level) bool { return lv >= slog.LevelError }
func (l *errorLog) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Message)
	r.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
		return true
	})
	l.mu.Lock()
	l.msgs = append(l.msgs, b.String())
	l.mu.Unlock()
	return nil
}
func (l *errorLog) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *errorLog) WithGroup(string) slog.Handler      { return l }

func (l *errorLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	m := l.msgs
	l.msgs = nil
	return m
}

// processCPU returns the user and system CPU time of this process from
// /proc/self/stat (Linux), or 0.
func processCPU() time.Duration {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0
	}
	// The command name, field 2, is in parentheses and may hold spaces;
	// utime and stime are fields 14 and 15, in clock ticks (100 a second
	// on Linux).
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0
	}
	return time.Duration(utime+stime) * (time.Second / 100)
}
