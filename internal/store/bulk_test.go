package store_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"outreach/internal/outreach"
	"outreach/internal/store"
	"outreach/internal/store/storetest"
)

func bulkRows(n int) []store.ActivityRow {
	communes := []string{"02155", "02152", "01903", "01840", "01912"}
	rows := make([]store.ActivityRow, n)
	for i := range rows {
		a := sampleActivity()
		a.Title = fmt.Sprintf("Buổi tuyên truyền số %d", i+1)
		a.Units = []string{communes[i%len(communes)]}
		a.StartDate = fmt.Sprintf("2019-%02d-%02d", i%12+1, i%28+1)
		a.EndDate = a.StartDate
		rows[i] = store.ActivityRow{Line: i + 2, Activity: a}
	}
	return rows
}

func TestImportActivities(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		as := actors(t, s)
		const n = 10_000
		rows := bulkRows(n)
		rows[4711].Units = []string{"99999"}
		file := store.ImportFile{Name: "hoat-dong.csv", SHA256: "bad"}
		_, err := s.ImportActivities(ctx, as["coord"], "bk-1368-2017", file, rows)
		var v *outreach.ValidationError
		if !errors.As(err, &v) || len(v.Problems) != 1 || v.Problems[0].Position != "hoat-dong.csv:4713" || v.Problems[0].Field != "units" || v.Problems[0].Code != outreach.ProbNoUnit {
			t.Fatalf("one bad row: %v", err)
		}
		if page, _ := s.Activities(ctx, as["coord"], store.ActivityFilter{}); page.Total != 0 {
			t.Fatalf("a refused import wrote %d rows", page.Total)
		}
		rows = bulkRows(n)
		file.SHA256 = "good"
		got, err := s.ImportActivities(ctx, as["coord"], "bk-1368-2017", file, rows)
		if err != nil || got != n {
			t.Fatalf("fixed file: %d, %v", got, err)
		}
		page, err := s.Activities(ctx, as["viewer"], store.ActivityFilter{Q: "so 4711"})
		if err != nil || page.Total != 1 || len(page.Items[0].Themes) != 2 || len(page.Items[0].Quantities) != 2 || page.Items[0].Units[0] != "02155" {
			t.Fatalf("imported row 4711: %+v, %v", page, err)
		}
		if all, _ := s.Activities(ctx, as["viewer"], store.ActivityFilter{}); all.Total != n {
			t.Errorf("imported %d, want %d", all.Total, n)
		}
		_, err = s.ImportActivities(ctx, as["coord"], "bk-1368-2017", file, bulkRows(n))
		if !errors.Is(err, outreach.ErrInvalid) || !strings.Contains(err.Error(), "already imported") {
			t.Errorf("the same file again: %v", err)
		}
		// A reporter imports only their own agency's rows.
		other := bulkRows(3)
		other[1].Agency = "bk-hlhpn"
		_, err = s.ImportActivities(ctx, as["police"], "bk-1368-2017", store.ImportFile{Name: "x.csv", SHA256: "x"}, other)
		if !errors.As(err, &v) || v.Problems[0].Position != "x.csv:3" || v.Problems[0].Code != outreach.ProbForbidden {
			t.Errorf("another agency's row: %v", err)
		}
	})
}
