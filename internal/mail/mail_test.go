package mail_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"outreach/internal/mail"
	"outreach/internal/mail/mailtest"
)

const wait = 10 * time.Second

// newSender returns a sender for srv with TLS "none" and no auth.
func newSender(t *testing.T, srv *mailtest.Server) *mail.SMTP {
	t.Helper()
	host, port := srv.Addr()
	s, err := mail.New(mail.Config{Host: host, Port: port, TLS: "none", From: "Outreach <noreply@test.local>"})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

// pdf is a small PDF-like payload that also holds every byte value, so a
// transfer encoding that is not binary-safe shows.
func pdf() []byte {
	b := []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n")
	for i := range 256 {
		b = append(b, byte(i))
	}
	return append(b, "\n%%EOF\n"...)
}

func TestSendVietnamese(t *testing.T) {
	srv := mailtest.Start(t)
	s := newSender(t, srv)

	subject := "Nhắc hạn báo cáo năm 2019 — còn 7 ngày"
	text := "Kính gửi Ủy ban nhân dân xã Đồng Phúc,\n\n" +
		"Hạn nộp báo cáo năm 2019 là ngày 15/01/2020. Xin vui lòng hoàn thành sớm.\n" +
		"Một dòng rất dài để kiểm tra việc ngắt dòng quoted-printable: " + strings.Repeat("ấ ầ ẩ ẫ ậ đ ư ơ ", 12) + "\n\n" +
		"Trân trọng,\nSở Thông tin và Truyền thông Bắc Kạn"
	html := "<p>Kính gửi <b>Ủy ban nhân dân xã Đồng Phúc</b>,</p>"
	att := mail.Attachment{Name: "Báo cáo năm 2019.pdf", ContentType: "application/pdf", Data: pdf()}

	err := s.Send(context.Background(), mail.Message{
		To:          []string{"Nguyễn Văn A <a@test.local>"},
		Cc:          []string{"b@test.local"},
		Subject:     subject,
		Text:        text,
		HTML:        html,
		Attachments: []mail.Attachment{att},
	})
	if err != nil {
		t.Fatalf("Send: %v", err)
	}

	msgs := srv.Wait(1, wait)
	if len(msgs) != 1 {
		t.Fatalf("server got %d messages, want 1", len(msgs))
	}
	got := msgs[0]
	if got.ParseErr != nil {
		t.Fatalf("parse: %v\n%s", got.ParseErr, got.Data)
	}
	if got.From != "noreply@test.local" {
		t.Errorf("envelope from = %q", got.From)
	}
	if want := []string{"a@test.local", "b@test.local"}; !slices.Equal(got.To, want) {
		t.Errorf("envelope to = %q, want %q", got.To, want)
	}
	if got.Subject != subject {
		t.Errorf("subject = %q, want %q", got.Subject, subject)
	}
	if raw := got.Header.Get("Subject"); !strings.HasPrefix(raw, "=?") {
		t.Errorf("raw subject %q is not RFC 2047 encoded", raw)
	}
	if got.Text != text {
		t.Errorf("text body = %q, want %q", got.Text, text)
	}
	if got.HTML != html {
		t.Errorf("html body = %q, want %q", got.HTML, html)
	}
	if from, err := got.Header.AddressList("From"); err != nil || len(from) != 1 || from[0].Name != "Outreach" || from[0].Address != "noreply@test.local" {
		t.Errorf("From header = %v, %v", from, err)
	}
	if to, err := got.Header.AddressList("To"); err != nil || len(to) != 1 || to[0].Name != "Nguyễn Văn A" {
		t.Errorf("To header = %v, %v", to, err)
	}
	if len(got.Attachments) != 1 {
		t.Fatalf("attachments = %q, want 1", got.AttachmentNames())
	}
	a := got.Attachments[0]
	if a.Name != att.Name || a.ContentType != att.ContentType {
		t.Errorf("attachment = %q (%s), want %q (%s)", a.Name, a.ContentType, att.Name, att.ContentType)
	}
	if !bytes.Equal(a.Data, att.Data) {
		t.Errorf("attachment bytes differ: got %d bytes, want %d", len(a.Data), len(att.Data))
	}
	for _, line := range strings.Split(string(got.Data), "\r\n") {
		if len(line) > 998 {
			t.Errorf("line of %d bytes exceeds RFC 5322's limit", len(line))
		}
	}
}

func TestSendTextOnly(t *testing.T) {
	srv := mailtest.Start(t)
	s := newSender(t, srv)
	if err := s.Send(context.Background(), mail.Message{To: []string{"a@test.local"}, Subject: "Chào", Text: "Xin chào!"}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := srv.Wait(1, wait)[0]
	if got.Subject != "Chào" || got.Text != "Xin chào!" || got.HTML != "" || len(got.Attachments) != 0 {
		t.Errorf("got subject %q text %q html %q attachments %q", got.Subject, got.Text, got.HTML, got.AttachmentNames())
	}
}

func TestRejectedRecipient(t *testing.T) {
	srv := mailtest.Start(t)
	srv.RejectRecipient("bad@test.local")
	s := newSender(t, srv)

	err := s.Send(context.Background(), mail.Message{
		To:      []string{"good@test.local", "Người Sai <bad@test.local>"},
		Subject: "Thử", Text: "Nội dung",
	})
	if err == nil {
		t.Fatal("Send to a rejected recipient succeeded")
	}
	if !strings.Contains(err.Error(), "bad@test.local") {
		t.Errorf("error does not name the rejected address: %v", err)
	}
	prefix := "send mail to good@test.local, bad@test.local: "
	if !strings.HasPrefix(err.Error(), prefix) {
		t.Errorf("error lacks context: %v", err)
	} else if detail := strings.TrimPrefix(err.Error(), prefix); !strings.Contains(detail, "bad@test.local") || strings.Contains(detail, "good@test.local") {
		t.Errorf("error detail does not single out the rejected address: %v", err)
	}
	if !strings.Contains(err.Error(), "550") {
		t.Errorf("error lacks the SMTP code: %v", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("server delivered %d messages, want none", n)
	}

	// The sender stays usable.
	if err := s.Send(context.Background(), mail.Message{To: []string{"good@test.local"}, Subject: "Thử lại", Text: "x"}); err != nil {
		t.Fatalf("second Send: %v", err)
	}
	srv.Wait(1, wait)
}

func TestTemporaryFailure(t *testing.T) {
	srv := mailtest.Start(t)
	srv.FailNext(1)
	s := newSender(t, srv)
	m := mail.Message{To: []string{"a@test.local"}, Subject: "Thử", Text: "x"}
	err := s.Send(context.Background(), m)
	if err == nil || !strings.Contains(err.Error(), "451") || !strings.Contains(err.Error(), "a@test.local") {
		t.Fatalf("Send with FailNext(1) = %v, want a 451 error naming a@test.local", err)
	}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatalf("Send after the failure: %v", err)
	}
	if got := srv.Wait(1, wait); len(got) != 1 {
		t.Errorf("server got %d messages, want 1", len(got))
	}
}

func TestAuth(t *testing.T) {
	for _, tlsMode := range []string{"none", "starttls", ""} {
		t.Run("tls="+tlsMode, func(t *testing.T) {
			srv := mailtest.Start(t)
			srv.RequireAuth("outreach", "mật-khẩu")
			host, port := srv.Addr()
			cfg := mail.Config{Host: host, Port: port, TLS: tlsMode, From: "noreply@test.local", Username: "outreach", Password: "mật-khẩu"}
			m := mail.Message{To: []string{"a@test.local"}, Subject: "Thử", Text: "x"}

			s, err := mail.New(cfg)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if err := s.Send(context.Background(), m); err != nil {
				t.Fatalf("Send: %v", err)
			}
			if got := srv.Wait(1, wait)[0]; got.User != "outreach" {
				t.Errorf("authenticated as %q, want outreach", got.User)
			}

			cfg.Password = "sai"
			s, err = mail.New(cfg)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if err := s.Send(context.Background(), m); err == nil {
				t.Error("Send with a wrong password succeeded")
			}

			cfg.Username, cfg.Password = "", ""
			s, err = mail.New(cfg)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if err := s.Send(context.Background(), m); err == nil {
				t.Error("Send without credentials to a server that requires them succeeded")
			}
			if n := len(srv.Messages()); n != 1 {
				t.Errorf("server has %d messages, want 1", n)
			}
		})
	}
}

func TestImplicitTLSHandshakes(t *testing.T) {
	// The test server speaks plain SMTP, so TLS "tls" must fail in the
	// handshake rather than send anything in clear text.
	srv := mailtest.Start(t)
	host, port := srv.Addr()
	s, err := mail.New(mail.Config{Host: host, Port: port, TLS: "tls", From: "noreply@test.local", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	err = s.Send(context.Background(), mail.Message{To: []string{"a@test.local"}, Subject: "x", Text: "x"})
	if err == nil || !strings.Contains(err.Error(), "tls") {
		t.Fatalf("Send over implicit TLS to a plain server = %v, want a TLS error", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("server got %d messages", n)
	}
}

func TestSendHonoursContext(t *testing.T) {
	// A server that accepts connections and never greets.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns sync.WaitGroup
	t.Cleanup(func() { l.Close(); conns.Wait() })
	conns.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns.Go(func() { io.Copy(io.Discard, c); c.Close() })
		}
	})
	addr := l.Addr().(*net.TCPAddr)
	s, err := mail.New(mail.Config{Host: "127.0.0.1", Port: addr.Port, TLS: "none", From: "noreply@test.local", Timeout: time.Minute})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	m := mail.Message{To: []string{"a@test.local"}, Subject: "x", Text: "x"}

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = s.Send(ctx, m)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Send to a silent server = %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("Send took %v despite the context deadline", d)
	}

	cancelled, cancel2 := context.WithCancel(context.Background())
	cancel2()
	if err := s.Send(cancelled, m); !errors.Is(err, context.Canceled) {
		t.Errorf("Send with a cancelled context = %v", err)
	}
}

func TestNewRejectsInvalidConfig(t *testing.T) {
	ok := mail.Config{Host: "smtp.example.gov.vn", Port: 587, From: "Sở TT&TT Bắc Kạn <noreply@example.gov.vn>"}
	if _, err := mail.New(ok); err != nil {
		t.Fatalf("New(valid) = %v", err)
	}
	tests := map[string]func(*mail.Config){
		"from not an address":      func(c *mail.Config) { c.From = "not an address" },
		"no from":                  func(c *mail.Config) { c.From = "" },
		"two from addresses":       func(c *mail.Config) { c.From = "a@x.vn, b@x.vn" },
		"port 0":                   func(c *mail.Config) { c.Port = 0 },
		"port 65536":               func(c *mail.Config) { c.Port = 65536 },
		"no host":                  func(c *mail.Config) { c.Host = "" },
		"unknown tls":              func(c *mail.Config) { c.TLS = "ssl" },
		"negative timeout":         func(c *mail.Config) { c.Timeout = -time.Second },
		"password without user":    func(c *mail.Config) { c.Password = "x" },
		"clear-text auth (remote)": func(c *mail.Config) { c.TLS, c.Username, c.Password = "none", "u", "p" },
	}
	for name, change := range tests {
		t.Run(name, func(t *testing.T) {
			c := ok
			change(&c)
			if s, err := mail.New(c); err == nil {
				t.Errorf("New(%+v) = %v, want an error", c, s)
			}
		})
	}
	for _, tlsMode := range []string{"", "starttls", "STARTTLS", "tls", "none"} {
		c := ok
		c.TLS = tlsMode
		if _, err := mail.New(c); err != nil {
			t.Errorf("New with TLS %q: %v", tlsMode, err)
		}
	}
}

func TestEnabled(t *testing.T) {
	if (mail.Config{}).Enabled() {
		t.Error("zero Config is enabled")
	}
	if !(mail.Config{Host: "smtp.example.gov.vn"}).Enabled() {
		t.Error("Config with a host is not enabled")
	}
}

func TestInvalidMessages(t *testing.T) {
	srv := mailtest.Start(t)
	senders := map[string]mail.Sender{"smtp": newSender(t, srv), "recorder": &mail.Recorder{}}
	bad := map[string]mail.Message{
		"no recipient":       {Subject: "x", Text: "x"},
		"bad to":             {To: []string{"not an address"}, Subject: "x"},
		"bad cc":             {To: []string{"a@test.local"}, Cc: []string{"@@"}, Subject: "x"},
		"subject line break": {To: []string{"a@test.local"}, Subject: "x\r\nBcc: evil@test.local"},
		"unnamed attachment": {To: []string{"a@test.local"}, Subject: "x", Attachments: []mail.Attachment{{Data: []byte("x")}}},
	}
	for sname, s := range senders {
		for mname, m := range bad {
			if err := s.Send(context.Background(), m); err == nil {
				t.Errorf("%s: Send(%s) succeeded", sname, mname)
			}
		}
	}
	if err := senders["smtp"].Send(context.Background(), mail.Message{To: []string{"not an address"}}); err == nil || !strings.Contains(err.Error(), "not an address") {
		t.Errorf("error does not name the invalid address: %v", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("server got %d messages", n)
	}
	if n := len(senders["recorder"].(*mail.Recorder).Messages()); n != 0 {
		t.Errorf("recorder kept %d invalid messages", n)
	}
}

func TestRecorder(t *testing.T) {
	var r mail.Recorder
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Go(func() {
			m := mail.Message{To: []string{"a@test.local"}, Subject: "Thư " + string(rune('0'+i)), Attachments: []mail.Attachment{{Name: "a.pdf", Data: []byte("pdf")}}}
			if err := r.Send(context.Background(), m); err != nil {
				t.Errorf("Send: %v", err)
			}
		})
	}
	wg.Wait()
	msgs := r.Messages()
	if len(msgs) != 10 {
		t.Fatalf("recorded %d messages, want 10", len(msgs))
	}
	var subjects []string
	for _, m := range msgs {
		subjects = append(subjects, m.Subject)
	}
	slices.Sort(subjects)
	if subjects[0] != "Thư 0" || subjects[9] != "Thư 9" {
		t.Errorf("subjects = %q", subjects)
	}

	// Returned messages are copies.
	msgs[0].To[0] = "changed@test.local"
	msgs[0].Attachments[0].Data[0] = 'X'
	again := r.Messages()[0]
	if again.To[0] != "a@test.local" || string(again.Attachments[0].Data) != "pdf" {
		t.Errorf("Messages returned shared slices: %+v", again)
	}
}
