package ae

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"

	"github.com/optrep/optrep/pkg/sim"
	"github.com/optrep/optrep/pkg/theory"
)

// small is a problem with well separated top-3 eigenvalues: with n_u = 200
// and d = 20 the three spikes' outliers sit near 7.1, 4.1 and 2.6 against a
// noise bulk that ends near (1 + √0.1)² ≈ 1.7, so the top-3 subspace is well
// conditioned and gradient descent reaches it at a linear rate.
var small = theory.Params{Theta: []float64{6, 3, 1.5}, B: []float64{0.8, 0.4, 0.2}, BPerp: 0.5, Sigma: 0.2, AlphaU: 10, AlphaL: 2}

func smallData(t *testing.T, p theory.Params, d int) *Data {
	t.Helper()
	dt, err := Generate(p, d, 7, 0)
	if err != nil {
		t.Fatal(err)
	}
	return dt
}

func TestLinearAutoencoderFindsThePCASubspace(t *testing.T) {
	wide := small
	wide.AlphaU = 0.6 // n_u = 18 < d = 30: the span parametrisation is used
	cases := []struct {
		name  string
		p     theory.Params
		d     int
		cfg   Config
		bound float64
	}{
		// GD converges linearly; 3000 steps at lr 0.03 take the angle to
		// rounding level (about 1e-15 measured), so 1e-8 leaves a wide margin.
		{"plain GD, full batch", small, 20, Config{Optimizer: GD, LR: 0.03, Steps: 3000}, 1e-8},
		// Adam at a fixed step size can settle on a jitter of size O(lr)
		// instead of converging (seen at lr 0.01: 1e-6 to 4e-4 rad); at lr
		// 0.003 it reaches about 1e-12 rad here. The bound allows the jitter.
		{"Adam, full batch", small, 20, Config{Optimizer: Adam, LR: 0.003, Steps: 3000}, 3e-3},
		// Mini-batch gradients are noisy: the angle stays at a noise floor
		// set by lr and the batch size (measured 2e-3 rad).
		{"GD, mini-batches of 50", small, 20, Config{Optimizer: GD, LR: 0.01, Steps: 4000, BatchSize: 50}, 2e-2},
		// Fewer samples than dimensions: the encoder lives in the data span.
		{"GD, n_u < d", wide, 30, Config{Optimizer: GD, LR: 0.03, Steps: 3000}, 1e-6},
		{"Adam, n_u < d", wide, 30, Config{Optimizer: Adam, LR: 0.003, Steps: 3000}, 3e-3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dt := smallData(t, c.p, c.d)
			ref, err := PCA(dt.XU, 3)
			if err != nil {
				t.Fatal(err)
			}
			cfg := c.cfg
			cfg.K, cfg.Act, cfg.Seed, cfg.Reference, cfg.Every = 3, Linear, 3, ref, 100
			m, h, err := Train(context.Background(), dt.XU, cfg)
			if err != nil {
				t.Fatal(err)
			}
			got, err := MaxAngle(m.Subspace(), ref)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("largest principal angle %.3g rad after %d steps (bound %g)", got, h.Steps, c.bound)
			if !(got < c.bound) {
				t.Errorf("largest principal angle %.3g rad, want < %g", got, c.bound)
			}
			if h.Angle[0] < 0.3 {
				t.Errorf("the random start is already aligned (%.3g rad): the test proves nothing", h.Angle[0])
			}
			if last := h.Angle[len(h.Angle)-1]; last != got {
				t.Errorf("history ends at angle %g, model has %g", last, got)
			}
		})
	}
}

func TestGradientsMatchFiniteDifferences(t *testing.T) {
	tall := smallData(t, small, 8) // n = 80 > d: the linear encoder uses Ĉ
	wideP := small
	wideP.AlphaU = 0.5
	wide := smallData(t, wideP, 12) // n = 6 < d
	cases := []struct {
		name string
		x    *mat.Dense
		act  Activation
		rows []int
	}{
		{"linear through the covariance", tall.XU, Linear, nil},
		{"linear on a mini-batch", tall.XU, Linear, []int{3, 1, 40, 7}},
		{"linear with n < d", wide.XU, Linear, nil},
		{"tanh", tall.XU, Tanh, nil},
		{"tanh on a mini-batch", tall.XU, Tanh, []int{0, 5, 9}},
		{"relu", tall.XU, ReLU, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n, d := c.x.Dims()
			k := 3
			m, _, err := Train(context.Background(), c.x, Config{K: k, Act: c.act, LR: 1e-3, Steps: 1, FullSpace: true, Seed: 11})
			if err != nil {
				t.Fatal(err)
			}
			g := newGrad(c.x, Config{K: k, Act: c.act})
			if (g.cov != nil) != (c.act == Linear && n > d) {
				t.Fatalf("covariance path used: %v", g.cov != nil)
			}
			gE, gD := mat.NewDense(k, d, nil), mat.NewDense(d, k, nil)
			g.eval(m, c.rows, gE, gD)
			sub := c.x
			if c.rows != nil {
				sub = mat.NewDense(len(c.rows), d, nil)
				for i, r := range c.rows {
					sub.SetRow(i, c.x.RawRowView(r))
				}
			}
			// Central differences: truncation O(h²)·L''' ≈ 1e-10 and
			// rounding ε·L/h ≈ 1e-16·30/1e-5 ≈ 3e-10 for loss values near 30.
			const h, abs, rel = 1e-5, 1e-7, 1e-6
			for _, pair := range []struct {
				w, g *mat.Dense
				name string
			}{{m.Enc, gE, "E"}, {m.Dec, gD, "D"}} {
				raw := pair.w.RawMatrix().Data
				for i := range raw {
					old := raw[i]
					raw[i] = old + h
					up := m.Loss(sub)
					raw[i] = old - h
					down := m.Loss(sub)
					raw[i] = old
					fd := (up - down) / (2 * h)
					if got := pair.g.RawMatrix().Data[i]; !scalar.EqualWithinAbsOrRel(got, fd, abs, rel) {
						t.Fatalf("∂L/∂%s[%d] = %.10g, finite difference %.10g", pair.name, i, got, fd)
					}
				}
			}
		})
	}
}

func TestTrainingIsDeterministicFromTheSeed(t *testing.T) {
	dt := smallData(t, small, 20)
	for _, act := range []Activation{Linear, Tanh, ReLU} {
		t.Run(act.String(), func(t *testing.T) {
			cfg := Config{K: 4, Act: act, LR: 0.01, Steps: 60, BatchSize: 32, Every: 7, Seed: 5}
			train := func(c Config) (*Model, History) {
				m, h, err := Train(context.Background(), dt.XU, c)
				if err != nil {
					t.Fatal(err)
				}
				return m, h
			}
			m1, h1 := train(cfg)
			m2, h2 := train(cfg)
			if !slices.Equal(m1.Enc.RawMatrix().Data, m2.Enc.RawMatrix().Data) ||
				!slices.Equal(m1.Dec.RawMatrix().Data, m2.Dec.RawMatrix().Data) ||
				!slices.Equal(h1.Loss, h2.Loss) || !slices.Equal(h1.Step, h2.Step) {
				t.Error("two runs with the same seed differ")
			}
			cfg.Seed++
			m3, _ := train(cfg)
			if slices.Equal(m1.Enc.RawMatrix().Data, m3.Enc.RawMatrix().Data) {
				t.Error("a different seed gave the same encoder")
			}
		})
	}
}

func TestLossDecreases(t *testing.T) {
	dt := smallData(t, small, 20)
	for _, c := range []struct {
		act Activation
		opt Optimizer
		lr  float64
	}{{Linear, GD, 0.01}, {Tanh, GD, 0.01}, {ReLU, GD, 0.01}, {Linear, Adam, 0.003}, {Tanh, Adam, 0.003}} {
		t.Run(c.act.String()+" with "+c.opt.String(), func(t *testing.T) {
			var calls int
			_, h, err := Train(context.Background(), dt.XU, Config{K: 3, Act: c.act, Optimizer: c.opt, LR: c.lr, Steps: 300, Every: 20, Seed: 2,
				Progress: func(Status) { calls++ }})
			if err != nil {
				t.Fatal(err)
			}
			if calls != len(h.Loss) {
				t.Errorf("progress called %d times for %d records", calls, len(h.Loss))
			}
			if first, last := h.Loss[0], h.Loss[len(h.Loss)-1]; !(last < 0.8*first) {
				t.Errorf("loss went from %g to %g", first, last)
			}
			if c.opt == GD { // small steps on a smooth loss: monotone
				for i := 1; i < len(h.Loss); i++ {
					if h.Loss[i] > h.Loss[i-1]*(1+1e-12) {
						t.Errorf("loss rose from %g to %g at step %d", h.Loss[i-1], h.Loss[i], h.Step[i])
					}
				}
			}
		})
	}
}

func TestToleranceStopsTraining(t *testing.T) {
	dt := smallData(t, small, 20)
	_, h, err := Train(context.Background(), dt.XU, Config{K: 3, LR: 0.03, Optimizer: GD, Steps: 100000, Tol: 1e-9, Every: 10, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !h.Converged || h.Steps >= 100000 {
		t.Errorf("converged=%v after %d steps", h.Converged, h.Steps)
	}
}

// A learning rate far too large makes the loss explode; the run must say
// so even while the loss is still finite, instead of reporting a
// "converged" model that is garbage.
func TestRunawayTrainingIsAnError(t *testing.T) {
	dt := smallData(t, small, 20)
	for _, c := range []struct {
		name string
		cfg  Config
	}{
		{"linear, Adam, lr=100", Config{K: 3, LR: 100, Steps: 200, Every: 10, Seed: 1}},
		{"tanh, Adam, lr=1e6", Config{K: 3, Act: Tanh, LR: 1e6, Steps: 200, Every: 10, Seed: 1}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := Train(context.Background(), dt.XU, c.cfg)
			if !errors.Is(err, ErrDiverged) {
				t.Errorf("err = %v, want ErrDiverged", err)
			}
		})
	}
	// A sound rate on the same data is not flagged.
	if _, _, err := Train(context.Background(), dt.XU, Config{K: 3, LR: 0.01, Steps: 200, Every: 10, Seed: 1}); err != nil {
		t.Errorf("lr=0.01: %v", err)
	}
}

func TestBadInputNamesTheParameter(t *testing.T) {
	dt := smallData(t, small, 20)
	ok := Config{K: 3, LR: 0.01, Steps: 10}
	cases := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"k above d", func(c *Config) { c.K = 21 }, "k=21"},
		{"k zero", func(c *Config) { c.K = 0 }, "k=0"},
		{"no steps", func(c *Config) { c.Steps = 0 }, "steps=0"},
		{"NaN learning rate", func(c *Config) { c.LR = math.NaN() }, "lr=NaN"},
		{"infinite learning rate", func(c *Config) { c.LR = math.Inf(1) }, "lr=+Inf"},
		{"batch above n", func(c *Config) { c.BatchSize = 1000 }, "batch=1000"},
		{"negative weight decay", func(c *Config) { c.WeightDecay = -1 }, "weight_decay"},
		{"negative tolerance", func(c *Config) { c.Tol = -1 }, "tol="},
		{"unknown activation", func(c *Config) { c.Act = 9 }, "activation"},
		{"reference of the wrong shape", func(c *Config) { c.Reference = mat.NewDense(20, 2, nil) }, "reference"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := ok
			c.edit(&cfg)
			_, _, err := Train(context.Background(), dt.XU, cfg)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one containing %q", err, c.want)
			}
		})
	}
	t.Run("a diverging run says so", func(t *testing.T) {
		_, _, err := Train(context.Background(), dt.XU, Config{K: 3, Optimizer: GD, LR: 10, Steps: 200})
		if err == nil || !strings.Contains(err.Error(), "diverged") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("experiment widths beyond n_u", func(t *testing.T) {
		p := small
		p.AlphaU = 0.5
		_, err := Run(context.Background(), Experiment{Params: p, D: 20, Seeds: 2, Ks: []int{11}, Methods: []Method{MethodPCA}, Train: ok})
		if err == nil || !strings.Contains(err.Error(), "k=11") {
			t.Errorf("error %v", err)
		}
	})
}

func TestPrincipalAngles(t *testing.T) {
	for _, theta := range []float64{1e-9, 1e-4, 0.3, 1.2, math.Pi / 2} {
		a := mat.NewDense(4, 2, []float64{1, 0, 0, 1, 0, 0, 0, 0})
		// The same plane with its second direction rotated by θ towards e₃,
		// then the columns mixed and rescaled: angles do not see the basis.
		c, s := math.Cos(theta), math.Sin(theta)
		b := mat.NewDense(4, 2, []float64{3, 1, 0, 2 * c, 0, 2 * s, 0, 0})
		got, err := PrincipalAngles(a, b)
		if err != nil {
			t.Fatal(err)
		}
		// Cosines near 1 lose half their digits; sines keep them, so even
		// θ = 1e-9 comes out to a few ulps relative.
		if math.Abs(got[0]) > 1e-15 || !scalar.EqualWithinAbsOrRel(got[1], theta, 1e-15, 1e-12) {
			t.Errorf("θ=%g: angles %v", theta, got)
		}
	}
	if _, err := PrincipalAngles(mat.NewDense(3, 2, []float64{1, 2, 2, 4, 3, 6}), mat.NewDense(3, 2, []float64{1, 0, 0, 1, 0, 0})); err == nil {
		t.Error("a rank-deficient basis was accepted")
	}
}

// The PCA probe run through this package sees pkg/sim's data (same stream,
// same order) and must give the same errors; only the factorisations differ
// (eigenvector signs, QR vs. LQ), so they agree to rounding.
func TestPCAProbeReproducesSim(t *testing.T) {
	for _, c := range []struct {
		name   string
		lambda float64
		ks     []int
	}{{"least squares and min-norm", 0, []int{1, 2, 5, 12, 30}}, {"ridge", 0.05, []int{2, 12, 30}}} {
		t.Run(c.name, func(t *testing.T) {
			p := theory.Params{Theta: []float64{4, 1.5}, B: []float64{0.6, 0.5}, BPerp: 0.62, Sigma: 0.3, Lambda: c.lambda, AlphaU: 1.5, AlphaL: 0.4}
			const d, seeds = 50, 3
			recs, err := sim.Trials(context.Background(), sim.Config{Params: p, D: d, Seeds: seeds, Seed: 9}, c.ks)
			if err != nil {
				t.Fatal(err)
			}
			res, err := Run(context.Background(), Experiment{Params: p, D: d, Seeds: seeds, Seed: 9, Ks: c.ks, Methods: []Method{MethodPCA},
				Train: Config{LR: 1, Steps: 1}})
			if err != nil {
				t.Fatal(err)
			}
			for tr := range seeds {
				for i, k := range c.ks {
					want, got := recs[tr][i].GenError, res.Curves[0].GenErrors[tr][i]
					if !scalar.EqualWithinAbsOrRel(got, want, 1e-12, 1e-8) {
						t.Errorf("trial %d, k=%d: E_gen %.12g here, %.12g in pkg/sim", tr, k, got, want)
					}
				}
			}
		})
	}
}

// For a linear encoder the test-set estimate must agree with the exact error.
func TestTestSetEstimateAgreesWithExactError(t *testing.T) {
	p := theory.Params{Theta: []float64{4, 1.5}, B: []float64{0.6, 0.5}, BPerp: 0.62, Sigma: 0.3, AlphaU: 2, AlphaL: 1}
	const d = 40
	dt, err := Generate(p, d, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := Train(context.Background(), dt.XU, Config{K: 6, LR: 0.01, Steps: 300, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	w, err := Probe(m.Encode(dt.XL), dt.Y, 0)
	if err != nil {
		t.Fatal(err)
	}
	exact := LinearGenError(p.Theta, p.Sigma, dt.Beta, m.Subspace(), w)
	xt, err := TestInputs(p, d, 20000, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	est, se := TestGenError(p.Sigma, dt.Beta, xt, m.Encode(xt), w)
	if math.Abs(est-exact) > 4*se { // a 4σ band fails by chance once in 16000 runs
		t.Errorf("test-set estimate %g ± %g, exact %g", est, se, exact)
	}
}

func TestRunIsDeterministicWhateverTheWorkers(t *testing.T) {
	p := theory.Params{Theta: []float64{4, 1.5}, B: []float64{0.6, 0.5}, BPerp: 0.62, Sigma: 0.3, AlphaU: 1, AlphaL: 1}
	e := Experiment{Params: p, D: 24, Seeds: 3, Seed: 4, Ks: []int{1, 3, 6}, Methods: []Method{MethodPCA, MethodLinear, MethodTanh},
		Train: Config{LR: 0.01, Steps: 40, Every: 10}, TestSize: 500}
	var runs [2]*Result
	for i, w := range []int{1, 3} {
		e.Workers = w
		calls := 0
		e.Progress = func(done, total int) { calls++ }
		res, err := Run(context.Background(), e)
		if err != nil {
			t.Fatal(err)
		}
		if want := 3 * 3 * 3; calls != want {
			t.Errorf("progress called %d times, want %d", calls, want)
		}
		runs[i] = res
	}
	for m := range runs[0].Curves {
		for tr := range runs[0].Curves[m].GenErrors {
			if !slices.Equal(runs[0].Curves[m].GenErrors[tr], runs[1].Curves[m].GenErrors[tr]) {
				t.Errorf("%s, trial %d: different results with 1 and 3 workers", runs[0].Curves[m].Method, tr)
			}
		}
	}
	tanh := runs[0].Curves[2]
	for _, pt := range tanh.Points {
		if !(pt.TestStdErr > 0) || !(pt.GenError.StdErr > 0) {
			t.Errorf("k=%d: a test-set estimate needs a sampling error: %+v", pt.K, pt)
		}
	}
	if h := tanh.Histories[1]; len(h.Angle) != len(h.Loss) || len(h.Loss) == 0 {
		t.Errorf("trial 0's history should track the angle: %+v", h)
	}
}

func TestBestK(t *testing.T) {
	// A clear minimum at k=4 in every trial, and a flat tie in another curve.
	c := Curve{Ks: []int{1, 2, 4, 8}, GenErrors: [][]float64{{3, 2, 1, 2}, {3.1, 2.2, 1.1, 2.1}, {2.9, 1.9, 0.9, 1.8}}}
	if b := c.BestK(500, 1); b.K != 4 || b.Lo != 4 || b.Hi != 4 || b.Share != 1 {
		t.Errorf("clear minimum: %+v", b)
	}
	tie := Curve{Ks: []int{1, 2}, GenErrors: [][]float64{{1, 2}, {2, 1}, {1.1, 1}}}
	if b := tie.BestK(2000, 1); b.K != 2 || b.Lo != 1 || b.Hi != 2 {
		t.Errorf("tie: %+v", b)
	}
}

func TestRunCachedReturnsTheStoredResult(t *testing.T) {
	p := theory.Params{Theta: []float64{4}, B: []float64{1}, Sigma: 0.3, AlphaU: 1, AlphaL: 1}
	e := Experiment{Params: p, D: 12, Seeds: 2, Seed: 1, Ks: []int{1, 2}, Methods: []Method{MethodPCA, MethodTanh},
		Train: Config{LR: 0.01, Steps: 20}, TestSize: 100}
	t.Setenv("OPTREP_CACHE", t.TempDir())
	t.Setenv("OPTREP_NO_CACHE", "")
	first, err := RunCached(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	e.Progress = func(done, total int) {
		calls++
		if done != total {
			t.Errorf("a cache hit should report every run done, got %d of %d", done, total)
		}
	}
	e.Workers = 1
	second, err := RunCached(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	if calls != 1 {
		t.Errorf("the cached experiment ran again (%d progress calls, want the one of a hit)", calls)
	}
	if !slices.Equal(first.Curves[1].GenErrors[1], second.Curves[1].GenErrors[1]) || len(second.Curves[1].Histories[0].Loss) == 0 {
		t.Error("the stored result differs from the computed one")
	}
	e.Seed, e.Progress = 2, nil
	if third, _ := RunCached(context.Background(), e); slices.Equal(first.Curves[1].GenErrors[0], third.Curves[1].GenErrors[0]) {
		t.Error("a different seed read the cached result")
	}
	if recs := second.Curves[0].Records(); len(recs) != 2 || recs[1][1].K != 2 || recs[1][1].GenError != second.Curves[0].GenErrors[1][1] {
		t.Errorf("records: %+v", recs)
	}
}
