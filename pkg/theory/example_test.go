package theory_test

import (
	"fmt"

	"github.com/optrep/optrep/pkg/theory"
)

// A spike of strength 4 seen through as many samples as dimensions (γ = 1)
// keeps (1 − 1/16)/(1 + 1/4) = 0.75 of itself in its outlier eigenvector.
func ExampleTopOverlap() {
	fmt.Printf("%.4f\n", theory.TopOverlap(4, 1))
	// Output: 0.7500
}

// With only the spike components (κ = 0) and no ridge, the probe has
// finitely many features and infinitely many samples, so both errors equal
// σ² plus the misspecification.
func ExampleEvaluateFinite() {
	p := theory.Params{Theta: []float64{4}, B: []float64{1}, Sigma: 0.5, AlphaU: 1, AlphaL: 1}
	pt, _ := theory.EvaluateFinite(p, 1)
	// m = (1+θ)(1−c)/(1+θc) = 5·0.25/4 = 0.3125; E = 0.25 + 0.3125.
	fmt.Printf("m=%.4f E_gen=%.4f E_train=%.4f\n", pt.Misspecification, pt.GenError, pt.TrainError)
	// Output: m=0.3125 E_gen=0.5625 E_train=0.5625
}
