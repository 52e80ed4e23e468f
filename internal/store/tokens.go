package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"outreach/internal/outreach"
)

// TokenInfo describes an API token without its secret.
type TokenInfo struct {
	ID         int64     `json:"id"`
	Username   string    `json:"username"`
	Name       string    `json:"name"`
	CreatedAt  time.Time `json:"created_at"`
	LastUsedAt time.Time `json:"last_used_at"` // zero: never used
}

// Tokens lists API tokens: a user's own, or, for an admin, anyone's
// (username "" lists every user's).
func (s *Store) Tokens(ctx context.Context, actor outreach.Actor, username string) (_ []TokenInfo, err error) {
	defer wrap(&err, "Tokens(%s)", username)
	if (username == "" || username != actor.Username) && !actor.CanManageUsers() {
		return nil, actor.Forbidden("list another user's tokens")
	}
	// An admin of a province lists its province's users' tokens.
	q := `SELECT t.id, u.username, t.name, t.created_at, coalesce(t.last_used_at, '') FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE ($1 = '' OR u.scope_code = $1)`
	args := []any{actor.Scope}
	if username != "" {
		q += ` AND u.username = $2`
		args = append(args, username)
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY u.username, t.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TokenInfo
	for rows.Next() {
		var t TokenInfo
		var created, used string
		if err := rows.Scan(&t.ID, &t.Username, &t.Name, &created, &used); err != nil {
			return nil, err
		}
		t.CreatedAt, _ = time.Parse(stampLayout, created)
		if used != "" {
			t.LastUsedAt, _ = time.Parse(stampLayout, used)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken deletes an API token: its owner or an admin may.
func (s *Store) RevokeToken(ctx context.Context, actor outreach.Actor, id int64) (err error) {
	defer wrap(&err, "RevokeToken(%d)", id)
	return s.tx(ctx, func(tx *sql.Tx) error {
		var t TokenInfo
		var owner int64
		var scope string
		err := tx.QueryRowContext(ctx, `SELECT t.id, u.username, t.name, t.user_id, u.scope_code FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = $1`, id).
			Scan(&t.ID, &t.Username, &t.Name, &owner, &scope)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("token %d: %w", id, outreach.ErrNotFound)
		} else if err != nil {
			return err
		}
		if (actor.System || owner != actor.UserID) && (!actor.CanManageUsers() || actor.Scope != "" && scope != actor.Scope) {
			// Another user's token is not theirs to know of.
			return fmt.Errorf("token %d: %w", id, outreach.ErrNotFound)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM api_tokens WHERE id = $1`, id); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "revoke", "api_token", t.Username, map[string]any{"id": t.ID, "name": t.Name}, nil)
	})
}
