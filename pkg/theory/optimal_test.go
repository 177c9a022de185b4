package theory

import (
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
)

func TestOptimalKappaIsTheGlobalMinimum(t *testing.T) {
	for _, c := range []struct{ alphaU, alphaL, lambda float64 }{
		{1, 0.05, 0}, {1, 0.2, 0}, {1, 0.8, 0}, {0.4, 2, 0}, {5, 0.3, 0}, {1, 0.5, 0.1}, {0.3, 0.1, 0.02},
	} {
		t.Run(fmt.Sprintf("alpha_u=%g alpha_l=%g lambda=%g", c.alphaU, c.alphaL, c.lambda), func(t *testing.T) {
			p := reference()
			p.AlphaU, p.AlphaL, p.Lambda = c.alphaU, c.alphaL, c.lambda
			opt, err := OptimalKappa(p)
			if err != nil {
				t.Fatal(err)
			}
			// An exhaustive scan on a fine uniform grid, plus the finite options.
			best := math.Inf(1)
			n := 4000
			for i := 0; i <= n; i++ {
				e, err := GenError(p, p.MaxKappa()*float64(i)/float64(n))
				if err != nil {
					t.Fatal(err)
				}
				best = math.Min(best, e)
			}
			for k := 1; k <= len(p.Theta); k++ {
				pt, _ := EvaluateFinite(p, k)
				best = math.Min(best, pt.GenError)
			}
			if opt.GenError > best*(1+1e-12) {
				t.Errorf("optimum E_gen %.15g at kappa=%g exceeds the scan's %.15g", opt.GenError, opt.Kappa, best)
			}
			if opt.Kappa == 0 {
				pt, _ := EvaluateFinite(p, opt.Components)
				if pt.GenError != opt.GenError {
					t.Errorf("finite optimum k=%d reports %g, Evaluate gives %g", opt.Components, opt.GenError, pt.GenError)
				}
			} else if e, _ := GenError(p, opt.Kappa); !scalar.EqualWithinRel(e, opt.GenError, 1e-12) {
				t.Errorf("reported E_gen %g differs from GenError(kappa*)=%g", opt.GenError, e)
			}
		})
	}
}

func TestOptimalKappaReportsBothBranchesOfThePole(t *testing.T) {
	p := reference()
	p.AlphaL = 0.05 // the pole at κ = 0.05 separates compression from a second minimum
	opt, err := OptimalKappa(p)
	if err != nil {
		t.Fatal(err)
	}
	var below, above int
	for _, m := range opt.LocalMinima {
		if m.Kappa < p.AlphaL {
			below++
		} else {
			above++
		}
	}
	if below == 0 || above == 0 {
		t.Errorf("want a minimum on each side of the pole, got %+v", opt.LocalMinima)
	}
}

func TestCompressionSlopeIsTheDerivativeAtZero(t *testing.T) {
	for _, c := range []struct{ alphaL, lambda float64 }{
		{0.05, 0}, {0.3, 0}, {0.05, 0.05}, {0.3, 0.05}, {0.3, 1}, {2, 3},
	} {
		alphaL := c.alphaL
		p := reference()
		p.AlphaL, p.Lambda = alphaL, c.lambda
		slope, err := CompressionSlope(p)
		if err != nil {
			t.Fatal(err)
		}
		h := 1e-9
		e0, _ := GenError(p, 0)
		e1, _ := GenError(p, h)
		// The slope of c(κ) departs from its edge value like κ^{2/3} (the MP
		// quantile moves like κ^{2/3} from the edge), so a one-sided
		// difference is off by O(h^{2/3}); at h = 1e-6 that was 2e-3
		// relative here, so h = 1e-9 gives about 2e-5, and rounding 1e-7.
		if fd := (e1 - e0) / h; !scalar.EqualWithinAbsOrRel(slope, fd, 1e-4, 1e-4) {
			t.Errorf("alpha_l=%g lambda=%g: slope %.10g, finite difference %.10g", alphaL, c.lambda, slope, fd)
		}
	}
}

func TestCompressionBoundaryMatchesTheNumericalArgmin(t *testing.T) {
	ref := func(alphaU float64) Params {
		return Params{Theta: []float64{4, 1.5}, B: []float64{0.6, 0.5}, BPerp: 0.62, Sigma: 0.3, AlphaU: alphaU, AlphaL: 1}
	}
	for _, c := range []struct {
		name   string
		p      Params
		agrees bool
	}{
		{"reference task, alpha_u=1", ref(1), true},
		{"reference task, abundant unlabelled", ref(20), true},
		{"reference task, scarce unlabelled", ref(0.3), true},
		// Here minima at κ ~ 1e-13 whose error equals the compressed one up
		// to rounding once passed for smaller errors and moved the
		// numerical boundary (to 1.2259).
		{"reference task, alpha_u=100", ref(100), true},
		// Here the full representation (overparameterised) beats compression
		// for α_l in about (0.50, 0.80), below the closed form 0.896, and
		// compression wins again in between.
		{"reference task, alpha_u=4: the full representation wins first", ref(4), false},
		{"one aligned spike, noisy labels", Params{Theta: []float64{3}, B: []float64{1}, BPerp: 0.2, Sigma: 1, AlphaU: 2, AlphaL: 1}, true},
		{"a subcritical second spike", Params{Theta: []float64{5, 1}, B: []float64{1, 0.5}, BPerp: 0.3, Sigma: 0.5, AlphaU: 0.5, AlphaL: 1}, true},
		// With ridge the closed form is the root of the ridge slope at 0⁺.
		{"reference task with a small ridge", func() Params { p := ref(1); p.Lambda = 0.05; return p }(), true},
		{"a strong ridge, abundant unlabelled", Params{Theta: []float64{2, 1}, B: []float64{1, -0.5}, BPerp: 1, Sigma: 1, Lambda: 2, AlphaU: 10, AlphaL: 1}, true},
		// Two equal spikes: the far minimum wins before the local slope turns.
		{"two equal spikes: a jump to the full representation", Params{Theta: []float64{3, 3}, B: []float64{0.5, 0.5}, BPerp: 0.3, AlphaU: 1.5, AlphaL: 1}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := c.p
			b, err := CompressionBoundary(p)
			if err != nil {
				t.Fatal(err)
			}
			if b.Agrees != c.agrees {
				t.Fatalf("closed form %g, numerical global boundary %g: agrees %v, want %v", b.Local, b.Global, b.Agrees, c.agrees)
			}
			factors := []float64{0.01, 0.3, 0.7, 0.98, 0.999, 1.001, 1.02}
			if c.agrees && b.Global != b.Local {
				t.Errorf("an agreeing boundary should be the closed form %g itself, got %g", b.Local, b.Global)
			}
			if !c.agrees {
				if !(b.Global < b.Local) {
					t.Errorf("global boundary %g should lie below the closed form %g", b.Global, b.Local)
				}
				// A jump between two minima is pinned much closer than the
				// 1e-4 of the agreement test.
				factors = append(factors, 1-1e-8, 1+1e-8)
			}
			// Compression wins everywhere below the global boundary (sampled)
			// and loses just above it.
			for _, f := range factors {
				p.AlphaL = b.Global * f
				opt, err := OptimalKappa(p)
				if err != nil {
					t.Fatal(err)
				}
				if want := f < 1; opt.MaximallyCompressed != want {
					t.Errorf("alpha_l = %g × boundary: maximally compressed %v, want %v (kappa*=%g)", f, opt.MaximallyCompressed, want, opt.Kappa)
				}
			}
		})
	}
}
