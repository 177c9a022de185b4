package nbplot

import (
	"math"
	"regexp"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats"
)

// heatSample is z = x·y on a 3×2 log grid, with z[0][1] blank and a line on top.
func heatSample() *HeatmapChart {
	x := []float64{0.1, 1, 10}
	y := []float64{1, 100}
	z := [][]float64{{0.1, math.NaN(), 10}, {10, 100, 1000}}
	return Heatmap("phase", "alpha_u", "alpha_l", "kappa", x, y, z).
		WithLogX().WithLogY().
		WithLine(Series{Name: "boundary", X: []float64{0.1, 10}, Y: []float64{2, 50}})
}

func TestHeatmapHTML(t *testing.T) {
	fakeECharts(t)
	out, err := heatSample().HTML()
	if err != nil {
		t.Fatalf("HTML() error: %v", err)
	}
	for _, tc := range []struct {
		name string
		want []string
	}{
		{"carries every cell as [x, y, z], a blank cell as missing", []string{`[0.1,1,0.1]`, `[1,1,"-"]`, `[10,100,1000]`}},
		{"has a continuous visual map over z with its label", []string{`"visualMap":{`, `"type":"continuous"`, `"dimension":2`, `"min":0.1`, `"max":1000`, `"kappa"`}},
		{"draws the cells with a custom series", []string{`"type":"custom"`, "renderItem\":function (params, api)", `api.visual("color")`}},
		{"draws the overlay line with its name and data", []string{`"boundary"`, `"type":"line"`, `[[0.1,2],[10,50]]`}},
		{"shows x, y and z in the tooltip", []string{`"formatter":function (p)`, `"alpha_u" + ": "`, `"kappa" + ": <b>"`}},
		{"uses no network address", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("HTML lacks %s", w)
				}
			}
			if strings.Contains(out, "https://") {
				t.Error("HTML refers to a network address")
			}
		})
	}
	t.Run("puts both axes on a log scale that ends at the outer cell edges", func(t *testing.T) {
		if n := strings.Count(out, `"type":"log"`); n != 2 {
			t.Errorf("%d log axes, want 2", n)
		}
		// x edges: 10^-1.5 … 10^1.5.
		if !regexp.MustCompile(`"xAxis":\{.*?"max":31\.62277`).MatchString(out) {
			t.Error("x axis does not end at 10^1.5")
		}
	})
	t.Run("a fixed z range reaches the visual map", func(t *testing.T) {
		out, err := heatSample().WithZRange(-1, 2).HTML()
		if err != nil || !strings.Contains(out, `"min":-1`) || !strings.Contains(out, `"max":2`) {
			t.Errorf("z range not in the visual map (err %v)", err)
		}
	})
}

func TestCellEdges(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    []float64
		log  bool
		want []float64
	}{
		{"linear edges are midpoints, the ends mirror the nearest gap", []float64{0, 1, 3}, false, []float64{-0.5, 0.5, 2, 4}},
		{"log edges are midpoints in log10", []float64{1, 10, 100}, true, []float64{math.Pow(10, -0.5), math.Pow(10, 0.5), math.Pow(10, 1.5), math.Pow(10, 2.5)}},
		{"a single linear cell is one unit wide", []float64{2}, false, []float64{1.5, 2.5}},
		{"a single log cell is one decade wide", []float64{10}, true, []float64{math.Pow(10, 0.5), math.Pow(10, 1.5)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Relative 1e-12: a few roundings of log10 and pow.
			if got := cellEdges(tc.v, tc.log); !floats.EqualApprox(got, tc.want, 1e-12) {
				t.Errorf("cellEdges(%v, %v) = %v, want %v", tc.v, tc.log, got, tc.want)
			}
		})
	}
}

func TestTranspose(t *testing.T) {
	got := Transpose([][]float64{{1, 2, 3}, {4, 5, 6}})
	want := [][]float64{{1, 4}, {2, 5}, {3, 6}}
	if len(got) != len(want) {
		t.Fatalf("Transpose: %d rows, want %d", len(got), len(want))
	}
	for i := range want {
		if !floats.Equal(got[i], want[i]) {
			t.Errorf("row %d = %v, want %v", i, got[i], want[i])
		}
	}
}

func TestHeatmapValidate(t *testing.T) {
	x, y := []float64{1, 2, 3}, []float64{1, 2}
	z := func() [][]float64 { return [][]float64{{1, 2, 3}, {4, 5, 6}} }
	for _, tc := range []struct {
		name string
		h    *HeatmapChart
		want string
	}{
		{"a ragged Z is refused", Heatmap("t", "x", "y", "z", x, y, [][]float64{{1, 2, 3}, {4, 5}}), "len(Z[1])=2 differs from len(X)=3"},
		{"a Z with a row count other than len(Y) is refused", Heatmap("t", "x", "y", "z", x, y, [][]float64{{1, 2, 3}}), "len(Z)=1 differs from len(Y)=2"},
		{"a transposed Z is refused", Heatmap("t", "x", "y", "z", x, y, Transpose(z())), "len(Z)=3 differs from len(Y)=2"},
		{"an empty grid is refused", Heatmap("t", "x", "y", "z", nil, y, z()), "X is empty"},
		{"a grid that is not increasing is refused", Heatmap("t", "x", "y", "z", []float64{1, 3, 2}, y, z()), "X[2]=2 is not above X[1]=3"},
		{"x <= 0 on a log x axis is refused", Heatmap("t", "x", "y", "z", []float64{0, 1, 2}, y, z()).WithLogX(), "X[0]=0 must be positive"},
		{"y <= 0 on a log y axis is refused", Heatmap("t", "x", "y", "z", x, []float64{-1, 1}, z()).WithLogY(), "Y[0]=-1 must be positive"},
		{"an infinite z is refused", Heatmap("t", "x", "y", "z", x, y, [][]float64{{1, 2, 3}, {4, math.Inf(1), 6}}), "Z[1][1]=+Inf"},
		{"an all-NaN Z is refused", Heatmap("t", "x", "y", "z", []float64{1}, []float64{1}, [][]float64{{math.NaN()}}), "every Z is NaN"},
		{"an empty z range is refused", Heatmap("t", "x", "y", "z", x, y, z()).WithZRange(2, 1), "ZMin must be below ZMax"},
		{"a line with X and Y of different lengths is refused", Heatmap("t", "x", "y", "z", x, y, z()).WithLine(Series{Name: "b", X: x, Y: y}), "line b: len(X)=3"},
		{"a line with error bars is refused", Heatmap("t", "x", "y", "z", x, y, z()).WithLine(Series{X: y, Y: y, Err: y}), "Err is not drawn"},
		{"a line at x <= 0 on a log x axis is refused", Heatmap("t", "x", "y", "z", x, y, z()).WithLogX().WithLine(Series{X: []float64{0, 1}, Y: y}), "line #0: X[0]=0 must be positive"},
		{"a line at y <= 0 on a log y axis is refused", Heatmap("t", "x", "y", "z", x, y, z()).WithLogY().WithLine(Series{X: y, Y: []float64{1, 0}}), "line #0: Y[1]=0 must be positive"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.h.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Validate() = %v, want an error containing %q", err, tc.want)
			}
			if _, err := tc.h.HTML(); err == nil {
				t.Error("HTML() succeeded on an invalid heatmap")
			}
		})
	}
	t.Run("a valid heatmap passes", func(t *testing.T) {
		if err := heatSample().Validate(); err != nil {
			t.Error(err)
		}
	})
}

func TestZRange(t *testing.T) {
	for _, tc := range []struct {
		name           string
		h              *HeatmapChart
		wantLo, wantHi float64
	}{
		{"is the range of Z, NaN left out", heatSample(), 0.1, 1000},
		{"takes fixed ends where set", heatSample().WithZRange(1, math.NaN()), 1, 1000},
		{"widens a single value", Heatmap("t", "x", "y", "z", []float64{1}, []float64{1}, [][]float64{{4}}), 4, 6},
		{"widens a zero", Heatmap("t", "x", "y", "z", []float64{1}, []float64{1}, [][]float64{{0}}), 0, 0.5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if lo, hi := tc.h.zRange(); lo != tc.wantLo || hi != tc.wantHi {
				t.Errorf("zRange() = [%g, %g], want [%g, %g]", lo, hi, tc.wantLo, tc.wantHi)
			}
		})
	}
}
