package web

import (
	"crypto/tls"
	"net/http/httptest"
	"net/netip"
	"testing"
)

// TestClientAddr: X-Forwarded-For counts only when the peer is a configured
// proxy, and then its right-most address that is not a proxy is the
// client's (what the client wrote to its left proves nothing).
func TestClientAddr(t *testing.T) {
	s := &Server{}
	proxies, err := ParseTrustedProxies("10.0.0.5, 10.1.0.0/16 fd00::/8")
	if err != nil {
		t.Fatal(err)
	}
	s.SetTrustedProxies(proxies)
	for _, tc := range []struct {
		peer, xff, want string
	}{
		{"203.0.113.7:5000", "", "203.0.113.7"},
		{"203.0.113.7:5000", "198.51.100.1", "203.0.113.7"},         // no proxy: the header is the client's word
		{"10.0.0.6:5000", "198.51.100.1", "10.0.0.6"},               // not the configured proxy
		{"10.0.0.5:5000", "", "10.0.0.5"},                           // a proxy that says nothing
		{"10.0.0.5:5000", "198.51.100.1", "198.51.100.1"},           // one proxy
		{"10.0.0.5:5000", "1.2.3.4, 198.51.100.1", "198.51.100.1"},  // the client's forged address to the left
		{"10.0.0.5:5000", "198.51.100.1, 10.1.4.4", "198.51.100.1"}, // two proxies
		{"[fd00::9]:5000", "2001:db8::1", "2001:db8::1"},
		{"[::ffff:10.0.0.5]:5000", "198.51.100.1", "198.51.100.1"}, // IPv4 as IPv6
		{"10.0.0.5:5000", "198.51.100.1:4711", "198.51.100.1"},
		{"10.0.0.5:5000", "198.51.100.1, nonsense", "10.0.0.5"}, // a hop that is no address: the proxy
		{"10.0.0.5:5000", "10.1.2.3", "10.1.2.3"},               // proxies all the way
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.peer
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		if got := s.clientAddr(r); got != netip.MustParseAddr(tc.want) {
			t.Errorf("peer %s, X-Forwarded-For %q: %s, want %s", tc.peer, tc.xff, got, tc.want)
		}
	}
}

// TestSecure: https is believed from the connection, or from a configured
// proxy (its X-Forwarded-Proto, else the scheme of the public address),
// never from another peer's header.
func TestSecure(t *testing.T) {
	s := &Server{}
	if err := s.setBase("https://ercms.example.org"); err != nil {
		t.Fatal(err)
	}
	s.SetTrustedProxies([]netip.Prefix{netip.MustParsePrefix("10.0.0.5/32")})
	for _, tc := range []struct {
		peer, proto string
		tls, want   bool
	}{
		{"203.0.113.7:5000", "https", false, false},
		{"203.0.113.7:5000", "", true, true},
		{"10.0.0.5:5000", "https", false, true},
		{"10.0.0.5:5000", "http", false, false},
		{"10.0.0.5:5000", "", false, true}, // the proxy serves the public address
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.peer
		if tc.proto != "" {
			r.Header.Set("X-Forwarded-Proto", tc.proto)
		}
		if tc.tls {
			r.TLS = &tls.ConnectionState{}
		}
		if got := s.secure(r); got != tc.want {
			t.Errorf("peer %s, X-Forwarded-Proto %q, TLS %v: secure %v", tc.peer, tc.proto, tc.tls, got)
		}
	}
}
