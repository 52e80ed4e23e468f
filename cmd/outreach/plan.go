package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"outreach/internal/outreach"
	"outreach/internal/planfile"
	"outreach/internal/store"
)

// readPlanFile reads and parses a plan file. With measures, the plan's
// measures are checked against them (planfile.ParseWith); without, the
// store checks them against its quantity kinds on import.
func readPlanFile(path string, measures []string) (*outreach.Plan, []byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	// Read one byte past the limit: a larger file is refused without
	// reading it all.
	data, err := io.ReadAll(io.LimitReader(f, planfile.MaxSize+1))
	if err != nil {
		return nil, nil, err
	}
	if len(data) > planfile.MaxSize {
		size := int64(len(data))
		if st, err := f.Stat(); err == nil {
			size = st.Size()
		}
		return nil, nil, planfile.TooLarge(filepath.Base(path), size)
	}
	if measures != nil {
		p, err := planfile.ParseWith(filepath.Base(path), data, measures)
		return p, data, err
	}
	p, err := planfile.Parse(filepath.Base(path), data)
	return p, data, err
}

func oneArg(args []string, what string) (string, error) {
	if len(args) != 1 {
		return "", usagef("expected one %s, got %d arguments", what, len(args))
	}
	return args[0], nil
}

func cmdPlanValidate(ctx context.Context, e env) error {
	fs := newFlags(e, "plan validate")
	if err := parse(fs, e.args); err != nil {
		return err
	}
	path, err := oneArg(fs.Args(), "FILE")
	if err != nil {
		return err
	}
	// Without a database the measures are checked against the quantity
	// kinds every database starts with; an import checks them against the
	// database's own, which coordinators may have extended.
	p, _, err := readPlanFile(path, store.BuiltinQuantityKinds())
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s: valid plan %s (%s): %d targets, %d themes, %d channels, %d agencies, %d tasks\n",
		path, p.Code, p.Decision.Number, len(p.Targets), len(p.Themes), len(p.Channels), len(p.Agencies), len(p.Tasks))
	return nil
}

func cmdPlanImport(ctx context.Context, e env) error {
	fs := newFlags(e, "plan import")
	open := dataFlag(e, fs)
	if err := parse(fs, e.args); err != nil {
		return err
	}
	path, err := oneArg(fs.Args(), "FILE")
	if err != nil {
		return err
	}
	p, data, err := readPlanFile(path, nil)
	if err != nil {
		return err
	}
	s, err := open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	res, err := s.ImportPlan(ctx, outreach.SystemActor("cli"), p)
	if err != nil {
		return planfile.Locate(filepath.Base(path), data, err)
	}
	fmt.Fprintf(e.stdout, "plan %s: %s\n", p.Code, res)
	return nil
}

func cmdPlanExport(ctx context.Context, e env) error {
	fs := newFlags(e, "plan export")
	open := dataFlag(e, fs)
	out := fs.String("o", "", "write to this file instead of standard output")
	if err := parse(fs, e.args); err != nil {
		return err
	}
	code, err := oneArg(fs.Args(), "plan CODE")
	if err != nil {
		return err
	}
	s, err := open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	p, err := s.Plan(ctx, code)
	if err != nil {
		return err
	}
	data, err := planfile.Marshal(p)
	if err != nil {
		return err
	}
	if *out == "" {
		_, err = e.stdout.Write(data)
		return err
	}
	return os.WriteFile(*out, data, 0o644)
}
