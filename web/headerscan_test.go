package web_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
)

// headerScan records the headers of every answer a test server gives and
// checks them when the test ends: the security headers on every answer
// (pages, API, assets, redirects, errors, downloads), HSTS over https, and
// the flags of every cookie set.
type headerScan struct {
	https bool
	mu    sync.Mutex
	seen  []scanned
}

// scanned is one answer: its request and the headers sent.
type scanned struct {
	method, path string
	status       int
	header       http.Header
}

// wrap returns h recording every answer.
func (s *headerScan) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &scanWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r)
		if sw.header == nil { // nothing written: an empty 200
			sw.WriteHeader(http.StatusOK)
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		s.seen = append(s.seen, scanned{method: r.Method, path: r.URL.Path, status: sw.status, header: sw.header})
	})
}

// check reports every answer that lacks a header or sets a cookie without
// its flags, grouped by problem.
func (s *headerScan) check(t *testing.T) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.seen) == 0 {
		return
	}
	problems := map[string][]string{}
	for _, a := range s.seen {
		where := fmt.Sprintf("%s %s (%d)", a.method, a.path, a.status)
		for _, p := range answerProblems(a.header, s.https) {
			problems[p] = append(problems[p], where)
		}
	}
	keys := make([]string, 0, len(problems))
	for k := range problems {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		t.Errorf("%s: %d answers, such as %s", k, len(problems[k]), strings.Join(problems[k][:min(3, len(problems[k]))], "; "))
	}
}

// answerProblems lists what an answer's headers lack.
func answerProblems(h http.Header, https bool) []string {
	var out []string
	if h.Get("X-Content-Type-Options") != "nosniff" {
		out = append(out, "no X-Content-Type-Options: nosniff")
	}
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-") {
		out = append(out, fmt.Sprintf("Content-Security-Policy %q", csp))
	}
	if rp := h.Get("Referrer-Policy"); rp != "no-referrer" && rp != "same-origin" {
		out = append(out, fmt.Sprintf("Referrer-Policy %q", rp))
	}
	if h.Get("X-Frame-Options") != "DENY" {
		out = append(out, "no X-Frame-Options: DENY")
	}
	if hsts := h.Get("Strict-Transport-Security"); https && hsts != "max-age=63072000; includeSubDomains" {
		out = append(out, fmt.Sprintf("over https, Strict-Transport-Security %q", hsts))
	} else if !https && hsts != "" {
		out = append(out, "over http, Strict-Transport-Security "+hsts)
	}
	for _, line := range h.Values("Set-Cookie") {
		c, err := http.ParseSetCookie(line)
		if err != nil {
			out = append(out, fmt.Sprintf("Set-Cookie %q: %v", line, err))
			continue
		}
		if c.Path != "/" || c.Domain != "" || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
			out = append(out, fmt.Sprintf("cookie %s without Path=/, HttpOnly and SameSite=Lax, or with a Domain", c.Name))
		}
		if prefixed := strings.HasPrefix(c.Name, "__Host-"); https && (!prefixed || !c.Secure) {
			out = append(out, fmt.Sprintf("over https, cookie %s not __Host- and Secure", c.Name))
		} else if !https && (prefixed || c.Secure) {
			out = append(out, fmt.Sprintf("over http, cookie %s __Host- or Secure", c.Name))
		}
	}
	return out
}

// scanWriter keeps the headers as they were sent.
type scanWriter struct {
	http.ResponseWriter
	status int
	header http.Header
}

func (w *scanWriter) WriteHeader(code int) {
	if w.header == nil {
		w.status, w.header = code, w.ResponseWriter.Header().Clone()
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *scanWriter) Write(b []byte) (int, error) {
	if w.header == nil {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *scanWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
