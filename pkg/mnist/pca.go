package mnist

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// pcaBlock is the number of images converted to float64 at a time when the
// covariance is accumulated, so that 50k unlabelled images never need 300 MB.
const pcaBlock = 1000

// PCA is the principal component analysis of a set of unlabelled images.
type PCA struct {
	// Mean is the mean image of the unlabelled set (Pixels values in [0, 1]).
	Mean []float64
	// Values are the eigenvalues of the centred sample covariance
	// Ĉ = (1/n_u) Σ_a (x_a − m)(x_a − m)ᵀ in decreasing order, all
	// min(d, n_u) of them (for n_u ≤ d the last is 0 up to rounding: centring
	// removes one dimension).
	Values []float64
	// Vectors holds the top Rank() eigenvectors as columns (d × Rank()).
	Vectors *mat.Dense
	// N is the number of unlabelled images.
	N int
}

// Rank is the number of principal components available: min(d, n_u − 1),
// the rank of the centred data.
func (p *PCA) Rank() int { _, c := p.Vectors.Dims(); return c }

// FitPCA computes the PCA of the images idx of s, centred with their own mean.
// It eigendecomposes the d×d covariance when n_u > d and the n_u×n_u Gram
// matrix otherwise (same nonzero spectrum, eigenvectors mapped back by
// v = X_cᵀa/‖X_cᵀa‖), so the cost is O(n_u d² + min(d, n_u)³).
func FitPCA(s *Set, idx []int) (*PCA, error) {
	n := len(idx)
	if n < 2 {
		return nil, fmt.Errorf("pca: n_u=%d: need at least 2 unlabelled images", n)
	}
	mean := make([]float64, Pixels)
	row := make([]float64, Pixels)
	for _, i := range idx {
		s.Row(i, row)
		for j, v := range row {
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	p := &PCA{Mean: mean, N: n}
	if n <= Pixels {
		return p, p.fitGram(s, idx)
	}
	return p, p.fitCovariance(s, idx)
}

func (p *PCA) fitCovariance(s *Set, idx []int) error {
	var c mat.SymDense
	c.ReuseAsSym(Pixels)
	blk := mat.NewDense(pcaBlock, Pixels, nil)
	for start := 0; start < len(idx); start += pcaBlock {
		end := min(start+pcaBlock, len(idx))
		b := blk.Slice(0, end-start, 0, Pixels).(*mat.Dense)
		for r, i := range idx[start:end] {
			p.centredRow(s, i, b.RawRowView(r))
		}
		c.SymRankK(&c, 1/float64(len(idx)), b.T())
	}
	var eig mat.EigenSym
	if !eig.Factorize(&c, true) {
		return errors.New("pca: eigendecomposition of the covariance did not converge")
	}
	vals := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	p.Values = reversed(vals)
	p.Vectors = reversedColumns(&vecs, Pixels)
	return nil
}

func (p *PCA) fitGram(s *Set, idx []int) error {
	n := len(idx)
	x := mat.NewDense(n, Pixels, nil)
	for r, i := range idx {
		p.centredRow(s, i, x.RawRowView(r))
	}
	var g mat.SymDense
	g.SymOuterK(1/float64(n), x)
	var eig mat.EigenSym
	if !eig.Factorize(&g, true) {
		return errors.New("pca: eigendecomposition of the Gram matrix did not converge")
	}
	vals := eig.Values(nil)
	var a mat.Dense
	eig.VectorsTo(&a)
	p.Values = reversed(vals)
	// Centring leaves rank n − 1: the last Gram eigenvector is the constant
	// one, which maps to zero.
	rank := n - 1
	top := reversedColumns(&a, rank)
	v := mat.NewDense(Pixels, rank, nil)
	v.Mul(x.T(), top)
	for j := 0; j < rank; j++ {
		col := v.ColView(j)
		nrm := mat.Norm(col, 2)
		if !(nrm > 0) {
			return fmt.Errorf("pca: component %d of %d has zero variance (duplicate images?)", j+1, rank)
		}
		for i := 0; i < Pixels; i++ {
			v.Set(i, j, v.At(i, j)/nrm)
		}
	}
	p.Vectors = v
	return nil
}

// centredRow writes image i of s minus the mean into dst.
func (p *PCA) centredRow(s *Set, i int, dst []float64) {
	s.Row(i, dst)
	for j := range dst {
		dst[j] -= p.Mean[j]
	}
}

// Project writes the scores (x − m)ᵀP_k of the images idx of s on the top k
// components into a len(idx)×k matrix.
func (p *PCA) Project(s *Set, idx []int, k int) *mat.Dense {
	x := mat.NewDense(len(idx), Pixels, nil)
	for r, i := range idx {
		p.centredRow(s, i, x.RawRowView(r))
	}
	z := mat.NewDense(len(idx), k, nil)
	z.Mul(x, p.Vectors.Slice(0, Pixels, 0, k))
	return z
}

// ProjectDense is Project for images already scaled to [0, 1], the rows of x.
func (p *PCA) ProjectDense(x *mat.Dense, k int) *mat.Dense {
	n, _ := x.Dims()
	z := mat.NewDense(n, k, nil)
	pk := p.Vectors.Slice(0, Pixels, 0, k)
	z.Mul(x, pk)
	// (x − m)ᵀP = xᵀP − mᵀP, one row at a time.
	var mp mat.VecDense
	mp.MulVec(pk.T(), mat.NewVecDense(Pixels, p.Mean))
	for r := 0; r < n; r++ {
		row := z.RawRowView(r)
		for j := range row {
			row[j] -= mp.AtVec(j)
		}
	}
	return z
}

func reversed(v []float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[len(v)-1-i] = math.Max(x, 0) // rounding can make a zero eigenvalue slightly negative
	}
	return out
}

// reversedColumns returns the last k columns of a, in reverse order.
func reversedColumns(a *mat.Dense, k int) *mat.Dense {
	r, c := a.Dims()
	out := mat.NewDense(r, k, nil)
	for i := 0; i < r; i++ {
		src, dst := a.RawRowView(i), out.RawRowView(i)
		for j := range dst {
			dst[j] = src[c-1-j]
		}
	}
	return out
}
