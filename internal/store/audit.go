package store

import (
	"context"

	"outreach/internal/outreach"
)

// AuditLog returns audit rows, newest first. Admins only.
func (s *Store) AuditLog(ctx context.Context, actor outreach.Actor, limit, offset int) (_ []outreach.AuditEntry, total int, err error) {
	defer wrap(&err, "AuditLog")
	if !actor.CanManageUsers() {
		return nil, 0, actor.Forbidden("read the audit log")
	}
	// A province's admin reads what its province's users did.
	const mine = ` WHERE $1 = '' OR actor IN (SELECT username FROM users WHERE scope_code = $1)`
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM audit_log`+mine, actor.Scope).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, at, actor, action, entity, entity_key, before, after FROM audit_log`+mine+` ORDER BY id DESC LIMIT $2 OFFSET $3`, actor.Scope, limit, offset)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var es []outreach.AuditEntry
	for rows.Next() {
		var e outreach.AuditEntry
		var at string
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.Entity, &e.EntityKey, &e.Before, &e.After); err != nil {
			return nil, 0, err
		}
		e.At = parseStamp(at)
		es = append(es, e)
	}
	return es, total, rows.Err()
}
