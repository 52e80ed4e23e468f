package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"outreach/internal/outreach"
)

// Record metadata and helpers shared by activities, distributions and
// models: who made and changed a record, soft deletion, resolution of
// codes to ids inside a transaction.

// Stamp says who created and last changed a record, and whether and by
// whom it was deleted.
type Stamp struct {
	CreatedAt string `json:"created_at"`
	CreatedBy string `json:"created_by"`
	UpdatedAt string `json:"updated_at"`
	UpdatedBy string `json:"updated_by"`
	DeletedAt string `json:"deleted_at,omitempty"`
	DeletedBy string `json:"deleted_by,omitempty"`
}

const stampColumns = `created_at, created_by, updated_at, updated_by, coalesce(deleted_at, ''), coalesce(deleted_by, '')`

func (st *Stamp) dest() []any {
	return []any{&st.CreatedAt, &st.CreatedBy, &st.UpdatedAt, &st.UpdatedBy, &st.DeletedAt, &st.DeletedBy}
}

// idByCode returns the id of the row of table whose code column equals
// code for the plan, or a validation problem on field.
func idByCode(ctx context.Context, q querier, table, codeCol string, planID int64, code, field, what string) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM `+table+` WHERE plan_id = $1 AND `+codeCol+` = $2`, planID, code).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, outreach.Invalid(field, "the plan has no %s %q", what, code)
	}
	return id, err
}

// agencyID resolves an agency code that must be one of the plan's bodies
// (not a group).
func agencyID(ctx context.Context, q querier, planID int64, code, field string) (int64, error) {
	var id int64
	var typ string
	err := q.QueryRowContext(ctx, `SELECT a.id, a.type FROM agencies a JOIN plan_agencies pa ON pa.agency_id = a.id
		WHERE pa.plan_id = $1 AND a.code = $2`, planID, code).Scan(&id, &typ)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, outreach.Invalid(field, "the plan names no agency %q", code)
	}
	if err != nil {
		return 0, err
	}
	if typ == outreach.AgencyGroup {
		return 0, outreach.Invalid(field, "%q is a group of agencies; record under one of its members", code)
	}
	return id, nil
}

// unitAt resolves a unit code to the version in force on date, or during
// [date, until] when it changed in between.
func unitAt(ctx context.Context, q querier, code, date, until string) (outreach.Unit, error) {
	u, err := scanUnit(q.QueryRowContext(ctx, `SELECT `+unitColumns+` FROM units WHERE code = $1
		AND (valid_from IS NULL OR valid_from <= $3) AND (valid_to IS NULL OR valid_to > $2)
		ORDER BY coalesce(valid_from, '') LIMIT 1`, code, date, until))
	if errors.Is(err, sql.ErrNoRows) {
		return u, fmt.Errorf("no unit %s in force between %s and %s: %w", code, date, until, outreach.ErrNotFound)
	}
	return u, err
}

// softDelete marks a row deleted, or restores it, with its audit row.
func (s *Store) softDelete(ctx context.Context, tx *sql.Tx, actor outreach.Actor, table, entity string, id int64, restore bool) error {
	var r sql.Result
	var err error
	if restore {
		r, err = tx.ExecContext(ctx, `UPDATE `+table+` SET deleted_at = NULL, deleted_by = NULL, updated_at = $1, updated_by = $2 WHERE id = $3 AND deleted_at IS NOT NULL`,
			s.stamp(), actor.Name(), id)
	} else {
		r, err = tx.ExecContext(ctx, `UPDATE `+table+` SET deleted_at = $1, deleted_by = $2 WHERE id = $3 AND deleted_at IS NULL`, s.stamp(), actor.Name(), id)
	}
	if err != nil {
		return err
	}
	if n, _ := r.RowsAffected(); n == 0 {
		if restore {
			return outreach.Invalid("id", "%s %d is not deleted", entity, id)
		}
		return fmt.Errorf("%s %d: %w", entity, id, outreach.ErrNotFound)
	}
	action := "delete"
	if restore {
		action = "restore"
	}
	return s.audit(ctx, tx, actor, action, entity, fmt.Sprint(id), nil, nil)
}

// History returns the audit rows of one record, oldest first. The caller
// must have checked the actor may read the record.
func (s *Store) history(ctx context.Context, entity string, id int64) ([]outreach.AuditEntry, error) {
	var es []outreach.AuditEntry
	err := each(ctx, s.db, `SELECT id, at, actor, action, entity, entity_key, before, after FROM audit_log
		WHERE entity = $1 AND entity_key = $2 ORDER BY id`, []any{entity, fmt.Sprint(id)}, func(r *sql.Rows) error {
		var e outreach.AuditEntry
		var at string
		if err := r.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.Entity, &e.EntityKey, &e.Before, &e.After); err != nil {
			return err
		}
		e.At = parseStamp(at)
		es = append(es, e)
		return nil
	})
	return es, err
}

// likePattern turns folded search words into a LIKE pattern, escaping
// LIKE's own wildcards.
func likePattern(folded string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(folded) + "%"
}

// pathsCond is the SQL condition "col is one of the paths or below one",
// with arguments numbered from n.
func pathsCond(col string, paths []string, n int) (string, []any) {
	if len(paths) == 0 {
		return "1 = 0", nil
	}
	var or []string
	var args []any
	for _, p := range paths {
		or = append(or, fmt.Sprintf("%s = $%d OR %s LIKE $%d", col, n, col, n+1))
		args = append(args, p, p+"/%")
		n += 2
	}
	return "(" + strings.Join(or, " OR ") + ")", args
}

// lockRow takes the row's write lock before its permission is checked, so
// that a concurrent change cannot slip between the check and the write.
// SQLite needs nothing: its transactions take the database's write lock at
// BEGIN (_txlock=immediate). PostgreSQL runs READ COMMITTED, where a plain
// SELECT would read a row another transaction is changing.
func (s *Store) lockRow(ctx context.Context, tx *sql.Tx, table string, id int64) error {
	if s.engine != Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT id FROM `+table+` WHERE id = $1 FOR UPDATE`, id)
	return err
}

// ownerCheck is the scope rule every write asks of the plan it writes in
// (owner is the plan's owner): a plan outside the actor's scope is not
// found; one it sees but may not change (a province's plan, for the
// ministry) is forbidden.
func ownerCheck(actor outreach.Actor, owner, what string) error {
	if !actor.SeesOwner(owner) {
		return fmt.Errorf("%s: %w", what, outreach.ErrNotFound)
	}
	if !actor.EditsOwner(owner) {
		return refuse("plan", actor.Forbidden("change "+what+" of a plan outside their scope"))
	}
	return nil
}

// withOwner adds to a read's condition (numbered from n) that the record's
// plan, aliased p, lies in the actor's scope.
func withOwner(actor outreach.Actor, cond string, args []any, n int) (string, []any) {
	if actor.SeesAll() {
		return cond, args
	}
	var marks []string
	for _, o := range actor.Owners() {
		args = append(args, o)
		marks = append(marks, fmt.Sprintf("$%d", n+len(args)-1))
	}
	c := "p.owner_code IN (" + strings.Join(marks, ", ") + ")"
	if cond == "" {
		return c, args
	}
	return "(" + cond + ") AND " + c, args
}
