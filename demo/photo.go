package demo

import (
	"bytes"
	"hash/fnv"
	"image"
	"image/color"
	"image/png"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/sqldb"
)

// portrait draws a neutral placeholder photograph (a silhouette on a
// coloured ground) for a demonstration case: the demo shows photos on its
// files and travel documents without holding pictures of real people.
func portrait(seed string) []byte {
	h := fnv.New32a()
	h.Write([]byte(seed))
	v := h.Sum32()
	const w, ht = 120, 160
	ground := color.RGBA{uint8(170 + v%60), uint8(180 + (v>>8)%50), uint8(190 + (v>>16)%50), 255}
	figure := color.RGBA{uint8(60 + (v>>4)%40), uint8(60 + (v>>12)%40), uint8(70 + (v>>20)%40), 255}
	img := image.NewRGBA(image.Rect(0, 0, w, ht))
	for y := range ht {
		for x := range w {
			c := ground
			dx, dy := float64(x-w/2), float64(y-62)
			head := dx*dx/(26*26)+dy*dy/(32*32) <= 1
			sx, sy := float64(x-w/2), float64(y-ht)
			shoulders := y > 100 && sx*sx/(56*56)+sy*sy/(62*62) <= 1
			if head || shoulders {
				c = figure
			}
			img.SetRGBA(x, y, c)
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}

// attachPortrait gives a new readmission case its placeholder photograph,
// where the store keeps files.
func (w *walk) attachPortrait() error {
	if w.s.db.Blobs == nil || w.typ != ercms.TypeReadmission {
		return nil
	}
	_, version, err := w.s.db.AddAttachment(w.s.ctx, w.officer, w.c.ID, sqldb.NewAttachment{Purpose: ercms.AttachPhoto,
		Name: "photo.png", Kind: "png", MIME: "image/png", Data: portrait(w.c.ID)})
	w.c.Version = version // a file moves the case's version
	return err
}
