package theory

import (
	"fmt"
	"math"
)

// BulkCaptured is the part of a spike of strength θ captured by the bulk
// eigenvectors above the MP quantile λ_κ (docs/theory.md §2):
//
//	∫_{λ_κ}^{λ₊} φ_{1+θ}(λ) ρ_γ(λ) dλ.
//
// κ must lie in [0, min(1, 1/γ)]. Over the whole bulk it equals
// RowSpaceFraction(θ, γ) − TopOverlap(θ, γ).
func BulkCaptured(theta, gamma, kappa float64) (float64, error) {
	u, err := mpQuantileAngle(kappa, gamma)
	if err != nil {
		return 0, fmt.Errorf("bulk captured fraction: %w", err)
	}
	return bulkCapturedAngle(theta, gamma, u), nil
}

// bulkCapturedAngle evaluates the integral of BulkCaptured up to angle uMax
// (the angle of λ_κ); see bulkCapturedBetween.
func bulkCapturedAngle(theta, gamma, uMax float64) float64 {
	return bulkCapturedBetween(theta, gamma, 0, uMax)
}

// bulkCapturedBetween integrates the bulk overlap of a spike against the MP
// law between the angles ua ≤ ub. After λ = 1 + γ + h cos u, h = 2√γ, the
// integrand is the bounded function
//
//	(1/2π) τ h² sin² u / [ (τ − 1 − γ + (τ/2 − 1) h cos u)² + (τ h/2)² sin² u ],   τ = 1 + θ.
//
// Its denominator nearly vanishes at u = 0 when θ is close to the BBP
// threshold √γ, and at u = π when γ is close to 1; panels are graded towards
// u = 0 on [0, π/2] and towards u = π on [π/2, π], on scales set by those
// distances, so any sub-interval is integrated as accurately as the whole.
func bulkCapturedBetween(theta, gamma, ua, ub float64) float64 {
	if ub <= ua {
		return 0
	}
	tau := 1 + theta
	s := math.Sqrt(gamma)
	h := 2 * s
	// The coefficients are hoisted out of the integrand in the same order
	// of operations as written above, so the values are bit for bit those of
	// the direct expression.
	a0, a1, b1, num := tau-1-gamma, (tau/2-1)*h, tau*h/2, tau*h*h
	f := func(u float64) float64 {
		sn, c := math.Sincos(u)
		a := a0 + a1*c
		b := b1 * sn
		return num * sn * sn / (2 * math.Pi * (a*a + b*b))
	}
	// Scales of the structure near each end, relative to the angle.
	nearTop := 1e-3 * math.Min(1, math.Abs(theta-s)/(1+theta))
	nearBottom := 1e-3 * math.Min(1, math.Abs(1-s))
	var sum float64
	if ua < math.Pi/2 {
		sum += gradedIntegral(f, ua, math.Min(ub, math.Pi/2), 0, nearTop)
	}
	if ub > math.Pi/2 {
		g := func(v float64) float64 { return f(math.Pi - v) }
		sum += gradedIntegral(g, math.Pi-ub, math.Pi-math.Max(ua, math.Pi/2), 0, nearBottom)
	}
	return sum
}

// Captured is the limiting captured fraction c_i(κ) = ⟨u_i, P Pᵀ u_i⟩ of
// every spike for a representation of size κ = k/d > 0 (docs/theory.md §2):
//
//	c_i(κ) = c_top(θ_i, γ) + ∫_{λ_κ}^{λ₊} φ_{1+θ_i} ρ_γ dλ.
//
// κ = 0 gives the representation made of the r spike components only, in
// which each supercritical spike keeps its outlier: c_i = c_top(θ_i, γ).
func Captured(p Params, kappa float64) ([]float64, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := p.CheckKappa(kappa); err != nil {
		return nil, fmt.Errorf("captured fraction: %w", err)
	}
	gamma := p.Gamma()
	u, err := mpQuantileAngle(kappa, gamma)
	if err != nil {
		return nil, fmt.Errorf("captured fraction: %w", err)
	}
	c := make([]float64, len(p.Theta))
	for i, th := range p.Theta {
		c[i] = TopOverlap(th, gamma) + bulkCapturedAngle(th, gamma, u)
	}
	return c, nil
}

// CapturedFinite is the captured fraction of every spike for a finite
// representation of the top k ≤ r principal components (κ = 0, docs/theory.md
// §2): the first k spikes keep c_top(θ_i, γ) (which is 0 below the BBP
// threshold) and the others are lost.
func CapturedFinite(p Params, k int) ([]float64, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if k < 1 || k > len(p.Theta) {
		return nil, fmt.Errorf("captured fraction: k=%d must lie in [1, r=%d]", k, len(p.Theta))
	}
	c := make([]float64, len(p.Theta))
	for i := 0; i < k; i++ {
		c[i] = TopOverlap(p.Theta[i], p.Gamma())
	}
	return c, nil
}

// CapturedSlope is dc/dκ = φ_{1+θ}(λ_κ), the rate at which a spike of
// strength θ gains captured fraction as the representation grows
// (docs/theory.md §2).
func CapturedSlope(theta, gamma, kappa float64) (float64, error) {
	u, err := mpQuantileAngle(kappa, gamma)
	if err != nil {
		return 0, fmt.Errorf("captured slope: %w", err)
	}
	return bulkOverlapAngle(1+theta, u, gamma), nil
}

// RowSpaceFraction is the fraction of a spike direction of strength θ that
// lies in the span of the unlabelled samples, which is what the full
// representation κ = min(1, α_u) captures (docs/theory.md §2):
//
//	1                  for γ ≤ 1,
//	(1 + θ)/(θ + γ)    for γ > 1.
//
// For γ > 1 (fewer unlabelled samples than dimensions) the rest lies in the
// null space of the sample covariance, which no representation can use. By
// Sherman–Morrison the fraction is a/(1 + a) with a = (1+θ) g₁ᵀM⁻¹g₁ for a
// Wishart M with d − 1 degrees of freedom, and g₁ᵀM⁻¹g₁ → 1/(γ − 1).
func RowSpaceFraction(theta, gamma float64) float64 {
	if gamma <= 1 {
		return 1
	}
	return (1 + theta) / (theta + gamma)
}
