package mnist

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"slices"

	"github.com/optrep/optrep/pkg/ae"
	"github.com/optrep/optrep/pkg/sim"
	"gonum.org/v1/gonum/mat"
)

// AEConfig describes the autoencoder counterpart of Config: the top-k PCA
// subspace is replaced by an autoencoder of width k (pkg/ae) trained on the
// same unlabelled images, and the probe sees its codes z = f(E(x − m)).
//
// With the same Seed, NU and largest NL as a Config, draw t uses the very
// images of that Config's draw t (Split), so the two results can be compared
// draw by draw.
type AEConfig struct {
	// NU, NL, K, Draws and Seed are as in Config (K need not reach the rank;
	// widths above min(d, n_u − 1) are skipped, NaN).
	NU, NL, K []int
	Draws     int
	Seed      uint64
	// Ridge is the probe's penalty relative to the mean variance of the
	// codes on the unlabelled set: λ = Ridge·tr(Ĉ_z)/k, > 0. For PCA, whose
	// codes are the top-k scores, that would be a larger λ than Config's
	// (relative to all d pixels); for an encoder whose code scale is set by
	// its training, it is the scale-free choice.
	Ridge float64
	// Acts are the encoders compared, at least one.
	Acts []ae.Activation
	// Train is the optimiser set-up; its K, Act and Seed are set per run
	// (the seed from a hash of Seed, draw, k and activation) and its
	// Reference and Progress are ignored. A BatchSize of n_u or more means
	// full batch at that n_u (the same updates, and pkg/ae wants a
	// mini-batch smaller than the data).
	Train ae.Config
	// Workers is the number of runs trained at once; 0 means GOMAXPROCS. It
	// never changes the results.
	Workers int `json:"-"`
	// Progress, if not nil, is called after each run with the number done
	// and the total; calls are serialised.
	Progress func(done, total int) `json:"-"`
}

// Validate reports the first invalid field, naming it and its bound.
func (c AEConfig) Validate(trainSize int) error {
	base := Config{NU: c.NU, NL: c.NL, K: c.K, Ridge: c.Ridge, Draws: c.Draws}
	if err := base.Validate(trainSize); err != nil {
		return err
	}
	if len(c.Acts) == 0 {
		return errors.New("encoders: need at least one activation")
	}
	for _, nu := range c.NU {
		tr := c.Train
		tr.K = 1
		if tr.BatchSize >= nu {
			tr.BatchSize = 0
		}
		if err := tr.Validate(nu, Pixels); err != nil {
			return fmt.Errorf("training at n_u=%d: %w", nu, err)
		}
	}
	return nil
}

// AEResult holds every run of an autoencoder experiment. Indices are
// [activation][n_u][n_l][k][draw] for the probe and [activation][n_u][k][draw]
// for the training, in the order of the AEConfig's lists; NaN where k exceeds
// the rank.
type AEResult struct {
	Config AEConfig
	// MSE and Acc are the test error and accuracy, as in Result.
	MSE, Acc [][][][][]float64
	// Loss is the final reconstruction loss (1/n_u) Σ‖x − x̂‖² on the
	// centred unlabelled images; PCA's at the same k is the sum of the
	// eigenvalues beyond k (Result.Spectrum).
	Loss [][][][]float64
	// Steps is the number of updates made; Converged whether the tolerance
	// stopped the run before the step limit.
	Steps     [][][][]float64
	Converged [][][][]bool
}

// RunAE trains every encoder at every width on every (n_u, draw) and probes
// it at every n_l. Runs are independent jobs stored by index, so the result
// is bit-identical whatever the number of workers.
func RunAE(ctx context.Context, train, test *Set, cfg AEConfig) (*AEResult, error) {
	if err := cfg.Validate(train.Len()); err != nil {
		return nil, err
	}
	na, nu, nl, nk, nd := len(cfg.Acts), len(cfg.NU), len(cfg.NL), len(cfg.K), cfg.Draws
	res := &AEResult{Config: cfg}
	res.MSE, res.Acc = make([][][][][]float64, na), make([][][][][]float64, na)
	res.Loss, res.Steps = make([][][][]float64, na), make([][][][]float64, na)
	res.Converged = make([][][][]bool, na)
	for a := range na {
		res.MSE[a], res.Acc[a] = grid4(nu, nl, nk, nd), grid4(nu, nl, nk, nd)
		res.Loss[a], res.Steps[a] = grid3(nu, nk, nd), grid3(nu, nk, nd)
		res.Converged[a] = make([][][]bool, nu)
		for i := range nu {
			res.Converged[a][i] = make([][]bool, nk)
			for j := range nk {
				res.Converged[a][i][j] = make([]bool, nd)
			}
		}
	}
	type job struct{ a, iu, ik, draw int }
	var jobs []job
	// Largest widths and unlabelled sets first, so that the long runs do not
	// end up alone at the end.
	for iu := nu - 1; iu >= 0; iu-- {
		for ik := nk - 1; ik >= 0; ik-- {
			for a := range na {
				for draw := range nd {
					if cfg.K[ik] <= Rank(cfg.NU[iu]) {
						jobs = append(jobs, job{a, iu, ik, draw})
					} else {
						res.Loss[a][iu][ik][draw], res.Steps[a][iu][ik][draw] = math.NaN(), math.NaN()
						for il := range nl {
							res.MSE[a][iu][il][ik][draw], res.Acc[a][iu][il][ik][draw] = math.NaN(), math.NaN()
						}
					}
				}
			}
		}
	}
	err := parallel(ctx, cfg.Workers, len(jobs), func(i int) error {
		j := jobs[i]
		return aeJob(ctx, res, train, test, j.a, j.iu, j.ik, j.draw)
	}, cfg.Progress)
	if err != nil {
		return nil, err
	}
	return res, nil
}

// aeSeed is the initialisation seed of one run: distinct for every (draw,
// width, activation), so no two runs share their starting weights.
func aeSeed(seed uint64, draw, k int, act ae.Activation) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "mnist-ae %d %d %d %d", seed, draw, k, int(act))
	return h.Sum64()
}

// centred returns the images idx of s scaled to [0, 1] minus mean, as rows.
func centred(s *Set, idx []int, mean []float64) *mat.Dense {
	x := mat.NewDense(len(idx), Pixels, nil)
	for r, i := range idx {
		row := x.RawRowView(r)
		s.Row(i, row)
		for j := range row {
			row[j] -= mean[j]
		}
	}
	return x
}

// aeJob trains one encoder and probes its codes at every n_l; it writes only
// its own slots of res.
func aeJob(ctx context.Context, res *AEResult, train, test *Set, a, iu, ik, draw int) error {
	cfg := res.Config
	nu, k, act := cfg.NU[iu], cfg.K[ik], cfg.Acts[a]
	maxNL := slices.Max(cfg.NL)
	u, lab := Split(train.Len(), nu, maxNL, cfg.Seed, draw)
	mean := make([]float64, Pixels)
	row := make([]float64, Pixels)
	for _, i := range u {
		train.Row(i, row)
		for j, v := range row {
			mean[j] += v / float64(nu)
		}
	}
	xu := centred(train, u, mean)
	tc := cfg.Train
	tc.K, tc.Act, tc.Seed = k, act, aeSeed(cfg.Seed, draw, k, act)
	tc.Reference, tc.Progress = nil, nil
	if tc.BatchSize >= nu {
		tc.BatchSize = 0
	}
	model, hist, err := ae.Train(ctx, xu, tc)
	where := fmt.Sprintf("%s autoencoder, n_u=%d, k=%d, draw %d", act, nu, k, draw)
	if err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	res.Loss[a][iu][ik][draw] = hist.Loss[len(hist.Loss)-1]
	res.Steps[a][iu][ik][draw] = float64(hist.Steps)
	res.Converged[a][iu][ik][draw] = hist.Converged

	zu := model.Encode(xu)
	lambda := cfg.Ridge * totalVariance(zu) / float64(k)
	if !(lambda > 0) {
		return fmt.Errorf("%s: the codes have no variance (a dead encoder)", where)
	}
	zt := model.Encode(centred(test, seq(test.Len()), mean))
	zl := model.Encode(centred(train, lab, mean))
	for il, nl := range cfg.NL {
		// The labelled sets are nested, as in Run: the last nl of the shuffle.
		labels := make([]uint8, nl)
		for r, i := range lab[maxNL-nl:] {
			labels[r] = train.Labels[i]
		}
		z := zl.Slice(maxNL-nl, maxNL, 0, k).(*mat.Dense)
		probe, err := FitProbe(z, OneHot(labels), lambda, []int{k})
		if err != nil {
			return fmt.Errorf("%s, n_l=%d: %w", where, nl, err)
		}
		res.MSE[a][iu][il][ik][draw], res.Acc[a][iu][il][ik][draw] = Score(probe.Predict(0, zt), test.Labels)
	}
	return nil
}

// totalVariance is the trace of the sample covariance (1/n) Σ (z − z̄)(z − z̄)ᵀ
// of the rows of z.
func totalVariance(z *mat.Dense) float64 {
	zc := mat.DenseCopyOf(z)
	centreColumns(zc)
	n, _ := zc.Dims()
	f := mat.Norm(zc, 2)
	return f * f / float64(n)
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

func grid3(a, b, c int) [][][]float64 {
	g := make([][][]float64, a)
	for i := range g {
		g[i] = make([][]float64, b)
		for j := range g[i] {
			g[i][j] = make([]float64, c)
		}
	}
	return g
}

// MSEAt is the test error of encoder a at one grid point, mean ± standard
// error over draws.
func (r *AEResult) MSEAt(a, iu, il, ik int) sim.Estimate { return estimate(r.MSE[a][iu][il][ik]) }

// AccAt is the test accuracy of encoder a at one grid point.
func (r *AEResult) AccAt(a, iu, il, ik int) sim.Estimate { return estimate(r.Acc[a][iu][il][ik]) }

// BestK finds encoder a's best width at (n_u, n_l), as Result.BestK.
func (r *AEResult) BestK(a, iu, il int, nSE float64) Best {
	return bestK(r.Config.K, r.MSE[a][iu][il], nSE)
}
