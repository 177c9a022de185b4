package theory

import (
	"fmt"
	"math"
)

// Misspecification is m(κ), the part of the task that no linear function of
// the representation can express (docs/theory.md §3):
//
//	m = Σ_i b_i² (1+θ_i)(1 − c_i)/(1 + θ_i c_i) + b_⊥² (1 − κ),
//
// given the captured fractions c_i of the representation and its size κ.
func Misspecification(p Params, captured []float64, kappa float64) float64 {
	m := p.BPerp * p.BPerp * (1 - kappa)
	for i, th := range p.Theta {
		c := captured[i]
		m += p.B[i] * p.B[i] * (1 + th) * (1 - c) / (1 + th*c)
	}
	return m
}

// EffectiveRidge is the effective regularisation τ ≥ 0 of a ridge probe with
// penalty λ ≥ 0 and ratio ψ = k/n_l, the root of λ = τ(1 − ψ/(1 + τ))
// (docs/theory.md §3). For λ = 0 it is 0 when ψ ≤ 1 and ψ − 1 when ψ > 1.
func EffectiveRidge(lambda, psi float64) (float64, error) {
	if !(lambda >= 0) || math.IsInf(lambda, 0) {
		return 0, fmt.Errorf("effective ridge: lambda=%g must be finite and >= 0", lambda)
	}
	if !(psi >= 0) || math.IsInf(psi, 0) {
		return 0, fmt.Errorf("effective ridge: psi=%g must be finite and >= 0", psi)
	}
	if lambda == 0 {
		return math.Max(0, psi-1), nil
	}
	// τ² − aτ − λ = 0 with a = λ + ψ − 1; the form is chosen to avoid
	// cancellation when a < 0.
	// Hypot keeps a huge λ from overflowing a².
	a := lambda + psi - 1
	r := math.Hypot(a, 2*math.Sqrt(lambda))
	if a >= 0 {
		return (a + r) / 2, nil
	}
	return 2 * lambda / (r - a), nil
}

// Point is everything the theory says about one representation size.
type Point struct {
	// Kappa is the representation size κ = k/d; 0 for a finite representation.
	Kappa float64
	// Components is the number k ≤ r of spike components of a finite
	// representation; 0 when Kappa > 0.
	Components int
	// Psi is ψ = κ/α_l, the number of features per labelled sample.
	Psi float64
	// Captured holds c_i for each spike.
	Captured []float64
	// Misspecification is m(κ).
	Misspecification float64
	// Tau is the effective ridge τ.
	Tau float64
	// TrainError and GenError are the limiting errors. GenError is +Inf when
	// Diverges is set.
	TrainError, GenError float64
	// Diverges reports the ridgeless interpolation peak ψ = 1.
	Diverges bool
}

// Evaluate returns the limiting errors of the probe on a representation of
// size κ ∈ [0, min(1, α_u)] (docs/theory.md §3). κ = 0 means the r spike
// components only; see EvaluateFinite for fewer.
func Evaluate(p Params, kappa float64) (Point, error) {
	c, err := Captured(p, kappa)
	if err != nil {
		return Point{}, err
	}
	pt := Point{Kappa: kappa, Captured: c}
	if kappa == 0 {
		pt.Components = len(p.Theta)
	}
	return probe(p, pt)
}

// EvaluateFinite returns the limiting errors of the probe on the top k ≤ r
// principal components (κ = 0, docs/theory.md §2–3).
func EvaluateFinite(p Params, k int) (Point, error) {
	c, err := CapturedFinite(p, k)
	if err != nil {
		return Point{}, err
	}
	return probe(p, Point{Components: k, Captured: c})
}

// GenError is the limiting generalisation error E_gen(κ), label noise
// included (docs/theory.md §3); +Inf at the ridgeless peak ψ = 1.
func GenError(p Params, kappa float64) (float64, error) {
	pt, err := Evaluate(p, kappa)
	return pt.GenError, err
}

// TrainError is the limiting training error E_train(κ) (docs/theory.md §3).
func TrainError(p Params, kappa float64) (float64, error) {
	pt, err := Evaluate(p, kappa)
	return pt.TrainError, err
}

// oneMinusDF2 is 1 − ψ/(1 + τ)², the denominator of E_gen. For τ > 0 the
// fixed point λ = τ(1 − ψ/(1 + τ)) turns it into (τ + λ/τ)/(1 + τ), which
// has no cancellation: written directly it loses every digit near the
// interpolation peak ψ = 1 once λ is below about 1e-16.
func oneMinusDF2(lambda, psi, tau float64) float64 {
	if tau == 0 {
		return 1 - psi
	}
	return (tau + lambda/tau) / (1 + tau)
}

// probe fills in the downstream quantities of docs/theory.md §3 for a
// representation whose size and captured fractions are already set:
//
//	B      = τ² [ Σ_i s_i ω_i²/(s_i + τ)² + b_⊥² κ/(1 + τ)² ]
//	E_gen  = (σ² + m + B)/(1 − ψ/(1 + τ)²)
//	E_train = (λ/τ)² E_gen  (λ > 0),
//
// with s_i = 1 + θ_i c_i and ω_i² = (1+θ_i)² b_i² c_i / s_i², and the
// ridgeless limits E_train = (σ² + m)(1 − ψ) for ψ < 1 and 0 for ψ ≥ 1.
func probe(p Params, pt Point) (Point, error) {
	pt.Psi = pt.Kappa / p.AlphaL
	pt.Misspecification = Misspecification(p, pt.Captured, pt.Kappa)
	tau, err := EffectiveRidge(p.Lambda, pt.Psi)
	if err != nil {
		return Point{}, err
	}
	pt.Tau = tau
	noise := p.Sigma*p.Sigma + pt.Misspecification
	if p.Lambda == 0 && pt.Psi == 1 {
		pt.GenError, pt.TrainError, pt.Diverges = math.Inf(1), 0, true
		return pt, nil
	}
	var bias float64
	if tau > 0 {
		for i, th := range p.Theta {
			c := pt.Captured[i]
			s := 1 + th*c
			omega2 := (1 + th) * (1 + th) * p.B[i] * p.B[i] * c / (s * s)
			shrink := tau / (s + tau)
			bias += s * omega2 * shrink * shrink
		}
		shrink := tau / (1 + tau)
		bias += p.BPerp * p.BPerp * pt.Kappa * shrink * shrink
	}
	pt.GenError = (noise + bias) / oneMinusDF2(p.Lambda, pt.Psi, tau)
	switch {
	case p.Lambda > 0:
		r := p.Lambda / tau
		pt.TrainError = r * r * pt.GenError
	case pt.Psi < 1:
		pt.TrainError = noise * (1 - pt.Psi)
	default:
		pt.TrainError = 0
	}
	return pt, nil
}
