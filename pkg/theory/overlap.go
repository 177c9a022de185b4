package theory

import "math"

// TopOverlap is the squared overlap between a spike direction of strength θ
// and the outlier eigenvector it creates (docs/theory.md §2, BBP transition):
//
//	c_top(θ, γ) = (1 − γ/θ²) / (1 + γ/θ)   if θ > √γ,   else 0.
//
// Below the threshold θ ≤ √γ no outlier separates from the bulk.
func TopOverlap(theta, gamma float64) float64 {
	if theta*theta <= gamma {
		return 0
	}
	return (1 - gamma/(theta*theta)) / (1 + gamma/theta)
}

// BulkOverlap is the overlap density φ_τ(λ) between a bulk eigenvector of
// eigenvalue λ and a population direction of variance τ (docs/theory.md §2):
// |⟨v_λ, u⟩|² ≈ φ_τ(λ)/d with
//
//	φ_τ(λ) = γ λ τ / [ (τ(1 − γ + λ)/2 − λ)² + τ² (4γ − (λ − 1 − γ)²)/4 ].
//
// It is defined on the bulk [λ₋, λ₊] and is 0 outside. φ₁ ≡ 1 (a noise
// direction is spread evenly); for a spike, τ = 1 + θ and at the upper edge
// φ_{1+θ}(λ₊) = γ(1+θ)/(θ − √γ)², which diverges at the BBP threshold.
func BulkOverlap(tau, lambda, gamma float64) float64 {
	lo, hi := MPEdges(gamma)
	if lambda < lo || lambda > hi {
		return 0
	}
	if lambda == 0 { // γ = 1 at its lower edge, where the formula reads 0/0
		return 1 / tau
	}
	return bulkOverlapAngle(tau, mpAngle(lambda, gamma), gamma)
}

// bulkOverlapAngle is φ_τ at the eigenvalue of angle u (see mpAngle). With
// λ = 1 + γ + h cos u and h = 2√γ the denominator becomes
// (τ − 1 − γ + (τ/2 − 1) h cos u)² + (τ h/2)² sin² u, which is exactly
// positive inside the bulk.
func bulkOverlapAngle(tau, u, gamma float64) float64 {
	h := 2 * math.Sqrt(gamma)
	c, s := math.Cos(u), math.Sin(u)
	a := tau - 1 - gamma + (tau/2-1)*h*c
	b := tau * h / 2 * s
	lambda := 1 + gamma + h*c
	return gamma * lambda * tau / (a*a + b*b)
}
