package store

import (
	"context"
	"database/sql"
	"outreach/internal/indicators"
	"slices"
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
	trees map[string]*indicators.Tree
}

// maxTrees bounds the dates kept (the national tree of 13,763 versions
// with its weights took 8 MB); past it the cache starts again.
const maxTrees = 8

// treeAt returns the unit tree as it stood on asOf, frozen for sharing.
func (s *Store) treeAt(ctx context.Context, asOf string) (*indicators.Tree, error) {
	gen, err := auditGeneration(ctx, s.reads(), `'units'`)
	if err != nil {
		return nil, err
	}
	c := &s.trees
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen || len(c.trees) >= maxTrees {
		c.gen, c.trees = gen, map[string]*indicators.Tree{}
	}
	if t, ok := c.trees[asOf]; ok {
		return t, nil
	}
	t, err := s.loadTree(ctx, asOf)
	if err != nil {
		return nil, err
	}
	t.Freeze()
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
	// serving lists, per target code, the plans whose records count
	// toward it: the plan itself and every plan serving it through a
	// target that names it as parent (recursively), ids sorted.
	serving map[string][]int64
	// scopeUnits holds, for every plan serving one of the targets, the
	// version of its scope unit in force when it starts: what it records
	// "for the whole area" counts there.
	scopeUnits map[int64]int64
}

// servingPlans finds, for each of the plan's targets, the plans whose
// records count toward it: the plan's own, and those of every plan whose
// target names it as parent target, and theirs in turn.
func servingPlans(ctx context.Context, q querier, planID int64, p *outreach.Plan) (map[string][]int64, error) {
	type link struct {
		plan   int64
		target string
	}
	// Every (child plan, child target) serving (parent plan, parent target).
	children := map[link][]link{}
	err := each(ctx, q, `SELECT c.parent_plan_id, t.parent_target, c.id, t.code FROM plans c JOIN plan_targets t ON t.plan_id = c.id
		WHERE c.parent_plan_id IS NOT NULL AND t.parent_target <> ''`, nil, func(r *sql.Rows) error {
		var parent, child link
		if err := r.Scan(&parent.plan, &parent.target, &child.plan, &child.target); err != nil {
			return err
		}
		children[parent] = append(children[parent], child)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := map[string][]int64{}
	for _, t := range p.Targets {
		seen := map[int64]bool{planID: true}
		ids := []int64{planID}
		queue := []link{{planID, t.Code}}
		visited := map[link]bool{queue[0]: true}
		for len(queue) > 0 {
			l := queue[0]
			queue = queue[1:]
			for _, c := range children[l] {
				if !seen[c.plan] {
					seen[c.plan] = true
					ids = append(ids, c.plan)
				}
				if !visited[c] {
					visited[c] = true
					queue = append(queue, c)
				}
			}
		}
		slices.Sort(ids)
		out[t.Code] = ids
	}
	return out, nil
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
	if ep.serving, err = servingPlans(ctx, s.db, id, p); err != nil {
		return nil, err
	}
	if ep.scopeUnits, err = scopeUnits(ctx, s.db, id, ep.serving); err != nil {
		return nil, err
	}
	c.plans[code] = ep
	return ep, nil
}

// scopeUnits finds, in one query, the version of each serving plan's scope
// unit in force when the plan starts (else its first).
func scopeUnits(ctx context.Context, q querier, planID int64, serving map[string][]int64) (map[int64]int64, error) {
	var ids []int64
	for _, set := range serving {
		for _, id := range set {
			if id != planID && !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	out := map[int64]int64{}
	if len(ids) == 0 {
		return out, nil
	}
	// Ordered so that, per plan, the version in force at its start comes
	// last and is kept. Integers formatted here, never user input.
	err := each(ctx, q, `SELECT p.id, u.id FROM plans p JOIN units u ON u.code = p.scope_code WHERE p.id IN (`+idList(ids)+`)
		ORDER BY p.id, (CASE WHEN (u.valid_from IS NULL OR u.valid_from <= (p.period_from || '-01-01')) AND (u.valid_to IS NULL OR u.valid_to > (p.period_from || '-01-01')) THEN 1 ELSE 0 END),
		coalesce(u.valid_from, '') DESC`, nil, func(r *sql.Rows) error {
		var plan, unit int64
		err := r.Scan(&plan, &unit)
		out[plan] = unit
		return err
	})
	return out, err
}
