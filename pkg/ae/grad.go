package ae

import (
	"gonum.org/v1/gonum/mat"
)

// grad evaluates the reconstruction loss L = (1/b)Σ‖x − D f(E x)‖² over a set
// of b rows and its gradients, by backpropagation:
//
//	P = X Eᵀ, H = f(P), R = H Dᵀ − X,
//	∂L/∂D = (2/b) Rᵀ H,   ∂L/∂E = ((2/b) R D ∘ f'(P))ᵀ X.
//
// For the linear encoder on the whole data with n > d it uses the equivalent
// form in Ĉ = XᵀX/n, which costs O(d²k) instead of O(ndk) per step: with
// A = ĈEᵀ and G = EA,
//
//	L = tr Ĉ − 2⟨A, D⟩ + ⟨DᵀD, G⟩,   ∂L/∂D = 2(DG − A),   ∂L/∂E = 2(DᵀDE − Dᵀ)Ĉ.
type grad struct {
	x   *mat.Dense
	act Activation
	k   int

	cov              *mat.Dense // Ĉ, or nil
	trCov            float64
	a, gram, dtd, mm *mat.Dense

	ws map[int]*workspace
}

// workspace holds one batch size's buffers. The decoder is copied as Dᵀ and
// its gradient formed as (∂L/∂D)ᵀ so that every product's inner loop runs
// over d or b, never over the (often tiny) k: gonum's Dgemm is several times
// slower when the innermost dimension is 2.
type workspace struct{ xb, pre, h, deriv, rec, dh, decT, gDecT *mat.Dense }

func newGrad(x *mat.Dense, cfg Config) *grad {
	n, d := x.Dims()
	g := &grad{x: x, act: cfg.Act, k: cfg.K, ws: map[int]*workspace{}}
	if cfg.Act == Linear && n > d {
		g.cov = mat.NewDense(d, d, nil)
		g.cov.Mul(x.T(), x)
		g.cov.Scale(1/float64(n), g.cov)
		for j := 0; j < d; j++ {
			g.trCov += g.cov.At(j, j)
		}
		k := cfg.K
		g.a, g.gram, g.dtd, g.mm = mat.NewDense(d, k, nil), mat.NewDense(k, k, nil), mat.NewDense(k, k, nil), mat.NewDense(k, d, nil)
	}
	return g
}

func (g *grad) workspace(b int) *workspace {
	if w, ok := g.ws[b]; ok {
		return w
	}
	_, d := g.x.Dims()
	k := g.k
	w := &workspace{
		pre: mat.NewDense(b, k, nil), h: mat.NewDense(b, k, nil), deriv: mat.NewDense(b, k, nil),
		rec: mat.NewDense(b, d, nil), dh: mat.NewDense(b, k, nil),
		decT: mat.NewDense(k, d, nil), gDecT: mat.NewDense(k, d, nil),
	}
	if n, _ := g.x.Dims(); b < n {
		w.xb = mat.NewDense(b, d, nil)
	}
	g.ws[b] = w
	return w
}

// eval sets gE and gD to the gradients of the loss on the given rows of x
// (all rows when rows is nil) and returns the loss.
func (g *grad) eval(m *Model, rows []int, gE, gD *mat.Dense) float64 {
	if rows == nil && g.cov != nil {
		return g.evalCov(m, gE, gD)
	}
	xb := g.x
	b, _ := g.x.Dims()
	if rows != nil {
		b = len(rows)
	}
	w := g.workspace(b)
	if rows != nil {
		xb = w.xb
		for i, r := range rows {
			xb.SetRow(i, g.x.RawRowView(r))
		}
	}
	w.decT.Copy(m.Dec.T())
	w.pre.Mul(xb, m.Enc.T())
	g.act.apply(w.h.RawMatrix().Data, w.deriv.RawMatrix().Data, w.pre.RawMatrix().Data)
	w.rec.Mul(w.h, w.decT)
	w.rec.Sub(w.rec, xb)
	loss := sumSq(w.rec) / float64(b)

	s := 2 / float64(b)
	w.gDecT.Mul(w.h.T(), w.rec)
	w.gDecT.Scale(s, w.gDecT)
	gD.Copy(w.gDecT.T())
	w.dh.Mul(w.rec, w.decT.T())
	dh, der := w.dh.RawMatrix().Data, w.deriv.RawMatrix().Data
	for i := range dh {
		dh[i] *= s * der[i]
	}
	gE.Mul(w.dh.T(), xb)
	return loss
}

func (g *grad) evalCov(m *Model, gE, gD *mat.Dense) float64 {
	g.a.Mul(g.cov, m.Enc.T())
	g.gram.Mul(m.Enc, g.a)
	g.dtd.Mul(m.Dec.T(), m.Dec)
	loss := g.trCov - 2*mat.Sum(elemMul(g.a, m.Dec)) + mat.Sum(elemMul(g.dtd, g.gram))

	gD.Mul(m.Dec, g.gram)
	gD.Sub(gD, g.a)
	gD.Scale(2, gD)
	g.mm.Mul(g.dtd, m.Enc)
	g.mm.Sub(g.mm, m.Dec.T())
	gE.Mul(g.mm, g.cov)
	gE.Scale(2, gE)
	return loss
}

func elemMul(a, b *mat.Dense) *mat.Dense {
	var out mat.Dense
	out.MulElem(a, b)
	return &out
}
