package mnist

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// Probe is a ridge linear probe with an unpenalised intercept fitted on the
// first k feature columns, for every k of a list at once.
//
// For features Z (n×K) and targets Y (n×c) it minimises, for each k,
//
//	(1/n) ‖Y − 1bᵀ − Z_k W‖² + λ ‖W‖²
//
// whose solution is W_k = (Z̃_kᵀZ̃_k/n + λI)⁻¹ Z̃_kᵀỸ/n with Z̃, Ỹ centred on
// the labelled means, and b = ȳ − W_kᵀz̄_k. The leading k×k block of the
// Cholesky factor of Z̃ᵀZ̃/n + λI is the factor of the leading block, so one
// factorisation of the K×K matrix serves every k: a forward solve with the
// full factor, then one k×k back substitution per k.
type Probe struct {
	K    []int
	W    []*mat.Dense // W[i] is K[i]×c
	ZBar []float64    // labelled feature means (K values)
	YBar []float64    // labelled target means (c values)
}

// FitProbe fits the probe for every k in ks (increasing, each ≤ the number of
// columns of z) with ridge λ > 0.
func FitProbe(z, y *mat.Dense, lambda float64, ks []int) (*Probe, error) {
	n, kmax := z.Dims()
	ny, c := y.Dims()
	if ny != n {
		return nil, fmt.Errorf("probe: %d feature rows but %d target rows", n, ny)
	}
	if !(lambda > 0) {
		return nil, fmt.Errorf("probe: lambda=%g must be > 0", lambda)
	}
	for i, k := range ks {
		if k < 1 || k > kmax || (i > 0 && k <= ks[i-1]) {
			return nil, fmt.Errorf("probe: k=%d: sizes must increase within [1, %d]", k, kmax)
		}
	}
	if len(ks) > 0 {
		kmax = ks[len(ks)-1]
	}
	zc := mat.NewDense(n, kmax, nil)
	zc.Copy(z.Slice(0, n, 0, kmax))
	zbar := centreColumns(zc)
	yc := mat.DenseCopyOf(y)
	ybar := centreColumns(yc)

	var g mat.SymDense
	g.SymOuterK(1/float64(n), zc.T())
	for i := 0; i < kmax; i++ {
		g.SetSym(i, i, g.At(i, i)+lambda)
	}
	var ch mat.Cholesky
	if !ch.Factorize(&g) {
		return nil, fmt.Errorf("probe: Z̃ᵀZ̃/n + λI is not positive definite at lambda=%g", lambda)
	}
	var u mat.TriDense
	ch.UTo(&u) // g = UᵀU
	// v = U⁻ᵀ Z̃ᵀỸ/n: its first k rows are U_k⁻ᵀ Z̃_kᵀỸ/n.
	v := mat.NewDense(kmax, c, nil)
	v.Mul(zc.T(), yc)
	v.Scale(1/float64(n), v)
	ur := u.RawTriangular()
	blas64.Trsm(blas.Left, blas.Trans, 1, ur, v.RawMatrix())

	p := &Probe{K: append([]int(nil), ks...), ZBar: zbar, YBar: ybar}
	for _, k := range ks {
		w := mat.DenseCopyOf(v.Slice(0, k, 0, c))
		uk := blas64.Triangular{Uplo: blas.Upper, Diag: blas.NonUnit, N: k, Stride: ur.Stride, Data: ur.Data}
		blas64.Trsm(blas.Left, blas.NoTrans, 1, uk, w.RawMatrix())
		p.W = append(p.W, w)
	}
	return p, nil
}

// Predict returns the predictions ŷ = ȳ + W_kᵀ(z − z̄) of the i-th size of
// the probe for the rows of z (at least K[i] columns).
func (p *Probe) Predict(i int, z *mat.Dense) *mat.Dense {
	n, _ := z.Dims()
	k := p.K[i]
	_, c := p.W[i].Dims()
	out := mat.NewDense(n, c, nil)
	out.Mul(z.Slice(0, n, 0, k), p.W[i])
	// Constant row: ȳ − W_kᵀz̄_k.
	off := make([]float64, c)
	copy(off, p.YBar)
	for j := 0; j < k; j++ {
		for cl := 0; cl < c; cl++ {
			off[cl] -= p.W[i].At(j, cl) * p.ZBar[j]
		}
	}
	for r := 0; r < n; r++ {
		row := out.RawRowView(r)
		for cl := range row {
			row[cl] += off[cl]
		}
	}
	return out
}

// centreColumns subtracts each column's mean and returns the means.
func centreColumns(a *mat.Dense) []float64 {
	n, c := a.Dims()
	mean := make([]float64, c)
	for r := 0; r < n; r++ {
		for j, v := range a.RawRowView(r) {
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	for r := 0; r < n; r++ {
		row := a.RawRowView(r)
		for j := range row {
			row[j] -= mean[j]
		}
	}
	return mean
}

// OneHot returns the len(labels)×Classes matrix of one-hot targets.
func OneHot(labels []uint8) *mat.Dense {
	y := mat.NewDense(len(labels), Classes, nil)
	for r, l := range labels {
		y.Set(r, int(l), 1)
	}
	return y
}

// Score returns the mean squared error per image, summed over the Classes
// outputs, of predictions pred against the labels, and the accuracy of the
// arg-max class.
func Score(pred *mat.Dense, labels []uint8) (mse, acc float64) {
	n, c := pred.Dims()
	correct := 0
	for r := 0; r < n; r++ {
		row := pred.RawRowView(r)
		best := 0
		for cl := 0; cl < c; cl++ {
			t := 0.0
			if cl == int(labels[r]) {
				t = 1
			}
			mse += (row[cl] - t) * (row[cl] - t)
			if row[cl] > row[best] {
				best = cl
			}
		}
		if best == int(labels[r]) {
			correct++
		}
	}
	return mse / float64(n), float64(correct) / float64(n)
}
