package ae_test

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/optrep/optrep/pkg/ae"
	"github.com/optrep/optrep/pkg/theory"
)

// Two planes in R³ that share the x axis and meet at 30° otherwise.
func ExamplePrincipalAngles() {
	a := mat.NewDense(3, 2, []float64{
		1, 0,
		0, 1,
		0, 0,
	})
	c, s := math.Cos(math.Pi/6), math.Sin(math.Pi/6)
	b := mat.NewDense(3, 2, []float64{
		2, 0,
		0, c,
		0, s,
	})
	angles, err := ae.PrincipalAngles(a, b)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, t := range angles {
		fmt.Printf("%.4f degrees\n", t*180/math.Pi)
	}
	// Output:
	// 0.0000 degrees
	// 30.0000 degrees
}

// Regime (a) of notebook 04 at d = 100: n_u = round(4·100), n_l = round(0.3·100).
func ExampleCounts() {
	p := theory.Params{Theta: []float64{4, 1.5}, B: []float64{0.6, 0.5}, AlphaU: 4, AlphaL: 0.3}
	nu, nl := ae.Counts(p, 100)
	fmt.Println(nu, nl)
	// Output:
	// 400 30
}
