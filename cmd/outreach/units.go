package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"outreach/internal/outreach"
	"outreach/internal/unitfile"
)

func cmdUnitsImport(ctx context.Context, e env) error {
	fs := newFlags(e, "units import")
	open := dataFlag(e, fs)
	if err := parse(fs, e.args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("expected one or more CSV files (units, unit_changes or population)")
	}
	// All files are read first and imported in one transaction, so a
	// units file and the changes that refer to it can come together.
	all := &unitfile.Data{}
	problems := &outreach.ValidationError{}
	for _, path := range fs.Args() {
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		_, d, err := unitfile.Parse(filepath.Base(path), data)
		if verr, ok := err.(*outreach.ValidationError); ok {
			problems.Problems = append(problems.Problems, verr.Problems...)
			continue
		} else if err != nil {
			return err
		}
		all.Merge(d)
	}
	if err := problems.Err(); err != nil {
		return err
	}
	s, err := open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	res, err := s.ImportUnits(ctx, outreach.SystemActor("cli"), all)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "units: %d added, %d updated; changes: %d added, %d updated; population figures: %d\n",
		res.UnitsAdded, res.UnitsUpdated, res.ChangesAdded, res.ChangesUpdated, res.Populations)
	return nil
}
