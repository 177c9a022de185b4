package theory

import (
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
)

func TestGenErrorDAlphaLMatchesAFiniteDifference(t *testing.T) {
	for _, c := range []struct{ kappa, lambda, alphaL float64 }{
		{0.2, 0, 0.8}, {0.9, 0, 0.5}, {0.3, 0.05, 0.8}, {0.7, 0.5, 0.4}, {0.5, 1e-3, 0.45},
	} {
		t.Run(fmt.Sprintf("kappa=%g lambda=%g alpha_l=%g", c.kappa, c.lambda, c.alphaL), func(t *testing.T) {
			p := reference()
			p.Lambda, p.AlphaL = c.lambda, c.alphaL
			pt, err := Evaluate(p, c.kappa)
			if err != nil {
				t.Fatal(err)
			}
			got := GenErrorDAlphaL(p, pt)
			h := 1e-5 * c.alphaL
			q := p
			q.AlphaL = c.alphaL + h
			hi, _ := GenError(q, c.kappa)
			q.AlphaL = c.alphaL - h
			lo, _ := GenError(q, c.kappa)
			// Central difference: error O(h² E''') ≈ 1e-10 relative, rounding 1e-11/h.
			if fd := (hi - lo) / (2 * h); !scalar.EqualWithinAbsOrRel(got, fd, 1e-8, 1e-6) {
				t.Errorf("analytic %.12g, finite difference %.12g", got, fd)
			}
		})
	}
}

// dCTopDGamma is the analytic derivative of c_top = (1 − γ/θ²)/(1 + γ/θ).
func dCTopDGamma(theta, gamma float64) float64 {
	num, den := 1-gamma/(theta*theta), 1+gamma/theta
	return (-den/(theta*theta) - num/theta) / (den * den)
}

func TestGenErrorDAlphaUMatchesTheAnalyticFiniteRepresentation(t *testing.T) {
	for _, alphaU := range []float64{0.5, 1, 4} {
		t.Run(fmt.Sprintf("alpha_u=%g", alphaU), func(t *testing.T) {
			p := reference()
			p.AlphaU = alphaU
			gamma := p.Gamma()
			// E = σ² + m with m depending on α_u only through c_top of the
			// supercritical spikes: dE/dα_u = Σ_i dm/dc_i · dc_i/dγ · (−γ²).
			var want float64
			for i, th := range p.Theta {
				if th <= math.Sqrt(gamma) {
					continue
				}
				c := TopOverlap(th, gamma)
				dm := -p.B[i] * p.B[i] * (1 + th) * (1 + th) / ((1 + th*c) * (1 + th*c))
				want += dm * dCTopDGamma(th, gamma) * (-gamma * gamma)
			}
			got, err := genErrorDAlphaU(p, 0, len(p.Theta))
			if err != nil {
				t.Fatal(err)
			}
			if !scalar.EqualWithinAbsOrRel(got, want, 1e-10, 1e-8) {
				t.Errorf("finite difference %.12g, analytic %.12g", got, want)
			}
		})
	}
}

func TestExchangeRateKeepsTheErrorConstant(t *testing.T) {
	for _, c := range []struct {
		kappa, lambda, alphaU, alphaL float64
		optimised                     bool
	}{
		{0.2, 0, 1, 0.8, false}, {0.6, 0.05, 2, 0.4, false}, {0, 0, 1, 0.3, true}, {0.1, 0.1, 0.5, 1.5, false},
	} {
		t.Run(fmt.Sprintf("%+v", c), func(t *testing.T) {
			p := reference()
			p.Lambda, p.AlphaU, p.AlphaL = c.lambda, c.alphaU, c.alphaL
			var ex Exchange
			var err error
			if c.optimised {
				ex, err = ExchangeRateOptimal(p)
			} else {
				ex, err = ExchangeRate(p, c.kappa)
			}
			if err != nil {
				t.Fatal(err)
			}
			if math.IsInf(ex.Rate, 0) || ex.Rate == 0 {
				return // covered by the limit tests
			}
			e0, _ := evaluateSize(p, ex.Kappa, ex.Components)
			// Trade δ labelled for R·δ unlabelled: the change is O(δ²); half
			// the rate leaves a change of order δ·|∂E/∂α_l|/2, so with
			// δ = 1e-4 the ratio is about 1e-4 times curvature over slope.
			delta := 1e-4
			move := func(rate float64) float64 {
				q := p
				q.AlphaL -= delta
				q.AlphaU += rate * delta
				pt, err := evaluateSize(q, ex.Kappa, ex.Components)
				if err != nil {
					t.Fatal(err)
				}
				return pt.GenError - e0.GenError
			}
			along, half := move(ex.Rate), move(ex.Rate/2)
			if math.Abs(along) > 1e-2*math.Abs(half) {
				t.Errorf("rate %g: error moved %g along the iso-error direction, %g at half the rate", ex.Rate, along, half)
			}
		})
	}
}

func TestExchangeRateLimits(t *testing.T) {
	t.Run("a finite representation without ridge ignores labelled data", func(t *testing.T) {
		ex, err := ExchangeRate(reference(), 0)
		if err != nil {
			t.Fatal(err)
		}
		if ex.Rate != 0 || ex.DEDAlphaL != 0 {
			t.Errorf("want rate 0, got %+v", ex)
		}
	})
	t.Run("subcritical spikes at kappa=0 make unlabelled data useless", func(t *testing.T) {
		p := reference()
		p.AlphaU = 0.1 // √γ = 3.2 > θ_2 but not θ_1 = 4; drop the strong spike
		p.Theta, p.B = []float64{1.5}, []float64{0.5}
		p.Lambda = 0.1 // so that labelled data matters
		ex, err := ExchangeRate(p, 0)
		if err == nil && !math.IsInf(ex.Rate, 1) {
			t.Errorf("want an infinite rate, got %+v", ex)
		}
	})
}

func TestIsoErrorContourHitsTheTarget(t *testing.T) {
	p := reference()
	p.AlphaL = 0.5
	q := p
	q.AlphaU = 2
	target, _ := GenError(q, 0.3)
	au, ok, err := IsoErrorAlphaU(p, 0.3, false, target, 0.3, 100)
	if err != nil || !ok {
		t.Fatalf("ok=%v err=%v", ok, err)
	}
	if !scalar.EqualWithinRel(au, 2, 1e-8) {
		t.Errorf("contour at alpha_u=%g, want 2", au)
	}
	q.AlphaU = au
	if e, _ := GenError(q, 0.3); !scalar.EqualWithinRel(e, target, 1e-8) {
		t.Errorf("E_gen at alpha_u=%g is %g, want %g", au, e, target)
	}
}

// TestExchangeRateOptimalFollowsTheOptimisedError checks both partials of
// ExchangeRateOptimal against central differences of the optimised error
// E*(α_u, α_l) = min_κ E_gen, recomputed by OptimalKappa at each end, at an
// interior κ*, at κ* on the moving edge κ = α_u < 1 (where the envelope
// theorem does not apply), at the full representation and at κ* = 0.
func TestExchangeRateOptimalFollowsTheOptimisedError(t *testing.T) {
	for _, c := range []struct {
		name           string
		alphaU, alphaL float64
	}{
		{"interior kappa*", 0.5, 0.6},
		{"kappa* = alpha_u, overparameterised", 0.88, 0.6},
		{"kappa* = alpha_u, underparameterised", 0.5, 2},
		{"full representation", 1.5, 0.6},
		{"maximally compressed", 2, 0.3},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := reference()
			p.AlphaU, p.AlphaL = c.alphaU, c.alphaL
			ex, err := ExchangeRateOptimal(p)
			if err != nil {
				t.Fatal(err)
			}
			opt := func(au, al float64) float64 {
				q := p
				q.AlphaU, q.AlphaL = au, al
				o, err := OptimalKappa(q)
				if err != nil {
					t.Fatal(err)
				}
				return o.GenError
			}
			const h = 1e-5
			au, al := c.alphaU, c.alphaL
			dl := (opt(au, al*(1+h)) - opt(au, al*(1-h))) / (2 * h * al)
			du := (opt(au*(1+h), al) - opt(au*(1-h), al)) / (2 * h * au)
			if !scalar.EqualWithinAbsOrRel(ex.DEDAlphaL, dl, 1e-8, 1e-5) {
				t.Errorf("dE*/dalpha_l = %.10g, difference of optima %.10g", ex.DEDAlphaL, dl)
			}
			if !scalar.EqualWithinAbsOrRel(ex.DEDAlphaU, du, 1e-8, 1e-5) {
				t.Errorf("dE*/dalpha_u = %.10g, difference of optima %.10g", ex.DEDAlphaU, du)
			}
			switch c.name {
			case "full representation":
				if ex.DEDAlphaU != 0 || !math.IsInf(ex.Rate, 1) {
					t.Errorf("the full representation ignores unlabelled data: want dE/dalpha_u = 0 and rate +Inf, got %+v", ex)
				}
			case "maximally compressed":
				if ex.Rate != 0 {
					t.Errorf("want rate 0, got %+v", ex)
				}
			}
		})
	}
}
