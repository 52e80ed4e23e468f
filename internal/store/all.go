package store

import (
	"context"

	"outreach/internal/outreach"
)

// exportPage is how many records AllActivities and AllDistributions read
// per query (the list's largest page).
const exportPage = 500

// AllActivities returns every activity the filter selects and the actor
// may read (for exports), page by page; Limit and Offset are ignored.
func (s *Store) AllActivities(ctx context.Context, actor outreach.Actor, f ActivityFilter) ([]*ActivityView, error) {
	var all []*ActivityView
	f.Limit, f.Offset = exportPage, 0
	for {
		page, err := s.Activities(ctx, actor, f)
		if err != nil {
			return nil, err
		}
		all = append(all, page.Items...)
		if len(page.Items) < f.Limit {
			return all, nil
		}
		f.Offset += f.Limit
	}
}

// AllDistributions returns every distribution the filter selects and the
// actor may read (for exports), page by page; Limit and Offset are ignored.
func (s *Store) AllDistributions(ctx context.Context, actor outreach.Actor, f DistributionFilter) ([]*DistributionView, error) {
	var all []*DistributionView
	f.Limit, f.Offset = exportPage, 0
	for {
		page, err := s.Distributions(ctx, actor, f)
		if err != nil {
			return nil, err
		}
		all = append(all, page.Items...)
		if len(page.Items) < f.Limit {
			return all, nil
		}
		f.Offset += f.Limit
	}
}
