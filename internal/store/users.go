package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"outreach/internal/outreach"
)

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,63}$`)

// NewUser is what it takes to create a user.
type NewUser struct {
	Username string
	Name     string
	Role     outreach.Role
	// AgencyCode names an agency reporter's agency: its address
	// ("19/stttt", AgencyAddress) or its code alone, the agency of the
	// user's scope with that code.
	AgencyCode string
	UnitCode   string // unit reporters
	// Scope is what the user sees: "" the whole system, "VN" the
	// ministry, a province's code that province (docs/security.md).
	// Empty takes the creating admin's scope.
	Scope    string
	Password string
}

func validatePassword(field, pw string) error {
	if utf8.RuneCountInString(pw) < outreach.MinPasswordLength {
		return outreach.Invalid(field, "must have at least %d characters", outreach.MinPasswordLength)
	}
	if len(pw) > 1024 {
		return outreach.Invalid(field, "is too long")
	}
	return nil
}

const userColumns = `u.id, u.username, u.name, u.role, coalesce(a.code, ''), coalesce(a.name, ''), coalesce(n.code, ''), coalesce(n.name, ''),
	u.disabled, u.created_at, coalesce(u.agency_id, 0), coalesce(u.unit_id, 0), u.password_hash, u.scope_code`

const userFrom = ` FROM users u LEFT JOIN agencies a ON a.id = u.agency_id LEFT JOIN units n ON n.id = u.unit_id `

type userRow struct {
	outreach.User
	agencyID int64
	unitID   int64
	hash     string
}

// scanWith scans a row into the destinations a scan function passes,
// then into extra ones (columns selected after those).
type scanWith struct {
	r     scanner
	extra []any
}

func (s scanWith) Scan(dest ...any) error { return s.r.Scan(append(dest, s.extra...)...) }

func scanUser(r scanner) (userRow, error) {
	var u userRow
	var created string
	err := r.Scan(&u.ID, &u.Username, &u.Name, &u.Role, &u.AgencyCode, &u.AgencyName, &u.UnitCode, &u.UnitName,
		&u.Disabled, &created, &u.agencyID, &u.unitID, &u.hash, &u.Scope)
	if err != nil {
		return u, err
	}
	u.CreatedAt = parseStamp(created)
	return u, nil
}

// actorFor makes the actor a user acts as, for a login, a session and an
// API token alike. A unit reporter's scope is their unit and every unit
// it was formed from; they act for the agencies based in that scope.
func (s *Store) actorFor(ctx context.Context, u userRow) (outreach.Actor, error) {
	a := outreach.Actor{UserID: u.ID, Username: u.Username, Role: u.Role, AgencyID: u.agencyID, Scope: u.Scope}
	var err error
	if a.Inherited, err = inheritedOwners(ctx, s.db, u.Scope); err != nil {
		return a, err
	}
	if u.unitID == 0 {
		return a, nil
	}
	seen := map[int64]bool{u.unitID: true}
	frontier := []int64{u.unitID}
	for len(frontier) > 0 && len(seen) < 1000 {
		var next []int64
		for _, id := range frontier {
			var path string
			if err := s.db.QueryRowContext(ctx, `SELECT path FROM units WHERE id = $1`, id).Scan(&path); err != nil {
				return a, fmt.Errorf("unit scope of %s: %w", u.Username, err)
			}
			a.UnitPaths = append(a.UnitPaths, path)
			err := each(ctx, s.db, `SELECT old_unit_id FROM unit_changes WHERE new_unit_id = $1`, []any{id}, func(r *sql.Rows) error {
				var old int64
				if err := r.Scan(&old); err != nil {
					return err
				}
				if !seen[old] {
					seen[old] = true
					next = append(next, old)
				}
				return nil
			})
			if err != nil {
				return a, err
			}
		}
		frontier = next
	}
	// The agencies it acts for: those whose home unit has a version at
	// one of these paths or below (the reporter of a district acts for
	// the district's committee, whatever its code became).
	cond, args := pathsCond("u.path", a.UnitPaths, 2)
	err = each(ctx, s.db, `SELECT DISTINCT ag.id FROM agencies ag JOIN units u ON u.code = ag.unit_code
		WHERE ag.unit_code <> '' AND ag.type <> $1 AND `+cond+` ORDER BY ag.id`, append([]any{outreach.AgencyGroup}, args...), func(r *sql.Rows) error {
		var id int64
		err := r.Scan(&id)
		a.UnitAgencies = append(a.UnitAgencies, id)
		return err
	})
	if err != nil {
		return a, fmt.Errorf("agencies of %s: %w", u.Username, err)
	}
	return a, nil
}

// CreateUser adds a user. Only admins (and the operator's CLI) may.
func (s *Store) CreateUser(ctx context.Context, actor outreach.Actor, nu NewUser) (_ outreach.User, err error) {
	defer wrap(&err, "CreateUser(%s)", nu.Username)
	if !actor.CanManageUsers() {
		return outreach.User{}, actor.Forbidden("create users")
	}
	nu.Username = strings.ToLower(strings.TrimSpace(nu.Username))
	nu.Name = strings.TrimSpace(nu.Name)
	v := &outreach.ValidationError{}
	if !usernamePattern.MatchString(nu.Username) {
		v.Add("username", "expected 3–64 lowercase letters, digits, dots, hyphens or underscores, got %q", nu.Username)
	}
	if nu.Name == "" {
		v.Add("name", "is required")
	}
	if !nu.Role.Valid() {
		v.Add("role", "expected one of admin, coordinator, agency_reporter, unit_reporter, viewer, got %q", nu.Role)
	}
	if nu.Role == outreach.RoleAgencyReporter && nu.AgencyCode == "" {
		v.Add("agency", "an agency reporter needs an agency")
	}
	if nu.Role != outreach.RoleAgencyReporter && nu.AgencyCode != "" {
		v.Add("agency", "only an agency reporter belongs to an agency")
	}
	if nu.Role == outreach.RoleUnitReporter && nu.UnitCode == "" {
		v.Add("unit", "a unit reporter needs a unit")
	}
	if nu.Role != outreach.RoleUnitReporter && nu.UnitCode != "" {
		v.Add("unit", "only a unit reporter belongs to a unit")
	}
	if err := validatePassword("password", nu.Password); err != nil {
		v.Problems = append(v.Problems, err.(*outreach.ValidationError).Problems...)
	}
	if nu.Scope == "" {
		nu.Scope = actor.Scope
	}
	if !actor.EditsOwner(nu.Scope) {
		v.Add("scope", "an administrator of %s can only create users of %s", scopeLabel(actor.Scope), scopeLabel(actor.Scope))
	}
	if err := v.Err(); err != nil {
		return outreach.User{}, err
	}
	hash, err := HashPassword(nu.Password)
	if err != nil {
		return outreach.User{}, err
	}
	var created outreach.User
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var agencyID, unitID any
		if nu.Scope != "" {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM units WHERE code = $1 AND type IN ($2, $3, $4)`,
				nu.Scope, outreach.UnitCountry, outreach.UnitTinh, outreach.UnitCentralCity).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return outreach.Invalid("scope", "expected VN (the ministry) or a province's code, got %q", nu.Scope)
			}
		}
		if nu.AgencyCode != "" {
			// The agency at the address ("19/stttt"), or the code settled
			// in the new user's scope: its own province's first.
			inherited, err := inheritedOwners(ctx, tx, nu.Scope)
			if err != nil {
				return err
			}
			a, err := agencyAt(ctx, tx, outreach.Actor{Scope: nu.Scope, Inherited: inherited}, nu.AgencyCode)
			var amb *AmbiguousAgencyError
			switch {
			case errors.As(err, &amb):
				return outreach.Invalid("agency", "%v", err)
			case errors.Is(err, outreach.ErrNotFound) || err == nil && a.IsGroup():
				return outreach.Invalid("agency", "no agency of %s has the code %q (groups cannot have reporters)", scopeLabel(nu.Scope), nu.AgencyCode)
			case err != nil:
				return err
			}
			agencyID = a.ID
		}
		if nu.UnitCode != "" {
			// The unit as it stands today, or its last version if it has
			// since ceased (a reporter may still enter past records).
			var id int64
			err := tx.QueryRowContext(ctx, `SELECT id FROM units WHERE code = $1 ORDER BY (CASE WHEN `+validAtSQL(2)+` THEN 0 ELSE 1 END), coalesce(valid_from, '') DESC LIMIT 1`,
				nu.UnitCode, s.now().Format(outreach.DateLayout)).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) {
				return outreach.Invalid("unit", "no administrative unit has the code %q", nu.UnitCode)
			} else if err != nil {
				return err
			}
			unitID = id
		}
		var id int64
		now := s.stamp()
		err := tx.QueryRowContext(ctx, `INSERT INTO users (username, name, role, agency_id, unit_id, password_hash, created_at, updated_at, scope_code)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8) RETURNING id`, nu.Username, nu.Name, string(nu.Role), agencyID, unitID, hash, now, nu.Scope).Scan(&id)
		if errors.Is(translate(err), outreach.ErrConflict) {
			return outreach.Invalid("username", "the username %q is taken", nu.Username)
		} else if err != nil {
			return err
		}
		u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+userFrom+` WHERE u.id = $1`, id))
		if err != nil {
			return err
		}
		created = u.User
		return s.audit(ctx, tx, actor, "create", "user", u.Username, nil, u.User)
	})
	return created, err
}

// Users lists the users. Admins only.
func (s *Store) Users(ctx context.Context, actor outreach.Actor) (_ []outreach.User, err error) {
	defer wrap(&err, "Users")
	if !actor.CanManageUsers() {
		return nil, actor.Forbidden("list users")
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+userColumns+userFrom+` ORDER BY u.username`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var us []outreach.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		if actor.Scope == "" || u.Scope == actor.Scope {
			us = append(us, u.User)
		}
	}
	return us, rows.Err()
}

// UserCount counts the users (first start creates an admin when there is none).
func (s *Store) UserCount(ctx context.Context) (n int, err error) {
	defer wrap(&err, "UserCount")
	err = s.db.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n)
	return n, err
}

// ErrBadCredentials is returned for a wrong username or password, without
// saying which.
var ErrBadCredentials = fmt.Errorf("wrong username or password: %w", outreach.ErrUnauthorized)

// Authenticate checks a username and password and returns the user and the
// actor they act as.
func (s *Store) Authenticate(ctx context.Context, username, password string) (outreach.User, outreach.Actor, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+userFrom+` WHERE u.username = $1`, strings.ToLower(strings.TrimSpace(username))))
	if errors.Is(err, sql.ErrNoRows) {
		CheckPassword(dummyHash, password)
		return outreach.User{}, outreach.Actor{}, ErrBadCredentials
	}
	if err != nil {
		return outreach.User{}, outreach.Actor{}, fmt.Errorf("Authenticate: %w", err)
	}
	if !CheckPassword(u.hash, password) || u.Disabled {
		return outreach.User{}, outreach.Actor{}, ErrBadCredentials
	}
	a, err := s.actorFor(ctx, u)
	return u.User, a, err
}

// SessionTTL is how long a login lasts.
const SessionTTL = 12 * time.Hour

// CreateSession starts a new session for the user and returns its secret
// id, for the cookie. Only its hash is stored.
func (s *Store) CreateSession(ctx context.Context, userID int64) (_ string, err error) {
	defer wrap(&err, "CreateSession")
	secret := NewSecret(32)
	now := s.now()
	_, err = s.db.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
		secretHash(secret), userID, now.Format(stampLayout), now.Add(SessionTTL).Format(stampLayout))
	if err != nil {
		return "", err
	}
	// Drop expired sessions while we are here; there are few.
	_, err = s.db.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < $1`, now.Format(stampLayout))
	return secret, err
}

// SessionUser returns the user of a live session.
func (s *Store) SessionUser(ctx context.Context, secret string) (outreach.User, outreach.Actor, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+userFrom+` JOIN sessions ss ON ss.user_id = u.id
		WHERE ss.token_hash = $1 AND ss.expires_at > $2 AND NOT u.disabled`, secretHash(secret), s.stamp()))
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return outreach.User{}, outreach.Actor{}, outreach.ErrUnauthorized
		}
		return outreach.User{}, outreach.Actor{}, fmt.Errorf("SessionUser: %w", err)
	}
	a, err := s.actorFor(ctx, u)
	return u.User, a, err
}

// DeleteSession ends a session (logout).
func (s *Store) DeleteSession(ctx context.Context, secret string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, secretHash(secret))
	return err
}

// ChangePassword sets a user's password. Users change their own, giving
// the current one; admins may set anyone's. Every session of the user ends
// except keepSession (the one making the change, if any).
func (s *Store) ChangePassword(ctx context.Context, actor outreach.Actor, username, current, next, keepSession string) (err error) {
	defer wrap(&err, "ChangePassword(%s)", username)
	if err := validatePassword("new", next); err != nil {
		return err
	}
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+userFrom+` WHERE u.username = $1`, username))
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("user %q: %w", username, outreach.ErrNotFound)
	} else if err != nil {
		return err
	}
	self := !actor.System && actor.UserID == u.ID
	if !self && actor.Scope != "" && u.Scope != actor.Scope {
		// Another province's users are not there for this admin.
		return fmt.Errorf("user %q: %w", username, outreach.ErrNotFound)
	}
	if !self && !actor.CanManageUsers() {
		return actor.Forbidden("change another user's password")
	}
	// Changing one's own password always takes the current one, admins
	// included: a session left open must not be enough to take over the
	// account. It is checked before the new one is hashed.
	if self && !CheckPassword(u.hash, current) {
		return errors.Join(outreach.Invalid("current", "the current password is wrong"), ErrWrongPassword)
	}
	hash, err := HashPassword(next)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		// Only over the hash just checked: two changes at once cannot both
		// pass on the same current password.
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3 AND password_hash = $4`, hash, s.stamp(), u.ID, u.hash)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fmt.Errorf("the password was changed meanwhile: %w", outreach.ErrConflict)
		}
		// Every other way in ends: sessions but the one making the
		// change, and every API token.
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2`, u.ID, secretHash(keepSession)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM api_tokens WHERE user_id = $1`, u.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "change_password", "user", u.Username, nil, nil)
	})
}

// ErrWrongPassword is joined to the validation error of a password change
// whose current password is wrong, so callers can count the guess.
var ErrWrongPassword = errors.New("wrong current password")

// CreateToken makes an API token for the user and returns it; it is shown
// once and only its hash is kept. Admins may make tokens for anyone, users
// for themselves.
func (s *Store) CreateToken(ctx context.Context, actor outreach.Actor, username, name string) (_ string, err error) {
	defer wrap(&err, "CreateToken(%s)", username)
	var secret string
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM users WHERE username = $1`, username).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("user %q: %w", username, outreach.ErrNotFound)
		} else if err != nil {
			return err
		}
		if actor.UserID != id && !actor.CanManageUsers() {
			return actor.Forbidden("create a token for another user")
		}
		secret = "otk_" + NewSecret(32)
		if _, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (user_id, token_hash, name, created_at) VALUES ($1, $2, $3, $4)`,
			id, secretHash(secret), name, s.stamp()); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "create", "api_token", username, nil, map[string]string{"name": name})
	})
	return secret, err
}

// TokenUser returns the user an API token belongs to.
func (s *Store) TokenUser(ctx context.Context, secret string) (outreach.User, outreach.Actor, error) {
	hash := secretHash(secret)
	var lastUsed string
	row := s.reads().QueryRowContext(ctx, `SELECT `+userColumns+`, coalesce(t.last_used_at, '')`+userFrom+` JOIN api_tokens t ON t.user_id = u.id
		WHERE t.token_hash = $1 AND NOT u.disabled`, hash)
	u, err := scanUser(scanWith{row, []any{&lastUsed}})
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return outreach.User{}, outreach.Actor{}, outreach.ErrUnauthorized
		}
		return outreach.User{}, outreach.Actor{}, fmt.Errorf("TokenUser: %w", err)
	}
	// Record use at most once a minute per token, so reads stay reads: the
	// UPDATE runs only when the stamp read above is older (on SQLite even
	// an UPDATE that changes no row takes the write lock).
	now := s.now()
	if stale := now.Add(-time.Minute).Format(stampLayout); lastUsed < stale {
		if _, err := s.db.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2 AND (last_used_at IS NULL OR last_used_at < $3)`,
			now.Format(stampLayout), hash, stale); err != nil {
			return outreach.User{}, outreach.Actor{}, fmt.Errorf("TokenUser: %w", err)
		}
	}
	a, err := s.actorFor(ctx, u)
	return u.User, a, err
}

// scopeLabel names a user scope for messages.
func scopeLabel(scope string) string {
	switch scope {
	case "":
		return "the whole system"
	case outreach.CountryCode:
		return "the ministry (VN)"
	}
	return "province " + scope
}

// inheritedOwners lists the provinces merged into the province of the
// scope, directly or in turn (none for the whole system or the ministry).
func inheritedOwners(ctx context.Context, q querier, scope string) ([]string, error) {
	if scope == "" || scope == outreach.CountryCode {
		return nil, nil
	}
	var out []string
	next := []string{scope}
	for len(next) > 0 && len(out) < 64 {
		code := next[0]
		next = next[1:]
		err := each(ctx, q, `SELECT DISTINCT o.code FROM unit_changes c JOIN units o ON o.id = c.old_unit_id JOIN units n ON n.id = c.new_unit_id
			WHERE n.code = $1 AND o.level = n.level AND o.code <> n.code ORDER BY o.code`, []any{code}, func(r *sql.Rows) error {
			var c string
			if err := r.Scan(&c); err != nil {
				return err
			}
			if c != scope && !slices.Contains(out, c) {
				out = append(out, c)
				next = append(next, c)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
