package web

import (
	"errors"
	"net/http"
	"strings"

	"outreach/internal/outreach"
)

type kindsPage struct {
	Page
	Kinds    []outreach.QuantityKind
	Form     outreach.QuantityKind
	Problems map[string]string
}

func (s *Server) kindsPage(w http.ResponseWriter, r *http.Request) error {
	ks, err := s.store.QuantityKinds(r.Context())
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "kinds", kindsPage{Page: s.page(r, "kinds.title", "activities"), Kinds: ks})
}

func (s *Server) addKind(w http.ResponseWriter, r *http.Request) error {
	k := outreach.QuantityKind{Code: strings.TrimSpace(r.PostFormValue("code")), Name: r.PostFormValue("name"), NameEN: r.PostFormValue("name_en"), Unit: r.PostFormValue("unit")}
	err := s.store.AddQuantityKind(r.Context(), currentActor(r), k)
	var v *outreach.ValidationError
	if errors.As(err, &v) {
		ks, lerr := s.store.QuantityKinds(r.Context())
		if lerr != nil {
			return lerr
		}
		pg := kindsPage{Page: s.page(r, "kinds.title", "activities"), Kinds: ks, Form: k, Problems: fieldProblems(langOf(r), v)}
		return s.render(w, r, http.StatusUnprocessableEntity, "kinds", pg)
	}
	if err != nil {
		return err
	}
	return seeOther(w, r, "/quantity-kinds", langOf(r).T("kinds.saved"))
}
