package verify

import (
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
