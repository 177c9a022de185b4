package mnist

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/optrep/optrep/pkg/theory"
	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"
)

func TestSpikeFromOutlierInvertsBBP(t *testing.T) {
	tests := []struct {
		name         string
		theta, gamma float64
	}{
		{"a strong spike, many samples", 20, 0.1},
		{"a spike just above threshold", 0.8, 0.5},
		{"fewer samples than dimensions", 5, 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := OutlierFromSpike(tc.theta, tc.gamma)
			if got := SpikeFromOutlier(l, tc.gamma); !scalar.EqualWithinAbsOrRel(got, tc.theta, 1e-12, 1e-12) {
				t.Errorf("θ=%g → λ=%g → θ=%g", tc.theta, l, got)
			}
		})
	}
	_, hi := theory.MPEdges(0.5)
	if got := SpikeFromOutlier(hi, 0.5); !scalar.EqualWithinAbsOrRel(got, math.Sqrt(0.5), 1e-7, 1e-7) {
		t.Errorf("at the edge θ=%g, want √γ", got)
	}
	if !math.IsNaN(SpikeFromOutlier(0.9*hi, 0.5)) {
		t.Error("below the edge θ should be NaN")
	}
}

// spikedSpectrum returns the eigenvalues of the centred sample covariance of
// n Gaussian samples in d dimensions with covariance noise·(I + Σ θ_i e_ie_iᵀ).
func spikedSpectrum(d, n int, noise float64, theta []float64, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 0))
	x := mat.NewDense(n, d, nil)
	for i := range n {
		row := x.RawRowView(i)
		for j := range row {
			s := 1.0
			if j < len(theta) {
				s += theta[j]
			}
			row[j] = math.Sqrt(noise*s)*rng.NormFloat64() + 3 // an offset that centring removes
		}
	}
	centreColumns(x)
	var c mat.SymDense
	c.SymOuterK(1/float64(n), x.T())
	var eig mat.EigenSym
	eig.Factorize(&c, false)
	return eig.Values(nil)
}

// TestFitSpikesRecoversKnownSpikes fits synthetic spiked samples. Outlier
// eigenvalues fluctuate by about sqrt(2/n) relative (Gaussian fluctuations of
// a supercritical outlier), which the BBP inversion passes on to θ, amplified
// near the threshold: over seeds 1–7 the spread of θ̂ was about 3–7% at
// n = 3000 and 7–9% at n = 300, so the tolerances are about three of those.
// The median of d eigenvalues pins the noise level to O(1/√d) plus an O(r/d)
// shift from the outliers (seen: under 1%; allowed: 5%). The top bulk
// eigenvalue crosses the MP edge by a Tracy–Widom fluctuation now and then
// (seen in 2 of 14 fits), so an extra spike is accepted if it lies at the
// edge: θ < 2√γ.
func TestFitSpikesRecoversKnownSpikes(t *testing.T) {
	tests := []struct {
		name     string
		d, n     int
		noise    float64
		theta    []float64
		tolTheta float64
	}{
		{"more samples than dimensions", 300, 3000, 2.5, []float64{10, 4, 1.5}, 0.2},
		{"fewer samples than dimensions", 600, 300, 0.01, []float64{40, 15, 8}, 0.3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fit, err := FitSpikes(spikedSpectrum(tc.d, tc.n, tc.noise, tc.theta, 11), tc.d, tc.n)
			if err != nil {
				t.Fatal(err)
			}
			if fit.Outliers() < len(tc.theta) {
				t.Fatalf("found %d spikes %v, want %d", fit.Outliers(), fit.Theta, len(tc.theta))
			}
			for _, th := range fit.Theta[len(tc.theta):] {
				if th >= 2*math.Sqrt(fit.Gamma) {
					t.Errorf("spurious spike θ=%g away from the edge (√γ=%g)", th, math.Sqrt(fit.Gamma))
				}
			}
			if !scalar.EqualWithinRel(fit.Noise, tc.noise, 0.05) {
				t.Errorf("noise %g, want %g within 5%%", fit.Noise, tc.noise)
			}
			for i, want := range tc.theta {
				if !scalar.EqualWithinRel(fit.Theta[i], want, tc.tolTheta) {
					t.Errorf("θ_%d = %g, want %g within %g", i+1, fit.Theta[i], want, tc.tolTheta)
				}
			}
		})
	}
}

// TestFitTaskRecoversAlignment generates labelled data from a known spiked
// model, y = βᵀx + σε with β = Σ b_i u_i + b_⊥ w, and checks the moment
// estimates of b_i and of b_⊥² + σ² against the truth.
func TestFitTaskRecoversAlignment(t *testing.T) {
	const d, nu, nl = Pixels, 2000, 3000
	theta, b := []float64{12, 5}, []float64{0.3, 0.5}
	const bPerp, sigma = 0.2, 0.3
	rng := rand.New(rand.NewPCG(21, 0))
	draw := func(n int) *mat.Dense {
		x := mat.NewDense(n, d, nil)
		for i := range n {
			row := x.RawRowView(i)
			for j := range row {
				s := 1.0
				if j < len(theta) {
					s += theta[j]
				}
				row[j] = math.Sqrt(s) * rng.NormFloat64()
			}
		}
		return x
	}
	xu := draw(nu)
	centreColumns(xu)
	var c mat.SymDense
	c.SymOuterK(1/float64(nu), xu.T())
	var eig mat.EigenSym
	eig.Factorize(&c, true)
	values := reversed(eig.Values(nil))
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	p := reversedColumns(&vecs, d)
	fit, err := FitSpikes(values, d, nu)
	if err != nil || fit.Outliers() < 2 { // a third, spurious spike may sit at the edge
		t.Fatalf("spike fit %+v, %v", fit, err)
	}
	xl := draw(nl)
	y := mat.NewDense(nl, 1, nil)
	w := 1 / math.Sqrt(float64(d-2)) // w spreads evenly over the non-spike directions
	for i := range nl {
		row := xl.RawRowView(i)
		v := b[0]*row[0] + b[1]*row[1] + sigma*rng.NormFloat64()
		for j := 2; j < d; j++ {
			v += bPerp * w * row[j]
		}
		y.Set(i, 0, v)
	}
	var z mat.Dense
	z.Mul(xl, p)
	task, err := FitTask(fit, &z, y)
	if err != nil {
		t.Fatal(err)
	}
	// The b_i come from one covariance each, with relative error about
	// sqrt(Var(y)/(n_l b_i²(1+θ_i))) ≈ 3% here, plus a few % from the fitted
	// θ and overlap: 10% is about three standard deviations.
	for i := range b {
		if !scalar.EqualWithinRel(task.B[i], b[i], 0.1) {
			t.Errorf("b_%d = %g, want %g within 10%%", i+1, task.B[i], b[i])
		}
	}
	// b_⊥² + σ² is what the spikes leave of Var(y) = Σ b_i²(1+θ_i) + b_⊥² + σ²;
	// an error of 10% of b_i²(1+θ_i) ≈ 0.13 propagates into it.
	rest := task.BPerp*task.BPerp + task.Sigma*task.Sigma
	if !scalar.EqualWithinAbs(rest, bPerp*bPerp+sigma*sigma, 0.15) {
		t.Errorf("b_⊥² + σ² = %g, want %g within 0.15", rest, bPerp*bPerp+sigma*sigma)
	}
	pred, err := PredictK(fit, task, nl, d, 1e-6)
	if err != nil || pred.K < 1 || pred.K > d {
		t.Errorf("prediction %+v, %v", pred.K, err)
	}
}
