package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"outreach/internal/geo"
	"outreach/internal/outreach"
)

func cmdUnitsBoundaries(ctx context.Context, e env) error {
	fs := newFlags(e, "units boundaries")
	open := dataFlag(e, fs)
	asOf := fs.String("as-of", "", "match codes to the units in force on this date (default: each code's latest version)")
	if err := parse(fs, e.args); err != nil {
		return err
	}
	path, err := oneArg(fs.Args(), "GeoJSON FILE")
	if err != nil {
		return err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	features, err := geo.Parse(data)
	if err != nil {
		return outreach.Invalid(filepath.Base(path), "%v", err)
	}
	s, err := open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	n, err := s.ImportBoundaries(ctx, outreach.SystemActor("cli"), filepath.Base(path), features, *asOf)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "boundaries of %d units imported\n", n)
	return nil
}
