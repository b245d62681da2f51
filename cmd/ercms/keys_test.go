package main

import (
	"crypto/rand"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
