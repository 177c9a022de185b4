package nbplot

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Static figures are drawn by gonum/plot with the fonts it embeds (Liberation),
// so no system font is needed. A log axis is drawn as a linear axis over
// log10 of the data with ticks labelled in the data's units: cell edges of a
// heatmap then fall halfway in log10, as on screen, and gonum's LogScale,
// which panics on a value at or below zero, is never used.

// pngDPI makes the PNG twice the on-screen size in pixels: sharp in a paper
// or on a high-density screen. At 96 DPI it would be exactly the screen size.
const pngDPI = 192

// pointsPerPixel converts the on-screen size to gonum's points (CSS: 96 px per inch).
const pointsPerPixel = 72.0 / 96.0

// axisMap maps data values to plot coordinates.
type axisMap bool

func (log axisMap) f(v float64) float64 {
	if log {
		return math.Log10(v)
	}
	return v
}

// log10Ticks labels a linear axis that holds log10 of the data: a major tick
// at every power of ten, minor ticks at 2…9 times it. A range of less than a
// decade gets gonum's usual ticks, in data units.
type log10Ticks struct{}

func (log10Ticks) Ticks(min, max float64) []plot.Tick {
	const eps = 1e-9
	var ticks []plot.Tick
	majors := 0
	step := 1 + int((max-min)/8) // keep at most about eight labelled decades
	for k := math.Floor(min); k <= math.Ceil(max); k++ {
		for m := 1; m < 10; m++ {
			v := k + math.Log10(float64(m))
			if v < min-eps || v > max+eps {
				continue
			}
			t := plot.Tick{Value: v}
			if m == 1 && int(k)%step == 0 {
				t.Label = strconv.FormatFloat(math.Pow(10, k), 'g', -1, 64)
				majors++
			}
			ticks = append(ticks, t)
		}
	}
	if majors >= 2 {
		return ticks
	}
	ticks = ticks[:0]
	for _, t := range (plot.DefaultTicks{}).Ticks(math.Pow(10, min), math.Pow(10, max)) {
		if t.Value > 0 {
			ticks = append(ticks, plot.Tick{Value: math.Log10(t.Value), Label: t.Label})
		}
	}
	return ticks
}

func hexColor(s string) color.Color {
	v, err := strconv.ParseUint(s[1:], 16, 32)
	if err != nil || len(s) != 7 {
		panic("nbplot: bad colour " + s)
	}
	return color.NRGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 255}
}

func withAlpha(c color.Color, a uint8) color.Color {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	n.A = a
	return n
}

func newPlot(title, xLabel, yLabel string, logX, logY bool) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = vg.Points(13)
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	if logX {
		p.X.Tick.Marker = log10Ticks{}
	}
	if logY {
		p.Y.Tick.Marker = log10Ticks{}
	}
	return p
}

// runs splits the points of a series into runs of finite (x, y), mapped.
func runs(x, y []float64, xm, ym axisMap) []plotter.XYs {
	var out []plotter.XYs
	var cur plotter.XYs
	for j := range x {
		if !finite(y[j]) {
			if len(cur) > 0 {
				out = append(out, cur)
			}
			cur = nil
			continue
		}
		cur = append(cur, plotter.XY{X: xm.f(x[j]), Y: ym.f(y[j])})
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// addLines adds a series drawn as a line, points or both, and its legend entry.
func addLines(p *plot.Plot, s Series, col color.Color, width vg.Length, xm, ym axisMap) error {
	var thumbs []plot.Thumbnailer
	for k, xys := range runs(s.X, s.Y, xm, ym) {
		if s.Style != Points {
			l, err := plotter.NewLine(xys)
			if err != nil {
				return err
			}
			l.Color, l.Width = col, width
			p.Add(l)
			if k == 0 {
				thumbs = append(thumbs, l)
			}
		}
		if s.Style != Line {
			sc, err := plotter.NewScatter(xys)
			if err != nil {
				return err
			}
			sc.Color, sc.Shape, sc.Radius = col, draw.CircleGlyph{}, vg.Points(2.5)
			p.Add(sc)
			if k == 0 {
				thumbs = append(thumbs, sc)
			}
		}
	}
	if s.Name != "" && len(thumbs) > 0 {
		p.Legend.Add(s.Name, thumbs...)
	}
	return nil
}

// staticPlot returns the chart as a gonum plot. The chart must be valid.
func (c *Chart) staticPlot() (*plot.Plot, error) {
	xm, ym := axisMap(c.LogX), axisMap(c.LogY)
	p := newPlot(c.Title, c.XLabel, c.YLabel, c.LogX, c.LogY)
	p.Legend.Top = true
	floor := c.logFloor()
	for i, s := range c.Series {
		col := hexColor(seriesColors[i%len(seriesColors)])
		if s.Err != nil {
			ok := func(j int) bool { return finite(s.Y[j]) && finite(s.Err[j]) }
			lo := func(j int) float64 { return ym.f(c.clamp(s.Y[j]-s.Err[j], floor)) }
			hi := func(j int) float64 { return ym.f(c.clamp(s.Y[j]+s.Err[j], floor)) }
			if s.ErrStyle == Band {
				for j := 0; j+1 < len(s.X); j++ {
					if !ok(j) || !ok(j+1) {
						continue
					}
					x0, x1 := xm.f(s.X[j]), xm.f(s.X[j+1])
					poly, err := plotter.NewPolygon(plotter.XYs{{X: x0, Y: lo(j)}, {X: x1, Y: lo(j + 1)}, {X: x1, Y: hi(j + 1)}, {X: x0, Y: hi(j)}})
					if err != nil {
						return nil, err
					}
					poly.Color, poly.LineStyle.Width = withAlpha(col, 64), 0
					p.Add(poly)
				}
			} else {
				var pts struct {
					plotter.XYs
					plotter.YErrors
				}
				for j := range s.X {
					if ok(j) {
						y := ym.f(s.Y[j])
						pts.XYs = append(pts.XYs, plotter.XY{X: xm.f(s.X[j]), Y: y})
						pts.YErrors = append(pts.YErrors, struct{ Low, High float64 }{y - lo(j), hi(j) - y})
					}
				}
				if len(pts.XYs) > 0 {
					bars, err := plotter.NewYErrorBars(pts)
					if err != nil {
						return nil, err
					}
					bars.Color, bars.Width = col, vg.Points(1)
					p.Add(bars)
				}
			}
		}
		if err := addLines(p, s, col, vg.Points(1.5), xm, ym); err != nil {
			return nil, fmt.Errorf("chart %q, series %q: %w", c.Title, s.Name, err)
		}
	}
	if !math.IsNaN(c.YMin) {
		p.Y.Min = ym.f(c.YMin)
	}
	if !math.IsNaN(c.YMax) {
		p.Y.Max = ym.f(c.YMax)
	}
	return p, nil
}

// cells draws the cells of a heatmap. It replaces plotter.HeatMap, whose
// neighbouring rectangles leave hairline seams in anti-aliased output: each
// cell here overlaps its upper and right neighbours by a fraction of a point,
// as the echarts version does by half a pixel.
type cells struct {
	h      *HeatmapChart
	xe, ye []float64 // cell edges, mapped
	scale  *colorScale
}

func (c cells) Plot(dc draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&dc)
	const overlap = vg.Length(0.4)
	for i, row := range c.h.Z {
		y0, y1 := trY(c.ye[i]), trY(c.ye[i+1])
		if i+1 < len(c.h.Z) {
			y1 += overlap
		}
		for j, z := range row {
			if math.IsNaN(z) {
				continue
			}
			x0, x1 := trX(c.xe[j]), trX(c.xe[j+1])
			if j+1 < len(row) {
				x1 += overlap
			}
			var pa vg.Path
			pa.Move(vg.Point{X: x0, Y: y0})
			pa.Line(vg.Point{X: x1, Y: y0})
			pa.Line(vg.Point{X: x1, Y: y1})
			pa.Line(vg.Point{X: x0, Y: y1})
			pa.Close()
			dc.SetColor(c.scale.at((z - c.scale.min) / (c.scale.max - c.scale.min)))
			dc.Fill(pa)
		}
	}
}

func (c cells) DataRange() (xmin, xmax, ymin, ymax float64) {
	return c.xe[0], c.xe[len(c.xe)-1], c.ye[0], c.ye[len(c.ye)-1]
}

func mapped(v []float64, m axisMap) []float64 {
	out := make([]float64, len(v))
	for k, x := range v {
		out[k] = m.f(x)
	}
	return out
}

// colorScale is the viridis colour scale as a gonum ColorMap, for the
// colour bar, interpolated linearly in RGB between the stops of viridis.
type colorScale struct{ min, max, alpha float64 }

func (s *colorScale) at(u float64) color.Color {
	u = math.Max(0, math.Min(1, u)) * float64(len(viridis)-1)
	k := int(u)
	if k >= len(viridis)-1 {
		k = len(viridis) - 2
	}
	f := u - float64(k)
	a := color.NRGBAModel.Convert(hexColor(viridis[k])).(color.NRGBA)
	b := color.NRGBAModel.Convert(hexColor(viridis[k+1])).(color.NRGBA)
	mix := func(p, q uint8) uint8 { return uint8(math.Round(float64(p)*(1-f) + float64(q)*f)) }
	return color.NRGBA{R: mix(a.R, b.R), G: mix(a.G, b.G), B: mix(a.B, b.B), A: uint8(math.Round(255 * s.alpha))}
}

func (s *colorScale) At(v float64) (color.Color, error) {
	switch {
	case math.IsNaN(v):
		return nil, palette.ErrNaN
	case v < s.min:
		return nil, palette.ErrUnderflow
	case v > s.max:
		return nil, palette.ErrOverflow
	}
	return s.at((v - s.min) / (s.max - s.min)), nil
}

func (s *colorScale) Max() float64       { return s.max }
func (s *colorScale) SetMax(v float64)   { s.max = v }
func (s *colorScale) Min() float64       { return s.min }
func (s *colorScale) SetMin(v float64)   { s.min = v }
func (s *colorScale) Alpha() float64     { return s.alpha }
func (s *colorScale) SetAlpha(a float64) { s.alpha = a }
func (s *colorScale) Palette(n int) palette.Palette {
	cols := make([]color.Color, n)
	for k := range cols {
		cols[k] = s.at(float64(k) / math.Max(1, float64(n-1)))
	}
	return colors(cols)
}

type colors []color.Color

func (c colors) Colors() []color.Color { return c }

// staticPlots returns the heatmap and its colour bar as gonum plots. The
// heatmap must be valid.
func (h *HeatmapChart) staticPlots() (main, bar *plot.Plot, err error) {
	xm, ym := axisMap(h.LogX), axisMap(h.LogY)
	p := newPlot(h.Title, h.XLabel, h.YLabel, h.LogX, h.LogY)
	p.X.Padding, p.Y.Padding = 0, 0
	p.Legend.Top = true
	zlo, zhi := h.zRange()
	scale := &colorScale{min: zlo, max: zhi, alpha: 1}
	xe := mapped(cellEdges(h.X, h.LogX), xm)
	ye := mapped(cellEdges(h.Y, h.LogY), ym)
	p.Add(cells{h: h, xe: xe, ye: ye, scale: scale})
	for i, s := range h.Lines {
		if err := addLines(p, s, hexColor(lineColors[i%len(lineColors)]), vg.Points(2), xm, ym); err != nil {
			return nil, nil, fmt.Errorf("heatmap %q, line %q: %w", h.Title, s.Name, err)
		}
	}
	p.X.Min, p.X.Max = xe[0], xe[len(xe)-1]
	p.Y.Min, p.Y.Max = ye[0], ye[len(ye)-1]

	bar = plot.New()
	bar.HideX()
	bar.Y.Padding = 0
	bar.Add(&plotter.ColorBar{ColorMap: scale, Vertical: true})
	return p, bar, nil
}

// staticFigure draws a figure on a canvas of the figure's on-screen size.
type staticFigure interface {
	figure
	drawStatic(dc draw.Canvas) error
}

func (c *Chart) drawStatic(dc draw.Canvas) error {
	p, err := c.staticPlot()
	if err != nil {
		return err
	}
	p.Draw(dc)
	return nil
}

func (h *HeatmapChart) drawStatic(dc draw.Canvas) error {
	p, bar, err := h.staticPlots()
	if err != nil {
		return err
	}
	barW := vg.Points(60)
	left := draw.Crop(dc, 0, -barW-vg.Points(12), 0, 0)
	p.Draw(left)
	// The colour bar spans the heatmap's height, with its label above it.
	da := p.DataCanvas(left)
	w := dc.Max.X - dc.Min.X
	bc := draw.Crop(dc, w-barW, 0, da.Min.Y-dc.Min.Y, da.Max.Y-dc.Max.Y)
	bar.Draw(bc)
	sty := bar.Title.TextStyle
	sty.Font.Size = vg.Points(11)
	sty.XAlign, sty.YAlign = draw.XCenter, draw.YBottom
	bda := bar.DataCanvas(bc)
	dc.FillText(sty, vg.Point{X: (bda.Min.X + bda.Max.X) / 2, Y: bc.Max.Y + vg.Points(4)}, orName(h.ZLabel, "z"))
	return nil
}

// renderStatic returns the figure as PNG and SVG. gonum/plot panics on some
// inputs it cannot draw; that comes back as an error.
func renderStatic(f staticFigure) (png, svg []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("nbplot: drawing %q with gonum/plot: %v", f.label(), r)
		}
	}()
	wpx, hpx := f.size()
	w, h := vg.Length(float64(wpx)*pointsPerPixel), vg.Length(float64(hpx)*pointsPerPixel)

	img := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(pngDPI), vgimg.UseBackgroundColor(color.White))
	if err := f.drawStatic(draw.New(img)); err != nil {
		return nil, nil, err
	}
	var pb bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&pb); err != nil {
		return nil, nil, err
	}

	sv := vgsvg.New(w, h)
	if err := f.drawStatic(draw.New(sv)); err != nil {
		return nil, nil, err
	}
	var sb bytes.Buffer
	if _, err := sv.WriteTo(&sb); err != nil {
		return nil, nil, err
	}
	return pb.Bytes(), sb.Bytes(), nil
}
