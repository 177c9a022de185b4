package mnist

import (
	"errors"
	"fmt"
	"math"

	"github.com/optrep/optrep/pkg/theory"
	"gonum.org/v1/gonum/mat"
)

// TaskFit is the task of docs/theory.md §1 estimated from labelled data in the
// units of a SpikeFit (features divided by √Noise). The one-hot targets are
// Classes scalar tasks; since E_gen is linear in (b_i², b_⊥², σ²) at fixed θ
// and κ, the summed squared error of the Classes probes is the error of one
// task whose b_i², b_⊥² and σ² are the sums over classes, which is what is
// stored.
type TaskFit struct {
	// B[i] is sqrt(Σ_c b_ic²) for the i-th spike of the fit.
	B []float64
	// BPerp² is the task variance estimated in the bulk directions.
	BPerp float64
	// Sigma² is the target variance that neither the spikes nor the bulk
	// explain linearly.
	Sigma float64
	// TargetVar is Σ_c Var(y_c) on the labelled set.
	TargetVar float64
}

// FitTask estimates the task alignment from the labelled images' scores z
// (n_l × rank, on every principal component, any centring) and their one-hot
// targets y, by the method of moments in the normalised units of fit:
//
//   - spike i: the score z̃_i = z_i/√Noise has covariance b_i(1 + θ_i)√c_i with
//     the target, c_i = TopOverlap(θ_i, γ), so
//     b̂_i² = (ĉov_i² − v_i V/n_l) / ((1 + θ_i)² c_i),
//     where v_i V/n_l removes the sampling noise of ĉov_i (v_i the score
//     variance, V the target variance);
//   - bulk: the same debiased ĉov_j²/v_j summed over the components beyond
//     the spikes estimates the task variance they carry; divided by their
//     share (rank − r)/d of the space it gives b_⊥²;
//   - σ² is what is left of V after Σ_i b_i²(1 + θ_i) + b_⊥², at least 0
//     (b_⊥² is cut back first when the estimates exceed V).
//
// Each estimate is summed over the classes, then clipped at 0; the clipped
// b_i² are rescaled to keep Σ_i b_i²(1 + θ_i) equal to its unclipped
// (unbiased) value.
func FitTask(fit SpikeFit, z, y *mat.Dense) (TaskFit, error) {
	n, rank := z.Dims()
	ny, c := y.Dims()
	if ny != n || n < 2 {
		return TaskFit{}, fmt.Errorf("task fit: %d score rows, %d target rows: need equal counts ≥ 2", n, ny)
	}
	r := fit.Outliers()
	if r > rank {
		return TaskFit{}, fmt.Errorf("task fit: %d spikes but only %d score columns", r, rank)
	}
	d := float64(Pixels)
	zc := mat.DenseCopyOf(z)
	centreColumns(zc)
	zc.Scale(1/math.Sqrt(fit.Noise), zc)
	yc := mat.DenseCopyOf(y)
	centreColumns(yc)
	var cov mat.Dense // rank × c: ĉov_jc = (1/n) Σ z̃_j y_c
	cov.Mul(zc.T(), yc)
	cov.Scale(1/float64(n), &cov)
	zvar := make([]float64, rank)
	for row := 0; row < n; row++ {
		for j, v := range zc.RawRowView(row) {
			zvar[j] += v * v / float64(n)
		}
	}
	yvar := make([]float64, c)
	for row := 0; row < n; row++ {
		for cl, v := range yc.RawRowView(row) {
			yvar[cl] += v * v / float64(n)
		}
	}
	var t TaskFit
	for _, v := range yvar {
		t.TargetVar += v
	}
	// debiased returns Σ_c (ĉov_jc² − v_j V_c/n) for component j. The sum over
	// classes is not clipped term by term: with hundreds of components, the
	// positive bias of clipped noise would add up to more than the signal.
	debiased := func(j int) float64 {
		s := 0.0
		for cl := 0; cl < c; cl++ {
			s += cov.At(j, cl)*cov.At(j, cl) - zvar[j]*yvar[cl]/float64(n)
		}
		return s
	}
	// Clipping each spike's b_i² at 0 biases their sum upwards (by hundreds
	// of positive parts of noise on MNIST); rescaling the clipped values so
	// that they explain the unclipped total keeps that total unbiased.
	t.B = make([]float64, r)
	b2 := make([]float64, r)
	raw, clipped := 0.0, 0.0
	for i, th := range fit.Theta {
		ct := theory.TopOverlap(th, fit.Gamma)
		if ct < 1e-9 {
			continue
		}
		v := debiased(i) / ((1 + th) * (1 + th) * ct)
		raw += v * (1 + th)
		b2[i] = math.Max(0, v)
		clipped += b2[i] * (1 + th)
	}
	scale := 0.0
	if raw > 0 && clipped > 0 {
		scale = raw / clipped
	}
	explained := 0.0
	for i, th := range fit.Theta {
		t.B[i] = math.Sqrt(b2[i] * scale)
		explained += b2[i] * scale * (1 + th)
	}
	bulk := 0.0
	for j := r; j < rank; j++ {
		if zvar[j] > 0 {
			bulk += debiased(j) / zvar[j]
		}
	}
	perp2 := 0.0
	if rank > r && bulk > 0 {
		perp2 = bulk * d / float64(rank-r)
	}
	rest := math.Max(0, t.TargetVar-explained)
	perp2 = math.Min(perp2, rest)
	t.BPerp = math.Sqrt(perp2)
	t.Sigma = math.Sqrt(rest - perp2)
	return t, nil
}

// Prediction is the theory's optimal representation size for one fitted
// (spectrum, task) pair.
type Prediction struct {
	// K is the predicted k*: the number of spike components when the
	// optimum is maximally compressed, else round(κ*·d) (the convention of
	// verify.TheoryAt), clipped to [1, rank].
	K int
	// Params are the fitted model parameters given to theory.OptimalKappa.
	Params theory.Params
	// Optimum is what theory.OptimalKappa returned.
	Optimum theory.Optimum
	// KFinite is PredictKFinite's k* over the experiment's k grid, 0 if it
	// failed.
	KFinite int
}

// PredictK fits the model's parameters (spikes from fit, task from task, the
// probe's ridge lambda in pixel units, n_u unlabelled and n_l labelled images)
// and returns theory.OptimalKappa's k*. rank bounds the answer.
func PredictK(fit SpikeFit, task TaskFit, nl, rank int, lambda float64) (Prediction, error) {
	if fit.Outliers() == 0 {
		return Prediction{}, errors.New("predict k*: no outlier eigenvalue: the spiked model has no spike to use")
	}
	d := float64(Pixels)
	p := theory.Params{
		Theta:  fit.Theta,
		B:      task.B,
		BPerp:  task.BPerp,
		Sigma:  task.Sigma,
		Lambda: lambda / fit.Noise,
		AlphaU: 1 / fit.Gamma,
		AlphaL: float64(nl) / d,
	}
	opt, err := theory.OptimalKappa(p)
	if err != nil {
		return Prediction{}, fmt.Errorf("predict k*: %w", err)
	}
	k := opt.Components
	if !opt.MaximallyCompressed {
		k = int(math.Round(opt.Kappa * d))
	}
	k = max(1, min(k, rank))
	return Prediction{K: k, Params: p, Optimum: opt}, nil
}

// PredictKFinite is a finite-size reading of the same theory, for spectra with
// so many outliers (MNIST: hundreds) that "r fixed, d → ∞" does not hold. The
// theory's finite representations k ≤ r carry no estimation variance (ψ = 0),
// so with r comparable to n_l it happily keeps every spike. Here each k of ks
// is scored with its variance counted:
//
//   - k ≤ r spike components: the exact finite-n least-squares error of
//     docs/theory.md §3, (σ² + m_k)(n_l − 1)/(n_l − k − 1), with m_k the
//     theory's misspecification of the top k spikes (EvaluateFinite); +Inf
//     when k ≥ n_l − 1, where that formula stops;
//   - k > r: theory.GenError at κ = k/d (the convention of verify.TheoryAt),
//     which counts every component in ψ = k/n_l.
//
// It returns the k of ks with the lowest predicted error and the predicted
// errors (in the fitted units; only their argmin is meaningful).
func PredictKFinite(p theory.Params, nl int, ks []int) (int, []float64, error) {
	r := len(p.Theta)
	errs := make([]float64, len(ks))
	best, bestErr := 0, math.Inf(1)
	for i, k := range ks {
		var e float64
		switch {
		case k <= r:
			pt, err := theory.EvaluateFinite(p, k)
			if err != nil {
				return 0, nil, fmt.Errorf("predict k* (finite): %w", err)
			}
			e = math.Inf(1)
			if k < nl-1 {
				e = pt.GenError * float64(nl-1) / float64(nl-k-1)
			}
		default:
			kappa := float64(k) / Pixels
			if kappa > p.MaxKappa() {
				e = math.NaN()
				break
			}
			var err error
			if e, err = theory.GenError(p, kappa); err != nil {
				return 0, nil, fmt.Errorf("predict k* (finite): %w", err)
			}
		}
		errs[i] = e
		if e < bestErr {
			best, bestErr = k, e
		}
	}
	if best == 0 {
		return 0, errs, errors.New("predict k* (finite): no k with a finite predicted error")
	}
	return best, errs, nil
}
