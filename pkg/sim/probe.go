package sim

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// ridgeCondLimit is the largest bound on cond(FᵀF/n_l + λI) for which the
// ridge probe uses the Cholesky factorisation of the normal equations; above
// it the probe switches to a QR factorisation of the augmented least-squares
// problem, whose condition number is only the square root of that.
const ridgeCondLimit = 1e8

// fitNested returns the probe weights ŵ_k for every k in ks, where the
// features of size k are the first k columns of f (n_l×kmax):
//
//	ŵ_k = argmin_w (1/n_l)‖y − F_k w‖² + λ‖w‖²,
//
// with λ = 0 meaning the minimum-norm least-squares solution. One
// factorisation of f serves every k ≤ n_l (and every k when λ > 0), because
// the leading blocks of a QR or Cholesky factorisation factor the leading
// columns.
func fitNested(f *mat.Dense, y []float64, ks []int, lambda float64) [][]float64 {
	if lambda > 0 {
		return fitRidge(f, y, ks, lambda)
	}
	return fitMinNorm(f, y, ks)
}

// fitMinNorm solves the λ = 0 problem. For k ≤ n_l it uses one Householder QR
// of the first min(kmax, n_l) columns. At k = n_l the triangular factor is
// typically ill-conditioned and ŵ is whatever the triangular solve gives.
// For k > n_l it computes the minimum-norm interpolator with an LQ-based
// solve (LAPACK Dgels) of F_k; an exactly rank-deficient F_k gives NaN.
func fitMinNorm(f *mat.Dense, y []float64, ks []int) [][]float64 {
	nl, kmax := f.Dims()
	fr := f.RawMatrix()
	out := make([][]float64, len(ks))

	if m := min(kmax, nl); slices.Min(ks) <= nl {
		a := blas64.General{Rows: nl, Cols: m, Stride: m, Data: make([]float64, nl*m)}
		for i := 0; i < nl; i++ {
			copy(a.Data[i*m:(i+1)*m], fr.Data[i*fr.Stride:i*fr.Stride+m])
		}
		nestedLeastSquares(a, append([]float64(nil), y...), ks, out)
	}

	for i, k := range ks {
		if k <= nl {
			continue
		}
		a := blas64.General{Rows: nl, Cols: k, Stride: k, Data: make([]float64, nl*k)}
		for r := 0; r < nl; r++ {
			copy(a.Data[r*k:(r+1)*k], fr.Data[r*fr.Stride:r*fr.Stride+k])
		}
		b := blas64.General{Rows: k, Cols: 1, Stride: 1, Data: make([]float64, k)}
		copy(b.Data, y)
		work := []float64{0}
		lapack64.Gels(blas.NoTrans, a, b, work, -1)
		work = make([]float64, max(int(work[0]), 2*k))
		if !lapack64.Gels(blas.NoTrans, a, b, work, len(work)) {
			for j := range b.Data {
				b.Data[j] = math.NaN()
			}
		}
		out[i] = b.Data
	}
	return out
}

// fitRidge solves the λ > 0 problem. When λ is not tiny it uses one Cholesky
// factorisation UᵀU = FᵀF/n_l + λI, whose leading k×k block factors the
// size-k problem. Otherwise it uses one QR of the augmented matrix
// [F; sqrt(n_l λ) I] with right-hand side [y; 0], which is stable for any λ
// and also nested: the first k columns of the augmented matrix are the
// augmented matrix of the size-k problem padded with zero rows.
func fitRidge(f *mat.Dense, y []float64, ks []int, lambda float64) [][]float64 {
	nl, kmax := f.Dims()
	fr := f.RawMatrix()
	// cond(FᵀF/n_l + λI) ≤ (trace(FᵀF)/n_l + λ)/λ.
	var trace float64
	for i := 0; i < nl; i++ {
		for _, e := range fr.Data[i*fr.Stride : i*fr.Stride+kmax] {
			trace += e * e
		}
	}
	if (trace/float64(nl)+lambda)/lambda > ridgeCondLimit {
		return fitRidgeQR(f, y, ks, lambda)
	}

	var h mat.SymDense
	h.SymOuterK(1/float64(nl), f.T())
	for j := 0; j < kmax; j++ {
		h.SetSym(j, j, h.At(j, j)+lambda)
	}
	rhs := make([]float64, kmax)
	blas64.Gemv(blas.Trans, 1/float64(nl), fr, blas64.Vector{N: nl, Inc: 1, Data: y}, 0, blas64.Vector{N: kmax, Inc: 1, Data: rhs})
	u, ok := lapack64.Potrf(h.RawSymmetric())
	if !ok {
		return fitRidgeQR(f, y, ks, lambda)
	}
	out := make([][]float64, len(ks))
	for i, k := range ks {
		w := append([]float64(nil), rhs[:k]...)
		uk := blas64.Triangular{Uplo: blas.Upper, Diag: blas.NonUnit, N: k, Stride: u.Stride, Data: u.Data}
		v := blas64.Vector{N: k, Inc: 1, Data: w}
		blas64.Trsv(blas.Trans, uk, v)
		blas64.Trsv(blas.NoTrans, uk, v)
		out[i] = w
	}
	return out
}

// fitRidgeQR solves the ridge problem for every k through one QR of the
// augmented (n_l + kmax)×kmax matrix [F; sqrt(n_l λ) I].
func fitRidgeQR(f *mat.Dense, y []float64, ks []int, lambda float64) [][]float64 {
	nl, kmax := f.Dims()
	fr := f.RawMatrix()
	m := nl + kmax
	a := blas64.General{Rows: m, Cols: kmax, Stride: kmax, Data: make([]float64, m*kmax)}
	for i := 0; i < nl; i++ {
		copy(a.Data[i*kmax:(i+1)*kmax], fr.Data[i*fr.Stride:i*fr.Stride+kmax])
	}
	s := math.Sqrt(float64(nl) * lambda)
	for j := 0; j < kmax; j++ {
		a.Data[(nl+j)*kmax+j] = s
	}
	rhs := make([]float64, m)
	copy(rhs, y)
	out := make([][]float64, len(ks))
	nestedLeastSquares(a, rhs, ks, out)
	return out
}

// nestedLeastSquares overwrites a (m×c, m ≥ c) with its Householder QR and
// rhs with Qᵀrhs, then sets out[i] = argmin_w ‖rhs − A_k w‖ for every
// ks[i] = k ≤ c, where A_k is the first k columns of a: A_k = Q R[:, :k] and
// R[:, :k] vanishes below row k, so ŵ_k = R[:k,:k]⁻¹ (Qᵀrhs)[:k].
func nestedLeastSquares(a blas64.General, rhs []float64, ks []int, out [][]float64) {
	tau := make([]float64, a.Cols)
	work := []float64{0}
	lapack64.Geqrf(a, tau, work, -1)
	work = make([]float64, max(int(work[0]), a.Cols, 1))
	lapack64.Geqrf(a, tau, work, len(work))

	c := blas64.General{Rows: a.Rows, Cols: 1, Stride: 1, Data: rhs}
	lapack64.Ormqr(blas.Left, blas.Trans, a, tau, c, work, -1)
	if need := int(work[0]); need > len(work) {
		work = make([]float64, need)
	}
	lapack64.Ormqr(blas.Left, blas.Trans, a, tau, c, work, len(work))

	for i, k := range ks {
		if k > a.Cols {
			continue
		}
		w := append([]float64(nil), rhs[:k]...)
		r := blas64.Triangular{Uplo: blas.Upper, Diag: blas.NonUnit, N: k, Stride: a.Stride, Data: a.Data}
		blas64.Trsv(blas.NoTrans, r, blas64.Vector{N: k, Inc: 1, Data: w})
		out[i] = w
	}
}
