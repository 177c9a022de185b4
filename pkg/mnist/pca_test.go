package mnist

import (
	"context"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"

	"github.com/optrep/optrep/pkg/simcache"
)

// randomSet returns n synthetic images: a few smooth "strokes" with random
// weights plus noise, so the spectrum has some structure, and random labels.
func randomSet(n int, seed uint64) *Set {
	rng := rand.New(rand.NewPCG(seed, 1))
	s := &Set{Pix: make([]uint8, n*Pixels), Labels: make([]uint8, n)}
	for i := range n {
		s.Labels[i] = uint8(rng.IntN(Classes))
		a, b := rng.Float64(), rng.Float64()
		for j := range Pixels {
			v := 80*a*math.Sin(float64(j)/50) + 60*b*math.Cos(float64(j)/17) + 40*rng.Float64() + 100
			s.Pix[i*Pixels+j] = uint8(max(0, min(255, v)))
		}
	}
	return s
}

func TestPCACentresWithTheUnlabelledMeanOnly(t *testing.T) {
	s := randomSet(60, 1)
	idx := []int{3, 7, 11, 20, 21, 40, 59}
	p, err := FitPCA(s, idx)
	if err != nil {
		t.Fatal(err)
	}
	row := make([]float64, Pixels)
	for _, j := range []int{0, 100, 783} {
		want := 0.0
		for _, i := range idx {
			s.Row(i, row)
			want += row[j]
		}
		want /= float64(len(idx))
		if !scalar.EqualWithinAbsOrRel(p.Mean[j], want, 1e-15, 1e-13) {
			t.Errorf("mean pixel %d = %g, want %g", j, p.Mean[j], want)
		}
	}
	// Images outside the unlabelled set cannot change the PCA.
	for i := range s.Pix {
		if !slices.Contains(idx, i/Pixels) {
			s.Pix[i] = 255 - s.Pix[i]
		}
	}
	q, err := FitPCA(s, idx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.Mean, q.Mean) || !slices.Equal(p.Values, q.Values) || !mat.Equal(p.Vectors, q.Vectors) {
		t.Error("changing images outside the unlabelled set changed the PCA")
	}
	// The projection of the unlabelled images is centred.
	z := p.Project(s, idx, 3)
	for j := range 3 {
		if m := mat.Sum(z.ColView(j)) / float64(len(idx)); math.Abs(m) > 1e-12 {
			t.Errorf("component %d of the unlabelled scores has mean %g", j, m)
		}
	}
}

// TestGramAndCovariancePathsAgree runs both eigendecompositions on the same
// 50 images: the spectra must agree, and so must the top eigenvectors up to
// sign (their eigenvalues are well separated here).
func TestGramAndCovariancePathsAgree(t *testing.T) {
	s := randomSet(50, 2)
	idx := make([]int, 50)
	for i := range idx {
		idx[i] = i
	}
	g, _ := FitPCA(s, idx) // n ≤ d: the Gram path
	c := &PCA{Mean: g.Mean, N: g.N}
	if err := c.fitCovariance(s, idx); err != nil {
		t.Fatal(err)
	}
	for i := range 49 {
		// Eigenvalues are O(1); rounding of both solvers is ~1e-14 relative.
		if !scalar.EqualWithinAbsOrRel(g.Values[i], c.Values[i], 1e-10, 1e-9) {
			t.Errorf("eigenvalue %d: Gram %g, covariance %g", i, g.Values[i], c.Values[i])
		}
	}
	for j := range 3 {
		dot := mat.Dot(g.Vectors.ColView(j), c.Vectors.ColView(j))
		if math.Abs(math.Abs(dot)-1) > 1e-8 {
			t.Errorf("eigenvector %d: |overlap| = %g, want 1", j, math.Abs(dot))
		}
	}
	if g.Rank() != 49 || c.Rank() != Pixels {
		t.Errorf("ranks %d (Gram) and %d (covariance), want 49 and %d", g.Rank(), c.Rank(), Pixels)
	}
}

func TestSplitIsDisjointNestedAndSeeded(t *testing.T) {
	tests := []struct {
		name      string
		n, nu, nl int
	}{
		{"the full grid's largest sets fit side by side", TrainSize, 50000, 5000},
		{"sets that exactly fill the pool", 100, 60, 40},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u, l := Split(tc.n, tc.nu, tc.nl, 7, 2)
			if len(u) != tc.nu || len(l) != tc.nl {
				t.Fatalf("sizes %d, %d", len(u), len(l))
			}
			seen := make([]bool, tc.n)
			for _, i := range u {
				seen[i] = true
			}
			for _, i := range l {
				if seen[i] {
					t.Fatalf("image %d is both unlabelled and labelled", i)
				}
			}
			// Smaller sets of the same draw are nested in the larger ones.
			u2, l2 := Split(tc.n, tc.nu/2, tc.nl/2, 7, 2)
			if !slices.Equal(u2, u[:tc.nu/2]) || !slices.Equal(l2, l[tc.nl-tc.nl/2:]) {
				t.Error("sets of one draw are not nested")
			}
			u3, _ := Split(tc.n, tc.nu, tc.nl, 7, 3)
			if slices.Equal(u3, u) {
				t.Error("two draws gave the same unlabelled set")
			}
		})
	}
}

func smallConfig() Config {
	return Config{NU: []int{40, 300}, NL: []int{20, 60}, K: []int{1, 2, 5, 10, 30, 100},
		Ridge: 1e-3, Draws: 3, Seed: 5, Predict: true}
}

// TestRunIsBitIdenticalWhateverTheWorkers runs a small experiment with one
// worker under GOMAXPROCS=1 and with three under GOMAXPROCS=2.
func TestRunIsBitIdenticalWhateverTheWorkers(t *testing.T) {
	train, test := randomSet(400, 3), randomSet(50, 4)
	run := func(procs, workers int) *Result {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		cfg := smallConfig()
		cfg.Workers = workers
		r, err := Run(context.Background(), train, test, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	a, b := run(1, 1), run(2, 3)
	same := func(x, y [][][][]float64) bool {
		for i := range x {
			for j := range x[i] {
				for k := range x[i][j] {
					for d := range x[i][j][k] {
						if math.Float64bits(x[i][j][k][d]) != math.Float64bits(y[i][j][k][d]) {
							return false
						}
					}
				}
			}
		}
		return true
	}
	if !same(a.MSE, b.MSE) || !same(a.Acc, b.Acc) {
		t.Error("test errors differ between runs")
	}
	for i := range a.Pred {
		for j := range a.Pred[i] {
			for d := range a.Pred[i][j] {
				if a.Pred[i][j][d].K != b.Pred[i][j][d].K || a.PredErr[i][j][d] != b.PredErr[i][j][d] {
					t.Errorf("predicted k differs at %d,%d,%d", i, j, d)
				}
			}
		}
	}
	// k above the rank min(d, n_u − 1) = 39 is skipped at n_u = 40.
	if !math.IsNaN(a.MSE[0][0][5][0]) || math.IsNaN(a.MSE[1][0][5][0]) {
		t.Error("k=100 should be NaN at n_u=40 and defined at n_u=300")
	}
	best := a.BestK(1, 1, 2)
	if !slices.Contains(best.Plausible, best.K) || best.Lo > best.K || best.Hi < best.K {
		t.Errorf("best %+v is not in its own plausible set", best)
	}
}

func TestConfigValidateNamesTheField(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"too few draws", func(c *Config) { c.Draws = 1 }, "draws=1"},
		{"a zero ridge", func(c *Config) { c.Ridge = 0 }, "lambda=0"},
		{"decreasing k", func(c *Config) { c.K = []int{5, 3} }, "k=3"},
		{"k beyond d", func(c *Config) { c.K = []int{785} }, "k=785"},
		{"overlapping sets", func(c *Config) { c.NU = []int{390} }, "exceeds"},
		{"a tiny unlabelled set", func(c *Config) { c.NU = []int{1} }, "n_u=1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := smallConfig()
			tc.edit(&c)
			err := c.Validate(400)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestCacheReturnsTheStoredResultForTheSameKeyOnly(t *testing.T) {
	t.Setenv("OPTREP_CACHE", t.TempDir())
	t.Setenv("OPTREP_NO_CACHE", "")
	cfg := smallConfig()
	cfg.NU, cfg.NL = []int{40}, []int{20}
	calls := 0
	compute := func() (*Result, error) {
		calls++
		return Run(context.Background(), randomSet(100, 6), randomSet(20, 7), cfg)
	}
	first, _, err := simcache.Get("test", cfg, cachePackages, compute)
	if err != nil {
		t.Fatal(err)
	}
	// Progress and Workers do not change the result, so not the key.
	withProgress := cfg
	withProgress.Progress, withProgress.Workers = func(int, int) {}, 3
	again, hit, err := simcache.Get("test", withProgress, cachePackages, compute)
	if err != nil {
		t.Fatal(err)
	}
	if calls != 1 || !hit {
		t.Fatalf("computed %d times for the same key, want once", calls)
	}
	// NaN entries (k above the rank) must survive as NaN.
	if !math.IsNaN(again.MSE[0][0][5][0]) || again.MSE[0][0][0][1] != first.MSE[0][0][0][1] {
		t.Error("the stored result differs from the computed one")
	}
	other := cfg
	other.Draws = 4
	if _, _, err := simcache.Get("test", other, cachePackages, compute); err != nil || calls != 2 {
		t.Errorf("another key was served from the cache (calls=%d, err=%v)", calls, err)
	}
}
