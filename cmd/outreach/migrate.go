package main

import (
	"context"
	"fmt"
)

func cmdMigrate(ctx context.Context, e env) error {
	fs := newFlags(e, "migrate")
	open := dataFlag(e, fs)
	if err := parse(fs, e.args); err != nil {
		return err
	}
	s, err := open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	v, err := s.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "schema at %s (%s)\n", v, s.Engine())
	return nil
}
