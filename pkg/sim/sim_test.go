package sim

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/optrep/optrep/pkg/theory"
)

// cTop is docs/theory.md §2's squared overlap of a supercritical spike's
// outlier eigenvector with its direction, coded here independently of
// pkg/theory: (1 − γ/θ²)/(1 + γ/θ) for θ > √γ, else 0.
func cTop(theta, gamma float64) float64 {
	if theta <= math.Sqrt(gamma) {
		return 0
	}
	return (1 - gamma/(theta*theta)) / (1 + gamma/theta)
}

// meanStdErr returns the mean of xs and its standard error.
func meanStdErr(xs []float64) (float64, float64) {
	e := estimate(xs)
	return e.Mean, e.StdErr
}

func TestFiniteSizeOLSIdentity(t *testing.T) {
	// For λ = 0 and k < n_l − 1, E[E_gen | P] = σ_eff²_P (n_l − 1)/(n_l − k − 1)
	// holds exactly at every finite size (docs/theory.md §3), so the per-trial
	// difference has mean zero and a 3-standard-error band is an honest test
	// (a false failure has probability ~0.3% per size at a fixed seed).
	cases := []struct {
		name   string
		params theory.Params
		ks     []int
	}{
		{"on the covariance path", theory.Params{Theta: []float64{4, 1.5}, B: []float64{1, 0.5}, BPerp: 0.6, Sigma: 0.5, AlphaU: 2, AlphaL: 1.5}, []int{1, 2, 20, 60, 100}},
		{"on the Gram path with a weak spike", theory.Params{Theta: []float64{3, 0.3}, B: []float64{0.8, 1}, BPerp: 1, Sigma: 0.2, AlphaU: 0.8, AlphaL: 1.5}, []int{2, 40, 80}},
	}
	for _, tc := range cases {
		cfg := Config{Params: tc.params, D: 100, Seeds: 300, Seed: 7}
		recs, err := Trials(context.Background(), cfg, tc.ks)
		if err != nil {
			t.Fatal(err)
		}
		nl := float64(cfg.NL())
		for i, k := range tc.ks {
			t.Run(fmt.Sprintf("mean OLS error matches the exact finite-size identity %s at k=%d", tc.name, k), func(t *testing.T) {
				diff := make([]float64, len(recs))
				gen := make([]float64, len(recs))
				for s, r := range recs {
					want := (tc.params.Sigma*tc.params.Sigma + r[i].Misspecification) * (nl - 1) / (nl - float64(k) - 1)
					diff[s] = r[i].GenError - want
					gen[s] = r[i].GenError
				}
				m, se := meanStdErr(diff)
				g, _ := meanStdErr(gen)
				t.Logf("E_gen ≈ %.4g, E_gen − identity = %.3g ± %.2g", g, m, se)
				if math.Abs(m) > 3*se {
					t.Errorf("mean E_gen − identity = %.4g ± %.2g (E_gen ≈ %.4g): more than 3 standard errors", m, se, g)
				}
			})
		}
	}
}

func TestCapturedFractionOfStrongSpikes(t *testing.T) {
	// γ = 1/α_u = 0.5 and both spikes well above √γ ≈ 0.71. The per-trial
	// overlap fluctuates by O(1/sqrt(d)), which the standard error covers; the
	// mean's finite-size bias is O(1/d) with an O(1) constant that grows near
	// the threshold, so we allow 3 standard errors plus 5/d (≈ 0.017 at d = 300).
	p := theory.Params{Theta: []float64{4, 2}, B: []float64{1, 1}, BPerp: 1, Sigma: 0.5, AlphaU: 2, AlphaL: 1}
	cfg := Config{Params: p, D: 300, Seeds: 20, Seed: 3}
	pts, err := Sweep(context.Background(), cfg, []int{2})
	if err != nil {
		t.Fatal(err)
	}
	gamma := 1 / p.AlphaU
	slack := 5 / float64(cfg.D)
	for i, th := range p.Theta {
		t.Run(fmt.Sprintf("spike %d with theta=%g captures c_top", i, th), func(t *testing.T) {
			got, want := pts[0].Captured[i], cTop(th, gamma)
			t.Logf("captured = %.4f ± %.4f, c_top = %.4f", got.Mean, got.StdErr, want)
			if math.Abs(got.Mean-want) > 3*got.StdErr+slack {
				t.Errorf("captured = %.4f ± %.4f, c_top = %.4f (tolerance %.4f)", got.Mean, got.StdErr, want, 3*got.StdErr+slack)
			}
		})
	}
}

func TestRecordInvariants(t *testing.T) {
	p := theory.Params{Theta: []float64{3, 1}, B: []float64{1, -1}, BPerp: 0.8, Sigma: 0.4, AlphaU: 1.5, AlphaL: 0.7}
	cfg := Config{Params: p, D: 80, Seeds: 5, Seed: 11}
	ks := []int{1, 2, 10, 40, 56, 57, 70, 80}
	recs, err := Trials(context.Background(), cfg, ks)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("captured fractions lie in [0, 1] and grow with k", func(t *testing.T) {
		for s, r := range recs {
			for i := range r {
				for j, c := range r[i].Captured {
					if c < 0 || c > 1+1e-12 || (i > 0 && c < r[i-1].Captured[j]-1e-12) {
						t.Fatalf("trial %d, k=%d, spike %d: captured %g (previous k: %v)", s, ks[i], j, c, r[max(i-1, 0)].Captured)
					}
				}
			}
		}
	})
	t.Run("the full representation captures everything and is not misspecified", func(t *testing.T) {
		// k = d: P is orthogonal, so rounding (~1e-13 after an 80×80 eigensolve) is all that remains.
		for s, r := range recs {
			last := r[len(ks)-1]
			for j, c := range last.Captured {
				if math.Abs(c-1) > 1e-12 {
					t.Errorf("trial %d: captured[%d] = %g at k=d, want 1", s, j, c)
				}
			}
			if last.Misspecification > 1e-12 {
				t.Errorf("trial %d: misspecification %g at k=d, want 0", s, last.Misspecification)
			}
		}
	})
	t.Run("no probe beats the best-in-class error", func(t *testing.T) {
		for s, r := range recs {
			for i, rec := range r {
				if floor := p.Sigma*p.Sigma + rec.Misspecification; rec.GenError < floor*(1-1e-12) {
					t.Errorf("trial %d, k=%d: E_gen = %g below σ² + misspecification = %g", s, ks[i], rec.GenError, floor)
				}
			}
		}
	})
	t.Run("misspecification shrinks as the representation grows", func(t *testing.T) {
		for s, r := range recs {
			for i := 1; i < len(r); i++ {
				if r[i].Misspecification > r[i-1].Misspecification*(1+1e-12)+1e-14 {
					t.Errorf("trial %d: misspecification grows from %g (k=%d) to %g (k=%d)", s, r[i-1].Misspecification, ks[i-1], r[i].Misspecification, ks[i])
				}
			}
		}
	})
}

func TestProbeLimits(t *testing.T) {
	t.Run("a huge ridge gives zero weights, so E_gen is sigma² plus the task's variance", func(t *testing.T) {
		p := theory.Params{Theta: []float64{4, 1}, B: []float64{1, 0.5}, BPerp: 0.7, Sigma: 0.3, Lambda: 1e9, AlphaU: 2, AlphaL: 1}
		cfg := Config{Params: p, D: 60, Seeds: 3}
		recs, err := Trials(context.Background(), cfg, []int{1, 30, 60})
		if err != nil {
			t.Fatal(err)
		}
		// βᵀΣβ = Σ b_i²(1+θ_i) + b_⊥² exactly, because w is a unit vector orthogonal to the spikes.
		want := p.Sigma*p.Sigma + p.BPerp*p.BPerp
		for i, th := range p.Theta {
			want += p.B[i] * p.B[i] * (1 + th)
		}
		for s, r := range recs {
			for _, rec := range r {
				// ŵ = O(‖Zᵀy‖/(n_l λ)) ≈ 1e-9, so E_gen differs from the zero-weight value by O(1e-9).
				if math.Abs(rec.GenError-want) > 1e-7*want {
					t.Errorf("trial %d, k=%d: E_gen = %.12g, want %.12g", s, rec.K, rec.GenError, want)
				}
			}
		}
	})
	t.Run("min-norm least squares interpolates once k exceeds n_l", func(t *testing.T) {
		p := theory.Params{Theta: []float64{4}, B: []float64{1}, BPerp: 0.7, Sigma: 0.3, AlphaU: 2, AlphaL: 0.5}
		cfg := Config{Params: p, D: 100, Seeds: 3}
		nl := cfg.NL()
		recs, err := Trials(context.Background(), cfg, []int{nl + 3, nl + 20, 100})
		if err != nil {
			t.Fatal(err)
		}
		for s, r := range recs {
			for _, rec := range r {
				// The mean squared label is O(1); an interpolator leaves only
				// rounding, (cond(Z)·1e-16)² ≲ 1e-24 even for k = n_l + 3.
				if rec.TrainError > 1e-20 || math.IsNaN(rec.TrainError) {
					t.Errorf("trial %d, k=%d (n_l=%d): E_train = %g, want ≈ 0", s, rec.K, nl, rec.TrainError)
				}
			}
		}
	})
	t.Run("k = n_l exactly does not fail", func(t *testing.T) {
		p := theory.Params{Theta: []float64{4}, B: []float64{1}, BPerp: 0.7, Sigma: 0.3, AlphaU: 2, AlphaL: 0.5}
		cfg := Config{Params: p, D: 100, Seeds: 2}
		if _, err := Sweep(context.Background(), cfg, []int{cfg.NL()}); err != nil {
			t.Fatal(err)
		}
	})
}
