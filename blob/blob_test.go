package blob_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"runtime"
	"strings"
	"testing"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/blob"
	"github.com/ercms/ercms/i18n"
)

const secret = "GPS-SECRET 40.4093N 49.8671E"

// picture is a 40×30 gradient.
func picture() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for x := range 40 {
		for y := range 30 {
			img.Set(x, y, color.RGBA{uint8(x * 6), uint8(y * 8), 90, 255})
		}
	}
	return img
}

func encodeJPEG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withSegment inserts a JPEG marker segment right after SOI.
func withSegment(j []byte, marker byte, payload []byte) []byte {
	seg := []byte{0xFF, marker, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	seg = append(seg, payload...)
	out := append([]byte{}, j[:2]...)
	out = append(out, seg...)
	return append(out, j[2:]...)
}

// exif is the body of an APP1 Exif segment: a big-endian TIFF header and
// one IFD holding the orientation, then the secret (as a maker note would).
func exif(orientation uint16) []byte {
	b := []byte("Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08")
	b = binary.BigEndian.AppendUint16(b, 1)      // one entry
	b = binary.BigEndian.AppendUint16(b, 0x0112) // Orientation
	b = binary.BigEndian.AppendUint16(b, 3)      // SHORT
	b = binary.BigEndian.AppendUint32(b, 1)      // count
	b = binary.BigEndian.AppendUint16(b, orientation)
	b = append(b, 0, 0, 0, 0, 0, 0) // padding, no next IFD
	return append(b, secret...)
}

// jpegWithExif is a real JPEG with an Exif segment holding secret, an XMP
// segment, and bytes after its end.
func jpegWithExif(t *testing.T) []byte {
	j := withSegment(encodeJPEG(t, picture()), 0xE1, exif(1))
	j = withSegment(j, 0xE1, []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>XMP-"+secret+"</x:xmpmeta>"))
	return append(j, []byte("TRAILING "+secret)...)
}

// pngChunk builds one PNG chunk with its CRC.
func pngChunk(typ string, data []byte) []byte {
	c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	c = append(c, typ...)
	c = append(c, data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(append([]byte(typ), data...)))
}

// pngWithText is a real PNG with tEXt and iTXt chunks holding secret, and
// bytes after IEND.
func pngWithText(t *testing.T) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, picture()); err != nil {
		t.Fatal(err)
	}
	p := b.Bytes()
	at := 8 + 8 + 13 + 4 // signature, IHDR
	if string(p[at-13-4-4:at-13-4]) != "IHDR" {
		t.Fatal("unexpected PNG layout")
	}
	out := append([]byte{}, p[:at]...)
	out = append(out, pngChunk("tEXt", []byte("Comment\x00"+secret))...)
	out = append(out, pngChunk("iTXt", []byte("Location\x00\x00\x00\x00\x00"+secret))...)
	out = append(out, p[at:]...)
	return append(out, secret...)
}

// pngBomb declares 50000×50000 pixels (7.5 GB as RGB) in a few bytes.
func pngBomb() []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, 50000)
	ihdr = binary.BigEndian.AppendUint32(ihdr, 50000)
	ihdr = append(ihdr, 8, 2, 0, 0, 0)
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, pngChunk("IHDR", ihdr)...)
	out = append(out, pngChunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})...)
	return append(out, pngChunk("IEND", nil)...)
}

// jpegBomb declares 50000×50000 pixels in a baseline frame header.
func jpegBomb() []byte {
	return []byte{0xFF, 0xD8,
		0xFF, 0xC0, 0, 17, 8, 0xC3, 0x50, 0xC3, 0x50, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1,
		0xFF, 0xDA, 0, 12, 3, 1, 0, 2, 0x11, 3, 0x11, 0, 63, 0}
}

var pdf = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

func TestCheckStripsImageMetadata(t *testing.T) {
	p := blob.Policy{MaxBytes: 1 << 20, Kinds: blob.Documents}
	for _, tc := range []struct {
		name string
		data []byte
		kind blob.Kind
	}{
		{"photo.jpg", jpegWithExif(t), blob.JPEG},
		{"photo.png", pngWithText(t), blob.PNG},
		{"photo-without-extension", jpegWithExif(t), blob.JPEG},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !bytes.Contains(tc.data, []byte(secret)) {
				t.Fatal("the test image lacks its metadata")
			}
			f, err := blob.Check(tc.name, tc.data, p)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range []string{secret, "GPS-SECRET", "Exif", "xmpmeta", "tEXt", "iTXt", "TRAILING"} {
				if bytes.Contains(f.Data, []byte(s)) {
					t.Errorf("%q survived the check", s)
				}
			}
			img, format, err := image.Decode(bytes.NewReader(f.Data))
			if err != nil || format != string(tc.kind) || img.Bounds().Dx() != 40 || img.Bounds().Dy() != 30 {
				t.Fatalf("output is %s %v: %v", format, img.Bounds(), err)
			}
			if f.Kind != tc.kind || f.MIME != "image/"+string(tc.kind) || !f.Image || f.Width != 40 || f.Height != 30 || f.Name != tc.name {
				t.Errorf("file %+v", *f)
			}
			sum := sha256.Sum256(f.Data)
			if f.SHA256 != hex.EncodeToString(sum[:]) || f.Size != int64(len(f.Data)) {
				t.Errorf("sha256 %s size %d", f.SHA256, f.Size)
			}
			if !blob.ValidKey(f.SHA256) {
				t.Errorf("the digest %q is not a store key", f.SHA256)
			}
		})
	}
}

func TestCheckKeepsOtherFilesAsSent(t *testing.T) {
	fmr := []byte("FMR\x00 20\x00\x00\x00\x00\x30minutiae")
	f, err := blob.Check("minutiae.fmr", fmr, blob.Policy{MaxBytes: 1 << 10, Kinds: blob.Fingerprints})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(fmr)
	if !bytes.Equal(f.Data, fmr) || f.SHA256 != hex.EncodeToString(sum[:]) || f.Image || f.MIME != "application/octet-stream" {
		t.Errorf("file %+v", *f)
	}
	f, err = blob.Check("scan.jpg", pdf, blob.Policy{Kinds: blob.Documents})
	if err != nil {
		t.Fatal(err)
	}
	if f.Kind != blob.PDF || f.MIME != "application/pdf" || !bytes.Equal(f.Data, pdf) || f.Image {
		t.Errorf("a PDF named .jpg: %+v", *f)
	}
}

// quadrants is a 40×20 image: red, green on top; blue, white below.
func quadrants() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 40, 20))
	for y := range 20 {
		for x := range 40 {
			c := [2][2]color.RGBA{{{255, 0, 0, 255}, {0, 255, 0, 255}}, {{0, 0, 255, 255}, {255, 255, 255, 255}}}[y/10][x/20]
			img.Set(x, y, c)
		}
	}
	return img
}

// colourName names a (JPEG-blurred) colour by its strong channels.
func colourName(c color.Color) string {
	r, g, b, _ := c.RGBA()
	hi := func(v uint32) bool { return v > 0x8000 }
	switch {
	case hi(r) && hi(g) && hi(b):
		return "W"
	case hi(r) && !hi(g) && !hi(b):
		return "R"
	case !hi(r) && hi(g) && !hi(b):
		return "G"
	case !hi(r) && !hi(g) && hi(b):
		return "B"
	}
	return "?"
}

func TestCheckTurnsPhotosUpright(t *testing.T) {
	src := encodeJPEG(t, quadrants())
	// The picture as seen: its quadrants top-left, top-right, bottom-left,
	// bottom-right, for each EXIF orientation of the stored R G / B W.
	for _, tc := range []struct {
		orientation uint16
		want        string
		wide        bool
	}{
		{1, "RGBW", true},
		{2, "GRWB", true},
		{3, "WBGR", true},
		{4, "BWRG", true},
		{5, "RBGW", false},
		{6, "BRWG", false},
		{7, "WGBR", false},
		{8, "GWRB", false},
		{9, "RGBW", true}, // not an orientation: left as it is
	} {
		f, err := blob.Check("photo.jpg", withSegment(src, 0xE1, exif(tc.orientation)), blob.Policy{Kinds: blob.Documents})
		if err != nil {
			t.Fatal(err)
		}
		img, err := jpeg.Decode(bytes.NewReader(f.Data))
		if err != nil {
			t.Fatal(err)
		}
		w, h := img.Bounds().Dx(), img.Bounds().Dy()
		if tc.wide != (w > h) || f.Width != w || f.Height != h || w*h != 800 {
			t.Errorf("orientation %d: %dx%d (file says %dx%d)", tc.orientation, w, h, f.Width, f.Height)
			continue
		}
		got := colourName(img.At(w/4, h/4)) + colourName(img.At(3*w/4, h/4)) + colourName(img.At(w/4, 3*h/4)) + colourName(img.At(3*w/4, 3*h/4))
		if got != tc.want {
			t.Errorf("orientation %d: quadrants %s, want %s", tc.orientation, got, tc.want)
		}
	}
}

func TestCheckRefusals(t *testing.T) {
	docs := blob.Policy{MaxBytes: 1 << 20, Kinds: blob.Documents}
	withFingerprints := blob.Policy{MaxBytes: 1 << 20, Kinds: append([]blob.Kind{blob.PNG}, blob.WSQ, blob.ISO19794_2, blob.ISO19794_4)}
	allFingerprints := blob.Policy{MaxBytes: 1 << 20, Kinds: blob.Fingerprints}
	wsq := []byte("\xFF\xA0\xFF\xA8\x00\x10NIST_COM 1\nrest")
	ansi := []byte("1.001:139\x1d1.002:0500\x1d1.003:1\x1f1\x1e")
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
		{"a PDF without a name extension", "scan", pdf, docs, "", blob.PDF},
		{"text named .pdf", "evil.pdf", []byte("#!/bin/sh\necho hello\n"), docs, blob.ReasonTypeNotAllowed, ""},
		{"HTML named .png", "page.png", []byte("<html><script>alert(1)</script></html>"), docs, blob.ReasonTypeNotAllowed, ""},
		{"a GIF", "anim.gif", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), docs, blob.ReasonTypeNotAllowed, ""},
		{"a ZIP named .pdf", "x.pdf", []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00"), docs, blob.ReasonTypeNotAllowed, ""},
		{"a JPEG where only PNG is allowed", "finger.jpg", encodeJPEG(t, picture()), withFingerprints, blob.ReasonTypeNotAllowed, ""},
		{"empty", "scan.pdf", nil, docs, blob.ReasonEmpty, ""},
		{"one byte over the limit", "scan.pdf", append(pdf, make([]byte, 1<<20-len(pdf)+1)...), docs, blob.ReasonTooLarge, ""},
		{"exactly the limit", "scan.pdf", append(pdf, make([]byte, 1<<20-len(pdf))...), docs, "", blob.PDF},
		{"over the default limit", "scan.pdf", append(pdf, make([]byte, blob.DefaultMaxBytes)...), blob.Policy{Kinds: blob.Documents}, blob.ReasonTooLarge, ""},
		{"a path", "../../etc/passwd", pdf, docs, blob.ReasonBadName, ""},
		{"a folder", "scans/scan.pdf", pdf, docs, blob.ReasonBadName, ""},
		{"an absolute path", "/tmp/scan.pdf", pdf, docs, blob.ReasonBadName, ""},
		{"a Windows path", `C:\scan.pdf`, pdf, docs, blob.ReasonBadName, ""},
		{"a Windows folder", `scans\scan.pdf`, pdf, docs, blob.ReasonBadName, ""},
		{"a drive", "C:scan.pdf", pdf, docs, blob.ReasonBadName, ""},
		{"a colon later on", "scan 10:30.pdf", pdf, docs, "", blob.PDF},
		{"NUL", "scan\x00.pdf", pdf, docs, blob.ReasonBadName, ""},
		{"a line break", "scan\n.pdf", pdf, docs, blob.ReasonBadName, ""},
		{"a tab", "scan\t.pdf", pdf, docs, blob.ReasonBadName, ""},
		{"DEL", "scan\x7f.pdf", pdf, docs, blob.ReasonBadName, ""},
		{"a C1 control", "scan\u0085.pdf", pdf, docs, blob.ReasonBadName, ""},
		{"a right-to-left override", "scan\u202Efdp.exe", pdf, docs, blob.ReasonBadName, ""},
		{"not UTF-8", "scan\xff.pdf", pdf, docs, blob.ReasonBadName, ""},
		{"dot", ".", pdf, docs, blob.ReasonBadName, ""},
		{"dot-dot", "..", pdf, docs, blob.ReasonBadName, ""},
		{"no name", "", pdf, docs, blob.ReasonBadName, ""},
		{"a 200-byte name", strings.Repeat("a", 196) + ".pdf", pdf, docs, "", blob.PDF},
		{"a 201-byte name", strings.Repeat("a", 197) + ".pdf", pdf, docs, blob.ReasonBadName, ""},
		{"a Cyrillic and Azerbaijani name", "паспорт Məmmədov.pdf", pdf, docs, "", blob.PDF},
		{"a broken JPEG", "photo.jpg", []byte("\xFF\xD8\xFF\xE0 not really"), docs, blob.ReasonCorruptImage, ""},
		{"a cut JPEG", "photo.jpg", encodeJPEG(t, picture())[:300], docs, blob.ReasonCorruptImage, ""},
		{"a broken PNG", "photo.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR broken"), docs, blob.ReasonCorruptImage, ""},
		{"a PNG decompression bomb", "bomb.png", pngBomb(), docs, blob.ReasonImageTooLarge, ""},
		{"a JPEG decompression bomb", "bomb.jpg", jpegBomb(), docs, blob.ReasonImageTooLarge, ""},
		{"WSQ allowed", "finger.wsq", wsq, withFingerprints, "", blob.WSQ},
		{"WSQ not allowed", "finger.wsq", wsq, docs, blob.ReasonTypeNotAllowed, ""},
		{"WSQ with a table first", "finger.bin", []byte("\xFF\xA0\xFF\xA4\x00\x3a"), withFingerprints, "", blob.WSQ},
		{"not WSQ after all", "finger.wsq", []byte("\xFF\xA0\xFF\x00\x00\x3a"), withFingerprints, blob.ReasonTypeNotAllowed, ""},
		{"FMR allowed", "minutiae.fmr", []byte("FMR\x00 20\x00rest"), withFingerprints, "", blob.ISO19794_2},
		{"FMR not allowed", "minutiae.fmr", []byte("FMR\x00 20\x00rest"), docs, blob.ReasonTypeNotAllowed, ""},
		{"FIR allowed", "finger.fir", []byte("FIR\x00010\x00rest"), withFingerprints, "", blob.ISO19794_4},
		{"FIR named .pdf", "finger.pdf", []byte("FIR\x00010\x00rest"), docs, blob.ReasonTypeNotAllowed, ""},
		{"ANSI/NIST allowed", "t.an2", ansi, allFingerprints, "", blob.ANSINIST},
		{"ANSI/NIST, older field number", "t.eft", []byte("1.01:139\x1d1.02:0300"), allFingerprints, "", blob.ANSINIST},
		{"ANSI/NIST not allowed", "t.an2", ansi, withFingerprints, blob.ReasonTypeNotAllowed, ""},
		{"text that only starts like ANSI/NIST", "t.an2", []byte("1.001: my notes"), allFingerprints, blob.ReasonTypeNotAllowed, ""},
		{"nothing allowed", "scan.pdf", pdf, blob.Policy{}, blob.ReasonTypeNotAllowed, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := blob.Check(tc.file, tc.data, tc.p)
			if got := blob.Reason(err); got != tc.reason {
				t.Fatalf("reason %q (%v), want %q", got, err, tc.reason)
			}
			if tc.reason != "" {
				var e *ercms.Error
				if f != nil || !errors.As(err, &e) || e.Code != ercms.EInvalid || e.Fields["file"] == "" || ercms.ErrorCode(err) != ercms.EInvalid {
					t.Errorf("file %v, error %v; want no file and EInvalid on the field file", f, err)
				}
				return
			}
			if err != nil || f.Kind != tc.kind || f.Name != tc.file {
				t.Errorf("kind %s name %q: %v", f.Kind, f.Name, err)
			}
		})
	}
}

// TestCheckMessages: a refused file carries the message key of its reason
// and the limit as an argument, worded in the reader's language.
func TestCheckMessages(t *testing.T) {
	_, err := blob.Check("scan.pdf", append(pdf, make([]byte, 3<<20)...), blob.Policy{MaxBytes: 3 << 20, Kinds: blob.Documents})
	var e *ercms.Error
	if !errors.As(err, &e) || e.Fields["file"] != "upload.error.too_large" {
		t.Fatalf("too large: %v", err)
	}
	c := i18n.Default()
	en := c.Message(i18n.EN, e.Fields["file"], e.FieldArgs["file"])
	fr := c.Message(i18n.FR, e.Fields["file"], e.FieldArgs["file"])
	if !strings.Contains(en, "3 MB") || !strings.Contains(fr, "3 MB") || en == fr {
		t.Errorf("too large: en %q, fr %q: want the limit in each language", en, fr)
	}
	_, err = blob.Check("scan.txt", []byte("text"), blob.Policy{Kinds: []blob.Kind{blob.PDF, blob.WSQ, blob.ANSINIST}})
	if !errors.As(err, &e) || e.Fields["file"] != "upload.error.type_not_allowed" || !ercms.IsKey(e.Message) {
		t.Errorf("type not allowed: %v", err)
	}
	if blob.Reason(nil) != "" || blob.Reason(errors.New("disk full")) != "" || blob.Reason(&ercms.Error{Code: ercms.EInvalid}) != "" {
		t.Error("Reason of an error that is not a refusal")
	}
}

// TestCheckBombAllocatesLittle checks that a declared 50000×50000 image is
// refused from its header: decoding it would allocate gigabytes.
func TestCheckBombAllocatesLittle(t *testing.T) {
	for name, data := range map[string][]byte{"bomb.png": pngBomb(), "bomb.jpg": jpegBomb()} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := blob.Check(name, data, blob.Policy{Kinds: blob.Documents})
		runtime.ReadMemStats(&after)
		if blob.Reason(err) != blob.ReasonImageTooLarge {
			t.Errorf("%s: %v", name, err)
		}
		if n := after.TotalAlloc - before.TotalAlloc; n > 8<<20 {
			t.Errorf("%s: refusing it allocated %d bytes", name, n)
		}
	}
}

func TestKindDisposition(t *testing.T) {
	for _, tc := range []struct {
		kind        blob.Kind
		disposition string
		mime        string
	}{
		{blob.JPEG, "inline", "image/jpeg"},
		{blob.PNG, "inline", "image/png"},
		{blob.PDF, "attachment", "application/pdf"},
		{blob.WSQ, "attachment", "application/octet-stream"},
		{blob.ISO19794_2, "attachment", "application/octet-stream"},
		{blob.ISO19794_4, "attachment", "application/octet-stream"},
		{blob.ANSINIST, "attachment", "application/octet-stream"},
		{blob.Kind("svg"), "attachment", "application/octet-stream"},
	} {
		if tc.kind.Disposition() != tc.disposition || tc.kind.Inline() != (tc.disposition == "inline") || tc.kind.MIME() != tc.mime {
			t.Errorf("%s: %s %v %s", tc.kind, tc.kind.Disposition(), tc.kind.Inline(), tc.kind.MIME())
		}
	}
	if blob.ANSINIST.MessageKey() != "upload.kind.ansi_nist" {
		t.Error(blob.ANSINIST.MessageKey())
	}
}

func TestCheckTurnsGreyPhotosUpright(t *testing.T) {
	// Black on the left, white on the right; turned a quarter clockwise
	// (orientation 6) the black half is on top.
	img := image.NewGray(image.Rect(0, 0, 40, 20))
	for y := range 20 {
		for x := 20; x < 40; x++ {
			img.SetGray(x, y, color.Gray{255})
		}
	}
	f, err := blob.Check("scan.jpg", withSegment(encodeJPEG(t, img), 0xE1, exif(6)), blob.Policy{Kinds: blob.Documents})
	if err != nil {
		t.Fatal(err)
	}
	out, err := jpeg.Decode(bytes.NewReader(f.Data))
	if err != nil {
		t.Fatal(err)
	}
	top, _, _, _ := out.At(10, 5).RGBA()
	bottom, _, _, _ := out.At(10, 35).RGBA()
	if out.Bounds().Dx() != 20 || out.Bounds().Dy() != 40 || top > 0x4000 || bottom < 0xC000 {
		t.Errorf("%v: top %#x bottom %#x", out.Bounds(), top, bottom)
	}
}
