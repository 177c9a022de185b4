package nbplot

import (
	"fmt"
	"math"
)

// Style says how the points of a series are drawn.
type Style int

const (
	// Line joins the points with a line, without markers.
	Line Style = iota
	// Points draws a marker at each point and no line: a scatter plot.
	Points
	// LinePoints draws both the line and the markers.
	LinePoints
)

// Scatter is another name for Points.
const Scatter = Points

// ErrStyle says how the error half-widths of a series are drawn.
type ErrStyle int

const (
	// Bars draws a vertical error bar with caps at each point.
	Bars ErrStyle = iota
	// Band shades the region between Y-Err and Y+Err.
	Band
)

// Series is one curve of a chart.
//
// The points are joined in the order given: X need not be sorted, so a
// closed or multi-valued x-y curve (an iso-line, a parametric curve) is drawn
// as it is. X and Y must have the same length. Err is optional; when set it has the
// length of Y and holds half-widths (the bar goes from Y-Err to Y+Err), which
// must be zero or positive. A NaN in Y or Err leaves a gap.
type Series struct {
	Name     string
	X, Y     []float64
	Err      []float64
	Style    Style
	ErrStyle ErrStyle
}

// Chart is a line chart with optional error bars.
//
// The zero values of the fields below are sensible: linear axes, the y range
// fitted to the data, 900×460 pixels at most. LineChart sets YMin and YMax to
// NaN; a Chart built as a literal must do the same for a fitted y range.
type Chart struct {
	Title, XLabel, YLabel string
	Series                []Series

	// LogX puts the x axis on a log10 scale; every X must then be positive.
	LogX bool
	// LogY puts the y axis on a log10 scale; every finite Y must then be
	// positive. An error bar reaching zero or below is drawn down to the
	// smallest positive value of the chart.
	LogY bool

	// YMin and YMax, when not NaN, fix the y range; whatever lies outside
	// is clipped. Useful to keep a divergent peak from flattening the rest.
	YMin, YMax float64

	// Width and Height in pixels; zero means 900 and 460. The chart shrinks to
	// the width of the output area when that is narrower.
	Width, Height int
}

// LineChart returns a chart of the given series with linear axes and a y
// range fitted to the data.
func LineChart(title, xLabel, yLabel string, series ...Series) *Chart {
	return &Chart{
		Title: title, XLabel: xLabel, YLabel: yLabel,
		Series: series,
		YMin:   math.NaN(), YMax: math.NaN(),
	}
}

// WithLogX sets LogX and returns the chart, for chaining.
func (c *Chart) WithLogX() *Chart {
	c.LogX = true
	return c
}

// WithLogY sets LogY and returns the chart, for chaining.
func (c *Chart) WithLogY() *Chart {
	c.LogY = true
	return c
}

// WithYRange fixes the y range to [lo, hi] and returns the chart, for chaining.
func (c *Chart) WithYRange(lo, hi float64) *Chart {
	c.YMin, c.YMax = lo, hi
	return c
}

// Validate reports the first problem that would make the chart wrong.
func (c *Chart) Validate() error {
	if len(c.Series) == 0 {
		return fmt.Errorf("chart %q: no series", c.Title)
	}
	if !math.IsNaN(c.YMin) && !math.IsNaN(c.YMax) && c.YMin >= c.YMax {
		return fmt.Errorf("chart %q: y range [%g, %g] is empty: YMin must be below YMax", c.Title, c.YMin, c.YMax)
	}
	if c.LogY && (c.YMin <= 0 || c.YMax <= 0) {
		return fmt.Errorf("chart %q: y range [%g, %g] must be positive on a log y axis", c.Title, c.YMin, c.YMax)
	}
	for i, s := range c.Series {
		name := s.Name
		if name == "" {
			name = fmt.Sprintf("#%d", i)
		}
		if len(s.X) != len(s.Y) {
			return fmt.Errorf("chart %q, series %s: len(X)=%d differs from len(Y)=%d", c.Title, name, len(s.X), len(s.Y))
		}
		if s.Err != nil && len(s.Err) != len(s.Y) {
			return fmt.Errorf("chart %q, series %s: len(Err)=%d differs from len(Y)=%d", c.Title, name, len(s.Err), len(s.Y))
		}
		for j, x := range s.X {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("chart %q, series %s: X[%d]=%g is not finite", c.Title, name, j, x)
			}
			if c.LogX && x <= 0 {
				return fmt.Errorf("chart %q, series %s: X[%d]=%g must be positive on a log x axis", c.Title, name, j, x)
			}
		}
		if c.LogY {
			for j, y := range s.Y {
				if y <= 0 {
					return fmt.Errorf("chart %q, series %s: Y[%d]=%g must be positive on a log y axis (NaN leaves a gap)", c.Title, name, j, y)
				}
			}
		}
		for j, e := range s.Err {
			if e < 0 {
				return fmt.Errorf("chart %q, series %s: Err[%d]=%g is negative: Err holds half-widths", c.Title, name, j, e)
			}
		}
	}
	return nil
}

func (c *Chart) label() string { return c.Title }

func (c *Chart) size() (int, int) { return sizeOr(c.Width, c.Height) }
