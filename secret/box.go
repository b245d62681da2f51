// Package secret seals the small secrets that eRCMS must read back, such as
// the seeds of users' authenticator apps, with a key kept outside the
// database: whoever copies the database does not have them.
//
// A Box is AES-256-GCM under one key. Each sealed value names the purpose
// it was sealed for (the row it belongs to), and opens only for that
// purpose, so that a sealed value copied into another row does not open.
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// KeySize is the length in bytes of a box's key.
const KeySize = 32

// ErrOpen is returned when a sealed value does not open: another key, another
// purpose, or altered bytes.
var ErrOpen = errors.New("secret: the value does not open with this key")

// Box seals and opens values with one key.
type Box struct {
	id   string // the first bytes of the key's SHA-256, named in each value
	aead cipher.AEAD
}

// NewBox returns a box for a key of KeySize bytes.
func NewBox(key []byte) (*Box, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("secret: key of %d bytes, want %d", len(key), KeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(key)
	return &Box{id: hex.EncodeToString(sum[:4]), aead: aead}, nil
}

// OpenKeyFile returns the box of the key in the file at path, creating the
// file (mode 0600, its directory 0700) with a new random key when there is
// none. The file must be kept, and backed up apart from the database:
// without it the values sealed with it are lost.
func OpenKeyFile(path string) (*Box, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		key := make([]byte, KeySize)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, err
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			return OpenKeyFile(path) // another process made it first
		}
		if err != nil {
			return nil, err
		}
		if _, err := f.WriteString(hex.EncodeToString(key) + "\n"); err != nil {
			f.Close()
			return nil, err
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return nil, err
		}
		if err := f.Close(); err != nil {
			return nil, err
		}
		return NewBox(key)
	}
	if err != nil {
		return nil, err
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, fmt.Errorf("secret: key file %s: %w", path, err)
	}
	return NewBox(key)
}

// Seal returns plain sealed for purpose, as text: "v1.", the key's id, a
// dot, and the nonce and ciphertext in base64url.
func (b *Box) Seal(plain []byte, purpose string) (string, error) {
	nonce := make([]byte, b.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	out := b.aead.Seal(nonce, nonce, plain, []byte(purpose))
	return "v1." + b.id + "." + base64.RawURLEncoding.EncodeToString(out), nil
}

// Open returns the value sealed for purpose, or ErrOpen.
func (b *Box) Open(sealed, purpose string) ([]byte, error) {
	parts := strings.Split(sealed, ".")
	if len(parts) != 3 || parts[0] != "v1" || parts[1] != b.id {
		return nil, ErrOpen
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || len(raw) < b.aead.NonceSize() {
		return nil, ErrOpen
	}
	n := b.aead.NonceSize()
	plain, err := b.aead.Open(nil, raw[:n], raw[n:], []byte(purpose))
	if err != nil {
		return nil, ErrOpen
	}
	return plain, nil
}
