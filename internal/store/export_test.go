package store

import "context"

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
	for _, w := range t.weights(id, records) {
		out[w.id] += w.w
	}
	return out, nil
}
