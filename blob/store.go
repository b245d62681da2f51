package blob

import (
	"context"
	"errors"
	"io"

	"github.com/ercms/ercms"
)

// Store keeps the bytes of checked files under their key, the lowercase hex
// SHA-256 of the bytes. Put of a key already held is a successful no-op; Open
// of a key not held returns ErrNotFound; Delete of a key not held does
// nothing. A key of any other form is refused with ErrInvalidKey. Store has
// the method set of ercms.BlobStore, so any Store serves as one.
type Store interface {
	Put(ctx context.Context, key string, data []byte) error
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	Delete(ctx context.Context, key string) error
}

// The store interface of the domain and this one are interchangeable.
var (
	_ ercms.BlobStore = Store(nil)
	_ Store           = ercms.BlobStore(nil)
	_ Store           = (*Dir)(nil)
)

// ErrNotFound is returned by Open for a key the store does not hold.
var ErrNotFound = errors.New("blob: not found")

// ErrInvalidKey is returned for a key that is not 64 lowercase hex digits.
var ErrInvalidKey = errors.New("blob: invalid key (want 64 lowercase hex digits)")

// ValidKey reports whether key is a lowercase hex SHA-256 digest, the only
// form of key a Store accepts.
func ValidKey(key string) bool {
	if len(key) != 64 {
		return false
	}
	for i := range len(key) {
		c := key[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
