package theory

import (
	"fmt"
	"math"
	"sort"
)

// Minimum is one local minimum of E_gen over the representation size.
type Minimum struct {
	// Kappa is the minimiser κ; 0 for a finite representation.
	Kappa float64
	// Components is k ≤ r for a finite representation, else 0.
	Components int
	// GenError is E_gen at the minimiser.
	GenError float64
}

// Optimum is the globally optimal representation size for one parameter
// point (docs/theory.md §4).
type Optimum struct {
	Minimum
	// MaximallyCompressed reports κ* = 0: a representation made of finitely
	// many spike components beats every representation of positive size.
	MaximallyCompressed bool
	// LocalMinima lists every local minimum over [0, min(1, α_u)] in order
	// of κ, the global one included. Without ridge, E_gen has a pole at
	// κ = α_l and there can be one minimum on each side.
	LocalMinima []Minimum
}

// tinyKappa and tieTol decide when a minimum of the continuum is the κ → 0
// end: below tinyKappa, and not lower than the finite option by more than a
// relative tieTol, the difference is rounding.
const (
	tinyKappa = 1e-10
	tieTol    = 1e-14
)

// beats reports that error e is lower than the incumbent by more than rounding.
func beats(e, incumbent float64) bool {
	return e < incumbent-tieTol*math.Abs(incumbent)
}

// optimalGrid is the number of scan points on each side of the pole. The
// scan brackets minima; golden-section search then refines them.
const optimalGrid = 160

// OptimalKappa finds the global minimiser κ* of E_gen over the admissible
// range κ ∈ [0, min(1, α_u)], together with the finite representations of
// k ≤ r spike components (docs/theory.md §4). It works for any λ ≥ 0. Without
// ridge E_gen is infinite at κ = α_l; the range is then split there and each
// side is searched, so both branches are reported when both have a minimum.
func OptimalKappa(p Params) (Optimum, error) {
	if err := p.Validate(); err != nil {
		return Optimum{}, err
	}
	cv, err := newCurve(p, scanPoints(0, p.MaxKappa()))
	if err != nil {
		return Optimum{}, fmt.Errorf("optimal kappa: %w", err)
	}
	return optimalOnCurve(p, cv)
}

// optimalOnCurve is OptimalKappa for a curve already tabulated for p's α_u
// (the captured fractions do not depend on α_l or λ, so one curve serves a
// whole row of a phase diagram or a boundary search).
func optimalOnCurve(p Params, cv *curve) (Optimum, error) {
	p.Theta, p.B = cv.p.Theta, cv.p.B
	cv = &curve{p: p, gamma: cv.gamma, kappa: cv.kappa, angle: cv.angle, c: cv.c, memo: cv.memo}
	maxK := p.MaxKappa()
	xs := make([]float64, 0, len(cv.kappa)+1)
	ys := make([]float64, 0, len(cv.kappa)+1)
	pole := p.AlphaL
	hasPole := p.Lambda == 0 && pole < maxK
	for _, k := range cv.kappa {
		if hasPole && k >= pole && (len(xs) == 0 || xs[len(xs)-1] < pole) {
			// The pole splits the scan: a minimum next to it is bracketed by
			// the pole itself, where E_gen is infinite.
			xs = append(xs, pole)
			ys = append(ys, math.Inf(1))
			if k == pole {
				continue
			}
		}
		xs = append(xs, k)
		ys = append(ys, cv.gen(k))
	}
	minima := scanMinima(cv.gen, xs, ys)
	// The finite representations k < r are options beside κ = 0 (k = r).
	var best Minimum
	best.GenError = math.Inf(1)
	for k := 1; k <= len(p.Theta); k++ {
		pt, err := EvaluateFinite(p, k)
		if err != nil {
			return Optimum{}, err
		}
		if pt.GenError < best.GenError {
			best = Minimum{Components: k, GenError: pt.GenError}
		}
	}
	for i, m := range minima {
		// The κ → 0 end of the continuum is the finite representation;
		// report the best finite option in its place. Near the compression
		// boundary E_gen is flat to second order at κ = 0, and the search can
		// stop at κ ~ 1e-13 with an error equal to the finite option's up to
		// rounding: that is the same end, not a smaller error.
		if m.Kappa == 0 || (m.Kappa < tinyKappa && !beats(m.GenError, best.GenError)) {
			minima[i] = best
		}
	}
	for _, m := range minima {
		if beats(m.GenError, best.GenError) {
			best = m
		}
	}
	if math.IsInf(best.GenError, 1) {
		return Optimum{}, fmt.Errorf("optimal kappa: no finite generalisation error over [0, %g]", maxK)
	}
	sort.SliceStable(minima, func(i, j int) bool { return minima[i].Kappa < minima[j].Kappa })
	return Optimum{Minimum: best, MaximallyCompressed: best.Kappa == 0, LocalMinima: minima}, nil
}

// scanPoints spreads optimalGrid+1 points over [a, b], more densely near
// the ends, where the pole and the small-κ behaviour live.
func scanPoints(a, b float64) []float64 {
	n := optimalGrid
	xs := make([]float64, n+1)
	for i := range xs {
		t := (1 - math.Cos(math.Pi*float64(i)/float64(n))) / 2
		xs[i] = a + (b-a)*t
	}
	xs[n] = b
	return xs
}

// scanMinima refines every local minimum of the scan (xs, ys), endpoints
// included, by golden-section search between its neighbours.
func scanMinima(f func(float64) float64, xs, ys []float64) []Minimum {
	n := len(xs) - 1
	var out []Minimum
	for i := range xs {
		left := i == 0 || ys[i] <= ys[i-1]
		right := i == n || ys[i] < ys[i+1]
		if !left || !right || math.IsInf(ys[i], 1) {
			continue
		}
		lo, hi := xs[max(i-1, 0)], xs[min(i+1, n)]
		x := goldenSection(f, lo, hi)
		y := f(x)
		if ys[i] <= y { // keep the grid point (an endpoint, say) unless refinement improved on it
			x, y = xs[i], ys[i]
		}
		out = append(out, Minimum{Kappa: x, GenError: y})
	}
	return out
}

// goldenSection minimises a unimodal f on [a, b] to about 1e-10 relative
// width.
func goldenSection(f func(float64) float64, a, b float64) float64 {
	const r = 0.6180339887498949
	c, d := b-r*(b-a), a+r*(b-a)
	fc, fd := f(c), f(d)
	for i := 0; i < 200 && b-a > 1e-10*math.Max(1e-3, math.Abs(a)+math.Abs(b)); i++ {
		if fc <= fd {
			b, d, fd = d, c, fc
			c = b - r*(b-a)
			fc = f(c)
		} else {
			a, c, fc = c, d, fd
			d = a + r*(b-a)
			fd = f(d)
		}
	}
	if fc <= fd {
		return c
	}
	return d
}

// CompressionSlope is ∂E_gen/∂κ at κ = 0⁺ (docs/theory.md §4), for any
// ridge λ ≥ 0. Without ridge it is
//
//	(σ² + m(0))/α_l − b_⊥² − Σ_i b_i² (1+θ_i)² φ_{1+θ_i}(λ₊) / (1 + θ_i c_top,i)².
//
// With ridge it has the same shape, A + C/α_l, with the A and C of
// compressionSlopeParts. Maximal compression is locally optimal when it is
// ≥ 0.
func CompressionSlope(p Params) (float64, error) {
	if err := p.Validate(); err != nil {
		return 0, err
	}
	a, c := compressionSlopeParts(p)
	return a + c/p.AlphaL, nil
}

// compressionSlopeParts returns A and C of ∂E_gen/∂κ(0⁺) = A + C/α_l. At
// κ = 0 every quantity but ψ = κ/α_l is independent of α_l, and ψ enters
// the derivative only through 1/α_l; so A collects what adding bulk
// directions does to the signal and C what it costs in variance. With
// τ = λ (the effective ridge at ψ = 0, where dτ/dψ = τ/(1+τ)),
// s_i = 1 + θ_i c_i, K_i = (1+θ_i)² b_i², φ_i = φ_{1+θ_i}(λ₊) = dc_i/dκ(0⁺):
//
//	A = −b_⊥² (1 − τ²/(1+τ)²)
//	    − Σ_i K_i φ_i [ 1/s_i² − τ² (s_i(s_i+τ) − c_i θ_i (3s_i+τ)) / (s_i²(s_i+τ)³) ]
//	C = (σ² + m(0) + B(0))/(1+τ)² + (τ/(1+τ)) Σ_i 2τ K_i c_i/(s_i+τ)³
//
// with B(0) = τ² Σ_i K_i c_i/(s_i (s_i+τ)²). For λ = 0 they reduce to
// A = −b_⊥² − Σ_i K_i φ_i/s_i² and C = σ² + m(0). p must be valid.
func compressionSlopeParts(p Params) (a, c float64) {
	gamma, tau := p.Gamma(), p.Lambda
	caps, _ := Captured(p, 0)
	shrink := tau / (1 + tau)
	a = -p.BPerp * p.BPerp * (1 - shrink*shrink)
	var bias, gain float64
	for i, th := range p.Theta {
		if p.B[i] == 0 {
			continue // its φ_i may be infinite (a spike at the threshold)
		}
		k := (1 + th) * (1 + th) * p.B[i] * p.B[i]
		ci := caps[i]
		si := 1 + th*ci
		st := si + tau
		a -= k * edgeOverlap(th, gamma) * (1/(si*si) - tau*tau*(si*st-ci*th*(3*si+tau))/(si*si*st*st*st))
		bias += k * ci / (si * st * st)
		gain += 2 * tau * k * ci / (st * st * st)
	}
	bias *= tau * tau
	n0 := p.Sigma*p.Sigma + Misspecification(p, caps, 0) + bias
	c = n0/((1+tau)*(1+tau)) + shrink*gain
	return a, c
}

// edgeOverlap is φ_{1+θ}(λ₊) = γ(1+θ)/(θ − √γ)², infinite at the threshold.
func edgeOverlap(theta, gamma float64) float64 {
	d := theta - math.Sqrt(gamma)
	return gamma * (1 + theta) / (d * d)
}

// CompressionBoundaryLocal is the closed-form labelled-sample ratio α_l^c of
// docs/theory.md §4 below which maximal compression is a local optimum of
// E_gen, the root −C/A of CompressionSlope. Without ridge it is
//
//	α_l^c = (σ² + m(0)) / ( b_⊥² + Σ_i b_i² (1+θ_i)³ γ / ((θ_i − √γ)² (1 + θ_i c_top,i)²) ).
//
// It does not depend on p.AlphaL. It is 0 when a spike sits exactly at the
// BBP threshold with b_i ≠ 0, and +Inf when extra bulk directions never
// lower E_gen to first order (A ≥ 0: for instance b_⊥ = 0 and all b_i = 0).
func CompressionBoundaryLocal(p Params) (float64, error) {
	if err := p.Validate(); err != nil {
		return 0, err
	}
	a, c := compressionSlopeParts(p)
	if math.IsInf(a, -1) {
		return 0, nil
	}
	if !(a < 0) {
		return math.Inf(1), nil
	}
	return -c / a, nil
}

// Boundary is the compression boundary of one (θ, b, σ, α_u) setting: the
// labelled-sample ratio below which maximal compression is optimal.
type Boundary struct {
	// Local is the closed form α_l^c of CompressionBoundaryLocal: below it,
	// maximal compression is a local optimum of E_gen (with p's λ).
	Local float64
	// Global is where the global argmin of E_gen (with the parameters' own
	// λ) stops being maximal compression, found by bisection on α_l. It is
	// +Inf if compression stays optimal for every α_l tried and 0 if it
	// is not optimal down to boundaryFloor times the closed form (as α_l → 0
	// every representation tends to the same error, and below that the
	// comparison is between roundings).
	Global float64
	// Agrees reports that the global transition is the local one: the
	// bisection found it within boundaryTol of Local, and Global is then
	// Local exactly. When it is false the local condition is not the whole
	// story (a minimum far from κ = 0 wins first) and Global is the boundary
	// to use.
	Agrees bool
}

// boundaryTol is the relative tolerance on α_l of the boundary search.
const boundaryTol = 1e-4

// CompressionBoundary returns the closed-form compression boundary and checks
// it against the global argmin of E_gen (docs/theory.md §4). p.AlphaL is
// ignored.
func CompressionBoundary(p Params) (Boundary, error) {
	if p.AlphaL == 0 || math.IsNaN(p.AlphaL) {
		p.AlphaL = 1 // only to pass validation; the search sets α_l itself
	}
	local, err := CompressionBoundaryLocal(p)
	if err != nil {
		return Boundary{}, err
	}
	cv, err := newCurve(p, scanPoints(0, p.MaxKappa()))
	if err != nil {
		return Boundary{}, fmt.Errorf("compression boundary: %w", err)
	}
	return boundaryOnCurve(p, local, cv)
}

// boundaryScanFloor and boundaryScanStep set the scan that looks for the
// first α_l at which compression stops winning: from boundaryScanFloor times
// the closed form upwards, in geometric steps of boundaryScanStep. Regions
// where something else wins that are narrower than one step (10% in α_l) can
// be missed.
const (
	boundaryScanFloor = 1e-3
	boundaryScanStep  = 1.1
)

// boundaryFloor is the smallest α_l, relative to the closed form, at which
// the boundary search still asks whether compression wins.
const boundaryFloor = 1e-9

// boundaryOnCurve is CompressionBoundary for a curve tabulated for p's α_u.
// The global boundary is the lowest α_l at which κ* leaves 0: compression
// can lose to another minimum on an interval of α_l below the closed form
// and win again above it, so the search scans upwards from far below rather
// than looking only next to the closed form.
func boundaryOnCurve(p Params, local float64, cv *curve) (Boundary, error) {
	compressed := func(alphaL float64) (bool, error) {
		q := p
		q.AlphaL = alphaL
		opt, err := optimalOnCurve(q, cv)
		return opt.MaximallyCompressed, err
	}
	b := Boundary{Local: local}
	start := local
	if !(start > 0) || math.IsInf(start, 1) {
		start = 1
	}
	// Scan up to just below the closed form for a first loss of compression.
	lo := start * boundaryScanFloor
	c, err := compressed(lo)
	if err != nil {
		return Boundary{}, err
	}
	if !c {
		// Compression already loses far below: look further down.
		for {
			if lo < start*boundaryFloor {
				return b, nil // Global stays 0: compression never wins
			}
			hi := lo
			lo /= 2
			if c, err = compressed(lo); err != nil {
				return Boundary{}, err
			}
			if c {
				return b.settle(compressed, lo, hi)
			}
		}
	}
	top := start * (1 - boundaryTol)
	for lo < top {
		hi := math.Min(lo*boundaryScanStep, top)
		if c, err = compressed(hi); err != nil {
			return Boundary{}, err
		}
		if !c {
			return b.settle(compressed, lo, hi)
		}
		lo = hi
	}
	// Compression wins all the way up to the closed form: check that it
	// stops there, or follow it upwards.
	hi := start * (1 + boundaryTol)
	for i := 0; ; i++ {
		if i == 60 {
			b.Global = math.Inf(1)
			return b, nil
		}
		if c, err = compressed(hi); err != nil {
			return Boundary{}, err
		}
		if !c {
			return b.settle(compressed, lo, hi)
		}
		lo, hi = hi, hi*2
	}
}

// settle bisects in log α_l between lo, where compression wins, and hi,
// where it does not, sets Global to the transition and Agrees to whether it
// is the closed form's.
//
// Where κ* leaves 0 continuously the gain of the small minimum grows only
// like |α_l − α_l^c|^{5/2}, so within about 1e-5 of the closed form the
// argmin cannot tell compression from rounding; but there the closed form is
// exact, and a transition that agrees with it to boundaryTol is reported as
// the closed form itself. A jump to a minimum far from κ = 0 is a crossing
// of two errors with different slopes in α_l, and bisection pins it to
// jumpTol.
func (b Boundary) settle(compressed func(float64) (bool, error), lo, hi float64) (Boundary, error) {
	bisect := func(tol float64) error {
		for hi/lo-1 > tol {
			mid := math.Sqrt(lo * hi)
			c, err := compressed(mid)
			if err != nil {
				return err
			}
			if c {
				lo = mid
			} else {
				hi = mid
			}
		}
		return nil
	}
	if err := bisect(boundaryTol / 4); err != nil {
		return Boundary{}, err
	}
	if math.Abs(math.Sqrt(lo*hi)/b.Local-1) <= boundaryTol {
		b.Global, b.Agrees = b.Local, true
		return b, nil
	}
	if err := bisect(jumpTol); err != nil {
		return Boundary{}, err
	}
	b.Global = math.Sqrt(lo * hi)
	return b, nil
}

// jumpTol is the relative width in α_l to which settle brackets a boundary
// that is not the closed form's.
const jumpTol = 1e-10
