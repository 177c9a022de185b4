package ae

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sort"
	"sync"

	"gonum.org/v1/gonum/mat"

	"github.com/optrep/optrep/pkg/sim"
	"github.com/optrep/optrep/pkg/theory"
)

// Method is a way of building a k-dimensional representation from the
// unlabelled data.
type Method int

const (
	// MethodPCA is the top-k principal components, as in pkg/sim.
	MethodPCA Method = iota
	// MethodLinear is the linear autoencoder; features z = E x.
	MethodLinear
	// MethodTanh is the tanh autoencoder; features z = tanh(E x).
	MethodTanh
	// MethodReLU is the ReLU autoencoder; features z = max(E x, 0).
	MethodReLU
)

// String returns "pca", "linear", "tanh" or "relu".
func (m Method) String() string {
	switch m {
	case MethodPCA:
		return "pca"
	case MethodLinear, MethodTanh, MethodReLU:
		return m.activation().String()
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// ParseMethod is the inverse of String.
func ParseMethod(s string) (Method, error) {
	for _, m := range []Method{MethodPCA, MethodLinear, MethodTanh, MethodReLU} {
		if s == m.String() {
			return m, nil
		}
	}
	return 0, fmt.Errorf("encoder=%q: want pca, linear, tanh or relu", s)
}

func (m Method) activation() Activation { return Activation(m - MethodLinear) }

// Exact reports whether the method's E_gen is computed exactly (a linear
// representation) rather than estimated on a test set.
func (m Method) Exact() bool { return m == MethodPCA || m == MethodLinear }

// Experiment is a sweep of the bottleneck width for several representation
// methods on the same draws of the model.
type Experiment struct {
	// Params, D, Seeds and Seed fix the data exactly as for sim.Config: trial
	// t uses Generate(Params, D, Seed, t).
	Params theory.Params
	D      int
	Seeds  int
	Seed   uint64
	// Ks are the bottleneck widths, each in [1, min(d, n_u)].
	Ks []int
	// Methods are the representations compared.
	Methods []Method
	// Train is the autoencoders' training set-up; its K, Act, Seed,
	// Reference and Progress are set per run. Each run's initialisation is
	// seeded by a hash of (Seed, trial, k, method), so runs never share
	// their starting weights.
	Train Config
	// TestSize is the number of fresh test inputs per trial on which a
	// nonlinear encoder's E_gen is estimated (the same inputs for every k
	// and method of a trial); 0 means 4000.
	TestSize int
	// Workers is the number of runs trained concurrently; 0 means GOMAXPROCS.
	// It never changes the results.
	Workers int `json:"-"`
	// Progress, if not nil, is called after each (trial, method, k) run with
	// the number done and the total; calls are serialised.
	Progress func(done, total int) `json:"-"`
}

// Point aggregates the trials of one method at one width.
type Point struct {
	K     int
	Kappa float64
	// GenError and TrainError are means over trials with their standard
	// errors. For a nonlinear encoder each trial's E_gen is a test-set
	// estimate on independent test inputs, so the spread over trials, and
	// hence GenError.StdErr, already includes the test-set sampling error.
	GenError, TrainError sim.Estimate
	// TestStdErr is the part of GenError.StdErr due to the finite test sets,
	// sqrt(mean within-trial variance / trials); 0 for exact methods.
	TestStdErr float64
	// Angle is the largest principal angle (radians) between the encoder's
	// row space and the top-k PCA subspace of the same unlabelled data.
	Angle sim.Estimate
	// Loss is the final reconstruction loss (1/n_u)Σ‖x − x̂‖².
	Loss sim.Estimate
	// Steps is the mean number of training steps; Converged counts the
	// trials that met the tolerance before the step limit.
	Steps     float64
	Converged int
}

// Curve is one method's sweep.
type Curve struct {
	Method Method
	// Ks are the widths of Points, as in Experiment.Ks.
	Ks     []int
	Points []Point
	// GenErrors[t][i] is trial t's E_gen at Ks[i]: the paired data BestK
	// resamples.
	GenErrors [][]float64
	// Losses[t][i] is trial t's final reconstruction loss at Ks[i].
	Losses [][]float64
	// Histories[i] is trial 0's training history at Ks[i] (empty for PCA),
	// with Angle tracked against the top-k PCA subspace.
	Histories []History
}

// Result holds one Curve per method, in the order of Experiment.Methods.
type Result struct {
	Ks     []int
	Curves []Curve
}

// Validate reports the first field outside its domain, naming it.
func (e Experiment) Validate() error {
	if err := checkModel(e.Params, e.D); err != nil {
		return err
	}
	if e.Seeds < 2 {
		return fmt.Errorf("seeds=%d: must be >= 2 for a standard error", e.Seeds)
	}
	if len(e.Ks) == 0 {
		return errors.New("ks: at least one width is required")
	}
	nu, _ := Counts(e.Params, e.D)
	for i, k := range e.Ks {
		if k < 1 || k > min(e.D, nu) {
			return fmt.Errorf("k=%d (ks[%d]): outside [1, min(d, n_u)] = [1, %d]", k, i, min(e.D, nu))
		}
	}
	if len(e.Methods) == 0 {
		return errors.New("methods: at least one is required")
	}
	for _, m := range e.Methods {
		if m < MethodPCA || m > MethodReLU {
			return fmt.Errorf("method=%d: unknown", int(m))
		}
	}
	if e.TestSize < 0 || e.TestSize == 1 {
		return fmt.Errorf("test_size=%d: must be >= 2 (0 means 4000)", e.TestSize)
	}
	if e.Workers < 0 {
		return fmt.Errorf("workers=%d: must be >= 0", e.Workers)
	}
	tc := e.Train
	tc.K, tc.Reference = 1, nil
	if err := tc.Validate(nu, e.D); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	return nil
}

// trialData is what every run of one trial shares.
type trialData struct {
	data *Data
	pca  *mat.Dense // top max(Ks) eigenvectors
	test *mat.Dense // nil when no method needs a test set
}

// runOut is one (trial, method, k) outcome.
type runOut struct {
	gen, genVar, train, angle, loss float64
	steps                           int
	converged                       bool
	hist                            History
}

// Run trains and probes every method at every width on Seeds trials.
// Results are bit-identical whatever Workers and GOMAXPROCS are.
func Run(ctx context.Context, e Experiment) (*Result, error) {
	if err := e.Validate(); err != nil {
		return nil, fmt.Errorf("ae: %w", err)
	}
	workers := e.Workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	testSize := e.TestSize
	if testSize == 0 {
		testSize = 4000
	}
	needTest := slices.ContainsFunc(e.Methods, func(m Method) bool { return !m.Exact() })
	kmax := slices.Max(e.Ks)

	trials := make([]trialData, e.Seeds)
	err := parallel(ctx, workers, e.Seeds, func(t int) error {
		dt, err := Generate(e.Params, e.D, e.Seed, t)
		if err != nil {
			return err
		}
		top, err := PCA(dt.XU, kmax)
		if err != nil {
			return fmt.Errorf("trial %d: %w", t, err)
		}
		trials[t] = trialData{data: dt, pca: top}
		if needTest {
			if trials[t].test, err = TestInputs(e.Params, e.D, testSize, e.Seed, t); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ae: %w", err)
	}

	nm, nk := len(e.Methods), len(e.Ks)
	outs := make([]runOut, e.Seeds*nm*nk)
	var mu sync.Mutex
	done := 0
	err = parallel(ctx, workers, len(outs), func(job int) error {
		t, mi, ki := job/(nm*nk), (job/nk)%nm, job%nk
		o, err := e.runOne(ctx, trials[t], t, e.Methods[mi], e.Ks[ki])
		if err != nil {
			return fmt.Errorf("trial %d, %s, k=%d: %w", t, e.Methods[mi], e.Ks[ki], err)
		}
		outs[job] = o
		if e.Progress != nil {
			mu.Lock()
			done++
			e.Progress(done, len(outs))
			mu.Unlock()
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ae: %w", err)
	}

	res := &Result{Ks: slices.Clone(e.Ks)}
	for mi, m := range e.Methods {
		c := Curve{Method: m, Ks: slices.Clone(e.Ks), Points: make([]Point, nk), GenErrors: make([][]float64, e.Seeds), Histories: make([]History, nk)}
		c.Losses = make([][]float64, e.Seeds)
		for t := range e.Seeds {
			c.GenErrors[t] = make([]float64, nk)
			c.Losses[t] = make([]float64, nk)
		}
		col := func(ki int, get func(runOut) float64) []float64 {
			xs := make([]float64, e.Seeds)
			for t := range e.Seeds {
				xs[t] = get(outs[(t*nm+mi)*nk+ki])
			}
			return xs
		}
		for ki, k := range e.Ks {
			gens := col(ki, func(o runOut) float64 { return o.gen })
			for t, g := range gens {
				c.GenErrors[t][ki] = g
				c.Losses[t][ki] = outs[(t*nm+mi)*nk+ki].loss
			}
			var sumVar, steps float64
			conv := 0
			for t := range e.Seeds {
				o := outs[(t*nm+mi)*nk+ki]
				sumVar += o.genVar
				steps += float64(o.steps)
				if o.converged {
					conv++
				}
			}
			n := float64(e.Seeds)
			c.Points[ki] = Point{
				K: k, Kappa: float64(k) / float64(e.D),
				GenError:   estimate(gens),
				TrainError: estimate(col(ki, func(o runOut) float64 { return o.train })),
				TestStdErr: math.Sqrt(sumVar/n) / math.Sqrt(n),
				Angle:      estimate(col(ki, func(o runOut) float64 { return o.angle })),
				Loss:       estimate(col(ki, func(o runOut) float64 { return o.loss })),
				Steps:      steps / n,
				Converged:  conv,
			}
			c.Histories[ki] = outs[mi*nk+ki].hist
		}
		res.Curves = append(res.Curves, c)
	}
	return res, nil
}

// runOne builds the representation of one method at width k on one trial,
// fits the probe and measures its errors.
func (e Experiment) runOne(ctx context.Context, td trialData, t int, m Method, k int) (runOut, error) {
	dt := td.data
	ref := mat.DenseCopyOf(td.pca.Slice(0, e.D, 0, k))
	var o runOut
	var z *mat.Dense
	var rep *mat.Dense // the linear representation P, when there is one
	var model *Model
	if m == MethodPCA {
		rep = ref
		z = mat.NewDense(len(dt.Y), k, nil)
		z.Mul(dt.XL, rep)
		var codes, rec mat.Dense
		codes.Mul(dt.XU, rep)
		rec.Mul(&codes, rep.T())
		rec.Sub(dt.XU, &rec)
		nu, _ := dt.XU.Dims()
		o.loss = sumSq(&rec) / float64(nu)
	} else {
		cfg := e.Train
		cfg.K, cfg.Act, cfg.Progress = k, m.activation(), nil
		cfg.Seed = mix(e.Seed, uint64(t), uint64(k), uint64(m))
		cfg.Reference = nil
		if t == 0 {
			cfg.Reference = ref
		}
		var hist History
		var err error
		model, hist, err = Train(ctx, dt.XU, cfg)
		if err != nil {
			return o, err
		}
		if t == 0 {
			o.hist = hist
		}
		o.loss, o.steps, o.converged = hist.Loss[len(hist.Loss)-1], hist.Steps, hist.Converged
		if o.angle, err = MaxAngle(model.Subspace(), ref); err != nil {
			o.angle = math.NaN()
		}
		z = model.Encode(dt.XL)
		if m == MethodLinear {
			rep = model.Subspace()
		}
	}
	w, err := Probe(z, dt.Y, e.Params.Lambda)
	if err != nil {
		return o, err
	}
	o.train = TrainError(z, dt.Y, w)
	if rep != nil {
		o.gen = LinearGenError(e.Params.Theta, e.Params.Sigma, dt.Beta, rep, w)
		return o, nil
	}
	mean, se := TestGenError(e.Params.Sigma, dt.Beta, td.test, model.Encode(td.test), w)
	o.gen = mean
	o.genVar = se * se // the variance of this trial's test-set estimate
	return o, nil
}

// mix derives an independent-looking seed from several integers (SplitMix64
// finaliser applied to a running combination).
func mix(vals ...uint64) uint64 {
	var h uint64 = 0x9e3779b97f4a7c15
	for _, v := range vals {
		h ^= v + 0x9e3779b97f4a7c15 + (h << 6) + (h >> 2)
		h ^= h >> 30
		h *= 0xbf58476d1ce4e5b9
		h ^= h >> 27
		h *= 0x94d049bb133111eb
		h ^= h >> 31
	}
	return h
}

// parallel runs f(0…n−1) on up to workers goroutines and returns the first
// error (by index), or ctx's error if it was cancelled.
func parallel(ctx context.Context, workers, n int, f func(i int) error) error {
	errs := make([]error, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Go(func() {
			for i := range next {
				errs[i] = f(i)
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
	return firstNonNil(errs)
}

func firstNonNil(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// estimate is the mean and standard error (n − 1 denominator) of xs, as
// sim.Estimate defines them; NaN standard error for a single value.
func estimate(xs []float64) sim.Estimate {
	n := float64(len(xs))
	var sum float64
	for _, x := range xs {
		sum += x
	}
	mean := sum / n
	if len(xs) < 2 {
		return sim.Estimate{Mean: mean, StdErr: math.NaN()}
	}
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return sim.Estimate{Mean: mean, StdErr: math.Sqrt(ss / (n - 1) / n)}
}

// Best is the best width of a curve with its uncertainty.
type Best struct {
	// K minimises the mean E_gen over trials.
	K int
	// Lo and Hi are the 16th and 84th percentiles (a ±1σ range) of the
	// minimising width over bootstrap resamples of the trials.
	Lo, Hi int
	// Share is the fraction of resamples whose minimiser is K.
	Share float64
}

// BestK returns the width of smallest mean E_gen and its bootstrap range:
// trials are resampled with replacement (keeping each trial's errors at
// all widths together, since they share data) resamples times from a PCG
// stream seeded with seed.
func (c Curve) BestK(resamples int, seed uint64) Best {
	ks := c.Ks
	argmin := func(idx []int) int {
		best, bestV := 0, math.Inf(1)
		for ki := range ks {
			var s float64
			for _, t := range idx {
				s += c.GenErrors[t][ki]
			}
			if s < bestV {
				best, bestV = ki, s
			}
		}
		return ks[best]
	}
	nt := len(c.GenErrors)
	all := make([]int, nt)
	for i := range all {
		all[i] = i
	}
	b := Best{K: argmin(all)}
	if resamples < 1 {
		b.Lo, b.Hi, b.Share = b.K, b.K, math.NaN()
		return b
	}
	rng := rand.New(rand.NewPCG(seed, 0xb007))
	got := make([]int, resamples)
	idx := make([]int, nt)
	hits := 0
	for r := range resamples {
		for i := range idx {
			idx[i] = rng.IntN(nt)
		}
		got[r] = argmin(idx)
		if got[r] == b.K {
			hits++
		}
	}
	sort.Ints(got)
	b.Lo = got[int(0.16*float64(resamples-1)+0.5)]
	b.Hi = got[int(0.84*float64(resamples-1)+0.5)]
	b.Share = float64(hits) / float64(resamples)
	return b
}

// PairedDifference estimates the mean over trials of a's E_gen minus b's at
// the width index i. Both curves must come from the same Run, so that trial
// t of each saw the same data: the difference then has a much smaller
// standard error than either curve.
func PairedDifference(a, b Curve, i int) sim.Estimate {
	diff := make([]float64, len(a.GenErrors))
	for t := range diff {
		diff[t] = a.GenErrors[t][i] - b.GenErrors[t][i]
	}
	return estimate(diff)
}

// Records returns the curve's per-trial errors as sim.Records (K and
// GenError set), [trial][width], for pkg/verify's helpers such as
// NearMinimum.
func (c Curve) Records() [][]sim.Record {
	out := make([][]sim.Record, len(c.GenErrors))
	for t, row := range c.GenErrors {
		out[t] = make([]sim.Record, len(row))
		for i, g := range row {
			out[t][i] = sim.Record{K: c.Ks[i], GenError: g}
		}
	}
	return out
}
