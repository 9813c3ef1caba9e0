// Package phototest makes real JPEG and PNG photos for tests: each seed
// gives a different picture (a face-like oval on a coloured ground), so
// that photos differ in hash and a screenshot shows which is which.
package phototest

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
)

// Image draws the picture of a seed at w×h pixels.
func Image(seed, w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	bg := color.RGBA{uint8(40 + seed*53%160), uint8(60 + seed*97%150), uint8(90 + seed*31%140), 255}
	skin := color.RGBA{uint8(150 + seed*17%90), uint8(110 + seed*29%80), uint8(80 + seed*13%70), 255}
	cx, cy := w/2, h*9/20
	rx, ry := w*3/10, h*7/20
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			dx, dy := float64(x-cx)/float64(rx), float64(y-cy)/float64(ry)
			c := bg
			switch {
			case dx*dx+dy*dy <= 1:
				c = skin
			case y > h*4/5 && x > w/5 && x < w*4/5: // shoulders
				c = color.RGBA{30, 40, uint8(60 + seed*7%100), 255}
			}
			// A little noise, as a camera has: JPEGs of a realistic size.
			n := uint8(noise(uint32(x), uint32(y), uint32(seed)) % 24)
			img.SetRGBA(x, y, color.RGBA{c.R/8*7 + n, c.G/8*7 + n, c.B/8*7 + n, 255})
		}
	}
	return img
}

// JPEG returns the picture of a seed as a JPEG of w×h pixels.
func JPEG(seed, w, h int) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, Image(seed, w, h), &jpeg.Options{Quality: 85}); err != nil {
		panic(err) // encoding to memory cannot fail
	}
	return b.Bytes()
}

// PNG returns the picture of a seed as a PNG of w×h pixels.
func PNG(seed, w, h int) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, Image(seed, w, h)); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// noise is a cheap hash of a pixel's position and the seed.
func noise(x, y, seed uint32) uint32 {
	h := x*374761393 + y*668265263 + seed*2246822519
	h = (h ^ h>>13) * 1274126177
	return h ^ h>>16
}
