package sim

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// Record is the outcome of one trial at one representation size k.
type Record struct {
	// K is the number of principal components in the representation.
	K int
	// TrainError is (1/n_l)‖y − Zŵ‖².
	TrainError float64
	// GenError is σ² + (β − Pŵ)ᵀΣ(β − Pŵ), exact given the trial's P, β, ŵ.
	GenError float64
	// Captured holds ‖P_kᵀe_i‖² for every spike i.
	Captured []float64
	// Misspecification is min_w (β − Pw)ᵀΣ(β − Pw) = σ_eff²_P − σ²: the part
	// of the task the representation cannot express. For ordinary least
	// squares (λ = 0, k < n_l − 1), E[GenError | P] = (σ² + Misspecification)
	// (n_l − 1)/(n_l − k − 1) exactly (docs/theory.md §3).
	Misspecification float64
}

// Streams of one trial: each part of the data has its own PCG stream,
// seeded with (cfg.Seed, 4t + part), and draws its rows in order. Runs that
// differ only in n_u or n_l therefore share their first rows (common random
// numbers): their difference is measured with much less noise than that of
// independent runs, which is what comparing nearby sample ratios needs.
const (
	streamUnlabelled = iota // X_u
	streamTask              // w
	streamLabelled          // X_l
	streamNoise             // ε
	streamsPerTrial
)

// stream is the random stream of one part of trial t.
func stream(seed uint64, t, part int) *rand.Rand {
	return rand.New(rand.NewPCG(seed, uint64(t)*streamsPerTrial+uint64(part)))
}

// Data is the random part of one trial: the unlabelled inputs (n_u×d rows),
// the task β = Σ_i b_i e_i + b_⊥ w, the labelled inputs (n_l×d rows) and
// their targets y = X_l β + σε.
type Data struct {
	XU, XL *mat.Dense
	Beta   []float64
	Y      []float64
}

// Draw returns the data of trial t of cfg, exactly what Trials uses for that
// trial, so that other pretraining methods (pkg/ae) can be compared with PCA
// on the same samples.
func Draw(cfg Config, t int) (Data, error) {
	if err := cfg.Validate(); err != nil {
		return Data{}, fmt.Errorf("sim: %w", err)
	}
	if t < 0 {
		return Data{}, fmt.Errorf("sim: trial t=%d: must be >= 0", t)
	}
	return draw(cfg, t), nil
}

// draw generates trial t's data from its four streams; cfg must be valid.
func draw(cfg Config, t int) Data {
	p := cfg.Params
	d, r := cfg.D, len(p.Theta)
	nu, nl := cfg.NU(), cfg.NL()

	scale := make([]float64, r)
	for i, th := range p.Theta {
		scale[i] = math.Sqrt(1 + th)
	}
	xu := gaussianInputs(stream(cfg.Seed, t, streamUnlabelled), nu, d, scale)

	rng := stream(cfg.Seed, t, streamTask)
	beta := make([]float64, d)
	copy(beta, p.B)
	var norm2 float64
	for j := r; j < d; j++ {
		beta[j] = rng.NormFloat64()
		norm2 += beta[j] * beta[j]
	}
	wScale := p.BPerp / math.Sqrt(norm2)
	for j := r; j < d; j++ {
		beta[j] *= wScale
	}

	xl := gaussianInputs(stream(cfg.Seed, t, streamLabelled), nl, d, scale)
	rng = stream(cfg.Seed, t, streamNoise)
	y := make([]float64, nl)
	blas64.Gemv(blas.NoTrans, 1, xl.RawMatrix(), blas64.Vector{N: d, Inc: 1, Data: beta}, 0, blas64.Vector{N: nl, Inc: 1, Data: y})
	for a := range y {
		y[a] += p.Sigma * rng.NormFloat64()
	}
	return Data{XU: xu, XL: xl, Beta: beta, Y: y}
}

// trial runs trial t of cfg for every k in ks; cfg and ks must be valid.
func trial(ctx context.Context, cfg Config, t int, ks []int, path pcaPath) ([]Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p := cfg.Params
	d, r, nl := cfg.D, len(p.Theta), cfg.NL()
	data := draw(cfg, t)
	xu, xl, y, beta := data.XU, data.XL, data.Y, data.Beta

	kmax := slices.Max(ks)
	v, err := topEigenvectors(xu, kmax, path)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var f mat.Dense
	f.Mul(xl, v)
	ws := fitNested(&f, y, ks, p.Lambda)

	sigmaBeta := append([]float64(nil), beta...)
	for i, th := range p.Theta {
		sigmaBeta[i] += th * beta[i]
	}
	vr, fr := v.RawMatrix(), f.RawMatrix()
	g := make([]float64, kmax) // Pᵀ Σβ for the largest k
	blas64.Gemv(blas.Trans, 1, vr, blas64.Vector{N: d, Inc: 1, Data: sigmaBeta}, 0, blas64.Vector{N: kmax, Inc: 1, Data: g})

	recs := make([]Record, len(ks))
	resid := make([]float64, max(nl, d))
	for idx, k := range ks {
		w := ws[idx]
		vk := blas64.General{Rows: d, Cols: k, Stride: vr.Stride, Data: vr.Data}
		fk := blas64.General{Rows: nl, Cols: k, Stride: fr.Stride, Data: fr.Data}

		res := resid[:nl]
		copy(res, y)
		blas64.Gemv(blas.NoTrans, -1, fk, blas64.Vector{N: k, Inc: 1, Data: w}, 1, blas64.Vector{N: nl, Inc: 1, Data: res})
		var train float64
		for _, e := range res {
			train += e * e
		}

		captured := make([]float64, r)
		for i := range captured {
			var s float64
			for _, e := range vr.Data[i*vr.Stride : i*vr.Stride+k] {
				s += e * e
			}
			captured[i] = s
		}

		recs[idx] = Record{
			K:                k,
			TrainError:       train / float64(nl),
			GenError:         p.Sigma*p.Sigma + sigmaDistance(vk, w, beta, p.Theta, resid[:d]),
			Captured:         captured,
			Misspecification: sigmaDistance(vk, bestInClass(vr, g[:k], p.Theta), beta, p.Theta, resid[:d]),
		}
	}
	return recs, nil
}

// gaussianInputs draws n rows x ~ N(0, I_d + Σ_i θ_i e_i e_iᵀ), where
// scale[i] = sqrt(1 + θ_i).
func gaussianInputs(rng *rand.Rand, n, d int, scale []float64) *mat.Dense {
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

// sigmaDistance returns (β − Pw)ᵀΣ(β − Pw) with Σ = I + Σ_i θ_i e_i e_iᵀ;
// buf has length d.
func sigmaDistance(p blas64.General, w, beta, theta, buf []float64) float64 {
	copy(buf, beta)
	blas64.Gemv(blas.NoTrans, -1, p, blas64.Vector{N: len(w), Inc: 1, Data: w}, 1, blas64.Vector{N: len(buf), Inc: 1, Data: buf})
	var s float64
	for _, e := range buf {
		s += e * e
	}
	for i, th := range theta {
		s += th * buf[i] * buf[i]
	}
	return s
}

// bestInClass returns w* = argmin_w (β − Pw)ᵀΣ(β − Pw) = S⁻¹g for the first
// k = len(g) columns of v, where g = PᵀΣβ and S = PᵀΣP = I + AΘAᵀ with
// A_{ji} = v_{ij} (the spike rows of P). By Woodbury,
// S⁻¹g = g − A(Θ⁻¹ + AᵀA)⁻¹Aᵀg, an r×r solve.
func bestInClass(v blas64.General, g, theta []float64) []float64 {
	k, r := len(g), len(theta)
	m := mat.NewSymDense(r, nil)
	atg := mat.NewVecDense(r, nil)
	for i := 0; i < r; i++ {
		ai := v.Data[i*v.Stride : i*v.Stride+k]
		var s float64
		for j, e := range ai {
			s += e * g[j]
		}
		atg.SetVec(i, s)
		for l := i; l < r; l++ {
			al := v.Data[l*v.Stride : l*v.Stride+k]
			var q float64
			for j, e := range ai {
				q += e * al[j]
			}
			if l == i {
				q += 1 / theta[i]
			}
			m.SetSym(i, l, q)
		}
	}
	z := mat.NewVecDense(r, nil)
	var chol mat.Cholesky
	if chol.Factorize(m) {
		// A Condition error still leaves the computed solution in z.
		_ = chol.SolveVecTo(z, atg)
	} else {
		// Θ⁻¹ + AᵀA is positive definite in exact arithmetic; only an
		// extreme spike could defeat the Cholesky factorisation.
		_ = z.SolveVec(m, atg)
	}
	w := append([]float64(nil), g...)
	for i := 0; i < r; i++ {
		zi := z.AtVec(i)
		for j, e := range v.Data[i*v.Stride : i*v.Stride+k] {
			w[j] -= e * zi
		}
	}
	return w
}
