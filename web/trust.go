package web

import (
	"net"
	"net/http"
	"net/netip"
)

// clientAddr returns the address a request came from: the peer of the
// connection. Rate limits and sign-in throttling count per this address.
func (s *Server) clientAddr(r *http.Request) netip.Addr {
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
