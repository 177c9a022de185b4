package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/optrep/optrep/pkg/theory"
)

// theoryJSON is the documented output of `optrep theory --json`. GenError is
// null when the error diverges.
type theoryJSON struct {
	Captured         []float64 `json:"captured"`
	Misspecification float64   `json:"misspecification"`
	Tau              float64   `json:"tau"`
	TrainError       float64   `json:"train_error"`
	GenError         *float64  `json:"gen_error"`
	Diverges         bool      `json:"diverges"`
}

func runTheory(args []string, stdout, stderr io.Writer) int {
	var m modelFlags
	fs := flag.NewFlagSet("theory", flag.ContinueOnError)
	m.register(fs, true)
	if err := parse(fs, args, "theta", "b", "alpha-u", "alpha-l", "kappa"); err != nil {
		return parseFailed(stdout, stderr, "theory", err)
	}
	p := m.params()
	if err := p.Validate(); err != nil {
		return report(stderr, "theory", invalid(err))
	}
	pt, err := theory.Evaluate(p, m.kap)
	if err != nil {
		return report(stderr, "theory", invalid(err))
	}
	if m.json {
		out := theoryJSON{
			Captured: pt.Captured, Misspecification: pt.Misspecification, Tau: pt.Tau,
			TrainError: pt.TrainError, Diverges: pt.Diverges,
		}
		if !pt.Diverges {
			out.GenError = &pt.GenError
		}
		return writeJSON(stdout, stderr, out)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "kappa\t%s\n", formatFloat(pt.Kappa))
	fmt.Fprintf(tw, "psi = kappa/alpha_l\t%s\n", formatFloat(pt.Psi))
	for i, c := range pt.Captured {
		fmt.Fprintf(tw, "captured c_%d\t%s\n", i+1, formatFloat(c))
	}
	fmt.Fprintf(tw, "misspecification\t%s\n", formatFloat(pt.Misspecification))
	fmt.Fprintf(tw, "tau\t%s\n", formatFloat(pt.Tau))
	fmt.Fprintf(tw, "train error\t%s\n", formatFloat(pt.TrainError))
	fmt.Fprintf(tw, "gen error\t%s\n", formatFloat(pt.GenError))
	tw.Flush()
	return 0
}

func writeJSON(stdout, stderr io.Writer, v any) int {
	b, err := json.Marshal(v)
	if err != nil {
		fmt.Fprintf(stderr, "optrep: encoding JSON: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, string(b))
	return 0
}
