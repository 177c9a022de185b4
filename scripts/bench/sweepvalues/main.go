// Command sweepvalues prints the theory κ sweep that scripts/bench.sh times,
// for scripts/bench/peer.py to recompute with scipy and compare.
//
// The first line is the parameters as JSON; then one line per κ:
//
//	kappa gen_error train_error c_1 … c_r
//
// with every number printed to full precision.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/optrep/optrep/pkg/theory"
)

// params are those of BenchmarkSweep1000 (pkg/theory's reference point).
var params = theory.Params{Theta: []float64{4, 1.5}, B: []float64{0.6, 0.5}, BPerp: 0.62, Sigma: 0.3, AlphaU: 1, AlphaL: 0.8}

const points = 1000

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "sweepvalues:", err)
		os.Exit(1)
	}
}

func run() error {
	ks, err := theory.LinearGrid(0, params.MaxKappa(), points)
	if err != nil {
		return err
	}
	pts, err := theory.Sweep(params, ks)
	if err != nil {
		return err
	}
	head, err := json.Marshal(params)
	if err != nil {
		return err
	}
	var sb strings.Builder
	sb.Write(head)
	sb.WriteByte('\n')
	for _, pt := range pts {
		fmt.Fprintf(&sb, "%.17g %.17g %.17g", pt.Kappa, pt.GenError, pt.TrainError)
		for _, c := range pt.Captured {
			fmt.Fprintf(&sb, " %.17g", c)
		}
		sb.WriteByte('\n')
	}
	_, err = os.Stdout.WriteString(sb.String())
	return err
}
