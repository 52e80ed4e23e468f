// Command outreach runs the communication-plan system: the web server, and
// the subcommands an operator uses to migrate, load plans and units, and
// manage users. Run "outreach help" for the list.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"outreach/internal/outreach"
	"outreach/internal/setup"
	"outreach/internal/store"
)

// version is set at build time with -ldflags "-X main.version=…"; otherwise
// it comes from the VCS stamp Go records.
var version = ""

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit codes.
const (
	exitOK      = 0
	exitInvalid = 1 // invalid input, or the operation failed
	exitUsage   = 2 // the command line is wrong
)

// env is what every subcommand gets: its arguments and the process's
// environment, injected so tests can run commands in-process.
type env struct {
	args   []string
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e env) error
}

// usageError is a mistake on the command line (exit 2).
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

func commands() []command {
	return []command{
		{"serve", "run the web server (first start migrates, seeds and creates an admin)", cmdServe},
		{"migrate", "bring the database schema up to date", cmdMigrate},
		{"plan validate", "check a plan file: plan validate FILE", cmdPlanValidate},
		{"plan import", "create or update a plan from a file: plan import FILE", cmdPlanImport},
		{"plan export", "write a plan back as a file: plan export CODE [-o FILE]", cmdPlanExport},
		{"units import", "load units, unit changes or census figures from CSV: units import FILE...", cmdUnitsImport},
		{"units boundaries", "import unit boundaries for the dashboard's map: units boundaries FILE.geojson [--as-of DATE]", cmdUnitsBoundaries},
		{"import activities", "import activities from CSV/XLSX, all or nothing: import activities FILE --plan CODE [--agency CODE]", cmdImportActivities},
		{"import distributions", "import material distributions from CSV/XLSX: import distributions FILE --plan CODE", cmdImportDistributions},
		{"export activities", "write a plan's activities: export activities --plan CODE [--format csv|xlsx] [-o FILE]", cmdExportActivities},
		{"export distributions", "write a plan's distributions: export distributions --plan CODE [--format csv|xlsx] [-o FILE]", cmdExportDistributions},
		{"template activities", "write an activity file to fill in: template activities --plan CODE --format csv|xlsx -o FILE", cmdTemplateActivities},
		{"template distributions", "write a distribution file to fill in: template distributions --plan CODE --format csv|xlsx -o FILE", cmdTemplateDistributions},
		{"user add", "add a user: user add --username U --name N --role R [--agency CODE | --unit CODE] --password-stdin", cmdUserAdd},
		{"user passwd", "set a user's password: user passwd --username U --password-stdin", cmdUserPasswd},
		{"report export", "write a report as DOCX, PDF, XLSX or CSV: report export --plan CODE --year Y (--agency CODE | --consolidated) [--format F] [-o FILE]", cmdReportExport},
		{"remind", "send the reporting deadline reminders due now (OUTREACH_SMTP_*): remind [--dry-run] [--now DATE]", cmdRemind},
		{"demo", "fill the built-in plan with a realistic demo history of 2017–2020 and an invented Thái Nguyên plan with 2026 records: demo [--seed N]", cmdDemo},
		{"token create", "print a new API token for a user: token create --username U", cmdTokenCreate},
		{"token list", "list API tokens (id, user, name, created, last used): token list [--username U]", cmdTokenList},
		{"token revoke", "revoke an API token by its id (token list shows it): token revoke ID", cmdTokenRevoke},
		{"backup", "copy the SQLite database consistently while the server runs: backup FILE [--data DIR]", cmdBackup},
		{"restore", "replace the SQLite database with a backup (server stopped): restore FILE [--data DIR] [--force]", cmdRestore},
		{"bench generate", "build a synthetic country for measuring indicators at national scale: bench generate [--activities N] …", cmdBenchGenerate},
		{"bench indicators", "time every target for the country and one province beside plain SQL aggregates: bench indicators [--runs N]", cmdBenchIndicators},
		{"bench ministry-generate", "write the ministry's benchmark on the national register: a national plan, 34 provincial plans serving it and their 2026 records: bench ministry-generate [--activities N] [--distributions N] [--seed S]", cmdBenchMinistryGenerate},
		{"bench ministry", "time the ministry's dashboard (country and provinces) and one province's beside plain SQL aggregates: bench ministry [--runs N] [--plain-runs N] [--province CODE]", cmdBenchMinistry},
		{"doctor", "check the installation: settings (secrets masked), database, schema, integrity, disk space: doctor [--data DIR]", cmdDoctor},
		{"version", "print the version", cmdVersion},
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printUsage(stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	var cmd *command
	rest := args
	for _, c := range commands() {
		c := c
		if len(args) >= 2 && c.name == args[0]+" "+args[1] {
			cmd, rest = &c, args[2:]
			break
		}
		if c.name == args[0] {
			cmd, rest = &c, args[1:]
			break
		}
	}
	if cmd == nil {
		fmt.Fprintf(stderr, "outreach: unknown command %q\n\n", joinArgs(args, 2))
		printUsage(stderr)
		return exitUsage
	}
	err := cmd.run(ctx, env{args: rest, getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr})
	return report(stderr, cmd.name, err)
}

func joinArgs(args []string, n int) string {
	if len(args) < n {
		n = len(args)
	}
	s := ""
	for i, a := range args[:n] {
		if i > 0 {
			s += " "
		}
		s += a
	}
	return s
}

// report prints an error the way an operator can act on it and returns the
// exit code.
func report(stderr io.Writer, name string, err error) int {
	var ue usageError
	var verr *outreach.ValidationError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "outreach %s: %s\n", name, ue.msg)
		return exitUsage
	case errors.As(err, &verr):
		fmt.Fprintf(stderr, "outreach %s: %d problem(s):\n", name, len(verr.Problems))
		for _, p := range verr.Problems {
			fmt.Fprintf(stderr, "  %s\n", p)
		}
		return exitInvalid
	default:
		fmt.Fprintf(stderr, "outreach %s: %v\n", name, err)
		return exitInvalid
	}
}

func printUsage(w io.Writer) {
	fmt.Fprintf(w, "outreach — a communication plan against human trafficking, from decision to annual report.\n\nUsage: outreach COMMAND [flags]\n\nCommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-14s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, `
Database: SQLite in --data DIR (default ./data), or PostgreSQL when
OUTREACH_DATABASE_URL=postgres://… is set. Exit status: 0 success,
1 invalid input or failure (with the reasons), 2 usage error.
`)
}

// newFlags makes a flag set for a subcommand whose errors are returned, not
// printed and exited on.
func newFlags(e env, name string) *flag.FlagSet {
	fs := flag.NewFlagSet("outreach "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}

// parse parses flags wherever they stand among the arguments
// ("plan import FILE --data DIR" as well as "plan import --data DIR FILE"),
// turning flag mistakes into usage errors. Arguments after "--" are never
// flags.
func parse(fs *flag.FlagSet, args []string) error {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return err
			}
			return usageError{err.Error()}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if len(args) > 0 && len(rest) < len(args) && args[len(args)-len(rest)-1] == "--" {
			positional = append(positional, rest...)
			break
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
	return fs.Parse(append([]string{"--"}, positional...))
}

// dataFlag adds --data and returns a function that opens and migrates the
// store it names (or OUTREACH_DATABASE_URL's).
func dataFlag(e env, fs *flag.FlagSet) func(ctx context.Context) (*store.Store, error) {
	dir := fs.String("data", "./data", "directory of the SQLite database (ignored when OUTREACH_DATABASE_URL is set)")
	return func(ctx context.Context) (*store.Store, error) {
		s, err := store.Open(ctx, *dir, e.getenv("OUTREACH_DATABASE_URL"))
		if err != nil {
			return nil, err
		}
		if _, err := s.Migrate(ctx); err != nil {
			s.Close()
			return nil, err
		}
		// A fresh database gets the built-in units and plans, as on the
		// server's first start, so that every command sees a working one.
		if _, _, err := setup.Seed(ctx, s, outreach.SystemActor("first-start")); err != nil {
			s.Close()
			return nil, err
		}
		return s, nil
	}
}

func versionString() string {
	if version != "" {
		return version
	}
	v := "dev"
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v = "dev-" + s.Value[:12]
			}
		}
	}
	return v
}

func cmdVersion(ctx context.Context, e env) error {
	fmt.Fprintf(e.stdout, "outreach %s\n", versionString())
	return nil
}
