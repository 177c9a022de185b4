package theory

import (
	"fmt"
	"testing"
)

func TestJointOptimumBeatsEveryRidgeOnAGrid(t *testing.T) {
	for _, c := range []struct{ alphaU, alphaL float64 }{{1, 0.05}, {1, 0.8}, {0.3, 2}, {5, 0.3}} {
		t.Run(fmt.Sprintf("alpha_u=%g alpha_l=%g", c.alphaU, c.alphaL), func(t *testing.T) {
			p := reference()
			p.AlphaU, p.AlphaL = c.alphaU, c.alphaL
			joint, err := OptimalKappaRidge(p)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range []float64{0, 1e-3, 0.01, 0.03, 0.1, 0.3, 1, 3} {
				q := p
				q.Lambda = l
				o, err := OptimalKappa(q)
				if err != nil {
					t.Fatal(err)
				}
				if o.GenError < joint.GenError*(1-1e-9) {
					t.Errorf("lambda=%g gives %.10g < joint optimum %.10g at lambda*=%g", l, o.GenError, joint.GenError, joint.Lambda)
				}
			}
			// Optimal ridge can only help.
			p.Lambda = 0
			ridgeless, _ := OptimalKappa(p)
			if joint.GenError > ridgeless.GenError {
				t.Errorf("joint %g worse than ridgeless %g", joint.GenError, ridgeless.GenError)
			}
		})
	}
}
