package web

import (
	"errors"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

	"github.com/ercms/ercms"
)

// defaultBaseURL is the public address of a server whose operator named
// none (SetBaseURL): the default address of the command.
const defaultBaseURL = "http://127.0.0.1:8080"

// hstsValue keeps browsers on https for two years, subdomains included.
const hstsValue = "max-age=63072000; includeSubDomains"

// apiSecurityPolicy is the Content-Security-Policy of every answer that is
// not a page (the API, the health check, assets): nothing may load from it,
// nothing may frame it. The pages set their own (contentSecurityPolicy).
const apiSecurityPolicy = "default-src 'none'; frame-ancestors 'none'"

// SetBaseURL sets the public address of the web application
// (https://ercms.example.org): the address in travel documents' QR codes
// and in e-mails, the origin trusted by the cross-origin check, and, when it
// is https, the reason for Secure cookies named __Host-. Only a scheme
// (http or https) and a host are allowed: no path, query or user. The Host
// header of a request is never used for any of this.
func (s *Server) SetBaseURL(base string) error {
	if err := s.setBase(base); err != nil {
		return err
	}
	return s.cop.AddTrustedOrigin(s.base.String())
}

// setBase checks and keeps the public address.
func (s *Server) setBase(base string) error {
	u, err := ParseBaseURL(base)
	if err != nil {
		return err
	}
	s.base = u
	return nil
}

// ParseBaseURL checks a public base URL: http or https, a host, nothing
// after it but an optional "/". It returns the URL without a trailing slash.
func ParseBaseURL(base string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(base))
	switch {
	case err != nil:
		return nil, err
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, errors.New("use an http:// or https:// URL, e.g. https://ercms.example.org")
	case u.Host == "" || u.Hostname() == "":
		return nil, errors.New("name the host, e.g. https://ercms.example.org")
	case u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.ForceQuery || (u.Path != "" && u.Path != "/"):
		return nil, errors.New("give only the scheme and the host (and port), e.g. https://ercms.example.org: the application is served at the root")
	}
	u.Path = ""
	return u, nil
}

// BaseURL returns the public address of the web application, without a
// trailing slash.
func (s *Server) BaseURL() string { return s.base.String() }

// SetTrustedProxies names the reverse proxies (addresses or prefixes) whose
// X-Forwarded-For and X-Forwarded-Proto headers are believed. From any other
// peer they are ignored. None by default.
func (s *Server) SetTrustedProxies(p []netip.Prefix) {
	s.proxies = make([]netip.Prefix, 0, len(p))
	for _, pr := range p {
		if a := pr.Addr(); a.Is4In6() && pr.Bits() >= 96 {
			pr = netip.PrefixFrom(a.Unmap(), pr.Bits()-96) // ::ffff:10.0.0.0/104 is 10.0.0.0/8
		}
		s.proxies = append(s.proxies, pr.Masked())
	}
}

// ParseTrustedProxies reads a comma- or space-separated list of addresses
// and CIDR prefixes (10.0.0.5, 10.1.0.0/16, fd00::/8).
func ParseTrustedProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' }) {
		if strings.Contains(f, "/") {
			p, err := netip.ParsePrefix(f)
			if err != nil {
				return nil, err
			}
			out = append(out, p)
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, err
		}
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// errCrossOrigin refuses a browser's state-changing request from another site.
var errCrossOrigin = ercms.Fail(ercms.EForbidden, "err.trust.cross_origin")

// trusted reports whether a is one of the configured proxies.
func (s *Server) trusted(a netip.Addr) bool {
	if !a.IsValid() {
		return false
	}
	a = a.Unmap()
	for _, p := range s.proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// peerAddr is the address of the connection's peer.
func peerAddr(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap()
}

// fromProxy reports whether the request came through a configured proxy.
func (s *Server) fromProxy(r *http.Request) bool { return s.trusted(peerAddr(r)) }

// clientAddr returns the address a request came from: the peer of the
// connection, or, when that peer is a configured proxy, the right-most
// address of X-Forwarded-For that is not a configured proxy (addresses to
// its left were written by the client and prove nothing). Rate limits and
// sign-in throttling count per this address.
func (s *Server) clientAddr(r *http.Request) netip.Addr {
	a := peerAddr(r)
	if !s.trusted(a) {
		return a
	}
	var hops []string
	for _, v := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(v, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		h, ok := parseHop(hops[i])
		if !ok {
			return a // a hop that is no address: stop at the last one known
		}
		a = h
		if !s.trusted(a) {
			return a
		}
	}
	return a
}

// parseHop reads one address of X-Forwarded-For: 192.0.2.1, 2001:db8::1,
// or with a port ("192.0.2.1:4711", "[2001:db8::1]:4711").
func parseHop(h string) (netip.Addr, bool) {
	h = strings.TrimSpace(h)
	if a, err := netip.ParseAddr(h); err == nil {
		return a.Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(h); err == nil {
		return ap.Addr().Unmap(), true
	}
	return netip.Addr{}, false
}

// secure reports whether the client reached the server over https: the
// connection is TLS, or a configured proxy says so (X-Forwarded-Proto; a
// proxy that says nothing serves the base URL's scheme). The header of any
// other peer is ignored.
func (s *Server) secure(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	if !s.fromProxy(r) {
		return false
	}
	proto := r.Header.Get("X-Forwarded-Proto")
	if proto == "" {
		return s.base.Scheme == "https"
	}
	first, _, _ := strings.Cut(proto, ",")
	return strings.EqualFold(strings.TrimSpace(first), "https")
}

// httpsBase reports whether the public address is https: cookies are then
// Secure and named __Host-.
func (s *Server) httpsBase() bool { return s.base.Scheme == "https" }

// cookie returns the name of one of the pages' cookies: with an https base
// URL, the __Host- prefix, which browsers accept only from a secure origin,
// on Path=/ and for this host alone (no Domain), so that no other host or
// plain-http page can set or shadow it.
func (s *Server) cookie(name string) string {
	if s.httpsBase() {
		return "__Host-" + name
	}
	return name
}

// secureCookie reports whether cookies set in answer to r carry the Secure
// flag: an https base URL or a TLS connection, never a client's header.
func (s *Server) secureCookie(r *http.Request) bool { return s.httpsBase() || r.TLS != nil }

// securityHeaders sets the headers of every answer: no sniffing, no
// framing, no referrer, nothing loaded (pages override the policy and the
// referrer), no caching, and HSTS when the client came over https.
func (s *Server) securityHeaders(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", apiSecurityPolicy)
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	if s.secure(r) {
		h.Set("Strict-Transport-Security", hstsValue)
	}
}

// crossOrigin refuses a state-changing request a browser sent from another
// site (http.CrossOriginProtection: Sec-Fetch-Site, else Origin against the
// Host and the base URL), beside the CSRF token of the forms. It reports
// whether it answered. Requests without those headers (API clients) pass.
func (s *Server) crossOrigin(w http.ResponseWriter, r *http.Request) bool {
	if s.cop.Check(r) == nil {
		return false
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		writeProblem(w, r, errCrossOrigin)
		return true
	}
	rq := &request{u: s.ui, w: w, r: r, lang: language(r, nil, s.lang, s.cookie(langCookie))}
	s.ui.errorPage(rq, http.StatusForbidden, rq.t("trust.cross_origin"))
	return true
}
