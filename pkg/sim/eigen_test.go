package sim

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// symFrom returns the symmetric matrix (g + gᵀ)/2 of a square g.
func symFrom(g *mat.Dense) *mat.SymDense {
	n, _ := g.Dims()
	s := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			s.SetSym(i, j, (g.At(i, j)+g.At(j, i))/2)
		}
	}
	return s
}

func TestEigenSymMatchesGonum(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	gauss := func(r, c int) *mat.Dense {
		m := mat.NewDense(r, c, nil)
		for i := 0; i < r; i++ {
			for j := 0; j < c; j++ {
				m.Set(i, j, rng.NormFloat64())
			}
		}
		return m
	}
	wishart := func(n, d int) *mat.SymDense {
		var s mat.SymDense
		s.SymOuterK(1/float64(n), gauss(n, d).T())
		return &s
	}
	diag := func(v ...float64) *mat.SymDense {
		s := mat.NewSymDense(len(v), nil)
		for i, x := range v {
			s.SetSym(i, i, x)
		}
		return s
	}
	// I plus a rank-two perturbation: an eigenvalue of multiplicity n − 2.
	lowRank := func(n int) *mat.SymDense {
		u := gauss(n, 2)
		var s mat.SymDense
		s.SymOuterK(1, u)
		for i := 0; i < n; i++ {
			s.SetSym(i, i, s.At(i, i)+1)
		}
		return &s
	}
	graded := func(n int) *mat.SymDense {
		s := symFrom(gauss(n, n))
		for i := 0; i < n; i++ {
			for j := i; j < n; j++ {
				s.SetSym(i, j, s.At(i, j)*math.Pow(10, -float64(i+j)/4))
			}
		}
		return s
	}
	cases := []struct {
		name string
		a    *mat.SymDense
	}{
		{"a 1×1 matrix", diag(2.5)},
		{"a diagonal matrix with ties and zeros", diag(3, 0, 1, 3, 0, -2)},
		{"the zero matrix", mat.NewSymDense(7, nil)},
		{"a random symmetric matrix", symFrom(gauss(50, 50))},
		{"a square Wishart matrix (eigenvalues down to ~1/d²)", wishart(200, 200)},
		{"a rank-deficient Wishart matrix (n_u < d)", wishart(60, 150)},
		{"the identity plus rank two (a degenerate eigenvalue)", lowRank(130)},
		{"a graded matrix", graded(40)},
		{"a Wishart matrix large enough for the parallel update", wishart(300, 301)},
	}
	for _, tc := range cases {
		t.Run("eigenSym agrees with gonum's EigenSym on "+tc.name, func(t *testing.T) {
			n := tc.a.SymmetricDim()
			vals, vecs, err := eigenSym(tc.a)
			if err != nil {
				t.Fatal(err)
			}
			var ref mat.EigenSym
			if !ref.Factorize(tc.a, false) {
				t.Fatal("gonum: no convergence")
			}
			want := ref.Values(nil)
			slices.Reverse(want)
			scale := math.Max(math.Abs(want[0]), math.Abs(want[n-1]))
			// Backward-stable solvers agree on eigenvalues to a small
			// multiple of ε‖A‖ whatever the gaps.
			tol := 1e-14 * float64(n) * math.Max(scale, 1e-300)
			for i := range vals {
				if math.Abs(vals[i]-want[i]) > tol {
					t.Errorf("eigenvalue %d: %.17g, gonum %.17g", i, vals[i], want[i])
				}
				if i > 0 && vals[i] > vals[i-1] {
					t.Errorf("eigenvalues not decreasing at %d: %g after %g", i, vals[i], vals[i-1])
				}
			}
			// Orthonormal columns and a small residual ‖AV − VΛ‖, which hold
			// even inside clusters, where eigenvectors are not unique.
			var vtv, av mat.Dense
			vtv.Mul(vecs.T(), vecs)
			av.Mul(tc.a, vecs)
			for j := 0; j < n; j++ {
				for i := 0; i < n; i++ {
					id := 0.0
					if i == j {
						id = 1
					}
					if d := math.Abs(vtv.At(i, j) - id); d > 1e-13*float64(n) {
						t.Fatalf("VᵀV[%d,%d] off the identity by %g", i, j, d)
					}
					if r := math.Abs(av.At(i, j) - vals[j]*vecs.At(i, j)); r > tol {
						t.Fatalf("residual (AV − VΛ)[%d,%d] = %g > %g", i, j, r, tol)
					}
				}
			}
		})
	}
	t.Run("eigenSym is bit-identical whatever GOMAXPROCS", func(t *testing.T) {
		a := wishart(260, 260)
		var runs []*mat.Dense
		for _, procs := range []int{1, 2, 3} {
			old := runtime.GOMAXPROCS(procs)
			_, v, err := eigenSym(a)
			runtime.GOMAXPROCS(old)
			if err != nil {
				t.Fatal(err)
			}
			runs = append(runs, v)
		}
		for i := 1; i < len(runs); i++ {
			if !mat.Equal(runs[0], runs[i]) {
				t.Errorf("GOMAXPROCS run %d differs from the first", i)
			}
		}
	})
}
