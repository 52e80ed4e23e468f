package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"time"

	"outreach/internal/mail"
	"outreach/internal/store"
)

// mask replaces every secret doctor prints.
const mask = "****"

// cmdDoctor checks an installation without changing it: configuration
// (secrets masked), database, schema, integrity, disk space and the main
// counts. It exits 1 when something is wrong, naming what.
func cmdDoctor(ctx context.Context, e env) error {
	fs := newFlags(e, "doctor")
	dir := fs.String("data", "./data", "directory of the SQLite database (ignored when OUTREACH_DATABASE_URL is set)")
	minFree := fs.Float64("min-free-gib", 1, "free space the data directory needs, in GiB")
	if err := parse(fs, e.args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected arguments %v", fs.Args())
	}
	d := &doctor{e: e, dbURL: e.getenv("OUTREACH_DATABASE_URL")}
	d.secrets = append(d.secrets, e.getenv("OUTREACH_SMTP_PASSWORD"), databasePassword(d.dbURL))
	abs, err := filepath.Abs(*dir)
	if err != nil {
		abs = *dir
	}
	d.run(ctx, abs, *minFree)

	out := d.redact(d.out.String())
	fmt.Fprint(e.stdout, out)
	if len(d.problems) > 0 {
		return errors.New(d.redact(fmt.Sprintf("%d problem(s): %s", len(d.problems), strings.Join(d.problems, "; "))))
	}
	return nil
}

type doctor struct {
	e        env
	dbURL    string
	out      strings.Builder
	problems []string
	secrets  []string
}

func (d *doctor) printf(format string, args ...any) { fmt.Fprintf(&d.out, format, args...) }

func (d *doctor) setting(name, value string) { d.printf("  %-24s %s\n", name, value) }

func (d *doctor) ok(check, format string, args ...any) {
	d.printf("  %-6s %-10s %s\n", "[ok]", check, fmt.Sprintf(format, args...))
}

func (d *doctor) warn(check, format string, args ...any) {
	d.printf("  %-6s %-10s %s\n", "[warn]", check, fmt.Sprintf(format, args...))
}

func (d *doctor) fail(check, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	d.printf("  %-6s %-10s %s\n", "[FAIL]", check, msg)
	d.problems = append(d.problems, check+": "+msg)
}

// redact removes the secrets from text, whatever printed them (a driver's
// error message, say). Secrets shorter than 3 bytes are masked where they
// are printed but not searched for, to keep the text readable.
func (d *doctor) redact(s string) string {
	for _, sec := range d.secrets {
		if len(sec) >= 3 {
			s = strings.ReplaceAll(s, sec, mask)
		}
	}
	return s
}

func (d *doctor) run(ctx context.Context, dir string, minFreeGiB float64) {
	getenv := d.e.getenv
	engine := store.SQLite
	if d.dbURL != "" {
		engine = store.Postgres
	}
	d.printf("outreach doctor: outreach %s, %s, %s/%s\n\nConfiguration\n", versionString(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	if engine == store.SQLite {
		d.setting("data directory", dir)
	} else {
		d.setting("data directory", dir+" (not used with PostgreSQL)")
	}
	d.setting("engine", string(engine))
	if d.dbURL == "" {
		d.setting("OUTREACH_DATABASE_URL", "(unset: SQLite in the data directory)")
	} else {
		d.setting("OUTREACH_DATABASE_URL", maskDatabaseURL(d.dbURL))
	}
	for _, k := range []string{"OUTREACH_SMTP_HOST", "OUTREACH_SMTP_PORT", "OUTREACH_SMTP_USERNAME", "OUTREACH_SMTP_PASSWORD", "OUTREACH_SMTP_FROM", "OUTREACH_SMTP_TLS", "OUTREACH_BASE_URL"} {
		v := getenv(k)
		switch {
		case v == "" && k == "OUTREACH_SMTP_PORT":
			v = "(unset: 587)"
		case v == "" && k == "OUTREACH_SMTP_TLS":
			v = "(unset: starttls)"
		case v == "":
			v = "(unset)"
		case k == "OUTREACH_SMTP_PASSWORD":
			v = mask
		}
		d.setting(k, v)
	}

	d.printf("\nChecks\n")
	d.checkDatabase(ctx, dir, engine)
	if engine == store.SQLite {
		d.checkDisk(dir, minFreeGiB)
	} else {
		d.ok("disk", "not checked: PostgreSQL keeps the data on its server")
	}
	d.checkMail()

	if len(d.problems) == 0 {
		d.printf("\nOK: nothing wrong found.\n")
	} else {
		d.printf("\nFAIL: %d problem(s):\n", len(d.problems))
		for _, p := range d.problems {
			d.printf("  - %s\n", p)
		}
	}
}

func (d *doctor) checkDatabase(ctx context.Context, dir string, engine store.Engine) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var s *store.Store
	var err error
	where := ""
	if engine == store.SQLite {
		where = filepath.Join(dir, store.SQLiteFile)
		// Opening would create the file: look first.
		if _, err := os.Stat(where); err != nil {
			if errors.Is(err, os.ErrNotExist) {
				d.fail("database", "no database at %s (outreach migrate --data %s creates one)", where, dir)
			} else {
				d.fail("database", "%v", err)
			}
			return
		}
		s, err = store.OpenSQLite(ctx, where)
	} else {
		s, err = store.OpenPostgres(ctx, d.dbURL)
	}
	if err != nil {
		d.fail("database", "unreachable: %v", err)
		return
	}
	defer s.Close()
	version, err := s.EngineVersion(ctx)
	if err != nil {
		d.fail("database", "unreachable: %v", err)
		return
	}
	if engine == store.SQLite {
		size := "size unknown"
		if fi, err := os.Stat(where); err == nil {
			size = humanBytes(uint64(fi.Size()))
		}
		if fi, err := os.Stat(where + "-wal"); err == nil && fi.Size() > 0 {
			size += " (WAL " + humanBytes(uint64(fi.Size())) + ")"
		}
		d.ok("database", "reachable: SQLite %s, %s, %s", version, where, size)
	} else {
		size := ""
		if n, err := s.DatabaseSize(ctx); err == nil {
			size = ", " + humanBytes(uint64(n))
		}
		d.ok("database", "reachable: PostgreSQL %s%s", version, size)
	}

	st, err := s.SchemaStatus(ctx)
	current := err == nil && len(st.Pending) == 0 && len(st.Unknown) == 0
	switch {
	case err != nil:
		d.fail("schema", "%v", err)
	case len(st.Unknown) > 0:
		d.fail("schema", "migrations %s were applied by a newer outreach than this one (%s)", strings.Join(st.Unknown, ", "), versionString())
	case len(st.Pending) > 0:
		d.fail("schema", "%d of %d migrations applied; pending: %s (outreach migrate applies them)", len(st.Applied), len(st.Embedded), strings.Join(st.Pending, ", "))
	default:
		latest := ""
		if n := len(st.Applied); n > 0 {
			latest = ", latest " + st.Applied[n-1]
		}
		d.ok("schema", "%d of %d migrations applied%s", len(st.Applied), len(st.Embedded), latest)
	}

	if engine == store.SQLite {
		probs, err := s.QuickCheck(ctx)
		switch {
		case err != nil:
			d.fail("integrity", "PRAGMA quick_check: %v", err)
		case len(probs) > 0:
			d.fail("integrity", "PRAGMA quick_check: %s", strings.Join(probs, "; "))
		default:
			d.ok("integrity", "PRAGMA quick_check: ok")
		}
	}

	if c, err := s.RecordCounts(ctx); err != nil && !current {
		d.warn("records", "not counted: the schema is not current")
	} else if err != nil {
		d.fail("records", "cannot count: %v", err)
	} else {
		d.ok("records", "%d user(s), %d plan(s), %d activities (%d in the bin)", c.Users, c.Plans, c.Activities, c.ActivitiesInBin)
	}
}

const gib = 1 << 30

func (d *doctor) checkDisk(dir string, minFreeGiB float64) {
	free, total, err := diskFree(dir)
	switch {
	case err != nil:
		d.fail("disk", "free space of %s: %v", dir, err)
	case float64(free) < minFreeGiB*gib:
		d.fail("disk", "only %s free of %s in %s (needs %s)", humanBytes(free), humanBytes(total), dir, humanBytes(uint64(minFreeGiB*gib)))
	default:
		d.ok("disk", "%s free of %s in %s", humanBytes(free), humanBytes(total), dir)
	}
}

// checkMail validates the SMTP settings as serve would, without
// connecting.
func (d *doctor) checkMail() {
	c, err := mailConfig(d.e)
	if err == nil && c.Enabled() {
		_, err = mail.New(c)
	}
	switch {
	case err != nil:
		d.fail("mail", "SMTP settings (OUTREACH_SMTP_*): %v", err)
	case !c.Enabled():
		d.ok("mail", "off: OUTREACH_SMTP_HOST is unset, no mail is sent")
	case d.e.getenv("OUTREACH_BASE_URL") == "":
		d.warn("mail", "SMTP settings valid (server not contacted); OUTREACH_BASE_URL unset, so mail carries no links")
	default:
		d.ok("mail", "SMTP settings valid (server not contacted)")
	}
}

func humanBytes(n uint64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, i := float64(n)/unit, 0
	for v >= unit && i < 4 {
		v /= unit
		i++
	}
	return fmt.Sprintf("%.1f %ciB", v, "KMGTP"[i])
}

var (
	urlPassword = regexp.MustCompile(`^([a-zA-Z][a-zA-Z0-9+.-]*://[^:/@]*):([^@]*)@`)
	kvPassword  = regexp.MustCompile(`(?i)(^|[\s&?])(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&]*)`)
)

// maskDatabaseURL shows a PostgreSQL URL (or key=value connection string)
// with its password, in the user part or as a parameter, replaced by ****.
func maskDatabaseURL(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Scheme != "" && u.Opaque == "" {
		var b strings.Builder
		b.WriteString(u.Scheme + "://")
		if u.User != nil {
			b.WriteString(url.PathEscape(u.User.Username()))
			if _, ok := u.User.Password(); ok {
				b.WriteString(":" + mask)
			}
			b.WriteString("@")
		}
		b.WriteString(u.Host + u.EscapedPath())
		if u.RawQuery != "" {
			var parts []string
			for _, kv := range strings.Split(u.RawQuery, "&") {
				if k, _, _ := strings.Cut(kv, "="); strings.EqualFold(k, "password") {
					kv = k + "=" + mask
				}
				parts = append(parts, kv)
			}
			b.WriteString("?" + strings.Join(parts, "&"))
		}
		return b.String()
	}
	s := urlPassword.ReplaceAllString(raw, "$1:"+mask+"@")
	return kvPassword.ReplaceAllString(s, "$1$2"+mask)
}

// databasePassword extracts the password from a database URL or
// connection string, so that doctor can make sure it never prints it.
func databasePassword(raw string) string {
	if raw == "" {
		return ""
	}
	if u, err := url.Parse(raw); err == nil && u.Scheme != "" && u.Opaque == "" {
		if p, ok := u.User.Password(); ok {
			return p
		}
		return u.Query().Get("password")
	}
	if m := urlPassword.FindStringSubmatch(raw); m != nil {
		return m[2]
	}
	if m := kvPassword.FindStringSubmatch(raw); m != nil {
		return strings.Trim(m[3], "'")
	}
	return ""
}
