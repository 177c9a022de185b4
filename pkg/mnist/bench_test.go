package mnist

import (
	"context"
	"testing"

	"github.com/optrep/optrep/pkg/ae"
)

// loadOrSkip loads the real MNIST data, skipping the benchmark without it.
func loadOrSkip(b *testing.B) (train, test *Set) {
	b.Helper()
	train, test, err := LoadDefault()
	if err != nil {
		b.Skip(err)
	}
	return train, test
}

// BenchmarkRun times one draw of the notebook's PCA grid on the real data:
// three unlabelled set sizes, three labelled set sizes, fifteen k, with the
// theory's prediction.
func BenchmarkRun(b *testing.B) {
	train, test := loadOrSkip(b)
	cfg := Config{NU: []int{100, 1000, 50000}, NL: []int{50, 500, 5000},
		K:     []int{1, 2, 3, 5, 8, 12, 20, 30, 50, 80, 120, 200, 300, 500, 784},
		Ridge: 1e-3, Draws: 2, Seed: 1, Predict: true}
	for b.Loop() {
		if _, err := Run(context.Background(), train, test, cfg); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRunAE times the notebook's quick autoencoder grid, one draw's worth.
func BenchmarkRunAE(b *testing.B) {
	train, test := loadOrSkip(b)
	cfg := AEConfig{NU: []int{100, 1000}, NL: []int{50, 500, 5000}, K: []int{2, 8, 30}, Draws: 2, Seed: 1, Ridge: 1e-3,
		Acts:  []ae.Activation{ae.Linear, ae.Tanh},
		Train: ae.Config{Optimizer: ae.Adam, LR: 0.003, Steps: 200, BatchSize: 100, Every: 50, Tol: 1e-4}}
	for b.Loop() {
		if _, err := RunAE(context.Background(), train, test, cfg); err != nil {
			b.Fatal(err)
		}
	}
}
