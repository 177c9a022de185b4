package theory

import (
	"fmt"
	"math"
)

// Params are the fixed parameters of the two-stage model of docs/theory.md §1:
// the spiked covariance, the task, the label noise, the probe's ridge and the
// two sample ratios. The representation size κ is not a field because most
// questions sweep or optimise it.
type Params struct {
	// Theta holds the spike strengths θ_1 ≥ θ_2 ≥ … ≥ θ_r > 0. At least one
	// spike is required.
	Theta []float64
	// B holds the task's components b_i along the spike directions; it has
	// the same length as Theta. Only b_i² enters the errors.
	B []float64
	// BPerp is the task's component b_⊥ along a direction orthogonal to
	// every spike. Only b_⊥² enters the errors.
	BPerp float64
	// Sigma is the label-noise standard deviation σ ≥ 0.
	Sigma float64
	// Lambda is the probe's ridge λ ≥ 0; 0 means minimum-norm least squares.
	Lambda float64
	// AlphaU = n_u/d > 0 is the unlabelled sample ratio.
	AlphaU float64
	// AlphaL = n_l/d > 0 is the labelled sample ratio.
	AlphaL float64
}

// Validate reports the first parameter that is outside its domain, naming
// it and the bound it violates.
func (p Params) Validate() error {
	if len(p.Theta) == 0 {
		return fmt.Errorf("theta: at least one spike is required")
	}
	if len(p.B) != len(p.Theta) {
		return fmt.Errorf("b: has %d components but theta has %d spikes", len(p.B), len(p.Theta))
	}
	for i, t := range p.Theta {
		if !isFinite(t) || t <= 0 {
			return fmt.Errorf("theta[%d]=%g: must be finite and > 0", i, t)
		}
		if i > 0 && t > p.Theta[i-1] {
			return fmt.Errorf("theta[%d]=%g: spikes must be non-increasing (theta[%d]=%g)", i, t, i-1, p.Theta[i-1])
		}
	}
	for i, b := range p.B {
		if !isFinite(b) {
			return fmt.Errorf("b[%d]=%g: must be finite", i, b)
		}
	}
	checks := []struct {
		name     string
		v        float64
		positive bool // strictly > 0; otherwise ≥ 0 (or any finite value for b_perp)
		signed   bool
	}{
		{"b_perp", p.BPerp, false, true},
		{"sigma", p.Sigma, false, false},
		{"lambda", p.Lambda, false, false},
		{"alpha_u", p.AlphaU, true, false},
		{"alpha_l", p.AlphaL, true, false},
	}
	for _, c := range checks {
		switch {
		case !isFinite(c.v):
			return fmt.Errorf("%s=%g: must be finite", c.name, c.v)
		case c.signed:
		case c.positive && c.v <= 0:
			return fmt.Errorf("%s=%g: must be > 0", c.name, c.v)
		case c.v < 0:
			return fmt.Errorf("%s=%g: must be >= 0", c.name, c.v)
		}
	}
	return nil
}

// Gamma is the aspect ratio γ = d/n_u = 1/α_u of the unlabelled data.
func (p Params) Gamma() float64 { return 1 / p.AlphaU }

// MaxKappa is the largest admissible representation size, min(1, α_u):
// a representation never has more components than the data has rank.
func (p Params) MaxKappa() float64 { return math.Min(1, p.AlphaU) }

// CheckKappa reports whether κ lies in the admissible range [0, min(1, α_u)].
func (p Params) CheckKappa(kappa float64) error {
	if !isFinite(kappa) || kappa < 0 {
		return fmt.Errorf("kappa=%g: must be finite and >= 0", kappa)
	}
	if m := p.MaxKappa(); kappa > m {
		return fmt.Errorf("kappa=%g: exceeds min(1, alpha_u)=%g", kappa, m)
	}
	return nil
}

func isFinite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
