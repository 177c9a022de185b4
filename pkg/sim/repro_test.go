package sim

import (
	"context"
	"math"
	"runtime"
	"testing"

	"github.com/optrep/optrep/pkg/theory"
)

func sameBits(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }

func equalPoints(a, b []Point) bool {
	if len(a) != len(b) {
		return false
	}
	eq := func(x, y Estimate) bool { return sameBits(x.Mean, y.Mean) && sameBits(x.StdErr, y.StdErr) }
	for i := range a {
		p, q := a[i], b[i]
		if p.K != q.K || p.Kappa != q.Kappa || !eq(p.TrainError, q.TrainError) || !eq(p.GenError, q.GenError) ||
			!eq(p.Misspecification, q.Misspecification) || len(p.Captured) != len(q.Captured) {
			return false
		}
		for s := range p.Captured {
			if !eq(p.Captured[s], q.Captured[s]) {
				return false
			}
		}
	}
	return true
}

func TestReproducibility(t *testing.T) {
	twoSpikes := theory.Params{Theta: []float64{5, 2}, B: []float64{1, -0.5}, BPerp: 0.7, Sigma: 0.3, AlphaU: 1.5, AlphaL: 0.8}
	ridge := twoSpikes
	ridge.Lambda = 0.1
	gram := twoSpikes
	gram.AlphaU = 0.6
	cases := []struct {
		name   string
		params theory.Params
		d      int
		ks     []int
	}{
		{"a ridgeless sweep through interpolation", twoSpikes, 120, []int{2, 30, 64, 80, 100, 120}},
		{"a ridge sweep", ridge, 120, []int{1, 2, 50, 120}},
		{"a sweep on the Gram path", gram, 120, []int{2, 40, 72}},
		// At d = 300 the blocked LAPACK routines and parallel matrix products engage.
		{"a larger sweep", twoSpikes, 300, []int{2, 150, 240, 300}},
	}
	for _, tc := range cases {
		t.Run(tc.name+" is bit-identical with 1 and 4 workers and any GOMAXPROCS", func(t *testing.T) {
			cfg := Config{Params: tc.params, D: tc.d, Seeds: 4, Seed: 42}
			var runs [][]Point
			for _, procs := range []int{1, 4} {
				for _, workers := range []int{1, 4} {
					old := runtime.GOMAXPROCS(procs)
					cfg.Workers = workers
					pts, err := Sweep(context.Background(), cfg, tc.ks)
					runtime.GOMAXPROCS(old)
					if err != nil {
						t.Fatal(err)
					}
					runs = append(runs, pts)
				}
			}
			for i := 1; i < len(runs); i++ {
				if !equalPoints(runs[0], runs[i]) {
					t.Fatalf("run %d differs from run 0:\n%+v\n%+v", i, runs[i], runs[0])
				}
			}
		})
	}
	t.Run("different base seeds give different results", func(t *testing.T) {
		cfg := Config{Params: twoSpikes, D: 60, Seeds: 3, Seed: 1}
		a, err := Sweep(context.Background(), cfg, []int{2, 10})
		if err != nil {
			t.Fatal(err)
		}
		cfg.Seed = 2
		b, err := Sweep(context.Background(), cfg, []int{2, 10})
		if err != nil {
			t.Fatal(err)
		}
		if a[0].GenError.Mean == b[0].GenError.Mean || a[1].Captured[0].Mean == b[1].Captured[0].Mean {
			t.Fatalf("seeds 1 and 2 gave identical estimates: %+v vs %+v", a, b)
		}
	})
	t.Run("different trials of one run are independent draws", func(t *testing.T) {
		cfg := Config{Params: twoSpikes, D: 60, Seeds: 3, Seed: 1}
		recs, err := Trials(context.Background(), cfg, []int{5})
		if err != nil {
			t.Fatal(err)
		}
		if recs[0][0].GenError == recs[1][0].GenError || recs[1][0].GenError == recs[2][0].GenError {
			t.Fatalf("trials repeat: %+v", recs)
		}
	})
	t.Run("a size gives the same results to rounding whatever other sizes are swept", func(t *testing.T) {
		cfg := Config{Params: twoSpikes, D: 100, Seeds: 2, Seed: 9}
		alone, err := Trials(context.Background(), cfg, []int{7})
		if err != nil {
			t.Fatal(err)
		}
		among, err := Trials(context.Background(), cfg, []int{100, 3, 7, 90})
		if err != nil {
			t.Fatal(err)
		}
		for s := range alone {
			a, b := alone[s][0], among[s][2]
			// Only the blocking of the QR and the products changes: ~1e-13 relative.
			if math.Abs(a.GenError-b.GenError) > 1e-10*a.GenError || math.Abs(a.TrainError-b.TrainError) > 1e-10*a.TrainError ||
				math.Abs(a.Misspecification-b.Misspecification) > 1e-10*a.Misspecification || math.Abs(a.Captured[0]-b.Captured[0]) > 1e-12 {
				t.Errorf("trial %d: k=7 alone %+v, among others %+v", s, a, b)
			}
		}
	})
}

func TestRunsWithMoreSamplesShareTheFirstRows(t *testing.T) {
	// Common random numbers: changing n_l leaves the unlabelled data and the
	// task untouched, so the representation, its captured fractions and its
	// misspecification are equal bit for bit across n_l.
	p := theory.Params{Theta: []float64{3}, B: []float64{1}, BPerp: 0.5, Sigma: 0.3, AlphaU: 1.5, AlphaL: 0.5}
	a := Config{Params: p, D: 60, Seeds: 3, Seed: 5}
	b := a
	b.Params.AlphaL = 0.9
	ra, err := Trials(context.Background(), a, []int{4})
	if err != nil {
		t.Fatal(err)
	}
	rb, err := Trials(context.Background(), b, []int{4})
	if err != nil {
		t.Fatal(err)
	}
	for tr := range ra {
		if ra[tr][0].Captured[0] != rb[tr][0].Captured[0] || ra[tr][0].Misspecification != rb[tr][0].Misspecification {
			t.Errorf("trial %d: the representation changed with n_l", tr)
		}
		if ra[tr][0].GenError == rb[tr][0].GenError {
			t.Errorf("trial %d: the probe did not change with n_l", tr)
		}
	}
}
