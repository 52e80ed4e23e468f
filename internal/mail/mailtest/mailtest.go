// Package mailtest runs a real SMTP server (github.com/emersion/go-smtp) on
// the loopback interface for tests, records what it is sent and parses each
// message back into subject, bodies and attachments.
//
//	srv := mailtest.Start(t)
//	host, port := srv.Addr()
//	s, _ := mail.New(mail.Config{Host: host, Port: port, TLS: "none", From: "x <x@test.local>"})
//	... send ...
//	got := srv.Wait(1, 5*time.Second)[0]
//
// The server speaks plain SMTP without TLS and allows AUTH PLAIN on that
// connection; see RequireAuth. Senders must use TLS "none" (or "starttls",
// which falls back to plain text because no STARTTLS is offered).
package mailtest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Received is one message as delivered to the server, with a parsed view.
type Received struct {
	From string   // envelope sender (MAIL FROM)
	To   []string // envelope recipients (RCPT TO), Cc included
	Data []byte   // the raw message, headers and body
	// User is the name the client authenticated as, or "".
	User string

	// Parsed view of Data. Bodies are assumed to be UTF-8 (their charset
	// parameter is ignored); headers may use any charset mime.WordDecoder
	// knows (UTF-8, US-ASCII, ISO-8859-1).
	Header  mail.Header // raw (still RFC 2047-encoded) header
	Subject string      // decoded subject
	// Text and HTML are the first text/plain and text/html bodies, decoded,
	// with CRLF turned into LF and trailing line breaks removed (SMTP adds
	// one to a body that lacks it).
	Text        string
	HTML        string
	Attachments []Attachment // parts with a file name, in order
	// ParseErr is set when Data could not be parsed; the parsed fields
	// above may then be incomplete.
	ParseErr error
}

// Attachment is a decoded attachment of a Received message.
type Attachment struct {
	Name        string // decoded file name
	ContentType string // media type without parameters, e.g. "application/pdf"
	Data        []byte
}

// AttachmentNames lists the file names of the attachments.
func (r Received) AttachmentNames() []string {
	names := make([]string, len(r.Attachments))
	for i, a := range r.Attachments {
		names[i] = a.Name
	}
	return names
}

// Server is a running test SMTP server. Its methods are safe for concurrent
// use.
type Server struct {
	t    testing.TB
	addr *net.TCPAddr

	mu       sync.Mutex
	msgs     []Received
	arrived  chan struct{} // closed and replaced on each delivery
	rejected map[string]bool
	failNext int
	user     string
	pass     string
}

// Start starts a server on 127.0.0.1 with a free port. It is stopped when
// the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{t: t, arrived: make(chan struct{}), rejected: map[string]bool{}}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailtest: listen: %v", err)
	}
	s.addr = l.Addr().(*net.TCPAddr)

	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &session{srv: s}, nil
	}))
	srv.Domain = "mailtest.local"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout = 30 * time.Second
	srv.WriteTimeout = 30 * time.Second
	srv.MaxMessageBytes = 32 << 20
	srv.ErrorLog = log.New(io.Discard, "", 0)

	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	t.Cleanup(func() {
		srv.Close()
		l.Close() // Close misses a listener that Serve has not registered yet
		if err := <-done; err != nil && !errors.Is(err, smtp.ErrServerClosed) && !errors.Is(err, net.ErrClosed) {
			t.Errorf("mailtest: serve: %v", err)
		}
	})
	return s
}

// Addr returns the host and port to connect to.
func (s *Server) Addr() (host string, port int) {
	return s.addr.IP.String(), s.addr.Port
}

// RejectRecipient makes the server refuse addr (compared without regard to
// case) at RCPT TO with "550 5.1.1 mailbox unavailable".
func (s *Server) RejectRecipient(addr string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejected[strings.ToLower(addr)] = true
}

// FailNext makes the server refuse the next n messages after their data was
// sent, with the temporary error "451 4.3.0".
func (s *Server) FailNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext = n
}

// RequireAuth makes the server offer AUTH PLAIN and refuse MAIL FROM until
// the client authenticated with this username and password. Without it, the
// server needs no authentication and offers none.
func (s *Server) RequireAuth(username, password string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.user, s.pass = username, password
}

// Messages returns the messages delivered so far, oldest first.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return cloneAll(s.msgs)
}

// Wait waits until at least n messages have been delivered and returns all
// delivered messages. It fails the test if that takes longer than timeout.
// Call it from the test's goroutine.
func (s *Server) Wait(n int, timeout time.Duration) []Received {
	s.t.Helper()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		s.mu.Lock()
		if len(s.msgs) >= n {
			msgs := cloneAll(s.msgs)
			s.mu.Unlock()
			return msgs
		}
		arrived, got := s.arrived, len(s.msgs)
		s.mu.Unlock()
		select {
		case <-arrived:
		case <-timer.C:
			s.t.Fatalf("mailtest: waited %v for %d message(s), got %d", timeout, n, got)
			return nil
		}
	}
}

func cloneAll(msgs []Received) []Received {
	out := make([]Received, len(msgs))
	for i, m := range msgs {
		m.To = append([]string(nil), m.To...)
		m.Data = bytes.Clone(m.Data)
		m.Attachments = append([]Attachment(nil), m.Attachments...)
		for j := range m.Attachments {
			m.Attachments[j].Data = bytes.Clone(m.Attachments[j].Data)
		}
		out[i] = m
	}
	return out
}

// session is one SMTP connection's transaction state.
type session struct {
	srv  *Server
	user string
	from string
	to   []string
}

var _ smtp.AuthSession = (*session)(nil)

func (ss *session) AuthMechanisms() []string {
	ss.srv.mu.Lock()
	defer ss.srv.mu.Unlock()
	if ss.srv.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, username, password string) error {
		ss.srv.mu.Lock()
		defer ss.srv.mu.Unlock()
		if ss.srv.user == "" || username != ss.srv.user || password != ss.srv.pass {
			return smtp.ErrAuthFailed
		}
		ss.user = username
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	ss.srv.mu.Lock()
	needAuth := ss.srv.user != ""
	ss.srv.mu.Unlock()
	if needAuth && ss.user == "" {
		return smtp.ErrAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.srv.mu.Lock()
	rejected := ss.srv.rejected[strings.ToLower(to)]
	ss.srv.mu.Unlock()
	if rejected {
		return &smtp.SMTPError{
			Code:         550,
			EnhancedCode: smtp.EnhancedCode{5, 1, 1},
			Message:      fmt.Sprintf("mailbox unavailable: %s", to),
		}
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s := ss.srv
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failNext > 0 {
		s.failNext--
		return &smtp.SMTPError{
			Code:         451,
			EnhancedCode: smtp.EnhancedCode{4, 3, 0},
			Message:      "temporary failure (mailtest.FailNext)",
		}
	}
	rec := Received{From: ss.from, To: append([]string(nil), ss.to...), Data: data, User: ss.user}
	rec.ParseErr = parse(&rec)
	s.msgs = append(s.msgs, rec)
	close(s.arrived)
	s.arrived = make(chan struct{})
	return nil
}

func (ss *session) Reset() {
	ss.from = ""
	ss.to = nil
}

func (ss *session) Logout() error { return nil }

var wordDecoder mime.WordDecoder

// parse fills the parsed view of r from r.Data.
func parse(r *Received) error {
	msg, err := mail.ReadMessage(bytes.NewReader(r.Data))
	if err != nil {
		return fmt.Errorf("read message: %w", err)
	}
	r.Header = msg.Header
	if r.Subject, err = wordDecoder.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return fmt.Errorf("decode subject: %w", err)
	}
	return walk(r, textproto.MIMEHeader(msg.Header), msg.Body)
}

// walk decodes one MIME entity (recursively for multiparts) into r.
func walk(r *Received, h textproto.MIMEHeader, body io.Reader) error {
	ct := h.Get("Content-Type")
	if ct == "" {
		ct = "text/plain; charset=us-ascii"
	}
	mediaType, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return fmt.Errorf("content type %q: %w", ct, err)
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("%s: %w", mediaType, err)
			}
			if err := walk(r, p.Header, p); err != nil {
				return err
			}
		}
	}

	var dec io.Reader
	switch cte := strings.ToLower(strings.TrimSpace(h.Get("Content-Transfer-Encoding"))); cte {
	case "quoted-printable":
		dec = quotedprintable.NewReader(body)
	case "base64":
		dec = base64.NewDecoder(base64.StdEncoding, body) // skips CR and LF
	case "", "7bit", "8bit", "binary":
		dec = body
	default:
		return fmt.Errorf("unknown Content-Transfer-Encoding %q", cte)
	}
	data, err := io.ReadAll(dec)
	if err != nil {
		return fmt.Errorf("decode %s body: %w", mediaType, err)
	}

	name := ""
	if cd := h.Get("Content-Disposition"); cd != "" {
		if _, p, err := mime.ParseMediaType(cd); err == nil {
			name = p["filename"]
		}
	}
	if name == "" {
		name = params["name"]
	}
	if name != "" {
		if name, err = wordDecoder.DecodeHeader(name); err != nil {
			return fmt.Errorf("decode file name: %w", err)
		}
		r.Attachments = append(r.Attachments, Attachment{Name: name, ContentType: mediaType, Data: data})
		return nil
	}

	text := strings.TrimRight(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	switch {
	case mediaType == "text/plain" && r.Text == "":
		r.Text = text
	case mediaType == "text/html" && r.HTML == "":
		r.HTML = text
	}
	return nil
}
