package ae

import (
	"errors"
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// Probe fits the linear probe of docs/theory.md §1 on features z (n_l×k):
//
//	ŵ = argmin_w (1/n_l)‖y − Z w‖² + λ‖w‖²,
//
// with λ = 0 meaning the minimum-norm least-squares solution (QR when
// k ≤ n_l, LQ when k > n_l; Z must then have full rank). λ > 0 solves the
// normal equations (ZᵀZ/n_l + λI)ŵ = Zᵀy/n_l by Cholesky. An ill-conditioned
// Z (gonum's mat.Condition) is not an error: the solution is still the one
// the factorisation gives, as in pkg/sim.
func Probe(z *mat.Dense, y []float64, lambda float64) ([]float64, error) {
	n, k := z.Dims()
	if len(y) != n {
		return nil, fmt.Errorf("probe: %d targets for %d feature rows", len(y), n)
	}
	if !(lambda >= 0) {
		return nil, fmt.Errorf("probe: lambda=%g: must be >= 0", lambda)
	}
	w := mat.NewVecDense(k, nil)
	yv := mat.NewVecDense(n, append([]float64(nil), y...))
	if lambda == 0 {
		if err := w.SolveVec(z, yv); err != nil {
			var cond mat.Condition
			if !errors.As(err, &cond) {
				return nil, fmt.Errorf("probe: least squares: %w", err)
			}
		}
		return w.RawVector().Data, nil
	}
	var h mat.SymDense
	h.SymOuterK(1/float64(n), z.T())
	for j := range k {
		h.SetSym(j, j, h.At(j, j)+lambda)
	}
	rhs := mat.NewVecDense(k, nil)
	rhs.MulVec(z.T(), yv)
	rhs.ScaleVec(1/float64(n), rhs)
	var chol mat.Cholesky
	if !chol.Factorize(&h) {
		return nil, fmt.Errorf("probe: ZᵀZ/n_l + λI is not positive definite (lambda=%g)", lambda)
	}
	if err := chol.SolveVecTo(w, rhs); err != nil {
		return nil, fmt.Errorf("probe: ridge solve: %w", err)
	}
	return w.RawVector().Data, nil
}

// TrainError is (1/n)‖y − Z ŵ‖².
func TrainError(z *mat.Dense, y, w []float64) float64 {
	n, _ := z.Dims()
	pred := make([]float64, n)
	mulVec(pred, z, w)
	var s float64
	for i, p := range pred {
		e := y[i] - p
		s += e * e
	}
	return s / float64(n)
}

// LinearGenError is the exact generalisation error of the prediction
// ŵᵀ Pᵀx of a linear representation P (d×k) on the model with task β:
//
//	E_gen = σ² + (β − Pŵ)ᵀ Σ (β − Pŵ),   Σ = I + Σ_i θ_i e_i e_iᵀ.
//
// For a linear encoder z = E x, P = Eᵀ.
func LinearGenError(theta []float64, sigma float64, beta []float64, p *mat.Dense, w []float64) float64 {
	d, _ := p.Dims()
	pw := make([]float64, d)
	mulVec(pw, p, w)
	return sigma*sigma + SigmaDistance(theta, beta, pw)
}

// TestGenError estimates the generalisation error of the prediction ŵᵀz(x)
// on test inputs x (rows of xTest, drawn from the model) with their codes
// zTest:
//
//	Ê_gen = σ² + (1/m) Σ_a (βᵀx_a − ŵᵀz_a)²,
//
// which is unbiased for E_gen because the label noise is independent of x
// and its contribution σ² is exactly known, so it is added rather than
// sampled. It also returns the estimate's standard error over the m test
// points, the sample standard deviation of the squared errors over √m.
func TestGenError(sigma float64, beta []float64, xTest, zTest *mat.Dense, w []float64) (mean, stderr float64) {
	m, _ := xTest.Dims()
	truth := make([]float64, m)
	mulVec(truth, xTest, beta)
	pred := make([]float64, m)
	mulVec(pred, zTest, w)
	sq := make([]float64, m)
	for a := range sq {
		e := truth[a] - pred[a]
		sq[a] = e * e
	}
	est := estimate(sq)
	return sigma*sigma + est.Mean, est.StdErr
}
