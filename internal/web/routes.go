package web

import (
	"io/fs"
	"net/http"

	"outreach/internal/outreach"
)

// routes is the whole browser surface on one screen.
func (s *Server) routes(mux *http.ServeMux) {
	static, _ := fs.Sub(assets, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", cacheStatic(http.FileServerFS(filesOnly{static}))))
	mux.HandleFunc("GET /healthz", s.wrap(s.healthz))
	mux.HandleFunc("GET /lang/{lang}", s.wrap(s.setLang))

	mux.HandleFunc("GET /login", s.wrap(s.loginForm))
	mux.HandleFunc("POST /login", s.wrap(s.login))
	mux.HandleFunc("POST /logout", s.wrap(s.logout))

	mux.HandleFunc("GET /{$}", s.auth(s.home))
	mux.HandleFunc("GET /plans/{code}", s.auth(s.planPage))
	mux.HandleFunc("GET /plans/{code}/key-areas", s.auth(s.keyAreasPage))
	mux.HandleFunc("GET /plans/{code}/dashboard", s.auth(s.dashboardPage))
	mux.HandleFunc("GET /docs/indicators", s.auth(s.indicatorsDoc))
	mux.HandleFunc("POST /plans/{code}/key-areas", s.auth(s.setKeyArea))
	mux.HandleFunc("POST /plans/{code}/key-areas/remove", s.auth(s.removeKeyArea))

	mux.HandleFunc("GET /activities", s.auth(s.activitiesPage))
	mux.HandleFunc("GET /activities/new", s.auth(s.newActivity))
	for _, kind := range []string{"activities", "distributions"} {
		mux.HandleFunc("GET /"+kind+"/import", s.auth(s.importForm(kind)))
		s.limits.set("POST /"+kind+"/import", maxImportFile+uploadOverhead)
		mux.HandleFunc("POST /"+kind+"/import", s.auth(s.uploadImport(kind)))
		mux.HandleFunc("POST /"+kind+"/import/confirm", s.auth(s.confirmImport(kind)))
		mux.HandleFunc("GET /"+kind+"/export", s.auth(s.exportRecords(kind)))
		mux.HandleFunc("GET /"+kind+"/template", s.auth(s.importTemplate(kind)))
	}
	mux.HandleFunc("POST /activities", s.auth(s.saveActivity))
	mux.HandleFunc("GET /activities/{id}", s.auth(s.activityPage))
	mux.HandleFunc("GET /activities/{id}/edit", s.auth(s.editActivity))
	mux.HandleFunc("POST /activities/{id}", s.auth(s.saveActivity))
	mux.HandleFunc("POST /activities/{id}/delete", s.auth(s.deleteActivity))
	mux.HandleFunc("POST /activities/{id}/restore", s.auth(s.restoreActivity))
	s.limits.set("POST /activities/{id}/evidence", outreach.MaxEvidenceSize+uploadOverhead)
	mux.HandleFunc("POST /activities/{id}/evidence", s.auth(s.uploadEvidence("activity")))
	mux.HandleFunc("GET /distributions", s.auth(s.distributionsPage))
	mux.HandleFunc("POST /distributions", s.auth(s.createDistribution))
	mux.HandleFunc("GET /distributions/{id}", s.auth(s.distributionPage))
	mux.HandleFunc("POST /distributions/{id}/confirm", s.auth(s.confirmDelivery))
	mux.HandleFunc("POST /distributions/{id}/delete", s.auth(s.deleteDistribution))
	mux.HandleFunc("POST /materials", s.auth(s.saveMaterial))
	mux.HandleFunc("GET /models", s.auth(s.modelsPage))
	mux.HandleFunc("POST /models", s.auth(s.saveModel))
	mux.HandleFunc("GET /models/{id}", s.auth(s.modelPage))
	mux.HandleFunc("POST /models/{id}", s.auth(s.saveModel))
	mux.HandleFunc("POST /models/{id}/delete", s.auth(s.deleteModel))
	s.limits.set("POST /models/{id}/evidence", outreach.MaxEvidenceSize+uploadOverhead)
	mux.HandleFunc("POST /models/{id}/evidence", s.auth(s.uploadEvidence("model")))
	mux.HandleFunc("GET /quantity-kinds", s.auth(s.kindsPage))
	mux.HandleFunc("POST /quantity-kinds", s.auth(s.addKind))
	mux.HandleFunc("GET /budget", s.auth(s.budgetPage))
	mux.HandleFunc("POST /budget", s.auth(s.setBudget))
	mux.HandleFunc("GET /evidence/{id}", s.auth(s.downloadEvidence))
	mux.HandleFunc("POST /evidence/{id}/delete", s.auth(s.deleteEvidence))

	mux.HandleFunc("GET /reports", s.auth(s.reportsIndex))
	mux.HandleFunc("GET /plans/{code}/regime", s.auth(s.regimePage))
	mux.HandleFunc("GET /plans/{code}/reports/{period}", s.auth(s.boardPage))
	mux.HandleFunc("GET /plans/{code}/reports/{period}/agency/{agency}", s.auth(s.findReport(outreach.ReportAgency)))
	mux.HandleFunc("POST /plans/{code}/reports/{period}/agency/{agency}", s.auth(s.openReport(outreach.ReportAgency)))
	mux.HandleFunc("GET /plans/{code}/reports/{period}/consolidated", s.auth(s.findReport(outreach.ReportConsolidated)))
	mux.HandleFunc("POST /plans/{code}/reports/{period}/consolidated", s.auth(s.openReport(outreach.ReportConsolidated)))
	mux.HandleFunc("GET /plans/{code}/reports/{period}/consolidated/export", s.auth(s.exportConsolidated))
	// Reported targets: the agencies' values per period and the
	// coordinators' decisions (targetvalues.go).
	mux.HandleFunc("GET /plans/{code}/targets", s.auth(s.targetsIndex))
	mux.HandleFunc("GET /plans/{code}/reports/{period}/targets", s.auth(s.targetValues))
	mux.HandleFunc("POST /plans/{code}/reports/{period}/targets", s.auth(s.submitTargetValue))
	mux.HandleFunc("POST /plans/{code}/reports/{period}/targets/{id}/decision", s.auth(s.decideTargetValue))
	mux.HandleFunc("GET /reports/{id}", s.auth(s.reportPage))
	mux.HandleFunc("POST /reports/{id}", s.auth(s.saveReport))
	mux.HandleFunc("POST /reports/{id}/autosave", s.auth(s.autosaveReport))
	mux.HandleFunc("POST /reports/{id}/step", s.auth(s.reportStep))
	mux.HandleFunc("GET /reports/{id}/export", s.auth(s.exportReport))
	mux.HandleFunc("GET /mail", s.auth(s.mailPage))
	mux.HandleFunc("POST /notices/read", s.auth(s.readNotices))

	mux.HandleFunc("GET /units", s.auth(s.unitsPage))
	mux.HandleFunc("GET /units/{code}", s.auth(s.unitPage))

	// An agency's address is its owner and code (agencies.go); the
	// addresses without owner settle the code in the user's scope.
	mux.HandleFunc("GET /agencies", s.auth(s.agenciesPage))
	mux.HandleFunc("GET /agencies/{owner}/{code}", s.auth(s.agencyPage))
	mux.HandleFunc("POST /agencies/{owner}/{code}/contact", s.auth(s.updateContact))
	mux.HandleFunc("GET /agencies/{code}", s.auth(s.agencyByCode))
	mux.HandleFunc("POST /agencies/{code}/contact", s.auth(s.updateContact))
	mux.HandleFunc("GET /plans/{code}/agencies/{agency}", s.auth(s.planAgency))

	mux.HandleFunc("GET /users", s.auth(s.usersPage))
	mux.HandleFunc("POST /users", s.auth(s.createUser))
	mux.HandleFunc("GET /audit", s.auth(s.auditPage))
	mux.HandleFunc("GET /account", s.auth(s.accountPage))
	mux.HandleFunc("POST /account/password", s.auth(s.changePassword))
	mux.HandleFunc("POST /tokens/{id}/revoke", s.auth(s.revokeToken))
}

func cacheStatic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		next.ServeHTTP(w, r)
	})
}

// filesOnly serves files and hides directories, so /static/ lists nothing.
type filesOnly struct{ fs.FS }

func (f filesOnly) Open(name string) (fs.File, error) {
	file, err := f.FS.Open(name)
	if err != nil {
		return nil, err
	}
	if st, err := file.Stat(); err != nil || st.IsDir() {
		file.Close()
		return nil, fs.ErrNotExist
	}
	return file, nil
}
