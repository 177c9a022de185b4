package theory

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync"
)

// Phase is the optimal representation size over a grid of sample ratios
// (docs/theory.md §4).
type Phase struct {
	AlphaU, AlphaL []float64
	// Optimum[i][j] is the optimum at AlphaU[i], AlphaL[j].
	Optimum [][]Optimum
	// Boundary[i] is the compression boundary at AlphaU[i].
	Boundary []Boundary
}

// PhaseDiagram computes OptimalKappa at every (α_u, α_l) of the grid and the
// compression boundary at every α_u, with the other parameters taken from p
// (its AlphaU and AlphaL are ignored). Rows are spread over workers
// goroutines (0 means GOMAXPROCS); the result does not depend on their
// number. progress, if not nil, is called after each row, never concurrently.
func PhaseDiagram(ctx context.Context, p Params, alphaU, alphaL []float64, workers int, progress func(done, total int)) (Phase, error) {
	if len(alphaU) == 0 || len(alphaL) == 0 {
		return Phase{}, fmt.Errorf("phase diagram: the alpha_u and alpha_l grids must not be empty")
	}
	for _, grid := range []struct {
		name string
		v    []float64
	}{{"alpha_u", alphaU}, {"alpha_l", alphaL}} {
		for _, a := range grid.v {
			if !(a > 0) || !isFinite(a) {
				return Phase{}, fmt.Errorf("phase diagram: %s=%g: must be finite and > 0", grid.name, a)
			}
		}
	}
	q := p
	q.AlphaU, q.AlphaL = alphaU[0], alphaL[0]
	if err := q.Validate(); err != nil {
		return Phase{}, err
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ph := Phase{
		AlphaU: alphaU, AlphaL: alphaL,
		Optimum:  make([][]Optimum, len(alphaU)),
		Boundary: make([]Boundary, len(alphaU)),
	}
	rows := make(chan int)
	errs := make([]error, len(alphaU))
	var mu sync.Mutex
	done := 0
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rows {
				errs[i] = phaseRow(p, alphaU[i], alphaL, &ph, i)
				mu.Lock()
				done++
				if progress != nil {
					progress(done, len(alphaU))
				}
				mu.Unlock()
			}
		}()
	}
	for i := range alphaU {
		if ctx.Err() != nil {
			break
		}
		rows <- i
	}
	close(rows)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return Phase{}, fmt.Errorf("phase diagram: %w", err)
	}
	for _, err := range errs {
		if err != nil {
			return Phase{}, err
		}
	}
	return ph, nil
}

// phaseRow fills row i of ph: the optimum at every α_l and the boundary.
func phaseRow(p Params, alphaU float64, alphaL []float64, ph *Phase, i int) error {
	p.AlphaU = alphaU
	cv, err := newCurve(p, scanPoints(0, p.MaxKappa()))
	if err != nil {
		return fmt.Errorf("phase diagram at alpha_u=%g: %w", alphaU, err)
	}
	row := make([]Optimum, len(alphaL))
	for j, al := range alphaL {
		p.AlphaL = al
		opt, err := optimalOnCurve(p, cv)
		if err != nil {
			return fmt.Errorf("phase diagram at alpha_u=%g alpha_l=%g: %w", alphaU, al, err)
		}
		row[j] = opt
	}
	local, err := CompressionBoundaryLocal(p)
	if err != nil {
		return fmt.Errorf("phase diagram boundary at alpha_u=%g: %w", alphaU, err)
	}
	b, err := boundaryOnCurve(p, local, cv)
	if err != nil {
		return fmt.Errorf("phase diagram boundary at alpha_u=%g: %w", alphaU, err)
	}
	ph.Optimum[i], ph.Boundary[i] = row, b
	return nil
}

// LogGrid returns n points from lo to hi, evenly spaced in log scale.
func LogGrid(lo, hi float64, n int) ([]float64, error) {
	if !(lo > 0) || !(hi >= lo) || !isFinite(hi) {
		return nil, fmt.Errorf("log grid: need 0 < lo <= hi < Inf, got lo=%g hi=%g", lo, hi)
	}
	if n < 1 {
		return nil, fmt.Errorf("log grid: n=%d must be >= 1", n)
	}
	if n == 1 {
		return []float64{lo}, nil
	}
	out := make([]float64, n)
	for i := range out {
		t := float64(i) / float64(n-1)
		out[i] = lo * math.Pow(hi/lo, t)
	}
	out[n-1] = hi
	return out, nil
}
