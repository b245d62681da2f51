package seal_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ercms/ercms/seal"
)

// fixed is a deterministic source of "random" bytes for the tests.
type fixed struct{ n byte }

func (f *fixed) Read(p []byte) (int, error) {
	for i := range p {
		f.n++
		p[i] = f.n
	}
	return len(p), nil
}

func clock() func() time.Time {
	t := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	return func() time.Time { t = t.Add(time.Minute); return t }
}

func claims() seal.Claims {
	return seal.Claims{Number: "RC-0042", Kind: "national", IssuedOn: "2026-06-03", ValidUntil: "2026-07-03", IssuingState: "AZ",
		Mission: "mfa-berlin", Surname: "MƏMMƏDOV", GivenNames: "Elvin Rauf oğlu", DateOfBirth: "1991-05", Nationality: "AZ",
		CaseReference: "AZ-DE-2026-00042", PhotoSHA256: fmt.Sprintf("%x", sha256.Sum256([]byte("photo")))}
}

func TestSignVerifyAndTamper(t *testing.T) {
	k, err := seal.OpenKeyring(t.TempDir(), clock(), &fixed{})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := k.Sign(claims())
	if err != nil {
		t.Fatal(err)
	}
	if len(tok) > seal.MaxToken {
		t.Errorf("token of %d bytes", len(tok))
	}
	got, err := seal.Verify(tok, k.Lookup)
	if err != nil || got.Surname != "MƏMMƏDOV" || got.GivenNames != "Elvin Rauf oğlu" || got.KeyID == "" {
		t.Fatalf("verify: %+v %v", got, err)
	}
	payload, sig, _ := strings.Cut(tok, ".")
	raw, _ := base64.RawURLEncoding.DecodeString(payload)
	// Change the validity in the payload: the signature no longer matches.
	forged := bytes.Replace(raw, []byte("2026-07-03"), []byte("2027-07-03"), 1)
	if _, err := seal.Verify(base64.RawURLEncoding.EncodeToString(forged)+"."+sig, k.Lookup); !errors.Is(err, seal.ErrBadSignature) {
		t.Errorf("a forged validity: %v, want ErrBadSignature", err)
	}
	// Flip every byte of the signature in turn.
	s, _ := base64.RawURLEncoding.DecodeString(sig)
	for i := range s {
		b := bytes.Clone(s)
		b[i] ^= 0x01
		if _, err := seal.Verify(payload+"."+base64.RawURLEncoding.EncodeToString(b), k.Lookup); !errors.Is(err, seal.ErrBadSignature) {
			t.Fatalf("signature byte %d flipped: %v", i, err)
		}
	}
	for _, bad := range []string{"", "abc", payload, "!!." + sig, payload + ".!!"} {
		if _, err := seal.Verify(bad, k.Lookup); !errors.Is(err, seal.ErrMalformed) {
			t.Errorf("Verify(%.20q): %v, want ErrMalformed", bad, err)
		}
	}
	unknown := bytes.Replace(raw, []byte(got.KeyID), []byte("19990101T000000Z-000000"), 1)
	if _, err := seal.Verify(base64.RawURLEncoding.EncodeToString(unknown)+"."+sig, k.Lookup); !errors.Is(err, seal.ErrUnknownKey) {
		t.Errorf("unknown key: %v", err)
	}
	long := claims()
	long.GivenNames = strings.Repeat("Ə", 500)
	if _, err := k.Sign(long); !errors.Is(err, seal.ErrTooLong) {
		t.Errorf("an oversized token: %v", err)
	}
}

func TestRotationAndOfflineVerification(t *testing.T) {
	dir := t.TempDir()
	now := clock()
	k, err := seal.OpenKeyring(dir, now, &fixed{})
	if err != nil {
		t.Fatal(err)
	}
	old, err := k.Sign(claims())
	if err != nil {
		t.Fatal(err)
	}
	first := k.PublicKeys()[0].ID
	second, err := k.Rotate()
	if err != nil || second == first {
		t.Fatalf("rotate: %s %v", second, err)
	}
	fresh, _ := k.Sign(claims())
	if c, err := seal.Verify(fresh, k.Lookup); err != nil || c.KeyID != second {
		t.Errorf("new token signed by %s: %v", c.KeyID, err)
	}
	if err := k.Retire(second); err == nil {
		t.Error("the active key was retired")
	}
	if err := k.Retire(first); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, first+".key")); !os.IsNotExist(err) {
		t.Errorf("the retired private key is still on disk: %v", err)
	}
	// Reopened from disk, the keyring still verifies the old document.
	again, err := seal.OpenKeyring(dir, now, &fixed{n: 100})
	if err != nil {
		t.Fatal(err)
	}
	if c, err := seal.Verify(old, again.Lookup); err != nil || c.KeyID != first {
		t.Errorf("old token after rotation and retirement: %v", err)
	}
	keys := again.PublicKeys()
	if len(keys) != 2 || !keys[0].Retired || !keys[1].Active {
		t.Errorf("keys after reopening: %+v", keys)
	}
	// Offline: only the exported public keys.
	exported, err := again.ExportPublic()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(exported, []byte("PRIVATE")) {
		t.Fatal("the export holds a private key")
	}
	lookup, err := seal.ParsePublic(exported)
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{old, fresh} {
		if _, err := seal.Verify(tok, lookup); err != nil {
			t.Errorf("offline verification: %v", err)
		}
	}
	if fi, err := os.Stat(filepath.Join(dir, second+".key")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("private key mode %v %v", fi.Mode(), err)
	}
	// A private key others can read is refused, naming the file.
	if err := os.Chmod(filepath.Join(dir, second+".key"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := seal.OpenKeyring(dir, now, &fixed{}); err == nil || !strings.Contains(err.Error(), second+".key") {
		t.Errorf("a world-readable key: %v", err)
	}
}

// Example shows how a border post checks a travel document's QR code with
// the exported public keys alone.
func Example() {
	dir, _ := os.MkdirTemp("", "keys")
	defer os.RemoveAll(dir)
	k, _ := seal.OpenKeyring(dir, func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }, &fixed{})
	token, _ := k.Sign(seal.Claims{Number: "RC-1", Kind: "national", IssuedOn: "2026-01-01", ValidUntil: "2026-01-31", IssuingState: "AZ", Surname: "ƏLİYEV", CaseReference: "AZ-DE-2026-00001"})
	public, _ := k.ExportPublic() // carried to the border post
	lookup, _ := seal.ParsePublic(public)
	c, err := seal.Verify(token, lookup)
	fmt.Println(c.Number, c.Surname, err)
	// Output: RC-1 ƏLİYEV <nil>
}
