package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/optrep/optrep/pkg/ae"
	"github.com/optrep/optrep/pkg/sim"
	"github.com/optrep/optrep/pkg/verify"
)

// aeJSON is the documented output of `optrep ae --json`: the encoder's
// errors at one bottleneck width, PCA on the same data and the PCA theory.
// test_stderr is the part of gen_error.stderr due to the finite test sets
// (null for the linear encoders, whose E_gen is exact); theory_gen_error is
// null at the interpolation peak.
type aeJSON struct {
	Encoder        string       `json:"encoder"`
	K              int          `json:"k"`
	Kappa          float64      `json:"kappa"`
	D              int          `json:"d"`
	NU             int          `json:"n_u"`
	NL             int          `json:"n_l"`
	Seeds          int          `json:"seeds"`
	TestSize       *int         `json:"test_size"`
	GenError       estimateJSON `json:"gen_error"`
	TestStdErr     *float64     `json:"test_stderr"`
	TrainError     estimateJSON `json:"train_error"`
	Angle          estimateJSON `json:"angle"`
	Loss           estimateJSON `json:"loss"`
	Steps          float64      `json:"steps"`
	Converged      int          `json:"converged"`
	PCAGenError    estimateJSON `json:"pca_gen_error"`
	TheoryGenError *float64     `json:"theory_gen_error"`
}

// aeFlag maps the parameter names in pkg/ae's errors to this command's flags.
var aeFlag = map[string]string{
	"steps": "--steps", "lr": "--lr", "batch": "--batch", "tol": "--tol",
	"test_size": "--test-size", "seeds": "--seeds", "d": "--d", "workers": "--workers",
	"encoder": "--encoder", "optimizer": "--optimizer",
}

// aeInvalid names the flag behind a pkg/ae validation error.
func aeInvalid(err error, kFlag string) error {
	msg := strings.TrimPrefix(err.Error(), "train: ")
	name := msg
	if i := strings.IndexAny(name, "=[: "); i >= 0 {
		name = name[:i]
	}
	if name == "k" {
		return usageError{kFlag + ": " + msg}
	}
	if f, ok := aeFlag[name]; ok {
		return usageError{f + ": " + msg}
	}
	return configInvalid(errors.New(msg))
}

func runAE(args []string, stdout, stderr io.Writer) int {
	var m modelFlags
	fs := flag.NewFlagSet("ae", flag.ContinueOnError)
	m.register(fs, true)
	k := fs.Int("k", 0, "bottleneck width (instead of --kappa; --kappa 0 means the spike components)")
	d := fs.Int("d", 100, "ambient dimension")
	seeds := fs.Int("seeds", 5, "independent trials")
	seed := fs.Uint64("seed", 1, "base seed")
	encoder := fs.String("encoder", "linear", "linear, tanh, relu or pca")
	optimizer := fs.String("optimizer", "adam", "adam or gd")
	steps := fs.Int("steps", 1500, "maximum training steps")
	lr := fs.Float64("lr", 0.01, "learning rate")
	batch := fs.Int("batch", 0, "mini-batch size (0: full batch)")
	tol := fs.Float64("tol", 1e-6, "stop when the loss changes by at most tol (relative) over 25 steps")
	testSize := fs.Int("test-size", 4000, "test inputs per trial for a nonlinear encoder")
	workers := fs.Int("workers", 0, "concurrent trainings (0: all cores)")
	quiet := fs.Bool("quiet", false, "no progress on standard error")
	if err := parse(fs, args, "theta", "b", "alpha-u", "alpha-l"); err != nil {
		return parseFailed(stdout, stderr, "ae", err)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["k"] == set["kappa"] {
		return report(stderr, "ae", usageError{"--k or --kappa: give exactly one of them"})
	}
	p := m.params()
	if err := p.Validate(); err != nil {
		return report(stderr, "ae", invalid(err))
	}
	if *d < 2 {
		return report(stderr, "ae", usageError{fmt.Sprintf("--d: d=%d: must be >= 2", *d)})
	}
	kFlag, width := "--k", *k
	if set["kappa"] {
		if err := p.CheckKappa(m.kap); err != nil {
			return report(stderr, "ae", invalid(err))
		}
		kFlag, width = "--kappa", sim.KFromKappa(m.kap, *d, len(p.Theta))
	}
	method, err := ae.ParseMethod(*encoder)
	if err != nil {
		return report(stderr, "ae", usageError{"--encoder: " + err.Error()})
	}
	var opt ae.Optimizer
	switch *optimizer {
	case "adam":
		opt = ae.Adam
	case "gd":
		opt = ae.GD
	default:
		return report(stderr, "ae", usageError{fmt.Sprintf("--optimizer: optimizer=%q: want adam or gd", *optimizer)})
	}
	methods := []ae.Method{ae.MethodPCA}
	if method != ae.MethodPCA {
		methods = append(methods, method)
	}
	exp := ae.Experiment{
		Params: p, D: *d, Seeds: *seeds, Seed: *seed, Ks: []int{width}, Methods: methods,
		Train:    ae.Config{Optimizer: opt, LR: *lr, Steps: *steps, BatchSize: *batch, Tol: *tol, Every: 25},
		TestSize: *testSize, Workers: *workers,
	}
	if *testSize == 0 {
		return report(stderr, "ae", usageError{"--test-size: test_size=0: must be >= 2"})
	}
	if err := exp.Validate(); err != nil {
		return report(stderr, "ae", aeInvalid(err, kFlag))
	}
	if !*quiet {
		start := time.Now()
		exp.Progress = func(done, total int) {
			fmt.Fprintf(stderr, "ae: run %d/%d done (%.1f s)\n", done, total, time.Since(start).Seconds())
		}
	}
	res, err := ae.Run(context.Background(), exp)
	if err != nil {
		if errors.Is(err, ae.ErrDiverged) {
			return report(stderr, "ae", usageError{"--lr: " + err.Error()})
		}
		return report(stderr, "ae", err)
	}
	pca := res.Curves[0].Points[0]
	pt := res.Curves[len(res.Curves)-1].Points[0]
	th, err := verify.TheoryAt(p, width, *d)
	if err != nil {
		return report(stderr, "ae", err)
	}
	nu, nl := ae.Counts(p, *d)
	out := aeJSON{
		Encoder: method.String(), K: pt.K, Kappa: pt.Kappa, D: *d, NU: nu, NL: nl, Seeds: *seeds,
		GenError: estimate(pt.GenError), TrainError: estimate(pt.TrainError),
		Angle: estimate(pt.Angle), Loss: estimate(pt.Loss), Steps: pt.Steps, Converged: pt.Converged,
		PCAGenError: estimate(pca.GenError),
	}
	if !method.Exact() {
		out.TestSize, out.TestStdErr = testSize, finiteOrNil(pt.TestStdErr)
	}
	if !th.Diverges {
		out.TheoryGenError = &th.GenError
	}
	if m.json {
		return writeJSON(stdout, stderr, out)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "encoder\t%s (%s, lr %s)\n", out.Encoder, opt, formatFloat(*lr))
	fmt.Fprintf(tw, "k (of d=%d)\t%d\n", *d, pt.K)
	fmt.Fprintf(tw, "n_u, n_l\t%d, %d\n", nu, nl)
	row := func(name string, e estimateJSON) {
		se := math.NaN()
		if e.StdErr != nil {
			se = *e.StdErr
		}
		fmt.Fprintf(tw, "%s\t%s ± %s\n", name, formatFloat(e.Mean), formatFloat(se))
	}
	row("gen error", out.GenError)
	if out.TestStdErr != nil {
		fmt.Fprintf(tw, "  of which test-set error\t%s (%d test inputs per trial)\n", formatFloat(*out.TestStdErr), *testSize)
	}
	row("train error", out.TrainError)
	row("angle to PCA (rad)", out.Angle)
	row("reconstruction loss", out.Loss)
	fmt.Fprintf(tw, "steps (mean), converged\t%s, %d of %d\n", formatFloat(pt.Steps), pt.Converged, *seeds)
	row("PCA gen error", out.PCAGenError)
	fmt.Fprintf(tw, "PCA theory gen error\t%s\n", formatFloat(th.GenError))
	fmt.Fprintf(tw, "(mean ± standard error over %d seeds)\n", *seeds)
	tw.Flush()
	return 0
}
