package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Plot is a line plot of one or more series.
type Plot struct {
	Title          string
	XLabel, YLabel string
	LogX, LogY     bool
	XTicks         []float64            // tick values of the x axis; nil means automatic
	XFormat        func(float64) string // tick labels; nil means %g
	YFormat        func(float64) string
	Series         []PlotSeries
}

// PlotSeries is one line.
type PlotSeries struct {
	Name string
	X, Y []float64
}

// palette is colour-blind safe (Okabe and Ito).
var palette = []string{"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"}

const (
	svgW, plotH                       = 720, 324
	marginL, marginR, titleH, marginB = 78, 20, 34, 56
	legendRow                         = 18
)

// SVG renders p as a standalone SVG document.
func (p *Plot) SVG() []byte {
	var b strings.Builder
	xmin, xmax, ymin, ymax := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, s := range p.Series {
		for i := range s.X {
			xmin, xmax = math.Min(xmin, s.X[i]), math.Max(xmax, s.X[i])
			ymin, ymax = math.Min(ymin, s.Y[i]), math.Max(ymax, s.Y[i])
		}
	}
	if !p.LogY {
		ymin, ymax = 0, ymax*1.1
	}
	xt := p.XTicks
	if xt == nil {
		xt = ticks(xmin, xmax, p.LogX)
	}
	yt := ticks(ymin, ymax, p.LogY)
	xmin, xmax = math.Min(xmin, xt[0]), math.Max(xmax, xt[len(xt)-1])
	ymin, ymax = math.Min(ymin, yt[0]), math.Max(ymax, yt[len(yt)-1])
	// The legend sits between the title and the plot, two entries a row.
	marginT := titleH + legendRow*((len(p.Series)+1)/2) + 8
	svgH := marginT + plotH + marginB
	pw, ph := float64(svgW-marginL-marginR), float64(plotH)
	sx := scale(xmin, xmax, p.LogX, float64(marginL), float64(marginL)+pw)
	sy := scale(ymin, ymax, p.LogY, float64(marginT)+ph, float64(marginT))
	xf, yf := p.XFormat, p.YFormat
	if xf == nil {
		xf = func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	}
	if yf == nil {
		yf = func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	}

	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", svgW, svgH, svgW, svgH)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#ffffff"/>`+"\n", svgW, svgH)
	fmt.Fprintf(&b, `<text x="%d" y="24" font-size="15" font-weight="bold">%s</text>`+"\n", marginL, esc(p.Title))
	for _, v := range xt {
		x := sx(v)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%.1f" stroke="#e0e0e0"/>`+"\n", x, marginT, x, float64(marginT)+ph)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`+"\n", x, float64(marginT)+ph+18, esc(xf(v)))
	}
	for _, v := range yt {
		y := sy(v)
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#e0e0e0"/>`+"\n", marginL, y, float64(marginL)+pw, y)
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end">%s</text>`+"\n", marginL-6, y+4, esc(yf(v)))
	}
	fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.0f" height="%.0f" fill="none" stroke="#555555"/>`+"\n", marginL, marginT, pw, ph)
	fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`+"\n", float64(marginL)+pw/2, svgH-12, esc(p.XLabel))
	fmt.Fprintf(&b, `<text transform="translate(16 %.1f) rotate(-90)" text-anchor="middle">%s</text>`+"\n", float64(marginT)+ph/2, esc(p.YLabel))
	for i, s := range p.Series {
		color := palette[i%len(palette)]
		var pts []string
		for j := range s.X {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", sx(s.X[j]), sy(s.Y[j])))
		}
		fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>`+"\n", strings.Join(pts, " "), color)
		for j := range s.X {
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"><title>%s: %s, %s</title></circle>`+"\n",
				sx(s.X[j]), sy(s.Y[j]), color, esc(s.Name), esc(xf(s.X[j])), esc(yf(s.Y[j])))
		}
		lx, ly := marginL+(i%2)*int(pw/2), titleH+14+legendRow*(i/2)
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2"/>`+"\n", lx, ly-4, lx+24, ly-4, color)
		fmt.Fprintf(&b, `<text x="%d" y="%d">%s</text>`+"\n", lx+30, ly, esc(s.Name))
	}
	b.WriteString("</svg>\n")
	return []byte(b.String())
}

// scale maps [lo, hi] to [a, b], logarithmically when log is true.
func scale(lo, hi float64, log bool, a, b float64) func(float64) float64 {
	if log {
		lo, hi = math.Log10(lo), math.Log10(hi)
	}
	if hi == lo {
		hi = lo + 1
	}
	return func(v float64) float64 {
		if log {
			v = math.Log10(v)
		}
		return a + (v-lo)/(hi-lo)*(b-a)
	}
}

// ticks returns tick values covering [lo, hi]: powers of ten (with 2 and
// 5 between them on short ranges) when log is true, round steps
// otherwise.
func ticks(lo, hi float64, log bool) []float64 {
	if log {
		var ts []float64
		e0, e1 := math.Floor(math.Log10(lo)), math.Ceil(math.Log10(hi))
		for e := e0; e <= e1; e++ {
			base := math.Pow(10, e)
			ts = append(ts, base)
			if e1-e0 <= 3 && e < e1 {
				ts = append(ts, 2*base, 5*base)
			}
		}
		return ts
	}
	span := hi - lo
	if span <= 0 {
		span = math.Max(math.Abs(hi), 1)
	}
	step := math.Pow(10, math.Floor(math.Log10(span/5)))
	for _, m := range []float64{1, 2, 5, 10} {
		if span/(step*m) <= 6 {
			step *= m
			break
		}
	}
	// Round each tick to the step's decimals, so that 3×0.2 is 0.6.
	decimals := max(0, int(-math.Floor(math.Log10(step))))
	var ts []float64
	for i := math.Floor(lo / step); i*step <= hi+step*0.999; i++ {
		v, _ := strconv.ParseFloat(strconv.FormatFloat(i*step, 'f', decimals, 64), 64)
		ts = append(ts, v)
	}
	return ts
}

func esc(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}
