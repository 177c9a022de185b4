package nbplot

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"strings"

	"github.com/janpfeifer/gonb/gonbui"
)

// EChartsVersion is the echarts release that scripts/setup.sh installs and
// that OPTREP_ECHARTS_CDN=1 loads; the two must agree (a test checks it).
const EChartsVersion = "5.6.0"

// Environment variables read by this package.
const (
	// EnvECharts names a local echarts.min.js to use instead of the one
	// found under .optrep/assets.
	EnvECharts = "OPTREP_ECHARTS"
	// EnvEChartsCDN, when "1" or "true", loads echarts from a public host
	// instead of inlining the local copy (smaller notebooks, needs network).
	EnvEChartsCDN = "OPTREP_ECHARTS_CDN"
	// EnvEChartsInline set to "once" inlines echarts only in the first chart
	// of a kernel session (about 1 MB saved per further chart); any other
	// value inlines it in every chart.
	EnvEChartsInline = "OPTREP_ECHARTS_INLINE"
)

// assetRel is where scripts/setup.sh puts echarts, relative to the repository root.
var assetRel = filepath.Join(".optrep", "assets", "echarts.min.js")

func cdnURL() string {
	return "https://cdn.jsdelivr.net/npm/echarts@" + EChartsVersion + "/dist/echarts.min.js"
}

func useCDN() bool {
	v := strings.ToLower(os.Getenv(EnvEChartsCDN))
	return v == "1" || v == "true" || v == "yes"
}

// FindECharts returns the path of the local echarts.min.js: $OPTREP_ECHARTS
// when set, else the first .optrep/assets/echarts.min.js found in the
// notebook's folder ($GONB_DIR), the working directory, or any folder above
// either of them.
func FindECharts() (string, error) {
	if p := os.Getenv(EnvECharts); p != "" {
		if st, err := os.Stat(p); err != nil || st.IsDir() {
			return "", fmt.Errorf("nbplot: %s=%q is not a readable file; unset it to use the copy from scripts/setup.sh", EnvECharts, p)
		}
		return p, nil
	}
	var starts []string
	if d := os.Getenv("GONB_DIR"); d != "" {
		starts = append(starts, d)
	}
	if d, err := os.Getwd(); err == nil {
		starts = append(starts, d)
	}
	for _, start := range starts {
		dir, err := filepath.Abs(start)
		if err != nil {
			continue
		}
		for {
			p := filepath.Join(dir, assetRel)
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				return p, nil
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	return "", fmt.Errorf("nbplot: %s not found above %s: run scripts/setup.sh to install echarts %s, "+
		"set %s to a copy of echarts.min.js, or set %s=1 to load it from the network",
		assetRel, strings.Join(starts, " or "), EChartsVersion, EnvECharts, EnvEChartsCDN)
}

// loaderHTML returns a script element that defines window.echarts from the
// local copy, unless the page already has it.
func loaderHTML() (string, error) {
	p, err := FindECharts()
	if err != nil {
		return "", err
	}
	src, err := os.ReadFile(p)
	if err != nil {
		return "", fmt.Errorf("nbplot: reading echarts: %w", err)
	}
	// A literal "</script" would end the element early; "<\/" means the same in JavaScript.
	js := strings.ReplaceAll(string(src), "</script", `<\/script`)
	// The UMD bundle registers with RequireJS when `define` exists and then
	// leaves window.echarts unset; hiding define/exports/module makes it
	// take the browser-global branch on every page.
	return "<script type=\"text/javascript\">\nif (!window.echarts) { (function (define, exports, module) {\n" +
		js + "\n}).call(window); }\n</script>\n", nil
}

func newID() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("nbplot: reading random bytes: " + err.Error())
	}
	return "nbplot-" + hex.EncodeToString(b[:])
}

// figure is what Chart and Heatmap share: checked, drawn in the browser by
// echarts and, in static.go, on paper by gonum/plot.
type figure interface {
	Validate() error
	// label names the figure in error messages and in the aria label.
	label() string
	// size is the on-screen size in pixels, defaults applied.
	size() (w, h int)
	// optionJS is the echarts option; the figure must be valid.
	optionJS() string
}

// sizeOr applies the default size of 900×460 pixels to zero or negative values.
func sizeOr(w, h int) (int, int) {
	if w <= 0 {
		w = 900
	}
	if h <= 0 {
		h = 460
	}
	return w, h
}

// chartHTML returns the div and the script that draw the figure with
// window.echarts (or, in CDN mode, after loading it). The figure must be valid.
func chartHTML(f figure) string {
	id := newID()
	w, h := f.size()
	load := `el.textContent = "nbplot: echarts is not loaded in this page. With ` + EnvEChartsInline + `=once it comes with the first chart of a kernel session: restart the kernel and run all cells.";`
	if useCDN() {
		load = fmt.Sprintf(`var url = %q;
  if (typeof window.requirejs === "function") {
    window.requirejs.config({paths: {"nbplot-echarts": url.replace(/\.js$/, "")}});
    window.requirejs(["nbplot-echarts"], draw);
  } else {
    var s = document.createElement("script");
    s.src = url;
    s.onload = function () { draw(window.echarts); };
    document.head.appendChild(s);
  }`, cdnURL())
	}
	return fmt.Sprintf(`<div id="%[1]s" style="width:100%%;max-width:%[2]dpx;height:%[3]dpx;" role="img" aria-label="%[4]s"></div>
<script type="text/javascript">
(function () {
  var el = document.getElementById(%[1]q);
  if (!el) { return; }
  var draw = function (echarts) {
    var chart = echarts.init(el, null, {renderer: "canvas"});
    chart.setOption(%[5]s);
    window.addEventListener("resize", function () { chart.resize(); });
  };
  if (window.echarts) { draw(window.echarts); return; }
  %[6]s
})();
</script>
`, id, w, h, html.EscapeString(f.label()), f.optionJS(), load)
}

// HTML returns a self-contained HTML fragment that draws the chart: unless
// OPTREP_ECHARTS_CDN is set, it inlines echarts (about 1 MB), so that the
// fragment works on its own in any page.
func (c *Chart) HTML() (string, error) {
	return figureHTML(c, true)
}

func figureHTML(f figure, withLoader bool) (string, error) {
	if err := f.Validate(); err != nil {
		return "", err
	}
	if !withLoader || useCDN() {
		return chartHTML(f), nil
	}
	loader, err := loaderHTML()
	if err != nil {
		return "", err
	}
	return loader + chartHTML(f), nil
}

// sentMarker is a file in GoNB's per-kernel temporary folder whose presence
// says that this kernel session already sent echarts to the front end.
func sentMarker() string {
	d := os.Getenv("GONB_TMP_DIR")
	if d == "" {
		return ""
	}
	return filepath.Join(d, ".nbplot-echarts-"+EChartsVersion+"-sent")
}

// inlineOnce reports whether echarts goes out with the first chart of a
// kernel session only. That is right when one page shows the whole session,
// as in a headless run and its HTML export (scripts/run.sh sets it). In a live
// notebook it is not: after a page reload the kernel cannot tell that the
// page lost echarts, so by default every chart carries it.
func inlineOnce() bool {
	return os.Getenv(EnvEChartsInline) == "once"
}

// Display shows the chart as the output of the current GoNB cell, with
// echarts inlined (see EnvEChartsInline for sending it once per session).
// On error (an invalid chart, echarts not installed) the message is shown in
// the cell as well as returned. Outside a notebook Display does nothing.
func (c *Chart) Display() error {
	return display(c)
}

func display(f figure) error {
	if !gonbui.IsNotebook {
		return nil
	}
	out, sent, err := displayHTML(f)
	if err != nil {
		gonbui.DisplayHTML(`<pre style="color:#b00">` + html.EscapeString(err.Error()) + `</pre>`)
		gonbui.Sync()
		return err
	}
	gonbui.DisplayHTML(out)
	// GoNB reads displays from a pipe while the cell's program runs; a
	// megabyte still in the pipe when the program exits is lost. Sync waits
	// until GoNB has taken it all.
	gonbui.Sync()
	if sent != "" {
		// Best effort: without the marker the next chart inlines echarts again, which only costs size.
		_ = os.WriteFile(sent, nil, 0o644)
	}
	return nil
}

// displayHTML returns what Display shows and, when this output is the one
// that sends echarts for the session, the marker file to create after it.
func displayHTML(f figure) (out, marker string, err error) {
	if !inlineOnce() || useCDN() {
		out, err = figureHTML(f, true)
		return out, "", err
	}
	marker = sentMarker()
	if marker != "" {
		if _, err := os.Stat(marker); err == nil {
			out, err = figureHTML(f, false)
			return out, "", err
		}
	}
	out, err = figureHTML(f, true)
	return out, marker, err
}
