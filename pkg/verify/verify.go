// Package verify holds the checks that make a notebook's result count
// (docs/theory.md §6): when a simulated point is comparable with the
// high-dimensional theory, whether it agrees within its standard error plus a
// relative slack, and the one-line PASS/FAIL format that scripts/run.sh
// collects from executed notebooks.
package verify

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/optrep/optrep/pkg/sim"
	"github.com/optrep/optrep/pkg/theory"
)

// Default tolerances of docs/theory.md §6.
const (
	// StdErrs is how many standard errors a simulated mean may deviate.
	StdErrs = 3
	// Rel is the relative slack on top, for finite-size corrections.
	Rel = 0.02
	// MinD and MinSeeds are the dimension and number of trials at which §6
	// asks for agreement within Rel. Smaller runs (the notebooks' quick mode)
	// are still checked, with the slack widened by RelAt.
	MinD, MinSeeds = 1000, 10
	// minSeeds is the fewest trials whose standard error means anything.
	minSeeds = 3
	// ThresholdMargin: every spike must satisfy θ ≥ ThresholdMargin·√γ.
	ThresholdMargin = 1.5
	// PsiMargin: the point must satisfy |ψ − 1| ≥ PsiMargin without ridge.
	PsiMargin = 0.2
)

// Check is one numerical claim with its verdict.
type Check struct {
	Name     string
	Pass     bool
	Measured string
	Expected string
}

// Line is the check in the runner's format: "PASS name: measured vs expected".
func (c Check) Line() string {
	verdict := "FAIL"
	if c.Pass {
		verdict = "PASS"
	}
	name := strings.ReplaceAll(c.Name, "\n", " ")
	return fmt.Sprintf("%s %s: %s vs %s", verdict, name, c.Measured, c.Expected)
}

// noiseFloor is an absolute tolerance for values that are exactly zero in
// theory and of rounding size in simulation (the training error of an
// interpolating probe, say).
const noiseFloor = 1e-12

// Within checks a simulated estimate against a theoretical value with the
// tolerance nSE·stderr + rel·|want| (plus a rounding floor of 1e-12).
func Within(name string, got sim.Estimate, want, nSE, rel float64) Check {
	tol := nSE*got.StdErr + rel*math.Abs(want) + noiseFloor
	ok := !math.IsNaN(got.Mean) && !math.IsNaN(tol) && math.Abs(got.Mean-want) <= tol
	return Check{
		Name:     name,
		Pass:     ok,
		Measured: fmt.Sprintf("sim %.5g ± %.2g", got.Mean, got.StdErr),
		Expected: fmt.Sprintf("theory %.5g (|diff| %.2g, tol %.2g)", want, math.Abs(got.Mean-want), tol),
	}
}

// True is a check of a plain claim.
func True(name string, ok bool, measured, expected string) Check {
	return Check{Name: name, Pass: ok, Measured: measured, Expected: expected}
}

// RelAt is the relative slack for a simulation at dimension d: Rel at
// d ≥ MinD, and Rel·sqrt(MinD/d) below, since finite-size corrections to
// these averages shrink at least as fast as 1/sqrt(d).
func RelAt(d int) float64 {
	if d >= MinD {
		return Rel
	}
	return Rel * math.Sqrt(float64(MinD)/float64(d))
}

// FullStrength reports whether a run is as large as §6 asks (d ≥ MinD and
// seeds ≥ MinSeeds), for notebooks to state which kind of check they ran.
func FullStrength(d, seeds int) bool { return d >= MinD && seeds >= MinSeeds }

// Comparable reports whether a simulated point of size k at dimension d
// with the given number of seeds lies where docs/theory.md §6 requires
// agreement (away from the BBP threshold and the interpolation peak, with
// enough trials for a standard error), and if not, why.
func Comparable(p theory.Params, k, d, seeds int) (bool, string) {
	if seeds < minSeeds {
		return false, fmt.Sprintf("seeds=%d: fewer than %d trials", seeds, minSeeds)
	}
	sg := math.Sqrt(p.Gamma())
	for i, th := range p.Theta {
		if th < ThresholdMargin*sg {
			return false, fmt.Sprintf("theta[%d]=%g within %g·sqrt(gamma)=%.3g of the BBP threshold", i, th, ThresholdMargin, ThresholdMargin*sg)
		}
	}
	psi := float64(k) / float64(d) / p.AlphaL
	if p.Lambda == 0 && math.Abs(psi-1) < PsiMargin {
		return false, fmt.Sprintf("psi=%.3g within %g of interpolation", psi, PsiMargin)
	}
	return true, ""
}

// TheoryAt is the theory for the simulated representation of k components
// at dimension d: the finite representation of docs/theory.md §2 when
// k ≤ r, else κ = k/d.
func TheoryAt(p theory.Params, k, d int) (theory.Point, error) {
	if k <= len(p.Theta) {
		return theory.EvaluateFinite(p, k)
	}
	return theory.Evaluate(p, float64(k)/float64(d))
}

// Report writes one line per check and returns how many failed. When
// OPTREP_CHECKS names a file (EnvChecks), it also records the checks there.
func Report(w io.Writer, checks []Check) (failed int) {
	for _, c := range checks {
		fmt.Fprintln(w, c.Line())
		if !c.Pass {
			failed++
		}
	}
	record(checks)
	return failed
}
