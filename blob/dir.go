package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Dir is a Store on local disk: each blob is the file <root>/<first two
// hex digits of the key>/<key>, mode 0600, in folders of mode 0700. A blob
// is written to a temporary file in its folder, synced and renamed into
// place, so it is whole or absent, never half written. Dir is safe for
// concurrent use, also by several processes sharing root.
type Dir struct {
	root string
}

// NewDir opens the blob directory root, creating it (mode 0700) when it does
// not exist; an existing directory keeps its mode.
func NewDir(root string) (*Dir, error) {
	if root == "" {
		return nil, errors.New("blob: no directory given")
	}
	if err := os.MkdirAll(root, 0o700); err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	fi, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("blob: %s is not a directory", root)
	}
	return &Dir{root: root}, nil
}

// path returns the file of key, refusing any key that is not a digest (so
// no key can name a path outside root).
func (d *Dir) path(key string) (string, error) {
	if !ValidKey(key) {
		return "", ErrInvalidKey
	}
	return filepath.Join(d.root, key[:2], key), nil
}

// Put stores data under key; a key already held is left as it is.
func (d *Dir) Put(ctx context.Context, key string, data []byte) error {
	p, err := d.path(key)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if _, err := os.Stat(p); err == nil {
		return nil
	}
	dir := filepath.Dir(p)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("blob: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*") // mode 0600
	if err != nil {
		return fmt.Errorf("blob: %w", err)
	}
	name := tmp.Name()
	renamed := false
	defer func() {
		if !renamed {
			os.Remove(name)
		}
	}()
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(0o600)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("blob: %w", err)
	}
	// Two writers of one key write the same bytes; the later rename
	// replaces the earlier file atomically.
	if err := os.Rename(name, p); err != nil {
		return fmt.Errorf("blob: %w", err)
	}
	renamed = true
	return syncDir(dir)
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("blob: %w", err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("blob: %w", err)
	}
	return nil
}

// Open returns the blob under key, or ErrNotFound when there is none.
func (d *Dir) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	p, err := d.path(key)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	return f, nil
}

// Delete removes the blob under key; a key not held is no error.
func (d *Dir) Delete(ctx context.Context, key string) error {
	p, err := d.path(key)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blob: %w", err)
	}
	return nil
}
