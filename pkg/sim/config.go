package sim

import (
	"fmt"
	"math"

	"github.com/optrep/optrep/pkg/theory"
)

// Config describes a Monte Carlo run of the model at finite dimension.
type Config struct {
	// Params are the model parameters; the spikes Theta fix r = len(Theta).
	Params theory.Params
	// D is the ambient dimension d; it must exceed the number of spikes r
	// so that the task's orthogonal direction w exists.
	D int
	// Seeds is the number of independent trials, at least 1. With a single
	// trial every StdErr is NaN.
	Seeds int
	// Seed is the base seed; trial t draws its unlabelled inputs, task,
	// labelled inputs and label noise from four PCG streams seeded with
	// (Seed, 4t), …, (Seed, 4t+3).
	Seed uint64
	// Workers is the number of trials run concurrently; 0 means
	// runtime.GOMAXPROCS(0). It never changes the results.
	Workers int
	// Progress, if not nil, is called after each trial completes with the
	// number of completed trials and the total. Calls are serialised.
	Progress func(done, total int)
}

// NU is the number of unlabelled samples n_u = round(α_u·d).
func (c Config) NU() int { return roundCount(c.Params.AlphaU, c.D) }

// NL is the number of labelled samples n_l = round(α_l·d).
func (c Config) NL() int { return roundCount(c.Params.AlphaL, c.D) }

// MaxK is the largest admissible representation size min(d, n_u).
func (c Config) MaxK() int { return min(c.D, c.NU()) }

// MaxD is the largest ambient dimension a simulation accepts.
const MaxD = 100000

// maxCount bounds n_u and n_l, whose data matrices have n·d entries.
const maxCount = math.MaxInt32

func roundCount(alpha float64, d int) int {
	v := math.Round(alpha * float64(d))
	if !(v >= 0) || v > maxCount {
		return 0
	}
	return int(v)
}

// Validate reports the first field outside its domain, naming it.
func (c Config) Validate() error {
	if c.D < 1 {
		return fmt.Errorf("d=%d: must be >= 1", c.D)
	}
	if c.D > MaxD {
		return fmt.Errorf("d=%d: must be <= %d (one d×d matrix of float64 takes 8d² bytes, 80 GB at d = 100000)", c.D, MaxD)
	}
	if c.Seeds < 1 {
		return fmt.Errorf("seeds=%d: must be >= 1", c.Seeds)
	}
	if c.Workers < 0 {
		return fmt.Errorf("workers=%d: must be >= 0 (0 means GOMAXPROCS)", c.Workers)
	}
	if err := c.Params.Validate(); err != nil {
		return fmt.Errorf("params: %w", err)
	}
	if r := len(c.Params.Theta); r >= c.D {
		return fmt.Errorf("d=%d: must exceed the number of spikes r=%d", c.D, r)
	}
	for _, n := range []struct {
		name  string
		alpha float64
	}{{"n_u = round(alpha_u*d)", c.Params.AlphaU}, {"n_l = round(alpha_l*d)", c.Params.AlphaL}} {
		if v := math.Round(n.alpha * float64(c.D)); v > maxCount {
			return fmt.Errorf("%s = round(%g*%d) = %g: must be <= %d", n.name, n.alpha, c.D, v, maxCount)
		}
	}
	if c.NU() < 1 {
		return fmt.Errorf("n_u = round(alpha_u*d) = round(%g*%d) = %d: must be >= 1", c.Params.AlphaU, c.D, c.NU())
	}
	if c.NL() < 1 {
		return fmt.Errorf("n_l = round(alpha_l*d) = round(%g*%d) = %d: must be >= 1", c.Params.AlphaL, c.D, c.NL())
	}
	return nil
}

// checkKs reports the first representation size outside [1, min(d, n_u)].
func (c Config) checkKs(ks []int) error {
	if len(ks) == 0 {
		return fmt.Errorf("ks: at least one representation size is required")
	}
	maxK := c.MaxK()
	for i, k := range ks {
		if k < 1 || k > maxK {
			return fmt.Errorf("ks[%d]: k=%d outside [1, min(d, n_u)] = [1, %d]", i, k, maxK)
		}
	}
	return nil
}

// KFromKappa converts a representation size κ = k/d to a number of
// components: max(1, round(κ·d)), except that κ = 0 means the r spike
// components only (k = r). A negative, non-finite or overflowing κ gives 0, which every
// entry point rejects. The result is not clamped to min(d, n_u).
func KFromKappa(kappa float64, d, r int) int {
	switch {
	case math.IsNaN(kappa) || math.IsInf(kappa, 0) || kappa < 0:
		return 0
	case kappa == 0:
		return r
	}
	v := math.Round(kappa * float64(d))
	if v > math.MaxInt32 {
		return 0
	}
	return max(1, int(v))
}
