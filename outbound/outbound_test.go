package outbound_test

import (
	"context"
	"errors"
	"net/netip"
	"testing"

	"github.com/ercms/ercms/outbound"
)

// resolver answers for the names of the test, never through DNS; a name
// it does not know does not resolve.
func resolver(names map[string][]string) func(context.Context, string) ([]netip.Addr, error) {
	return func(_ context.Context, host string) ([]netip.Addr, error) {
		var out []netip.Addr
		for _, a := range names[host] {
			out = append(out, netip.MustParseAddr(a))
		}
		if len(out) == 0 {
			return nil, errors.New("no such host")
		}
		return out, nil
	}
}

var names = map[string][]string{
	"bpol.example.de":     {"93.184.215.14"},
	"v6.example.de":       {"2606:2800:21f:cb07:6820:80da:af6b:8b2c"},
	"intranet.example.de": {"10.1.2.3"},
	"router.example.de":   {"192.168.0.1"},
	"meta.example.de":     {"169.254.169.254"},
	"ec2v6.example.de":    {"fd00:ec2::254"},
	"loop.example.de":     {"127.0.0.1"},
	"loop6.example.de":    {"::1"},
	"mapped.example.de":   {"::ffff:127.0.0.1"},
	"cgnat.example.de":    {"100.64.0.9"},
	"ula.example.de":      {"fd12:3456::1"},
	"ll6.example.de":      {"fe80::1"},
	"half.example.de":     {"93.184.215.14", "10.0.0.1"}, // one public, one private: refused
	"gov.example.az":      {"10.20.30.40"},
}

func TestCheckURLRefusesInwardAddresses(t *testing.T) {
	p := &outbound.Policy{LookupIP: resolver(names)}
	ctx := context.Background()
	for _, ok := range []string{"https://bpol.example.de/ercms", "https://BPOL.example.de:8443/x?y=1", "https://v6.example.de/", "https://93.184.215.14/hook", "https://bpol.example.de./"} {
		if _, err := p.CheckURL(ctx, ok); err != nil {
			t.Errorf("%s refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"http://bpol.example.de/ercms", "ftp://bpol.example.de/", "https://user:pw@bpol.example.de/", "https:bpol.example.de", "https:///x", "not a url", ""} {
		if _, err := p.CheckURL(ctx, bad); !errors.Is(err, outbound.ErrInvalid) {
			t.Errorf("%q: %v, want ErrInvalid", bad, err)
		}
	}
	for _, bad := range []string{
		"https://127.0.0.1/", "https://127.0.0.1:8080/", "https://[::1]/", "https://localhost/", "https://LOCALHOST./", "https://api.localhost/",
		"https://10.0.0.1/", "https://172.16.5.4/", "https://192.168.1.1/", "https://169.254.169.254/latest/meta-data/", "https://[fd00:ec2::254]/",
		"https://[fe80::1%25eth0]/", "https://0.0.0.0/", "https://[::]/", "https://224.0.0.1/", "https://255.255.255.255/", "https://100.64.1.1/",
		"https://[::ffff:127.0.0.1]/", "https://[::ffff:a9fe:a9fe]/", "https://[64:ff9b::a9fe:a9fe]/", "https://[2002:7f00:1::]/",
		"https://2130706433/", "https://0x7f.1/", "https://0x7f000001/", "https://0177.0.0.1/", "https://127.1/",
		"https://intranet.example.de/", "https://router.example.de/", "https://meta.example.de/", "https://ec2v6.example.de/",
		"https://loop.example.de/", "https://loop6.example.de/", "https://mapped.example.de/", "https://cgnat.example.de/",
		"https://ula.example.de/", "https://ll6.example.de/", "https://half.example.de/", "https://unknown.example.de/",
	} {
		if _, err := p.CheckURL(ctx, bad); !errors.Is(err, outbound.ErrRefused) {
			t.Errorf("%q: %v, want ErrRefused", bad, err)
		}
	}
}

func TestAllowedNetworks(t *testing.T) {
	allow, err := outbound.ParsePrefixes("10.20.0.0/16, 127.0.0.1 fd12:3456::/48")
	if err != nil {
		t.Fatal(err)
	}
	p := &outbound.Policy{Allow: allow, LookupIP: resolver(names)}
	ctx := context.Background()
	for _, ok := range []string{"https://gov.example.az/ercms", "https://10.20.1.1/", "https://127.0.0.1:9443/", "https://[::ffff:10.20.0.5]/", "https://ula.example.de/"} {
		if _, err := p.CheckURL(ctx, ok); err != nil {
			t.Errorf("%s refused in an allowed network: %v", ok, err)
		}
	}
	// Other private addresses stay refused, and so do the unspecified address and http.
	for _, bad := range []string{"https://10.21.0.1/", "https://127.0.0.2/", "https://intranet.example.de/", "https://0.0.0.0/", "http://10.20.1.1/"} {
		if _, err := p.CheckURL(ctx, bad); err == nil {
			t.Errorf("%s admitted", bad)
		}
	}
	for _, bad := range []string{"10.20.0.0/33", "intranet", "fe80::1%eth0", "10.0.0.0/8;"} {
		if _, err := outbound.ParsePrefixes(bad); err == nil {
			t.Errorf("ParsePrefixes(%q) accepted", bad)
		}
	}
}

func TestControlChecksTheDialledAddress(t *testing.T) {
	p := &outbound.Policy{Allow: []netip.Prefix{netip.MustParsePrefix("10.20.0.0/16")}}
	for addr, want := range map[string]bool{
		"93.184.215.14:443": true, "10.20.3.4:443": true, "[2606:2800:21f:cb07:6820:80da:af6b:8b2c]:443": true,
		"127.0.0.1:443": false, "[::1]:443": false, "169.254.169.254:80": false, "[fd00:ec2::254]:80": false, "[::ffff:127.0.0.1]:443": false,
		"10.21.0.1:443": false, "0.0.0.0:443": false, "[fe80::1%eth0]:443": false, "garbage": false,
	} {
		err := p.Control("tcp", addr, nil)
		if got := err == nil; got != want {
			t.Errorf("Control(%s) = %v, want permitted %v", addr, err, want)
		}
		if err != nil && !errors.Is(err, outbound.ErrRefused) {
			t.Errorf("Control(%s) = %v, not ErrRefused", addr, err)
		}
	}
	var none *outbound.Policy
	if none.Control("tcp", "10.20.3.4:443", nil) == nil || none.Control("tcp", "93.184.215.14:443", nil) != nil {
		t.Error("a nil policy is not the internet only")
	}
}
