package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/optrep/optrep/pkg/theory"
)

// minimumJSON is one local minimum; K is the number of spike components of
// a finite representation, null for a size κ > 0 of the continuum.
type minimumJSON struct {
	Kappa    float64 `json:"kappa"`
	K        *int    `json:"k"`
	GenError float64 `json:"gen_error"`
}

// optimalJSON is the documented output of `optrep optimal --json`.
// AlphaLBoundary is the boundary in force (the global one);
// AlphaLBoundaryClosedForm is the local closed form, which it equals when
// BoundaryAgrees is true. Infinite boundaries are null.
type optimalJSON struct {
	KappaStar                float64       `json:"kappa_star"`
	KStar                    *int          `json:"k_star"`
	GenErrorStar             float64       `json:"gen_error_star"`
	MaximallyCompressed      bool          `json:"maximally_compressed"`
	AlphaLBoundary           *float64      `json:"alpha_l_boundary"`
	AlphaLBoundaryClosedForm *float64      `json:"alpha_l_boundary_closed_form"`
	BoundaryAgrees           bool          `json:"boundary_agrees"`
	LocalMinima              []minimumJSON `json:"local_minima"`
}

// components is the JSON of a number of spike components: null for 0, which
// stands for a representation of the continuum.
func components(k int) *int {
	if k == 0 {
		return nil
	}
	return &k
}

func finiteOrNil(v float64) *float64 {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return nil
	}
	return &v
}

func runOptimal(args []string, stdout, stderr io.Writer) int {
	var m modelFlags
	fs := flag.NewFlagSet("optimal", flag.ContinueOnError)
	m.register(fs, false)
	if err := parse(fs, args, "theta", "b", "alpha-u", "alpha-l"); err != nil {
		return parseFailed(stdout, stderr, "optimal", err)
	}
	p := m.params()
	if err := p.Validate(); err != nil {
		return report(stderr, "optimal", invalid(err))
	}
	opt, err := theory.OptimalKappa(p)
	if err != nil {
		return report(stderr, "optimal", err)
	}
	b, err := theory.CompressionBoundary(p)
	if err != nil {
		return report(stderr, "optimal", err)
	}
	out := optimalJSON{
		KappaStar: opt.Kappa, KStar: components(opt.Components), GenErrorStar: opt.GenError,
		MaximallyCompressed: opt.MaximallyCompressed,
		AlphaLBoundary:      finiteOrNil(b.Global), AlphaLBoundaryClosedForm: finiteOrNil(b.Local),
		BoundaryAgrees: b.Agrees,
	}
	for _, lm := range opt.LocalMinima {
		out.LocalMinima = append(out.LocalMinima, minimumJSON{Kappa: lm.Kappa, K: components(lm.Components), GenError: lm.GenError})
	}
	if m.json {
		return writeJSON(stdout, stderr, out)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	if opt.MaximallyCompressed {
		fmt.Fprintf(tw, "optimal size\tkappa* = 0: the top %d spike component(s)\n", opt.Components)
	} else {
		fmt.Fprintf(tw, "optimal size\tkappa* = %s (k ≈ %s·d)\n", formatFloat(opt.Kappa), formatFloat(opt.Kappa))
	}
	fmt.Fprintf(tw, "gen error at kappa*\t%s\n", formatFloat(opt.GenError))
	fmt.Fprintf(tw, "compression boundary alpha_l\t%s\n", formatFloat(b.Global))
	if !b.Agrees {
		fmt.Fprintf(tw, "closed-form boundary\t%s (the local condition disagrees with the global argmin)\n", formatFloat(b.Local))
	}
	for _, lm := range opt.LocalMinima {
		if lm.Components > 0 {
			fmt.Fprintf(tw, "local minimum\tk = %d components, gen error %s\n", lm.Components, formatFloat(lm.GenError))
		} else {
			fmt.Fprintf(tw, "local minimum\tkappa = %s, gen error %s\n", formatFloat(lm.Kappa), formatFloat(lm.GenError))
		}
	}
	tw.Flush()
	return 0
}

// phaseJSON is the JSON file written by `optrep phase`: row i is alpha_u[i].
type phaseJSON struct {
	AlphaU              []float64   `json:"alpha_u"`
	AlphaL              []float64   `json:"alpha_l"`
	KappaStar           [][]float64 `json:"kappa_star"`
	KStar               [][]int     `json:"k_star"`
	GenErrorStar        [][]float64 `json:"gen_error_star"`
	MaximallyCompressed [][]bool    `json:"maximally_compressed"`
	AlphaLBoundary      []*float64  `json:"alpha_l_boundary"`
	BoundaryClosedForm  []*float64  `json:"alpha_l_boundary_closed_form"`
	BoundaryAgrees      []bool      `json:"boundary_agrees"`
}

func runPhase(args []string, stdout, stderr io.Writer) int {
	var m modelFlags
	fs := flag.NewFlagSet("phase", flag.ContinueOnError)
	m.registerTask(fs)
	auMin := fs.Float64("alpha-u-min", 0.1, "smallest alpha_u of the grid")
	auMax := fs.Float64("alpha-u-max", 100, "largest alpha_u of the grid")
	alMin := fs.Float64("alpha-l-min", 0.01, "smallest alpha_l of the grid")
	alMax := fs.Float64("alpha-l-max", 10, "largest alpha_l of the grid")
	n := fs.Int("n", 100, "grid points per axis (log spaced)")
	out := fs.String("out", "phase", "output path prefix: writes PREFIX.csv and PREFIX.json")
	quiet := fs.Bool("quiet", false, "no progress on standard error")
	if err := parse(fs, args, "theta", "b"); err != nil {
		return parseFailed(stdout, stderr, "phase", err)
	}
	au, err := theory.LogGrid(*auMin, *auMax, *n)
	if err != nil {
		return report(stderr, "phase", usageError{"--alpha-u-min/--alpha-u-max/--n: " + err.Error()})
	}
	al, err := theory.LogGrid(*alMin, *alMax, *n)
	if err != nil {
		return report(stderr, "phase", usageError{"--alpha-l-min/--alpha-l-max/--n: " + err.Error()})
	}
	p := m.params()
	p.AlphaU, p.AlphaL = au[0], al[0]
	if err := p.Validate(); err != nil {
		return report(stderr, "phase", invalid(err))
	}
	// The grid takes a while; a prefix that cannot be written fails first.
	if *out == "" || strings.HasSuffix(*out, "/") {
		return report(stderr, "phase", usageError{fmt.Sprintf("--out: %q: want a path prefix such as results/phase (PREFIX.csv and PREFIX.json are written)", *out)})
	}
	if fi, err := os.Stat(filepath.Dir(*out)); err != nil || !fi.IsDir() {
		return report(stderr, "phase", usageError{fmt.Sprintf("--out: %s: the folder %s does not exist", *out, filepath.Dir(*out))})
	}
	var progress func(done, total int)
	if !*quiet {
		progress = func(done, total int) {
			if done%10 == 0 || done == total {
				fmt.Fprintf(stderr, "phase: %d/%d rows of alpha_u\n", done, total)
			}
		}
	}
	ph, err := theory.PhaseDiagram(context.Background(), p, au, al, 0, progress)
	if err != nil {
		return report(stderr, "phase", err)
	}
	js := phaseJSON{AlphaU: au, AlphaL: al}
	var rows [][]string
	rows = append(rows, []string{"alpha_u", "alpha_l", "kappa_star", "k_star", "gen_error_star", "maximally_compressed", "alpha_l_boundary"})
	for i := range au {
		var ks []float64
		var kk []int
		var es []float64
		var mc []bool
		for j := range al {
			o := ph.Optimum[i][j]
			ks, kk, es, mc = append(ks, o.Kappa), append(kk, o.Components), append(es, o.GenError), append(mc, o.MaximallyCompressed)
			rows = append(rows, []string{g(au[i]), g(al[j]), g(o.Kappa), strconv.Itoa(o.Components), g(o.GenError),
				strconv.FormatBool(o.MaximallyCompressed), g(ph.Boundary[i].Global)})
		}
		js.KappaStar, js.KStar, js.GenErrorStar, js.MaximallyCompressed =
			append(js.KappaStar, ks), append(js.KStar, kk), append(js.GenErrorStar, es), append(js.MaximallyCompressed, mc)
		js.AlphaLBoundary = append(js.AlphaLBoundary, finiteOrNil(ph.Boundary[i].Global))
		js.BoundaryClosedForm = append(js.BoundaryClosedForm, finiteOrNil(ph.Boundary[i].Local))
		js.BoundaryAgrees = append(js.BoundaryAgrees, ph.Boundary[i].Agrees)
	}
	jsonBytes, err := json.Marshal(js)
	if err != nil {
		return report(stderr, "phase", err)
	}
	if err := writeFileAtomic(*out+".json", jsonBytes); err != nil {
		return report(stderr, "phase", err)
	}
	if err := writeCSVAtomic(*out+".csv", rows); err != nil {
		return report(stderr, "phase", err)
	}
	if m.json {
		return writeJSON(stdout, stderr, struct {
			CSV  string `json:"csv"`
			JSON string `json:"json"`
			NU   int    `json:"n_alpha_u"`
			NL   int    `json:"n_alpha_l"`
		}{*out + ".csv", *out + ".json", len(au), len(al)})
	}
	fmt.Fprintf(stdout, "wrote %s.csv and %s.json (%d×%d grid)\n", *out, *out, len(au), len(al))
	return 0
}

func g(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// writeFileAtomic writes data to a temporary file beside path and renames
// it into place, so a failure never leaves a partial file over a good one.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	// CreateTemp makes the file private; results are for sharing.
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

func writeCSVAtomic(path string, rows [][]string) error {
	var buf bytesBuffer
	w := csv.NewWriter(&buf)
	if err := w.WriteAll(rows); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return writeFileAtomic(path, buf.b)
}

// bytesBuffer is a minimal io.Writer collecting bytes.
type bytesBuffer struct{ b []byte }

func (w *bytesBuffer) Write(p []byte) (int, error) { w.b = append(w.b, p...); return len(p), nil }
