package mnist

import (
	"context"
	"math"
	"runtime"
	"strings"
	"testing"

	"github.com/optrep/optrep/pkg/ae"
)

func smallAEConfig() AEConfig {
	return AEConfig{NU: []int{50, 120}, NL: []int{20, 60}, K: []int{2, 5, 60}, Draws: 2, Seed: 3, Ridge: 1e-3,
		Acts:  []ae.Activation{ae.Linear, ae.Tanh},
		Train: ae.Config{Optimizer: ae.Adam, LR: 0.003, Steps: 60, BatchSize: 50, Every: 20}}
}

// TestRunAEIsBitIdenticalWhateverTheWorkers runs a small experiment with one
// worker under GOMAXPROCS=1 and with three under GOMAXPROCS=2.
func TestRunAEIsBitIdenticalWhateverTheWorkers(t *testing.T) {
	train, test := randomSet(300, 8), randomSet(40, 9)
	run := func(procs, workers int) *AEResult {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		cfg := smallAEConfig()
		cfg.Workers = workers
		r, err := RunAE(context.Background(), train, test, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	a, b := run(1, 1), run(2, 3)
	for ia := range a.MSE {
		for iu := range a.MSE[ia] {
			for il := range a.MSE[ia][iu] {
				for ik := range a.MSE[ia][iu][il] {
					for d := range a.MSE[ia][iu][il][ik] {
						x, y := a.MSE[ia][iu][il][ik][d], b.MSE[ia][iu][il][ik][d]
						if math.Float64bits(x) != math.Float64bits(y) {
							t.Fatalf("test error differs at %d,%d,%d,%d,%d: %v vs %v", ia, iu, il, ik, d, x, y)
						}
					}
				}
			}
		}
	}
	// Width 60 exceeds the rank n_u − 1 = 49 at n_u = 50 only (where the batch of 50 is the whole set).
	if !math.IsNaN(a.MSE[0][0][0][2][0]) || math.IsNaN(a.MSE[0][1][0][2][0]) {
		t.Error("k=60 should be NaN at n_u=50 and defined at n_u=120")
	}
	for ia := range a.Loss {
		if l := a.Loss[ia][1][1][0]; !(l > 0) {
			t.Errorf("encoder %d: reconstruction loss %v, want > 0", ia, l)
		}
	}
	if best := a.BestK(0, 1, 1, 2); best.K < 0 || best.Lo > best.K || best.Hi < best.K {
		t.Errorf("best %+v is not in its own plausible range", best)
	}
}

func TestAEConfigValidateNamesTheField(t *testing.T) {
	tests := []struct {
		name string
		edit func(*AEConfig)
		want string
	}{
		{"no encoder", func(c *AEConfig) { c.Acts = nil }, "encoders"},
		{"a zero learning rate", func(c *AEConfig) { c.Train.LR = 0 }, "lr=0"},
		{"a single draw", func(c *AEConfig) { c.Draws = 1 }, "draws=1"},
		{"overlapping sets", func(c *AEConfig) { c.NU = []int{290} }, "exceeds"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := smallAEConfig()
			tc.edit(&c)
			err := c.Validate(300)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}
