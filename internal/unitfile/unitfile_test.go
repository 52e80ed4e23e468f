package unitfile_test

import (
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
