// Package geo reads unit boundaries from GeoJSON and draws them as SVG
// paths, for the dashboard's map. It knows Polygon and MultiPolygon in
// longitude/latitude, which is what administrative boundaries are.
package geo

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
)

// Feature is a unit's boundary: its code (the feature's "code" property)
// and its geometry as GeoJSON.
type Feature struct {
	Code     string
	Name     string
	Geometry json.RawMessage
}

// Parse reads a FeatureCollection. Every feature needs a "code" property
// and a Polygon or MultiPolygon geometry with coordinates in range.
func Parse(data []byte) ([]Feature, error) {
	var fc struct {
		Type     string `json:"type"`
		Features []struct {
			Properties map[string]any  `json:"properties"`
			Geometry   json.RawMessage `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(data, &fc); err != nil {
		return nil, fmt.Errorf("not GeoJSON: %w", err)
	}
	if fc.Type != "FeatureCollection" {
		return nil, fmt.Errorf("expected a FeatureCollection, got %q", fc.Type)
	}
	var out []Feature
	for i, f := range fc.Features {
		code, _ := f.Properties["code"].(string)
		name, _ := f.Properties["name"].(string)
		if code == "" {
			return nil, fmt.Errorf("feature %d: no \"code\" property (the unit's GSO code, as text)", i+1)
		}
		if _, err := polygons(f.Geometry); err != nil {
			return nil, fmt.Errorf("feature %d (%s): %w", i+1, code, err)
		}
		out = append(out, Feature{Code: code, Name: name, Geometry: f.Geometry})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("the collection has no feature")
	}
	return out, nil
}

type ring [][2]float64

// polygons decodes a geometry into its rings, polygon by polygon.
func polygons(g json.RawMessage) ([][]ring, error) {
	var head struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	}
	if err := json.Unmarshal(g, &head); err != nil {
		return nil, fmt.Errorf("bad geometry: %w", err)
	}
	var ps [][]ring
	switch head.Type {
	case "Polygon":
		var p []ring
		if err := json.Unmarshal(head.Coordinates, &p); err != nil {
			return nil, fmt.Errorf("bad Polygon: %w", err)
		}
		ps = [][]ring{p}
	case "MultiPolygon":
		if err := json.Unmarshal(head.Coordinates, &ps); err != nil {
			return nil, fmt.Errorf("bad MultiPolygon: %w", err)
		}
	default:
		return nil, fmt.Errorf("expected a Polygon or MultiPolygon, got %q", head.Type)
	}
	for _, p := range ps {
		for _, r := range p {
			if len(r) < 4 {
				return nil, fmt.Errorf("a ring has %d points; at least 4 are needed", len(r))
			}
			for _, pt := range r {
				if pt[0] < -180 || pt[0] > 180 || pt[1] < -90 || pt[1] > 90 {
					return nil, fmt.Errorf("point %v is not longitude, latitude", pt)
				}
			}
		}
	}
	return ps, nil
}

// Paths projects geometries (by key) onto a width×height box, keeping
// their shape (equirectangular at the mean latitude), and returns an SVG
// path per key and the box's height used.
func Paths(geoms map[string]json.RawMessage, width int) (map[string]string, int, error) {
	decoded := map[string][][]ring{}
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for k, g := range geoms {
		ps, err := polygons(g)
		if err != nil {
			return nil, 0, fmt.Errorf("%s: %w", k, err)
		}
		decoded[k] = ps
		for _, p := range ps {
			for _, r := range p {
				for _, pt := range r {
					minX, maxX = math.Min(minX, pt[0]), math.Max(maxX, pt[0])
					minY, maxY = math.Min(minY, pt[1]), math.Max(maxY, pt[1])
				}
			}
		}
	}
	if len(decoded) == 0 {
		return nil, 0, nil
	}
	k := math.Cos((minY + maxY) / 2 * math.Pi / 180)
	spanX, spanY := (maxX-minX)*k, maxY-minY
	if spanX == 0 || spanY == 0 {
		return nil, 0, fmt.Errorf("the boundaries have no extent")
	}
	scale := float64(width) / spanX
	height := int(math.Ceil(spanY * scale))
	out := map[string]string{}
	for key, ps := range decoded {
		var sb strings.Builder
		for _, p := range ps {
			for _, r := range p {
				for i, pt := range r {
					x := (pt[0] - minX) * k * scale
					y := (maxY - pt[1]) * scale
					if i == 0 {
						fmt.Fprintf(&sb, "M%.1f %.1f", x, y)
					} else {
						fmt.Fprintf(&sb, "L%.1f %.1f", x, y)
					}
				}
				sb.WriteString("Z")
			}
		}
		out[key] = sb.String()
	}
	return out, height, nil
}
