package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"outreach/internal/api"
	"outreach/internal/i18n"
	"outreach/internal/mail"
	"outreach/internal/outreach"
	"outreach/internal/reports"
	"outreach/internal/store"
)

// Options configures the web server.
type Options struct {
	Logger  *slog.Logger
	Version string
	// Now is the clock (tests inject one).
	Now func() time.Time
	// TrustProxy takes the client address from X-Forwarded-For, for a
	// server behind a reverse proxy.
	TrustProxy bool
	// Mailer sends the reporting regime's mail; nil sends none.
	Mailer mail.Sender
	// BaseURL is the server's public address, for links in mail.
	BaseURL string
}

// Server serves the UI and the API.
type Server struct {
	store      *store.Store
	pages      *pages
	log        *slog.Logger
	version    string
	now        func() time.Time
	throttle   *throttle
	trustProxy bool
	pending    pendingImports
	limits     *bodyLimits
	handler    http.Handler
	reports    *reports.Service
	metrics    *metrics
}

// New builds the server's handler.
func New(s *store.Store, o Options) (*Server, error) {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	o.Logger = withRequestIDs(o.Logger)
	if o.Now == nil {
		o.Now = time.Now
	}
	p, err := parsePages()
	if err != nil {
		return nil, err
	}
	srv := &Server{store: s, pages: p, log: o.Logger, version: o.Version, now: o.Now, throttle: newThrottle(o.Now),
		trustProxy: o.TrustProxy, metrics: newMetrics(), limits: newBodyLimits(),
		reports: &reports.Service{Store: s, Mailer: o.Mailer, Log: o.Logger, BaseURL: o.BaseURL}}
	mux := http.NewServeMux()
	srv.routes(mux)
	mux.Handle("/api/v1/", api.New(s, srv.reports, srv.authenticate, o.Logger))
	mux.HandleFunc("GET /metrics", srv.serveMetrics)
	cop := http.NewCrossOriginProtection()
	srv.limits.set("POST /api/v1/plans", api.MaxPlanFile+uploadOverhead)
	srv.handler = srv.logRequests(srv.limitBodies(securityHeaders(cop.Handler(srv.withUser(notePattern(mux))))))
	return srv, nil
}

// Reports is the reporting service the server uses (for the reminder loop
// and tests).
func (s *Server) Reports() *reports.Service { return s.reports }

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// securityHeaders sets the headers every response carries: no inline
// script, no framing, no MIME sniffing, no referrer to other sites.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// logRequests gives the request its id (X-Request-Id, the context, the
// logs), writes the access log line and counts the request in /metrics.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ri := &reqInfo{id: s.requestID(r), route: "other"}
		w.Header().Set("X-Request-Id", ri.id)
		r = r.WithContext(context.WithValue(r.Context(), reqInfoKey, ri))
		s.metrics.inFlight.Add(1)
		defer s.metrics.inFlight.Add(-1)
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		d := time.Since(start)
		s.metrics.observe(r.Method, ri.route, rec.status, d)
		s.log.Info("request", "method", r.Method, "path", r.URL.Path, "route", ri.route, "status", rec.status, "ms", d.Milliseconds(), "request_id", ri.id)
	})
}

// ctxKey keys request context values.
type ctxKey int

const (
	userKey ctxKey = iota
	actorKey
	sessionKey
)

// SessionCookie is the name of the session cookie.
const SessionCookie = "outreach_session"

// withUser loads the user of the session cookie, if any, into the context.
func (s *Server) withUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
			u, a, err := s.store.SessionUser(r.Context(), c.Value)
			if err == nil {
				ctx := context.WithValue(r.Context(), userKey, &u)
				ctx = context.WithValue(ctx, actorKey, a)
				ctx = context.WithValue(ctx, sessionKey, c.Value)
				r = r.WithContext(ctx)
			} else if !errors.Is(err, outreach.ErrUnauthorized) {
				s.log.ErrorContext(r.Context(), "session lookup", "err", err)
			}
		}
		next.ServeHTTP(w, r)
	})
}

// authenticate is how the API learns who calls: a bearer token, or the
// browser's session.
func (s *Server) authenticate(r *http.Request) (outreach.User, outreach.Actor, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, token, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
			return outreach.User{}, outreach.Actor{}, outreach.ErrUnauthorized
		}
		return s.store.TokenUser(r.Context(), strings.TrimSpace(token))
	}
	if u, ok := r.Context().Value(userKey).(*outreach.User); ok {
		return *u, r.Context().Value(actorKey).(outreach.Actor), nil
	}
	return outreach.User{}, outreach.Actor{}, outreach.ErrUnauthorized
}

func currentUser(r *http.Request) *outreach.User {
	u, _ := r.Context().Value(userKey).(*outreach.User)
	return u
}

func currentActor(r *http.Request) outreach.Actor {
	a, _ := r.Context().Value(actorKey).(outreach.Actor)
	return a
}

func langOf(r *http.Request) i18n.Lang {
	if c, err := r.Cookie("lang"); err == nil {
		return i18n.Parse(c.Value)
	}
	return i18n.VI
}
