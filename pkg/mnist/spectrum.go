package mnist

import (
	"fmt"
	"math"
	"sort"

	"github.com/optrep/optrep/pkg/theory"
)

// SpikeFit is the spiked covariance model σ_n²(I + Σ_i θ_i u_iu_iᵀ) fitted to
// the spectrum of a sample covariance (docs/theory.md §2).
type SpikeFit struct {
	// Gamma is d/n, with n the number of centred samples minus one (centring
	// removes one degree of freedom).
	Gamma float64
	// Noise is the bulk level σ_n²: the eigenvalues divided by it have a
	// bulk that follows the Marchenko–Pastur law of ratio Gamma.
	Noise float64
	// Theta are the strengths of the spikes behind the outlier eigenvalues
	// (in units of Noise), in decreasing order.
	Theta []float64
	// Edge is the upper bulk edge (1 + √γ)² in units of Noise.
	Edge float64
}

// Outliers is the number of spikes found.
func (f SpikeFit) Outliers() int { return len(f.Theta) }

// SpikeFromOutlier inverts the BBP relation between a spike θ > √γ and the
// outlier eigenvalue it produces, λ = (1 + θ)(1 + γ/θ) (both in units of the
// bulk noise level): θ is the larger root of θ² − (λ − 1 − γ)θ + γ = 0,
//
//	θ = [(λ − 1 − γ) + sqrt((λ − 1 − γ)² − 4γ)] / 2,
//
// defined for λ ≥ (1 + √γ)², where it equals √γ; below the edge it is NaN.
func SpikeFromOutlier(lambda, gamma float64) float64 {
	a := lambda - 1 - gamma
	disc := a*a - 4*gamma
	if lambda < (1+math.Sqrt(gamma))*(1+math.Sqrt(gamma)) || a < 0 {
		return math.NaN()
	}
	return (a + math.Sqrt(math.Max(disc, 0))) / 2
}

// OutlierFromSpike is the BBP outlier location (1 + θ)(1 + γ/θ) of a spike
// θ > √γ, and the bulk edge (1 + √γ)² for θ ≤ √γ.
func OutlierFromSpike(theta, gamma float64) float64 {
	if theta <= math.Sqrt(gamma) {
		return (1 + math.Sqrt(gamma)) * (1 + math.Sqrt(gamma))
	}
	return (1 + theta) * (1 + gamma/theta)
}

// FitSpikes fits the spiked model to the eigenvalues (any order) of the
// centred sample covariance of n samples in d dimensions.
//
// The noise level is fixed by matching the median eigenvalue to the median of
// the Marchenko–Pastur law: σ_n² = median/q, where q is the MP median (the
// quantile with half of the continuous mass min(1, 1/γ) above it) and the median is taken over
// the whole spectrum up to the rank (in the spiked model r ≪ d outliers
// barely move it). Each outlier ℓ then gives θ = SpikeFromOutlier(ℓ/σ_n², γ).
// Zero eigenvalues beyond the rank min(d, n − 1) are ignored.
func FitSpikes(values []float64, d, n int) (SpikeFit, error) {
	if n < 3 || d < 2 {
		return SpikeFit{}, fmt.Errorf("spike fit: d=%d, n=%d: need d ≥ 2 and n ≥ 3", d, n)
	}
	rank := min(d, n-1)
	if len(values) < rank {
		return SpikeFit{}, fmt.Errorf("spike fit: %d eigenvalues, need the rank min(d, n−1)=%d", len(values), rank)
	}
	ev := append([]float64(nil), values...)
	sort.Sort(sort.Reverse(sort.Float64Slice(ev)))
	ev = ev[:rank]
	gamma := float64(d) / float64(n-1)
	edge := (1 + math.Sqrt(gamma)) * (1 + math.Sqrt(gamma))
	mass := math.Min(1, 1/gamma) // MP continuous mass, per dimension
	// One step, not a fixed point: on a power-law spectrum (MNIST) removing
	// the outliers lowers the median, which makes more outliers, and the
	// iteration runs away to the smallest eigenvalues. The median of the
	// whole spectrum is robust as long as fewer than half are outliers.
	med := median(ev)
	q, err := theory.MPUpperQuantile(0.5*mass, gamma)
	if err != nil {
		return SpikeFit{}, fmt.Errorf("spike fit: %w", err)
	}
	if !(med > 0) {
		return SpikeFit{}, fmt.Errorf("spike fit: the median eigenvalue is %g; the spectrum is degenerate", med)
	}
	noise := med / q
	r := 0
	for r < rank-1 && ev[r]/noise > edge {
		r++
	}
	fit := SpikeFit{Gamma: gamma, Noise: noise, Edge: edge}
	for _, l := range ev[:r] {
		fit.Theta = append(fit.Theta, SpikeFromOutlier(l/noise, gamma))
	}
	return fit, nil
}

// median of values sorted in decreasing order.
func median(desc []float64) float64 {
	n := len(desc)
	if n == 0 {
		return math.NaN()
	}
	if n%2 == 1 {
		return desc[n/2]
	}
	return (desc[n/2-1] + desc[n/2]) / 2
}
