package web

import (
	"net/http"
	"strconv"

	"outreach/internal/outreach"
	"outreach/internal/store"
)

type usersPage struct {
	Page
	Users    []outreach.User
	Roles    []outreach.Role
	Agencies []store.AgencyInfo
	// SeveralOwners: the agencies belong to several provinces (or the
	// ministry), and each option says whose.
	SeveralOwners bool
	Problems      map[string]string
	Form          store.NewUser
	Tokens        []store.TokenInfo
}

func (s *Server) usersData(r *http.Request) (usersPage, error) {
	pg := usersPage{Page: s.page(r, "users.title", "users"), Roles: outreach.Roles}
	us, err := s.store.Users(r.Context(), currentActor(r))
	if err != nil {
		return pg, err
	}
	pg.Users = us
	if pg.Tokens, err = s.store.Tokens(r.Context(), currentActor(r), ""); err != nil {
		return pg, err
	}
	as, err := s.store.AgenciesFor(r.Context(), currentActor(r))
	for _, a := range as {
		if !a.IsGroup() {
			pg.Agencies = append(pg.Agencies, a)
			pg.SeveralOwners = pg.SeveralOwners || a.Owner != pg.Agencies[0].Owner
		}
	}
	return pg, err
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request) error {
	pg, err := s.usersData(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "users", pg)
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request) error {
	nu := store.NewUser{
		Username: r.PostFormValue("username"), Name: r.PostFormValue("name"), Role: outreach.Role(r.PostFormValue("role")),
		AgencyCode: r.PostFormValue("agency"), UnitCode: r.PostFormValue("unit"), Scope: r.PostFormValue("scope"), Password: r.PostFormValue("password"),
	}
	// The form shows both pickers; only the one the role needs counts.
	if nu.Role != outreach.RoleAgencyReporter {
		nu.AgencyCode = ""
	}
	if nu.Role != outreach.RoleUnitReporter {
		nu.UnitCode = ""
	}
	u, err := s.store.CreateUser(r.Context(), currentActor(r), nu)
	if probs, ok := problems(langOf(r), "user", err); ok {
		pg, derr := s.usersData(r)
		if derr != nil {
			return derr
		}
		nu.Password = ""
		pg.Problems, pg.Form = probs, nu
		return s.render(w, r, http.StatusUnprocessableEntity, "users", pg)
	}
	if err != nil {
		return err
	}
	return seeOther(w, r, "/users", langOf(r).T("users.created", u.Username))
}

type auditPage struct {
	Page
	Entries  []outreach.AuditEntry
	Total    int
	PageNo   int
	Pages    int
	PrevPage int
	NextPage int
}

const auditPageSize = 50

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) error {
	n, _ := strconv.Atoi(r.URL.Query().Get("page"))
	n = min(max(n, 1), 1_000_000)
	es, total, err := s.store.AuditLog(r.Context(), currentActor(r), auditPageSize, (n-1)*auditPageSize)
	if err != nil {
		return err
	}
	pg := auditPage{Page: s.page(r, "audit.title", "audit"), Entries: es, Total: total, PageNo: n, Pages: (total + auditPageSize - 1) / auditPageSize}
	if n > 1 {
		pg.PrevPage = n - 1
	}
	if n < pg.Pages {
		pg.NextPage = n + 1
	}
	return s.render(w, r, http.StatusOK, "audit", pg)
}
