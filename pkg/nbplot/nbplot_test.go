package nbplot

import (
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// fakeECharts installs a tiny stand-in for echarts.min.js and points
// OPTREP_ECHARTS at it, so that tests never depend on scripts/setup.sh.
func fakeECharts(t *testing.T) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "echarts.min.js")
	if err := os.WriteFile(p, []byte("/*FAKE-ECHARTS*/ var s = '</script>';"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvECharts, p)
	t.Setenv(EnvEChartsCDN, "")
}

func sample() *Chart {
	return LineChart("double descent", "alpha", "test error",
		Series{Name: "theory", X: []float64{0.5, 1, 2}, Y: []float64{0.25, 0.75, 0.125}},
		Series{Name: "simulation", X: []float64{0.5, 1, 2}, Y: []float64{0.3, 0.7, 0.1},
			Err: []float64{0.01, 0.02, 0.04}, Style: Points},
	)
}

func mustHTML(t *testing.T, c interface{ HTML() (string, error) }) string {
	t.Helper()
	out, err := c.HTML()
	if err != nil {
		t.Fatalf("HTML() error: %v", err)
	}
	return out
}

func TestHTML(t *testing.T) {
	fakeECharts(t)
	out := mustHTML(t, sample())

	t.Run("carries the title, the names and the data", func(t *testing.T) {
		for _, want := range []string{`"double descent"`, `"theory"`, `"simulation"`, `[0.5,0.25]`, `[2,0.125]`, `"alpha"`, `"test error"`} {
			if !strings.Contains(out, want) {
				t.Errorf("HTML lacks %s", want)
			}
		}
	})
	t.Run("inlines the local echarts behind a guard, with AMD hidden", func(t *testing.T) {
		for _, want := range []string{"/*FAKE-ECHARTS*/", "if (!window.echarts)", "(function (define, exports, module)"} {
			if !strings.Contains(out, want) {
				t.Errorf("HTML lacks %q", want)
			}
		}
	})
	t.Run("escapes a closing script tag inside echarts", func(t *testing.T) {
		if strings.Contains(out, "'</script>'") || !strings.Contains(out, `'<\/script>'`) {
			t.Error(`"</script" from the asset was not escaped`)
		}
	})
	t.Run("draws error bars for the series with Err", func(t *testing.T) {
		if strings.Count(out, `"type":"custom"`) != 1 {
			t.Errorf("want exactly one custom (error bar) series")
		}
		if !strings.Contains(out, "renderItem\":function (params, api)") {
			t.Error("renderItem is not a JavaScript function")
		}
		// Y ± Err at x=2: 0.1 ± 0.04.
		if !regexp.MustCompile(`\[2,0\.06\d*,0\.14\d*\]`).MatchString(out) {
			t.Error("error bar [2, 0.06, 0.14] missing")
		}
	})
	t.Run("uses no network address by default", func(t *testing.T) {
		if strings.Contains(out, "http://") || strings.Contains(out, "https://") {
			t.Error("HTML refers to a network address")
		}
	})
}

func TestOptions(t *testing.T) {
	fakeECharts(t)
	t.Run("log x sets a log axis", func(t *testing.T) {
		if out := mustHTML(t, sample().WithLogX()); !strings.Contains(out, `"type":"log"`) {
			t.Error("no log axis")
		}
	})
	t.Run("a y range fixes min and max and clamps the bars", func(t *testing.T) {
		out := mustHTML(t, sample().WithYRange(0, 0.71))
		if !strings.Contains(out, `"max":0.71`) || !strings.Contains(out, `"min":0`) {
			t.Error("y range not set")
		}
		// At x=1 the bar 0.7 ± 0.02 reaches 0.72 and must stop at 0.71.
		if !regexp.MustCompile(`\[1,0\.6\d*,0\.71\]`).MatchString(out) {
			t.Error("bar at x=1 not clamped to 0.71")
		}
	})
	t.Run("a NaN leaves a gap", func(t *testing.T) {
		c := LineChart("t", "x", "y", Series{X: []float64{1, 2}, Y: []float64{1, math.NaN()}})
		if out := mustHTML(t, c); !strings.Contains(out, `[2,"-"]`) {
			t.Error("NaN not written as echarts' missing value")
		}
	})
	t.Run("a band draws one polygon per segment", func(t *testing.T) {
		c := LineChart("t", "x", "y", Series{X: []float64{1, 2, 3}, Y: []float64{1, 2, 3}, Err: []float64{0.5, 0.5, 0.5}, ErrStyle: Band})
		out := mustHTML(t, c)
		if !strings.Contains(out, `"polygon"`) || !strings.Contains(out, `[1,0.5,1.5,2,1.5,2.5]`) {
			t.Error("band segment missing")
		}
	})
	t.Run("log y sets a log y axis", func(t *testing.T) {
		out := mustHTML(t, sample().WithLogY())
		if !regexp.MustCompile(`"yAxis":\{[^}]*"type":"log"`).MatchString(out) {
			t.Error("no log y axis")
		}
	})
	t.Run("on log y a bar reaching zero stops at the smallest positive value", func(t *testing.T) {
		c := LineChart("t", "x", "y", Series{X: []float64{1, 2}, Y: []float64{0.5, 2}, Err: []float64{1, 0.1}}).WithLogY()
		// Bar at x=1: 0.5 ± 1 would reach -0.5; the smallest positive value is 0.5.
		if out := mustHTML(t, c); !strings.Contains(out, `[1,0.5,1.5]`) {
			t.Error("lower end of the bar not raised to 0.5")
		}
	})
	t.Run("an x-y curve keeps the order of its points", func(t *testing.T) {
		c := LineChart("t", "x", "y", Series{Name: "loop", X: []float64{1, 0, -1, 0, 1}, Y: []float64{0, 1, 0, -1, 0}})
		if out := mustHTML(t, c); !strings.Contains(out, `[[1,0],[0,1],[-1,0],[0,-1],[1,0]]`) {
			t.Error("points of a closed curve reordered")
		}
	})
	t.Run("points are a scatter series", func(t *testing.T) {
		c := LineChart("t", "x", "y", Series{X: []float64{1, 2}, Y: []float64{1, 2}, Style: Scatter})
		if out := mustHTML(t, c); !strings.Contains(out, `"type":"scatter"`) {
			t.Error("no scatter series")
		}
	})
	t.Run("CDN mode loads the pinned version and inlines nothing", func(t *testing.T) {
		t.Setenv(EnvEChartsCDN, "1")
		out := mustHTML(t, sample())
		if strings.Contains(out, "FAKE-ECHARTS") {
			t.Error("CDN mode still inlines the local copy")
		}
		if !strings.Contains(out, "echarts@"+EChartsVersion+"/dist/echarts.min.js") {
			t.Error("CDN URL with the pinned version missing")
		}
	})
}

func TestMissingAsset(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(EnvECharts, "")
	t.Setenv(EnvEChartsCDN, "")
	t.Setenv("GONB_DIR", dir)
	t.Chdir(dir)
	_, err := sample().HTML()
	if err == nil {
		t.Fatal("HTML() succeeded with no echarts anywhere")
	}
	if !strings.Contains(err.Error(), "scripts/setup.sh") {
		t.Errorf("error does not name the setup script: %v", err)
	}

	t.Run("a wrong OPTREP_ECHARTS is reported as such", func(t *testing.T) {
		t.Setenv(EnvECharts, filepath.Join(dir, "nope.js"))
		if _, err := sample().HTML(); err == nil || !strings.Contains(err.Error(), EnvECharts) {
			t.Errorf("want an error naming %s, got %v", EnvECharts, err)
		}
	})
	t.Run("the asset is found in a folder above GONB_DIR", func(t *testing.T) {
		t.Setenv(EnvECharts, "")
		asset := filepath.Join(dir, assetRel)
		if err := os.MkdirAll(filepath.Dir(asset), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(asset, []byte("/*FOUND*/"), 0o644); err != nil {
			t.Fatal(err)
		}
		nb := filepath.Join(dir, "notebooks")
		if err := os.MkdirAll(nb, 0o755); err != nil {
			t.Fatal(err)
		}
		t.Setenv("GONB_DIR", nb)
		if out := mustHTML(t, sample()); !strings.Contains(out, "/*FOUND*/") {
			t.Error("asset above GONB_DIR not used")
		}
	})
}

func TestValidate(t *testing.T) {
	xy := []float64{1, 2}
	for _, tc := range []struct {
		name  string
		chart *Chart
		want  string
	}{
		{"a chart without series is refused", LineChart("t", "x", "y"), "no series"},
		{"X and Y of different lengths are refused", LineChart("t", "x", "y", Series{Name: "s", X: xy, Y: []float64{1}}), "len(X)=2"},
		{"Err of the wrong length is refused", LineChart("t", "x", "y", Series{X: xy, Y: xy, Err: []float64{1}}), "len(Err)=1"},
		{"a negative Err is refused", LineChart("t", "x", "y", Series{X: xy, Y: xy, Err: []float64{1, -1}}), "Err[1]=-1"},
		{"x <= 0 on a log axis is refused", LineChart("t", "x", "y", Series{X: []float64{0, 1}, Y: xy}).WithLogX(), "must be positive"},
		{"y <= 0 on a log y axis is refused", LineChart("t", "x", "y", Series{Name: "s", X: xy, Y: []float64{1, 0}}).WithLogY(), "Y[1]=0 must be positive"},
		{"a y range at or below zero is refused on a log y axis", LineChart("t", "x", "y", Series{X: xy, Y: xy}).WithLogY().WithYRange(0, 1), "must be positive on a log y axis"},
		{"an empty y range is refused", LineChart("t", "x", "y", Series{X: xy, Y: xy}).WithYRange(1, 1), "YMin must be below YMax"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.chart.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Validate() = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// The script must at least parse; node is on the development machines but
// is not a requirement of the package.
func TestScriptParses(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not on PATH")
	}
	fakeECharts(t)
	c := sample()
	c.Series[0].Err, c.Series[0].ErrStyle = []float64{0.1, 0.1, 0.1}, Band
	out := mustHTML(t, c) + mustHTML(t, heatSample())
	var js strings.Builder
	for _, m := range regexp.MustCompile(`(?s)<script type="text/javascript">(.*?)</script>`).FindAllStringSubmatch(out, -1) {
		js.WriteString(m[1] + "\n")
	}
	p := filepath.Join(t.TempDir(), "chart.js")
	if err := os.WriteFile(p, []byte(js.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if msg, err := exec.Command(node, "--check", p).CombinedOutput(); err != nil {
		t.Errorf("node --check: %v\n%s", err, msg)
	}
}

func TestVersionMatchesSetup(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "scripts", "setup.sh"))
	if err != nil {
		t.Skipf("scripts/setup.sh not readable: %v", err)
	}
	if !strings.Contains(string(raw), `ECHARTS_VERSION="`+EChartsVersion+`"`) {
		t.Errorf("scripts/setup.sh does not pin echarts %s like nbplot.EChartsVersion", EChartsVersion)
	}
}

func TestInlineOnce(t *testing.T) {
	fakeECharts(t)
	t.Setenv("GONB_TMP_DIR", t.TempDir())

	t.Run("by default every chart carries echarts", func(t *testing.T) {
		t.Setenv(EnvEChartsInline, "")
		for range 2 {
			out, marker, err := displayHTML(sample())
			if err != nil || marker != "" || !strings.Contains(out, "FAKE-ECHARTS") {
				t.Fatalf("displayHTML() = (has echarts %v, marker %q, %v)", strings.Contains(out, "FAKE-ECHARTS"), marker, err)
			}
		}
	})
	t.Run("in once mode only the first chart of a session carries it", func(t *testing.T) {
		t.Setenv(EnvEChartsInline, "once")
		out, marker, err := displayHTML(sample())
		if err != nil || marker == "" || !strings.Contains(out, "FAKE-ECHARTS") {
			t.Fatalf("first chart: has echarts %v, marker %q, err %v", strings.Contains(out, "FAKE-ECHARTS"), marker, err)
		}
		if err := os.WriteFile(marker, nil, 0o644); err != nil { // what Display does after showing it
			t.Fatal(err)
		}
		out, marker, err = displayHTML(sample())
		if err != nil || marker != "" || strings.Contains(out, "FAKE-ECHARTS") {
			t.Errorf("second chart: has echarts %v, marker %q, err %v", strings.Contains(out, "FAKE-ECHARTS"), marker, err)
		}
		if !strings.Contains(out, "echarts is not loaded in this page") {
			t.Error("second chart lacks the message shown when the page has no echarts")
		}
	})
}
