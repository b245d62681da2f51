package jobs_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/ercms/ercms/jobs"
)

func TestWebhookSignature(t *testing.T) {
	secret := []byte("a shared secret")
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	var got struct {
		body, sig, id string
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got.body, got.sig, got.id = string(b), r.Header.Get(jobs.SignatureHeader), r.Header.Get("ERCMS-Delivery")
		if err := jobs.VerifySignature(secret, got.sig, b, now, 5*time.Minute); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	d := &jobs.HTTPDeliverer{Now: func() time.Time { return now }}
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
	hits := 0
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++ }))
	defer target.Close()
	redirect := httptest.NewServer(http.RedirectHandler(target.URL, http.StatusTemporaryRedirect))
	defer redirect.Close()
	status, err := (&jobs.HTTPDeliverer{}).Deliver(context.Background(), redirect.URL, []byte("s"), "1", "e", []byte("{}"))
	if err != nil || status != http.StatusTemporaryRedirect || hits != 0 {
		t.Errorf("redirect: %d %v, %d hits on the other server", status, err, hits)
	}
}
