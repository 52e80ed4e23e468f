package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"strings"

	"outreach/internal/outreach"
)

// AgencyInfo is an agency with what the system knows beyond the plan file:
// its contact (focal point) and, for groups, the members' codes.
type AgencyInfo struct {
	ID int64 `json:"-"`
	outreach.Agency
	Contact Contact `json:"contact"`
	// Owner is the province (or the country) the agency belongs to.
	Owner string `json:"owner"`
}

// Contact is an agency's focal point for the plan: who receives reminders
// and answers for its reports.
type Contact struct {
	Name  string `json:"name"`
	Email string `json:"email"`
	Phone string `json:"phone"`
}

const agencyColumns = `id, code, name, short_name, type, unit_code, coalesce(valid_from, ''), coalesce(valid_to, ''), note, focal_name, focal_email, focal_phone, owner_code`

func scanAgency(r scanner) (AgencyInfo, error) {
	var a AgencyInfo
	err := r.Scan(&a.ID, &a.Code, &a.Name, &a.ShortName, &a.Type, &a.Unit, &a.ValidFrom, &a.ValidTo, &a.Note, &a.Contact.Name, &a.Contact.Email, &a.Contact.Phone, &a.Owner)
	return a, err
}

// Agencies lists every agency: bodies first, then groups, each in the
// order the plans name them, each group with its members.
func (s *Store) Agencies(ctx context.Context) (_ []AgencyInfo, err error) {
	defer wrap(&err, "Agencies")
	var as []AgencyInfo
	err = each(ctx, s.db, `SELECT `+agencyColumns+` FROM agencies
		ORDER BY (CASE WHEN type = 'group' THEN 1 ELSE 0 END), coalesce((SELECT min(position) FROM plan_agencies pa WHERE pa.agency_id = agencies.id), 1000000), code`, nil, func(r *sql.Rows) error {
		a, err := scanAgency(r)
		as = append(as, a)
		return err
	})
	if err != nil {
		return nil, err
	}
	members := map[int64][]string{}
	err = each(ctx, s.db, `SELECT am.group_id, m.code FROM agency_members am JOIN agencies m ON m.id = am.member_id ORDER BY am.group_id, am.position`, nil, func(r *sql.Rows) error {
		var g int64
		var c string
		if err := r.Scan(&g, &c); err != nil {
			return err
		}
		members[g] = append(members[g], c)
		return nil
	})
	for i := range as {
		as[i].Members = members[as[i].ID]
	}
	return as, err
}

// Agency returns the agency with the code.
func (s *Store) Agency(ctx context.Context, code string) (_ AgencyInfo, err error) {
	defer wrap(&err, "Agency(%s)", code)
	a, err := scanAgency(s.db.QueryRowContext(ctx, `SELECT `+agencyColumns+` FROM agencies WHERE code = $1`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("agency %q: %w", code, outreach.ErrNotFound)
	}
	if err != nil {
		return a, err
	}
	err = each(ctx, s.db, `SELECT m.code FROM agency_members am JOIN agencies m ON m.id = am.member_id WHERE am.group_id = $1 ORDER BY am.position`, []any{a.ID}, func(r *sql.Rows) error {
		var c string
		err := r.Scan(&c)
		a.Members = append(a.Members, c)
		return err
	})
	return a, err
}

// UpdateContact sets an agency's focal point. Admins and coordinators may
// change any agency's; an agency reporter only their own.
func (s *Store) UpdateContact(ctx context.Context, actor outreach.Actor, code string, c Contact) (err error) {
	defer wrap(&err, "UpdateContact(%s)", code)
	c.Name, c.Email, c.Phone = strings.TrimSpace(c.Name), strings.TrimSpace(c.Email), strings.TrimSpace(c.Phone)
	v := &outreach.ValidationError{}
	// Several focal points are written with commas between addresses.
	addrs := splitAddresses(c.Email)
	for _, e := range addrs {
		if a, err := mail.ParseAddress(e); err != nil || a.Address != e {
			v.Add("email", "expected e-mail addresses such as ten@backan.gov.vn, separated by commas, got %q", e)
		}
	}
	c.Email = strings.Join(addrs, ", ")
	if len(c.Name) > 200 || len(c.Phone) > 50 {
		v.Add("name", "is too long")
	}
	if err := v.Err(); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		a, err := scanAgency(tx.QueryRowContext(ctx, `SELECT `+agencyColumns+` FROM agencies WHERE code = $1`, code))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("agency %q: %w", code, outreach.ErrNotFound)
		} else if err != nil {
			return err
		}
		if err := ownerCheck(actor, a.Owner, "agency"); err != nil {
			return err
		}
		if !actor.CanWriteAgency(a.ID) {
			return actor.Forbidden("change the contact of " + a.Name)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE agencies SET focal_name = $1, focal_email = $2, focal_phone = $3 WHERE id = $4`, c.Name, c.Email, c.Phone, a.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "update", "agency_contact", code, a.Contact, c)
	})
}

// AgenciesFor lists the agencies in the actor's scope (Agencies' order).
func (s *Store) AgenciesFor(ctx context.Context, actor outreach.Actor) ([]AgencyInfo, error) {
	as, err := s.Agencies(ctx)
	if err != nil || actor.SeesAll() {
		return as, err
	}
	var out []AgencyInfo
	for _, a := range as {
		if actor.SeesOwner(a.Owner) {
			out = append(out, a)
		}
	}
	return out, nil
}

// AgencyFor returns the agency with the code when it lies in the actor's
// scope; another province's is not found.
func (s *Store) AgencyFor(ctx context.Context, actor outreach.Actor, code string) (AgencyInfo, error) {
	a, err := s.Agency(ctx, code)
	if err == nil && !actor.SeesOwner(a.Owner) {
		return AgencyInfo{}, fmt.Errorf("agency %q: %w", code, outreach.ErrNotFound)
	}
	return a, err
}
