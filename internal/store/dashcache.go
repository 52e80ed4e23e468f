package store

import (
	"context"
	"fmt"
	"sync"
)

// The dashboard is read far more often than the data changes, and it costs
// about 20 ms of CPU to compute. On SQLite every change writes an audit
// row and writers are serialised, so audit ids grow in commit order: the
// largest id is a generation number that changes with every committed
// change, in this process or another (the CLI). A dashboard computed at a
// generation is served again, unchanged, until the generation moves — so
// it is still live, never stale. PostgreSQL assigns ids before commit, out
// of commit order, so there the dashboard is always computed.
type dashCache struct {
	mu    sync.Mutex
	gen   int64
	items map[IndicatorQuery]*Dashboard
}

// dashCacheSize bounds the entries kept for one generation (years × units
// × tree dates people look at).
const dashCacheSize = 256

func (s *Store) generation(ctx context.Context) (int64, error) {
	var g int64
	err := s.db.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM audit_log`).Scan(&g)
	return g, err
}

// cachedDashboard returns the dashboard for q from the cache or computes
// it. The result is shared: callers must not change it.
func (s *Store) cachedDashboard(ctx context.Context, q IndicatorQuery, compute func() (*Dashboard, error)) (*Dashboard, error) {
	if s.engine != SQLite {
		return compute()
	}
	gen, err := s.generation(ctx)
	if err != nil {
		return nil, fmt.Errorf("dashboard cache: %w", err)
	}
	// The years still to come are shown empty (dashboard): a new year
	// starts a new generation.
	gen = gen*10000 + int64(s.now().Year())
	c := &s.dash
	c.mu.Lock()
	if c.gen != gen {
		c.gen, c.items = gen, map[IndicatorQuery]*Dashboard{}
	}
	d, ok := c.items[q]
	c.mu.Unlock()
	if ok {
		return d, nil
	}
	if d, err = compute(); err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.gen == gen && len(c.items) < dashCacheSize {
		c.items[q] = d
	}
	c.mu.Unlock()
	return d, nil
}
