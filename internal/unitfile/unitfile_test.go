package unitfile_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"strings"
	"testing"

	"outreach/internal/outreach"
	"outreach/internal/unitfile"
)

func TestParse(t *testing.T) {
	kind, d, err := unitfile.Parse("u.csv", []byte("\xef\xbb\xbfcode,name,type,level,parent_code,valid_from,valid_to\n06,Tỉnh Bắc Kạn,tinh,1,,,2025-07-01\n"))
	if err != nil || kind != unitfile.KindUnits || len(d.Units) != 1 || d.Units[0].Name != "Tỉnh Bắc Kạn" || d.Units[0].Ref != "u.csv:2" {
		t.Fatalf("BOM-prefixed units file: %v %v %+v", kind, err, d)
	}
	kind, d, err = unitfile.Parse("c.csv", []byte("date,kind,old_code,new_code,portion,basis,note\n2020-02-01,split,02149,02137,partial,NQ 855,\"10,56 km2\"\n"))
	if err != nil || kind != unitfile.KindChanges || d.Changes[0].Portion != "partial" || d.Changes[0].Note != "10,56 km2" {
		t.Fatalf("changes file: %v %+v", err, d)
	}
	_, _, err = unitfile.Parse("bad.csv", []byte("code,name,type,level,parent_code,valid_from,valid_to\n"+
		"01,,tinh,1,,,\n"+
		"02,X,huyen,2,,08/09/2017,\n"+
		"03,Y,xa,4,02,2020-01-01,2019-01-01\n"))
	var v *outreach.ValidationError
	if !errors.As(err, &v) {
		t.Fatalf("err = %v", err)
	}
	text := err.Error()
	for _, want := range []string{"bad.csv:2:name", "bad.csv:3:parent_code", "bad.csv:3:valid_from", "bad.csv:4:level", "bad.csv:4:valid_to"} {
		if !strings.Contains(text, want) {
			t.Errorf("problems lack %s:\n%s", want, text)
		}
	}
	if _, _, err := unitfile.Parse("p.csv", []byte("code,ref_date,group,value,source\n06,2019-04-01,total,nhiều,x\n")); err == nil || !strings.Contains(err.Error(), "p.csv:2:value") {
		t.Errorf("population value: %v", err)
	}
}

func TestParseChangeColumns(t *testing.T) {
	// Today's files: without share, with share, with confidence and
	// uncertain.
	for _, c := range []struct {
		file     string
		assessed bool
	}{
		{"date,kind,old_code,new_code,portion,basis,note\n2026-07-01,merged_into,01843,01840,full,NQ 1/2026,\n", false},
		{"date,kind,old_code,new_code,portion,basis,note,share\n2026-07-01,merged_into,01843,01840,full,NQ 1/2026,,\n", false},
		{"date,kind,old_code,new_code,portion,basis,note,share,confidence,uncertain\n2026-07-01,merged_into,01843,01840,full,NQ 1/2026,,,manual:low,1\n", true},
	} {
		kind, d, err := unitfile.Parse("c.csv", []byte(c.file))
		if err != nil || kind != unitfile.KindChanges || len(d.Changes) != 1 {
			t.Fatalf("%q: %v %v", c.file, kind, err)
		}
		ch := d.Changes[0]
		if ch.Assessed != c.assessed || ch.Uncertain != c.assessed || (ch.Confidence == "manual:low") != c.assessed || ch.NewCode != "01840" {
			t.Errorf("%q: %+v", c.file, ch)
		}
	}
	_, _, err := unitfile.Parse("c.csv", []byte("date,kind,old_code,new_code,portion,basis,note,share,confidence,uncertain\n2026-07-01,split,01843,01840,partial,NQ,,,high,maybe\n"))
	if err == nil || !strings.Contains(err.Error(), "c.csv:2:uncertain") {
		t.Errorf("bad uncertain: %v", err)
	}
}

func TestParseUnresolved(t *testing.T) {
	kind, d, err := unitfile.Parse("u.csv", []byte("date,code,unknown,reason\n2025-01-01,05704,successor,không rõ\n2025-01-01,05705,predecessor,\n"))
	if err != nil || kind != unitfile.KindUnresolved || len(d.Unresolved) != 2 || d.Unresolved[0].Code != "05704" ||
		d.Unresolved[0].Unknown != outreach.UnknownSuccessor || d.Unresolved[1].Ref != "u.csv:3" {
		t.Fatalf("unresolved file: %v %v %+v", kind, err, d)
	}
	_, _, err = unitfile.Parse("u.csv", []byte("date,code,unknown,reason\n2025-13-01,0/1,both,\n"))
	for _, want := range []string{"u.csv:2:date", "u.csv:2:code", "u.csv:2:unknown"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("problems lack %s: %v", want, err)
		}
	}
}

func TestParseGzip(t *testing.T) {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte("code,ref_date,group,value,source\n06,2019-04-01,total,313905,TĐTDS\n"))
	zw.Close()
	kind, d, err := unitfile.Parse("p.csv.gz", b.Bytes())
	if err != nil || kind != unitfile.KindPopulation || d.Populations[0].Value != 313905 || d.Populations[0].Ref != "p.csv:2" {
		t.Fatalf("gzip file: %v %v %+v", kind, err, d)
	}
	if _, _, err := unitfile.Parse("p.csv.gz", b.Bytes()[:20]); err == nil || !strings.Contains(err.Error(), "decompress") {
		t.Errorf("truncated gzip: %v", err)
	}
}
