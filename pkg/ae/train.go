package ae

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Optimizer selects the update rule.
type Optimizer int

const (
	// Adam is Adam with β₁ = 0.9, β₂ = 0.999, ε = 1e-8 and bias correction.
	Adam Optimizer = iota
	// GD is plain gradient descent θ ← θ − lr·∇.
	GD
)

// String returns "adam" or "gd".
func (o Optimizer) String() string {
	switch o {
	case Adam:
		return "adam"
	case GD:
		return "gd"
	}
	return fmt.Sprintf("Optimizer(%d)", int(o))
}

// Config sets up one training run.
type Config struct {
	// K is the bottleneck width, 1 ≤ K ≤ d.
	K int
	// Act is the encoder's nonlinearity.
	Act Activation
	// Optimizer and LR (finite, > 0) are the update rule and its step size.
	Optimizer Optimizer
	LR        float64
	// Steps is the maximum number of parameter updates, at least 1.
	Steps int
	// BatchSize is the mini-batch size in [1, n]; 0 means full batch. Mini-
	// batches are drawn without replacement from a reshuffle every epoch.
	BatchSize int
	// WeightDecay μ ≥ 0 adds μ(‖E‖² + ‖D‖²) to the loss. Without it, when
	// n < d the encoder's components orthogonal to the span of the data get
	// no gradient and keep their random initial values; a small μ removes
	// them and leaves the linear optimum's subspace unchanged as long as μ
	// stays below the k-th eigenvalue of Ĉ.
	WeightDecay float64
	// FullSpace matters only when n < d. By default (false) the weights are
	// kept in the span S of the training inputs: E = A Qᵀ and D = Q B with
	// Q an orthonormal basis of S, and A, B are what the optimiser moves
	// (the reconstruction loss is the same function of A, B). The loss does
	// not depend on the encoder's components orthogonal to S, so plain GD
	// never changes them, while Adam's per-coordinate scaling leaks noise
	// into them; either way they would put random directions into the
	// codes of fresh inputs. The span parametrisation is the limit of
	// vanishing weight decay (the minimum-norm weights). FullSpace = true
	// trains E and D in all d coordinates instead.
	FullSpace bool
	// Every is the interval, in steps, at which the full-data loss is
	// recorded, Progress called and convergence tested; 0 means 10.
	Every int
	// Tol ≥ 0: training stops when the objective changes by at most Tol
	// times its value between two records. 0 runs all Steps.
	Tol float64
	// Seed fixes the initialisation (E and D with i.i.d. N(0, 1/d) entries)
	// and the mini-batch order.
	Seed uint64
	// Reference, if not nil, is a d×K matrix whose column space the encoder
	// is compared with at every record (History.Angle), e.g. the top-K PCA
	// subspace of the same data.
	Reference *mat.Dense `json:"-"`
	// Progress, if not nil, is called at every record.
	Progress func(Status) `json:"-"`
}

// Status is the state of a run at one record, for progress displays.
type Status struct {
	Step, Steps int
	// Loss is the reconstruction loss on the whole training set.
	Loss float64
	// Done is set on the last call, Converged when Tol stopped the run.
	Done, Converged bool
}

// History is a run's record.
type History struct {
	// Step[i] is the number of updates made before record i; Loss[i] the
	// reconstruction loss (1/n)Σ‖x − x̂‖² on the whole training set then.
	Step []int
	Loss []float64
	// Angle[i] is the largest principal angle, in radians, between the
	// encoder's row space and Config.Reference (empty without a reference).
	Angle []float64
	// Steps is the number of updates made; Converged reports that Tol
	// stopped the run before Config.Steps.
	Steps     int
	Converged bool
}

// Validate reports the first field outside its domain for data of n rows in
// d dimensions, naming it.
func (c Config) Validate(n, d int) error {
	switch {
	case c.K < 1 || c.K > d:
		return fmt.Errorf("k=%d: must be in [1, d=%d]", c.K, d)
	case !c.Act.valid():
		return fmt.Errorf("activation=%d: unknown", int(c.Act))
	case c.Optimizer != Adam && c.Optimizer != GD:
		return fmt.Errorf("optimizer=%d: unknown", int(c.Optimizer))
	case !(c.LR > 0) || math.IsInf(c.LR, 0):
		return fmt.Errorf("lr=%g: must be finite and > 0", c.LR)
	case c.Steps < 1:
		return fmt.Errorf("steps=%d: must be >= 1", c.Steps)
	case c.BatchSize < 0 || c.BatchSize > n:
		return fmt.Errorf("batch=%d: must be in [0, n=%d] (0 is full batch)", c.BatchSize, n)
	case !(c.WeightDecay >= 0) || math.IsInf(c.WeightDecay, 0):
		return fmt.Errorf("weight_decay=%g: must be finite and >= 0", c.WeightDecay)
	case c.Every < 0:
		return fmt.Errorf("every=%d: must be >= 0 (0 means 10)", c.Every)
	case !(c.Tol >= 0) || math.IsInf(c.Tol, 0):
		return fmt.Errorf("tol=%g: must be finite and >= 0", c.Tol)
	}
	if c.Reference != nil {
		if r, k := c.Reference.Dims(); r != d || k != c.K {
			return fmt.Errorf("reference: %d×%d, want d×k = %d×%d", r, k, d, c.K)
		}
	}
	return nil
}

// ErrDiverged is returned (wrapped) when the loss becomes NaN or infinite,
// or exceeds divergedFactor times the loss of the zero map.
var ErrDiverged = errors.New("training diverged")

// divergedFactor bounds the reconstruction loss of a training that has not
// run away, relative to that of the zero map.
const divergedFactor = 1e3

// Train fits an autoencoder to the rows of x (n×d) and returns it with its
// history. Cancelling ctx stops the run at the next record with an error
// wrapping ctx.Err(). The result depends only on x and cfg, bit for bit.
func Train(ctx context.Context, x *mat.Dense, cfg Config) (*Model, History, error) {
	n, d := x.Dims()
	if err := cfg.Validate(n, d); err != nil {
		return nil, History{}, fmt.Errorf("ae: %w", err)
	}
	every := cfg.Every
	if every == 0 {
		every = 10
	}
	k := cfg.K
	rng := rand.New(rand.NewPCG(cfg.Seed, 0xae))
	sd := 1 / math.Sqrt(float64(d))
	enc := mat.NewDense(k, d, nil)
	dec := mat.NewDense(d, k, nil)
	for _, m := range []*mat.Dense{enc, dec} {
		raw := m.RawMatrix().Data
		for i := range raw {
			raw[i] = sd * rng.NormFloat64()
		}
	}
	// In the span parametrisation the optimiser works on x̃ = xQ (n×n),
	// A = EQ and B = QᵀD; lift maps back to E = AQᵀ, D = QB.
	xt, basis := x, (*mat.Dense)(nil)
	if n < d && !cfg.FullSpace {
		basis = spanBasis(x)
		xt = mat.NewDense(n, n, nil)
		xt.Mul(x, basis)
		var a, b mat.Dense
		a.Mul(enc, basis)
		b.Mul(basis.T(), dec)
		enc, dec = &a, &b
	}
	_, dt := xt.Dims()
	model := &Model{Act: cfg.Act, Enc: enc, Dec: dec}
	lift := func() *Model {
		if basis == nil {
			return model
		}
		out := &Model{Act: cfg.Act, Enc: mat.NewDense(k, d, nil), Dec: mat.NewDense(d, k, nil)}
		out.Enc.Mul(model.Enc, basis.T())
		out.Dec.Mul(basis, model.Dec)
		return out
	}
	g := newGrad(xt, cfg)
	gEnc, gDec := mat.NewDense(k, dt, nil), mat.NewDense(dt, k, nil)
	opt := newUpdater(cfg, k*dt)

	var hist History
	objective := func(loss float64) float64 {
		if cfg.WeightDecay == 0 {
			return loss
		}
		return loss + cfg.WeightDecay*(sumSq(enc)+sumSq(dec))
	}
	// The zero map reconstructs with loss (1/n)Σ‖x‖²; training that ends far
	// above it has run away even while the loss is still finite.
	zeroLoss := sumSq(x) / float64(n)
	record := func(step int, loss float64) error {
		if math.IsNaN(loss) || math.IsInf(loss, 0) || loss > divergedFactor*zeroLoss {
			return fmt.Errorf("ae: %w at step %d (loss %g, %g for the zero map; lower lr=%g?)", ErrDiverged, step, loss, zeroLoss, cfg.LR)
		}
		hist.Step = append(hist.Step, step)
		hist.Loss = append(hist.Loss, loss)
		if cfg.Reference != nil {
			ang, err := PrincipalAngles(lift().Subspace(), cfg.Reference)
			if err != nil {
				return fmt.Errorf("ae: angle at step %d: %w", step, err)
			}
			hist.Angle = append(hist.Angle, ang[len(ang)-1])
		}
		return nil
	}
	prevObj := math.NaN()
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	pos := n // forces a shuffle before the first mini-batch
	step := 0
	for ; ; step++ {
		last := step == cfg.Steps
		if step%every == 0 || last {
			if err := ctx.Err(); err != nil {
				return nil, hist, fmt.Errorf("ae: training cancelled at step %d: %w", step, err)
			}
			loss := g.eval(model, nil, gEnc, gDec)
			if err := record(step, loss); err != nil {
				return nil, hist, err
			}
			obj := objective(loss)
			if cfg.Tol > 0 && math.Abs(prevObj-obj) <= cfg.Tol*obj {
				hist.Converged = true
				last = true
			}
			prevObj = obj
			if cfg.Progress != nil {
				cfg.Progress(Status{Step: step, Steps: cfg.Steps, Loss: loss, Done: last, Converged: hist.Converged})
			}
			if last {
				break
			}
			if cfg.BatchSize != 0 {
				g.eval(model, batch(rng, perm, &pos, cfg.BatchSize), gEnc, gDec)
			}
		} else {
			var rows []int
			if cfg.BatchSize != 0 {
				rows = batch(rng, perm, &pos, cfg.BatchSize)
			}
			g.eval(model, rows, gEnc, gDec)
		}
		if cfg.WeightDecay > 0 {
			gEnc.Add(gEnc, scaled(2*cfg.WeightDecay, enc))
			gDec.Add(gDec, scaled(2*cfg.WeightDecay, dec))
		}
		opt.update(enc.RawMatrix().Data, dec.RawMatrix().Data, gEnc.RawMatrix().Data, gDec.RawMatrix().Data)
	}
	hist.Steps = step
	return lift(), hist, nil
}

// batch returns the next size rows of the current epoch's permutation,
// reshuffling when fewer than size rows remain.
func batch(rng *rand.Rand, perm []int, pos *int, size int) []int {
	if *pos+size > len(perm) {
		rng.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		*pos = 0
	}
	rows := perm[*pos : *pos+size]
	*pos += size
	return rows
}

func sumSq(m *mat.Dense) float64 {
	var s float64
	for _, v := range m.RawMatrix().Data {
		s += v * v
	}
	return s
}

func scaled(a float64, m *mat.Dense) *mat.Dense {
	var out mat.Dense
	out.Scale(a, m)
	return &out
}

// updater applies one optimiser step to the encoder and decoder in place.
type updater struct {
	opt               Optimizer
	lr                float64
	t                 int
	mE, vE            []float64
	mD, vD            []float64
	beta1, beta2, eps float64
}

func newUpdater(cfg Config, size int) *updater {
	u := &updater{opt: cfg.Optimizer, lr: cfg.LR, beta1: 0.9, beta2: 0.999, eps: 1e-8}
	if u.opt == Adam {
		u.mE, u.vE = make([]float64, size), make([]float64, size)
		u.mD, u.vD = make([]float64, size), make([]float64, size)
	}
	return u
}

func (u *updater) update(e, d, ge, gd []float64) {
	if u.opt == GD {
		for i := range e {
			e[i] -= u.lr * ge[i]
		}
		for i := range d {
			d[i] -= u.lr * gd[i]
		}
		return
	}
	u.t++
	c1 := 1 - math.Pow(u.beta1, float64(u.t))
	c2 := 1 - math.Pow(u.beta2, float64(u.t))
	step := func(w, g, m, v []float64) {
		for i := range w {
			m[i] = u.beta1*m[i] + (1-u.beta1)*g[i]
			v[i] = u.beta2*v[i] + (1-u.beta2)*g[i]*g[i]
			w[i] -= u.lr * (m[i] / c1) / (math.Sqrt(v[i]/c2) + u.eps)
		}
	}
	step(e, ge, u.mE, u.vE)
	step(d, gd, u.mD, u.vD)
}

// spanBasis returns a d×n matrix whose orthonormal columns span the rows of
// x (n×d, n < d), from a Householder QR factorisation of xᵀ.
func spanBasis(x *mat.Dense) *mat.Dense {
	n, d := x.Dims()
	var qr mat.QR
	qr.Factorize(x.T())
	var q mat.Dense
	qr.QTo(&q)
	return mat.DenseCopyOf(q.Slice(0, d, 0, n))
}
