package jobs_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ercms/ercms/jobs"
	"github.com/ercms/ercms/outbound"
)

// loopbackAllowed is the allowance the tests' receivers need: the
// administrator's allowance of a named network, here loopback.
var loopbackAllowed = &outbound.Policy{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}}

// receiver starts an https receiver on loopback that counts the requests
// it gets.
func receiver(t *testing.T, h http.HandlerFunc) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if h != nil {
			h(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

// deliverer delivers under policy p, trusting the certificate of srv.
func deliverer(srv *httptest.Server, p *outbound.Policy) *jobs.HTTPDeliverer {
	return &jobs.HTTPDeliverer{Policy: p, TLS: srv.Client().Transport.(*http.Transport).TLSClientConfig}
}

func TestWebhookSignature(t *testing.T) {
	secret := []byte("a shared secret")
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	var got struct {
		body, sig, id string
	}
	srv, _ := receiver(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got.body, got.sig, got.id = string(b), r.Header.Get(jobs.SignatureHeader), r.Header.Get("ERCMS-Delivery")
		if err := jobs.VerifySignature(secret, got.sig, b, now, 5*time.Minute); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	d := deliverer(srv, loopbackAllowed)
	d.Now = func() time.Time { return now }
	body := []byte(`{"events":[{"cursor":7,"action":"case.register"}],"cursor":7}`)
	status, err := d.Deliver(context.Background(), srv.URL, secret, "hook-7", "case.changes", body)
	if err != nil || status != http.StatusNoContent || got.id != "hook-7" {
		t.Fatalf("delivery: %d %v %+v", status, err, got)
	}
	// The subscriber refuses a tampered body, another secret, a stale signature.
	if jobs.VerifySignature(secret, got.sig, []byte(`{"events":[],"cursor":8}`), now, time.Minute) == nil {
		t.Error("a tampered body verified")
	}
	if jobs.VerifySignature([]byte("another secret"), got.sig, body, now, time.Minute) == nil {
		t.Error("another secret verified")
	}
	if jobs.VerifySignature(secret, got.sig, body, now.Add(time.Hour), time.Minute) == nil {
		t.Error("an hour-old signature verified")
	}
	if _, err := d.Deliver(context.Background(), "ftp://x", secret, "1", "e", body); err == nil {
		t.Error("an ftp address was accepted")
	}
}

func TestWebhookDoesNotFollowRedirects(t *testing.T) {
	target, hits := receiver(t, nil)
	redirect := httptest.NewTLSServer(http.RedirectHandler(target.URL, http.StatusTemporaryRedirect))
	defer redirect.Close()
	status, err := deliverer(redirect, loopbackAllowed).Deliver(context.Background(), redirect.URL, []byte("s"), "1", "e", []byte("{}"))
	if err != nil || status != http.StatusTemporaryRedirect || hits.Load() != 0 {
		t.Errorf("redirect: %d %v, %d hits on the other server", status, err, hits.Load())
	}
}

// A delivery to loopback without the allowance is refused before it
// connects: the receiver gets nothing, and the answer is a permanent
// failure with the same words whether something listens there or not.
func TestWebhookToLoopbackRefusedByTheDialer(t *testing.T) {
	srv, hits := receiver(t, nil)
	closed := httptest.NewTLSServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()
	var perm jobs.Permanent
	for _, target := range []string{srv.URL, closedURL, strings.Replace(srv.URL, "127.0.0.1", "[::ffff:127.0.0.1]", 1), strings.Replace(srv.URL, "https:", "http:", 1)} {
		for _, p := range []*outbound.Policy{nil, {Allow: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}} {
			status, err := deliverer(srv, p).Deliver(context.Background(), target, []byte("s"), "1", "case.changes", []byte("{}"))
			if status != 0 || !errors.As(err, &perm) || !strings.HasPrefix(err.Error(), "jobs: webhook address refused") {
				t.Errorf("%s: %d %v, want a permanent refusal", target, status, err)
			}
		}
	}
	if hits.Load() != 0 {
		t.Errorf("the receiver got %d requests", hits.Load())
	}
	// Plain http stays refused in an allowed network.
	if _, err := deliverer(srv, loopbackAllowed).Deliver(context.Background(), strings.Replace(srv.URL, "https:", "http:", 1), []byte("s"), "1", "e", []byte("{}")); !errors.As(err, &perm) || hits.Load() != 0 {
		t.Errorf("plain http in an allowed network: %v, %d requests", err, hits.Load())
	}
}
