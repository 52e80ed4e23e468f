package web_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"outreach/internal/store/storetest"
	"outreach/internal/web"
)

// sample is one line of a Prometheus text exposition.
type sample struct {
	name   string
	labels map[string]string
	value  float64
}

var (
	metricName = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)
	labelName  = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
)

// parseExposition checks the text format 0.0.4 line by line: HELP and TYPE
// before a family's samples, names, label syntax and escapes, values.
func parseExposition(t *testing.T, text string) (map[string]string, []sample) {
	t.Helper()
	types := map[string]string{}
	helped := map[string]bool{}
	var out []sample
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" {
			t.Errorf("line %d: empty line", n)
			continue
		}
		if rest, ok := strings.CutPrefix(line, "# "); ok {
			f := strings.SplitN(rest, " ", 3)
			if len(f) < 3 || !metricName.MatchString(f[1]) {
				t.Errorf("line %d: bad comment %q", n, line)
				continue
			}
			switch f[0] {
			case "HELP":
				helped[f[1]] = true
			case "TYPE":
				if _, dup := types[f[1]]; dup {
					t.Errorf("line %d: second TYPE for %s", n, f[1])
				}
				switch f[2] {
				case "counter", "gauge", "histogram", "summary", "untyped":
				default:
					t.Errorf("line %d: bad type %q", n, f[2])
				}
				if !helped[f[1]] {
					t.Errorf("line %d: TYPE %s without HELP before it", n, f[1])
				}
				types[f[1]] = f[2]
			default:
				t.Errorf("line %d: unknown comment %q", n, line)
			}
			continue
		}
		s, err := parseSample(line)
		if err != nil {
			t.Errorf("line %d: %v: %q", n, err, line)
			continue
		}
		family := s.name
		if _, ok := types[family]; !ok {
			for _, suf := range []string{"_bucket", "_sum", "_count"} {
				if base, ok := strings.CutSuffix(s.name, suf); ok && types[base] == "histogram" {
					family = base
				}
			}
		}
		if _, ok := types[family]; !ok {
			t.Errorf("line %d: sample %s before its TYPE", n, s.name)
		}
		if types[family] == "counter" && !strings.HasSuffix(s.name, "_total") {
			t.Errorf("line %d: counter %s does not end in _total", n, s.name)
		}
		out = append(out, s)
	}
	return types, out
}

func parseSample(line string) (sample, error) {
	s := sample{labels: map[string]string{}}
	i := strings.IndexAny(line, "{ ")
	if i < 0 {
		return s, fmt.Errorf("no value")
	}
	s.name = line[:i]
	if !metricName.MatchString(s.name) {
		return s, fmt.Errorf("bad name %q", s.name)
	}
	rest := line[i:]
	if rest[0] == '{' {
		rest = rest[1:]
		for {
			eq := strings.IndexByte(rest, '=')
			if eq < 0 {
				return s, fmt.Errorf("label without '='")
			}
			name := rest[:eq]
			if !labelName.MatchString(name) {
				return s, fmt.Errorf("bad label name %q", name)
			}
			rest = rest[eq+1:]
			if rest == "" || rest[0] != '"' {
				return s, fmt.Errorf("label %s not quoted", name)
			}
			var val strings.Builder
			j := 1
			for ; j < len(rest) && rest[j] != '"'; j++ {
				if rest[j] == '\\' {
					j++
					if j == len(rest) {
						return s, fmt.Errorf("dangling escape")
					}
					switch rest[j] {
					case '\\', '"':
						val.WriteByte(rest[j])
					case 'n':
						val.WriteByte('\n')
					default:
						return s, fmt.Errorf("bad escape \\%c", rest[j])
					}
					continue
				}
				val.WriteByte(rest[j])
			}
			if j == len(rest) {
				return s, fmt.Errorf("unterminated label value")
			}
			if _, dup := s.labels[name]; dup {
				return s, fmt.Errorf("label %s twice", name)
			}
			s.labels[name] = val.String()
			rest = rest[j+1:]
			if strings.HasPrefix(rest, ",") {
				rest = rest[1:]
				continue
			}
			if strings.HasPrefix(rest, "}") {
				rest = rest[1:]
				break
			}
			return s, fmt.Errorf("expected ',' or '}' after label %s", name)
		}
	}
	v, ok := strings.CutPrefix(rest, " ")
	if !ok || strings.Contains(v, " ") {
		return s, fmt.Errorf("expected one space and a value")
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil && v != "+Inf" && v != "-Inf" && v != "NaN" {
		return s, fmt.Errorf("bad value %q", v)
	}
	s.value = f
	return s, nil
}

// find returns the value of the sample with exactly these labels.
func find(samples []sample, name string, labels map[string]string) (float64, bool) {
	for _, s := range samples {
		if s.name != name || len(s.labels) != len(labels) {
			continue
		}
		match := true
		for k, v := range labels {
			if s.labels[k] != v {
				match = false
			}
		}
		if match {
			return s.value, true
		}
	}
	return 0, false
}

func TestMetrics(t *testing.T) {
	w := newWorld(t, storetest.OpenSQLite(t))
	h, err := web.New(w.store, web.Options{Version: "v1.2.3-test", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	admin, viewer := w.token("admin"), w.token("viewer")
	// Requests come from 192.0.2.1 (httptest.NewRequest), not loopback.
	do := func(method, path, token string, mod ...func(*http.Request)) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		for _, m := range mod {
			m(req)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	for range 3 {
		if rec := do("GET", "/healthz", ""); rec.Code != 200 {
			t.Fatalf("healthz: %d", rec.Code)
		}
	}
	do("GET", "/no/such/page/12345", "")
	do("BREW", "/healthz", "")
	if rec := do("GET", "/api/v1/plans", admin); rec.Code != 200 {
		t.Fatalf("api plans: %d", rec.Code)
	}
	if rec := do("GET", "/api/v1/plans/nope", admin); rec.Code != 404 {
		t.Fatalf("api plan nope: %d", rec.Code)
	}

	// Who may read the metrics.
	if rec := do("GET", "/metrics", ""); rec.Code != http.StatusUnauthorized {
		t.Errorf("anonymous from afar: %d", rec.Code)
	}
	if rec := do("GET", "/metrics", viewer); rec.Code != http.StatusForbidden {
		t.Errorf("viewer's token: %d", rec.Code)
	}
	viewerBrowser := w.login("viewer")
	base, _ := url.Parse(w.srv.URL)
	cookies := viewerBrowser.Jar.Cookies(base)
	if len(cookies) == 0 {
		t.Fatal("no session cookie")
	}
	withCookies := func(r *http.Request) {
		for _, c := range cookies {
			r.AddCookie(c)
		}
	}
	if rec := do("GET", "/metrics", "", withCookies); rec.Code != http.StatusForbidden {
		t.Errorf("viewer's session: %d", rec.Code)
	}
	loopback := func(r *http.Request) { r.RemoteAddr = "127.0.0.1:40000" }
	forwarded := func(r *http.Request) { r.Header.Set("X-Forwarded-For", "203.0.113.7") }
	if rec := do("GET", "/metrics", "", loopback, forwarded); rec.Code != http.StatusUnauthorized {
		t.Errorf("forwarded through a local proxy: %d", rec.Code)
	}
	if rec := do("GET", "/metrics", "", loopback); rec.Code != 200 {
		t.Errorf("loopback: %d", rec.Code)
	}
	// Over a real connection from 127.0.0.1, without login.
	if code, _ := w.get(http.DefaultClient, "/metrics"); code != 200 {
		t.Errorf("loopback over HTTP: %d", code)
	}
	rec := do("GET", "/metrics", admin)
	if rec.Code != 200 {
		t.Fatalf("admin: %d %s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Errorf("Content-Type %q", ct)
	}
	text := rec.Body.String()
	types, samples := parseExposition(t, text)

	for name, typ := range map[string]string{
		"outreach_http_requests_total":           "counter",
		"outreach_http_request_duration_seconds": "histogram",
		"outreach_http_requests_in_flight":       "gauge",
		"go_goroutines":                          "gauge",
		"go_memstats_heap_alloc_bytes":           "gauge",
		"outreach_uptime_seconds":                "gauge",
		"outreach_build_info":                    "gauge",
	} {
		if types[name] != typ {
			t.Errorf("%s: type %q, want %q", name, types[name], typ)
		}
	}
	counts := map[[3]string]float64{
		{"GET", "GET /healthz", "200"}:             3,
		{"GET", "other", "404"}:                    1,
		{"OTHER", "other", "405"}:                  1,
		{"GET", "GET /api/v1/plans", "200"}:        1,
		{"GET", "GET /api/v1/plans/{code}", "404"}: 1,
		{"GET", "GET /metrics", "401"}:             2,
		{"GET", "GET /metrics", "403"}:             2,
		{"GET", "GET /metrics", "200"}:             1, // this one is not counted yet
	}
	for k, want := range counts {
		got, ok := find(samples, "outreach_http_requests_total", map[string]string{"method": k[0], "route": k[1], "code": k[2]})
		if !ok || got != want {
			t.Errorf("requests_total%v = %v (found %v), want %v", k, got, ok, want)
		}
	}
	if strings.Contains(text, "/no/such/page") || strings.Contains(text, "/api/v1/plans/nope") {
		t.Error("a raw path is a label")
	}

	// The histogram: buckets cumulative, in order, ending with +Inf = count.
	for _, route := range []string{"GET /healthz", "GET /api/v1/plans"} {
		var les []string
		var prev float64
		prevLE := math.Inf(-1)
		for _, s := range samples {
			if s.name != "outreach_http_request_duration_seconds_bucket" || s.labels["route"] != route || s.labels["method"] != "GET" {
				continue
			}
			le := s.labels["le"]
			les = append(les, le)
			bound, err := strconv.ParseFloat(le, 64)
			if err != nil {
				t.Fatalf("le %q", le)
			}
			if bound <= prevLE {
				t.Errorf("%s: le %s after %v", route, le, prevLE)
			}
			if s.value < prev {
				t.Errorf("%s: bucket le=%s holds %v < %v: not cumulative", route, le, s.value, prev)
			}
			prev, prevLE = s.value, bound
		}
		if len(les) != 12 || les[0] != "0.005" || les[len(les)-2] != "10" || les[len(les)-1] != "+Inf" {
			t.Errorf("%s: buckets %v", route, les)
		}
		count, _ := find(samples, "outreach_http_request_duration_seconds_count", map[string]string{"method": "GET", "route": route})
		sum, okSum := find(samples, "outreach_http_request_duration_seconds_sum", map[string]string{"method": "GET", "route": route})
		want := counts[[3]string{"GET", route, "200"}]
		if prev != count || count != want || !okSum || sum < 0 {
			t.Errorf("%s: +Inf %v, count %v, sum %v; want %v", route, prev, count, sum, want)
		}
	}
	if v, _ := find(samples, "outreach_http_requests_in_flight", map[string]string{}); v != 1 {
		t.Errorf("in flight while serving /metrics: %v", v)
	}
	if v, ok := find(samples, "go_goroutines", map[string]string{}); !ok || v < 1 {
		t.Errorf("go_goroutines %v", v)
	}
	if v, ok := find(samples, "go_memstats_heap_alloc_bytes", map[string]string{}); !ok || v <= 0 {
		t.Errorf("heap bytes %v", v)
	}
	found := false
	for _, s := range samples {
		if s.name == "outreach_build_info" && s.labels["version"] == "v1.2.3-test" && s.value == 1 {
			found = true
		}
	}
	if !found {
		t.Error("no outreach_build_info with the version")
	}
}

func TestRequestIDs(t *testing.T) {
	w := newWorld(t, storetest.OpenSQLite(t))
	var logs bytes.Buffer
	newServer := func(trust bool) http.Handler {
		h, err := web.New(w.store, web.Options{Version: "test", TrustProxy: trust, Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	direct, proxied := newServer(false), newServer(true)
	get := func(h http.Handler, path, incoming string, mod ...func(*http.Request)) string {
		req := httptest.NewRequest("GET", path, nil)
		if incoming != "" {
			req.Header.Set("X-Request-Id", incoming)
		}
		for _, m := range mod {
			m(req)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Header().Get("X-Request-Id")
	}
	hex16 := regexp.MustCompile(`^[0-9a-f]{16}$`)
	a, b := get(direct, "/healthz", ""), get(direct, "/healthz", "")
	if !hex16.MatchString(a) || !hex16.MatchString(b) || a == b {
		t.Errorf("generated ids %q, %q", a, b)
	}
	if id := get(direct, "/healthz", "from-the-proxy-1"); id == "from-the-proxy-1" || !hex16.MatchString(id) {
		t.Errorf("untrusted incoming id kept: %q", id)
	}
	if id := get(proxied, "/healthz", "from-the-proxy-1"); id != "from-the-proxy-1" {
		t.Errorf("trusted incoming id: %q", id)
	}
	for _, bad := range []string{"has space", "semi;colon", strings.Repeat("x", 65), "<script>"} {
		if id := get(proxied, "/healthz", bad); !hex16.MatchString(id) {
			t.Errorf("insane incoming id %q kept as %q", bad, id)
		}
	}

	// The access line and the error logs of a request carry its id.
	viewerBrowser := w.login("viewer")
	base, _ := url.Parse(w.srv.URL)
	cookies := viewerBrowser.Jar.Cookies(base)
	logs.Reset()
	id := get(direct, "/plans/no-such-plan", "", func(r *http.Request) {
		for _, c := range cookies {
			r.AddCookie(c)
		}
	})
	records := decodeLogs(t, logs.Bytes())
	var refused, access bool
	for _, r := range records {
		switch r["msg"] {
		case "request refused":
			refused = r["request_id"] == id
		case "request":
			access = r["request_id"] == id && r["route"] == "GET /plans/{code}" && r["status"] == float64(404)
		}
	}
	if !refused || !access {
		t.Errorf("id %s missing from the logs (refused %v, access %v):\n%s", id, refused, access, logs.String())
	}

	// A database that fails: the API's error log names the request too.
	broken := storetest.OpenSQLite(t)
	hb, err := web.New(broken, web.Options{Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	broken.Close()
	logs.Reset()
	id = get(hb, "/api/v1/plans", "", func(r *http.Request) { r.Header.Set("Authorization", "Bearer whatever") })
	failed := false
	for _, r := range decodeLogs(t, logs.Bytes()) {
		if r["msg"] == "api request failed" && r["request_id"] == id {
			failed = true
		}
	}
	if !failed {
		t.Errorf("API error log without the request id %s:\n%s", id, logs.String())
	}
}

func decodeLogs(t *testing.T, data []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}
