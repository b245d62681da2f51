package secret_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ercms/ercms/secret"
)

func TestSealOpensOnlyForItsPurposeAndKey(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "keys", "secrets.key")
	box, err := secret.OpenKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", info.Mode().Perm())
	}
	plain := []byte("JBSWY3DPEHPK3PXP")
	sealed, err := box.Seal(plain, "totp:f1")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, string(plain)) {
		t.Fatalf("sealed value %q shows the secret", sealed)
	}
	again, err := secret.OpenKeyFile(path) // the key is read back, not made anew
	if err != nil {
		t.Fatal(err)
	}
	got, err := again.Open(sealed, "totp:f1")
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("open: %q, %v", got, err)
	}
	if _, err := again.Open(sealed, "totp:f2"); !errors.Is(err, secret.ErrOpen) {
		t.Errorf("opened for another purpose: %v", err)
	}
	other, err := secret.OpenKeyFile(filepath.Join(dir, "other.key"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Open(sealed, "totp:f1"); !errors.Is(err, secret.ErrOpen) {
		t.Errorf("opened with another key: %v", err)
	}
	tampered := sealed[:len(sealed)-2] + "AA"
	if tampered == sealed {
		tampered = sealed[:len(sealed)-2] + "BB"
	}
	if _, err := box.Open(tampered, "totp:f1"); !errors.Is(err, secret.ErrOpen) {
		t.Errorf("opened an altered value: %v", err)
	}
	if s2, _ := box.Seal(plain, "totp:f1"); s2 == sealed {
		t.Error("two seals of one value are equal: the nonce is not fresh")
	}
}
