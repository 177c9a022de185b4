package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/optrep/optrep/pkg/sim"
)

// estimateJSON is a Monte Carlo mean with its standard error; a NaN standard
// error (a single seed) is null.
type estimateJSON struct {
	Mean   float64  `json:"mean"`
	StdErr *float64 `json:"stderr"`
}

func estimate(e sim.Estimate) estimateJSON {
	return estimateJSON{Mean: e.Mean, StdErr: finiteOrNil(e.StdErr)}
}

// simJSON is the documented output of `optrep sim --json`.
type simJSON struct {
	K          int            `json:"k"`
	D          int            `json:"d"`
	Seeds      int            `json:"seeds"`
	TrainError estimateJSON   `json:"train_error"`
	GenError   estimateJSON   `json:"gen_error"`
	Captured   []estimateJSON `json:"captured"`
}

func runSim(args []string, stdout, stderr io.Writer) int {
	var m modelFlags
	fs := flag.NewFlagSet("sim", flag.ContinueOnError)
	m.register(fs, true)
	d := fs.Int("d", 1000, "ambient dimension")
	seeds := fs.Int("seeds", 10, "independent trials")
	seed := fs.Uint64("seed", 1, "base seed")
	quiet := fs.Bool("quiet", false, "no progress on standard error")
	if err := parse(fs, args, "theta", "b", "alpha-u", "alpha-l", "kappa"); err != nil {
		return parseFailed(stdout, stderr, "sim", err)
	}
	p := m.params()
	if err := p.Validate(); err != nil {
		return report(stderr, "sim", invalid(err))
	}
	if err := p.CheckKappa(m.kap); err != nil {
		return report(stderr, "sim", invalid(err))
	}
	if *seeds < 2 {
		return report(stderr, "sim", usageError{fmt.Sprintf("--seeds: seeds=%d: must be >= 2 for a standard error", *seeds)})
	}
	if *d < 1 {
		return report(stderr, "sim", usageError{fmt.Sprintf("--d: d=%d: must be >= 1", *d)})
	}
	cfg := sim.Config{Params: p, D: *d, Seeds: *seeds, Seed: *seed}
	if err := cfg.Validate(); err != nil {
		return report(stderr, "sim", configInvalid(err))
	}
	k := sim.KFromKappa(m.kap, *d, len(p.Theta))
	if k > cfg.MaxK() {
		return report(stderr, "sim", usageError{fmt.Sprintf("--kappa: k = round(kappa·d) = %d exceeds min(d, n_u) = %d", k, cfg.MaxK())})
	}
	if !*quiet {
		start := time.Now()
		cfg.Progress = func(done, total int) {
			fmt.Fprintf(stderr, "sim: trial %d/%d done (%.1f s)\n", done, total, time.Since(start).Seconds())
		}
	}
	pts, err := sim.Sweep(context.Background(), cfg, []int{k})
	if err != nil {
		return report(stderr, "sim", err)
	}
	pt := pts[0]
	if m.json {
		out := simJSON{K: pt.K, D: *d, Seeds: *seeds, TrainError: estimate(pt.TrainError), GenError: estimate(pt.GenError)}
		for _, c := range pt.Captured {
			out.Captured = append(out.Captured, estimate(c))
		}
		return writeJSON(stdout, stderr, out)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "k (of d=%d)\t%d\n", *d, pt.K)
	fmt.Fprintf(tw, "n_u, n_l\t%d, %d\n", cfg.NU(), cfg.NL())
	row := func(name string, e sim.Estimate) {
		fmt.Fprintf(tw, "%s\t%s ± %s\n", name, formatFloat(e.Mean), formatFloat(e.StdErr))
	}
	for i, c := range pt.Captured {
		row(fmt.Sprintf("captured c_%d", i+1), c)
	}
	row("misspecification", pt.Misspecification)
	row("train error", pt.TrainError)
	row("gen error", pt.GenError)
	fmt.Fprintf(tw, "(mean ± standard error over %d seeds)\n", *seeds)
	tw.Flush()
	return 0
}
