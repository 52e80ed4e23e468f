package mailtest_test

import (
	"fmt"
	"net"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"outreach/internal/mail/mailtest"
)

// raw is written by hand so that the parser is tested independently of the
// library that package mail sends with.
const raw = "From: =?ISO-8859-1?Q?Andr=E9?= <andre@test.local>\r\n" +
	"To: a@test.local\r\n" +
	"Subject: =?UTF-8?B?Tmjhuq9jIGjhuqFu?= =?UTF-8?Q?_b=C3=A1o_c=C3=A1o?=\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/mixed; boundary=OUTER\r\n" +
	"\r\n" +
	"--OUTER\r\n" +
	"Content-Type: multipart/alternative; boundary=INNER\r\n" +
	"\r\n" +
	"--INNER\r\n" +
	"Content-Type: text/plain; charset=UTF-8\r\n" +
	"Content-Transfer-Encoding: base64\r\n" +
	"\r\n" +
	"S8OtbmggZ+G7rWkK\r\nVHLDom4gdHLhu41uZw==\r\n" +
	"--INNER\r\n" +
	"Content-Type: text/html; charset=UTF-8\r\n" +
	"Content-Transfer-Encoding: quoted-printable\r\n" +
	"\r\n" +
	"<p>K=C3=ADnh g=E1=BB=ADi, m=E1=BB=99t d=C3=B2ng r=E1=BA=A5t d=C3=A0i =\r\n" +
	"=C4=91=C6=B0=E1=BB=A3c n=E1=BB=91i</p>\r\n" +
	"--INNER--\r\n" +
	"--OUTER\r\n" +
	"Content-Type: application/pdf\r\n" +
	"Content-Disposition: attachment; filename*=UTF-8''B%C3%A1o%20c%C3%A1o.pdf\r\n" +
	"Content-Transfer-Encoding: base64\r\n" +
	"\r\n" +
	"JVBERi0xLjQK\r\n" +
	"--OUTER\r\n" +
	"Content-Type: text/plain; name=\"=?UTF-8?Q?ghi_ch=C3=BA.txt?=\"\r\n" +
	"\r\n" +
	"plain attachment\r\n" +
	"--OUTER--\r\n"

func send(t *testing.T, srv *mailtest.Server, from string, to []string, data string) error {
	t.Helper()
	host, port := srv.Addr()
	c, err := smtp.Dial(net.JoinHostPort(host, strconv.Itoa(port))) // plain text: smtp.SendMail insists on STARTTLS
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	defer c.Close()
	return c.SendMail(from, to, strings.NewReader(data))
}

func TestParse(t *testing.T) {
	srv := mailtest.Start(t)
	if err := send(t, srv, "andre@test.local", []string{"a@test.local", "b@test.local"}, raw); err != nil {
		t.Fatalf("SendMail: %v", err)
	}
	got := srv.Wait(1, 10*time.Second)[0]
	if got.ParseErr != nil {
		t.Fatalf("ParseErr: %v", got.ParseErr)
	}
	check := func(what, got, want string) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %q, want %q", what, got, want)
		}
	}
	check("From", got.From, "andre@test.local")
	check("To", strings.Join(got.To, ","), "a@test.local,b@test.local")
	check("Subject", got.Subject, "Nhắc hạn báo cáo")
	check("Text", got.Text, "Kính gửi\nTrân trọng")
	check("HTML", got.HTML, "<p>Kính gửi, một dòng rất dài được nối</p>")
	if want := []string{"Báo cáo.pdf", "ghi chú.txt"}; !slices.Equal(got.AttachmentNames(), want) {
		t.Fatalf("attachments = %q, want %q", got.AttachmentNames(), want)
	}
	check("pdf type", got.Attachments[0].ContentType, "application/pdf")
	check("pdf data", string(got.Attachments[0].Data), "%PDF-1.4\n")
	check("txt data", string(got.Attachments[1].Data), "plain attachment")
	if !strings.Contains(string(got.Data), "Subject: =?UTF-8?B?") {
		t.Errorf("Data is not the raw message:\n%s", got.Data)
	}
}

func TestKnobs(t *testing.T) {
	srv := mailtest.Start(t)
	srv.RejectRecipient("Bad@Test.local")
	msg := "Subject: x\r\n\r\nx\r\n"
	if err := send(t, srv, "x@test.local", []string{"bad@test.local"}, msg); err == nil || !strings.Contains(err.Error(), "550") {
		t.Errorf("send to rejected recipient = %v, want 550", err)
	}
	srv.FailNext(1)
	if err := send(t, srv, "x@test.local", []string{"a@test.local"}, msg); err == nil || !strings.Contains(err.Error(), "451") {
		t.Errorf("send after FailNext = %v, want 451", err)
	}
	srv.RequireAuth("u", "p")
	if err := send(t, srv, "x@test.local", []string{"a@test.local"}, msg); err == nil {
		t.Error("send without auth succeeded after RequireAuth")
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("got %d messages, want 0", n)
	}
}

// fatalTB records Fatalf instead of failing the real test.
type fatalTB struct {
	testing.TB
	fatal chan string
}

func (f *fatalTB) Helper() {}

func (f *fatalTB) Fatalf(format string, args ...any) {
	f.fatal <- fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func TestWaitTimesOut(t *testing.T) {
	tb := &fatalTB{TB: t, fatal: make(chan string, 1)}
	srv := mailtest.Start(tb)
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Wait(1, 50*time.Millisecond)
	}()
	<-done
	select {
	case msg := <-tb.fatal:
		if !strings.Contains(msg, "got 0") {
			t.Errorf("Fatalf message = %q", msg)
		}
	default:
		t.Error("Wait returned without failing the test")
	}
}
