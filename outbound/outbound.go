// Package outbound decides which network addresses the server's own calls
// may reach (the deliveries of webhooks): servers on the internet, and the
// non-public networks an administrator names, such as a member state's
// system on a government network. Loopback, private, link-local (the cloud
// metadata service among them), shared (CGNAT), multicast and the other
// special-purpose addresses are refused, so that a subscription cannot
// turn the server against itself or the network it runs in.
//
// A Policy checks an address twice: when it is registered (CheckURL, with
// the names resolved through LookupIP) and when a connection is made
// (Control, on the very address dialled, so that a name that resolves
// elsewhere by then gains nothing).
package outbound

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// ErrInvalid is the error of an address that is not an https URL of a
// server (no user name or password, at most MaxURL bytes).
var ErrInvalid = errors.New("outbound: not an https address of a server")

// ErrRefused is the error of an address that is neither on the internet
// nor in a network the administrator allowed, or whose name does not
// resolve.
var ErrRefused = errors.New("outbound: the address is neither public nor in an allowed network")

// MaxURL is the longest address CheckURL accepts.
const MaxURL = 500

// lookupTimeout bounds the resolution of a name at registration.
const lookupTimeout = 5 * time.Second

// Policy says which addresses outbound calls may reach. The zero value and
// a nil *Policy allow the internet only and resolve names with the system's
// resolver.
type Policy struct {
	// Allow lists the non-public networks the administrator allows (e.g. a
	// government network where a member state's system lives).
	Allow []netip.Prefix
	// LookupIP resolves a host name at registration; nil: the system's
	// resolver. Tests give their own so as to check names without DNS.
	LookupIP func(ctx context.Context, host string) ([]netip.Addr, error)
}

// nonPublic lists the special-purpose ranges (IANA registries) that are not
// on the internet, beyond what netip.Addr's methods name. IPv6 outside
// 2000::/3 is refused as a whole (Permits).
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),   // shared address space (CGNAT)
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation (TEST-NET-1)
	netip.MustParsePrefix("192.88.99.0/24"),  // 6to4 relay anycast
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"), // documentation (TEST-NET-2)
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation (TEST-NET-3)
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, and the broadcast address
	netip.MustParsePrefix("2001::/23"),       // IETF protocol assignments (Teredo among them)
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
	netip.MustParsePrefix("2002::/16"),       // 6to4, which embeds IPv4 addresses
}

// globalIPv6 is the IPv6 global unicast space.
var globalIPv6 = netip.MustParsePrefix("2000::/3")

// Public reports whether a is an address on the internet: none of
// loopback, private (RFC 1918, fc00::/7), link-local, unspecified,
// multicast, shared (100.64/10) or another special-purpose range. An
// IPv4-mapped IPv6 address is judged as its IPv4 address.
func Public(a netip.Addr) bool {
	a = a.Unmap().WithZone("")
	if !a.IsValid() || !a.IsGlobalUnicast() || a.IsPrivate() || a.IsLoopback() || a.IsLinkLocalUnicast() {
		return false
	}
	if a.Is6() && !globalIPv6.Contains(a) {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// Permits reports whether a call may connect to a: a public address, or
// one in an allowed network. The unspecified address (which reaches the
// host itself) and multicast are never permitted.
func (p *Policy) Permits(a netip.Addr) bool {
	a = a.Unmap().WithZone("")
	if !a.IsValid() || a.IsUnspecified() || a.IsMulticast() {
		return false
	}
	if p != nil {
		for _, n := range p.Allow {
			if n.Contains(a) {
				return true
			}
		}
	}
	return Public(a)
}

// Control refuses, before it connects, a connection to an address the
// policy does not permit: the Control of a net.Dialer. It sees the address
// actually dialled, after the name was resolved.
func (p *Policy) Control(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("%w: %q", ErrRefused, address)
	}
	a, err := netip.ParseAddr(host)
	if err != nil || !p.Permits(a) {
		return fmt.Errorf("%w: %s", ErrRefused, host)
	}
	return nil
}

// Dialer returns a dialer that connects only where the policy permits.
func (p *Policy) Dialer(timeout time.Duration) *net.Dialer {
	return &net.Dialer{Timeout: timeout, Control: p.Control}
}

// CheckURL checks an address before it is registered and returns it
// parsed: an https URL (ErrInvalid otherwise) whose host is a permitted IP
// address or a name all of whose addresses are permitted (ErrRefused
// otherwise, also when the name does not resolve). "localhost" and host
// names that some resolvers read as numbers (2130706433, 0x7f.1, 127.1)
// are refused without being resolved.
func (p *Policy) CheckURL(ctx context.Context, raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if len(raw) > MaxURL {
		return nil, ErrInvalid
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Opaque != "" || u.User != nil || u.Hostname() == "" {
		return nil, ErrInvalid
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	if a, err := netip.ParseAddr(host); err == nil {
		if a.Zone() != "" || !p.Permits(a) {
			return nil, ErrRefused
		}
		return u, nil
	}
	if host == "localhost" || strings.HasSuffix(host, ".localhost") || numeric(host) {
		return nil, ErrRefused
	}
	lookup := net.DefaultResolver.LookupNetIP
	if p != nil && p.LookupIP != nil {
		lookup = func(ctx context.Context, _, host string) ([]netip.Addr, error) { return p.LookupIP(ctx, host) }
	}
	ctx, cancel := context.WithTimeout(ctx, lookupTimeout)
	defer cancel()
	addrs, err := lookup(ctx, "ip", host)
	if err != nil || len(addrs) == 0 {
		return nil, ErrRefused
	}
	for _, a := range addrs {
		if !p.Permits(a) {
			return nil, ErrRefused
		}
	}
	return u, nil
}

// numeric reports whether a host name ends in a label of digits or a hex
// number: no top-level domain does, and resolvers that follow inet_aton
// read such names as IPv4 addresses (2130706433 and 0x7f.1 are 127.0.0.1).
func numeric(host string) bool {
	label := host[strings.LastIndexByte(host, '.')+1:]
	if label == "" {
		return true
	}
	if h, ok := strings.CutPrefix(label, "0x"); ok {
		label = h
		return strings.Trim(label, "0123456789abcdef") == ""
	}
	return strings.Trim(label, "0123456789") == ""
}

// ParsePrefixes reads a list of networks separated by commas or spaces,
// each a CIDR prefix (10.20.0.0/16, fd12:3456::/48) or a single address.
func ParsePrefixes(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' }) {
		var p netip.Prefix
		if strings.Contains(f, "/") {
			var err error
			if p, err = netip.ParsePrefix(f); err != nil {
				return nil, fmt.Errorf("%q is not a network such as 10.20.0.0/16", f)
			}
		} else {
			a, err := netip.ParseAddr(f)
			if err != nil || a.Zone() != "" {
				return nil, fmt.Errorf("%q is not a network such as 10.20.0.0/16", f)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}
