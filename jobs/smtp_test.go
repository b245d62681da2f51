package jobs_test

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"

	"github.com/ercms/ercms/jobs"
)

// smtpServer is an SMTP server started in the test: it keeps what it
// receives, and whether it came over TLS, and refuses the recipients listed
// in reject with their code.
type smtpServer struct {
	mu       sync.Mutex
	messages []string
	overTLS  []bool
	reject   map[string]int
}

type smtpSession struct {
	s *smtpServer
	c *smtp.Conn
}

func (s *smtpServer) NewSession(c *smtp.Conn) (smtp.Session, error) { return &smtpSession{s, c}, nil }
func (x *smtpSession) Reset()                                       {}
func (x *smtpSession) Logout() error                                { return nil }
func (x *smtpSession) Mail(string, *smtp.MailOptions) error         { return nil }
func (x *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if code, ok := x.s.reject[to]; ok {
		return &smtp.SMTPError{Code: code, Message: "refused in the test"}
	}
	return nil
}
func (x *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, overTLS := x.c.TLSConnectionState()
	x.s.mu.Lock()
	x.s.messages = append(x.s.messages, string(b))
	x.s.overTLS = append(x.s.overTLS, overTLS)
	x.s.mu.Unlock()
	return nil
}

// received returns how many messages the server got.
func (s *smtpServer) received() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.messages)
}

// startSMTP starts an SMTP server on loopback that offers STARTTLS when
// cert is given.
func startSMTP(t *testing.T, cert *tls.Certificate) (*smtpServer, string) {
	t.Helper()
	be := &smtpServer{reject: map[string]int{"gone@example.az": 550, "busy@example.az": 451}}
	srv := smtp.NewServer(be)
	srv.Domain = "localhost"
	if cert != nil {
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{*cert}}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { srv.Close() })
	return be, l.Addr().String()
}

// testCert returns the certificate of net/http/httptest (valid for
// 127.0.0.1) and a client configuration that trusts it.
func testCert(t *testing.T) (*tls.Certificate, *tls.Config) {
	t.Helper()
	ts := httptest.NewTLSServer(nil)
	defer ts.Close()
	return &ts.TLS.Certificates[0], ts.Client().Transport.(*http.Transport).TLSClientConfig
}

func TestSMTPSendsUTF8(t *testing.T) {
	cert, trust := testCert(t)
	be, addr := startSMTP(t, cert)
	m, err := jobs.ParseSMTPURL("smtp://" + addr + "?from=ercms@migration.gov.az")
	if err != nil {
		t.Fatal(err)
	}
	m.TLS = trust
	subject := "eRCMS: İşdə yeni məktub – AZ-DE-2026-00042"
	body := "Новое сообщение по делу\nİş: AZ-DE-2026-00042"
	if err := m.Send(context.Background(), "sms@example.az", subject, body); err != nil {
		t.Fatal(err)
	}
	if len(be.messages) != 1 || !be.overTLS[0] {
		t.Fatalf("the server got %d messages (over TLS: %v)", len(be.messages), be.overTLS)
	}
	msg, err := mail.ReadMessage(strings.NewReader(be.messages[0]))
	if err != nil {
		t.Fatal(err)
	}
	got, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || got != subject {
		t.Errorf("subject %q (%v), want %q", got, err, subject)
	}
	if msg.Header.Get("Message-ID") == "" || msg.Header.Get("Date") == "" || msg.Header.Get("From") != "ercms@migration.gov.az" {
		t.Errorf("headers %v", msg.Header)
	}
	raw, _ := io.ReadAll(msg.Body)
	if !strings.Contains(string(raw), "=D0=9D") { // "Н" quoted-printable: the body is encoded, not raw 8-bit
		t.Errorf("body not quoted-printable: %q", raw)
	}
}

func TestSMTPClassifiesRefusals(t *testing.T) {
	_, addr := startSMTP(t, nil)
	m := &jobs.SMTP{Addr: addr, From: "ercms@migration.gov.az", Plain: true}
	var perm jobs.Permanent
	if err := m.Send(context.Background(), "gone@example.az", "x", "y"); !errors.As(err, &perm) {
		t.Errorf("550: %v, want a permanent error", err)
	}
	if err := m.Send(context.Background(), "busy@example.az", "x", "y"); err == nil || errors.As(err, &perm) {
		t.Errorf("451: %v, want a temporary error", err)
	}
	if err := m.Send(context.Background(), "a@example.az", "x\r\nBcc: victim@example.org", "y"); !errors.As(err, &perm) {
		t.Errorf("header injection: %v, want refused", err)
	}
	for _, bad := range []string{"http://x", "smtp://", "smtp://host:25", "smtp://host:25?from=a@example.az&tls=maybe"} {
		if _, err := jobs.ParseSMTPURL(bad); err == nil {
			t.Errorf("ParseSMTPURL(%q) accepted", bad)
		}
	}
}

// A server that does not offer STARTTLS, or offers it with a certificate
// the server's name does not check against, gets nothing, unless the
// configuration names a local relay spoken to in clear (tls=none).
func TestSMTPRequiresSTARTTLS(t *testing.T) {
	plain, addr := startSMTP(t, nil)
	m, err := jobs.ParseSMTPURL("smtp://" + addr + "?from=ercms@migration.gov.az")
	if err != nil {
		t.Fatal(err)
	}
	var perm jobs.Permanent
	if err := m.Send(context.Background(), "sms@example.az", "eRCMS: a new message", "body"); !errors.Is(err, jobs.ErrNoSTARTTLS) || errors.As(err, &perm) {
		t.Errorf("no STARTTLS: %v, want ErrNoSTARTTLS, retried", err)
	}
	if n := plain.received(); n != 0 {
		t.Errorf("sent in clear: %d messages", n)
	}
	relay, err := jobs.ParseSMTPURL("smtp://" + addr + "?from=ercms@migration.gov.az&tls=none")
	if err != nil || !relay.Plain {
		t.Fatalf("tls=none: %+v %v", relay, err)
	}
	if err := relay.Send(context.Background(), "sms@example.az", "eRCMS: a new message", "body"); err != nil || plain.received() != 1 || plain.overTLS[0] {
		t.Errorf("local relay: %v, %d messages", err, plain.received())
	}

	cert, _ := testCert(t)
	untrusted, addr := startSMTP(t, cert)
	m, err = jobs.ParseSMTPURL("smtp://" + addr + "?from=ercms@migration.gov.az&tls=starttls")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Send(context.Background(), "sms@example.az", "eRCMS: a new message", "body"); err == nil || untrusted.received() != 0 {
		t.Errorf("an untrusted certificate: %v, %d messages", err, untrusted.received())
	}
}
