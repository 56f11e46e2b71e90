package main

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
)

// logoSize is the width and height of the logo, in pixels.
const logoSize = 64

// logoPNG draws the site's logo, a white lambda on an orange disc, and
// returns it encoded as PNG. The result is the same on every call; the
// router calls it once, at start.
func logoPNG() []byte {
	palette := color.Palette{
		color.Transparent,
		color.RGBA{0xff, 0x99, 0x00, 0xff}, // orange
		color.White,
	}
	img := image.NewPaletted(image.Rect(0, 0, logoSize, logoSize), palette)
	const (
		center = logoSize / 2.0
		radius = logoSize/2.0 - 1
		stroke = 4.0 // half the width of the lambda's strokes
	)
	for y := range logoSize {
		for x := range logoSize {
			px, py := float64(x)+0.5, float64(y)+0.5
			switch {
			case math.Hypot(px-center, py-center) > radius:
				continue // transparent
			case segmentDistance(px, py, 20, 12, 46, 52) < stroke,
				segmentDistance(px, py, 33, 32, 18, 52) < stroke:
				img.SetColorIndex(x, y, 2)
			default:
				img.SetColorIndex(x, y, 1)
			}
		}
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		panic("web: encoding the logo: " + err.Error()) // cannot happen: the image is valid and buf grows
	}
	return buf.Bytes()
}

// segmentDistance returns the distance from (px, py) to the segment from
// (ax, ay) to (bx, by).
func segmentDistance(px, py, ax, ay, bx, by float64) float64 {
	dx, dy := bx-ax, by-ay
	t := ((px-ax)*dx + (py-ay)*dy) / (dx*dx + dy*dy)
	t = max(0, min(1, t))
	return math.Hypot(px-(ax+t*dx), py-(ay+t*dy))
}
