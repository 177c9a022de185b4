package theory

import (
	"fmt"
	"math"
)

// Exchange is the exchange rate between unlabelled and labelled samples at
// one parameter point (docs/theory.md §5).
type Exchange struct {
	// Rate is R = (∂E_gen/∂α_l)/(∂E_gen/∂α_u): the number of unlabelled
	// samples that replace one labelled sample at equal generalisation
	// error. It is 0 when labelled data does not matter to leading order
	// (∂E_gen/∂α_l = 0, e.g. a finite representation without ridge) and
	// +Inf when unlabelled data does not (∂E_gen/∂α_u = 0).
	Rate float64
	// DEDAlphaL and DEDAlphaU are the two partial derivatives of E_gen.
	DEDAlphaL, DEDAlphaU float64
	// Kappa is the representation size the rate is taken at; Components is
	// k ≤ r when that is a finite representation.
	Kappa      float64
	Components int
	// Optimised reports that Kappa is the optimal κ* (so by the envelope
	// theorem the partials at fixed κ* are those of the optimised error).
	Optimised bool
}

// ExchangeRate is R at the representation size κ (docs/theory.md §5).
// κ = 0 is the r spike components.
func ExchangeRate(p Params, kappa float64) (Exchange, error) {
	if err := p.Validate(); err != nil {
		return Exchange{}, err
	}
	if err := p.CheckKappa(kappa); err != nil {
		return Exchange{}, fmt.Errorf("exchange rate: %w", err)
	}
	k := 0
	if kappa == 0 {
		k = len(p.Theta)
	}
	return exchangeAt(p, kappa, k, false)
}

// ExchangeRateOptimal is R at the optimal size κ* of OptimalKappa: the rate
// along contours of the optimised error. Where κ* is inside the admissible
// range, the envelope theorem makes the derivatives of the optimised error
// equal to the partials at fixed κ*. Where κ* = α_u < 1 sits on the edge
// κ ≤ α_u, that edge moves with α_u, so ∂E*/∂α_u is the derivative along
// κ = α_u instead (the representation is then the whole span of the
// unlabelled samples); ∂E*/∂α_l is still the partial, since the edge does
// not depend on α_l.
func ExchangeRateOptimal(p Params) (Exchange, error) {
	opt, err := OptimalKappa(p)
	if err != nil {
		return Exchange{}, err
	}
	return exchangeAt(p, opt.Kappa, opt.Components, true)
}

// onMovingEdge reports that κ is the admissible edge κ = α_u < 1, which an
// optimised size follows as α_u changes.
func onMovingEdge(p Params, kappa float64, k int) bool {
	return k == 0 && p.AlphaU < 1 && kappa == p.AlphaU
}

func exchangeAt(p Params, kappa float64, k int, optimised bool) (Exchange, error) {
	pt, err := evaluateSize(p, kappa, k)
	if err != nil {
		return Exchange{}, err
	}
	if pt.Diverges {
		return Exchange{}, fmt.Errorf("exchange rate: E_gen diverges at kappa=%g (psi=1 without ridge)", kappa)
	}
	ex := Exchange{Kappa: kappa, Components: k, Optimised: optimised}
	ex.DEDAlphaL = GenErrorDAlphaL(p, pt)
	if optimised && onMovingEdge(p, kappa, k) {
		ex.DEDAlphaU, err = genErrorDAlphaUOnEdge(p)
	} else {
		ex.DEDAlphaU, err = genErrorDAlphaU(p, kappa, k)
	}
	if err != nil {
		return Exchange{}, err
	}
	switch {
	case ex.DEDAlphaL == 0 && ex.DEDAlphaU == 0:
		return Exchange{}, fmt.Errorf("exchange rate: E_gen depends on neither alpha_l nor alpha_u at kappa=%g", kappa)
	case ex.DEDAlphaL == 0:
		ex.Rate = 0
	case ex.DEDAlphaU == 0:
		ex.Rate = math.Inf(1)
	default:
		ex.Rate = ex.DEDAlphaL / ex.DEDAlphaU
	}
	return ex, nil
}

// evaluateSize evaluates a finite representation of k components when k > 0
// and a representation of size κ otherwise.
func evaluateSize(p Params, kappa float64, k int) (Point, error) {
	if k > 0 {
		return EvaluateFinite(p, k)
	}
	return Evaluate(p, kappa)
}

// GenErrorDAlphaL is ∂E_gen/∂α_l at fixed κ, analytic (docs/theory.md §5).
// α_l enters only through ψ = κ/α_l. With N = σ² + m, the effective ridge
// moves as dτ/dψ = τ/((1+τ)(1 − df₂)), the bias as
// dB/dτ = 2τ Σ_j e_j² w_j/(e_j + τ)³ over the feature eigenvalues e_j and
// squared target components w_j, and
//
//	dE/dψ = [ (dB/dτ)(dτ/dψ)(1 − df₂) + (N + B) d(df₂)/dψ ] / (1 − df₂)²,
//	d(df₂)/dψ = 1/(1+τ)² − 2ψ (dτ/dψ)/(1+τ)³,
//	∂E/∂α_l = −(ψ/α_l) dE/dψ.
//
// pt must be the Point of p at its size; it is 0 for κ = 0.
func GenErrorDAlphaL(p Params, pt Point) float64 {
	psi, tau := pt.Psi, pt.Tau
	if psi == 0 {
		return 0
	}
	df2 := psi / ((1 + tau) * (1 + tau))
	dTau := tau / ((1 + tau) * (1 - df2))
	var bias, dBias float64
	add := func(e, w float64) {
		bias += tau * tau * e * w / ((e + tau) * (e + tau))
		dBias += 2 * tau * e * e * w / ((e + tau) * (e + tau) * (e + tau))
	}
	for i, th := range p.Theta {
		c := pt.Captured[i]
		s := 1 + th*c
		add(s, (1+th)*(1+th)*p.B[i]*p.B[i]*c/(s*s))
	}
	add(1, p.BPerp*p.BPerp*pt.Kappa)
	noise := p.Sigma*p.Sigma + pt.Misspecification
	dDf2 := 1/((1+tau)*(1+tau)) - 2*psi*dTau/((1+tau)*(1+tau)*(1+tau))
	dE := (dBias*dTau*(1-df2) + (noise+bias)*dDf2) / ((1 - df2) * (1 - df2))
	return -psi / p.AlphaL * dE
}

// genErrorDAlphaU is ∂E_gen/∂α_u at fixed κ by a Richardson-extrapolated
// central difference in log α_u. The captured fractions are accurate to
// about 1e-13, so steps of 1e-3 and 5e-4 relative give about 1e-10 relative
// accuracy; tests compare it with the analytic derivative of the finite
// representation. Where κ = α_u sits on the edge of the admissible range
// the difference is one-sided.
//
// The full representation κ = 1 spans all of R^d whatever the unlabelled
// data, so there the derivative is exactly 0 rather than a difference of
// two equal numbers that rounding makes ±1e-13.
func genErrorDAlphaU(p Params, kappa float64, k int) (float64, error) {
	if k == 0 && kappa >= 1 {
		return 0, nil
	}
	e := func(au float64) (float64, error) {
		q := p
		q.AlphaU = au
		pt, err := evaluateSize(q, kappa, k)
		if err != nil {
			return 0, err
		}
		return pt.GenError, nil
	}
	au := p.AlphaU
	central := au*(1-2e-3) >= kappa || kappa == 0 || k > 0
	diff := func(h float64) (float64, error) {
		if central {
			hi, err := e(au * (1 + h))
			if err != nil {
				return 0, err
			}
			lo, err := e(au * (1 - h))
			if err != nil {
				return 0, err
			}
			return (hi - lo) / (2 * h * au), nil
		}
		// Forward differences, combined below into a second-order formula.
		e0, err := e(au)
		if err != nil {
			return 0, err
		}
		e1, err := e(au * (1 + h))
		if err != nil {
			return 0, err
		}
		e2, err := e(au * (1 + 2*h))
		if err != nil {
			return 0, err
		}
		return (-3*e0 + 4*e1 - e2) / (2 * h * au), nil
	}
	d1, err := diff(1e-3)
	if err != nil {
		return 0, fmt.Errorf("dE/dalpha_u: %w", err)
	}
	d2, err := diff(5e-4)
	if err != nil {
		return 0, fmt.Errorf("dE/dalpha_u: %w", err)
	}
	return (4*d2 - d1) / 3, nil
}

// genErrorDAlphaUOnEdge is d/dα_u of E_gen at κ = α_u < 1, the size moving
// with α_u: the same Richardson-extrapolated central difference in log α_u
// as genErrorDAlphaU, one-sided (backward) when a forward step would leave
// κ ≤ 1.
func genErrorDAlphaUOnEdge(p Params) (float64, error) {
	e := func(au float64) (float64, error) {
		q := p
		q.AlphaU = au
		return GenError(q, au)
	}
	au := p.AlphaU
	central := au*(1+2e-3) <= 1
	diff := func(h float64) (float64, error) {
		if central {
			hi, err := e(au * (1 + h))
			if err != nil {
				return 0, err
			}
			lo, err := e(au * (1 - h))
			if err != nil {
				return 0, err
			}
			return (hi - lo) / (2 * h * au), nil
		}
		e0, err := e(au)
		if err != nil {
			return 0, err
		}
		e1, err := e(au * (1 - h))
		if err != nil {
			return 0, err
		}
		e2, err := e(au * (1 - 2*h))
		if err != nil {
			return 0, err
		}
		return (3*e0 - 4*e1 + e2) / (2 * h * au), nil
	}
	d1, err := diff(1e-3)
	if err != nil {
		return 0, fmt.Errorf("dE/dalpha_u along kappa=alpha_u: %w", err)
	}
	d2, err := diff(5e-4)
	if err != nil {
		return 0, fmt.Errorf("dE/dalpha_u along kappa=alpha_u: %w", err)
	}
	return (4*d2 - d1) / 3, nil
}

// IsoErrorAlphaU returns the α_u at which the generalisation error at p's α_l
// equals target: one point of an iso-error contour in the (α_l, α_u) plane
// (docs/theory.md §5). With optimised set the error is the one at the
// optimal κ*, otherwise at the fixed κ (which must stay admissible, so the
// search starts at α_u = κ). The search is a bisection in log α_u over
// [lo, hi]; ok is false when the target is not crossed there.
func IsoErrorAlphaU(p Params, kappa float64, optimised bool, target, lo, hi float64) (alphaU float64, ok bool, err error) {
	if !(lo > 0) || !(hi > lo) || math.IsInf(hi, 0) {
		return 0, false, fmt.Errorf("iso-error contour: need 0 < lo < hi < Inf, got lo=%g hi=%g", lo, hi)
	}
	if !optimised {
		lo = math.Max(lo, kappa)
	}
	gen := func(au float64) (float64, error) {
		q := p
		q.AlphaU = au
		if optimised {
			opt, err := OptimalKappa(q)
			return opt.GenError, err
		}
		return GenError(q, kappa)
	}
	eLo, err := gen(lo)
	if err != nil {
		return 0, false, fmt.Errorf("iso-error contour: %w", err)
	}
	eHi, err := gen(hi)
	if err != nil {
		return 0, false, fmt.Errorf("iso-error contour: %w", err)
	}
	if (eLo-target)*(eHi-target) > 0 {
		return 0, false, nil
	}
	for hi/lo-1 > 1e-10 {
		mid := math.Sqrt(lo * hi)
		e, err := gen(mid)
		if err != nil {
			return 0, false, fmt.Errorf("iso-error contour: %w", err)
		}
		if (e-target)*(eLo-target) > 0 {
			lo, eLo = mid, e
		} else {
			hi = mid
		}
	}
	return math.Sqrt(lo * hi), true, nil
}
