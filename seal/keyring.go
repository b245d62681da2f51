package seal

import (
	"crypto/ed25519"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// PublicKey is one verifying key with its id.
type PublicKey struct {
	ID      string            `json:"kid"`
	Key     ed25519.PublicKey `json:"key"` // base64 in JSON
	Created time.Time         `json:"created"`
	Active  bool              `json:"active,omitempty"`
	Retired bool              `json:"retired,omitempty"` // the private key is destroyed
}

// Keyring holds the signing keys of a deployment in a directory:
// <kid>.key (PKCS#8 PEM, mode 0600), <kid>.pub (PKIX PEM) and "active",
// naming the key that signs. It is safe for concurrent use.
type Keyring struct {
	dir  string
	now  func() time.Time
	rand io.Reader

	mu     sync.Mutex
	keys   []PublicKey
	active string
	priv   ed25519.PrivateKey
}

// OpenKeyring opens the keyring in dir, creating the directory and a
// first key when there is none.
func OpenKeyring(dir string, now func() time.Time, random io.Reader) (*Keyring, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	k := &Keyring{dir: dir, now: now, rand: random}
	if err := k.load(); err != nil {
		return nil, err
	}
	if k.active == "" {
		if _, err := k.Rotate(); err != nil {
			return nil, err
		}
	}
	return k, nil
}

func (k *Keyring) load() error {
	entries, err := os.ReadDir(k.dir)
	if err != nil {
		return fmt.Errorf("seal: %w", err)
	}
	k.keys = nil
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".pub") {
			continue
		}
		kid := strings.TrimSuffix(name, ".pub")
		b, err := os.ReadFile(filepath.Join(k.dir, name))
		if err != nil {
			return fmt.Errorf("seal: %s: %w", name, err)
		}
		blk, _ := pem.Decode(b)
		if blk == nil {
			return fmt.Errorf("seal: %s: not a PEM public key", name)
		}
		pk, err := x509.ParsePKIXPublicKey(blk.Bytes)
		pub, ok := pk.(ed25519.PublicKey)
		if err != nil || !ok {
			return fmt.Errorf("seal: %s: not an Ed25519 public key", name)
		}
		info, _ := e.Info()
		created := info.ModTime()
		if t, err := time.Parse("20060102T150405Z", strings.SplitN(kid, "-", 2)[0]); err == nil {
			created = t
		}
		_, err = os.Stat(filepath.Join(k.dir, kid+".key"))
		k.keys = append(k.keys, PublicKey{ID: kid, Key: pub, Created: created, Retired: errors.Is(err, fs.ErrNotExist)})
	}
	slices.SortFunc(k.keys, func(a, b PublicKey) int { return strings.Compare(a.ID, b.ID) })
	b, err := os.ReadFile(filepath.Join(k.dir, "active"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("seal: active: %w", err)
	}
	active := strings.TrimSpace(string(b))
	priv, err := k.readPrivate(active)
	if err != nil {
		return err
	}
	k.active, k.priv = active, priv
	for i := range k.keys {
		k.keys[i].Active = k.keys[i].ID == active
	}
	return nil
}

func (k *Keyring) readPrivate(kid string) (ed25519.PrivateKey, error) {
	name := kid + ".key"
	p := filepath.Join(k.dir, name)
	fi, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("seal: %s: %w", name, err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("seal: %s: readable by others (mode %v); make it 0600", name, fi.Mode().Perm())
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("seal: %s: %w", name, err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, fmt.Errorf("seal: %s: not a PEM private key", name)
	}
	key, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	priv, ok := key.(ed25519.PrivateKey)
	if err != nil || !ok {
		return nil, fmt.Errorf("seal: %s: not an Ed25519 private key", name)
	}
	return priv, nil
}

// writeFile writes a file atomically (temporary file, sync, rename).
func writeFile(path string, data []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Rotate makes a new key and signs with it from now on; the old keys keep
// verifying the documents they signed.
func (k *Keyring) Rotate() (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	pub, priv, err := ed25519.GenerateKey(k.rand)
	if err != nil {
		return "", err
	}
	suffix := make([]byte, 3)
	if _, err := io.ReadFull(k.rand, suffix); err != nil {
		return "", err
	}
	kid := k.now().UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(suffix)
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return "", err
	}
	pder, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", err
	}
	if err := writeFile(filepath.Join(k.dir, kid+".key"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		return "", fmt.Errorf("seal: %w", err)
	}
	if err := writeFile(filepath.Join(k.dir, kid+".pub"), pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pder}), 0o644); err != nil {
		return "", fmt.Errorf("seal: %w", err)
	}
	if err := writeFile(filepath.Join(k.dir, "active"), []byte(kid+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("seal: %w", err)
	}
	return kid, k.load()
}

// Retire destroys the private key kid (which must not be the active one);
// its public key stays, so documents it signed still verify.
func (k *Keyring) Retire(kid string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if kid == k.active {
		return errors.New("seal: rotate before retiring the active key")
	}
	if !slices.ContainsFunc(k.keys, func(p PublicKey) bool { return p.ID == kid }) {
		return fmt.Errorf("seal: no key %q", kid)
	}
	if err := os.Remove(filepath.Join(k.dir, kid+".key")); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("seal: %w", err)
	}
	return k.load()
}

// Sign signs c with the active key (setting its key id).
func (k *Keyring) Sign(c Claims) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	c.KeyID = k.active
	return sign(c, k.priv)
}

// PublicKeys lists every key that verifies, oldest first.
func (k *Keyring) PublicKeys() []PublicKey {
	k.mu.Lock()
	defer k.mu.Unlock()
	return slices.Clone(k.keys)
}

// Lookup finds a public key by id, for Verify.
func (k *Keyring) Lookup(kid string) (ed25519.PublicKey, bool) {
	return lookupIn(k.PublicKeys())(kid)
}

func lookupIn(keys []PublicKey) func(string) (ed25519.PublicKey, bool) {
	return func(kid string) (ed25519.PublicKey, bool) {
		for _, p := range keys {
			if p.ID == kid {
				return p.Key, true
			}
		}
		return nil, false
	}
}

// ExportPublic writes every public key as JSON, with the seal certificates
// (PEM, under "certificates") once there are any: the file a border post
// carries to verify documents offline.
func (k *Keyring) ExportPublic() ([]byte, error) {
	doc := map[string]any{"keys": k.PublicKeys()}
	certs, err := k.Certificates()
	if err != nil {
		return nil, err
	}
	if len(certs) > 0 {
		doc["certificates"] = string(certs)
	}
	return json.MarshalIndent(doc, "", " ")
}

// ParsePublicCertificates reads the seal certificates of an ExportPublic
// file.
func ParsePublicCertificates(b []byte) ([]*x509.Certificate, error) {
	var doc struct {
		Certificates string `json:"certificates"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("seal: public keys: %w", err)
	}
	return ParseCertificates([]byte(doc.Certificates))
}

// ParsePublic reads an ExportPublic file and returns the lookup Verify takes.
func ParsePublic(b []byte) (func(kid string) (ed25519.PublicKey, bool), error) {
	var doc struct {
		Keys []PublicKey `json:"keys"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("seal: public keys: %w", err)
	}
	for _, p := range doc.Keys {
		if len(p.Key) != ed25519.PublicKeySize || p.ID == "" {
			return nil, errors.New("seal: public keys: a key is malformed")
		}
	}
	return lookupIn(doc.Keys), nil
}
