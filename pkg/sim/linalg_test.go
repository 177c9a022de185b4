package sim

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/optrep/optrep/pkg/theory"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"
)

func TestGramAndCovariancePathsAgree(t *testing.T) {
	// Both paths span the same eigenspaces; they differ only by rounding,
	// amplified by 1/(eigenvalue gap) ≲ d·n_u in the worst bulk gaps. At
	// d ≤ 90 a relative tolerance of 1e-8 leaves ample room.
	cases := []struct {
		name   string
		alphaU float64
		ks     []int
	}{
		{"with fewer unlabelled samples than dimensions", 0.6, []int{1, 2, 20, 47, 54}},
		{"with more unlabelled samples than dimensions", 1.4, []int{1, 2, 45, 90}},
	}
	for _, tc := range cases {
		t.Run("the two PCA paths give the same errors and overlaps "+tc.name, func(t *testing.T) {
			p := theory.Params{Theta: []float64{5, 1.2}, B: []float64{1, 1}, BPerp: 0.5, Sigma: 0.3, AlphaU: tc.alphaU, AlphaL: 0.8}
			cfg := Config{Params: p, D: 90, Seeds: 1, Seed: 5}
			if err := cfg.Validate(); err != nil {
				t.Fatal(err)
			}
			for trialIdx := 0; trialIdx < 3; trialIdx++ {
				gram, err := trial(context.Background(), cfg, trialIdx, tc.ks, pathGram)
				if err != nil {
					t.Fatal(err)
				}
				cov, err := trial(context.Background(), cfg, trialIdx, tc.ks, pathCovariance)
				if err != nil {
					t.Fatal(err)
				}
				for i := range tc.ks {
					g, c := gram[i], cov[i]
					check := func(what string, a, b float64) {
						if !scalar.EqualWithinAbsOrRel(a, b, 1e-10, 1e-8) {
							t.Errorf("trial %d, k=%d: %s = %.15g (Gram) vs %.15g (covariance)", trialIdx, c.K, what, a, b)
						}
					}
					check("E_gen", g.GenError, c.GenError)
					check("E_train", g.TrainError, c.TrainError)
					check("misspecification", g.Misspecification, c.Misspecification)
					for j := range g.Captured {
						check(fmt.Sprintf("captured[%d]", j), g.Captured[j], c.Captured[j])
					}
				}
			}
		})
	}
	t.Run("the two PCA paths give the same projector", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(1, 2))
		x := gaussianInputs(rng, 30, 50, []float64{3})
		for _, k := range []int{1, 7, 30} {
			a, err := topEigenvectors(x, k, pathGram)
			if err != nil {
				t.Fatal(err)
			}
			b, err := topEigenvectors(x, k, pathCovariance)
			if err != nil {
				t.Fatal(err)
			}
			var pa, pb mat.Dense
			pa.Mul(a, a.T())
			pb.Mul(b, b.T())
			pa.Sub(&pa, &pb)
			if dist := mat.Norm(&pa, 2); dist > 1e-10 {
				t.Errorf("k=%d: ‖P_gram P_gramᵀ − P_cov P_covᵀ‖₂ = %g", k, dist)
			}
		}
	})
}

// pinvSolve returns the reference probe: ridge through the normal equations
// with a dense solve for λ > 0, and the SVD pseudoinverse solution for λ = 0.
func pinvSolve(t *testing.T, z *mat.Dense, y []float64, lambda float64) []float64 {
	n, k := z.Dims()
	yv := mat.NewVecDense(n, append([]float64(nil), y...))
	w := mat.NewVecDense(k, nil)
	if lambda > 0 {
		var a mat.Dense
		a.Mul(z.T(), z)
		a.Scale(1/float64(n), &a)
		for j := 0; j < k; j++ {
			a.Set(j, j, a.At(j, j)+lambda)
		}
		var b mat.VecDense
		b.MulVec(z.T(), yv)
		b.ScaleVec(1/float64(n), &b)
		if err := w.SolveVec(&a, &b); err != nil {
			t.Fatal(err)
		}
		return w.RawVector().Data
	}
	var svd mat.SVD
	if !svd.Factorize(z, mat.SVDThin) {
		t.Fatal("SVD failed")
	}
	var u, v mat.Dense
	svd.UTo(&u)
	svd.VTo(&v)
	s := svd.Values(nil)
	for j, sj := range s {
		if sj <= 1e-12*s[0] {
			continue
		}
		coef := mat.Dot(u.ColView(j), yv) / sj
		w.AddScaledVec(w, coef, v.ColView(j))
	}
	return w.RawVector().Data
}

func TestProbeMatchesReferenceSolutions(t *testing.T) {
	// Z is a well-conditioned Gaussian matrix except near k = n_l; away from
	// it the QR/LQ/Cholesky solutions and the references agree to ~1e-12.
	rng := rand.New(rand.NewPCG(9, 9))
	const nl, kmax = 40, 70
	f := mat.NewDense(nl, kmax, nil)
	for i := 0; i < nl; i++ {
		for j := 0; j < kmax; j++ {
			f.Set(i, j, rng.NormFloat64())
		}
	}
	y := make([]float64, nl)
	for i := range y {
		y[i] = rng.NormFloat64()
	}
	ks := []int{1, 5, 20, 30, 50, 70}
	for _, lambda := range []float64{0, 1e-3, 0.5} {
		t.Run(fmt.Sprintf("the nested probe with lambda=%g matches a dense reference solve", lambda), func(t *testing.T) {
			ws := fitNested(f, y, ks, lambda)
			for i, k := range ks {
				want := pinvSolve(t, mat.DenseCopyOf(f.Slice(0, nl, 0, k)), y, lambda)
				if !floats.EqualApprox(ws[i], want, 1e-9) {
					t.Errorf("k=%d: ŵ differs from the reference by up to %g", k, floats.Distance(ws[i], want, math.Inf(1)))
				}
			}
		})
	}
}

func TestRidgeSolversAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	const nl, kmax = 40, 70
	f := mat.NewDense(nl, kmax, nil)
	for i := 0; i < nl; i++ {
		for j := 0; j < kmax; j++ {
			f.Set(i, j, rng.NormFloat64())
		}
	}
	y := make([]float64, nl)
	for i := range y {
		y[i] = rng.NormFloat64()
	}
	ks := []int{1, 10, 30, 50, 70}
	t.Run("the Cholesky and augmented-QR ridge solvers agree", func(t *testing.T) {
		// cond(FᵀF/n_l + λI) ≲ 1e3 at λ = 0.05, so both are accurate to ~1e-13.
		chol := fitRidge(f, y, ks, 0.05)
		qr := fitRidgeQR(f, y, ks, 0.05)
		for i, k := range ks {
			if !floats.EqualApprox(chol[i], qr[i], 1e-10) {
				t.Errorf("k=%d: solvers differ by up to %g", k, floats.Distance(chol[i], qr[i], math.Inf(1)))
			}
		}
	})
	t.Run("ridge with a vanishing lambda tends to the ridgeless solution", func(t *testing.T) {
		// ŵ_λ − ŵ_0 = O(λ/s_min²) with s_min² ≳ 0.01 away from k = n_l.
		ridge := fitNested(f, y, ks, 1e-12)
		ridgeless := fitNested(f, y, ks, 0)
		for i, k := range ks {
			if !floats.EqualApprox(ridge[i], ridgeless[i], 1e-7) {
				t.Errorf("k=%d: ridge(1e-12) and ridgeless differ by up to %g", k, floats.Distance(ridge[i], ridgeless[i], math.Inf(1)))
			}
		}
	})
}

func TestBestInClassMatchesDenseSolve(t *testing.T) {
	// Woodbury (an r×r solve) against the dense k×k normal equations
	// (PᵀΣP)w = PᵀΣβ; both are well conditioned here (cond ≤ 1 + max θ).
	rng := rand.New(rand.NewPCG(4, 4))
	const d, k = 30, 12
	theta := []float64{6, 2, 0.5}
	var qr mat.QR
	g0 := mat.NewDense(d, k, nil)
	for i := 0; i < d; i++ {
		for j := 0; j < k; j++ {
			g0.Set(i, j, rng.NormFloat64())
		}
	}
	qr.Factorize(g0)
	var q mat.Dense
	qr.QTo(&q)
	p := mat.DenseCopyOf(q.Slice(0, d, 0, k))
	beta := make([]float64, d)
	for i := range beta {
		beta[i] = rng.NormFloat64()
	}
	sigma := mat.NewDiagDense(d, nil)
	for i := 0; i < d; i++ {
		sigma.SetDiag(i, 1)
	}
	for i, th := range theta {
		sigma.SetDiag(i, 1+th)
	}
	var s, ps mat.Dense
	ps.Mul(p.T(), sigma)
	s.Mul(&ps, p)
	var g mat.VecDense
	g.MulVec(&ps, mat.NewVecDense(d, beta))
	var want mat.VecDense
	if err := want.SolveVec(&s, &g); err != nil {
		t.Fatal(err)
	}
	t.Run("the Woodbury best-in-class weights equal the dense solution", func(t *testing.T) {
		got := bestInClass(p.RawMatrix(), g.RawVector().Data, theta)
		if !floats.EqualApprox(got, want.RawVector().Data, 1e-12) {
			t.Errorf("got %v, want %v", got, want.RawVector().Data)
		}
		// The optimum is stationary: perturbing it can only raise the error.
		buf := make([]float64, d)
		best := sigmaDistance(p.RawMatrix(), got, beta, theta, buf)
		for j := 0; j < k; j++ {
			w := append([]float64(nil), got...)
			w[j] += 1e-3
			if e := sigmaDistance(p.RawMatrix(), w, beta, theta, buf); e < best {
				t.Errorf("perturbing w*[%d] lowers the error from %g to %g", j, best, e)
			}
		}
	})
}
