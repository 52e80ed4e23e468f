package outreach

import "testing"

func TestRenameAgenciesInTargets(t *testing.T) {
	p := &Plan{Agencies: []Agency{{Code: "ca"}, {Code: "bbk"}},
		Targets: []Target{{Code: "II.2.1", Kind: KindReported, Agency: "ca"}, {Code: "II.2.2", Kind: KindCount, Filter: &Filter{Agencies: []string{"bbk"}}}}}
	p.RenameAgencies(func(c string) string { return "p19-" + c })
	if p.Targets[0].Agency != "p19-ca" || p.Targets[1].Filter.Agencies[0] != "p19-bbk" {
		t.Errorf("targets kept their old agency codes: %q, %v", p.Targets[0].Agency, p.Targets[1].Filter.Agencies)
	}
}

func TestFilterEmpty(t *testing.T) {
	var none *Filter
	for _, c := range []struct {
		f     *Filter
		empty bool
	}{{none, true}, {&Filter{}, true}, {&Filter{MediaLevels: []string{MediaProvincial}}, false}, {&Filter{Audience: PopWomen}, false}} {
		if c.f.Empty() != c.empty {
			t.Errorf("%+v: empty %v, want %v", c.f, c.f.Empty(), c.empty)
		}
	}
}
