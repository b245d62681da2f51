package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestConfigTrust: the public address defaults to the address served (https
// with a certificate), ERCMS_BASE_URL and --base-url set it, and a wrong
// address, proxy list or certificate pair is refused with a message naming
// the setting.
func TestConfigTrust(t *testing.T) {
	cert, key := selfSigned(t)
	for _, tc := range []struct {
		args []string
		env  map[string]string
		base string
	}{
		{nil, nil, "http://127.0.0.1:8080"},
		{[]string{"--addr", ":9000"}, nil, "http://localhost:9000"},
		{[]string{"--addr", "0.0.0.0:9000", "--tls-cert", cert, "--tls-key", key}, nil, "https://localhost:9000"},
		{nil, map[string]string{"ERCMS_BASE_URL": "https://ercms.example.org/"}, "https://ercms.example.org"},
		{[]string{"--base-url", "https://ercms.example.org:8443"}, map[string]string{"ERCMS_BASE_URL": "http://other.example"}, "https://ercms.example.org:8443"},
	} {
		c, _, err := parse("serve", tc.args, env(tc.env), nil)
		if err != nil || c.BaseURL != tc.base {
			t.Errorf("%v %v: base URL %q, %v; want %q", tc.args, tc.env, c.BaseURL, err, tc.base)
		}
	}
	c, _, err := parse("serve", []string{"--trusted-proxies", "10.0.0.5, 10.1.0.0/16,fd00::/8"}, env(nil), nil)
	if err != nil || len(c.Proxies) != 3 || c.Proxies[0].String() != "10.0.0.5/32" || c.Proxies[1].String() != "10.1.0.0/16" {
		t.Errorf("trusted proxies: %v %v", c.Proxies, err)
	}
	if c, _, _ := parse("serve", nil, env(nil), nil); len(c.Proxies) != 0 {
		t.Errorf("trusted proxies by default: %v", c.Proxies)
	}
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--base-url", "ftp://ercms.example.org"}, nil, "--base-url/ERCMS_BASE_URL"},
		{nil, map[string]string{"ERCMS_BASE_URL": "https://ercms.example.org/app"}, "served at the root"},
		{[]string{"--base-url", "https://"}, nil, "name the host"},
		{[]string{"--trusted-proxies", "10.0.0.0/33"}, nil, "--trusted-proxies/ERCMS_TRUSTED_PROXIES"},
		{nil, map[string]string{"ERCMS_TRUSTED_PROXIES": "proxy.example"}, "CIDR"},
		{[]string{"--tls-cert", cert}, nil, "set both"},
		{nil, map[string]string{"ERCMS_TLS_CERT": cert, "ERCMS_TLS_KEY": filepath.Join(t.TempDir(), "missing.pem")}, "--tls-cert/--tls-key"},
		{[]string{"--tls-cert", cert, "--tls-key", key, "--base-url", "http://ercms.example.org"}, nil, "use an https:// address"},
	} {
		_, _, err := parse("serve", tc.args, env(tc.env), nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v %v: %v, want an error saying %q", tc.args, tc.env, err, tc.want)
		}
	}
}

// TestServeTLS: with a certificate pair the server answers https only, at
// TLS 1.2 or later, and tells browsers to stay on https (HSTS).
func TestServeTLS(t *testing.T) {
	cert, key := selfSigned(t)
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--tls-cert", cert, "--tls-key", key}, env(nil), out, &syncBuffer{})
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("serve exit %d", code)
		}
	})
	re := regexp.MustCompile(`running at (https://[0-9.:]+) \(https on `)
	var base string
	for deadline := time.Now().Add(time.Minute); base == "" && time.Now().Before(deadline); {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
			break
		}
		select {
		case code := <-done:
			t.Fatalf("serve ended with %d:\n%s", code, out)
		case <-time.After(20 * time.Millisecond):
		}
	}
	if base == "" {
		t.Fatalf("serve did not start:\n%s", out)
	}
	pem, err := os.ReadFile(cert)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	client := func(maxVersion uint16) *http.Client {
		return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MaxVersion: maxVersion}}}
	}
	resp, err := client(0).Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Strict-Transport-Security") != "max-age=63072000; includeSubDomains" || resp.TLS.Version < tls.VersionTLS12 {
		t.Errorf("https: %d, HSTS %q, TLS %x", resp.StatusCode, resp.Header.Get("Strict-Transport-Security"), resp.TLS.Version)
	}
	if resp, err := client(tls.VersionTLS11).Get(base + "/healthz"); err == nil {
		resp.Body.Close()
		t.Error("TLS 1.1 accepted")
	}
	if resp, err := http.Get(strings.Replace(base, "https://", "http://", 1) + "/healthz"); err == nil {
		if resp.StatusCode == http.StatusOK {
			t.Error("plain http answered")
		}
		resp.Body.Close()
	}
}

// selfSigned writes a certificate for 127.0.0.1 and localhost and its key
// as PEM files and returns their paths.
func selfSigned(t *testing.T) (cert, key string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, IsCA: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kd, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cert, key = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kd}), 0o600); err != nil {
		t.Fatal(err)
	}
	return cert, key
}
