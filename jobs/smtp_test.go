package jobs_test

import (
	"context"
	"errors"
	"io"
	"mime"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"

	"github.com/ercms/ercms/jobs"
)

// smtpServer is an SMTP server started in the test: it keeps what it
// receives and refuses the recipients listed in reject with their code.
type smtpServer struct {
	mu       sync.Mutex
	messages []string
	reject   map[string]int
}

type smtpSession struct{ s *smtpServer }

func (s *smtpServer) NewSession(*smtp.Conn) (smtp.Session, error) { return &smtpSession{s}, nil }
func (x *smtpSession) Reset()                                     {}
func (x *smtpSession) Logout() error                              { return nil }
func (x *smtpSession) Mail(string, *smtp.MailOptions) error       { return nil }
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
	x.s.mu.Lock()
	x.s.messages = append(x.s.messages, string(b))
	x.s.mu.Unlock()
	return nil
}

func startSMTP(t *testing.T) (*smtpServer, string) {
	t.Helper()
	be := &smtpServer{reject: map[string]int{"gone@example.az": 550, "busy@example.az": 451}}
	srv := smtp.NewServer(be)
	srv.Domain = "localhost"
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { srv.Close() })
	return be, l.Addr().String()
}

func TestSMTPSendsUTF8(t *testing.T) {
	be, addr := startSMTP(t)
	m, err := jobs.ParseSMTPURL("smtp://" + addr + "?from=ercms@migration.gov.az")
	if err != nil {
		t.Fatal(err)
	}
	subject := "eRCMS: İşdə yeni məktub – AZ-DE-2026-00042"
	body := "Новое сообщение по делу\nİş: AZ-DE-2026-00042"
	if err := m.Send(context.Background(), "sms@example.az", subject, body); err != nil {
		t.Fatal(err)
	}
	if len(be.messages) != 1 {
		t.Fatalf("the server got %d messages", len(be.messages))
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
	_, addr := startSMTP(t)
	m := &jobs.SMTP{Addr: addr, From: "ercms@migration.gov.az"}
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
	for _, bad := range []string{"http://x", "smtp://", "smtp://host:25"} {
		if _, err := jobs.ParseSMTPURL(bad); err == nil {
			t.Errorf("ParseSMTPURL(%q) accepted", bad)
		}
	}
}
