package main

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ercms/ercms/mrz"
	"github.com/ercms/ercms/seal"
)

// TestKeysAndOfflineVerification rotates the signing keys from the command
// line, exports the public keys and checks a document offline with them; a
// tampered document fails with exit status 3.
func TestKeysAndOfflineVerification(t *testing.T) {
	dir := t.TempDir()
	if code, out, errOut := runCmd(t, "keys", "list", "--data", dir); code != 0 || !strings.Contains(out, "active") {
		t.Fatalf("keys list: %d %s %s", code, out, errOut)
	}
	k, err := seal.OpenKeyring(filepath.Join(dir, "keys"), time.Now, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	old, err := k.Sign(seal.Claims{Number: "RC-9", Kind: "national", IssuedOn: "2026-06-03", ValidUntil: "2026-07-03", IssuingState: "AZ", Surname: "ƏLİYEV", CaseReference: "AZ-DE-2026-00009"})
	if err != nil {
		t.Fatal(err)
	}
	if code, out, _ := runCmd(t, "keys", "rotate", "--data", dir); code != 0 || !strings.Contains(out, "new signing key") {
		t.Fatalf("rotate: %d %s", code, out)
	}
	code, exported, _ := runCmd(t, "keys", "export", "--data", dir)
	if code != 0 || strings.Contains(exported, "PRIVATE") {
		t.Fatalf("export: %d", code)
	}
	pub := filepath.Join(t.TempDir(), "public-keys.json")
	if err := os.WriteFile(pub, []byte(exported), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCmd(t, "verify-document", "--keys", pub, "https://ercms.example.az/verify?t="+old)
	if code != 0 || !strings.Contains(out, "SIGNATURE VALID") || !strings.Contains(out, "ƏLİYEV") {
		t.Fatalf("verify: %d %s %s", code, out, errOut)
	}
	payload, sig, _ := strings.Cut(old, ".")
	raw, _ := base64.RawURLEncoding.DecodeString(payload)
	forged := base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(raw), "2026-07-03", "2027-07-03", 1))) + "." + sig
	code, _, errOut = runCmd(t, "verify-document", "--keys", pub, forged)
	if code != exitBroken || !strings.Contains(errOut, "altered or forged") {
		t.Errorf("a tampered document: exit %d, %s", code, errOut)
	}
}

// TestSealCertificatesAndOfflineSealCheck exports the seal certificates
// from the command line and checks a travel document's seal (hex and
// base64) offline with them; a changed byte, a seal of another deployment
// and junk fail with exit status 3.
func TestSealCertificatesAndOfflineSealCheck(t *testing.T) {
	dir := t.TempDir()
	if code, _, errOut := runCmd(t, "keys", "certificates", "--data", dir); code == 0 || !strings.Contains(errOut, "no seal certificates yet") {
		t.Errorf("certificates before any seal: %d %s", code, errOut)
	}
	k, err := seal.OpenKeyring(filepath.Join(dir, "keys"), time.Now, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	lines := mrz.Lines(mrz.Data{IssuingState: "AZ", Surname: "Əliyev", GivenNames: "Rəşad", Number: "RC-9", Nationality: "AZ", BirthYear: 1990, Sex: "M", ExpiryYear: 2026, ExpiryMonth: 7, ExpiryDay: 3})
	vds, err := k.SealVDS(seal.SealData{IssuingState: "AZ", Country: "AZE", IssuedOn: time.Date(2026, 6, 3, 0, 0, 0, 0, time.UTC), MRZ: lines[:]})
	if err != nil {
		t.Fatal(err)
	}
	code, exported, errOut := runCmd(t, "keys", "certificates", "--data", dir)
	if code != 0 || strings.Count(exported, "BEGIN CERTIFICATE") != 2 || strings.Contains(exported, "PRIVATE") {
		t.Fatalf("certificates: %d %s %s", code, exported, errOut)
	}
	certs := filepath.Join(t.TempDir(), "certificates.pem")
	if err := os.WriteFile(certs, []byte(exported), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, in := range []string{hex.EncodeToString(vds), base64.StdEncoding.EncodeToString(vds)} {
		code, out, errOut := runCmd(t, "verify-document", "--certs", certs, in)
		if code != 0 || !strings.Contains(out, "SEAL VALID") || !strings.Contains(out, "RC9") || !strings.Contains(out, "2026-07-03") || !strings.Contains(out, lines[0]) {
			t.Errorf("verify seal: %d %s %s", code, out, errOut)
		}
	}
	bad := append([]byte(nil), vds...)
	bad[len(bad)-70] ^= 0x04
	other, _ := seal.OpenKeyring(t.TempDir(), time.Now, rand.Reader)
	foreign, _ := other.SealVDS(seal.SealData{IssuingState: "AZ", Country: "AZE", IssuedOn: time.Now(), MRZ: lines[:]})
	for in, want := range map[string]string{hex.EncodeToString(bad): "altered or forged", hex.EncodeToString(foreign): "signer", "DC03": "not a travel document's seal"} {
		if code, _, errOut := runCmd(t, "verify-document", "--certs", certs, in); code != exitBroken || !strings.Contains(errOut, want) {
			t.Errorf("verify %.20s: exit %d, %s; want %q", in, code, errOut, want)
		}
	}
	// The public keys exported now carry the certificates too.
	code, keysJSON, _ := runCmd(t, "keys", "export", "--data", dir)
	pub := filepath.Join(t.TempDir(), "public-keys.json")
	if err := os.WriteFile(pub, []byte(keysJSON), 0o644); err != nil || code != 0 {
		t.Fatal(code, err)
	}
	if code, out, errOut := runCmd(t, "verify-document", "--keys", pub, hex.EncodeToString(vds)); code != 0 || !strings.Contains(out, "SEAL VALID") {
		t.Errorf("seal with the exported public keys: %d %s %s", code, out, errOut)
	}
	empty := filepath.Join(t.TempDir(), "old-keys.json")
	if err := os.WriteFile(empty, []byte(`{"keys":[]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := runCmd(t, "verify-document", "--keys", empty, hex.EncodeToString(vds)); code != exitUsage {
		t.Errorf("a seal without certificates: exit %d", code)
	}
}
