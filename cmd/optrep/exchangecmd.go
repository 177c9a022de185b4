package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"text/tabwriter"

	"github.com/optrep/optrep/pkg/theory"
)

// exchangeJSON is the documented output of `optrep exchange --json`. Rate is
// null when it is infinite (unlabelled data does not matter there), with
// rate_infinite set.
type exchangeJSON struct {
	Rate         *float64 `json:"rate"`
	RateInfinite bool     `json:"rate_infinite"`
	DEDAlphaL    float64  `json:"dE_dalpha_l"`
	DEDAlphaU    float64  `json:"dE_dalpha_u"`
	Kappa        float64  `json:"kappa"`
	K            *int     `json:"k"`
	Optimised    bool     `json:"optimised"`
}

func runExchange(args []string, stdout, stderr io.Writer) int {
	var m modelFlags
	fs := flag.NewFlagSet("exchange", flag.ContinueOnError)
	m.register(fs, true)
	if err := parse(fs, args, "theta", "b", "alpha-u", "alpha-l"); err != nil {
		return parseFailed(stdout, stderr, "exchange", err)
	}
	p := m.params()
	if err := p.Validate(); err != nil {
		return report(stderr, "exchange", invalid(err))
	}
	var ex theory.Exchange
	var err error
	if given(fs, "kappa") {
		if err := p.CheckKappa(m.kap); err != nil {
			return report(stderr, "exchange", invalid(err))
		}
		ex, err = theory.ExchangeRate(p, m.kap)
	} else {
		ex, err = theory.ExchangeRateOptimal(p)
	}
	if err != nil {
		// A rate that does not exist here (the ridgeless peak, a task with
		// no signal): the whole message, which says at which κ.
		return report(stderr, "exchange", usageError{err.Error()})
	}
	if m.json {
		return writeJSON(stdout, stderr, exchangeJSON{
			Rate: finiteOrNil(ex.Rate), RateInfinite: math.IsInf(ex.Rate, 1),
			DEDAlphaL: ex.DEDAlphaL, DEDAlphaU: ex.DEDAlphaU,
			Kappa: ex.Kappa, K: components(ex.Components), Optimised: ex.Optimised,
		})
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	size := "kappa = " + formatFloat(ex.Kappa)
	if ex.Components > 0 {
		size = fmt.Sprintf("the top %d spike component(s)", ex.Components)
	}
	if ex.Optimised {
		size += " (optimal)"
	}
	fmt.Fprintf(tw, "representation\t%s\n", size)
	fmt.Fprintf(tw, "dE_gen/dalpha_l\t%s\n", formatFloat(ex.DEDAlphaL))
	fmt.Fprintf(tw, "dE_gen/dalpha_u\t%s\n", formatFloat(ex.DEDAlphaU))
	fmt.Fprintf(tw, "exchange rate R\t%s unlabelled samples per labelled sample\n", formatFloat(ex.Rate))
	tw.Flush()
	return 0
}
