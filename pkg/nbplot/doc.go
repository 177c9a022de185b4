// Package nbplot draws charts in GoNB notebooks: plotting only, no science.
//
// A chart is a small value built from Series (points with optional error
// half-widths) and rendered to HTML that uses Apache ECharts. The HTML works
// in classic Jupyter Notebook, JupyterLab and in pages exported with
// `jupyter nbconvert --to html`, with no network:
//
//   - The echarts script comes from the local copy that scripts/setup.sh
//     installs (.optrep/assets/echarts.min.js under the repository root). Set
//     OPTREP_ECHARTS to the path of another copy, or OPTREP_ECHARTS_CDN=1 to
//     load it from a public host instead.
//   - The script is inlined in the output of every chart, guarded so that it
//     only runs when the page has no echarts yet. With
//     OPTREP_ECHARTS_INLINE=once (scripts/run.sh sets it) only the first
//     chart of a kernel session carries it, which keeps executed notebooks
//     small. It is evaluated with AMD and CommonJS hidden, so it sets
//     window.echarts even on pages that carry RequireJS (classic Notebook,
//     nbconvert's templates).
//
// Two kinds of figure: Chart (LineChart: curves, points, error bars or
// bands, x-y curves in any order, log x and y) and HeatmapChart (Heatmap: a
// colour map of z over an (x, y) grid, log axes, lines on top, for phase
// diagrams).
//
// Every figure can also be saved as PNG, SVG and CSV (Save), drawn by
// gonum/plot with its own fonts. Show displays a figure and, when
// OPTREP_FIGURES names a folder, saves it there too.
//
// In a cell:
//
//	c := nbplot.LineChart("test error", "alpha", "error",
//		nbplot.Series{Name: "theory", X: alphas, Y: theory},
//		nbplot.Series{Name: "simulation", X: alphas, Y: mean, Err: stderr, Style: nbplot.Points})
//	c.LogX = true
//	if err := c.Show("test-error"); err != nil {
//		fmt.Println(err)
//	}
//
//	h := nbplot.Heatmap("optimal size", "alpha_u", "alpha_l", "kappa*", alphaU, alphaL, kappa).
//		WithLogX().WithLogY().
//		WithLine(nbplot.Series{Name: "boundary", X: alphaU, Y: boundary})
//	if err := h.Show("phase"); err != nil {
//		fmt.Println(err)
//	}
package nbplot
