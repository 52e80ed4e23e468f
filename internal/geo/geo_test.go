package geo

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

func TestSharedBoundaries(t *testing.T) {
	for _, c := range []struct {
		file string
		n    int
	}{{"bac-kan-districts-2019.geojson", 8}, {"bac-kan-communes-2025.geojson", 37}} {
		data, err := os.ReadFile("../../../shared/data/" + c.file)
		if err != nil {
			t.Skipf("reference data not here: %v", err)
		}
		fs, err := Parse(data)
		if err != nil || len(fs) != c.n {
			t.Fatalf("%s: %d features, %v", c.file, len(fs), err)
		}
		geoms := map[string]json.RawMessage{}
		for _, f := range fs {
			geoms[f.Code] = f.Geometry
		}
		paths, h, err := Paths(geoms, 600)
		if err != nil || len(paths) != c.n || h < 300 || h > 1200 || !strings.HasPrefix(paths[fs[0].Code], "M") {
			t.Errorf("%s: %d paths, height %d, %v", c.file, len(paths), h, err)
		}
	}
}

func TestParseProblems(t *testing.T) {
	for name, src := range map[string]string{
		"not json":     `{`,
		"no features":  `{"type":"FeatureCollection","features":[]}`,
		"no code":      `{"type":"FeatureCollection","features":[{"properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}`,
		"a point":      `{"type":"FeatureCollection","features":[{"properties":{"code":"1"},"geometry":{"type":"Point","coordinates":[0,0]}}]}`,
		"out of range": `{"type":"FeatureCollection","features":[{"properties":{"code":"1"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[500,0],[1,1],[0,0]]]}}]}`,
	} {
		if _, err := Parse([]byte(src)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
