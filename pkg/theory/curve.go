package theory

import (
	"fmt"
	"math"
	"sort"
)

// curve evaluates the theory at many κ for one parameter point. It tabulates
// the captured fractions on a sorted grid of κ, each from the previous one
// plus the integral over the new stretch of the bulk, and evaluates any
// other κ from the nearest tabulated point below it. The result equals
// Evaluate to quadrature accuracy at a fraction of the cost, which is what
// scans and optimisation over κ need.
type curve struct {
	p     Params
	gamma float64
	kappa []float64   // sorted grid
	angle []float64   // MP angle of each grid κ
	c     [][]float64 // captured fractions at each grid κ
	// memo holds the captured fractions computed off the grid. Searches for
	// the optimum at nearby α_l (a phase-diagram row, a boundary bisection)
	// revisit the same κ, and the fractions do not depend on α_l or λ.
	// A curve is used by one goroutine at a time.
	memo map[float64][]float64
}

// newCurve tabulates the captured fractions of p at the sorted κ values of
// grid, which must lie in the admissible range; p must be valid.
func newCurve(p Params, grid []float64) (*curve, error) {
	cv := &curve{p: p, gamma: p.Gamma(), memo: make(map[float64][]float64)}
	prevU := 0.0
	prevC := make([]float64, len(p.Theta))
	for i, th := range p.Theta {
		prevC[i] = TopOverlap(th, cv.gamma)
	}
	for _, k := range grid {
		u, err := mpQuantileAngle(k, cv.gamma)
		if err != nil {
			return nil, err
		}
		c := make([]float64, len(p.Theta))
		for i, th := range p.Theta {
			c[i] = prevC[i] + bulkCapturedBetween(th, cv.gamma, prevU, u)
		}
		cv.kappa = append(cv.kappa, k)
		cv.angle = append(cv.angle, u)
		cv.c = append(cv.c, c)
		prevU, prevC = u, c
	}
	return cv, nil
}

// at evaluates the theory at κ, which must be admissible.
func (cv *curve) at(kappa float64) (Point, error) {
	j := sort.SearchFloat64s(cv.kappa, kappa) // first grid κ ≥ kappa
	c := make([]float64, len(cv.p.Theta))
	if j < len(cv.kappa) && cv.kappa[j] == kappa {
		copy(c, cv.c[j])
	} else if m, ok := cv.memo[kappa]; ok {
		copy(c, m)
	} else {
		u, err := mpQuantileAngle(kappa, cv.gamma)
		if err != nil {
			return Point{}, err
		}
		for i, th := range cv.p.Theta {
			if j == 0 {
				c[i] = TopOverlap(th, cv.gamma) + bulkCapturedBetween(th, cv.gamma, 0, u)
			} else {
				c[i] = cv.c[j-1][i] + bulkCapturedBetween(th, cv.gamma, cv.angle[j-1], u)
			}
		}
		cv.memo[kappa] = append([]float64(nil), c...)
	}
	pt := Point{Kappa: kappa, Captured: c}
	if kappa == 0 {
		pt.Components = len(cv.p.Theta)
	}
	return probe(cv.p, pt)
}

// gen is E_gen at κ, +Inf where it diverges or κ is not admissible.
func (cv *curve) gen(kappa float64) float64 {
	pt, err := cv.at(kappa)
	if err != nil || pt.Diverges {
		return math.Inf(1)
	}
	return pt.GenError
}

// Sweep evaluates the theory at every κ of kappas, which must be admissible
// and sorted in increasing order (docs/theory.md §2–3). It equals calling
// Evaluate at each κ, to quadrature accuracy, but tabulates the captured
// fractions incrementally, which is much faster for long sweeps. Points at
// the ridgeless peak have Diverges set and GenError = +Inf.
func Sweep(p Params, kappas []float64) ([]Point, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	for i, k := range kappas {
		if err := p.CheckKappa(k); err != nil {
			return nil, fmt.Errorf("theory sweep: %w", err)
		}
		if i > 0 && k < kappas[i-1] {
			return nil, fmt.Errorf("theory sweep: kappa=%g follows kappa=%g; the grid must be increasing", k, kappas[i-1])
		}
	}
	cv, err := newCurve(p, kappas)
	if err != nil {
		return nil, fmt.Errorf("theory sweep: %w", err)
	}
	out := make([]Point, len(kappas))
	for i, k := range kappas {
		if out[i], err = cv.at(k); err != nil {
			return nil, fmt.Errorf("theory sweep: %w", err)
		}
	}
	return out, nil
}

// LinearGrid returns n ≥ 2 evenly spaced points from lo to hi inclusive.
func LinearGrid(lo, hi float64, n int) ([]float64, error) {
	if n < 2 || !isFinite(lo) || !isFinite(hi) || hi < lo {
		return nil, fmt.Errorf("linear grid: need n >= 2 and finite lo <= hi, got n=%d lo=%g hi=%g", n, lo, hi)
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = lo + (hi-lo)*float64(i)/float64(n-1)
	}
	out[n-1] = hi
	return out, nil
}
