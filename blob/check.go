// Package blob checks uploaded files and keeps their bytes. Check decides a
// file's type by its content (never by its name), enforces the size limit,
// refuses names that carry a path, and re-encodes images so that EXIF, XMP,
// ICC and text chunks (a phone's GPS position, say) and any trailing bytes
// are gone. Dir keeps the bytes on local disk under their SHA-256, behind the
// Store interface (the domain's ercms.BlobStore), so that an S3-compatible
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
	"github.com/ercms/ercms/i18n"
)

// Kind is a file type the system accepts; its value is the lowercase code
// used in agreement profiles, attachment records and message keys.
type Kind string

// The accepted kinds: documents, images, and fingerprint formats.
const (
	PDF        Kind = "pdf"
	JPEG       Kind = "jpeg"
	PNG        Kind = "png"
	WSQ        Kind = "wsq"        // FBI Wavelet Scalar Quantization fingerprint image
	ISO19794_2 Kind = "iso19794_2" // ISO/IEC 19794-2 finger minutiae record ("FMR")
	ISO19794_4 Kind = "iso19794_4" // ISO/IEC 19794-4 finger image record ("FIR")
	ANSINIST   Kind = "ansi_nist"  // ANSI/NIST-ITL transaction, traditional encoding
)

// Kinds lists every kind Check can recognise.
var Kinds = []Kind{PDF, JPEG, PNG, WSQ, ISO19794_2, ISO19794_4, ANSINIST}

// Documents are the kinds accepted for ordinary uploads (scans, photos,
// signed forms).
var Documents = []Kind{PDF, JPEG, PNG}

// Fingerprints lists the fingerprint formats an agreement profile may allow.
var Fingerprints = []Kind{WSQ, ISO19794_2, ISO19794_4, ANSINIST}

// Inline reports whether files of kind k may be shown inline in the browser:
// only images, which Check has re-encoded; everything else is a download.
func (k Kind) Inline() bool { return k == JPEG || k == PNG }

// Disposition returns the Content-Disposition type to serve files of kind k
// with: "inline" for re-encoded images, "attachment" for everything else.
func (k Kind) Disposition() string {
	if k.Inline() {
		return "inline"
	}
	return "attachment"
}

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

// MessageKey returns the i18n key of the kind's name ("upload.kind.<kind>").
func (k Kind) MessageKey() string { return "upload.kind." + string(k) }

// Policy says what Check accepts: at most MaxBytes bytes (DefaultMaxBytes
// when zero or negative) of one of Kinds.
type Policy struct {
	MaxBytes int64
	Kinds    []Kind
}

// DefaultMaxBytes is the size limit of a Policy that sets none: 20 MiB.
const DefaultMaxBytes = 20 << 20

// MaxPixels bounds an image's declared size (a decompression bomb declares
// a huge size in a few bytes): 40 megapixels.
const MaxPixels = 40_000_000

// MaxNameBytes is the longest file name accepted, in bytes.
const MaxNameBytes = 200

// Reasons a file is refused; Reason returns one of them for an error of Check,
// and "upload.error.<reason>" is its message key.
const (
	ReasonEmpty          = "empty"
	ReasonTooLarge       = "too_large"
	ReasonBadName        = "bad_name"
	ReasonTypeNotAllowed = "type_not_allowed"
	ReasonCorruptImage   = "corrupt_image"
	ReasonImageTooLarge  = "image_too_large"
)

// refusal is the error of a refused file: an EInvalid *ercms.Error on the
// field "file" whose message key is "upload.error.<reason>", with the reason
// for callers that word it themselves.
type refusal struct {
	reason string
	err    *ercms.Error
}

// refuse returns the refusal of reason; args are the name/value pairs of
// its message's arguments.
func refuse(reason string, args ...any) error {
	e := ercms.FieldError("file", "upload.error."+reason, args...)
	e.Message = "err.api.file_refused"
	return &refusal{reason: reason, err: e}
}

// Error implements the error interface.
func (r *refusal) Error() string { return r.err.Error() }

// Unwrap gives the *ercms.Error, so that errors.As and ercms.ErrorCode see it.
func (r *refusal) Unwrap() error { return r.err }

// Reason returns why Check refused a file, one of the Reason constants, or
// "" when err is nil or not a refusal of Check.
func Reason(err error) string {
	var r *refusal
	if errors.As(err, &r) {
		return r.reason
	}
	return ""
}

// File is a checked upload, ready to store under SHA256.
type File struct {
	Name          string // as given (Check refuses names it would have to change)
	Kind          Kind
	MIME          string
	Data          []byte // the bytes to store: re-encoded for images
	Size          int64  // len(Data)
	SHA256        string // lowercase hex SHA-256 of Data, the Store key
	Image         bool   // a re-encoded image that may be shown inline
	Width, Height int    // images only, as displayed (after EXIF orientation)
}

// Check checks an upload: its name, its size against p.MaxBytes, and its
// type, by content, against p.Kinds. JPEG and PNG images are decoded
// (after checking their declared size against MaxPixels) and encoded again,
// JPEGs turned upright by their EXIF orientation. A refused file returns an
// EInvalid *ercms.Error on the field "file", whose Reason says why; a
// refused file is never half processed, so a caller that stores only what
// Check returns stores nothing on refusal.
func Check(name string, data []byte, p Policy) (*File, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	if len(data) == 0 {
		return nil, refuse(ReasonEmpty)
	}
	limit := p.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxBytes
	}
	if int64(len(data)) > limit {
		return nil, refuse(ReasonTooLarge, "max", i18n.Bytes(limit))
	}
	k := Sniff(data)
	if k == "" || !slices.Contains(p.Kinds, k) {
		return nil, refuse(ReasonTypeNotAllowed)
	}
	f := &File{Name: name, Kind: k, MIME: k.MIME(), Data: data}
	if k.Inline() {
		if err := reencode(f); err != nil {
			return nil, err
		}
	}
	sum := sha256.Sum256(f.Data)
	f.SHA256, f.Size = hex.EncodeToString(sum[:]), int64(len(f.Data))
	return f, nil
}

// checkName refuses names that are empty, too long, not UTF-8, or carry a
// path, a drive, control characters or direction overrides (which can make
// "gpj.exe" look like "exe.jpg").
func checkName(name string) error {
	bad := refuse(ReasonBadName)
	switch {
	case name == "", name == ".", name == "..", len(name) > MaxNameBytes, !utf8.ValidString(name),
		strings.ContainsAny(name, "/\\\x00"), len(name) >= 2 && name[1] == ':' && isASCIILetter(name[0]):
		return bad
	}
	for _, r := range name {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '\uFEFF' {
			return bad
		}
	}
	return nil
}

func isASCIILetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// Sniff returns the kind of data judged by its content alone, or "" when it
// is none of Kinds.
func Sniff(data []byte) Kind {
	switch {
	case isWSQ(data):
		return WSQ
	case bytes.HasPrefix(data, []byte("FMR\x00")):
		return ISO19794_2
	case bytes.HasPrefix(data, []byte("FIR\x00")):
		return ISO19794_4
	case isANSINIST(data):
		return ANSINIST
	}
	for m := mimetype.Detect(data); m != nil; m = m.Parent() {
		switch m.String() {
		case "application/pdf":
			return PDF
		case "image/jpeg":
			return JPEG
		case "image/png": // also an animated PNG, of which the first frame is kept
			return PNG
		}
	}
	return ""
}

// isWSQ matches the start of a WSQ file: the SOI marker FF A0 followed by
// one of the markers that may come next (a comment FF A8, usually, or a
// table or frame header: FF A2, FF A4–FF A7).
func isWSQ(b []byte) bool {
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xA0 || b[2] != 0xFF {
		return false
	}
	return b[3] == 0xA2 || 0xA4 <= b[3] && b[3] <= 0xA8
}

// isANSINIST matches the traditional (tagged-field) encoding of an
// ANSI/NIST-ITL transaction: it opens with the Type-1 record's length field,
// "1.001:" (or "1.01:" as some older writers put it), decimal digits, and
// the group separator 0x1D. The XML encoding is not accepted.
func isANSINIST(b []byte) bool {
	var rest []byte
	switch {
	case bytes.HasPrefix(b, []byte("1.001:")):
		rest = b[6:]
	case bytes.HasPrefix(b, []byte("1.01:")):
		rest = b[5:]
	default:
		return false
	}
	i := 0
	for i < len(rest) && i < 12 && '0' <= rest[i] && rest[i] <= '9' {
		i++
	}
	return i > 0 && i < len(rest) && rest[i] == 0x1D
}

// reencode decodes an image (after checking its declared size) and encodes
// it again: only the pixels survive, turned upright for a JPEG.
func reencode(f *File) error {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(f.Data))
	if err != nil {
		return refuse(ReasonCorruptImage)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return refuse(ReasonImageTooLarge)
	}
	var img image.Image
	if f.Kind == JPEG {
		img, err = jpeg.Decode(bytes.NewReader(f.Data))
	} else {
		img, err = png.Decode(bytes.NewReader(f.Data))
	}
	if err != nil {
		return refuse(ReasonCorruptImage)
	}
	var b bytes.Buffer
	if f.Kind == JPEG {
		img = orient(img, jpegOrientation(f.Data))
		err = jpeg.Encode(&b, img, &jpeg.Options{Quality: 90})
	} else {
		err = png.Encode(&b, img)
	}
	if err != nil {
		return fmt.Errorf("blob: re-encoding the image: %w", err)
	}
	bounds := img.Bounds()
	f.Data, f.Image, f.Width, f.Height = b.Bytes(), true, bounds.Dx(), bounds.Dy()
	return nil
}
