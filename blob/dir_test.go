package blob_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/blob"
)

func keyOf(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

func read(t *testing.T, s blob.Store, key string) []byte {
	t.Helper()
	rc, err := s.Open(context.Background(), key)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// files lists every file under root (folders left out), relative to root.
func files(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			out = append(out, rel)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDirRoundTrip(t *testing.T) {
	ctx := context.Background()
	root := filepath.Join(t.TempDir(), "data", "blobs")
	d, err := blob.NewDir(root)
	if err != nil {
		t.Fatal(err)
	}
	var s ercms.BlobStore = d // the domain's interface
	key := keyOf(pdf)
	if _, err := s.Open(ctx, key); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("Open before Put: %v", err)
	}
	if err := s.Put(ctx, key, pdf); err != nil {
		t.Fatal(err)
	}
	if got := read(t, d, key); !bytes.Equal(got, pdf) {
		t.Fatal("read back different bytes")
	}
	// The key names the content: a second Put of it changes nothing.
	if err := s.Put(ctx, key, []byte("other bytes")); err != nil {
		t.Fatal(err)
	}
	if got := read(t, d, key); !bytes.Equal(got, pdf) {
		t.Error("a second Put replaced the blob")
	}
	p := filepath.Join(root, key[:2], key)
	for path, want := range map[string]fs.FileMode{root: 0o700, filepath.Dir(p): 0o700, p: 0o600} {
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v (%v)", path, fi.Mode().Perm(), want, err)
		}
	}
	if got := files(t, root); len(got) != 1 || got[0] != filepath.Join(key[:2], key) {
		t.Errorf("files in the store: %v", got)
	}
	if err := s.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Open(ctx, key); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Open after Delete: %v", err)
	}
	if err := s.Delete(ctx, key); err != nil {
		t.Errorf("deleting a missing blob: %v", err)
	}
	// A second Dir on the same root sees what the first stored.
	if err := d.Put(ctx, key, pdf); err != nil {
		t.Fatal(err)
	}
	d2, err := blob.NewDir(root)
	if err != nil {
		t.Fatal(err)
	}
	if got := read(t, d2, key); !bytes.Equal(got, pdf) {
		t.Error("a reopened store lost the blob")
	}
}

func TestDirRefusesBadKeys(t *testing.T) {
	ctx := context.Background()
	parent := t.TempDir()
	root := filepath.Join(parent, "blobs")
	d, err := blob.NewDir(root)
	if err != nil {
		t.Fatal(err)
	}
	key := keyOf(pdf)
	for _, bad := range []string{
		"", "../x", "../../etc/passwd", strings.ToUpper(key), key[:10], key + "0", key[:63],
		"zz" + key[2:], "../" + key[3:], key[:62] + "/x", key[:62] + "\\x", key[:63] + "\x00", " " + key[1:],
	} {
		if err := d.Put(ctx, bad, pdf); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Put(%q): %v", bad, err)
		}
		if _, err := d.Open(ctx, bad); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Open(%q): %v", bad, err)
		}
		if err := d.Delete(ctx, bad); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Delete(%q): %v", bad, err)
		}
	}
	if got := files(t, parent); len(got) != 0 {
		t.Errorf("refused keys left files: %v", got)
	}
}

func TestDirConcurrentPuts(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	d, err := blob.NewDir(root)
	if err != nil {
		t.Fatal(err)
	}
	var blobs [][]byte
	for i := range 4 {
		blobs = append(blobs, fmt.Appendf(nil, "blob %d %s", i, strings.Repeat("x", 1000*i)))
	}
	var wg sync.WaitGroup
	for range 8 {
		for _, b := range blobs {
			wg.Go(func() {
				if err := d.Put(ctx, keyOf(b), b); err != nil {
					t.Error(err)
				}
				rc, err := d.Open(ctx, keyOf(b))
				if err != nil {
					t.Error(err)
					return
				}
				got, _ := io.ReadAll(rc)
				rc.Close()
				if !bytes.Equal(got, b) {
					t.Error("read a different or partial blob")
				}
			})
		}
	}
	wg.Wait()
	got := files(t, root)
	if len(got) != len(blobs) {
		t.Errorf("files %v, want one per blob and no temporary files", got)
	}
	for _, f := range got {
		if !blob.ValidKey(filepath.Base(f)) {
			t.Errorf("stray file %s", f)
		}
	}
}

func TestDirContextAndRoot(t *testing.T) {
	d, err := blob.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := d.Put(ctx, keyOf(pdf), pdf); !errors.Is(err, context.Canceled) {
		t.Errorf("Put with a cancelled context: %v", err)
	}
	if _, err := d.Open(context.Background(), keyOf(pdf)); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("a cancelled Put stored the blob: %v", err)
	}
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, root := range []string{"", file} {
		if _, err := blob.NewDir(root); err == nil {
			t.Errorf("NewDir(%q) accepted", root)
		}
	}
}

// TestRefusedUploadStoresNothing follows the web layer: check, then store
// only what Check returned.
func TestRefusedUploadStoresNothing(t *testing.T) {
	root := t.TempDir()
	d, err := blob.NewDir(root)
	if err != nil {
		t.Fatal(err)
	}
	p := blob.Policy{MaxBytes: 1 << 10, Kinds: blob.Documents}
	upload := func(name string, data []byte) error {
		f, err := blob.Check(name, data, p)
		if err != nil {
			return err
		}
		return d.Put(context.Background(), f.SHA256, f.Data)
	}
	for name, data := range map[string][]byte{
		"x.pdf":       []byte("plain text"),
		"big.pdf":     append(pdf, make([]byte, 2<<10)...),
		"../scan.pdf": pdf,
	} {
		if err := upload(name, data); blob.Reason(err) == "" {
			t.Errorf("%s: %v", name, err)
		}
	}
	if got := files(t, root); len(got) != 0 {
		t.Errorf("refused uploads stored %v", got)
	}
	if err := upload("scan.pdf", pdf); err != nil {
		t.Fatal(err)
	}
	if got := files(t, root); len(got) != 1 {
		t.Errorf("an accepted upload stored %v", got)
	}
}
