package seed

import "embed"

// Units holds the generated seed files units/units.csv,
// units/unit_changes.csv and units/population.csv (formats in
// units/README.md).
//
//go:embed units/*.csv
var Units embed.FS
