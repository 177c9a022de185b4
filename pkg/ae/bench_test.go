package ae

import (
	"context"
	"fmt"
	"testing"

	"github.com/optrep/optrep/pkg/theory"
)

// BenchmarkTrain times 200 full-batch Adam steps on n_u = 400, d = 100.
func BenchmarkTrain(b *testing.B) {
	p := theory.Params{Theta: []float64{4, 1.5}, B: []float64{0.6, 0.5}, BPerp: 0.62, Sigma: 0.3, AlphaU: 4, AlphaL: 0.3}
	dt, err := Generate(p, 100, 1, 0)
	if err != nil {
		b.Fatal(err)
	}
	for _, act := range []Activation{Linear, Tanh} {
		for _, k := range []int{2, 16} {
			b.Run(fmt.Sprintf("%s/k=%d", act, k), func(b *testing.B) {
				for b.Loop() {
					if _, _, err := Train(context.Background(), dt.XU, Config{K: k, Act: act, LR: 0.01, Steps: 200, Every: 25}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
