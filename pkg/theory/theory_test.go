package theory

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
)

// The package promises 1e-8 relative accuracy against brute-force
// quadrature; the brute-force reference itself is good to about 1e-12.
const relTol = 1e-8

func TestMPDensityHasTheBulkMass(t *testing.T) {
	for _, gamma := range []float64{0.1, 0.5, 1, 2, 7} {
		t.Run(fmt.Sprintf("gamma=%g", gamma), func(t *testing.T) {
			lo, hi := MPEdges(gamma)
			got := referenceIntegral(func(x float64) float64 { return MPDensity(x, gamma) }, lo, hi)
			want := math.Min(1, 1/gamma)
			if !scalar.EqualWithinAbsOrRel(got, want, 1e-12, relTol) {
				t.Errorf("mass %.15g, want %.15g", got, want)
			}
			if closed := MPTailMass(lo, gamma); !scalar.EqualWithinAbsOrRel(closed, want, 1e-14, 1e-13) {
				t.Errorf("closed-form tail mass at the lower edge %.15g, want %.15g", closed, want)
			}
		})
	}
}

func TestMPTailMassMatchesQuadrature(t *testing.T) {
	for _, gamma := range []float64{0.2, 0.9, 1, 1.1, 4} {
		lo, hi := MPEdges(gamma)
		for _, frac := range []float64{0.001, 0.1, 0.5, 0.9, 0.999} {
			l := lo + frac*(hi-lo)
			t.Run(fmt.Sprintf("gamma=%g lambda=%.4g", gamma, l), func(t *testing.T) {
				want := referenceIntegral(func(x float64) float64 { return referenceDensity(x, gamma) }, l, hi)
				got := MPTailMass(l, gamma)
				if !scalar.EqualWithinAbsOrRel(got, want, 1e-13, relTol) {
					t.Errorf("tail mass %.15g, brute force %.15g", got, want)
				}
			})
		}
	}
}

func TestMPUpperQuantile(t *testing.T) {
	for _, gamma := range []float64{0.25, 1, 3} {
		total := math.Min(1, 1/gamma)
		for _, kappa := range []float64{1e-6, 0.01, 0.2, total / 2, total * 0.999} {
			t.Run(fmt.Sprintf("gamma=%g kappa=%g inverts the brute-force tail", gamma, kappa), func(t *testing.T) {
				got, err := MPUpperQuantile(kappa, gamma)
				if err != nil {
					t.Fatal(err)
				}
				want := referenceQuantile(kappa, gamma)
				if !scalar.EqualWithinAbsOrRel(got, want, 1e-12, relTol) {
					t.Errorf("quantile %.15g, brute force %.15g", got, want)
				}
			})
		}
		t.Run(fmt.Sprintf("gamma=%g ends of the range are the edges", gamma), func(t *testing.T) {
			lo, hi := MPEdges(gamma)
			if q, _ := MPUpperQuantile(0, gamma); q != hi {
				t.Errorf("kappa=0 gives %g, want upper edge %g", q, hi)
			}
			if q, _ := MPUpperQuantile(total, gamma); !scalar.EqualWithinAbs(q, lo, 1e-14) {
				t.Errorf("kappa=%g gives %g, want lower edge %g", total, q, lo)
			}
		})
		t.Run(fmt.Sprintf("gamma=%g kappa above the bulk mass is an error", gamma), func(t *testing.T) {
			_, err := MPUpperQuantile(total*1.01, gamma)
			if err == nil || !strings.Contains(err.Error(), "kappa") {
				t.Errorf("got %v, want an error naming kappa", err)
			}
		})
	}
}

func TestBulkOverlapOfNoiseIsOne(t *testing.T) {
	for _, gamma := range []float64{0.1, 1, 5} {
		lo, hi := MPEdges(gamma)
		for i := 0; i <= 20; i++ {
			l := lo + (hi-lo)*float64(i)/20
			if got := BulkOverlap(1, l, gamma); !scalar.EqualWithinAbsOrRel(got, 1, 1e-12, 1e-12) {
				t.Errorf("phi_1(%g) at gamma=%g is %.15g, want 1", l, gamma, got)
			}
		}
	}
}

func TestBulkOverlapMatchesTheFormula(t *testing.T) {
	for _, c := range []struct{ theta, gamma float64 }{{4, 1}, {0.5, 1}, {3, 0.3}, {1, 4}} {
		lo, hi := MPEdges(c.gamma)
		for _, frac := range []float64{0.01, 0.3, 0.77, 0.99} {
			l := lo + frac*(hi-lo)
			got := BulkOverlap(1+c.theta, l, c.gamma)
			want := referenceOverlap(1+c.theta, l, c.gamma)
			if !scalar.EqualWithinRel(got, want, 1e-12) {
				t.Errorf("theta=%g gamma=%g lambda=%g: %.15g, want %.15g", c.theta, c.gamma, l, got, want)
			}
		}
		if c.theta > math.Sqrt(c.gamma) {
			want := c.gamma * (1 + c.theta) / math.Pow(c.theta-math.Sqrt(c.gamma), 2)
			if got := BulkOverlap(1+c.theta, hi, c.gamma); !scalar.EqualWithinRel(got, want, 1e-12) {
				t.Errorf("theta=%g gamma=%g at the upper edge: %.15g, want %.15g", c.theta, c.gamma, got, want)
			}
		}
	}
}

// The identity c_top + ∫φρ = 1 holds for γ ≤ 1. For γ > 1 the samples span
// only part of the space and the sum is the row-space fraction
// (1 + θ)/(θ + γ) (derived in RowSpaceFraction; pkg/sim checks it too).
func TestTopOverlapPlusBulkIsOne(t *testing.T) {
	cases := []struct{ theta, gamma float64 }{
		{4, 1}, {1.5, 1}, {1.05, 1}, {0.95, 1}, {0.3, 1}, // above and below √γ = 1
		{2, 0.25}, {0.4, 0.25}, {3, 4}, {1.9, 4}, {2.2, 4}, {1, 0.999},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("theta=%g gamma=%g", c.theta, c.gamma), func(t *testing.T) {
			total := math.Min(1, 1/c.gamma)
			bulk, err := BulkCaptured(c.theta, c.gamma, total)
			if err != nil {
				t.Fatal(err)
			}
			want := 1.0
			if c.gamma > 1 {
				want = (1 + c.theta) / (c.theta + c.gamma)
			}
			if got := TopOverlap(c.theta, c.gamma) + bulk; !scalar.EqualWithinAbs(got, want, 1e-10) {
				t.Errorf("top + bulk = %.15g, want %.15g", got, want)
			}
		})
	}
}

func TestTopOverlap(t *testing.T) {
	for _, c := range []struct{ theta, gamma, want float64 }{
		{4, 1, 0.75},              // (1 − 1/16)/(1 + 1/4)
		{2, 0.25, 0.9375 / 1.125}, // (1 − 1/16)/(1 + 1/8)
		{1, 1, 0},                 // at the threshold
		{0.5, 0.25, 0},            // at the threshold √γ = 0.5
		{3, 4, (1 - 4.0/9) / (1 + 4.0/3)},
	} {
		if got := TopOverlap(c.theta, c.gamma); !scalar.EqualWithinAbs(got, c.want, 1e-15) {
			t.Errorf("TopOverlap(%g, %g) = %.15g, want %.15g", c.theta, c.gamma, got, c.want)
		}
	}
}

func TestCapturedMatchesBruteForce(t *testing.T) {
	cases := []struct{ theta, gamma, kappa float64 }{
		{4, 1, 0.2}, {1.5, 1, 0.05}, {1.5, 1, 0.6}, {0.7, 1, 0.3}, // sub- and supercritical
		{2, 0.5, 0.01}, {2, 0.5, 0.9}, {3, 2, 0.1}, {1.2, 2, 0.4}, // α_u = 0.5: κ ≤ 0.5
		{1.8, 1, 0.5}, {5, 0.1, 0.3},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("theta=%g gamma=%g kappa=%g", c.theta, c.gamma, c.kappa), func(t *testing.T) {
			p := Params{Theta: []float64{c.theta}, B: []float64{1}, AlphaU: 1 / c.gamma, AlphaL: 1}
			got, err := Captured(p, c.kappa)
			if err != nil {
				t.Fatal(err)
			}
			want := referenceCaptured(c.theta, c.gamma, c.kappa)
			if !scalar.EqualWithinAbsOrRel(got[0], want, 1e-12, relTol) {
				t.Errorf("captured %.15g, brute force %.15g", got[0], want)
			}
		})
	}
}

func TestCapturedSlopeIsTheDerivative(t *testing.T) {
	theta, gamma := 2.0, 1.3
	for _, kappa := range []float64{0.05, 0.3, 0.6} {
		h := 1e-5
		lo, _ := BulkCaptured(theta, gamma, kappa-h)
		hi, _ := BulkCaptured(theta, gamma, kappa+h)
		fd := (hi - lo) / (2 * h)
		got, err := CapturedSlope(theta, gamma, kappa)
		if err != nil {
			t.Fatal(err)
		}
		// Central difference error is O(h²·c''') ≈ 1e-9 here.
		if !scalar.EqualWithinRel(got, fd, 1e-7) {
			t.Errorf("kappa=%g: slope %.12g, finite difference %.12g", kappa, got, fd)
		}
	}
}
