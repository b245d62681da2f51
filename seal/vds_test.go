package seal_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ercms/ercms/seal"
)

func TestC40(t *testing.T) {
	b, err := seal.C40Encode("UTO")
	if err != nil || !bytes.Equal(b, []byte{0xD9, 0xC5}) {
		t.Fatalf("C40(UTO) = % X, %v; want D9 C5", b, err)
	}
	for _, s := range []string{"", "A", "AZ", "AZE", "D  ", "AZ0108ABCD1234", "P AZE1234567"} {
		b, err := seal.C40Encode(s)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := seal.C40Decode(b); err != nil || got != s {
			t.Errorf("C40 round trip of %q = %q, %v", s, got, err)
		}
	}
	if _, err := seal.C40Encode("a<"); err == nil {
		t.Error("lower case and '<' are not C40")
	}
}

func sealData() seal.SealData {
	return seal.SealData{IssuingState: "AZ", Country: "AZE", IssuedOn: time.Date(2026, 6, 3, 0, 0, 0, 0, time.UTC),
		MRZ: []string{"PEAZEMAMMADOV<<ELVIN<<<<<<<<<<<<<<<<<<<<<<<<", "RC00420001AZE9105<<3M2607036<<<<<<<<<<<<<<<8"}}
}

func TestVDSSignVerifyTamper(t *testing.T) {
	dir := t.TempDir()
	k, err := seal.OpenKeyring(dir, clock(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	vds, err := k.SealVDS(sealData())
	if err != nil {
		t.Fatal(err)
	}
	if vds[0] != 0xDC || vds[1] != 0x03 {
		t.Fatalf("header starts % X", vds[:2])
	}
	pemCerts, err := k.Certificates()
	if err != nil {
		t.Fatal(err)
	}
	certs, err := seal.ParseCertificates(pemCerts)
	if err != nil || len(certs) != 2 {
		t.Fatalf("exported %d certificates, %v; want the CA and the signer", len(certs), err)
	}
	v, err := seal.VerifyVDS(vds, certs)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if v.Country != "AZE" || v.SignerID[:2] != "AZ" || v.IssuedOn.Format("2006-01-02") != "2026-06-03" || v.Category != seal.CategoryETD {
		t.Errorf("decoded %+v", v)
	}
	if m := v.MRZ(); len(m) != 2 || m[0] != sealData().MRZ[0] || m[1] != sealData().MRZ[1] {
		t.Errorf("MRZ = %q", m)
	}
	// The signer is made once: a second seal names the same certificate.
	again, _ := k.SealVDS(sealData())
	if w, _ := seal.DecodeVDS(again); w.CertRef != v.CertRef {
		t.Errorf("a second signer was made: %s, %s", w.CertRef, v.CertRef)
	}
	if fi, err := os.Stat(filepath.Join(dir, "vds-az.key")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("signer key file: %v %v", fi, err)
	}
	// A changed byte of the message zone (the MRZ) fails.
	bad := bytes.Clone(vds)
	bad[30] ^= 0x01
	if _, err := seal.VerifyVDS(bad, certs); !errors.Is(err, seal.ErrBadSignature) {
		t.Errorf("a changed byte: %v", err)
	}
	// So does a changed date of issue (still a valid date).
	bad = bytes.Clone(vds)
	bad[16]++
	if _, err := seal.VerifyVDS(bad, certs); !errors.Is(err, seal.ErrBadSignature) {
		t.Errorf("a changed date: %v", err)
	}
	// Another deployment's certificates do not know the signer.
	other, _ := seal.OpenKeyring(t.TempDir(), clock(), rand.Reader)
	other.SealVDS(sealData())
	otherPEM, _ := other.Certificates()
	otherCerts, _ := seal.ParseCertificates(otherPEM)
	if _, err := seal.VerifyVDS(vds, otherCerts); !errors.Is(err, seal.ErrUnknownKey) {
		t.Errorf("foreign certificates: %v", err)
	}
	// A signer certificate without its CA is not trusted.
	if _, err := seal.VerifyVDS(vds, certs[1:]); !errors.Is(err, seal.ErrUnknownKey) {
		t.Errorf("signer without CA: %v", err)
	}
	for _, junk := range [][]byte{nil, {0xDC}, {0xDC, 0x03, 0, 0}, vds[:len(vds)-1], append(bytes.Clone(vds), 0)} {
		if _, err := seal.VerifyVDS(junk, certs); err == nil {
			t.Errorf("% X verified", junk)
		}
	}
}

// TestVDSSignerMadeOnceAcrossNodes: nodes sharing the key directory and
// sealing their first documents at once agree on one document signer, so
// every seal verifies with the exported certificates.
func TestVDSSignerMadeOnceAcrossNodes(t *testing.T) {
	dir := t.TempDir()
	var nodes []*seal.Keyring
	for range 4 {
		k, err := seal.OpenKeyring(dir, clock(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		nodes = append(nodes, k)
	}
	seals := make([][]byte, len(nodes))
	errs := make([]error, len(nodes))
	var wg sync.WaitGroup
	for i, k := range nodes {
		wg.Go(func() { seals[i], errs[i] = k.SealVDS(sealData()) })
	}
	wg.Wait()
	pemCerts, err := nodes[0].Certificates()
	if err != nil {
		t.Fatal(err)
	}
	certs, err := seal.ParseCertificates(pemCerts)
	if err != nil || len(certs) != 2 {
		t.Fatalf("%d certificates, %v; want one signer and its CA", len(certs), err)
	}
	for i := range nodes {
		if errs[i] != nil {
			t.Fatalf("node %d: %v", i, errs[i])
		}
		if _, err := seal.VerifyVDS(seals[i], certs); err != nil {
			t.Errorf("node %d's seal: %v", i, err)
		}
	}
}
