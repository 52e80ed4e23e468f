package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"net/url"
	"path"
	"strings"

	"outreach/internal/i18n"
	"outreach/internal/outreach"
	"outreach/internal/store"
)

//go:embed templates static
var assets embed.FS

// pages holds one template set per page, each page joined with the layout.
type pages struct {
	byName map[string]*template.Template
}

var funcs = template.FuncMap{
	"date":     i18n.Date,
	"datetime": i18n.DateTime,
	"number":   i18n.Number,
	"join":     strings.Join,
	"percent":  func(v float64) string { return i18n.Number(v) + " %" },
	"add":      func(a, b int) int { return a + b },
	"round1":   func(v float64) float64 { return math.Round(v*10) / 10 },
	"upper":    strings.ToUpper,
	"list":     func(xs ...string) []string { return xs },
	"query":    url.QueryEscape,
	"dash":     DashOrdinal,
	"cmp":      i18n.Comparator,
	"monthday": func(md string) string {
		if len(md) == 5 {
			return md[3:] + "/" + md[:2]
		}
		return md
	},
	"indent": func(level int) int {
		if level <= 1 {
			return 0
		}
		return level - 1
	},
}

func parsePages() (*pages, error) {
	names, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{byName: map[string]*template.Template{}}
	for _, n := range names {
		base := strings.TrimSuffix(path.Base(n), ".html")
		if base == "layout" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(assets, "templates/layout.html", n)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", n, err)
		}
		p.byName[base] = t
	}
	return p, nil
}

// Page is the data every page has: who is looking, in which language,
// where they are. Page types embed it.
type Page struct {
	Lang    i18n.Lang
	User    *outreach.User
	Title   string
	Nav     string
	Path    string
	Flash   string
	Version string
	// Demo is set when the database holds demo records.
	Demo bool
}

// T translates a key into the page's language.
func (p Page) T(key string, args ...any) string { return p.Lang.T(key, args...) }

// Other is the language to switch to.
func (p Page) Other() i18n.Lang {
	if p.Lang == i18n.EN {
		return i18n.VI
	}
	return i18n.EN
}

// Can reports whether the user's role allows an action shown on the page.
func (p Page) Can(what string) bool {
	if p.User == nil {
		return false
	}
	switch what {
	case "manage_users":
		return p.User.Role == outreach.RoleAdmin
	case "edit_plans":
		return p.User.Role == outreach.RoleAdmin || p.User.Role == outreach.RoleCoordinator
	case "record": // activities: every role but viewers (unit reporters for their units)
		return p.User.Role != outreach.RoleViewer
	case "distribute": // sending materials: agencies, coordinators, admins
		return p.User.Role == outreach.RoleAdmin || p.User.Role == outreach.RoleCoordinator || p.User.Role == outreach.RoleAgencyReporter
	}
	return false
}

func (s *Server) page(r *http.Request, title, nav string) Page {
	p := Page{Lang: langOf(r), User: currentUser(r), Nav: nav, Path: r.URL.RequestURI(), Version: s.version}
	if p.User != nil {
		p.Demo, _ = s.store.HasDemoData(r.Context())
	}
	p.Title = p.T(title)
	if c, err := r.Cookie("flash"); err == nil {
		if v, err := url.QueryUnescape(c.Value); err == nil {
			p.Flash = v
		}
	}
	return p
}

// render executes a page into a buffer first, so a template error becomes
// a clean 500 instead of half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) error {
	t, ok := s.pages.byName[name]
	if !ok {
		return fmt.Errorf("no page %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	if _, err := r.Cookie("flash"); err == nil {
		http.SetCookie(w, &http.Cookie{Name: "flash", Path: "/", MaxAge: -1})
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err := buf.WriteTo(w)
	return err
}

// seeOther redirects after a successful form, with a message to show.
func seeOther(w http.ResponseWriter, r *http.Request, to, flash string) error {
	if flash != "" {
		http.SetCookie(w, &http.Cookie{Name: "flash", Value: url.QueryEscape(flash), Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// handler is an HTTP handler that returns an error; serveError turns the
// error's kind into a page.
type handler func(w http.ResponseWriter, r *http.Request) error

// errorPage is the data of the error page.
type errorPage struct {
	Page
	Status  int
	Message string
}

// wrap turns a handler's error into a page. A form body is parsed before
// the handler runs (within the route's limit) and refused whole when it
// cannot be, so no handler works on half a form; upload routes parse
// their own, after checking who asks. Whatever was parsed is released
// when the handler returns.
func (s *Server) wrap(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		defer releaseForm(r)
		if hasBody(r) {
			if _, upload := s.limits.of(r); !upload {
				if err := s.parseForm(r); err != nil {
					s.serveError(w, r, err)
					return
				}
			}
		}
		if err := h(w, r); err != nil {
			s.serveError(w, r, err)
		}
	}
}

// auth wraps a handler that needs a logged-in user; others are sent to
// the login page.
func (s *Server) auth(h handler) http.HandlerFunc {
	return s.wrap(func(w http.ResponseWriter, r *http.Request) error {
		if currentUser(r) == nil {
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return nil
		}
		if err := s.planInScope(r); err != nil {
			return err
		}
		return h(w, r)
	})
}

func (s *Server) serveError(w http.ResponseWriter, r *http.Request, err error) {
	status, key := http.StatusInternalServerError, "err.internal"
	switch {
	case errors.Is(err, outreach.ErrNotFound):
		status, key = http.StatusNotFound, "err.not_found"
	case errors.Is(err, outreach.ErrForbidden):
		status, key = http.StatusForbidden, "err.forbidden"
	case errors.Is(err, outreach.ErrUnauthorized):
		status, key = http.StatusUnauthorized, "err.unauthorized"
	case errors.Is(err, outreach.ErrInvalid):
		status, key = http.StatusUnprocessableEntity, "err.invalid"
	case errors.Is(err, outreach.ErrConflict):
		status, key = http.StatusConflict, "err.conflict"
	case errors.Is(err, errFormTooBig):
		status, key = http.StatusRequestEntityTooLarge, "err.too_large"
	case errors.Is(err, errFormUnreadable):
		status, key = http.StatusBadRequest, "err.bad_form"
	}
	if status == http.StatusInternalServerError {
		s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	} else {
		s.log.InfoContext(r.Context(), "request refused", "method", r.Method, "path", r.URL.Path, "status", status, "err", err)
	}
	p := errorPage{Page: s.page(r, "err.title", ""), Status: status, Message: p0(langOf(r), key)}
	if status == http.StatusUnprocessableEntity || status == http.StatusConflict {
		p.Message += " " + store.PublicMessage(err)
	}
	if rerr := s.render(w, r, status, "error", p); rerr != nil {
		s.log.ErrorContext(r.Context(), "render error page", "err", rerr)
		http.Error(w, http.StatusText(status), status)
	}
}

func p0(l i18n.Lang, key string) string { return l.T(key) }

// problems maps a validation error to messages per form field, in the
// user's language: the form's own wording where it has one, the store's
// message otherwise.
func problems(l i18n.Lang, form string, err error) (map[string]string, bool) {
	var v *outreach.ValidationError
	if !errors.As(err, &v) {
		return nil, false
	}
	out := map[string]string{}
	for _, p := range v.Problems {
		key := "form." + form + "." + p.Field
		msg := p.Message
		if l == i18n.VI && i18n.Has(key) {
			msg = l.T(key)
		}
		if prev, ok := out[p.Field]; ok {
			msg = prev + " " + msg
		}
		out[p.Field] = msg
	}
	return out, true
}

// PopGroup names a census population group ("total", "age_10_14_urban",
// "ethnic:Tày") in the page's language.
func (p Page) PopGroup(g string) string {
	if name, ok := strings.CutPrefix(g, "ethnic:"); ok {
		return p.T("pop.ethnic", name)
	}
	if i18n.Has("popgroup." + g) {
		return p.T("popgroup." + g)
	}
	if rest, ok := strings.CutPrefix(g, "age_"); ok {
		parts := strings.Split(rest, "_")
		var out string
		switch {
		case len(parts) >= 2 && strings.HasSuffix(parts[1], "plus"):
			out = p.T("pop.age_plus", strings.TrimLeft(parts[0], "0"))
		case len(parts) >= 2:
			out = p.T("pop.age_range", strings.TrimLeft(parts[0], "0"), strings.TrimLeft(parts[1], "0"))
		}
		if len(parts) == 1 && strings.HasSuffix(parts[0], "plus") {
			out = p.T("pop.age_plus", strings.TrimSuffix(parts[0], "plus"))
		}
		if out != "" && len(parts) == 3 {
			out += ", " + p.T("popgroup."+parts[2])
		}
		if out != "" {
			return out
		}
	}
	return g
}

// fieldProblems maps validation problems to messages per form field in
// the user's language: a rule's wording from the catalogue when it has a
// code, the form's own wording, or the store's message.
func fieldProblems(l i18n.Lang, v *outreach.ValidationError) map[string]string {
	out := map[string]string{}
	if v == nil {
		return out
	}
	for _, p := range v.Problems {
		msg := p.Message
		if p.Code != "" && i18n.Has("problem."+p.Code) {
			msg = l.T("problem."+p.Code, p.Args...)
		}
		field := p.Field
		if i := strings.IndexAny(field, "[."); i > 0 && !strings.HasPrefix(field, "audience.") {
			field = field[:i]
		}
		if prev, ok := out[field]; ok {
			msg = prev + " " + msg
		}
		out[field] = msg
	}
	return out
}

// planInScope refuses, as not found, a request about a plan outside the
// user's scope: the plan in the address (/plans/{code}/…), in the query
// (?plan=) or in the form. Records addressed by id are the store's to
// refuse (it reads them within the actor's scope).
func (s *Server) planInScope(r *http.Request) error {
	codes := r.URL.Query()["plan"]
	if strings.HasPrefix(r.URL.Path, "/plans/") {
		codes = append(codes, r.PathValue("code"))
	}
	if r.PostForm != nil {
		codes = append(codes, r.PostForm["plan"]...)
	}
	return s.store.PlansInScope(r.Context(), currentActor(r), codes)
}
