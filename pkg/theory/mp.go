package theory

import (
	"fmt"
	"math"
)

// MPEdges returns the edges λ₋ = (1 − √γ)² and λ₊ = (1 + √γ)² of the
// Marchenko–Pastur bulk for aspect ratio γ = d/n_u > 0 (docs/theory.md §2).
func MPEdges(gamma float64) (lo, hi float64) {
	s := math.Sqrt(gamma)
	return (1 - s) * (1 - s), (1 + s) * (1 + s)
}

// MPDensity is the continuous part of the Marchenko–Pastur density,
//
//	ρ_γ(λ) = sqrt((λ₊ − λ)(λ − λ₋)) / (2π γ λ)   on [λ₋, λ₊],
//
// and 0 elsewhere (docs/theory.md §2). Its total mass is min(1, 1/γ); for
// γ > 1 the rest of the mass is an atom at zero, which this function omits.
func MPDensity(lambda, gamma float64) float64 {
	lo, hi := MPEdges(gamma)
	if lambda <= lo || lambda >= hi || lambda <= 0 {
		return 0
	}
	return math.Sqrt((hi-lambda)*(lambda-lo)) / (2 * math.Pi * gamma * lambda)
}

// mpAngle maps a bulk eigenvalue to the angle u ∈ [0, π] of the
// substitution λ = (1 + γ) + 2√γ cos u used throughout the package: u = 0 is
// the upper edge λ₊ and u = π the lower edge λ₋.
func mpAngle(lambda, gamma float64) float64 {
	c := (lambda - 1 - gamma) / (2 * math.Sqrt(gamma))
	return math.Acos(math.Max(-1, math.Min(1, c)))
}

// mpEigenvalue is the inverse of mpAngle.
func mpEigenvalue(u, gamma float64) float64 {
	return 1 + gamma + 2*math.Sqrt(gamma)*math.Cos(u)
}

// mpTailMassAngle is the Marchenko–Pastur mass above the eigenvalue whose
// angle is u. With m = 1 + γ and h = 2√γ the substitution turns the tail
// integral into (1/2πγ) ∫₀ᵘ h² sin²v / (m + h cos v) dv, whose antiderivative
// is elementary:
//
//	(1/2πγ) [ m u − h sin u − 2|1 − γ| atan( |1 − √γ|/(1 + √γ) · tan(u/2) ) ].
func mpTailMassAngle(u, gamma float64) float64 {
	s := math.Sqrt(gamma)
	m, h := 1+gamma, 2*s
	q := math.Abs(1-s) / (1 + s)
	// atan(q tan(u/2)) written with atan2 so that u = π is exact.
	sh, ch := math.Sincos(u / 2)
	at := math.Atan2(q*sh, ch)
	return (m*u - h*math.Sin(u) - 2*math.Abs(1-gamma)*at) / (2 * math.Pi * gamma)
}

// mpTailDensityAngle is d(mpTailMassAngle)/du, the integrand above.
func mpTailDensityAngle(u, gamma float64) float64 {
	s := math.Sqrt(gamma)
	sn := math.Sin(u)
	return 4 * gamma * sn * sn / ((1 + gamma + 2*s*math.Cos(u)) * 2 * math.Pi * gamma)
}

// MPTailMass is the Marchenko–Pastur mass of the bulk above λ,
// ∫_λ^{λ₊} ρ_γ, in closed form (docs/theory.md §2). It is 0 above λ₊ and
// min(1, 1/γ) below λ₋.
func MPTailMass(lambda, gamma float64) float64 {
	return mpTailMassAngle(mpAngle(lambda, gamma), gamma)
}

// mpQuantileAngle solves mpTailMassAngle(u) = κ for u ∈ [0, π]. The tail
// mass is increasing in u, so a Newton iteration safeguarded by bisection
// converges to full precision.
func mpQuantileAngle(kappa, gamma float64) (float64, error) {
	if u, done, err := mpQuantileTrivial(kappa, gamma); done {
		return u, err
	}
	// Near u = 0 the tail mass grows like u³, which gives a good start.
	u := math.Min(math.Pi/2, math.Cbrt(1.5*math.Pi*kappa*(1+gamma+2*math.Sqrt(gamma))))
	return mpQuantileNewton(kappa, gamma, 0, math.Pi, u), nil
}

// mpQuantileAngleIn is mpQuantileAngle for a κ whose angle is known to lie
// strictly between lo and hi, the angles of two tabulated sizes. Starting
// from the bracket saves most of the iterations of a cold start.
func mpQuantileAngleIn(kappa, gamma, lo, hi float64) (float64, error) {
	if u, done, err := mpQuantileTrivial(kappa, gamma); done {
		return u, err
	}
	// The tail mass is nearly linear across a short bracket.
	flo, fhi := mpTailMassAngle(lo, gamma), mpTailMassAngle(hi, gamma)
	u := (lo + hi) / 2
	if fhi > flo {
		u = lo + (hi-lo)*(kappa-flo)/(fhi-flo)
	}
	if !(u > lo && u < hi) {
		u = (lo + hi) / 2
	}
	return mpQuantileNewton(kappa, gamma, lo, hi, u), nil
}

// mpQuantileTrivial validates κ and settles the ends of the range: done is
// true when u (or err) is the answer.
func mpQuantileTrivial(kappa, gamma float64) (u float64, done bool, err error) {
	total := math.Min(1, 1/gamma)
	switch {
	case math.IsNaN(kappa) || kappa < 0:
		return 0, true, fmt.Errorf("MP quantile: kappa=%g must be >= 0", kappa)
	case kappa > total*(1+1e-14):
		return 0, true, fmt.Errorf("MP quantile: kappa=%g exceeds the bulk mass min(1, alpha_u)=%g", kappa, total)
	case kappa == 0:
		return 0, true, nil
	case kappa >= total:
		return math.Pi, true, nil
	}
	return 0, false, nil
}

// mpQuantileNewton runs the safeguarded Newton iteration for
// mpTailMassAngle(u) = κ from u inside the bracket [lo, hi].
func mpQuantileNewton(kappa, gamma, lo, hi, u float64) float64 {
	for i := 0; i < 200; i++ {
		f := mpTailMassAngle(u, gamma) - kappa
		// The tail mass is computed to about 1e-16 absolute, so a residual
		// of a few ulps of κ is as good as it gets.
		if math.Abs(f) <= 4e-16*kappa || hi-lo <= 4e-16*hi {
			return u
		}
		if f > 0 {
			hi = u
		} else {
			lo = u
		}
		next := u - f/mpTailDensityAngle(u, gamma)
		if !(next > lo && next < hi) {
			next = (lo + hi) / 2
		}
		u = next
	}
	return u
}

// MPUpperQuantile returns λ_κ, the eigenvalue above which the
// Marchenko–Pastur bulk holds mass κ: ∫_{λ_κ}^{λ₊} ρ_γ = κ
// (docs/theory.md §2). κ must lie in [0, min(1, 1/γ)]; κ = 0 gives λ₊ and the
// whole bulk mass gives λ₋.
func MPUpperQuantile(kappa, gamma float64) (float64, error) {
	if !(gamma > 0) || math.IsInf(gamma, 0) {
		return 0, fmt.Errorf("MP quantile: gamma=%g must be finite and > 0", gamma)
	}
	u, err := mpQuantileAngle(kappa, gamma)
	if err != nil {
		return 0, err
	}
	return mpEigenvalue(u, gamma), nil
}
