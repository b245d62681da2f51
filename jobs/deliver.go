package jobs

import (
	"bytes"
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ercms/ercms/outbound"
)

// SignatureHeader carries a webhook's signature: "t=<unix time>,v1=<hex
// HMAC-SHA256 of "<t>.<body>" with the subscription's secret>".
const SignatureHeader = "ERCMS-Signature"

// Sign returns the value of SignatureHeader for body sent at t.
func Sign(secret []byte, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ts + "."))
	m.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(m.Sum(nil))
}

// VerifySignature checks a SignatureHeader value against body, refusing
// signatures older or newer than tolerance: what a subscriber does.
func VerifySignature(secret []byte, header string, body []byte, now time.Time, tolerance time.Duration) error {
	var ts string
	var sigs []string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sigs = append(sigs, v)
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return errors.New("jobs: malformed signature")
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return errors.New("jobs: signature too old or from the future")
	}
	want := Sign(secret, time.Unix(sec, 0), body)
	_, wantSig, _ := strings.Cut(want, ",v1=")
	for _, s := range sigs {
		if hmac.Equal([]byte(s), []byte(wantSig)) {
			return nil
		}
	}
	return errors.New("jobs: bad signature")
}

// HTTPDeliverer POSTs webhook bodies, signed, over https only, without
// following redirects or proxies. Its connections go only where Policy
// permits, checked on the address dialled (so a name that resolves
// elsewhere since its registration gains nothing): a refused address is a
// Permanent error before any packet is sent, whatever listens there.
type HTTPDeliverer struct {
	// Policy says which addresses deliveries may reach; nil: servers on
	// the internet only.
	Policy *outbound.Policy
	// TLS configures the connections; nil: the system's roots (which
	// SSL_CERT_FILE and SSL_CERT_DIR extend with a government network's
	// certificate authority). Tests trust their own receiver here.
	TLS *tls.Config
	// Timeout bounds one delivery; default 30 seconds.
	Timeout time.Duration
	// Now returns the time of the signatures; nil: time.Now.
	Now func() time.Time

	once   sync.Once
	client *http.Client
}

// httpClient builds, once, the client whose dialer applies the policy.
func (d *HTTPDeliverer) httpClient() *http.Client {
	d.once.Do(func() {
		cfg := &tls.Config{MinVersion: tls.VersionTLS12}
		if d.TLS != nil {
			cfg = d.TLS.Clone()
			cfg.MinVersion = max(cfg.MinVersion, tls.VersionTLS12)
		}
		t := &http.Transport{
			Proxy:                 nil, // a proxy would be the address dialled, not the subscriber
			DialContext:           d.Policy.Dialer(10 * time.Second).DialContext,
			TLSClientConfig:       cfg,
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: 30 * time.Second,
			ForceAttemptHTTP2:     true,
			MaxIdleConnsPerHost:   2,
			IdleConnTimeout:       time.Minute,
		}
		d.client = &http.Client{
			Transport:     t,
			Timeout:       cmp.Or(d.Timeout, 30*time.Second),
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	})
	return d.client
}

// errRefused begins the error of a delivery to an address that is not
// https or that the policy refuses.
var errRefused = errors.New("jobs: webhook address refused")

// Deliver sends body to target with the delivery id and event names in
// headers; network failures are retried by the runner, an address that is
// not https or that the policy refuses is a Permanent error.
func (d *HTTPDeliverer) Deliver(ctx context.Context, target string, secret []byte, id, event string, body []byte) (int, error) {
	u, err := url.Parse(target)
	if err != nil || u.Scheme != "https" || u.User != nil || u.Host == "" {
		return 0, Permanent{errRefused}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return 0, Permanent{err}
	}
	now := time.Now
	if d.Now != nil {
		now = d.Now
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "eRCMS-webhook/1")
	req.Header.Set("ERCMS-Delivery", id)
	req.Header.Set("ERCMS-Event", event)
	req.Header.Set(SignatureHeader, Sign(secret, now(), body))
	resp, err := d.httpClient().Do(req)
	if errors.Is(err, outbound.ErrRefused) {
		// The address dialled goes to the job's log, for the operator.
		return 0, Permanent{fmt.Errorf("%w: %v", errRefused, err)}
	}
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, nil
}
