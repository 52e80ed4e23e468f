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
	// Owner is the province (or the country) the agency belongs to. Its
	// code is unique within the owner only: every province has its own
	// stttt.
	Owner string `json:"owner"`
}

// Address is the agency's address outside a plan: "owner/code"
// (AgencyAddress).
func (a AgencyInfo) Address() string { return AgencyAddress(a.Owner, a.Code) }

// noOwner stands in an address for the empty owner of an agency stored
// before agencies had owners and named by no plan or record since.
const noOwner = "-"

// AgencyAddress is how an agency is named outside a plan, where its code
// alone may name one agency of each province: its owner's code and its
// own, "19/stttt" ("-/stttt" for an agency without owner). Inside a plan
// (its file, its records) the code alone names the plan's agency.
func AgencyAddress(owner, code string) string {
	if owner == "" {
		owner = noOwner
	}
	return owner + "/" + code
}

// ParseAgencyAddress splits an address into owner and code; qualified is
// false for a bare code, which the actor's scope must settle (FindAgency).
func ParseAgencyAddress(addr string) (owner, code string, qualified bool) {
	owner, code, qualified = strings.Cut(addr, "/")
	if !qualified {
		return "", addr, false
	}
	if owner == noOwner {
		owner = ""
	}
	return owner, code, true
}

// Contact is an agency's focal point for the plan: who receives reminders
// and answers for its reports.
type Contact struct {
	Name  string `json:"name"`
	Email string `json:"email"`
	Phone string `json:"phone"`
}

const agencyColumns = `id, code, name, short_name, type, media_level, unit_code, coalesce(valid_from, ''), coalesce(valid_to, ''), note, focal_name, focal_email, focal_phone, owner_code`

func scanAgency(r scanner) (AgencyInfo, error) {
	var a AgencyInfo
	err := r.Scan(&a.ID, &a.Code, &a.Name, &a.ShortName, &a.Type, &a.MediaLevel, &a.Unit, &a.ValidFrom, &a.ValidTo, &a.Note, &a.Contact.Name, &a.Contact.Email, &a.Contact.Phone, &a.Owner)
	return a, err
}

// Agencies lists every agency by owner: bodies first, then groups, each in
// the order the plans name them, each group with its members.
func (s *Store) Agencies(ctx context.Context) (_ []AgencyInfo, err error) {
	defer wrap(&err, "Agencies")
	var as []AgencyInfo
	err = each(ctx, s.db, `SELECT `+agencyColumns+` FROM agencies
		ORDER BY owner_code, (CASE WHEN type = 'group' THEN 1 ELSE 0 END), coalesce((SELECT min(position) FROM plan_agencies pa WHERE pa.agency_id = agencies.id), 1000000), code`, nil, func(r *sql.Rows) error {
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

// Agency returns the owner's agency with the code.
func (s *Store) Agency(ctx context.Context, owner, code string) (_ AgencyInfo, err error) {
	defer wrap(&err, "Agency(%s)", AgencyAddress(owner, code))
	return agencyWhere(ctx, s.db, `owner_code = $1 AND code = $2`, owner, code)
}

// agencyWhere reads the one agency the condition selects, with its
// members.
func agencyWhere(ctx context.Context, q querier, cond string, args ...any) (AgencyInfo, error) {
	a, err := scanAgency(q.QueryRowContext(ctx, `SELECT `+agencyColumns+` FROM agencies WHERE `+cond, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("agency: %w", outreach.ErrNotFound)
	}
	if err != nil {
		return a, err
	}
	a.Members, err = agencyMembers(ctx, q, a.ID)
	return a, err
}

// agencyMembers lists a group's members' codes in order.
func agencyMembers(ctx context.Context, q querier, id int64) ([]string, error) {
	var ms []string
	err := each(ctx, q, `SELECT m.code FROM agency_members am JOIN agencies m ON m.id = am.member_id WHERE am.group_id = $1 ORDER BY am.position`, []any{id}, func(r *sql.Rows) error {
		var c string
		err := r.Scan(&c)
		ms = append(ms, c)
		return err
	})
	return ms, err
}

// AmbiguousAgencyError is the answer to a bare agency code that names
// agencies of several owners the actor sees (the ministry asking for
// stttt): the address must say which owner's (AgencyAddress).
type AmbiguousAgencyError struct {
	Code    string
	Matches []AgencyInfo
}

func (e *AmbiguousAgencyError) Error() string {
	addrs := make([]string, len(e.Matches))
	for i, m := range e.Matches {
		addrs[i] = m.Address()
	}
	return fmt.Sprintf("several agencies have the code %q (%s): name one with its owner, as owner/code", e.Code, strings.Join(addrs, ", "))
}

// Unwrap makes the error invalid input.
func (e *AmbiguousAgencyError) Unwrap() error { return outreach.ErrInvalid }

// FindAgency settles a bare agency code in the actor's scope: the agency of
// the actor's own province (or of the country, for the ministry) with the
// code, else the only one with the code among the owners the actor sees.
// None is not found; several are an *AmbiguousAgencyError listing them.
func (s *Store) FindAgency(ctx context.Context, actor outreach.Actor, code string) (_ AgencyInfo, err error) {
	defer wrap(&err, "FindAgency(%s)", code)
	return findAgency(ctx, s.db, actor, code)
}

func findAgency(ctx context.Context, q querier, actor outreach.Actor, code string) (AgencyInfo, error) {
	var matches []AgencyInfo
	err := each(ctx, q, `SELECT `+agencyColumns+` FROM agencies WHERE code = $1 ORDER BY owner_code`, []any{code}, func(r *sql.Rows) error {
		a, err := scanAgency(r)
		if err == nil && actor.SeesOwner(a.Owner) {
			matches = append(matches, a)
		}
		return err
	})
	if err != nil {
		return AgencyInfo{}, err
	}
	var found *AgencyInfo
	switch {
	case len(matches) == 0:
		return AgencyInfo{}, fmt.Errorf("agency %q: %w", code, outreach.ErrNotFound)
	case len(matches) == 1:
		found = &matches[0]
	default:
		for i := range matches {
			if actor.Scope != "" && matches[i].Owner == actor.Scope {
				found = &matches[i]
			}
		}
	}
	if found == nil {
		return AgencyInfo{}, &AmbiguousAgencyError{Code: code, Matches: matches}
	}
	found.Members, err = agencyMembers(ctx, q, found.ID)
	return *found, err
}

// AgencyFor returns the agency at the address (AgencyAddress) when it lies
// in the actor's scope; another province's is not found. A bare code is
// settled in the actor's scope (FindAgency).
func (s *Store) AgencyFor(ctx context.Context, actor outreach.Actor, address string) (_ AgencyInfo, err error) {
	defer wrap(&err, "AgencyFor(%s)", address)
	return agencyAt(ctx, s.db, actor, address)
}

func agencyAt(ctx context.Context, q querier, actor outreach.Actor, address string) (AgencyInfo, error) {
	owner, code, qualified := ParseAgencyAddress(address)
	if !qualified {
		return findAgency(ctx, q, actor, code)
	}
	if !actor.SeesOwner(owner) {
		return AgencyInfo{}, fmt.Errorf("agency %q: %w", address, outreach.ErrNotFound)
	}
	a, err := agencyWhere(ctx, q, `owner_code = $1 AND code = $2`, owner, code)
	if errors.Is(err, outreach.ErrNotFound) {
		return a, fmt.Errorf("agency %q: %w", address, outreach.ErrNotFound)
	}
	return a, err
}

// UpdateContact sets the focal point of the agency at the address
// (AgencyAddress, or a bare code settled in the actor's scope). Admins and
// coordinators of its owner may change any agency's; an agency reporter
// only their own.
func (s *Store) UpdateContact(ctx context.Context, actor outreach.Actor, address string, c Contact) (err error) {
	defer wrap(&err, "UpdateContact(%s)", address)
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
		a, err := agencyAt(ctx, tx, actor, address)
		if err != nil {
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
		return s.audit(ctx, tx, actor, "update", "agency_contact", a.Address(), a.Contact, c)
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

// PlanAgencies lists the agencies the plan names, in its order, as stored:
// with their ids, owners and contacts. The codes of a plan's file and
// records name these.
func (s *Store) PlanAgencies(ctx context.Context, plan string) (_ []AgencyInfo, err error) {
	defer wrap(&err, "PlanAgencies(%s)", plan)
	var as []AgencyInfo
	err = each(ctx, s.db, `SELECT a.id, a.code, a.name, a.short_name, a.type, a.media_level, a.unit_code, coalesce(a.valid_from, ''), coalesce(a.valid_to, ''), a.note,
		a.focal_name, a.focal_email, a.focal_phone, a.owner_code FROM plan_agencies pa JOIN plans p ON p.id = pa.plan_id JOIN agencies a ON a.id = pa.agency_id
		WHERE p.code = $1 ORDER BY pa.position`, []any{plan}, func(r *sql.Rows) error {
		a, err := scanAgency(r)
		as = append(as, a)
		return err
	})
	if err != nil {
		return nil, err
	}
	for i := range as {
		if as[i].IsGroup() {
			if as[i].Members, err = agencyMembers(ctx, s.db, as[i].ID); err != nil {
				return nil, err
			}
		}
	}
	return as, nil
}

// AgencyPlans lists the plans in the actor's scope that name the agency
// (with the id), newest decision first.
func (s *Store) AgencyPlans(ctx context.Context, actor outreach.Actor, id int64) (_ []PlanSummary, err error) {
	defer wrap(&err, "AgencyPlans(%d)", id)
	all, err := s.listPlans(ctx, actor)
	if err != nil {
		return nil, err
	}
	naming := map[string]bool{}
	err = each(ctx, s.db, `SELECT p.code FROM plan_agencies pa JOIN plans p ON p.id = pa.plan_id WHERE pa.agency_id = $1`, []any{id}, func(r *sql.Rows) error {
		var c string
		err := r.Scan(&c)
		naming[c] = true
		return err
	})
	var out []PlanSummary
	for _, p := range all {
		if naming[p.Code] {
			out = append(out, p)
		}
	}
	return out, err
}

// planAgencySQL is a subquery for the id of the agency a plan's code
// names, the plan's id and the code given as placeholders: the agency the
// plan names with the code, else its owner's (an agency the plan no
// longer names that its records still do).
func planAgencySQL(plan, code string) string {
	named := `SELECT px.agency_id FROM plan_agencies px WHERE px.plan_id = ` + plan
	return `(SELECT x.id FROM agencies x WHERE x.code = ` + code + ` AND (x.id IN (` + named + `)
		OR x.owner_code = (SELECT py.owner_code FROM plans py WHERE py.id = ` + plan + `))
		ORDER BY (CASE WHEN x.id IN (` + named + `) THEN 0 ELSE 1 END) LIMIT 1)`
}

// planAgencyID returns the id of the agency the code names in the plan
// (planAgencySQL); none is invalid input.
func planAgencyID(ctx context.Context, q querier, planID int64, code string) (int64, error) {
	var id sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT `+planAgencySQL("$1", "$2"), planID, code).Scan(&id)
	if err == nil && !id.Valid {
		return 0, outreach.Invalid("agency", "the plan has no agency %q", code)
	}
	return id.Int64, err
}
