// Package blob checks uploaded files and keeps their bytes. Check decides
// a file's type by its content (never by its name), enforces the size
// limit, refuses names that carry a path, and re-encodes images so that
// EXIF, XMP, ICC and text chunks (a phone's GPS position, say) and any
// trailing bytes are gone. Dir stores the bytes on local disk under their
// SHA-256, behind the ercms.BlobStore interface, so that an S3-compatible
// store can take its place.
package blob

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gabriel-vasile/mimetype"

	"github.com/ercms/ercms"
)

// Kind is a file type the system accepts.
type Kind string

// The accepted kinds: documents, images, and fingerprint formats.
const (
	PDF        Kind = "pdf"
	JPEG       Kind = "jpeg"
	PNG        Kind = "png"
	WSQ        Kind = "wsq"        // FBI Wavelet Scalar Quantization fingerprint image
	ISO19794_2 Kind = "iso19794_2" // ISO/IEC 19794-2 finger minutiae record ("FMR")
	ISO19794_4 Kind = "iso19794_4" // ISO/IEC 19794-4 finger image record ("FIR")
	ANSINIST   Kind = "ansi_nist"  // ANSI/NIST-ITL transaction file (type-1 record first)
)

// Image reports whether files of kind k are re-encoded images that may be
// shown inline; everything else is served as a download.
func (k Kind) Image() bool { return k == JPEG || k == PNG }

// MIME returns the media type files of kind k are served with.
func (k Kind) MIME() string {
	switch k {
	case PDF:
		return "application/pdf"
	case JPEG:
		return "image/jpeg"
	case PNG:
		return "image/png"
	}
	return "application/octet-stream"
}

// Documents are the kinds of every upload; fingerprint kinds are added by
// the agreement profile (Policy.Kinds).
var Documents = []Kind{PDF, JPEG, PNG}

// Fingerprints lists the fingerprint formats a profile may allow.
var Fingerprints = []Kind{WSQ, ISO19794_2, ISO19794_4, ANSINIST}

// Policy says what Check accepts.
type Policy struct {
	MaxBytes int64
	Kinds    []Kind
}

// MaxPixels bounds a decoded image (a decompression bomb declares a huge
// size in a few bytes): 40 megapixels.
const MaxPixels = 40_000_000

// Reasons a file is refused; Reason returns one of them for an error of Check.
const (
	ReasonEmpty          = "empty"
	ReasonTooLarge       = "too_large"
	ReasonBadName        = "bad_name"
	ReasonTypeNotAllowed = "type_not_allowed"
	ReasonCorruptImage   = "corrupt_image"
	ReasonImageTooLarge  = "image_too_large"
)

// refusal is the error of a refused file.
type refusal struct {
	reason string
	err    *ercms.Error
}

func refuse(reason, msg string) error {
	return &refusal{reason: reason, err: &ercms.Error{Code: ercms.EInvalid, Message: "The file was refused.", Fields: map[string]string{"file": msg}}}
}

// Error implements the error interface.
func (r *refusal) Error() string { return r.err.Error() }

// Unwrap gives the *ercms.Error, so the web layer maps it like any other.
func (r *refusal) Unwrap() error { return r.err }

// Reason returns why Check refused a file ("" for other errors).
func Reason(err error) string {
	var r *refusal
	if errors.As(err, &r) {
		return r.reason
	}
	return ""
}

// File is a checked upload, ready to store.
type File struct {
	Name          string
	Kind          Kind
	MIME          string
	Data          []byte // re-encoded for images
	Size          int64
	SHA256        string // of Data
	Width, Height int    // images only
}

// Check checks an upload named name: its name, size and type by content,
// re-encoding images. Errors: a *ercms.Error of code EInvalid on the field
// "file", whose Reason says why.
func Check(name string, data []byte, p Policy) (*File, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	if len(data) == 0 {
		return nil, refuse(ReasonEmpty, "The file is empty.")
	}
	if p.MaxBytes > 0 && int64(len(data)) > p.MaxBytes {
		return nil, refuse(ReasonTooLarge, fmt.Sprintf("The file is larger than %d MB.", p.MaxBytes>>20))
	}
	k := Sniff(data)
	if k == "" || !slices.Contains(p.Kinds, k) {
		return nil, refuse(ReasonTypeNotAllowed, "This type of file is not accepted: send a PDF, JPEG or PNG file (or a fingerprint format of the agreement).")
	}
	f := &File{Name: name, Kind: k, MIME: k.MIME(), Data: data}
	if k.Image() {
		if err := reencode(f); err != nil {
			return nil, err
		}
	}
	sum := sha256.Sum256(f.Data)
	f.SHA256, f.Size = hex.EncodeToString(sum[:]), int64(len(f.Data))
	return f, nil
}

// checkName refuses names that are empty, too long, or carry a path or
// control characters.
func checkName(name string) error {
	bad := func() error {
		return refuse(ReasonBadName, "Give the file a plain name, without folders or special characters.")
	}
	switch {
	case name == "", name == ".", name == "..", len(name) > 200, !utf8.ValidString(name),
		strings.ContainsAny(name, "/\\\x00"), len(name) >= 2 && name[1] == ':':
		return bad()
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return bad()
		}
	}
	return nil
}

// Sniff returns the kind of data by its content, or "".
func Sniff(data []byte) Kind {
	switch {
	case len(data) >= 4 && data[0] == 0xFF && data[1] == 0xA0 && data[2] == 0xFF && data[3] == 0xA8:
		return WSQ
	case bytes.HasPrefix(data, []byte("FMR\x00")):
		return ISO19794_2
	case bytes.HasPrefix(data, []byte("FIR\x00")):
		return ISO19794_4
	case bytes.HasPrefix(data, []byte("1.001:")):
		return ANSINIST
	}
	switch mimetype.Detect(data).String() {
	case "application/pdf":
		return PDF
	case "image/jpeg":
		return JPEG
	case "image/png":
		return PNG
	}
	return ""
}

// reencode decodes an image (after checking its declared size) and
// encodes it again: only the pixels survive.
func reencode(f *File) error {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(f.Data))
	if err != nil {
		return refuse(ReasonCorruptImage, "The image cannot be read.")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return refuse(ReasonImageTooLarge, "The image has too many pixels (at most 40 megapixels).")
	}
	img, _, err := image.Decode(bytes.NewReader(f.Data))
	if err != nil {
		return refuse(ReasonCorruptImage, "The image cannot be read.")
	}
	var b bytes.Buffer
	if f.Kind == JPEG {
		err = jpeg.Encode(&b, img, &jpeg.Options{Quality: 90})
	} else {
		err = png.Encode(&b, img)
	}
	if err != nil {
		return err
	}
	f.Data, f.Width, f.Height = b.Bytes(), cfg.Width, cfg.Height
	return nil
}
