package verify

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"

	"github.com/optrep/optrep/pkg/sim"
	"github.com/optrep/optrep/pkg/theory"
)

func TestWithinUsesStandardErrorsPlusRelativeSlack(t *testing.T) {
	cases := []struct {
		name string
		got  sim.Estimate
		want float64
		pass bool
	}{
		{"inside three standard errors", sim.Estimate{Mean: 1.05, StdErr: 0.02}, 1, true},           // tol 0.08
		{"outside three standard errors plus 2%", sim.Estimate{Mean: 1.09, StdErr: 0.02}, 1, false}, // tol 0.08
		{"the relative slack alone", sim.Estimate{Mean: 1.019, StdErr: 0}, 1, true},
		{"a NaN standard error never passes", sim.Estimate{Mean: 1, StdErr: math.NaN()}, 1, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Within("x", c.got, c.want, StdErrs, Rel); got.Pass != c.pass {
				t.Errorf("pass=%v, want %v (%s)", got.Pass, c.pass, got.Line())
			}
		})
	}
}

func TestLinesStartWithTheVerdict(t *testing.T) {
	var buf bytes.Buffer
	failed := Report(&buf, []Check{True("a", true, "1", "1"), True("b\nc", false, "2", "1")})
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if failed != 1 || len(lines) != 2 || !strings.HasPrefix(lines[0], "PASS a: ") || !strings.HasPrefix(lines[1], "FAIL b c: ") {
		t.Errorf("failed=%d lines=%q", failed, lines)
	}
}

func TestComparableFollowsTheConditionsOfSection6(t *testing.T) {
	p := theory.Params{Theta: []float64{4, 1.4}, B: []float64{1, 1}, AlphaU: 1, AlphaL: 0.5}
	if ok, why := Comparable(p, 100, 1000, 10); ok || !strings.Contains(why, "theta[1]") {
		t.Errorf("θ=1.4 < 1.5·√γ accepted: %v %q", ok, why)
	}
	p.Theta = []float64{4, 2}
	if ok, why := Comparable(p, 100, 1000, 10); !ok {
		t.Errorf("a regular point rejected: %s", why)
	}
	if ok, why := Comparable(p, 450, 1000, 10); ok || !strings.Contains(why, "psi") {
		t.Errorf("psi=0.9 accepted: %v %q", ok, why)
	}
	p.Lambda = 0.1
	if ok, _ := Comparable(p, 450, 1000, 10); !ok {
		t.Error("with ridge the interpolation peak is harmless, yet rejected")
	}
	if ok, _ := Comparable(p, 100, 500, 2); ok {
		t.Error("two seeds accepted")
	}
	if got := RelAt(250); math.Abs(got-2*Rel) > 1e-15 {
		t.Errorf("RelAt(250) = %g, want twice Rel", got)
	}
}

func TestCompareChecksComparableRowsOnly(t *testing.T) {
	t.Setenv("OPTREP_NO_CACHE", "1")
	p := theory.Params{Theta: []float64{5}, B: []float64{1}, BPerp: 0.5, Sigma: 0.5, AlphaU: 2, AlphaL: 1}
	cfg := sim.Config{Params: p, D: 60, Seeds: 2, Seed: 7}
	rows, err := Compare(context.Background(), cfg, []int{1, 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Theory.Components != 1 || rows[1].Theory.Kappa != 10.0/60 {
		t.Fatalf("unexpected rows %+v", rows)
	}
	// Two seeds give no usable standard error: nothing is checked, and the
	// reason is given.
	if len(rows[1].Checks("x")) != 0 || len(Skipped("x", rows)) != 2 {
		t.Errorf("small runs must not be checked: %v", Skipped("x", rows))
	}
	rows[1].Comparable = true
	if got := rows[1].Checks("x"); len(got) != 3 { // E_gen, E_train, c_1
		t.Errorf("want 3 checks, got %d", len(got))
	}
}

func TestNearMinimumPairsTheTrials(t *testing.T) {
	// Three sizes over four trials. Size 1 is best; size 0 is worse by a
	// constant 0.01 in every trial (distinguishable once paired, though the
	// trial-to-trial spread is 100 times larger); size 2 differs from size 1
	// by noise only.
	base := []float64{1, 2, 3, 4}
	noise := []float64{0.002, -0.001, 0.001, -0.0015}
	recs := make([][]sim.Record, 4)
	for tr := range recs {
		recs[tr] = []sim.Record{
			{GenError: base[tr] + 0.01},
			{GenError: base[tr]},
			{GenError: base[tr] + noise[tr]},
		}
	}
	best, near := NearMinimum(recs, PairedZ)
	if best != 1 || near[0] || !near[1] || !near[2] {
		t.Errorf("best=%d near=%v, want best=1 near=[false true true]", best, near)
	}
}

func TestPairedDifferenceRemovesSharedNoise(t *testing.T) {
	a := [][]sim.Record{{{K: 3, GenError: 1}}, {{K: 3, GenError: 2}}, {{K: 3, GenError: 3}}}
	b := [][]sim.Record{{{K: 3, GenError: 1.1}}, {{K: 3, GenError: 2.1}}, {{K: 3, GenError: 3.1}}}
	e, err := PairedDifference(a, b, 0)
	if err != nil || math.Abs(e.Mean-0.1) > 1e-12 || e.StdErr > 1e-12 {
		t.Errorf("got %+v, %v; want 0.1 with no spread", e, err)
	}
	b[0][0].K = 4
	if _, err := PairedDifference(a, b, 0); err == nil {
		t.Error("different sizes were paired")
	}
}
