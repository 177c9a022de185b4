package theory

import (
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
)

func TestSweepEqualsPointwiseEvaluation(t *testing.T) {
	for _, alphaU := range []float64{0.4, 1, 3} {
		p := reference()
		p.AlphaU, p.Lambda = alphaU, 0.01
		grid, err := LinearGrid(0, p.MaxKappa(), 37)
		if err != nil {
			t.Fatal(err)
		}
		pts, err := Sweep(p, grid)
		if err != nil {
			t.Fatal(err)
		}
		for i, k := range grid {
			want, _ := Evaluate(p, k)
			// The incremental table sums the same panels in a different
			// grouping: equal up to rounding of the quadrature.
			if !scalar.EqualWithinAbsOrRel(pts[i].GenError, want.GenError, 1e-13, 1e-11) ||
				!scalar.EqualWithinAbsOrRel(pts[i].Captured[1], want.Captured[1], 1e-13, 1e-11) {
				t.Errorf("alpha_u=%g kappa=%g: sweep %+v, pointwise %+v", alphaU, k, pts[i], want)
			}
		}
	}
	if _, err := Sweep(reference(), []float64{0.2, 0.1}); err == nil {
		t.Error("a decreasing grid was accepted")
	}
}
