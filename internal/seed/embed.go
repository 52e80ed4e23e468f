package seed

import "embed"

// Units holds the generated seed files, gzip-compressed CSV:
// units/units.csv.gz, units/unit_changes.csv.gz, units/unresolved.csv.gz
// and units/population.csv.gz (formats in units/README.md).
//
//go:embed units/*.csv.gz
var Units embed.FS
