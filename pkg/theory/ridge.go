package theory

import (
	"fmt"
	"math"
)

// JointOptimum is the best representation size and ridge together.
type JointOptimum struct {
	// Optimum is OptimalKappa at the optimal ridge Lambda.
	Optimum
	Lambda float64
}

// ridgeScan is the grid of ridges scanned before refinement: 0 and
// log-spaced values from 1e-4 to 1e2 (in units of the isotropic feature
// variance, which is 1).
const (
	ridgeScanMin, ridgeScanMax = 1e-4, 1e2
	ridgeScanN                 = 25
)

// OptimalKappaRidge minimises E_gen jointly over the representation size κ
// and the ridge λ ≥ 0 (docs/theory.md §4, beyond the ridgeless result): for
// each λ the size is optimised by OptimalKappa, and the resulting error is
// scanned over λ = 0 and a log grid, then refined by golden-section search in
// log λ around the best grid value. p.Lambda is ignored.
func OptimalKappaRidge(p Params) (JointOptimum, error) {
	p.Lambda = 0
	if err := p.Validate(); err != nil {
		return JointOptimum{}, err
	}
	cv, err := newCurve(p, scanPoints(0, p.MaxKappa()))
	if err != nil {
		return JointOptimum{}, fmt.Errorf("joint optimum: %w", err)
	}
	at := func(lambda float64) (Optimum, error) {
		q := p
		q.Lambda = lambda
		return optimalOnCurve(q, cv)
	}
	best, err := at(0)
	if err != nil {
		return JointOptimum{}, err
	}
	bestLambda := 0.0
	grid, _ := LogGrid(ridgeScanMin, ridgeScanMax, ridgeScanN)
	errs := make([]float64, len(grid))
	bestIdx := -1
	for i, l := range grid {
		o, err := at(l)
		if err != nil {
			return JointOptimum{}, err
		}
		errs[i] = o.GenError
		if o.GenError < best.GenError {
			best, bestLambda, bestIdx = o, l, i
		}
	}
	if bestIdx >= 0 {
		lo := math.Log(grid[max(bestIdx-1, 0)])
		hi := math.Log(grid[min(bestIdx+1, len(grid)-1)])
		if bestIdx == 0 {
			lo = math.Log(ridgeScanMin / 100)
		}
		f := func(logL float64) float64 {
			o, err := at(math.Exp(logL))
			if err != nil {
				return math.Inf(1)
			}
			return o.GenError
		}
		l := math.Exp(goldenSection(f, lo, hi))
		if o, err := at(l); err == nil && o.GenError < best.GenError {
			best, bestLambda = o, l
		}
	}
	return JointOptimum{Optimum: best, Lambda: bestLambda}, nil
}
