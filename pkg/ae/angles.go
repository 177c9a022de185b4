package ae

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// PrincipalAngles returns the k principal angles, in radians and ascending,
// between the column spaces of a and b (both d×k of full column rank).
// Both are orthonormalised by QR (Q₁, Q₂); the cosines are the singular
// values of Q₁ᵀQ₂ and the sines those of Q₂ − Q₁Q₁ᵀQ₂. Each angle is taken
// from whichever is better conditioned (the sine below 45°), so that small
// angles are accurate to rounding instead of to √ε.
func PrincipalAngles(a, b *mat.Dense) ([]float64, error) {
	da, ka := a.Dims()
	db, kb := b.Dims()
	if da != db || ka != kb {
		return nil, fmt.Errorf("principal angles: shapes %d×%d and %d×%d differ", da, ka, db, kb)
	}
	if ka > da {
		return nil, fmt.Errorf("principal angles: k=%d exceeds d=%d", ka, da)
	}
	q1, err := orthonormal(a)
	if err != nil {
		return nil, fmt.Errorf("principal angles: first subspace: %w", err)
	}
	q2, err := orthonormal(b)
	if err != nil {
		return nil, fmt.Errorf("principal angles: second subspace: %w", err)
	}
	var m mat.Dense
	m.Mul(q1.T(), q2)
	cos, err := singularValues(&m)
	if err != nil {
		return nil, err
	}
	var proj, res mat.Dense
	proj.Mul(q1, &m)
	res.Sub(q2, &proj)
	sin, err := singularValues(&res)
	if err != nil {
		return nil, err
	}
	// cos is descending (angles ascending), sin descending (angles descending).
	k := ka
	out := make([]float64, k)
	for i := range k {
		c, s := min(cos[i], 1), min(sin[k-1-i], 1)
		if c*c >= 0.5 {
			out[i] = math.Asin(s)
		} else {
			out[i] = math.Acos(c)
		}
	}
	slices.Sort(out)
	return out, nil
}

// MaxAngle is the largest principal angle between the column spaces.
func MaxAngle(a, b *mat.Dense) (float64, error) {
	ang, err := PrincipalAngles(a, b)
	if err != nil {
		return math.NaN(), err
	}
	return ang[len(ang)-1], nil
}

// orthonormal returns a d×k matrix with orthonormal columns spanning those
// of a, or an error when a is numerically rank deficient.
func orthonormal(a *mat.Dense) (*mat.Dense, error) {
	d, k := a.Dims()
	var qr mat.QR
	qr.Factorize(a)
	var r mat.Dense
	qr.RTo(&r)
	var big float64
	for j := range k {
		big = max(big, math.Abs(r.At(j, j)))
	}
	for j := range k {
		if !(math.Abs(r.At(j, j)) > 1e-12*big) {
			return nil, fmt.Errorf("column %d is (numerically) dependent on the others", j)
		}
	}
	var q mat.Dense
	qr.QTo(&q)
	return mat.DenseCopyOf(q.Slice(0, d, 0, k)), nil
}

func singularValues(m *mat.Dense) ([]float64, error) {
	var svd mat.SVD
	if !svd.Factorize(m, mat.SVDNone) {
		return nil, errors.New("principal angles: SVD did not converge")
	}
	return svd.Values(nil), nil
}

// PCA returns the top-k eigenvectors of the uncentred sample covariance
// Ĉ = XᵀX/n of the rows of x (n×d), as the columns of a d×k matrix ordered
// by decreasing eigenvalue; k must lie in [1, min(n, d)]. When n < d it
// diagonalises the n×n Gram matrix XXᵀ instead and maps back by Xᵀa/‖Xᵀa‖.
func PCA(x *mat.Dense, k int) (*mat.Dense, error) {
	n, d := x.Dims()
	if k < 1 || k > min(n, d) {
		return nil, fmt.Errorf("pca: k=%d outside [1, min(n, d)] = [1, %d]", k, min(n, d))
	}
	gram := n < d
	var s mat.SymDense
	if gram {
		s.SymOuterK(1, x)
	} else {
		s.SymOuterK(1/float64(n), x.T())
	}
	var eig mat.EigenSym
	if !eig.Factorize(&s, true) {
		return nil, errors.New("pca: eigendecomposition did not converge")
	}
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	m, _ := vecs.Dims()
	top := mat.NewDense(m, k, nil)
	for j := range k { // EigenSym sorts ascending
		top.SetCol(j, mat.Col(nil, m-1-j, &vecs))
	}
	if !gram {
		return top, nil
	}
	v := mat.NewDense(d, k, nil)
	v.Mul(x.T(), top)
	for j := range k {
		col := v.ColView(j).(*mat.VecDense)
		nrm := mat.Norm(col, 2)
		if !(nrm > 0) {
			return nil, fmt.Errorf("pca: Gram eigenvector %d maps to zero (rank-deficient data)", j)
		}
		col.ScaleVec(1/nrm, col)
	}
	return v, nil
}
