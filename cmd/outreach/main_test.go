package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"outreach/internal/store/storetest"
)

// cli runs the binary's run function in-process.
type cli struct {
	t   *testing.T
	env map[string]string
}

func (c cli) run(stdin string, args ...string) (int, string, string) {
	c.t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, func(k string) string { return c.env[k] }, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func engines(t *testing.T, fn func(t *testing.T, c cli, data string)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, cli{t: t, env: map[string]string{}}, t.TempDir()) })
	t.Run("postgres", func(t *testing.T) {
		url := storetest.NewPostgresSchema(t)
		fn(t, cli{t: t, env: map[string]string{"OUTREACH_DATABASE_URL": url}}, t.TempDir())
	})
}

func TestUsage(t *testing.T) {
	c := cli{t: t}
	if code, _, _ := c.run(""); code != exitUsage {
		t.Errorf("no command: exit %d", code)
	}
	if code, _, errs := c.run("", "frobnicate"); code != exitUsage || !strings.Contains(errs, "unknown command") {
		t.Errorf("unknown command: exit %d, %q", code, errs)
	}
	if code, out, _ := c.run("", "version"); code != exitOK || !strings.HasPrefix(out, "outreach ") {
		t.Errorf("version: exit %d, %q", code, out)
	}
	if code, _, _ := c.run("", "plan", "validate"); code != exitUsage {
		t.Errorf("plan validate without a file: exit %d", code)
	}
	if code, _, _ := c.run("", "serve", "--port", "1"); code != exitUsage {
		t.Errorf("unknown flag: exit %d", code)
	}
	if code, out, _ := c.run("", "help"); code != exitOK || !strings.Contains(out, "token create") {
		t.Errorf("help: exit %d", code)
	}
}

func TestPlanRoundTrip(t *testing.T) {
	engines(t, func(t *testing.T, c cli, data string) {
		dir := t.TempDir()
		first := filepath.Join(dir, "plan.yaml")
		if code, _, errs := c.run("", "plan", "export", "--data", data, "-o", first, "bk-1368-2017"); code != exitOK {
			t.Fatalf("export: %d %s", code, errs)
		}
		if code, out, errs := c.run("", "plan", "validate", first); code != exitOK || !strings.Contains(out, "33 tasks") {
			t.Fatalf("validate: %d %s %s", code, out, errs)
		}
		if code, out, errs := c.run("", "plan", "import", "--data", data, first); code != exitOK || !strings.Contains(out, "unchanged") {
			t.Fatalf("import: %d %s %s", code, out, errs)
		}
		code, second, _ := c.run("", "plan", "export", "--data", data, "bk-1368-2017")
		exported, _ := os.ReadFile(first)
		if code != exitOK || second != string(exported) {
			t.Fatal("the plan changed in export → validate → import → export")
		}

		// An edited plan updates in place.
		edited := filepath.Join(dir, "edited.yaml")
		os.WriteFile(edited, bytes.Replace(exported, []byte("value: 75\n"), []byte("value: 80\n"), 1), 0o644)
		if code, out, _ := c.run("", "plan", "import", "--data", data, edited); code != exitOK || !strings.Contains(out, "updated") {
			t.Errorf("edited import: %d %s", code, out)
		}
	})
}

func TestPlanProblems(t *testing.T) {
	c := cli{t: t, env: map[string]string{}}
	dir := t.TempDir()
	data := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	if code, _, errs := c.run("", "plan", "export", "--data", data, "-o", good, "bk-1368-2017"); code != exitOK {
		t.Fatal(errs)
	}
	src, _ := os.ReadFile(good)
	for name, bad := range map[string]string{
		"misspelt field":     strings.Replace(string(src), "\ntargets:", "\ntarget:", 1),
		"milestone of 175 %": strings.Replace(string(src), "value: 75\n", "value: 175\n", 1),
	} {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".yaml")
		os.WriteFile(path, []byte(bad), 0o644)
		for _, cmd := range [][]string{{"plan", "validate", path}, {"plan", "import", "--data", data, path}} {
			code, _, errs := c.run("", cmd...)
			if code != exitInvalid || !regexp.MustCompile(regexp.QuoteMeta(filepath.Base(path))+`:\d+:\d+: `).MatchString(errs) {
				t.Errorf("%s, %s: exit %d, %q", name, cmd[1], code, errs)
			}
		}
	}
	// What only the database can tell (an unknown scope, parent plan or
	// parent target) is refused at the line and column of the key.
	for name, c2 := range map[string]struct{ bad, at string }{
		"unknown scope":  {strings.Replace(string(src), `scope: "06"`, `scope: "999"`, 1), "scope"},
		"unknown parent": {strings.Replace(string(src), `scope: "06"`, "scope: \"06\"\nparent: khong-co", 1), "parent"},
	} {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".yaml")
		os.WriteFile(path, []byte(c2.bad), 0o644)
		line := 1 + strings.Count(c2.bad[:strings.Index(c2.bad, "\n"+c2.at+":")+1], "\n")
		want := regexp.MustCompile(fmt.Sprintf(`%s:%d:\d+: %s: `, regexp.QuoteMeta(filepath.Base(path)), line, c2.at))
		if code, _, errs := c.run("", "plan", "import", "--data", data, path); code != exitInvalid || !want.MatchString(errs) {
			t.Errorf("%s: exit %d, %q, want %q", name, code, errs, want)
		}
	}
	// Nothing of the bad plan got in.
	_, out, _ := c.run("", "plan", "export", "--data", data, "bk-1368-2017")
	if out != string(src) {
		t.Error("a refused import changed the stored plan")
	}
	if code, _, _ := c.run("", "plan", "validate", filepath.Join(dir, "missing.yaml")); code != exitInvalid {
		t.Errorf("missing file: exit %d", code)
	}
	// A file over the plan file limit (the API's too) is refused unread.
	huge := filepath.Join(dir, "huge.yaml")
	pad := strings.Repeat("# "+strings.Repeat("x", 98)+"\n", 80000) // 8 MB
	os.WriteFile(huge, append(src, pad...), 0o644)
	for _, cmd := range [][]string{{"plan", "validate", huge}, {"plan", "import", "--data", data, huge}} {
		if code, _, errs := c.run("", cmd...); code != exitInvalid || !strings.Contains(errs, "huge.yaml:1:1: the file is 7.") || !strings.Contains(errs, "at most 2 MB") {
			t.Errorf("%s of an 8 MB file: exit %d, %q", cmd[1], code, errs)
		}
	}
}

func TestUsersAndTokens(t *testing.T) {
	engines(t, func(t *testing.T, c cli, data string) {
		add := []string{"user", "add", "--data", data, "--username", "lan", "--name", "Nguyễn Thị Lan", "--role", "agency_reporter", "--agency", "bk-hlhpn", "--password-stdin"}
		if code, out, errs := c.run("một mật khẩu dài\n", add...); code != exitOK || !strings.Contains(out, "lan") {
			t.Fatalf("user add: %d %s %s", code, out, errs)
		}
		if code, _, errs := c.run("một mật khẩu dài\n", add...); code != exitInvalid || !strings.Contains(errs, "taken") {
			t.Errorf("duplicate user: %d %s", code, errs)
		}
		if code, _, _ := c.run("", "user", "add", "--data", data, "--username", "x", "--name", "X", "--role", "viewer"); code != exitUsage {
			t.Errorf("no --password-stdin: %d", code)
		}
		if code, _, errs := c.run("ngắn\n", "user", "add", "--data", data, "--username", "xyz", "--name", "X", "--role", "viewer", "--password-stdin"); code != exitInvalid || !strings.Contains(errs, "password") {
			t.Errorf("short password: %d %s", code, errs)
		}
		if code, _, errs := c.run("một mật khẩu dài\n", "user", "add", "--data", data, "--username", "xyz", "--name", "X", "--role", "unit_reporter", "--unit", "99999", "--password-stdin"); code != exitInvalid || !strings.Contains(errs, "99999") {
			t.Errorf("unknown unit: %d %s", code, errs)
		}
		code, out, errs := c.run("", "token", "create", "--data", data, "--username", "lan")
		if code != exitOK || !strings.HasPrefix(out, "otk_") {
			t.Errorf("token create: %d %q %s", code, out, errs)
		}
		if code, _, _ := c.run("", "token", "create", "--data", data, "--username", "nobody"); code != exitInvalid {
			t.Errorf("token for nobody: %d", code)
		}
		if code, _, errs := c.run("mật khẩu mới dài hơn\n", "user", "passwd", "--data", data, "--username", "lan", "--password-stdin"); code != exitOK {
			t.Errorf("passwd: %d %s", code, errs)
		}
	})
}

func TestUnitsImport(t *testing.T) {
	c := cli{t: t, env: map[string]string{}}
	data := t.TempDir()
	seed, _ := filepath.Abs("../../internal/seed/units")
	code, out, errs := c.run("", "units", "import", "--data", data, filepath.Join(seed, "units.csv.gz"), filepath.Join(seed, "unit_changes.csv.gz"),
		filepath.Join(seed, "population.csv.gz"), filepath.Join(seed, "unresolved.csv.gz"))
	if code != exitOK || !strings.Contains(out, "units: 0 added, 0 updated; changes: 0 added, 0 updated; population figures: 68835") {
		t.Errorf("re-importing the seed: %d %q %s", code, out, errs)
	}
	bad := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(bad, []byte("code,name,type,level,parent_code,valid_from,valid_to\n99001,Xã Mới,xa,3,19,2030-01-01,\n99002,Xã Sai,lang,3,19,2030-01-01,\n"), 0o644)
	code, _, errs = c.run("", "units", "import", "--data", data, bad)
	if code != exitInvalid || !strings.Contains(errs, "bad.csv:3:type") {
		t.Errorf("bad units file: %d %s", code, errs)
	}
	other := filepath.Join(t.TempDir(), "other.csv")
	os.WriteFile(other, []byte("a,b\n1,2\n"), 0o644)
	if code, _, errs := c.run("", "units", "import", "--data", data, other); code != exitInvalid || !strings.Contains(errs, "unknown header") {
		t.Errorf("unknown file: %d %s", code, errs)
	}
}

func TestFlagsAfterArguments(t *testing.T) {
	c := cli{t: t, env: map[string]string{}}
	data := t.TempDir()
	out := filepath.Join(t.TempDir(), "p.yaml")
	if code, _, errs := c.run("", "plan", "export", "bk-1368-2017", "-o", out, "--data", data); code != exitOK {
		t.Fatalf("export with flags last: %d %s", code, errs)
	}
	if code, stdout, errs := c.run("", "plan", "import", out, "--data", data); code != exitOK || !strings.Contains(stdout, "unchanged") {
		t.Errorf("import with flags last: %d %s %s", code, stdout, errs)
	}
	if code, _, _ := c.run("", "plan", "import", "--data", data, "--", "-weird.yaml"); code != exitInvalid {
		t.Errorf("a file named like a flag after --: %d", code)
	}
}

func TestUnitsBoundaries(t *testing.T) {
	c := cli{t: t, env: map[string]string{}}
	data := t.TempDir()
	file, _ := filepath.Abs("../../../shared/data/bac-kan-communes-2025.geojson")
	if _, err := os.Stat(file); err != nil {
		t.Skipf("reference data not here: %v", err)
	}
	if code, out, errs := c.run("", "units", "boundaries", file, "--data", data); code != exitOK || !strings.Contains(out, "37 units") {
		t.Errorf("communes 2025: %d %q %s", code, out, errs)
	}
	bad := filepath.Join(t.TempDir(), "bad.geojson")
	os.WriteFile(bad, []byte(`{"type":"FeatureCollection","features":[{"properties":{"code":"77777"},"geometry":{"type":"Polygon","coordinates":[[[105,22],[106,22],[106,23],[105,22]]]}}]}`), 0o644)
	if code, _, errs := c.run("", "units", "boundaries", bad, "--data", data); code != exitInvalid || !strings.Contains(errs, "77777") {
		t.Errorf("unknown code: %d %s", code, errs)
	}
}
