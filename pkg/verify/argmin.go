package verify

import (
	"fmt"
	"math"

	"github.com/optrep/optrep/pkg/sim"
)

// PairedZ is how many standard errors of a paired difference make two
// representation sizes distinguishable.
const PairedZ = 2

// NearMinimum compares the simulated generalisation errors of the sizes of
// one sweep, recs[trial][size]. best is the index with the smallest mean
// error; near[i] reports that size i is statistically indistinguishable from
// it: the mean over trials of the paired difference E_t(i) − E_t(best) is at
// most z standard errors of that difference. Pairing within a trial removes
// the noise the sizes share (the same data, task and labels), which is most
// of it. A NaN standard error (one trial) makes only the best size near.
func NearMinimum(recs [][]sim.Record, z float64) (best int, near []bool) {
	if len(recs) == 0 || len(recs[0]) == 0 {
		return -1, nil
	}
	n := len(recs[0])
	means := make([]float64, n)
	col := make([]float64, len(recs))
	for i := range n {
		for t := range recs {
			col[t] = recs[t][i].GenError
		}
		means[i] = sim.EstimateOf(col).Mean
		if means[i] < means[best] {
			best = i
		}
	}
	near = make([]bool, n)
	for i := range n {
		for t := range recs {
			col[t] = recs[t][i].GenError - recs[t][best].GenError
		}
		e := sim.EstimateOf(col)
		near[i] = i == best || (!math.IsNaN(e.StdErr) && e.Mean <= z*e.StdErr)
	}
	return best, near
}

// PairedDifference estimates E_gen(b) − E_gen(a) at the size of column i of
// two runs with the same seeds and number of trials, pairing trial t of one
// with trial t of the other. pkg/sim's runs that share a seed share their
// random numbers, so the pairing removes most of the noise the two have in
// common.
func PairedDifference(a, b [][]sim.Record, i int) (sim.Estimate, error) {
	if len(a) != len(b) || len(a) == 0 {
		return sim.Estimate{}, fmt.Errorf("paired difference: %d and %d trials", len(a), len(b))
	}
	diff := make([]float64, len(a))
	for t := range a {
		if i >= len(a[t]) || i >= len(b[t]) || a[t][i].K != b[t][i].K {
			return sim.Estimate{}, fmt.Errorf("paired difference: column %d is not the same size in both runs", i)
		}
		diff[t] = b[t][i].GenError - a[t][i].GenError
	}
	return sim.EstimateOf(diff), nil
}
