package web

import (
	"net/http"

	"outreach/docs"
)

type docPage struct {
	Page
	Text string
}

// indicatorsDoc shows how indicators are computed (docs/indicators.md, in
// English; the page says so), so the method is one click from every figure.
func (s *Server) indicatorsDoc(w http.ResponseWriter, r *http.Request) error {
	pg := docPage{Page: s.page(r, "dashboard.method", "plans"), Text: docs.Indicators}
	return s.render(w, r, http.StatusOK, "doc", pg)
}
