package sim

import (
	"errors"
	"math"
	"runtime"
	"sort"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/lapack/gonum"
	"gonum.org/v1/gonum/mat"
)

// eigenSym returns the eigenvalues of the symmetric matrix s in decreasing
// order and the matching unit eigenvectors as the columns of an n×n matrix.
//
// It follows LAPACK's Dsyev (Householder tridiagonalisation A = QTQᵀ, then
// implicit QR sweeps with Wilkinson shifts on T), but applies the plane
// rotations of the sweeps to Q in batches, row by row, over several
// goroutines. In Dsteqr that update is most of the cost at d = 1000 and runs
// on one core with strided memory access. Every row of Q sees the same
// rotations in the same order whatever the number of goroutines, so the
// result is bit-identical for any GOMAXPROCS.
func eigenSym(s *mat.SymDense) ([]float64, *mat.Dense, error) {
	n := s.SymmetricDim()
	if n == 0 {
		return nil, mat.NewDense(0, 0, nil), nil
	}
	raw := s.RawSymmetric()
	q := make([]float64, n*n)
	for i := 0; i < n; i++ {
		copy(q[i*n+i:(i+1)*n], raw.Data[i*raw.Stride+i:i*raw.Stride+n])
	}
	var impl gonum.Implementation
	d := make([]float64, n)
	e := make([]float64, max(n-1, 1))
	tau := make([]float64, max(n-1, 1))
	work := []float64{0}
	impl.Dsytrd(blas.Upper, n, q, n, d, e, tau, work, -1)
	impl.Dorgtr(blas.Upper, n, q, n, tau, work, -1)
	work = make([]float64, max(int(work[0]), n))
	impl.Dsytrd(blas.Upper, n, q, n, d, e, tau, work, len(work))
	impl.Dorgtr(blas.Upper, n, q, n, tau, work, len(work))

	if err := tridiagonalQR(d, e[:n-1], q, n); err != nil {
		return nil, nil, err
	}

	// Decreasing eigenvalues; ties keep their index order.
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return d[order[a]] > d[order[b]] })
	vals := make([]float64, n)
	vecs := make([]float64, n*n)
	for j, o := range order {
		vals[j] = d[o]
	}
	for i := 0; i < n; i++ {
		src, dst := q[i*n:(i+1)*n], vecs[i*n:(i+1)*n]
		for j, o := range order {
			dst[j] = src[o]
		}
	}
	return vals, mat.NewDense(n, n, vecs), nil
}

// tridiagonalQR diagonalises the symmetric tridiagonal matrix with diagonal
// d (length n) and off-diagonal e (length n − 1) by implicit QR sweeps with
// the Wilkinson shift, deflating at the bottom (Golub & Van Loan, §8.3). On
// return d holds the eigenvalues, unsorted, and z (n×n, row-major) has been
// multiplied on the right by the eigenvector matrix of T, so that if z was
// the Q of A = QTQᵀ its columns are now the eigenvectors of A.
func tridiagonalQR(d, e, z []float64, n int) error {
	rot := newRotationBatch(z, n)
	small := func(k int) bool {
		return math.Abs(e[k]) <= 0x1p-53*(math.Abs(d[k])+math.Abs(d[k+1]))
	}
	sweeps := 0
	for hi := n - 1; hi > 0; {
		if small(hi - 1) {
			e[hi-1] = 0
			hi--
			continue
		}
		lo := hi - 1
		for lo > 0 && !small(lo-1) {
			lo--
		}
		if lo > 0 {
			e[lo-1] = 0
		}
		if sweeps++; sweeps > 30*n {
			return errors.New("pca: tridiagonal QR iteration did not converge")
		}
		c, s := rot.sweep(lo, hi)
		qrSweep(d, e, lo, hi, c, s)
	}
	rot.flush()
	return nil
}

// qrSweep performs one implicit QR step with Wilkinson shift on the
// unreduced block lo..hi of the tridiagonal matrix, T ← R T Rᵀ with R a
// product of plane rotations in the planes (k, k+1), k = lo..hi−1. The
// rotation in plane (k, k+1) is stored as c[k−lo], s[k−lo]: it replaces
// rows k, k+1 by c·row_k + s·row_{k+1} and −s·row_k + c·row_{k+1}.
func qrSweep(d, e []float64, lo, hi int, c, s []float64) {
	// The eigenvalue of the trailing 2×2 block nearer to its last entry.
	delta := (d[hi-1] - d[hi]) / 2
	b := e[hi-1]
	mu := d[hi] - math.Abs(b)
	if delta != 0 {
		mu = d[hi] - b*b/(delta+math.Copysign(math.Hypot(delta, b), delta))
	}
	// The first rotation makes R's first row parallel to the first column
	// of T − μI; each later one chases the bulge it creates down the band.
	x, y := d[lo]-mu, e[lo]
	for k := lo; k < hi; k++ {
		r := math.Hypot(x, y)
		ck, sk := 1.0, 0.0
		if r != 0 {
			ck, sk = x/r, y/r
		}
		if k > lo {
			e[k-1] = r // the bulge at (k+1, k−1) is now zero
		}
		p, q, f := d[k], d[k+1], e[k]
		cs := ck * sk
		d[k] = ck*ck*p + 2*cs*f + sk*sk*q
		d[k+1] = sk*sk*p - 2*cs*f + ck*ck*q
		e[k] = cs*(q-p) + (ck*ck-sk*sk)*f
		if k+1 < hi {
			x, y = e[k], sk*e[k+1] // y is the new bulge at (k+2, k)
			e[k+1] *= ck
		}
		c[k-lo], s[k-lo] = ck, sk
	}
}

// rotationBatch collects the rotations of consecutive QR sweeps and applies
// them to the rows of z (n×n, row-major) as z ← z Rᵀ, a few rows at a time
// so that the rows stay in cache across sweeps, the rows shared out among
// goroutines.
type rotationBatch struct {
	z      []float64
	n      int
	c, s   []float64 // rotations of the buffered sweeps, back to back
	lo, hi []int     // plane range of each buffered sweep
}

// rotationBatchSize is the number of rotations buffered before they are
// applied: a few full sweeps.
func rotationBatchSize(n int) int { return 4 * n }

func newRotationBatch(z []float64, n int) *rotationBatch {
	size := rotationBatchSize(n) + n
	return &rotationBatch{z: z, n: n, c: make([]float64, 0, size), s: make([]float64, 0, size)}
}

// sweep reserves room for the hi − lo rotations of a sweep over lo..hi and
// returns it for qrSweep to fill, applying the buffered sweeps first when
// the buffer is full.
func (rb *rotationBatch) sweep(lo, hi int) (c, s []float64) {
	m := hi - lo
	if len(rb.c)+m > cap(rb.c) {
		rb.flush()
	}
	start := len(rb.c)
	rb.c, rb.s = rb.c[:start+m], rb.s[:start+m]
	rb.lo, rb.hi = append(rb.lo, lo), append(rb.hi, hi)
	return rb.c[start:], rb.s[start:]
}

// flush applies the buffered sweeps to every row of z, in order.
func (rb *rotationBatch) flush() {
	if len(rb.lo) == 0 {
		return
	}
	n := rb.n
	workers := min(runtime.GOMAXPROCS(0), n/64)
	if workers <= 1 {
		rb.applyRows(0, n)
	} else {
		// Contiguous ranges of whole groups of four rows.
		groups := (n + 3) / 4
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			a, b := 4*(groups*w/workers), min(n, 4*(groups*(w+1)/workers))
			wg.Go(func() { rb.applyRows(a, b) })
		}
		wg.Wait()
	}
	rb.c, rb.s = rb.c[:0], rb.s[:0]
	rb.lo, rb.hi = rb.lo[:0], rb.hi[:0]
}

// applyRows applies the buffered sweeps to rows a..b−1 of z, four rows at a
// time: four independent recurrences keep the floating-point units busy.
func (rb *rotationBatch) applyRows(a, b int) {
	n := rb.n
	i := a
	for ; i+4 <= b; i += 4 {
		r0, r1 := rb.z[i*n:(i+1)*n], rb.z[(i+1)*n:(i+2)*n]
		r2, r3 := rb.z[(i+2)*n:(i+3)*n], rb.z[(i+3)*n:(i+4)*n]
		off := 0
		for w, lo := range rb.lo {
			hi := rb.hi[w]
			c, s := rb.c[off:off+hi-lo], rb.s[off:off+hi-lo]
			off += hi - lo
			t0, t1, t2, t3 := r0[lo], r1[lo], r2[lo], r3[lo]
			u0, u1, u2, u3 := r0[lo+1:hi+1], r1[lo+1:hi+1], r2[lo+1:hi+1], r3[lo+1:hi+1]
			v0, v1, v2, v3 := r0[lo:hi], r1[lo:hi], r2[lo:hi], r3[lo:hi]
			for k, ck := range c {
				sk := s[k]
				x0, x1, x2, x3 := u0[k], u1[k], u2[k], u3[k]
				v0[k], t0 = ck*t0+sk*x0, ck*x0-sk*t0
				v1[k], t1 = ck*t1+sk*x1, ck*x1-sk*t1
				v2[k], t2 = ck*t2+sk*x2, ck*x2-sk*t2
				v3[k], t3 = ck*t3+sk*x3, ck*x3-sk*t3
			}
			r0[hi], r1[hi], r2[hi], r3[hi] = t0, t1, t2, t3
		}
	}
	for ; i < b; i++ {
		r := rb.z[i*n : (i+1)*n]
		off := 0
		for w, lo := range rb.lo {
			hi := rb.hi[w]
			c, s := rb.c[off:off+hi-lo], rb.s[off:off+hi-lo]
			off += hi - lo
			t := r[lo]
			u, v := r[lo+1:hi+1], r[lo:hi]
			for k, ck := range c {
				sk := s[k]
				x := u[k]
				v[k], t = ck*t+sk*x, ck*x-sk*t
			}
			r[hi] = t
		}
	}
}
