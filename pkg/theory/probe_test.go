package theory

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
)

// reference is the parameter point of the CLI's example.
func reference() Params {
	return Params{Theta: []float64{4, 1.5}, B: []float64{0.6, 0.5}, BPerp: 0.62, Sigma: 0.3, AlphaU: 1, AlphaL: 0.8}
}

// genericRidge computes the ridge errors from the general deterministic
// equivalent for a feature covariance with eigenvalues eig (each bulk
// eigenvalue standing for mass weight[j] of the k = ψ n_l features) and
// squared target components w2 in that eigenbasis. τ is found by bisection,
// not from the quadratic's closed form, so this checks probe independently.
func genericRidge(lambda, psi float64, eig, weight, w2 []float64, noise float64) (gen, train float64) {
	// (1/n_l) tr S(S+τ)⁻¹ with only the bulk contributing at leading order.
	df1 := func(tau float64) float64 {
		var s float64
		for j, e := range eig {
			s += psi * weight[j] * e / (e + tau)
		}
		return s
	}
	lo, hi := 0.0, 1e6
	for i := 0; i < 300; i++ {
		m := (lo + hi) / 2
		if m*(1-df1(m)) > lambda || (lambda == 0 && df1(m) < 1) {
			hi = m
		} else {
			lo = m
		}
	}
	tau := (lo + hi) / 2
	var df2, bias float64
	for j, e := range eig {
		df2 += psi * weight[j] * e * e / ((e + tau) * (e + tau))
		bias += tau * tau * e * w2[j] / ((e + tau) * (e + tau))
	}
	gen = (noise + bias) / (1 - df2)
	return gen, math.Pow(lambda/tau, 2) * gen
}

func TestProbeMatchesGenericRidge(t *testing.T) {
	for _, c := range []struct{ kappa, lambda, alphaL float64 }{
		{0.2, 0.05, 0.8}, {0.6, 0.01, 0.4}, {0.9, 1, 0.5}, {0.3, 0.2, 2}, {0.5, 0, 0.3},
	} {
		t.Run(fmt.Sprintf("kappa=%g lambda=%g alpha_l=%g", c.kappa, c.lambda, c.alphaL), func(t *testing.T) {
			p := reference()
			p.Lambda, p.AlphaL = c.lambda, c.alphaL
			pt, err := Evaluate(p, c.kappa)
			if err != nil {
				t.Fatal(err)
			}
			// Spectrum of S: spikes s_i (no mass), bulk eigenvalue 1 (all the mass).
			eig := []float64{1}
			weight := []float64{1}
			w2 := []float64{p.BPerp * p.BPerp * c.kappa}
			for i, th := range p.Theta {
				ci := pt.Captured[i]
				s := 1 + th*ci
				eig = append(eig, s)
				weight = append(weight, 0)
				w2 = append(w2, math.Pow(1+th, 2)*p.B[i]*p.B[i]*ci/(s*s))
			}
			noise := p.Sigma*p.Sigma + pt.Misspecification
			gen, train := genericRidge(p.Lambda, pt.Psi, eig, weight, w2, noise)
			if c.lambda == 0 {
				train = 0 // ψ > 1 here
			}
			if !scalar.EqualWithinAbsOrRel(pt.GenError, gen, 1e-12, 1e-9) {
				t.Errorf("E_gen %.15g, generic %.15g", pt.GenError, gen)
			}
			if !scalar.EqualWithinAbsOrRel(pt.TrainError, train, 1e-12, 1e-9) {
				t.Errorf("E_train %.15g, generic %.15g", pt.TrainError, train)
			}
		})
	}
}

func TestEffectiveRidgeSolvesItsEquation(t *testing.T) {
	for _, lambda := range []float64{1e-12, 1e-3, 0.1, 1, 50} {
		for _, psi := range []float64{0, 0.3, 1, 1.7, 10} {
			tau, err := EffectiveRidge(lambda, psi)
			if err != nil {
				t.Fatal(err)
			}
			// Checking the equation cancels digits: τ is only known to ~1e-16·τ,
			// which moves the left-hand side by about that much.
			if got := tau * (1 - psi/(1+tau)); !scalar.EqualWithinAbsOrRel(got, lambda, 1e-14*(1+psi), 1e-12) {
				t.Errorf("lambda=%g psi=%g: tau=%g gives %g", lambda, psi, tau, got)
			}
		}
	}
}

func TestRidgeTendsToRidgeless(t *testing.T) {
	for _, kappa := range []float64{0, 0.1, 0.5, 0.95} { // ψ = 0, 0.125, 0.625, 1.19
		t.Run(fmt.Sprintf("kappa=%g", kappa), func(t *testing.T) {
			p := reference()
			ridgeless, err := Evaluate(p, kappa)
			if err != nil {
				t.Fatal(err)
			}
			p.Lambda = 1e-10
			ridge, err := Evaluate(p, kappa)
			if err != nil {
				t.Fatal(err)
			}
			// The errors are smooth in λ, so a 1e-10 ridge moves them by O(1e-10)
			// times a derivative of order one (larger near ψ = 1).
			if !scalar.EqualWithinAbsOrRel(ridge.GenError, ridgeless.GenError, 1e-8, 1e-8) {
				t.Errorf("E_gen: ridge %.15g, ridgeless %.15g", ridge.GenError, ridgeless.GenError)
			}
			if !scalar.EqualWithinAbsOrRel(ridge.TrainError, ridgeless.TrainError, 1e-8, 1e-8) {
				t.Errorf("E_train: ridge %.15g, ridgeless %.15g", ridge.TrainError, ridgeless.TrainError)
			}
		})
	}
}

func TestSmallKappaTendsToTheSpikeComponents(t *testing.T) {
	for _, lambda := range []float64{0, 0.3} {
		p := reference()
		p.Lambda = lambda
		finite, err := EvaluateFinite(p, len(p.Theta))
		if err != nil {
			t.Fatal(err)
		}
		small, err := Evaluate(p, 1e-12)
		if err != nil {
			t.Fatal(err)
		}
		// c(κ) − c(0) grows like κ, so κ = 1e-12 moves everything by ~1e-12.
		if !scalar.EqualWithinAbsOrRel(small.GenError, finite.GenError, 1e-9, 1e-9) {
			t.Errorf("lambda=%g: E_gen(1e-12) = %.15g, finite k=r %.15g", lambda, small.GenError, finite.GenError)
		}
		if !scalar.EqualWithinAbsOrRel(small.TrainError, finite.TrainError, 1e-9, 1e-9) {
			t.Errorf("lambda=%g: E_train(1e-12) = %.15g, finite k=r %.15g", lambda, small.TrainError, finite.TrainError)
		}
	}
}

func TestRidgelessPeakDiverges(t *testing.T) {
	p := reference()
	at, err := Evaluate(p, p.AlphaL)
	if err != nil {
		t.Fatal(err)
	}
	if !at.Diverges || !math.IsInf(at.GenError, 1) {
		t.Errorf("at psi=1: diverges=%v E_gen=%g, want +Inf", at.Diverges, at.GenError)
	}
	// On both sides E_gen grows like 1/|1 − ψ|: halving the distance about
	// doubles the error.
	for _, side := range []float64{-1, 1} {
		e1, _ := GenError(p, p.AlphaL*(1+side*1e-3))
		e2, _ := GenError(p, p.AlphaL*(1+side*0.5e-3))
		if r := e2 / e1; r < 1.9 || r > 2.1 {
			t.Errorf("side %+g: E_gen ratio %g when halving the distance to psi=1, want about 2", side, r)
		}
	}
	p.Lambda = 0.05
	if ridge, _ := Evaluate(p, p.AlphaL); ridge.Diverges || math.IsInf(ridge.GenError, 0) || math.IsNaN(ridge.GenError) {
		t.Errorf("ridge at psi=1 should be finite, got %+v", ridge)
	}
}

// At ψ = 1 the quadratic for τ is τ² − λτ − λ = 0 and 1 − ψ/(1 + τ)² is
// τ(2 + τ)/(1 + τ)², two forms with no cancellation that probe does not use.
// A tiny ridge at the peak must give that, not an overflow or a value that
// lost its digits to 1 − df₂ rounding to 0.
func TestTinyRidgeAtThePeakKeepsItsDigits(t *testing.T) {
	p := reference()
	for _, lambda := range []float64{1e-6, 1e-12, 1e-20, 1e-30, 1e-33, 1e-100} {
		t.Run(fmt.Sprintf("lambda=%g", lambda), func(t *testing.T) {
			p.Lambda = lambda
			pt, err := Evaluate(p, p.AlphaL)
			if err != nil {
				t.Fatal(err)
			}
			tau := (lambda + math.Sqrt(lambda*lambda+4*lambda)) / 2
			var bias float64
			for i, th := range p.Theta {
				c := pt.Captured[i]
				s := 1 + th*c
				omega2 := (1 + th) * (1 + th) * p.B[i] * p.B[i] * c / (s * s)
				bias += s * omega2 * math.Pow(tau/(s+tau), 2)
			}
			bias += p.BPerp * p.BPerp * p.AlphaL * math.Pow(tau/(1+tau), 2)
			want := (p.Sigma*p.Sigma + pt.Misspecification + bias) * (1 + tau) * (1 + tau) / (tau * (2 + tau))
			if !scalar.EqualWithinRel(pt.GenError, want, 1e-12) {
				t.Errorf("E_gen = %.17g, want %.17g", pt.GenError, want)
			}
		})
	}
}

func TestFullRepresentationMisspecification(t *testing.T) {
	// With α_u ≥ 1 the full representation κ = 1 spans everything: m = 0.
	p := reference()
	pt, err := Evaluate(p, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !scalar.EqualWithinAbs(pt.Misspecification, 0, 1e-10) {
		t.Errorf("m(1) = %g, want 0", pt.Misspecification)
	}
}

func TestBadInputIsAnErrorNamingTheParameter(t *testing.T) {
	nan := math.NaN()
	cases := []struct {
		name  string
		edit  func(*Params)
		kappa float64
		want  string
	}{
		{"no spikes", func(p *Params) { p.Theta, p.B = nil, nil }, 0.1, "theta"},
		{"negative spike", func(p *Params) { p.Theta[1] = -1 }, 0.1, "theta[1]"},
		{"increasing spikes", func(p *Params) { p.Theta[1] = 5 }, 0.1, "non-increasing"},
		{"b of the wrong length", func(p *Params) { p.B = p.B[:1] }, 0.1, "b:"},
		{"NaN alignment", func(p *Params) { p.B[0] = nan }, 0.1, "b[0]"},
		{"NaN b_perp", func(p *Params) { p.BPerp = nan }, 0.1, "b_perp"},
		{"negative noise", func(p *Params) { p.Sigma = -0.1 }, 0.1, "sigma"},
		{"negative ridge", func(p *Params) { p.Lambda = -1 }, 0.1, "lambda"},
		{"zero alpha_u", func(p *Params) { p.AlphaU = 0 }, 0.1, "alpha_u"},
		{"infinite alpha_l", func(p *Params) { p.AlphaL = math.Inf(1) }, 0.1, "alpha_l"},
		{"kappa beyond alpha_u", func(p *Params) { p.AlphaU = 0.5 }, 0.6, "kappa=0.6: exceeds min(1, alpha_u)=0.5"},
		{"kappa beyond one", func(p *Params) {}, 1.2, "kappa"},
		{"negative kappa", func(p *Params) {}, -0.1, "kappa"},
		{"NaN kappa", func(p *Params) {}, nan, "kappa"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := reference()
			p.Theta = append([]float64(nil), p.Theta...)
			p.B = append([]float64(nil), p.B...)
			c.edit(&p)
			_, err := Evaluate(p, c.kappa)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
	t.Run("finite k beyond the number of spikes", func(t *testing.T) {
		if _, err := EvaluateFinite(reference(), 3); err == nil || !strings.Contains(err.Error(), "k=3") {
			t.Errorf("got %v, want an error naming k", err)
		}
	})
}
