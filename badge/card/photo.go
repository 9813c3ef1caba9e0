package card

import (
	"bytes"
	"image"
	"image/jpeg"
	_ "image/png" // photos come as JPEG or PNG

	"golang.org/x/image/draw"
)

// photoAspect is the width over the height of the photo box: a passport
// photo's 35 × 45 mm.
const photoAspect = 35.0 / 45.0

// photoPixels is the height the photo is embedded at: 300 dpi for the
// largest box (A6, 34 mm), and a few tens of kB.
const photoPixels = 400

// preparePhoto decodes a JPEG or PNG photo, crops it to the photo box's
// aspect around its centre (filled, never stretched), scales it to
// photoPixels high, and encodes it as a baseline JPEG that fpdf embeds
// whatever the original was (interlaced or 16-bit PNG, CMYK JPEG). Bytes
// that are no such image give nil: the badge has no photo, and no error.
func preparePhoto(data []byte) []byte {
	if len(data) == 0 {
		return nil
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > 50_000_000 {
		return nil // not an image, or a decompression bomb
	}
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil
	}
	b := src.Bounds()
	crop := b
	if float64(b.Dx()) > photoAspect*float64(b.Dy()) { // too wide: cut the sides
		w := int(photoAspect * float64(b.Dy()))
		crop.Min.X = b.Min.X + (b.Dx()-w)/2
		crop.Max.X = crop.Min.X + w
	} else { // too tall: cut the top and bottom
		h := int(float64(b.Dx()) / photoAspect)
		crop.Min.Y = b.Min.Y + (b.Dy()-h)/2
		crop.Max.Y = crop.Min.Y + h
	}
	if crop.Dx() < 1 || crop.Dy() < 1 {
		return nil
	}
	h := min(photoPixels, crop.Dy())
	w := max(1, int(float64(h)*photoAspect+0.5))
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(dst, dst.Bounds(), image.White, image.Point{}, draw.Src) // transparency prints white
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, crop, draw.Over, nil)
	var out bytes.Buffer
	if err := jpeg.Encode(&out, dst, &jpeg.Options{Quality: 88}); err != nil {
		return nil
	}
	return out.Bytes()
}
