package store

import (
	"context"
	"fmt"
)

// SetAfterResolve makes f run between an activity's resolution, outside
// its transaction, and the transaction.
func SetAfterResolve(s *Store, f func()) { s.afterResolve = f }

// CarriedTo is where the crosswalk carries a unit version's figures on
// the tree as it stood on asOf: records (passed up to an ancestor when no
// successor takes them) or census figures.
func CarriedTo(s *Store, asOf string, id int64, records bool) (map[int64]float64, error) {
	t, err := s.loadTree(context.Background(), asOf)
	if err != nil {
		return nil, err
	}
	out := map[int64]float64{}
	for _, w := range t.Weights(id, records) {
		out[w.ID] += w.Share
	}
	return out, nil
}

// ActivityFiguresBothWays computes the activity figures of the dashboard
// of q from the tally rollup and from the records, and reports whether
// the dashboard itself reads the rollup.
func ActivityFiguresBothWays(s *Store, q IndicatorQuery) (rollup, records *Dashboard, fromRollup bool, err error) {
	e, q, err := s.scopedEngine(context.Background(), q)
	if err != nil {
		return nil, nil, false, err
	}
	e.q.Year, e.To = q.Year, fmt.Sprintf("%d-12-31", q.Year)
	rollup = &Dashboard{Plan: e.Plan, Year: q.Year, From: q.From, To: q.To}
	records = &Dashboard{Plan: e.Plan, Year: q.Year, From: q.From, To: q.To}
	if fromRollup, err = e.tallyFromRollup(rollup); err != nil {
		return nil, nil, false, err
	}
	t := newTallies()
	if err := e.rollupTallies(t); err != nil {
		return nil, nil, false, err
	}
	t.fill(rollup)
	t = newTallies()
	if err := e.recordTallies(records, t); err != nil {
		return nil, nil, false, err
	}
	t.fill(records)
	return rollup, records, fromRollup, nil
}
