package ae

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Activation is the encoder's elementwise nonlinearity f in z = f(E x).
type Activation int

const (
	// Linear is f(a) = a: the linear autoencoder.
	Linear Activation = iota
	// Tanh is f(a) = tanh(a).
	Tanh
	// ReLU is f(a) = max(a, 0).
	ReLU
)

// String returns the name used by ParseActivation and the CLI.
func (a Activation) String() string {
	switch a {
	case Linear:
		return "linear"
	case Tanh:
		return "tanh"
	case ReLU:
		return "relu"
	}
	return fmt.Sprintf("Activation(%d)", int(a))
}

// ParseActivation is the inverse of String.
func ParseActivation(s string) (Activation, error) {
	for _, a := range []Activation{Linear, Tanh, ReLU} {
		if s == a.String() {
			return a, nil
		}
	}
	return 0, fmt.Errorf("activation=%q: want linear, tanh or relu", s)
}

func (a Activation) valid() bool { return a >= Linear && a <= ReLU }

// apply sets h = f(pre) elementwise and, if deriv is not nil, deriv = f'(pre).
func (a Activation) apply(h, deriv, pre []float64) {
	switch a {
	case Linear:
		copy(h, pre)
		for i := range deriv {
			deriv[i] = 1
		}
	case Tanh:
		for i, v := range pre {
			t := math.Tanh(v)
			h[i] = t
			if deriv != nil {
				deriv[i] = 1 - t*t
			}
		}
	case ReLU:
		for i, v := range pre {
			out, slope := 0.0, 0.0
			if v > 0 {
				out, slope = v, 1
			}
			h[i] = out
			if deriv != nil {
				deriv[i] = slope
			}
		}
	}
}

// Model is a trained autoencoder x̂ = Dec f(Enc x).
type Model struct {
	Act Activation
	// Enc is the k×d encoder matrix E and Dec the d×k decoder matrix D.
	Enc, Dec *mat.Dense
}

// K is the bottleneck width.
func (m *Model) K() int { r, _ := m.Enc.Dims(); return r }

// Encode returns the codes z = f(E x) of the rows of x (n×d) as an n×k matrix.
func (m *Model) Encode(x *mat.Dense) *mat.Dense {
	n, _ := x.Dims()
	z := mat.NewDense(n, m.K(), nil)
	z.Mul(x, m.Enc.T())
	raw := z.RawMatrix().Data
	m.Act.apply(raw, nil, raw)
	return z
}

// Loss is the mean squared reconstruction error (1/n) Σ_a ‖x_a − x̂_a‖² on
// the rows of x, without the weight decay.
func (m *Model) Loss(x *mat.Dense) float64 {
	n, d := x.Dims()
	var rec mat.Dense
	rec.Mul(m.Encode(x), m.Dec.T())
	rec.Sub(&rec, x)
	var s float64
	for _, v := range rec.RawMatrix().Data[:n*d] {
		s += v * v
	}
	return s / float64(n)
}

// Subspace returns the encoder's row space as the d×k matrix Eᵀ (columns not
// orthonormal): for the linear encoder this is the representation P with
// features z = Pᵀx.
func (m *Model) Subspace() *mat.Dense {
	return mat.DenseCopyOf(m.Enc.T())
}
