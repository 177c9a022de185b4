package mnist

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"

	"github.com/optrep/optrep/pkg/sim"
	"github.com/optrep/optrep/pkg/verify"
	"gonum.org/v1/gonum/mat"
)

// Config describes a PCA-then-probe experiment on MNIST.
//
// Draw t (with base seed s) shuffles the training set with a PCG stream seeded
// with (s, t). The unlabelled set of size n_u is the first n_u images of the
// shuffle and the labelled set of size n_l the last n_l, so the two are
// disjoint whenever n_u + n_l ≤ 60000, and within a draw the sets are nested:
// every n_u sees the same labelled images, and every n_l the same PCA. This
// shares randomness across the grid, which makes differences between grid
// points (which k is best, does it move with n_l) sharper than independent
// sets would.
type Config struct {
	// NU are the unlabelled set sizes, each ≥ 2.
	NU []int
	// NL are the labelled set sizes, each ≥ 2; max(NU) + max(NL) must not
	// exceed the training set.
	NL []int
	// K are the representation sizes, increasing, each ≥ 1. Sizes above the
	// rank min(d, n_u − 1) of an unlabelled set are skipped for it (NaN).
	K []int
	// Ridge is the probe's penalty relative to the mean pixel variance of the
	// unlabelled set: λ = Ridge·tr(Ĉ_u)/d. It must be > 0. A small value
	// (1e-3) leaves the probe close to least squares where k < n_l and close
	// to the minimum-norm interpolator where k > n_l, while keeping the
	// zero-variance pixels of MNIST from making the problem singular.
	Ridge float64
	// Draws is the number of random draws of the subsets, at least 2.
	Draws int
	// Seed is the base seed.
	Seed uint64
	// Predict also fits the spiked model to each unlabelled spectrum and the
	// task to each labelled set, and records theory.OptimalKappa's k*.
	Predict bool
	// Workers is the number of (n_u, draw) jobs run at once; 0 means
	// GOMAXPROCS. It never changes the results.
	Workers int `json:"-"`
	// Progress, if not nil, is called after each job with the number done and
	// the total. Calls are serialised.
	Progress func(done, total int) `json:"-"`
}

// Validate reports the first invalid field, naming it and its bound.
func (c Config) Validate(trainSize int) error {
	if len(c.NU) == 0 || len(c.NL) == 0 || len(c.K) == 0 {
		return fmt.Errorf("n_u, n_l and k need at least one value each")
	}
	maxNU, maxNL := 0, 0
	for _, n := range c.NU {
		if n < 2 {
			return fmt.Errorf("n_u=%d: must be >= 2", n)
		}
		maxNU = max(maxNU, n)
	}
	for _, n := range c.NL {
		if n < 2 {
			return fmt.Errorf("n_l=%d: must be >= 2", n)
		}
		maxNL = max(maxNL, n)
	}
	if maxNU+maxNL > trainSize {
		return fmt.Errorf("n_u=%d plus n_l=%d exceeds the %d training images", maxNU, maxNL, trainSize)
	}
	for i, k := range c.K {
		if k < 1 || k > Pixels {
			return fmt.Errorf("k=%d: must lie in [1, %d]", k, Pixels)
		}
		if i > 0 && k <= c.K[i-1] {
			return fmt.Errorf("k=%d: sizes must increase (after %d)", k, c.K[i-1])
		}
	}
	if !(c.Ridge > 0) || math.IsInf(c.Ridge, 1) {
		return fmt.Errorf("lambda=%g: the relative ridge must be finite and > 0", c.Ridge)
	}
	if c.Draws < 2 {
		return fmt.Errorf("draws=%d: must be >= 2 for a standard error", c.Draws)
	}
	return nil
}

// Result holds every draw of an experiment. Indices are [n_u][n_l][k][draw]
// in the order of the Config's lists.
type Result struct {
	Config Config
	// MSE is the test mean squared error per image (summed over the 10
	// outputs) and Acc the test accuracy; NaN where k exceeds the rank.
	MSE, Acc [][][][]float64
	// Lambda[n_u][draw] is the absolute ridge used.
	Lambda [][]float64
	// Spectrum[n_u][draw] holds the eigenvalues of the centred unlabelled
	// covariance, decreasing.
	Spectrum [][][]float64
	// Fit[n_u][draw] and Pred[n_u][n_l][draw] are set with Config.Predict.
	Fit  [][]SpikeFit
	Task [][][]TaskFit
	Pred [][][]Prediction
	// PredErr[n_u][n_l][draw] is the error of a failed prediction, or "".
	PredErr [][][]string
}

// Rank is the number of components available at n_u: min(d, n_u − 1).
func Rank(nu int) int { return min(Pixels, nu-1) }

// Run runs the experiment: for every (n_u, draw), one PCA of the unlabelled
// images, then for every n_l one probe fit serving every k, scored on the
// whole test set. Jobs run in parallel over (n_u, draw) and are stored by
// index, so the result is bit-identical whatever the number of workers.
func Run(ctx context.Context, train, test *Set, cfg Config) (*Result, error) {
	if err := cfg.Validate(train.Len()); err != nil {
		return nil, err
	}
	nu, nl, nk, nd := len(cfg.NU), len(cfg.NL), len(cfg.K), cfg.Draws
	res := &Result{Config: cfg}
	res.MSE, res.Acc = grid4(nu, nl, nk, nd), grid4(nu, nl, nk, nd)
	res.Lambda = make([][]float64, nu)
	res.Spectrum = make([][][]float64, nu)
	res.Fit = make([][]SpikeFit, nu)
	res.Task = make([][][]TaskFit, nu)
	res.Pred = make([][][]Prediction, nu)
	res.PredErr = make([][][]string, nu)
	for i := range nu {
		res.Lambda[i] = make([]float64, nd)
		res.Spectrum[i] = make([][]float64, nd)
		res.Fit[i] = make([]SpikeFit, nd)
		res.Task[i] = make([][]TaskFit, nl)
		res.Pred[i] = make([][]Prediction, nl)
		res.PredErr[i] = make([][]string, nl)
		for j := range nl {
			res.Task[i][j] = make([]TaskFit, nd)
			res.Pred[i][j] = make([]Prediction, nd)
			res.PredErr[i][j] = make([]string, nd)
		}
	}
	xt := mat.NewDense(test.Len(), Pixels, nil)
	for i := 0; i < test.Len(); i++ {
		test.Row(i, xt.RawRowView(i))
	}

	err := parallel(ctx, cfg.Workers, nu*nd, func(i int) error {
		return runJob(res, train, test, xt, i/nd, i%nd)
	}, cfg.Progress)
	if err != nil {
		return nil, err
	}
	return res, nil
}

func grid4(a, b, c, d int) [][][][]float64 {
	g := make([][][][]float64, a)
	for i := range g {
		g[i] = make([][][]float64, b)
		for j := range g[i] {
			g[i][j] = make([][]float64, c)
			for k := range g[i][j] {
				g[i][j][k] = make([]float64, d)
			}
		}
	}
	return g
}

// Split returns the unlabelled and labelled indices of one draw: the first nu
// and the last nl images of a shuffle of n images seeded with (seed, draw).
func Split(n, nu, nl int, seed uint64, draw int) (unlabelled, labelled []int) {
	perm := rand.New(rand.NewPCG(seed, uint64(draw))).Perm(n)
	return perm[:nu], perm[n-nl:]
}

// runJob does everything for one (n_u, draw) and writes only its own slots.
func runJob(res *Result, train, test *Set, xt *mat.Dense, iu, draw int) error {
	cfg := res.Config
	nu := cfg.NU[iu]
	maxNL := 0
	for _, n := range cfg.NL {
		maxNL = max(maxNL, n)
	}
	u, lab := Split(train.Len(), nu, maxNL, cfg.Seed, draw)
	pca, err := FitPCA(train, u)
	if err != nil {
		return fmt.Errorf("n_u=%d draw %d: %w", nu, draw, err)
	}
	res.Spectrum[iu][draw] = pca.Values
	trace := 0.0
	for _, v := range pca.Values {
		trace += v
	}
	lambda := cfg.Ridge * trace / Pixels
	res.Lambda[iu][draw] = lambda

	rank := pca.Rank()
	var ks []int
	for _, k := range cfg.K {
		if k <= rank {
			ks = append(ks, k)
		}
	}
	for il := range cfg.NL {
		for ik := range cfg.K {
			res.MSE[iu][il][ik][draw] = math.NaN()
			res.Acc[iu][il][ik][draw] = math.NaN()
		}
	}
	var fit SpikeFit
	fitErr := error(nil)
	if cfg.Predict {
		fit, fitErr = FitSpikes(pca.Values, Pixels, nu)
		res.Fit[iu][draw] = fit
	}
	if len(ks) == 0 && !cfg.Predict {
		return nil
	}
	kmax := 0
	if len(ks) > 0 {
		kmax = ks[len(ks)-1]
	}
	var zt *mat.Dense
	if kmax > 0 {
		zt = pca.ProjectDense(xt, kmax)
	}
	for il, nl := range cfg.NL {
		// The labelled sets are nested: the last nl of the shuffle.
		li := lab[maxNL-nl:]
		labels := make([]uint8, nl)
		for r, i := range li {
			labels[r] = train.Labels[i]
		}
		cols := kmax
		if cfg.Predict {
			cols = rank
		}
		zl := pca.Project(train, li, cols)
		y := OneHot(labels)
		if len(ks) > 0 {
			probe, err := FitProbe(zl, y, lambda, ks)
			if err != nil {
				return fmt.Errorf("n_u=%d n_l=%d draw %d: %w", nu, nl, draw, err)
			}
			for i, k := range ks {
				mse, acc := Score(probe.Predict(i, zt), test.Labels)
				ik := indexOf(cfg.K, k)
				res.MSE[iu][il][ik][draw] = mse
				res.Acc[iu][il][ik][draw] = acc
			}
		}
		if cfg.Predict {
			if fitErr != nil {
				res.PredErr[iu][il][draw] = fitErr.Error()
				continue
			}
			task, err := FitTask(fit, zl, y)
			if err != nil {
				res.PredErr[iu][il][draw] = err.Error()
				continue
			}
			res.Task[iu][il][draw] = task
			pred, err := PredictK(fit, task, nl, rank, lambda)
			if err != nil {
				res.PredErr[iu][il][draw] = err.Error()
				continue
			}
			if kf, _, err := PredictKFinite(pred.Params, nl, ks); err == nil {
				pred.KFinite = kf
			}
			res.Pred[iu][il][draw] = pred
		}
	}
	return nil
}

func indexOf(xs []int, x int) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}

// estimate is the mean and standard error of the non-NaN values.
func estimate(xs []float64) sim.Estimate {
	var s, s2 float64
	n := 0
	for _, x := range xs {
		if !math.IsNaN(x) {
			s += x
			n++
		}
	}
	if n == 0 {
		return sim.Estimate{Mean: math.NaN(), StdErr: math.NaN()}
	}
	mean := s / float64(n)
	for _, x := range xs {
		if !math.IsNaN(x) {
			s2 += (x - mean) * (x - mean)
		}
	}
	if n < 2 {
		return sim.Estimate{Mean: mean, StdErr: math.NaN()}
	}
	return sim.Estimate{Mean: mean, StdErr: math.Sqrt(s2 / float64(n-1) / float64(n))}
}

// MSEAt and AccAt are the test error and accuracy at one grid point, mean ±
// standard error over draws (NaN where k exceeds the rank).
func (r *Result) MSEAt(iu, il, ik int) sim.Estimate { return estimate(r.MSE[iu][il][ik]) }

// AccAt is the test accuracy at one grid point.
func (r *Result) AccAt(iu, il, ik int) sim.Estimate { return estimate(r.Acc[iu][il][ik]) }

// Best is the empirically best representation size at one (n_u, n_l).
type Best struct {
	// K is the size with the lowest mean test error, MSE its error.
	K   int
	MSE sim.Estimate
	// Plausible lists the sizes that the data cannot tell apart from K: those
	// whose mean error exceeds K's by at most NSE standard errors of the
	// paired difference over draws (the draws share their images across k,
	// so the difference is measured draw by draw). K is always in it.
	Plausible []int
	// Lo and Hi are the smallest and largest plausible sizes.
	Lo, Hi int
	NSE    float64
}

// BestK finds the best k at (n_u, n_l) with the plausible set at nSE standard
// errors.
func (r *Result) BestK(iu, il int, nSE float64) Best {
	return bestK(r.Config.K, r.MSE[iu][il], nSE)
}

// bestK applies verify.NearMinimum to the errors mse[k][draw] of the sizes ks
// that exist (sizes above the rank are NaN and left out).
func bestK(ks []int, mse [][]float64, nSE float64) Best {
	var have []int
	for ik := range ks {
		if !math.IsNaN(estimate(mse[ik]).Mean) {
			have = append(have, ik)
		}
	}
	b := Best{K: -1, NSE: nSE}
	if len(have) == 0 {
		return b
	}
	draws := len(mse[have[0]])
	recs := make([][]sim.Record, draws)
	for t := range recs {
		recs[t] = make([]sim.Record, len(have))
		for j, ik := range have {
			recs[t][j] = sim.Record{K: ks[ik], GenError: mse[ik][t]}
		}
	}
	best, near := verify.NearMinimum(recs, nSE)
	b.K, b.MSE = ks[have[best]], estimate(mse[have[best]])
	b.Lo, b.Hi = b.K, b.K
	for j, ok := range near {
		if ok {
			k := ks[have[j]]
			b.Plausible = append(b.Plausible, k)
			b.Lo, b.Hi = min(b.Lo, k), max(b.Hi, k)
		}
	}
	return b
}

// PredictedK is the theory's k* (PredictK; with finite set, PredictKFinite)
// at (n_u, n_l) over the draws whose prediction succeeded: the mean ±
// standard error, the median, and how many draws failed.
func (r *Result) PredictedK(iu, il int, finite bool) (est sim.Estimate, median float64, failed int) {
	var ks []float64
	for t := range r.Config.Draws {
		k := r.Pred[iu][il][t].K
		if finite {
			k = r.Pred[iu][il][t].KFinite
		}
		if r.PredErr[iu][il][t] != "" || k == 0 {
			failed++
			continue
		}
		ks = append(ks, float64(k))
	}
	if len(ks) == 0 {
		return sim.Estimate{Mean: math.NaN(), StdErr: math.NaN()}, math.NaN(), failed
	}
	s := append([]float64(nil), ks...)
	slices.Sort(s)
	median = s[len(s)/2]
	if len(s)%2 == 0 {
		median = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return estimate(ks), median, failed
}

// Larger reports whether best size a is larger than best size b in a way the
// data can tell: a.K > b.K, and each best size lies outside the other's
// plausible set (it is significantly worse where the other one is best).
func Larger(a, b Best) bool {
	return a.K > b.K && !slices.Contains(b.Plausible, a.K) && !slices.Contains(a.Plausible, b.K)
}

// parallel runs f(0), …, f(n−1) on workers goroutines (0 means GOMAXPROCS)
// and reports each completion to progress, if not nil, never concurrently.
// Jobs write only their own part of a result, so it does not depend on the
// number of workers; the error returned is the lowest-numbered job's, or
// the context's when it was cancelled.
func parallel(ctx context.Context, workers, n int, f func(i int) error, progress func(done, total int)) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	errs := make([]error, n)
	next := make(chan int)
	var (
		mu   sync.Mutex
		done int
		wg   sync.WaitGroup
	)
	for range min(workers, n) {
		wg.Go(func() {
			for i := range next {
				errs[i] = f(i)
				if progress != nil {
					mu.Lock()
					done++
					progress(done, n)
					mu.Unlock()
				}
			}
		})
	}
feed:
	for i := range n {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
