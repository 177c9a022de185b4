package ae

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/optrep/optrep/pkg/sim"
	"github.com/optrep/optrep/pkg/theory"
)

// Data is one draw of the two-stage model of docs/theory.md §1 at finite d,
// with spike directions u_i = e_i.
type Data struct {
	Params theory.Params
	// XU holds the n_u unlabelled inputs as rows (n_u×d).
	XU *mat.Dense
	// XL and Y are the n_l labelled inputs (n_l×d) and their targets.
	XL *mat.Dense
	Y  []float64
	// Beta is the task β = Σ_i b_i e_i + b_⊥ w.
	Beta []float64
}

// D is the ambient dimension.
func (dt *Data) D() int { return len(dt.Beta) }

// Counts returns n_u = round(α_u·d) and n_l = round(α_l·d), the rounding
// pkg/sim uses.
func Counts(p theory.Params, d int) (nu, nl int) {
	return int(math.Round(p.AlphaU * float64(d))), int(math.Round(p.AlphaL * float64(d)))
}

func checkModel(p theory.Params, d int) error {
	if err := p.Validate(); err != nil {
		return fmt.Errorf("params: %w", err)
	}
	if r := len(p.Theta); d <= r {
		return fmt.Errorf("d=%d: must exceed the number of spikes r=%d", d, r)
	}
	if d > 1<<15 {
		return fmt.Errorf("d=%d: must be <= %d", d, 1<<15)
	}
	nu, nl := Counts(p, d)
	if nu < 1 || nu > 1<<20 {
		return fmt.Errorf("n_u = round(alpha_u*d) = %d: must be in [1, %d]", nu, 1<<20)
	}
	if nl < 1 || nl > 1<<20 {
		return fmt.Errorf("n_l = round(alpha_l*d) = %d: must be in [1, %d]", nl, 1<<20)
	}
	return nil
}

// Generate draws trial t of the model at dimension d: the very samples
// pkg/sim's trial t uses with the same Params, d and seed (sim.Draw), so
// autoencoders and PCA are compared on identical data.
func Generate(p theory.Params, d int, seed uint64, t int) (*Data, error) {
	if err := checkModel(p, d); err != nil {
		return nil, fmt.Errorf("ae: %w", err)
	}
	if t < 0 || t >= 1<<40 {
		return nil, fmt.Errorf("ae: trial t=%d: must be in [0, 2^40)", t)
	}
	dt, err := sim.Draw(sim.Config{Params: p, D: d, Seeds: 1, Seed: seed}, t)
	if err != nil {
		return nil, fmt.Errorf("ae: %w", err)
	}
	return &Data{Params: p, XU: dt.XU, XL: dt.XL, Y: dt.Y, Beta: dt.Beta}, nil
}

// testStream is the second PCG seed word of the test sets, beyond every
// stream pkg/sim uses for trials (4t + part < 2^42), so test inputs never
// repeat a trial's training draws.
const testStream = 1 << 62

// TestInputs draws n fresh inputs x ~ N(0, Σ) for trial t from the PCG stream
// (seed, 2^62 + t), independent of every stream Generate uses.
func TestInputs(p theory.Params, d, n int, seed uint64, t int) (*mat.Dense, error) {
	if err := checkModel(p, d); err != nil {
		return nil, fmt.Errorf("ae: %w", err)
	}
	if n < 2 {
		return nil, fmt.Errorf("ae: test size n=%d: must be >= 2", n)
	}
	rng := rand.New(rand.NewPCG(seed, testStream+uint64(t)))
	return gaussianRows(rng, n, d, spikeScales(p.Theta)), nil
}

func spikeScales(theta []float64) []float64 {
	s := make([]float64, len(theta))
	for i, th := range theta {
		s[i] = math.Sqrt(1 + th)
	}
	return s
}

// gaussianRows draws n rows x ~ N(0, I + Σ_i θ_i e_i e_iᵀ); scale[i] = √(1+θ_i).
func gaussianRows(rng *rand.Rand, n, d int, scale []float64) *mat.Dense {
	data := make([]float64, n*d)
	for a := 0; a < n; a++ {
		row := data[a*d : (a+1)*d]
		for j := range row {
			row[j] = rng.NormFloat64()
		}
		for i, s := range scale {
			row[i] *= s
		}
	}
	return mat.NewDense(n, d, data)
}

// mulVec sets dst = A v.
func mulVec(dst []float64, a *mat.Dense, v []float64) {
	out := mat.NewVecDense(len(dst), dst)
	out.MulVec(a, mat.NewVecDense(len(v), v))
}

// SigmaDistance returns (β − v)ᵀΣ(β − v) for Σ = I + Σ_i θ_i e_i e_iᵀ.
func SigmaDistance(theta, beta, v []float64) float64 {
	var s float64
	for j := range beta {
		e := beta[j] - v[j]
		s += e * e
		if j < len(theta) {
			s += theta[j] * e * e
		}
	}
	return s
}
