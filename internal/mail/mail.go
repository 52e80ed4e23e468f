// Package mail sends e-mail over SMTP.
//
// [SMTP] delivers a [Message] through one SMTP connection per call, using
// github.com/wneessen/go-mail. Headers and bodies are UTF-8: the subject and
// display names are RFC 2047 encoded, text bodies are quoted-printable and
// attachments base64, so Vietnamese text survives any relay.
//
// [Recorder] is a [Sender] that only keeps messages in memory, for tests and
// dry runs. The sub-package mailtest runs a real SMTP server for tests.
//
// # Credentials and TLS
//
// With Config.TLS "starttls" (the default) the connection is upgraded with
// STARTTLS when the server offers it; "tls" uses implicit TLS (usually port
// 465); "none" never encrypts. Credentials (PLAIN, or LOGIN when the server
// offers no PLAIN) are only ever sent over TLS, or in clear text to a loopback
// host (localhost, 127.0.0.1, ::1) such as a local relay or a test server.
// [New] therefore refuses a Username with TLS "none" for any other host, and
// with "starttls" against a remote server that offers no STARTTLS, Send fails
// rather than leak the password.
package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"net"
	netmail "net/mail"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// TLS modes for Config.TLS.
const (
	TLSStartTLS = "starttls" // STARTTLS when the server offers it (default)
	TLSImplicit = "tls"      // implicit TLS from the first byte
	TLSNone     = "none"     // never encrypt
)

// DefaultTimeout is used when Config.Timeout is zero.
const DefaultTimeout = 20 * time.Second

// Config is the SMTP configuration (from the server's configuration/flags/env).
type Config struct {
	Host     string
	Port     int
	Username string // empty: no SMTP AUTH
	Password string
	// From is the sender, a single RFC 5322 address, with or without a
	// display name: "Sở TT&TT Bắc Kạn <noreply@example.gov.vn>".
	From string
	// TLS is TLSStartTLS (also when empty), TLSImplicit or TLSNone.
	TLS string
	// Timeout bounds connecting and each SMTP command; DefaultTimeout if zero.
	Timeout time.Duration
}

// Enabled reports whether e-mail is configured at all (Host is set).
func (c Config) Enabled() bool { return c.Host != "" }

// Attachment is a file attached to a message.
type Attachment struct {
	Name        string // file name shown to the recipient; required
	ContentType string // e.g. "application/pdf"; guessed from Name if empty
	Data        []byte
}

// Message is one e-mail. To must hold at least one address; each address may
// carry a display name ("Nguyễn Văn A <a@example.vn>").
type Message struct {
	To          []string
	Cc          []string
	Subject     string
	Text        string // plain-text body
	HTML        string // optional HTML alternative to Text
	Attachments []Attachment
}

// Sender sends messages. *SMTP and *Recorder implement it.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

var (
	_ Sender = (*SMTP)(nil)
	_ Sender = (*Recorder)(nil)
)

// SMTP sends messages through an SMTP server. It is safe for concurrent use.
type SMTP struct {
	cfg  Config
	from *netmail.Address
}

// New checks c and returns a sender for it. It does not connect.
func New(c Config) (*SMTP, error) {
	c.TLS = strings.ToLower(strings.TrimSpace(c.TLS))
	if c.TLS == "" {
		c.TLS = TLSStartTLS
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Host == "" {
		return nil, errors.New("mail: no SMTP host configured")
	}
	if c.Port < 1 || c.Port > 65535 {
		return nil, fmt.Errorf("mail: SMTP port %d out of range 1–65535", c.Port)
	}
	switch c.TLS {
	case TLSStartTLS, TLSImplicit, TLSNone:
	default:
		return nil, fmt.Errorf("mail: unknown TLS mode %q (want %q, %q or %q)", c.TLS, TLSStartTLS, TLSImplicit, TLSNone)
	}
	if c.Timeout < 0 {
		return nil, fmt.Errorf("mail: negative timeout %v", c.Timeout)
	}
	if c.Username == "" && c.Password != "" {
		return nil, errors.New("mail: SMTP password set without a username")
	}
	if c.Username != "" && c.TLS == TLSNone && !isLoopback(c.Host) {
		return nil, fmt.Errorf("mail: refusing to send SMTP credentials unencrypted to %s: use TLS %q or %q", c.Host, TLSStartTLS, TLSImplicit)
	}
	from, err := netmail.ParseAddress(c.From)
	if err != nil {
		return nil, fmt.Errorf("mail: sender address %q: %w", c.From, err)
	}
	return &SMTP{cfg: c, from: from}, nil
}

// isLoopback mirrors go-mail's own rule for clear-text authentication.
func isLoopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

// Send delivers m over a new SMTP connection. If any recipient is refused,
// nothing is sent. Errors start with "send mail to <recipients>". Cancelling
// ctx aborts the connection.
func (s *SMTP) Send(ctx context.Context, m Message) (err error) {
	to, cc, err := validate(m)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
				err = fmt.Errorf("%w: %w", ctxErr, err)
			}
			err = fmt.Errorf("send mail to %s: %w", joinAddrs(to, cc), err)
		}
	}()

	msg := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8), gomail.WithEncoding(gomail.EncodingQP))
	msg.FromMailAddress(s.from)
	msg.ToMailAddress(to...)
	if len(cc) > 0 {
		msg.CcMailAddress(cc...)
	}
	msg.Subject(m.Subject)
	switch {
	case m.HTML == "":
		msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	case m.Text == "":
		msg.SetBodyString(gomail.TypeTextHTML, m.HTML)
	default:
		msg.SetBodyString(gomail.TypeTextPlain, m.Text)
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	for _, a := range m.Attachments {
		ct := a.ContentType
		if ct == "" {
			ct = mime.TypeByExtension(filepath.Ext(a.Name))
		}
		if ct == "" {
			ct = "application/octet-stream"
		}
		msg.AttachReadSeeker(a.Name, bytes.NewReader(a.Data), gomail.WithFileContentType(gomail.ContentType(ct)))
	}

	// A client per call: go-mail's Client keeps per-connection state, and
	// the dialer below ties this connection to ctx.
	var stop func() bool
	defer func() {
		if stop != nil {
			stop()
		}
	}()
	dial := func(dctx context.Context, network, addr string) (net.Conn, error) {
		var conn net.Conn
		var err error
		if s.cfg.TLS == TLSImplicit {
			d := tls.Dialer{Config: &tls.Config{ServerName: s.cfg.Host, MinVersion: tls.VersionTLS12}}
			conn, err = d.DialContext(dctx, network, addr) // a *tls.Conn, which go-mail recognises as encrypted
		} else {
			var d net.Dialer
			conn, err = d.DialContext(dctx, network, addr)
		}
		if err != nil {
			return nil, err
		}
		stop = context.AfterFunc(ctx, func() { conn.Close() })
		return conn, nil
	}
	opts := []gomail.Option{
		gomail.WithPort(s.cfg.Port),
		gomail.WithTimeout(s.cfg.Timeout),
		gomail.WithDialContextFunc(dial),
	}
	switch s.cfg.TLS {
	case TLSStartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	default: // TLSImplicit: already encrypted by dial; TLSNone
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if s.cfg.Username != "" {
		mechs := []gomail.SMTPAuthType{gomail.SMTPAuthPlain, gomail.SMTPAuthLogin}
		if s.cfg.TLS == TLSNone { // loopback only, checked by New
			mechs = []gomail.SMTPAuthType{gomail.SMTPAuthPlainNoEnc, gomail.SMTPAuthLoginNoEnc}
		}
		opts = append(opts,
			gomail.WithOpportunisticSMTPAuth(mechs...),
			gomail.WithUsername(s.cfg.Username),
			gomail.WithPassword(s.cfg.Password))
	}
	client, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return client.DialAndSendWithContext(ctx, msg)
}

// validate checks m and returns its parsed To and Cc addresses.
func validate(m Message) (to, cc []*netmail.Address, err error) {
	if len(m.To) == 0 {
		return nil, nil, errors.New("mail: message has no recipient")
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		return nil, nil, errors.New("mail: subject contains a line break")
	}
	parse := func(list []string) ([]*netmail.Address, error) {
		out := make([]*netmail.Address, 0, len(list))
		for _, s := range list {
			a, err := netmail.ParseAddress(s)
			if err != nil {
				return nil, fmt.Errorf("mail: invalid recipient %q: %w", s, err)
			}
			out = append(out, a)
		}
		return out, nil
	}
	if to, err = parse(m.To); err != nil {
		return nil, nil, err
	}
	if cc, err = parse(m.Cc); err != nil {
		return nil, nil, err
	}
	for _, a := range m.Attachments {
		if a.Name == "" {
			return nil, nil, errors.New("mail: attachment without a name")
		}
	}
	return to, cc, nil
}

// joinAddrs lists the bare addresses of recipients for error messages.
func joinAddrs(lists ...[]*netmail.Address) string {
	var b strings.Builder
	for _, list := range lists {
		for _, a := range list {
			if b.Len() > 0 {
				b.WriteString(", ")
			}
			b.WriteString(a.Address)
		}
	}
	return b.String()
}

// Recorder is a Sender for tests and --dry-run that keeps messages in memory
// instead of sending them. It checks messages as SMTP.Send does. The zero
// value is ready to use and it is safe for concurrent use.
type Recorder struct {
	mu   sync.Mutex
	msgs []Message
}

// Send records a copy of m.
func (r *Recorder) Send(ctx context.Context, m Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if _, _, err := validate(m); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, clone(m))
	return nil
}

// Messages returns copies of the recorded messages, oldest first.
func (r *Recorder) Messages() []Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Message, len(r.msgs))
	for i, m := range r.msgs {
		out[i] = clone(m)
	}
	return out
}

func clone(m Message) Message {
	m.To = slices.Clone(m.To)
	m.Cc = slices.Clone(m.Cc)
	m.Attachments = slices.Clone(m.Attachments)
	for i := range m.Attachments {
		m.Attachments[i].Data = bytes.Clone(m.Attachments[i].Data)
	}
	return m
}
