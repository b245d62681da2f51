package blob_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/blob"
)

const secret = "GPS-SECRET 40.4093N 49.8671E"

func picture() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for x := range 40 {
		for y := range 30 {
			img.Set(x, y, color.RGBA{uint8(x * 6), uint8(y * 8), 90, 255})
		}
	}
	return img
}

// jpegWithExif is a real JPEG with an APP1 Exif segment holding secret,
// and bytes after its end.
func jpegWithExif(t *testing.T) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, picture(), nil); err != nil {
		t.Fatal(err)
	}
	j := b.Bytes()
	payload := append([]byte("Exif\x00\x00"), secret...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	seg = append(seg, payload...)
	out := append([]byte{}, j[:2]...) // SOI
	out = append(out, seg...)
	out = append(out, j[2:]...)
	return append(out, []byte("TRAILING "+secret)...)
}

// pngChunk builds one PNG chunk.
func pngChunk(typ string, data []byte) []byte {
	c := make([]byte, 4, 12+len(data))
	binary.BigEndian.PutUint32(c, uint32(len(data)))
	c = append(c, typ...)
	c = append(c, data...)
	crc := crc32.ChecksumIEEE(append([]byte(typ), data...))
	return binary.BigEndian.AppendUint32(c, crc)
}

// pngWithText is a real PNG with a tEXt chunk holding secret.
func pngWithText(t *testing.T) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, picture()); err != nil {
		t.Fatal(err)
	}
	p := b.Bytes()
	// after the signature (8) and IHDR (8+13+4)
	at := 8 + 25
	out := append([]byte{}, p[:at]...)
	out = append(out, pngChunk("tEXt", []byte("Comment\x00"+secret))...)
	return append(out, p[at:]...)
}

// pngBomb declares 50000×50000 pixels in a few bytes.
func pngBomb() []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], 50000)
	binary.BigEndian.PutUint32(ihdr[4:], 50000)
	ihdr[8], ihdr[9] = 8, 2
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, pngChunk("IHDR", ihdr)...)
	out = append(out, pngChunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})...)
	return append(out, pngChunk("IEND", nil)...)
}

var pdf = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

func TestCheckStripsImageMetadata(t *testing.T) {
	p := blob.Policy{MaxBytes: 1 << 20, Kinds: blob.Documents}
	for name, data := range map[string][]byte{"photo.jpg": jpegWithExif(t), "photo.png": pngWithText(t)} {
		if !bytes.Contains(data, []byte(secret)) {
			t.Fatal("the test image lacks its metadata")
		}
		f, err := blob.Check(name, data, p)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if bytes.Contains(f.Data, []byte(secret)) || bytes.Contains(f.Data, []byte("Exif")) {
			t.Errorf("%s: metadata survived the check", name)
		}
		if _, _, err := image.Decode(bytes.NewReader(f.Data)); err != nil || f.Width != 40 || f.Height != 30 || !f.Kind.Image() {
			t.Errorf("%s: re-encoded image %dx%d: %v", name, f.Width, f.Height, err)
		}
		sum := sha256.Sum256(f.Data)
		if f.SHA256 != hex.EncodeToString(sum[:]) || f.Size != int64(len(f.Data)) {
			t.Errorf("%s: sha256 %s size %d", name, f.SHA256, f.Size)
		}
	}
}

func TestCheckRefusals(t *testing.T) {
	fingerprints := blob.Policy{MaxBytes: 1 << 20, Kinds: append(append([]blob.Kind{}, blob.Documents...), blob.WSQ, blob.ISO19794_2)}
	docs := blob.Policy{MaxBytes: 1 << 20, Kinds: blob.Documents}
	for _, tc := range []struct {
		name   string
		file   string
		data   []byte
		p      blob.Policy
		reason string
		kind   blob.Kind
	}{
		{"a PDF", "scan.pdf", pdf, docs, "", blob.PDF},
		{"a PDF named .jpg is a PDF", "scan.jpg", pdf, docs, "", blob.PDF},
		{"text named .pdf", "evil.pdf", []byte("#!/bin/sh\necho hello\n"), docs, blob.ReasonTypeNotAllowed, ""},
		{"HTML", "page.pdf", []byte("<html><script>alert(1)</script></html>"), docs, blob.ReasonTypeNotAllowed, ""},
		{"empty", "scan.pdf", nil, docs, blob.ReasonEmpty, ""},
		{"too large", "scan.pdf", append(pdf, make([]byte, 2<<20)...), docs, blob.ReasonTooLarge, ""},
		{"a path", "../../etc/passwd", pdf, docs, blob.ReasonBadName, ""},
		{"a folder", "scans/scan.pdf", pdf, docs, blob.ReasonBadName, ""},
		{"a Windows path", `C:\scan.pdf`, pdf, docs, blob.ReasonBadName, ""},
		{"a drive", "C:scan.pdf", pdf, docs, blob.ReasonBadName, ""},
		{"NUL", "scan\x00.pdf", pdf, docs, blob.ReasonBadName, ""},
		{"a line break", "scan\n.pdf", pdf, docs, blob.ReasonBadName, ""},
		{"dot-dot", "..", pdf, docs, blob.ReasonBadName, ""},
		{"no name", "", pdf, docs, blob.ReasonBadName, ""},
		{"too long a name", strings.Repeat("a", 201), pdf, docs, blob.ReasonBadName, ""},
		{"a broken JPEG", "photo.jpg", []byte("\xFF\xD8\xFF\xE0 not really"), docs, blob.ReasonCorruptImage, ""},
		{"a decompression bomb", "bomb.png", pngBomb(), docs, blob.ReasonImageTooLarge, ""},
		{"WSQ allowed", "finger.wsq", []byte("\xFF\xA0\xFF\xA8\x00\x10rest"), fingerprints, "", blob.WSQ},
		{"WSQ not allowed", "finger.wsq", []byte("\xFF\xA0\xFF\xA8\x00\x10rest"), docs, blob.ReasonTypeNotAllowed, ""},
		{"FMR allowed", "minutiae.fmr", []byte("FMR\x00 20\x00rest"), fingerprints, "", blob.ISO19794_2},
		{"ANSI/NIST not allowed", "t.an2", []byte("1.001:123\x1d1.002:0400"), fingerprints, blob.ReasonTypeNotAllowed, ""},
		{"Cyrillic name", "паспорт Məmmədov.pdf", pdf, docs, "", blob.PDF},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := blob.Check(tc.file, tc.data, tc.p)
			if got := blob.Reason(err); got != tc.reason {
				t.Fatalf("reason %q (%v), want %q", got, err, tc.reason)
			}
			if tc.reason != "" {
				var e *ercms.Error
				if !errors.As(err, &e) || e.Code != ercms.EInvalid || e.Fields["file"] == "" {
					t.Errorf("error %v, want EInvalid on the field file", err)
				}
				return
			}
			if f.Kind != tc.kind || f.Name != tc.file {
				t.Errorf("kind %s name %q", f.Kind, f.Name)
			}
		})
	}
}

func TestDirStore(t *testing.T) {
	ctx := context.Background()
	root := filepath.Join(t.TempDir(), "blobs")
	d, err := blob.NewDir(root)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(pdf)
	key := hex.EncodeToString(sum[:])
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if err := d.Put(ctx, key, pdf); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	rc, err := d.Open(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(got, pdf) {
		t.Error("read back different bytes")
	}
	entries, _ := os.ReadDir(filepath.Join(root, key[:2]))
	if len(entries) != 1 {
		t.Errorf("%d files in the blob's folder, want 1 (no temporary files left)", len(entries))
	}
	if fi, err := os.Stat(filepath.Join(root, key[:2], key)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("blob file mode %v: %v", fi.Mode(), err)
	}
	for _, bad := range []string{"../../etc/passwd", strings.ToUpper(key), key[:10], key + "0", "zz" + key[2:]} {
		if err := d.Put(ctx, bad, pdf); err == nil {
			t.Errorf("Put(%q) accepted", bad)
		}
		if _, err := d.Open(ctx, bad); err == nil {
			t.Errorf("Open(%q) accepted", bad)
		}
	}
	if err := d.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Open(ctx, key); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("after delete: %v", err)
	}
	if err := d.Delete(ctx, key); err != nil {
		t.Errorf("deleting a missing blob: %v", err)
	}
	var _ ercms.BlobStore = d
}
