package verify

import (
	"bytes"
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
	if ok, _ := Comparable(p, 100, 500, 10); ok {
		t.Error("d=500 accepted")
	}
}
