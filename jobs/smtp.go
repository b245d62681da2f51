package jobs

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/smtp"
	"net/textproto"
	"net/url"
	"strings"
	"time"
)

// SMTP sends e-mails through an SMTP server (net/smtp) over STARTTLS, the
// server's name checked against the system's roots (or TLS): a server that
// does not offer STARTTLS gets nothing, unless Plain says that it is a
// local relay spoken to in clear. AUTH PLAIN when a user is given (net/smtp
// refuses it without TLS except to localhost). A 5xx answer is a Permanent
// error; a 4xx answer or a network failure is retried by the runner.
type SMTP struct {
	Addr     string // host:port
	From     string
	Username string
	Password string
	Timeout  time.Duration
	// Plain sends without TLS (ERCMS_SMTP_URL's ?tls=none): for a relay on
	// the same host or network only.
	Plain bool
	// TLS configures STARTTLS; nil: the system's roots, TLS 1.2 at least.
	TLS *tls.Config
}

// ErrNoSTARTTLS is the failure of a send to a server that does not offer
// STARTTLS while the configuration requires it.
var ErrNoSTARTTLS = errors.New("jobs: the SMTP server does not offer STARTTLS: nothing was sent (a local relay spoken to in clear needs ?tls=none in ERCMS_SMTP_URL)")

// ParseSMTPURL reads ERCMS_SMTP_URL:
// smtp://user:password@host:587?from=ercms@example.org, and
// smtp://relay:25?from=…&tls=none for a local relay spoken to without TLS
// (tls=starttls, the default, requires STARTTLS).
func ParseSMTPURL(raw string) (*SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "smtp" || u.Host == "" {
		return nil, errors.New("jobs: the SMTP URL must look like smtp://user:password@host:587?from=ercms@example.org")
	}
	s := &SMTP{Addr: u.Host, From: u.Query().Get("from"), Timeout: 30 * time.Second}
	if _, _, err := net.SplitHostPort(s.Addr); err != nil {
		s.Addr = net.JoinHostPort(s.Addr, "25")
	}
	if u.User != nil {
		s.Username = u.User.Username()
		s.Password, _ = u.User.Password()
	}
	if s.From == "" || strings.ContainsAny(s.From, "\r\n<>") {
		return nil, errors.New("jobs: the SMTP URL needs ?from=<sender address>")
	}
	switch u.Query().Get("tls") {
	case "", "starttls":
	case "none":
		s.Plain = true
	default:
		return nil, errors.New("jobs: the SMTP URL's tls is starttls (the default) or none (a local relay without TLS)")
	}
	return s, nil
}

// Send sends one plain-text UTF-8 message.
func (s *SMTP) Send(ctx context.Context, to, subject, body string) error {
	msg, err := Compose(s.From, to, subject, body, time.Now())
	if err != nil {
		return Permanent{err}
	}
	timeout := s.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	d := net.Dialer{Timeout: timeout}
	conn, err := d.DialContext(ctx, "tcp", s.Addr)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(timeout)
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline = dl
	}
	_ = conn.SetDeadline(deadline)
	host, _, _ := net.SplitHostPort(s.Addr)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return classify(err)
	}
	defer c.Close()
	if !s.Plain {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return ErrNoSTARTTLS
		}
		cfg := tlsConfig(host)
		if s.TLS != nil {
			cfg = s.TLS.Clone()
			cfg.ServerName = cmp.Or(cfg.ServerName, host)
			cfg.MinVersion = max(cfg.MinVersion, tls.VersionTLS12)
		}
		if err := c.StartTLS(cfg); err != nil {
			return classify(err)
		}
	}
	if s.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.Username, s.Password, host)); err != nil {
			return classify(err)
		}
	}
	if err := c.Mail(s.From); err != nil {
		return classify(err)
	}
	if err := c.Rcpt(to); err != nil {
		return classify(err)
	}
	w, err := c.Data()
	if err != nil {
		return classify(err)
	}
	if _, err := w.Write(msg); err != nil {
		return classify(err)
	}
	if err := w.Close(); err != nil {
		return classify(err)
	}
	return classify(c.Quit())
}

// classify marks 5xx SMTP answers permanent.
func classify(err error) error {
	var tp *textproto.Error
	if errors.As(err, &tp) && tp.Code >= 500 {
		return Permanent{err}
	}
	return err
}

// Compose writes a plain-text UTF-8 message with its headers: the subject
// encoded for non-ASCII letters (RFC 2047), the body quoted-printable. A
// header value with a line break is refused (header injection).
func Compose(from, to, subject, body string, now time.Time) ([]byte, error) {
	for _, v := range []string{from, to, subject} {
		if strings.ContainsAny(v, "\r\n") {
			return nil, errors.New("jobs: a line break in an e-mail header")
		}
	}
	id := make([]byte, 12)
	_, _ = rand.Read(id)
	domain := "ercms.invalid"
	if i := strings.LastIndexByte(from, '@'); i >= 0 {
		domain = from[i+1:]
	}
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%s@%s>\r\n", from, to,
		mime.QEncoding.Encode("utf-8", subject), now.Format(time.RFC1123Z), hex.EncodeToString(id), domain)
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
	qp := quotedprintable.NewWriter(&b)
	if _, err := qp.Write([]byte(strings.ReplaceAll(body, "\n", "\r\n"))); err != nil {
		return nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}
