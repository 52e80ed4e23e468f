// Package docs carries the documents the web UI shows to its users, so
// the method behind every figure is one click away and never out of date.
package docs

import _ "embed"

// Indicators is docs/indicators.md: how the plan's targets are computed.
//
//go:embed indicators.md
var Indicators string
