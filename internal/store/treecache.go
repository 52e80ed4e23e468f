package store

import (
	"context"
	"sync"

	"outreach/internal/outreach"
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

// maxTrees bounds the dates kept (the national tree of 13,763 versions
// with its weights took 8 MB); past it the cache starts again.
const maxTrees = 8

// treeAt returns the unit tree as it stood on asOf, frozen for sharing.
func (s *Store) treeAt(ctx context.Context, asOf string) (*tree, error) {
	gen, err := auditGeneration(ctx, s.reads(), `'units'`)
	if err != nil {
		return nil, err
	}
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

// Plans are kept too, for the indicator engine: loading one (its
// targets, tasks, agencies…) is about fifteen queries, which on
// PostgreSQL cost most of one province's computation. A plan changes
// only by ImportPlan, and what its references resolve to by unit
// imports; both write audit rows, which refsGeneration follows.
type planCache struct {
	mu    sync.Mutex
	gen   string
	plans map[string]*enginePlan
}

// enginePlan is a plan as the engine reads it. It is shared: it must
// not be changed.
type enginePlan struct {
	plan *outreach.Plan
	id   int64
	ref  planRef
	// kinds are the quantity kinds' ids by code, tasks the plan's task
	// clauses by id (0: no task): the rollups are keyed by id.
	kinds map[string]int64
	tasks map[int64]string
}

// enginePlan returns the plan with the code, loaded once per generation
// of the references.
func (s *Store) enginePlan(ctx context.Context, code string) (*enginePlan, error) {
	gen, err := refsGeneration(ctx, s.reads())
	if err != nil {
		return nil, err
	}
	c := &s.plans
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		c.gen, c.plans = gen, map[string]*enginePlan{}
	}
	if p, ok := c.plans[code]; ok {
		return p, nil
	}
	p, id, err := loadPlan(ctx, s.db, code)
	if err != nil {
		return nil, err
	}
	ref, err := resolvePlan(ctx, s.db, code)
	if err != nil {
		return nil, err
	}
	ep := &enginePlan{plan: p, id: id, ref: ref, tasks: map[int64]string{0: ""}}
	if ep.kinds, err = codeIDs(ctx, s.db, `SELECT code, id FROM quantity_kinds`); err != nil {
		return nil, err
	}
	tasks, err := codeIDs(ctx, s.db, `SELECT clause, id FROM plan_tasks WHERE plan_id = $1`, id)
	if err != nil {
		return nil, err
	}
	for clause, id := range tasks {
		ep.tasks[id] = clause
	}
	c.plans[code] = ep
	return ep, nil
}
