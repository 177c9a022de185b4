package sim

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// pcaPath selects how the top eigenvectors of Ĉ are computed. Both paths give
// the same subspaces; the Gram path is cheaper when n_u < d.
type pcaPath int

const (
	pathAuto       pcaPath = iota // Gram when n_u < d, covariance otherwise
	pathCovariance                // eigendecompose the d×d matrix XᵀX/n_u
	pathGram                      // eigendecompose the n_u×n_u matrix XXᵀ and map back
)

// topEigenvectors returns the d×kmax matrix whose columns are the top kmax
// eigenvectors of Ĉ = XᵀX/n (x is n×d), ordered by decreasing eigenvalue.
// kmax must lie in [1, min(n, d)].
func topEigenvectors(x *mat.Dense, kmax int, path pcaPath) (*mat.Dense, error) {
	n, d := x.Dims()
	if kmax < 1 || kmax > min(n, d) {
		return nil, fmt.Errorf("pca: k=%d outside [1, min(d, n_u)] = [1, %d]", kmax, min(n, d))
	}
	if path == pathAuto {
		path = pathCovariance
		if n < d {
			path = pathGram
		}
	}
	var s mat.SymDense
	switch path {
	case pathCovariance:
		s.SymOuterK(1/float64(n), x.T())
	case pathGram:
		// XXᵀa = μa implies Ĉ(Xᵀa) = (μ/n)(Xᵀa): same order, same subspaces.
		s.SymOuterK(1, x)
	default:
		return nil, fmt.Errorf("pca: unknown path %d", path)
	}
	_, vecs, err := eigenSym(&s)
	if err != nil {
		return nil, err
	}
	m, _ := vecs.Dims()
	// eigenSym sorts by decreasing eigenvalue; keep the first kmax columns.
	top := vecs
	if kmax < m {
		top = mat.NewDense(m, kmax, nil)
		top.Copy(vecs.Slice(0, m, 0, kmax))
	}
	if path == pathCovariance {
		return top, nil
	}
	v := mat.NewDense(d, kmax, nil)
	v.Mul(x.T(), top)
	// ‖Xᵀa‖² = μ, but normalising by the computed norm keeps the columns
	// unit-length to rounding whatever the conditioning of μ.
	vr := v.RawMatrix()
	norms := make([]float64, kmax)
	for i := 0; i < d; i++ {
		for j, e := range vr.Data[i*vr.Stride : i*vr.Stride+kmax] {
			norms[j] += e * e
		}
	}
	for j := range norms {
		if !(norms[j] > 0) {
			return nil, fmt.Errorf("pca: Gram eigenvector %d maps to a zero vector (rank-deficient data)", j)
		}
		norms[j] = 1 / math.Sqrt(norms[j])
	}
	for i := 0; i < d; i++ {
		row := vr.Data[i*vr.Stride : i*vr.Stride+kmax]
		for j := range row {
			row[j] *= norms[j]
		}
	}
	return v, nil
}
