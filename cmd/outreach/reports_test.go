package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"outreach/internal/mail/mailtest"
)

func TestRemindAndReportExport(t *testing.T) {
	c := cli{t: t, env: map[string]string{}}
	data := t.TempDir()
	// No agency has a focal point yet: every reminder lacks an address.
	code, out, errs := c.run("", "remind", "--data", data, "--dry-run", "--now", "2019-12-06")
	if code != exitOK || !strings.Contains(out, "due-14") || !strings.Contains(out, "bk-stp") || !strings.Contains(out, "no address") {
		t.Fatalf("dry run: exit %d\n%s%s", code, out, errs)
	}
	if code, out, _ := c.run("", "remind", "--data", data, "--dry-run", "--now", "2019-08-15"); code != exitOK || !strings.Contains(out, "no reminder due") {
		t.Errorf("nothing due in August: exit %d %s", code, out)
	}
	if code, _, errs := c.run("", "remind", "--data", data, "--now", "2019-12-06"); code != exitInvalid || !strings.Contains(errs, "OUTREACH_SMTP_HOST") {
		t.Errorf("sending without SMTP: exit %d %s", code, errs)
	}
	if code, _, _ := c.run("", "remind", "--data", data, "--now", "6/12/2019"); code != exitUsage {
		t.Errorf("bad --now: exit %d", code)
	}

	srv := mailtest.Start(t)
	host, port := srv.Addr()
	c.env = map[string]string{"OUTREACH_SMTP_HOST": host, "OUTREACH_SMTP_PORT": strconv.Itoa(port), "OUTREACH_SMTP_TLS": "none", "OUTREACH_SMTP_FROM": "Outreach <noreply@test.local>"}
	code, out, errs = c.run("", "remind", "--data", data, "--now", "2019-12-06")
	if code != exitOK || !strings.Contains(out, "failed: ") {
		t.Errorf("a run with no focal addresses: exit %d\n%s%s", code, out, errs)
	}
	// A second run retries the failures (sending still nothing: no address).
	if code, _, errs := c.run("", "remind", "--data", data, "--now", "2019-12-06T15:00"); code != exitOK {
		t.Errorf("second run: exit %d %s", code, errs)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d messages sent to agencies without an address", n)
	}

	dir := t.TempDir()
	for _, f := range []string{"docx", "pdf", "xlsx", "csv"} {
		file := filepath.Join(dir, "r."+f)
		code, out, errs := c.run("", "report", "export", "--data", data, "--plan", "bk-1368-2017", "--year", "2019", "--agency", "bk-ca", "--format", f, "-o", file)
		if code != exitOK || !strings.Contains(out, "wrote") {
			t.Fatalf("export %s: exit %d %s%s", f, code, out, errs)
		}
		if st, err := os.Stat(file); err != nil || st.Size() < 200 {
			t.Errorf("export %s: %v", f, err)
		}
	}
	if code, _, _ := c.run("", "report", "export", "--data", data, "--plan", "bk-1368-2017", "--year", "2019", "--consolidated", "--format", "pdf", "-o", filepath.Join(dir, "c.pdf")); code != exitOK {
		t.Errorf("consolidated export: exit %d", code)
	}
	if code, _, _ := c.run("", "report", "export", "--data", data, "--plan", "bk-1368-2017", "--year", "2019"); code != exitUsage {
		t.Errorf("neither agency nor consolidated: exit %d", code)
	}
	if code, _, errs := c.run("", "report", "export", "--data", data, "--plan", "bk-1368-2017", "--year", "2030", "--agency", "bk-ca"); code != exitInvalid || !strings.Contains(errs, "year") {
		t.Errorf("a year outside the plan: exit %d %s", code, errs)
	}
}
