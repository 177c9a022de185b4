package nbplot

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// HeatmapChart is a colour map of z over a rectangular grid of (x, y), with a
// colour scale, and optional lines drawn on top (a boundary, iso-lines).
//
// X and Y are the centres of the cells, strictly increasing; a cell reaches
// halfway to its neighbours (halfway in log10 on a log axis, so a log-spaced
// grid gets cells of equal width), and the outer cells are as wide as their
// inner neighbours' half-gap on each side. Z has one row per y and one
// column per x: Z[i][j] is the value at (X[j], Y[i]), as in a table read
// with the first row at the bottom. A NaN in Z leaves its cell blank.
//
// The axes are value (or log) axes, not category axes: the cells are drawn as
// rectangles at their true positions, so lines share the heatmap's
// coordinates with no index mapping and the tick labels are round numbers.
type HeatmapChart struct {
	Title, XLabel, YLabel, ZLabel string

	X, Y []float64
	Z    [][]float64

	// Lines are drawn over the cells, in the heatmap's (x, y) coordinates,
	// clipped to the grid. Their Err must be nil.
	Lines []Series

	// LogX and LogY put the axis on a log10 scale; every X (or Y), including
	// those of Lines, must then be positive.
	LogX, LogY bool

	// ZMin and ZMax, when not NaN, fix the ends of the colour scale; values
	// outside get the colour of the nearer end. NaN means the range of Z.
	ZMin, ZMax float64

	// Width and Height in pixels; zero means 760 and 560.
	Width, Height int
}

// Heatmap returns a heatmap of z over the grid x × y, with linear axes
// and a colour scale fitted to z. z[i][j] is the value at (x[j], y[i]); see
// Transpose for a grid stored the other way round.
func Heatmap(title, xLabel, yLabel, zLabel string, x, y []float64, z [][]float64) *HeatmapChart {
	return &HeatmapChart{
		Title: title, XLabel: xLabel, YLabel: yLabel, ZLabel: zLabel,
		X: x, Y: y, Z: z,
		ZMin: math.NaN(), ZMax: math.NaN(),
	}
}

// Transpose returns the transpose of a rectangular matrix: for a grid
// stored as v[i][j] at (x[i], y[j]), Transpose(v) is what Heatmap wants.
// A ragged matrix is transposed over the length of its first row; Validate
// reports the raggedness of what comes out.
func Transpose(v [][]float64) [][]float64 {
	if len(v) == 0 {
		return nil
	}
	t := make([][]float64, len(v[0]))
	for j := range t {
		t[j] = make([]float64, len(v))
		for i := range v {
			if j < len(v[i]) {
				t[j][i] = v[i][j]
			} else {
				t[j][i] = math.NaN()
			}
		}
	}
	return t
}

// WithLogX sets LogX and returns the heatmap, for chaining.
func (h *HeatmapChart) WithLogX() *HeatmapChart {
	h.LogX = true
	return h
}

// WithLogY sets LogY and returns the heatmap, for chaining.
func (h *HeatmapChart) WithLogY() *HeatmapChart {
	h.LogY = true
	return h
}

// WithLine adds lines to draw over the cells and returns the heatmap, for chaining.
func (h *HeatmapChart) WithLine(lines ...Series) *HeatmapChart {
	h.Lines = append(h.Lines, lines...)
	return h
}

// WithZRange fixes the colour scale to [lo, hi] and returns the heatmap, for chaining.
func (h *HeatmapChart) WithZRange(lo, hi float64) *HeatmapChart {
	h.ZMin, h.ZMax = lo, hi
	return h
}

// Validate reports the first problem that would make the heatmap wrong.
func (h *HeatmapChart) Validate() error {
	for _, ax := range []struct {
		name string
		v    []float64
		log  bool
	}{{"X", h.X, h.LogX}, {"Y", h.Y, h.LogY}} {
		if len(ax.v) == 0 {
			return fmt.Errorf("heatmap %q: %s is empty", h.Title, ax.name)
		}
		for k, v := range ax.v {
			if !finite(v) {
				return fmt.Errorf("heatmap %q: %s[%d]=%g is not finite", h.Title, ax.name, k, v)
			}
			if ax.log && v <= 0 {
				return fmt.Errorf("heatmap %q: %s[%d]=%g must be positive on a log axis", h.Title, ax.name, k, v)
			}
			if k > 0 && v <= ax.v[k-1] {
				return fmt.Errorf("heatmap %q: %s[%d]=%g is not above %s[%d]=%g: the grid must be strictly increasing", h.Title, ax.name, k, v, ax.name, k-1, ax.v[k-1])
			}
		}
	}
	if len(h.Z) != len(h.Y) {
		return fmt.Errorf("heatmap %q: len(Z)=%d differs from len(Y)=%d: Z has one row per y", h.Title, len(h.Z), len(h.Y))
	}
	some := false
	for i, row := range h.Z {
		if len(row) != len(h.X) {
			return fmt.Errorf("heatmap %q: len(Z[%d])=%d differs from len(X)=%d: Z[i][j] is the value at (X[j], Y[i])", h.Title, i, len(row), len(h.X))
		}
		for j, z := range row {
			if math.IsInf(z, 0) {
				return fmt.Errorf("heatmap %q: Z[%d][%d]=%g is infinite (NaN leaves a blank cell)", h.Title, i, j, z)
			}
			some = some || !math.IsNaN(z)
		}
	}
	if !some {
		return fmt.Errorf("heatmap %q: every Z is NaN", h.Title)
	}
	if !math.IsNaN(h.ZMin) && !math.IsNaN(h.ZMax) && h.ZMin >= h.ZMax {
		return fmt.Errorf("heatmap %q: z range [%g, %g] is empty: ZMin must be below ZMax", h.Title, h.ZMin, h.ZMax)
	}
	for i, s := range h.Lines {
		name := s.Name
		if name == "" {
			name = fmt.Sprintf("#%d", i)
		}
		if len(s.X) != len(s.Y) {
			return fmt.Errorf("heatmap %q, line %s: len(X)=%d differs from len(Y)=%d", h.Title, name, len(s.X), len(s.Y))
		}
		if s.Err != nil {
			return fmt.Errorf("heatmap %q, line %s: Err is not drawn on a heatmap; leave it nil", h.Title, name)
		}
		for j, x := range s.X {
			if !finite(x) {
				return fmt.Errorf("heatmap %q, line %s: X[%d]=%g is not finite", h.Title, name, j, x)
			}
			if h.LogX && x <= 0 {
				return fmt.Errorf("heatmap %q, line %s: X[%d]=%g must be positive on a log x axis", h.Title, name, j, x)
			}
		}
		if h.LogY {
			for j, y := range s.Y {
				if y <= 0 {
					return fmt.Errorf("heatmap %q, line %s: Y[%d]=%g must be positive on a log y axis (NaN leaves a gap)", h.Title, name, j, y)
				}
			}
		}
	}
	return nil
}

func (h *HeatmapChart) label() string { return h.Title }

func (h *HeatmapChart) size() (int, int) {
	w, ht := h.Width, h.Height
	if w <= 0 {
		w = 760
	}
	if ht <= 0 {
		ht = 560
	}
	return w, ht
}

// cellEdges returns the len(v)+1 edges of the cells centred on v: midpoints
// between neighbours, taken in log10 when log is set.
func cellEdges(v []float64, log bool) []float64 {
	t := make([]float64, len(v))
	for k, x := range v {
		t[k] = x
		if log {
			t[k] = math.Log10(x)
		}
	}
	n := len(t)
	e := make([]float64, n+1)
	if n == 1 {
		e[0], e[1] = t[0]-0.5, t[0]+0.5
	} else {
		e[0] = t[0] - (t[1]-t[0])/2
		for k := 1; k < n; k++ {
			e[k] = (t[k-1] + t[k]) / 2
		}
		e[n] = t[n-1] + (t[n-1]-t[n-2])/2
	}
	if log {
		for k := range e {
			e[k] = math.Pow(10, e[k])
		}
	}
	return e
}

// zRange returns the ends of the colour scale: ZMin and ZMax where set, the
// range of Z otherwise, widened when it is a single value.
func (h *HeatmapChart) zRange() (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, row := range h.Z {
		for _, z := range row {
			if !math.IsNaN(z) {
				lo, hi = math.Min(lo, z), math.Max(hi, z)
			}
		}
	}
	if !math.IsNaN(h.ZMin) {
		lo = h.ZMin
	}
	if !math.IsNaN(h.ZMax) {
		hi = h.ZMax
	}
	if lo >= hi { // one value, or a fixed end beyond the data
		d := math.Max(math.Abs(lo), math.Abs(hi)) / 2
		if d == 0 {
			d = 0.5
		}
		if math.IsNaN(h.ZMax) {
			hi = lo + d
		} else {
			lo = hi - d
		}
	}
	return lo, hi
}

// viridis is the colour scale (matplotlib's viridis at nine stops): readable
// in grey and by colour-blind readers, and the same on screen and on paper.
var viridis = []string{"#440154", "#472d7b", "#3b528b", "#2c728e", "#21918c", "#28ae80", "#5ec962", "#addc30", "#fde725"}

// lineColors are for lines over a heatmap: visible on every viridis colour.
var lineColors = []string{"#e8175d", "#ffffff", "#000000", "#ff8c00", "#00bfff"}

const heatFnKey = "__nbplot_render_heatmap__"

// heatFn draws cell number params.dataIndex (row-major, one row per y) as a
// rectangle between its edges; %s are the x edges, the y edges and len(X).
const heatFn = `function (params, api) {
  var xe = %s, ye = %s, nx = %d;
  var z = api.value(2);
  if (z === "-" || isNaN(z)) { return null; }
  var k = params.dataIndex, i = k %% nx, j = (k - i) / nx;
  var p0 = api.coord([xe[i], ye[j]]), p1 = api.coord([xe[i + 1], ye[j + 1]]);
  // Half a pixel more on every side hides the anti-aliased seams between cells.
  return {type: "rect", shape: {x: Math.min(p0[0], p1[0]) - 0.5, y: Math.min(p0[1], p1[1]) - 0.5,
    width: Math.abs(p1[0] - p0[0]) + 1, height: Math.abs(p1[1] - p0[1]) + 1},
    style: {fill: api.visual("color")}};
}`

const heatTipKey = "__nbplot_heatmap_tooltip__"

// heatTip shows x, y and z of a cell with four significant digits; %s are
// the three axis names as JSON strings.
const heatTip = `function (p) {
  var f = function (v) {
    if (typeof v !== "number" || isNaN(v)) { return "–"; }
    var s = v.toPrecision(4);
    return s.indexOf(".") >= 0 && s.indexOf("e") < 0 ? s.replace(/\.?0+$/, "") : s;
  };
  return %s + ": " + f(p.value[0]) + "<br>" + %s + ": " + f(p.value[1]) + "<br>" + %s + ": <b>" + f(p.value[2]) + "</b>";
}`

// num writes v in JSON with six significant digits, enough for a tooltip
// and a colour, and a third of the size of full precision.
func num(b *strings.Builder, v float64) {
	if math.IsNaN(v) {
		b.WriteString(`"-"`)
		return
	}
	b.WriteString(strconv.FormatFloat(v, 'g', 6, 64))
}

func jsonString(s string) string {
	raw, _ := json.Marshal(s) // a string always encodes
	return string(raw)
}

func orName(s, dflt string) string {
	if s == "" {
		return dflt
	}
	return s
}

// optionJS returns the echarts option of the heatmap as a JavaScript object
// literal. The heatmap must be valid.
func (h *HeatmapChart) optionJS() string {
	xe, ye := cellEdges(h.X, h.LogX), cellEdges(h.Y, h.LogY)
	zlo, zhi := h.zRange()

	var data strings.Builder
	data.WriteByte('[')
	for i, row := range h.Z {
		for j, z := range row {
			if i+j > 0 {
				data.WriteByte(',')
			}
			data.WriteByte('[')
			num(&data, h.X[j])
			data.WriteByte(',')
			num(&data, h.Y[i])
			data.WriteByte(',')
			num(&data, z)
			data.WriteByte(']')
		}
	}
	data.WriteByte(']')

	series := []any{map[string]any{
		"type": "custom", "name": orName(h.ZLabel, "z"), "renderItem": heatFnKey,
		"data":        json.RawMessage(data.String()),
		"encode":      map[string]any{"x": 0, "y": 1, "tooltip": []int{0, 1, 2}},
		"clip":        true,
		"progressive": 0, // all cells in the first frame, for exports and screenshots
		"tooltip":     map[string]any{"formatter": heatTipKey},
	}}
	var legend []string
	for i, s := range h.Lines {
		ser := lineSeries(s, lineColors[i%len(lineColors)])
		ser["z"] = 3
		ser["lineStyle"] = map[string]any{"width": 2.5}
		series = append(series, ser)
		if s.Name != "" {
			legend = append(legend, s.Name)
		}
	}
	axis := func(name string, log bool, edges []float64, gap int) map[string]any {
		typ := "value"
		if log {
			typ = "log"
		}
		return map[string]any{
			"type": typ, "name": name, "nameLocation": "middle", "nameGap": gap,
			"min": edges[0], "max": edges[len(edges)-1],
			"splitLine": map[string]any{"show": false},
			// The ends are cell edges, rarely round numbers; their labels would crowd the ticks.
			"axisLabel": map[string]any{"showMinLabel": false, "showMaxLabel": false},
		}
	}
	opt := map[string]any{
		"animation": false,
		"title":     map[string]any{"text": h.Title, "left": "center"},
		"legend":    map[string]any{"top": 28, "data": legend},
		"tooltip":   map[string]any{"trigger": "item"},
		"grid":      map[string]any{"left": 80, "right": 130, "top": 70, "bottom": 60},
		"xAxis":     axis(h.XLabel, h.LogX, xe, 30),
		"yAxis":     axis(h.YLabel, h.LogY, ye, 50),
		"visualMap": map[string]any{
			"type": "continuous", "min": zlo, "max": zhi, "dimension": 2, "seriesIndex": 0,
			"calculable": true, "precision": 3, "orient": "vertical", "right": 15, "top": "middle",
			"itemHeight": 260, "text": []string{orName(h.ZLabel, "z"), ""},
			"inRange": map[string]any{"color": viridis},
		},
		"series": series,
	}
	raw, err := json.Marshal(opt)
	if err != nil {
		panic("nbplot: encoding the echarts option: " + err.Error())
	}
	xj, _ := json.Marshal(xe)
	yj, _ := json.Marshal(ye)
	js := strings.Replace(string(raw), `"`+heatFnKey+`"`, fmt.Sprintf(heatFn, xj, yj, len(h.X)), 1)
	return strings.Replace(js, `"`+heatTipKey+`"`, fmt.Sprintf(heatTip,
		jsonString(orName(h.XLabel, "x")), jsonString(orName(h.YLabel, "y")), jsonString(orName(h.ZLabel, "z"))), 1)
}

// HTML returns a self-contained HTML fragment that draws the heatmap (see Chart.HTML).
func (h *HeatmapChart) HTML() (string, error) {
	return figureHTML(h, true)
}

// Display shows the heatmap as the output of the current GoNB cell (see Chart.Display).
func (h *HeatmapChart) Display() error {
	return display(h)
}
