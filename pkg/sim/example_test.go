package sim_test

import (
	"fmt"

	"github.com/optrep/optrep/pkg/sim"
	"github.com/optrep/optrep/pkg/theory"
)

func ExampleKFromKappa() {
	const d, r = 1000, 2
	for _, kappa := range []float64{0, 0.0001, 0.25, 1} {
		fmt.Printf("kappa=%g -> k=%d\n", kappa, sim.KFromKappa(kappa, d, r))
	}
	// Output:
	// kappa=0 -> k=2
	// kappa=0.0001 -> k=1
	// kappa=0.25 -> k=250
	// kappa=1 -> k=1000
}

func ExampleConfig_Validate() {
	cfg := sim.Config{
		Params: theory.Params{Theta: []float64{4}, B: []float64{1}, Sigma: 0.5, AlphaU: 0.5, AlphaL: 0.0004},
		D:      1000,
		Seeds:  10,
	}
	fmt.Println("n_u =", cfg.NU())
	fmt.Println(cfg.Validate())
	// Output:
	// n_u = 500
	// n_l = round(alpha_l*d) = round(0.0004*1000) = 0: must be >= 1
}
