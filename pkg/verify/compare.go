package verify

import (
	"context"
	"fmt"

	"github.com/optrep/optrep/pkg/sim"
	"github.com/optrep/optrep/pkg/simcache"
	"github.com/optrep/optrep/pkg/theory"
)

// Row is one simulated representation size beside the theory for it.
type Row struct {
	// K is the number of components and D the dimension of the simulation.
	K, D int
	// Sim is the Monte Carlo estimate and Theory the limit at κ = K/D (or
	// the finite representation when K ≤ r).
	Sim    sim.Point
	Theory theory.Point
	// Comparable reports whether docs/theory.md §6 requires agreement here;
	// Why says why not.
	Comparable bool
	Why        string
}

// Compare simulates cfg at the sizes ks and evaluates the theory at each.
// The simulation goes through the on-disk cache of pkg/simcache, so a later
// cell or a re-run asking for the same sweep gets it without simulating.
func Compare(ctx context.Context, cfg sim.Config, ks []int) ([]Row, error) {
	pts, err := simcache.Sweep(ctx, cfg, ks)
	if err != nil {
		return nil, err
	}
	rows := make([]Row, len(pts))
	for i, pt := range pts {
		th, err := TheoryAt(cfg.Params, pt.K, cfg.D)
		if err != nil {
			return nil, fmt.Errorf("theory at k=%d: %w", pt.K, err)
		}
		ok, why := Comparable(cfg.Params, pt.K, cfg.D, cfg.Seeds)
		rows[i] = Row{K: pt.K, D: cfg.D, Sim: pt, Theory: th, Comparable: ok, Why: why}
	}
	return rows, nil
}

// Checks are the §6 checks of a comparable row: generalisation and training
// error and every captured fraction within StdErrs standard errors plus
// RelAt(D).
// A row that is not comparable gives none.
func (r Row) Checks(label string) []Check {
	if !r.Comparable {
		return nil
	}
	name := func(q string) string { return fmt.Sprintf("%s k=%d/%d %s", label, r.K, r.D, q) }
	rel := RelAt(r.D)
	out := []Check{
		Within(name("E_gen"), r.Sim.GenError, r.Theory.GenError, StdErrs, rel),
		Within(name("E_train"), r.Sim.TrainError, r.Theory.TrainError, StdErrs, rel),
	}
	for i, c := range r.Sim.Captured {
		out = append(out, Within(name(fmt.Sprintf("c_%d", i+1)), c, r.Theory.Captured[i], StdErrs, rel))
	}
	return out
}

// Skipped describes the rows that are shown but not checked, one line each,
// so that a notebook says what it did not verify and why.
func Skipped(label string, rows []Row) []string {
	var out []string
	for _, r := range rows {
		if !r.Comparable {
			out = append(out, fmt.Sprintf("not checked: %s k=%d/%d (%s)", label, r.K, r.D, r.Why))
		}
	}
	return out
}
