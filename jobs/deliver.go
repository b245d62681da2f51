package jobs

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
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

// HTTPDeliverer POSTs webhook bodies, signed, without following redirects.
type HTTPDeliverer struct {
	Client *http.Client
	Now    func() time.Time
}

// Deliver sends body to target with the delivery id and event names in
// headers; network failures are retried by the runner.
func (d *HTTPDeliverer) Deliver(ctx context.Context, target string, secret []byte, id, event string, body []byte) (int, error) {
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.User != nil {
		return 0, Permanent{fmt.Errorf("jobs: webhook address refused")}
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
	c := d.Client
	if c == nil {
		c = &http.Client{Timeout: 30 * time.Second}
	}
	nc := *c
	nc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := nc.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, nil
}
