package theory

import "math"

// tanhSinh integrates f over [a, b] with the double-exponential rule of step
// h. It is slow but handles the square-root edges of the Marchenko–Pastur law
// and the near-singular peaks at the BBP threshold without any of the
// substitutions the package itself relies on, so it serves as an independent
// reference.
func tanhSinh(f func(float64) float64, a, b, h float64) float64 {
	mid, half := (a+b)/2, (b-a)/2
	var sum float64
	for k := -int(4.5 / h); k <= int(4.5/h); k++ {
		t := float64(k) * h
		q := math.Pi / 2 * math.Sinh(t)
		x := mid + half*math.Tanh(q)
		if x <= a || x >= b {
			continue
		}
		ch := math.Cosh(q)
		w := half * math.Pi / 2 * math.Cosh(t) / (ch * ch)
		if w == 0 {
			continue
		}
		sum += w * f(x)
	}
	return sum * h
}

// referenceIntegral runs tanhSinh at a fine step; callers that need to know
// its own accuracy compare two steps.
func referenceIntegral(f func(float64) float64, a, b float64) float64 {
	return tanhSinh(f, a, b, 1.0/512)
}

// referenceDensity is the Marchenko–Pastur density coded from the formula in
// docs/theory.md §2, independently of MPDensity.
func referenceDensity(lambda, gamma float64) float64 {
	lo := math.Pow(1-math.Sqrt(gamma), 2)
	hi := math.Pow(1+math.Sqrt(gamma), 2)
	v := (hi - lambda) * (lambda - lo)
	if v <= 0 {
		return 0
	}
	return math.Sqrt(v) / (2 * math.Pi * gamma * lambda)
}

// referenceOverlap is φ_τ(λ) coded literally from docs/theory.md §2.
func referenceOverlap(tau, lambda, gamma float64) float64 {
	a := tau*(1-gamma+lambda)/2 - lambda
	e := lambda - 1 - gamma
	return gamma * lambda * tau / (a*a + tau*tau*(4*gamma-e*e)/4)
}

// referenceQuantile finds λ_κ by bisection on the brute-force tail mass.
func referenceQuantile(kappa, gamma float64) float64 {
	lo := math.Pow(1-math.Sqrt(gamma), 2)
	hi := math.Pow(1+math.Sqrt(gamma), 2)
	edge := hi
	tail := func(l float64) float64 {
		return referenceIntegral(func(x float64) float64 { return referenceDensity(x, gamma) }, l, edge)
	}
	for i := 0; i < 60; i++ {
		m := (lo + hi) / 2
		if tail(m) > kappa {
			lo = m
		} else {
			hi = m
		}
	}
	return (lo + hi) / 2
}

// referenceCaptured is c(κ) by brute force: the BBP closed form plus the
// overlap density integrated against the MP law above the brute-force
// quantile.
func referenceCaptured(theta, gamma, kappa float64) float64 {
	top := 0.0
	if theta > math.Sqrt(gamma) {
		top = (1 - gamma/(theta*theta)) / (1 + gamma/theta)
	}
	edge := math.Pow(1+math.Sqrt(gamma), 2)
	lk := referenceQuantile(kappa, gamma)
	return top + referenceIntegral(func(x float64) float64 {
		return referenceOverlap(1+theta, x, gamma) * referenceDensity(x, gamma)
	}, lk, edge)
}
