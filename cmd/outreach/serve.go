package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"outreach/internal/setup"
	"outreach/internal/store"
	"outreach/internal/web"
)

func cmdServe(ctx context.Context, e env) error {
	fs := newFlags(e, "serve")
	addr := fs.String("addr", ":8080", "address to listen on")
	dir := fs.String("data", "./data", "directory of the SQLite database (ignored when OUTREACH_DATABASE_URL is set)")
	trustProxy := fs.Bool("trust-proxy", false, "behind a reverse proxy: take client addresses from X-Forwarded-For")
	demoData := fs.Bool("demo", false, "fill the built-in plan with demo data of 2017–2020 unless it already holds activities")
	logFormat := fs.String("log-format", "text", "log lines as text (key=value) or json")
	if err := parse(fs, e.args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected arguments %v", fs.Args())
	}
	var log *slog.Logger
	switch *logFormat {
	case "text":
		log = slog.New(slog.NewTextHandler(e.stderr, nil))
	case "json":
		log = slog.New(slog.NewJSONHandler(e.stderr, nil))
	default:
		return usagef("--log-format: expected text or json, not %q", *logFormat)
	}
	dbURL := e.getenv("OUTREACH_DATABASE_URL")
	s, err := store.Open(ctx, *dir, dbURL)
	if err != nil {
		return err
	}
	defer s.Close()
	res, err := setup.FirstStart(ctx, s, e.stdout)
	if err != nil {
		return fmt.Errorf("first start: %w", err)
	}
	where := "SQLite in " + *dir
	if dbURL != "" {
		where = "PostgreSQL"
	}
	log.Info("database ready", "engine", s.Engine(), "where", where, "schema", res.SchemaVersion)
	if *demoData {
		if err := serveDemo(ctx, s, log, e.stdout); err != nil {
			return err
		}
	}

	m, err := mailer(e)
	if err != nil {
		return err
	}
	h, err := web.New(s, web.Options{Logger: log, Version: versionString(), TrustProxy: *trustProxy, Mailer: m, BaseURL: e.getenv("OUTREACH_BASE_URL")})
	if err != nil {
		return err
	}
	if m != nil {
		// Reminders are checked every hour; each goes once (the mail log
		// is claimed in the database before sending).
		go h.Reports().Loop(ctx, time.Hour, time.Now)
		log.Info("e-mail on", "smtp", e.getenv("OUTREACH_SMTP_HOST"))
	} else {
		log.Info("e-mail off: set OUTREACH_SMTP_HOST to send reminders and submitted reports")
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	fmt.Fprintf(e.stdout, "outreach %s listening on http://%s\n", versionString(), displayAddr(ln.Addr()))
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Finish the requests in flight, then stop.
	log.Info("shutting down")
	shut, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	h.Reports().Wait(shut) // mail being sent for a submission
	return nil
}

func displayAddr(a net.Addr) string {
	if t, ok := a.(*net.TCPAddr); ok && (t.IP == nil || t.IP.IsUnspecified()) {
		return fmt.Sprintf("localhost:%d", t.Port)
	}
	return a.String()
}
