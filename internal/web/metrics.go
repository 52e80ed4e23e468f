package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"outreach/internal/outreach"
)

// This file holds what operators see of a running server: the request id
// every request carries (response header, context, logs) and the /metrics
// exposition in the Prometheus text format 0.0.4.

// reqInfo travels in the request's context. The route is filled in once the
// ServeMux has matched the request (see notePattern).
type reqInfo struct {
	id    string
	route string
}

const reqInfoKey ctxKey = -1

// RequestID returns the id of the request ctx belongs to, or "".
func RequestID(ctx context.Context) string {
	if ri, ok := ctx.Value(reqInfoKey).(*reqInfo); ok {
		return ri.id
	}
	return ""
}

// maxRequestID bounds an incoming X-Request-Id.
const maxRequestID = 64

// requestID takes a proxy's X-Request-Id when the proxy is trusted and the
// id is sane (1–64 letters, digits, '-', '_', '.', ':'); otherwise it makes
// 16 hex characters.
func (s *Server) requestID(r *http.Request) string {
	if s.trustProxy {
		if id := r.Header.Get("X-Request-Id"); saneRequestID(id) {
			return id
		}
	}
	var b [8]byte
	rand.Read(b[:]) // never fails (crypto/rand panics instead)
	return hex.EncodeToString(b[:])
}

func saneRequestID(id string) bool {
	if id == "" || len(id) > maxRequestID {
		return false
	}
	for _, c := range []byte(id) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '.', c == ':':
		default:
			return false
		}
	}
	return true
}

// requestIDHandler adds request_id to every record logged with the
// context of a request (InfoContext, ErrorContext…), so the web's and the
// API's error logs name the request the access log line names.
type requestIDHandler struct{ slog.Handler }

func (h requestIDHandler) Handle(ctx context.Context, rec slog.Record) error {
	if id := RequestID(ctx); id != "" {
		rec = rec.Clone()
		rec.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, rec)
}

func (h requestIDHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return requestIDHandler{h.Handler.WithAttrs(as)}
}

func (h requestIDHandler) WithGroup(name string) slog.Handler {
	return requestIDHandler{h.Handler.WithGroup(name)}
}

// withRequestIDs wraps a logger once.
func withRequestIDs(l *slog.Logger) *slog.Logger {
	if _, ok := l.Handler().(requestIDHandler); ok {
		return l
	}
	return slog.New(requestIDHandler{l.Handler()})
}

// notePattern records the pattern the ServeMux matched (the most specific
// one: the API's mux sets it on the same request) for the access log and
// the metrics. Unmatched requests keep the route "other".
func notePattern(mux http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r)
		if ri, ok := r.Context().Value(reqInfoKey).(*reqInfo); ok && r.Pattern != "" {
			ri.route = r.Pattern
		}
	})
}

// durationBuckets are the histogram's upper bounds in seconds, from 5 ms
// to 10 s.
var durationBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

type requestKey struct{ method, route, code string }

type routeKey struct{ method, route string }

type histogram struct {
	counts []uint64 // per bucket, not cumulative; the last is +Inf
	sum    float64
	count  uint64
}

// metrics counts the server's requests. Labels are bounded: the method is
// one of the standard ones or OTHER, the route a registered pattern or
// "other", the code a status code.
type metrics struct {
	start    time.Time
	inFlight atomic.Int64

	mu        sync.Mutex
	requests  map[requestKey]uint64
	durations map[routeKey]*histogram
}

func newMetrics() *metrics {
	return &metrics{start: time.Now(), requests: map[requestKey]uint64{}, durations: map[routeKey]*histogram{}}
}

func metricMethod(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "OTHER"
}

func (m *metrics) observe(method, route string, code int, d time.Duration) {
	method = metricMethod(method)
	if route == "" {
		route = "other"
	}
	if code < 100 || code > 999 {
		code = 0
	}
	secs := d.Seconds()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[requestKey{method, route, strconv.Itoa(code)}]++
	h := m.durations[routeKey{method, route}]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(durationBuckets)+1)}
		m.durations[routeKey{method, route}] = h
	}
	h.counts[sort.SearchFloat64s(durationBuckets, secs)]++
	h.sum += secs
	h.count++
}

// labelValue escapes a label value as the text format wants.
func labelValue(v string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(v)
}

func formatFloat(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// write writes the exposition.
func (m *metrics) write(buf *bytes.Buffer, version string) {
	head := func(name, typ, help string) {
		fmt.Fprintf(buf, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
	}

	m.mu.Lock()
	reqs := make([]requestKey, 0, len(m.requests))
	for k := range m.requests {
		reqs = append(reqs, k)
	}
	sort.Slice(reqs, func(i, j int) bool {
		a, b := reqs[i], reqs[j]
		if a.route != b.route {
			return a.route < b.route
		}
		if a.method != b.method {
			return a.method < b.method
		}
		return a.code < b.code
	})
	head("outreach_http_requests_total", "counter", "HTTP requests served, by method, matched route pattern and status code.")
	for _, k := range reqs {
		fmt.Fprintf(buf, "outreach_http_requests_total{method=\"%s\",route=\"%s\",code=\"%s\"} %d\n",
			labelValue(k.method), labelValue(k.route), labelValue(k.code), m.requests[k])
	}
	routes := make([]routeKey, 0, len(m.durations))
	for k := range m.durations {
		routes = append(routes, k)
	}
	sort.Slice(routes, func(i, j int) bool {
		if routes[i].route != routes[j].route {
			return routes[i].route < routes[j].route
		}
		return routes[i].method < routes[j].method
	})
	const hname = "outreach_http_request_duration_seconds"
	head(hname, "histogram", "Time to serve an HTTP request, by method and matched route pattern.")
	for _, k := range routes {
		h := m.durations[k]
		labels := fmt.Sprintf("method=\"%s\",route=\"%s\"", labelValue(k.method), labelValue(k.route))
		var cum uint64
		for i, b := range durationBuckets {
			cum += h.counts[i]
			fmt.Fprintf(buf, "%s_bucket{%s,le=\"%s\"} %d\n", hname, labels, formatFloat(b), cum)
		}
		cum += h.counts[len(durationBuckets)]
		fmt.Fprintf(buf, "%s_bucket{%s,le=\"+Inf\"} %d\n", hname, labels, cum)
		fmt.Fprintf(buf, "%s_sum{%s} %s\n", hname, labels, formatFloat(h.sum))
		fmt.Fprintf(buf, "%s_count{%s} %d\n", hname, labels, h.count)
	}
	m.mu.Unlock()

	head("outreach_http_requests_in_flight", "gauge", "HTTP requests being served.")
	fmt.Fprintf(buf, "outreach_http_requests_in_flight %d\n", m.inFlight.Load())

	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	head("go_goroutines", "gauge", "Number of goroutines that currently exist.")
	fmt.Fprintf(buf, "go_goroutines %d\n", runtime.NumGoroutine())
	head("go_memstats_heap_alloc_bytes", "gauge", "Bytes of allocated heap objects.")
	fmt.Fprintf(buf, "go_memstats_heap_alloc_bytes %d\n", ms.HeapAlloc)
	head("go_memstats_heap_inuse_bytes", "gauge", "Bytes in in-use heap spans.")
	fmt.Fprintf(buf, "go_memstats_heap_inuse_bytes %d\n", ms.HeapInuse)
	head("go_memstats_sys_bytes", "gauge", "Bytes of memory obtained from the operating system.")
	fmt.Fprintf(buf, "go_memstats_sys_bytes %d\n", ms.Sys)
	head("go_gc_cycles_total", "counter", "Completed garbage collection cycles.")
	fmt.Fprintf(buf, "go_gc_cycles_total %d\n", ms.NumGC)

	head("process_start_time_seconds", "gauge", "Start time of the server since the Unix epoch in seconds.")
	fmt.Fprintf(buf, "process_start_time_seconds %s\n", formatFloat(float64(m.start.UnixMilli())/1000))
	head("outreach_uptime_seconds", "gauge", "Seconds since the server started.")
	fmt.Fprintf(buf, "outreach_uptime_seconds %s\n", formatFloat(time.Since(m.start).Seconds()))
	head("outreach_build_info", "gauge", "The running build: always 1, labelled with the version.")
	fmt.Fprintf(buf, "outreach_build_info{version=\"%s\",goversion=\"%s\"} 1\n", labelValue(version), labelValue(runtime.Version()))
}

// serveMetrics serves /metrics: to loopback clients without login, and
// otherwise only to an admin (session or bearer token).
func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) {
	if !s.fromLoopback(r) {
		u, _, err := s.authenticate(r)
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="outreach"`)
			http.Error(w, "metrics: log in as an admin or send an admin's bearer token", http.StatusUnauthorized)
			return
		}
		if u.Role != outreach.RoleAdmin {
			http.Error(w, "metrics: for admins only", http.StatusForbidden)
			return
		}
	}
	var buf bytes.Buffer
	s.metrics.write(&buf, s.version)
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	buf.WriteTo(w)
}

// fromLoopback reports whether the request comes from this machine. A
// request a reverse proxy forwarded (it carries X-Forwarded-For, Forwarded
// or X-Real-Ip) counts only when the proxy is trusted and names a loopback
// client, so a proxy on the same host does not open /metrics to everyone.
func (s *Server) fromLoopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return false
	}
	h := r.Header
	if h.Get("X-Forwarded-For") == "" && h.Get("Forwarded") == "" && h.Get("X-Real-Ip") == "" {
		return true
	}
	xff := h.Values("X-Forwarded-For")
	if !s.trustProxy || len(xff) == 0 {
		return false
	}
	// The proxy appends the address it saw last, as clientIP reads it.
	parts := strings.Split(xff[len(xff)-1], ",")
	ip := net.ParseIP(strings.TrimSpace(parts[len(parts)-1]))
	return ip != nil && ip.IsLoopback()
}
