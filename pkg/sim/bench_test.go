package sim

import (
	"context"
	"math"
	"testing"

	"github.com/optrep/optrep/pkg/theory"
)

// benchTrial times one full trial (data, PCA, probe for 20 sizes, errors).
func benchTrial(b *testing.B, alphaU, alphaL, lambda float64) {
	benchTrialSizes(b, alphaU, alphaL, lambda, 20)
}

// benchTrialSizes times one full trial with nk representation sizes spread
// evenly up to min(d, n_u).
func benchTrialSizes(b *testing.B, alphaU, alphaL, lambda float64, nk int) {
	p := theory.Params{Theta: []float64{4, 2}, B: []float64{1, 0.5}, BPerp: 0.5, Sigma: 0.5, Lambda: lambda, AlphaU: alphaU, AlphaL: alphaL}
	cfg := Config{Params: p, D: 1000, Seeds: 1}
	if err := cfg.Validate(); err != nil {
		b.Fatal(err)
	}
	maxK := cfg.MaxK()
	ks := make([]int, nk)
	for i := range ks {
		ks[i] = max(1, (i+1)*maxK/len(ks))
	}
	if err := cfg.checkKs(ks); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := trial(context.Background(), cfg, i, ks, pathAuto); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTrialD1000 is the brief's reference case: d = n_u = n_l = 1000,
// ridgeless, 20 representation sizes up to k = d.
func BenchmarkTrialD1000(b *testing.B) { benchTrial(b, 1, 1, 0) }

// BenchmarkTrialD1000Ridge is the same with λ > 0 (one Cholesky for all k).
func BenchmarkTrialD1000Ridge(b *testing.B) { benchTrial(b, 1, 1, 0.1) }

// BenchmarkTrialD1000Gram uses n_u = d/2, so PCA goes through the Gram matrix.
func BenchmarkTrialD1000Gram(b *testing.B) { benchTrial(b, 0.5, 1, 0) }

// BenchmarkTrialD1000AllK is the simulation benchmark: one ridgeless
// trial at d = n_u = n_l = 1000 with the probe fitted at every k = 1, …, d
// (scripts/bench.sh times numpy doing the same).
func BenchmarkTrialD1000AllK(b *testing.B) { benchTrialSizes(b, 1, 1, 0, 1000) }

// BenchmarkTopEigenvectorsD1000 is the PCA step alone at d = n_u = 1000: the
// sample covariance and all of its eigenvectors, sorted (numpy's eigh in
// scripts/bench.sh).
func BenchmarkTopEigenvectorsD1000(b *testing.B) {
	const d = 1000
	xu := gaussianInputs(stream(1, 0, streamUnlabelled), d, d, []float64{math.Sqrt(5), math.Sqrt(3)})
	for b.Loop() {
		if _, err := topEigenvectors(xu, d, pathCovariance); err != nil {
			b.Fatal(err)
		}
	}
}
