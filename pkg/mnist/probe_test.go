package mnist

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"
)

// TestProbeMatchesDenseReference compares the nested-Cholesky probe with a
// direct solve of the penalised normal equations of the design [1, Z_k]:
// (AᵀA + n·diag(0, λ, …, λ)) x = AᵀY, for every k.
func TestProbeMatchesDenseReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	tests := []struct {
		name   string
		n, kK  int
		lambda float64
		ks     []int
	}{
		{"more samples than features, ridge 0.1", 40, 8, 0.1, []int{1, 3, 8}},
		{"fewer samples than features, tiny ridge", 6, 10, 1e-4, []int{2, 5, 6, 10}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			z := mat.NewDense(tc.n, tc.kK, nil)
			for i := range tc.n {
				for j := range tc.kK {
					z.Set(i, j, rng.NormFloat64()*float64(tc.kK-j)+0.3) // offset: the intercept matters
				}
			}
			labels := make([]uint8, tc.n)
			for i := range labels {
				labels[i] = uint8(rng.IntN(Classes))
			}
			y := OneHot(labels)
			p, err := FitProbe(z, y, tc.lambda, tc.ks)
			if err != nil {
				t.Fatal(err)
			}
			ztest := mat.NewDense(5, tc.kK, nil)
			for i := range 5 {
				for j := range tc.kK {
					ztest.Set(i, j, rng.NormFloat64())
				}
			}
			for i, k := range tc.ks {
				a := mat.NewDense(tc.n, k+1, nil)
				for r := range tc.n {
					a.Set(r, 0, 1)
					for j := range k {
						a.Set(r, j+1, z.At(r, j))
					}
				}
				var lhs mat.Dense
				lhs.Mul(a.T(), a)
				for j := 1; j <= k; j++ {
					lhs.Set(j, j, lhs.At(j, j)+float64(tc.n)*tc.lambda)
				}
				var rhs, x mat.Dense
				rhs.Mul(a.T(), y)
				if err := x.Solve(&lhs, &rhs); err != nil {
					t.Fatal(err)
				}
				at := mat.NewDense(5, k+1, nil)
				for r := range 5 {
					at.Set(r, 0, 1)
					for j := range k {
						at.Set(r, j+1, ztest.At(r, j))
					}
				}
				var want mat.Dense
				want.Mul(at, &x)
				got := p.Predict(i, ztest)
				// Both are backward-stable solves of systems with condition
				// number below 1e6 here: 1e-8 leaves ample room.
				if !mat.EqualApprox(got, &want, 1e-8) {
					t.Errorf("k=%d: predictions differ from the dense reference:\n%v\n%v", k, mat.Formatted(got), mat.Formatted(&want))
				}
			}
		})
	}
}

func TestScoreCountsErrorsAndHits(t *testing.T) {
	pred := mat.NewDense(2, Classes, nil)
	pred.Set(0, 3, 0.9) // right (label 3), squared error 0.01
	pred.Set(1, 5, 0.5) // wrong (label 2): errors 1 on class 2 and 0.25 on class 5
	mse, acc := Score(pred, []uint8{3, 2})
	if !scalar.EqualWithinAbsOrRel(mse, (0.01+1.25)/2, 1e-12, 1e-12) || acc != 0.5 {
		t.Errorf("mse %g, acc %g; want 0.63, 0.5", mse, acc)
	}
}
