package web

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"outreach/internal/i18n"
	"outreach/internal/outreach"
	"outreach/internal/store"
)

type loginPage struct {
	Page
	Username string
	Next     string
	Error    string
}

// safeNext keeps redirects after login on this site: a path that starts
// with one "/", with no scheme, no host and no control characters or
// backslashes (browsers drop tabs and read "\" as "/", which would turn
// "/\t/evil.example" into another site).
func safeNext(next string) string {
	for _, r := range next {
		if r < 0x20 || r == 0x7f || r == '\\' {
			return "/"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		return "/"
	}
	return next
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) error {
	if currentUser(r) != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	return s.render(w, r, http.StatusOK, "login", loginPage{Page: s.page(r, "login.title", ""), Next: r.URL.Query().Get("next")})
}

// clientIP is the address a request comes from: the connection's peer,
// or, behind a trusted reverse proxy, the address the proxy appended last
// to X-Forwarded-For.
func (s *Server) clientIP(r *http.Request) string {
	if s.trustProxy {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			parts := strings.Split(xff[len(xff)-1], ",")
			if ip := strings.TrimSpace(parts[len(parts)-1]); net.ParseIP(ip) != nil {
				return ip
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// maxUsername bounds what a login form may send as a username; longer
// input fails without touching the password hasher or the throttle.
const maxUsername = 64

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	username := strings.ToLower(strings.TrimSpace(r.PostFormValue("username")))
	password := r.PostFormValue("password")
	p := loginPage{Page: s.page(r, "login.title", ""), Next: r.PostFormValue("next")}
	if utf8.RuneCountInString(username) > maxUsername || len(password) > 1024 {
		p.Error = p.T("login.failed")
		return s.render(w, r, http.StatusUnauthorized, "login", p)
	}
	p.Username = username
	ip := s.clientIP(r)
	account, addr := "user:"+username, "ip:"+ip
	if ok, wait := s.throttle.begin(r.Context(), account, addr); !ok {
		p.Error = p.T("login.throttled", int(wait.Minutes())+1)
		s.log.Warn("login throttled", "username", username, "ip", ip)
		w.Header().Set("Retry-After", fmt.Sprint(int(wait.Seconds())+1))
		return s.render(w, r, http.StatusTooManyRequests, "login", p)
	}
	// Argon2id runs in the store's bounded pool of hashers.
	u, _, err := s.store.Authenticate(r.Context(), username, password)
	if errors.Is(err, outreach.ErrUnauthorized) {
		s.throttle.end(true, account, addr)
		s.log.Info("login failed", "username", username, "ip", ip)
		p.Error = p.T("login.failed")
		return s.render(w, r, http.StatusUnauthorized, "login", p)
	}
	if err != nil {
		s.throttle.end(false, account, addr)
		return err
	}
	s.throttle.succeeded(account, addr)
	// A new session id on every login: an id planted before login is
	// never promoted.
	if old, err := r.Cookie(SessionCookie); err == nil {
		if err := s.store.DeleteSession(r.Context(), old.Value); err != nil {
			s.log.Error("delete old session", "err", err)
		}
	}
	secret, err := s.store.CreateSession(r.Context(), u.ID)
	if err != nil {
		return err
	}
	setSessionCookie(w, r, secret, store.SessionTTL)
	return seeOther(w, r, safeNext(p.Next), "")
}

func setSessionCookie(w http.ResponseWriter, r *http.Request, value string, ttl time.Duration) {
	c := &http.Cookie{Name: SessionCookie, Value: value, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https"}
	if ttl > 0 {
		c.MaxAge = int(ttl.Seconds())
	} else {
		c.MaxAge = -1
	}
	http.SetCookie(w, c)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(SessionCookie); err == nil {
		if err := s.store.DeleteSession(r.Context(), c.Value); err != nil {
			return err
		}
	}
	setSessionCookie(w, r, "", 0)
	return seeOther(w, r, "/login", "")
}

func (s *Server) setLang(w http.ResponseWriter, r *http.Request) error {
	l := i18n.Parse(r.PathValue("lang"))
	http.SetCookie(w, &http.Cookie{Name: "lang", Value: string(l), Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
	return nil
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	v, err := s.store.SchemaVersion(ctx)
	w.Header().Set("Content-Type", "application/json")
	if err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, `{"status":"unavailable"}`+"\n")
		s.log.Error("health check", "err", err)
		return nil
	}
	fmt.Fprintf(w, `{"status":"ok","schema_version":%q,"engine":%q,"version":%q}`+"\n", v, s.store.Engine(), s.version)
	return nil
}

type accountPage struct {
	Page
	Problems map[string]string
	Tokens   []store.TokenInfo
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) error {
	p := accountPage{Page: s.page(r, "account.title", "account")}
	if err := s.accountData(r, &p); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "account", p)
}

// accountData lists the user's API tokens for the account page.
func (s *Server) accountData(r *http.Request, p *accountPage) error {
	ts, err := s.store.Tokens(r.Context(), currentActor(r), currentUser(r).Username)
	p.Tokens = ts
	return err
}

// revokeToken ends an API token: its owner's, or anyone's for an admin.
func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return fmt.Errorf("token %q: %w", r.PathValue("id"), outreach.ErrNotFound)
	}
	if err := s.store.RevokeToken(r.Context(), currentActor(r), id); err != nil {
		return err
	}
	back := "/account"
	if r.PostFormValue("back") == "users" {
		back = "/users"
	}
	return seeOther(w, r, back, langOf(r).T("token.revoked"))
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	p := accountPage{Page: s.page(r, "account.title", "account")}
	if err := s.accountData(r, &p); err != nil {
		return err
	}
	current, next, again := r.PostFormValue("current"), r.PostFormValue("new"), r.PostFormValue("again")
	if len(current) > 1024 || len(next) > 1024 {
		p.Problems = map[string]string{"new": p.T("form.password.long")}
		return s.render(w, r, http.StatusUnprocessableEntity, "account", p)
	}
	if next != again {
		p.Problems = map[string]string{"again": p.T("form.password.again")}
		return s.render(w, r, http.StatusUnprocessableEntity, "account", p)
	}
	// The current password is a guess like a login's: it is checked under
	// the same throttle, per account and per address, before any hashing.
	ip := s.clientIP(r)
	account, addr := "user:"+u.Username, "ip:"+ip
	if ok, wait := s.throttle.begin(r.Context(), account, addr); !ok {
		s.log.Warn("password change throttled", "username", u.Username, "ip", ip)
		w.Header().Set("Retry-After", fmt.Sprint(int(wait.Seconds())+1))
		p.Problems = map[string]string{"current": p.T("login.throttled", int(wait.Minutes())+1)}
		return s.render(w, r, http.StatusTooManyRequests, "account", p)
	}
	keep, _ := r.Context().Value(sessionKey).(string)
	err := s.store.ChangePassword(r.Context(), currentActor(r), u.Username, current, next, keep)
	if errors.Is(err, store.ErrWrongPassword) {
		s.throttle.end(true, account, addr)
		s.log.Info("password change: wrong current password", "username", u.Username, "ip", ip)
	} else if err == nil {
		s.throttle.succeeded(account, addr)
	} else {
		s.throttle.end(false, account, addr)
	}
	if probs, ok := problems(p.Lang, "password", err); ok {
		p.Problems = probs
		return s.render(w, r, http.StatusUnprocessableEntity, "account", p)
	}
	if err != nil {
		return err
	}
	return seeOther(w, r, "/account", p.T("account.changed"))
}
