package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"outreach/internal/exchange"
	"outreach/internal/i18n"
	"outreach/internal/outreach"
	"outreach/internal/store"
	"outreach/internal/tabular"
)

// progressRows is the size of file from which imports show progress.
const progressRows = 5000

// readTable reads an activity or distribution file, within the readers'
// budgets, and returns it with its name and the digest of its rows (the
// same rows saved differently are the same import).
func readTable(ctx context.Context, path string) (*tabular.Table, store.ImportFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, store.ImportFile{}, err
	}
	defer f.Close()
	name := filepath.Base(path)
	t, err := tabular.ReadContext(ctx, name, f, tabular.DefaultLimits())
	if err != nil {
		return nil, store.ImportFile{}, fmt.Errorf("%s: %w", name, err)
	}
	return t, store.ImportFile{Name: name, SHA256: t.Digest()}, nil
}

// terminal returns stderr as a terminal, or nil when it is not one.
func terminal(e env) *os.File {
	f, ok := e.stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return f
}

// parseProgress shows a bar while a long file is checked, on a terminal
// only; it returns the callback for exchange.Resolver.Progress and a
// function that clears the bar.
func parseProgress(e env, rows int) (func(done, total int), func()) {
	tty := terminal(e)
	if tty == nil || rows <= progressRows {
		return nil, func() {}
	}
	bar := progressbar.NewOptions(rows, progressbar.OptionSetWriter(tty), progressbar.OptionSetDescription("Kiểm tra các dòng"),
		progressbar.OptionShowCount(), progressbar.OptionSetWidth(30), progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish())
	return func(done, _ int) { _ = bar.Set(done) }, func() { _ = bar.Finish() }
}

// writeProgress shows a spinner while a long file is written to the
// database, on a terminal only; it returns a function that clears it.
func writeProgress(e env, rows int) func() {
	tty := terminal(e)
	if tty == nil || rows <= progressRows {
		return func() {}
	}
	bar := progressbar.NewOptions(-1, progressbar.OptionSetWriter(tty), progressbar.OptionSetDescription("Ghi vào cơ sở dữ liệu"),
		progressbar.OptionSpinnerType(14), progressbar.OptionClearOnFinish())
	_ = bar.RenderBlank()
	return func() { _ = bar.Finish() }
}

// problemsError is returned once a file's problems have been printed.
type problemsError struct{ n int }

func (p problemsError) Error() string {
	return fmt.Sprintf("%d lỗi; không có dòng nào được nhập", p.n)
}

// printProblems prints every problem as "file:LINE: message" (the message
// names the column) and returns the error that exits with status 1.
func printProblems(w io.Writer, problems []outreach.Problem) error {
	for _, p := range problems {
		if p.Position != "" {
			fmt.Fprintf(w, "%s: %s\n", p.Position, p.Message)
		} else {
			fmt.Fprintln(w, p.Message)
		}
	}
	return problemsError{len(problems)}
}

// importFailed prints the store's problems, worded by translate, or
// returns other errors as they are.
func importFailed(w io.Writer, err error, translate func(error) error) error {
	var v *outreach.ValidationError
	if errors.As(translate(err), &v) {
		return printProblems(w, v.Problems)
	}
	return err
}

func seconds(d time.Duration) string {
	return i18n.Number(float64(d.Round(100*time.Millisecond).Milliseconds()) / 1000)
}

func cmdImportActivities(ctx context.Context, e env) error {
	fs := newFlags(e, "import activities")
	open := dataFlag(e, fs)
	plan := fs.String("plan", "", "the plan's code, e.g. bk-1368-2017 (required)")
	agency := fs.String("agency", "", "agency (code or name) of rows whose agency cell is empty; lets the file leave the column out")
	if err := parse(fs, e.args); err != nil {
		return err
	}
	if fs.NArg() != 1 || *plan == "" {
		return usagef("expected import activities FILE --plan CODE [--agency CODE]")
	}
	start := time.Now()
	t, file, err := readTable(ctx, fs.Arg(0))
	if err != nil {
		return err
	}
	s, err := open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	r, err := exchange.NewResolver(ctx, s, *plan)
	if err != nil {
		return err
	}
	var done func()
	r.Progress, done = parseProgress(e, len(t.Rows))
	rows, problems := exchange.ParseActivities(t, file.Name, r, *agency)
	done()
	if len(problems) > 0 {
		return printProblems(e.stderr, problems)
	}
	done = writeProgress(e, len(rows))
	n, err := s.ImportActivities(ctx, outreach.SystemActor("cli"), *plan, file, rows)
	done()
	if err != nil {
		return importFailed(e.stderr, err, func(err error) error { return r.TranslateActivityError(err, rows) })
	}
	fmt.Fprintf(e.stdout, "%s hoạt động đã nhập (%s giây)\n", i18n.Number(n), seconds(time.Since(start)))
	return nil
}

func cmdImportDistributions(ctx context.Context, e env) error {
	fs := newFlags(e, "import distributions")
	open := dataFlag(e, fs)
	plan := fs.String("plan", "", "the plan's code, e.g. bk-1368-2017 (required)")
	if err := parse(fs, e.args); err != nil {
		return err
	}
	if fs.NArg() != 1 || *plan == "" {
		return usagef("expected import distributions FILE --plan CODE")
	}
	start := time.Now()
	t, file, err := readTable(ctx, fs.Arg(0))
	if err != nil {
		return err
	}
	s, err := open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	r, err := exchange.NewResolver(ctx, s, *plan)
	if err != nil {
		return err
	}
	var done func()
	r.Progress, done = parseProgress(e, len(t.Rows))
	rows, problems := exchange.ParseDistributions(t, file.Name, r)
	done()
	if len(problems) > 0 {
		return printProblems(e.stderr, problems)
	}
	n, err := s.ImportDistributions(ctx, outreach.SystemActor("cli"), *plan, file, rows)
	if err != nil {
		return importFailed(e.stderr, err, exchange.TranslateDistributionError)
	}
	lines := 0
	for _, d := range rows {
		lines += len(d.Lines)
	}
	fmt.Fprintf(e.stdout, "%s đợt phân phối tài liệu (%s dòng) đã nhập (%s giây)\n", i18n.Number(n), i18n.Number(lines), seconds(time.Since(start)))
	return nil
}

// outputFlags adds --plan, --format and -o to an export or template
// command.
type outputFlags struct {
	plan, format, out *string
}

func newOutputFlags(fs *flag.FlagSet) outputFlags {
	return outputFlags{
		plan:   fs.String("plan", "", "the plan's code, e.g. bk-1368-2017 (required)"),
		format: fs.String("format", "", "csv or xlsx (default: from the -o file's extension, else csv)"),
		out:    fs.String("o", "", "write to this file instead of standard output"),
	}
}

// check validates the flags and settles the format.
func (o outputFlags) check(usage string) error {
	if *o.plan == "" {
		return usagef("expected %s", usage)
	}
	if *o.format == "" {
		*o.format = "csv"
		if strings.EqualFold(filepath.Ext(*o.out), ".xlsx") {
			*o.format = "xlsx"
		}
	}
	if *o.format != "csv" && *o.format != "xlsx" {
		return usagef("--format must be csv or xlsx, not %q", *o.format)
	}
	return nil
}

// write writes through fn to the -o file (removed again on failure) or
// to standard output.
func (o outputFlags) write(e env, fn func(w io.Writer) error) error {
	if *o.out == "" {
		return fn(e.stdout)
	}
	f, err := os.Create(*o.out)
	if err != nil {
		return err
	}
	if err := fn(f); err != nil {
		f.Close()
		os.Remove(*o.out)
		return err
	}
	return f.Close()
}

func cmdExportActivities(ctx context.Context, e env) error {
	fs := newFlags(e, "export activities")
	open := dataFlag(e, fs)
	o := newOutputFlags(fs)
	if err := parse(fs, e.args); err != nil {
		return err
	}
	const usage = "export activities --plan CODE [--format csv|xlsx] [-o FILE]"
	if fs.NArg() != 0 {
		return usagef("expected %s", usage)
	}
	if err := o.check(usage); err != nil {
		return err
	}
	s, err := open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	r, err := exchange.NewResolver(ctx, s, *o.plan)
	if err != nil {
		return err
	}
	items, err := s.AllActivities(ctx, outreach.SystemActor("cli"), store.ActivityFilter{Plan: *o.plan, Sort: "date"})
	if err != nil {
		return err
	}
	if err := o.write(e, func(w io.Writer) error { return exchange.ExportActivities(w, *o.format, items, r) }); err != nil {
		return err
	}
	if *o.out != "" {
		fmt.Fprintf(e.stdout, "%s hoạt động đã xuất ra %s\n", i18n.Number(len(items)), *o.out)
	}
	return nil
}

func cmdExportDistributions(ctx context.Context, e env) error {
	fs := newFlags(e, "export distributions")
	open := dataFlag(e, fs)
	o := newOutputFlags(fs)
	if err := parse(fs, e.args); err != nil {
		return err
	}
	const usage = "export distributions --plan CODE [--format csv|xlsx] [-o FILE]"
	if fs.NArg() != 0 {
		return usagef("expected %s", usage)
	}
	if err := o.check(usage); err != nil {
		return err
	}
	s, err := open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	r, err := exchange.NewResolver(ctx, s, *o.plan)
	if err != nil {
		return err
	}
	items, err := s.AllDistributions(ctx, outreach.SystemActor("cli"), store.DistributionFilter{Plan: *o.plan})
	if err != nil {
		return err
	}
	if err := o.write(e, func(w io.Writer) error { return exchange.ExportDistributions(w, *o.format, items, r) }); err != nil {
		return err
	}
	if *o.out != "" {
		fmt.Fprintf(e.stdout, "%s đợt phân phối tài liệu đã xuất ra %s\n", i18n.Number(len(items)), *o.out)
	}
	return nil
}

func cmdTemplate(name string, tmpl func(io.Writer, string, *exchange.Resolver) error) func(context.Context, env) error {
	return func(ctx context.Context, e env) error {
		fs := newFlags(e, "template "+name)
		open := dataFlag(e, fs)
		o := newOutputFlags(fs)
		if err := parse(fs, e.args); err != nil {
			return err
		}
		usage := "template " + name + " --plan CODE --format csv|xlsx -o FILE"
		if fs.NArg() != 0 {
			return usagef("expected %s", usage)
		}
		if err := o.check(usage); err != nil {
			return err
		}
		s, err := open(ctx)
		if err != nil {
			return err
		}
		defer s.Close()
		r, err := exchange.NewResolver(ctx, s, *o.plan)
		if err != nil {
			return err
		}
		if err := o.write(e, func(w io.Writer) error { return tmpl(w, *o.format, r) }); err != nil {
			return err
		}
		if *o.out != "" {
			fmt.Fprintf(e.stdout, "Đã ghi mẫu %s\n", *o.out)
		}
		return nil
	}
}

var (
	cmdTemplateActivities    = cmdTemplate("activities", exchange.ActivityTemplate)
	cmdTemplateDistributions = cmdTemplate("distributions", exchange.DistributionTemplate)
)
