package nbplot

import (
	"encoding/json"
	"math"
	"strings"
)

// seriesColors is echarts' default palette, assigned here so that a series and
// its error bars share one color.
var seriesColors = []string{"#5470c6", "#91cc75", "#fac858", "#ee6666", "#73c0de", "#3ba272", "#fc8452", "#9a60b4", "#ea7ccc"}

// JavaScript that JSON cannot carry: the JSON holds a placeholder string,
// swapped for the function after encoding.
const (
	barsFnKey = "__nbplot_render_error_bars__"
	bandFnKey = "__nbplot_render_error_band__"

	// Data item [x, lo, hi]: a vertical bar with caps 8 px wide.
	barsFn = `function (params, api) {
  var lo = api.coord([api.value(0), api.value(1)]), hi = api.coord([api.value(0), api.value(2)]);
  var style = {stroke: api.visual("color"), lineWidth: 1.5};
  return {type: "group", children: [
    {type: "line", shape: {x1: lo[0], y1: lo[1], x2: hi[0], y2: hi[1]}, style: style},
    {type: "line", shape: {x1: lo[0] - 4, y1: lo[1], x2: lo[0] + 4, y2: lo[1]}, style: style},
    {type: "line", shape: {x1: hi[0] - 4, y1: hi[1], x2: hi[0] + 4, y2: hi[1]}, style: style}]};
}`
	// Data item [x0, lo0, hi0, x1, lo1, hi1]: the band between two neighbouring points.
	bandFn = `function (params, api) {
  var p = [api.coord([api.value(0), api.value(1)]), api.coord([api.value(0), api.value(2)]),
           api.coord([api.value(3), api.value(5)]), api.coord([api.value(3), api.value(4)])];
  return {type: "polygon", shape: {points: p}, style: {fill: api.visual("color"), opacity: 0.25}};
}`
)

// optionJS returns the echarts option of the chart as a JavaScript object
// literal. The chart must be valid.
func (c *Chart) optionJS() string {
	var series []any
	var legend []string
	for i, s := range c.Series {
		color := seriesColors[i%len(seriesColors)]
		if s.Name != "" {
			legend = append(legend, s.Name)
		}
		series = append(series, lineSeries(s, color))
		if s.Err != nil {
			series = append(series, c.errSeries(s, color))
		}
	}
	xType := "value"
	if c.LogX {
		xType = "log"
	}
	yType := "value"
	if c.LogY {
		yType = "log"
	}
	yAxis := map[string]any{
		"type": yType, "scale": true,
		"name": c.YLabel, "nameLocation": "middle", "nameGap": 50,
	}
	if !math.IsNaN(c.YMin) {
		yAxis["min"] = c.YMin
	}
	if !math.IsNaN(c.YMax) {
		yAxis["max"] = c.YMax
	}
	opt := map[string]any{
		// Off, so that a page exported or screenshotted at once shows the final picture.
		"animation": false,
		"title":     map[string]any{"text": c.Title, "left": "center"},
		"legend":    map[string]any{"top": 28, "data": legend},
		"tooltip":   map[string]any{"trigger": "item"},
		"grid":      map[string]any{"left": 80, "right": 40, "top": 70, "bottom": 60},
		"xAxis": map[string]any{
			"type": xType, "scale": true,
			"name": c.XLabel, "nameLocation": "middle", "nameGap": 30,
		},
		"yAxis":  yAxis,
		"series": series,
	}
	raw, err := json.Marshal(opt)
	if err != nil {
		// Only finite numbers and strings go in, so this is a bug here.
		panic("nbplot: encoding the echarts option: " + err.Error())
	}
	js := strings.Replace(string(raw), `"`+barsFnKey+`"`, barsFn, -1)
	return strings.Replace(js, `"`+bandFnKey+`"`, bandFn, -1)
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func lineSeries(s Series, color string) map[string]any {
	data := make([]any, len(s.X))
	for j := range s.X {
		if finite(s.Y[j]) {
			data[j] = []float64{s.X[j], s.Y[j]}
		} else {
			data[j] = []any{s.X[j], "-"} // echarts' mark for a missing value
		}
	}
	ser := map[string]any{
		"type": "line", "name": s.Name, "data": data,
		"color": color, "clip": true, "symbolSize": 6,
	}
	switch s.Style {
	case Points:
		ser["type"] = "scatter"
	case LinePoints:
		ser["showSymbol"] = true
	default:
		ser["showSymbol"] = false
	}
	return ser
}

// clamp keeps an error bar inside a fixed y range, so that a clipped peak
// never draws over the title or the axis labels, whatever echarts' own
// clipping of custom series does.
// On a log y axis a value at or below zero goes to floor (see logFloor).
func (c *Chart) clamp(v, floor float64) float64 {
	if c.LogY && v <= 0 {
		v = floor
	}
	if !math.IsNaN(c.YMin) && v < c.YMin {
		return c.YMin
	}
	if !math.IsNaN(c.YMax) && v > c.YMax {
		return c.YMax
	}
	return v
}

// logFloor is where an error bar reaching zero or below stops on a log y
// axis: the smallest positive value among the points, the lower ends of the
// bars and YMin, so that the bar never widens the axis.
func (c *Chart) logFloor() float64 {
	floor := math.Inf(1)
	if c.YMin > 0 {
		floor = c.YMin
	}
	for _, s := range c.Series {
		for j, y := range s.Y {
			if finite(y) && y > 0 {
				floor = math.Min(floor, y)
			}
			if s.Err != nil && finite(y) && finite(s.Err[j]) && y-s.Err[j] > 0 {
				floor = math.Min(floor, y-s.Err[j])
			}
		}
	}
	if math.IsInf(floor, 1) {
		return 1
	}
	return floor
}

func (c *Chart) errSeries(s Series, color string) map[string]any {
	ok := func(j int) bool { return finite(s.Y[j]) && finite(s.Err[j]) }
	floor := c.logFloor()
	clamp := func(v float64) float64 { return c.clamp(v, floor) }
	var data [][]float64
	fn, encode := barsFnKey, map[string]any{"x": 0, "y": []int{1, 2}}
	if s.ErrStyle == Band {
		fn, encode = bandFnKey, map[string]any{"x": []int{0, 3}, "y": []int{1, 2, 4, 5}}
		for j := 0; j+1 < len(s.X); j++ {
			if ok(j) && ok(j+1) {
				data = append(data, []float64{
					s.X[j], clamp(s.Y[j] - s.Err[j]), clamp(s.Y[j] + s.Err[j]),
					s.X[j+1], clamp(s.Y[j+1] - s.Err[j+1]), clamp(s.Y[j+1] + s.Err[j+1]),
				})
			}
		}
	} else {
		for j := range s.X {
			if ok(j) {
				data = append(data, []float64{s.X[j], clamp(s.Y[j] - s.Err[j]), clamp(s.Y[j] + s.Err[j])})
			}
		}
	}
	return map[string]any{
		// The same name as the line, so that the legend toggles both together.
		"type": "custom", "name": s.Name, "data": data,
		"renderItem": fn, "encode": encode,
		"color": color, "clip": true, "silent": true, "z": 1,
	}
}
