package store

import (
	"context"
	"fmt"
	"sync"
)

// Unit trees are kept between requests, one per date asked for: reading
// and preparing the national tree (13,578 unit versions, their changes
// and census figures) cost more than computing every target from the
// rollups. Units change only by ImportUnits, which writes an audit row
// in the same transaction; the trees are dropped when the number or the
// largest id of those rows moves, from this process or another.
type treeCache struct {
	mu    sync.Mutex
	gen   string
	trees map[string]*tree
}

// maxTrees bounds the dates kept; past it the cache starts again.
const maxTrees = 32

// treeAt returns the unit tree as it stood on asOf, frozen for sharing.
func (s *Store) treeAt(ctx context.Context, asOf string) (*tree, error) {
	var n, last int64
	err := s.db.QueryRowContext(ctx, `SELECT count(*), coalesce(max(id), 0) FROM audit_log WHERE entity = 'units'`).Scan(&n, &last)
	if err != nil {
		return nil, err
	}
	gen := fmt.Sprint(n, "/", last)
	c := &s.trees
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen || len(c.trees) >= maxTrees {
		c.gen, c.trees = gen, map[string]*tree{}
	}
	if t, ok := c.trees[asOf]; ok {
		return t, nil
	}
	t, err := s.loadTree(ctx, asOf)
	if err != nil {
		return nil, err
	}
	t.freeze()
	c.trees[asOf] = t
	return t, nil
}
