package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"outreach/internal/store"
)

func TestDoctorFreshDatabase(t *testing.T) {
	engines(t, func(t *testing.T, c cli, data string) {
		if code, _, errs := c.run("", "migrate", "--data", data); code != exitOK {
			t.Fatalf("migrate: %d %s", code, errs)
		}
		code, out, errs := c.run("", "doctor", "--data", data)
		if code != exitOK || !strings.Contains(out, "OK: nothing wrong found") {
			t.Fatalf("doctor on a fresh database: exit %d\n%s\n%s", code, out, errs)
		}
		for _, want := range []string{"[ok]   database", "[ok]   schema", "migrations applied", "[ok]   records", "1 plan(s)"} {
			if !strings.Contains(out, want) {
				t.Errorf("no %q in\n%s", want, out)
			}
		}
		if c.env["OUTREACH_DATABASE_URL"] == "" {
			for _, want := range []string{"SQLite 3.", "PRAGMA quick_check: ok", "[ok]   disk", filepath.Join(data, "outreach.db")} {
				if !strings.Contains(out, want) {
					t.Errorf("no %q in\n%s", want, out)
				}
			}
		} else if !strings.Contains(out, "PostgreSQL ") {
			t.Errorf("no PostgreSQL version in\n%s", out)
		}
	})
}

func TestDoctorMasksSecrets(t *testing.T) {
	const smtpSecret, dbSecret = "s3cret", "pg-Secr3t-pw"
	c := cli{t: t, env: map[string]string{
		"OUTREACH_SMTP_HOST":     "smtp.example.org",
		"OUTREACH_SMTP_USERNAME": "noreply",
		"OUTREACH_SMTP_PASSWORD": smtpSecret,
		"OUTREACH_SMTP_FROM":     "Sở TT&TT <noreply@example.org>",
		// Nothing listens there: the database is unreachable.
		"OUTREACH_DATABASE_URL": "postgres://outreach:" + dbSecret + "@127.0.0.1:1/outreach?sslmode=disable",
	}}
	code, out, errs := c.run("", "doctor", "--data", t.TempDir())
	for _, secret := range []string{smtpSecret, dbSecret} {
		if strings.Contains(out, secret) || strings.Contains(errs, secret) {
			t.Errorf("secret %q printed:\n%s\n%s", secret, out, errs)
		}
	}
	if code != exitInvalid || !strings.Contains(errs, "database: unreachable") {
		t.Errorf("unreachable database: exit %d, %s", code, errs)
	}
	for _, want := range []string{
		"postgres://outreach:****@127.0.0.1:1/outreach?sslmode=disable",
		"OUTREACH_SMTP_PASSWORD   ****",
		"OUTREACH_SMTP_HOST       smtp.example.org",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}

	for raw, want := range map[string]string{
		"postgres://u:p%40ss@db:5432/x?password=other&sslmode=require": "postgres://u:****@db:5432/x?password=****&sslmode=require",
		"postgres://u@db/x":                      "postgres://u@db/x",
		"host=db user=u password='a b' dbname=x": "host=db user=u password=**** dbname=x",
	} {
		if got := maskDatabaseURL(raw); got != want {
			t.Errorf("maskDatabaseURL(%q) = %q, want %q", raw, got, want)
		}
	}
}

func TestDoctorFindsProblems(t *testing.T) {
	c := cli{t: t, env: map[string]string{}}

	// No database yet: doctor says so and creates nothing.
	empty := t.TempDir()
	code, out, errs := c.run("", "doctor", "--data", empty)
	if code != exitInvalid || !strings.Contains(errs, "no database at") || !strings.Contains(out, "FAIL") {
		t.Errorf("no database: exit %d\n%s\n%s", code, out, errs)
	}
	if _, err := os.Stat(filepath.Join(empty, "outreach.db")); err == nil {
		t.Error("doctor created the database")
	}

	data := t.TempDir()
	if code, _, errs := c.run("", "migrate", "--data", data); code != exitOK {
		t.Fatalf("migrate: %d %s", code, errs)
	}
	// Too little free space.
	code, _, errs = c.run("", "doctor", "--data", data, "--min-free-gib", "1e12")
	if code != exitInvalid || !strings.Contains(errs, "disk: only") {
		t.Errorf("disk: exit %d %s", code, errs)
	}

	// A database from before the last migration: pending ones are listed.
	s, err := store.OpenSQLite(context.Background(), filepath.Join(data, "outreach.db"))
	if err != nil {
		t.Fatal(err)
	}
	latest := s.LatestSchemaVersion()
	if _, err := s.DB().Exec(`DELETE FROM schema_migrations WHERE version = $1`, latest); err != nil {
		t.Fatal(err)
	}
	s.Close()
	code, out, errs = c.run("", "doctor", "--data", data)
	if code != exitInvalid || !strings.Contains(out, "pending: "+latest) || !strings.Contains(errs, "schema:") {
		t.Errorf("pending migration: exit %d\n%s\n%s", code, out, errs)
	}
}
