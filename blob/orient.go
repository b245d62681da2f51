package blob

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/draw"
)

// jpegOrientation returns the EXIF orientation (1–8) of a JPEG, read from
// the first APP1 "Exif" segment before the image data; 1 (upright) when
// there is none or it cannot be read.
func jpegOrientation(b []byte) int {
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 {
		return 1
	}
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xFF {
			return 1
		}
		m := b[i+1]
		switch {
		case m == 0xFF: // fill byte
			i++
			continue
		case m == 0x01 || 0xD0 <= m && m <= 0xD7: // markers without a length
			i += 2
			continue
		case m == 0xD9 || m == 0xDA: // end of image, start of scan
			return 1
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if n < 2 || i+2+n > len(b) {
			return 1
		}
		seg := b[i+4 : i+2+n]
		if m == 0xE1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			return tiffOrientation(seg[6:])
		}
		i += 2 + n
	}
	return 1
}

// tiffOrientation reads the Orientation tag (0x0112) of the first IFD of a
// TIFF structure (the body of an EXIF segment).
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var order binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		order = binary.LittleEndian
	case "MM":
		order = binary.BigEndian
	default:
		return 1
	}
	if order.Uint16(t[2:]) != 42 {
		return 1
	}
	ifd := int64(order.Uint32(t[4:]))
	if ifd+2 > int64(len(t)) {
		return 1
	}
	n := int64(order.Uint16(t[ifd:]))
	for j := range n {
		e := ifd + 2 + 12*j
		if e+12 > int64(len(t)) {
			return 1
		}
		if order.Uint16(t[e:]) != 0x0112 {
			continue
		}
		typ, count, v := order.Uint16(t[e+2:]), order.Uint32(t[e+4:]), int(order.Uint16(t[e+8:]))
		if typ == 3 && count >= 1 && 1 <= v && v <= 8 {
			return v
		}
		return 1
	}
	return 1
}

// orient returns img as it is meant to be seen given its EXIF orientation
// o: 2 mirrored, 3 turned half round, 4 flipped, 5 transposed, 6 turned a
// quarter clockwise, 7 transversed, 8 turned a quarter anticlockwise.
func orient(img image.Image, o int) image.Image {
	if o < 2 || o > 8 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	var src []byte
	var stride, bpp int
	if g, ok := img.(*image.Gray); ok {
		src, stride, bpp = g.Pix, g.Stride, 1
		src = src[g.PixOffset(b.Min.X, b.Min.Y):]
	} else {
		rgba := image.NewRGBA(image.Rect(0, 0, w, h))
		draw.Draw(rgba, rgba.Bounds(), img, b.Min, draw.Src)
		src, stride, bpp = rgba.Pix, rgba.Stride, 4
	}
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	var dst []byte
	var out image.Image
	if bpp == 1 {
		g := image.NewGray(image.Rect(0, 0, dw, dh))
		dst, out = g.Pix, g
	} else {
		r := image.NewRGBA(image.Rect(0, 0, dw, dh))
		dst, out = r.Pix, r
	}
	// dst(x, y) = src(sx, sy), dst being dw wide and dh high.
	for y := range dh {
		for x := range dw {
			var sx, sy int
			switch o {
			case 2:
				sx, sy = w-1-x, y
			case 3:
				sx, sy = w-1-x, h-1-y
			case 4:
				sx, sy = x, h-1-y
			case 5:
				sx, sy = y, x
			case 6:
				sx, sy = y, h-1-x
			case 7:
				sx, sy = w-1-y, h-1-x
			case 8:
				sx, sy = w-1-y, x
			}
			d, s := (y*dw+x)*bpp, sy*stride+sx*bpp
			copy(dst[d:d+bpp], src[s:s+bpp])
		}
	}
	return out
}
