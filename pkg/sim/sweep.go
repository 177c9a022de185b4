package sim

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync"
)

// Estimate is a Monte Carlo mean over trials with its standard error, the
// sample standard deviation (n − 1 denominator) over sqrt(n). StdErr is NaN
// when there is a single trial: one trial carries no error estimate, and
// reporting 0 would claim an exact result.
type Estimate struct{ Mean, StdErr float64 }

// Point aggregates all trials at one representation size.
type Point struct {
	// K is the representation size and Kappa = K/d; a point requested as
	// κ = 0 through KFromKappa therefore reports Kappa = r/d.
	K     int
	Kappa float64
	// TrainError and GenError estimate E_train and E_gen of docs/theory.md §1.
	TrainError, GenError Estimate
	// Captured estimates c_i = ‖P_kᵀe_i‖², one per spike.
	Captured []Estimate
	// Misspecification estimates min_w (β − Pw)ᵀΣ(β − Pw) = σ_eff² − σ².
	Misspecification Estimate
}

// Sweep runs cfg.Seeds trials and aggregates them at every representation
// size in ks (each in [1, min(d, n_u)], any order, repeats allowed). Each
// trial does one eigendecomposition for all ks. The result has one Point per
// element of ks, in the same order, and is bit-identical whatever cfg.Workers
// and GOMAXPROCS are.
func Sweep(ctx context.Context, cfg Config, ks []int) ([]Point, error) {
	recs, err := Trials(ctx, cfg, ks)
	if err != nil {
		return nil, err
	}
	return Aggregate(cfg, ks, recs), nil
}

// Aggregate turns the records of Trials(ctx, cfg, ks) into one Point per
// element of ks: means and standard errors over trials, summed in trial
// order.
func Aggregate(cfg Config, ks []int, recs [][]Record) []Point {
	spikes := len(cfg.Params.Theta)
	pts := make([]Point, len(ks))
	col := make([]float64, len(recs))
	est := func(i int, get func(Record) float64) Estimate {
		for t := range recs {
			col[t] = get(recs[t][i])
		}
		return estimate(col)
	}
	for i, k := range ks {
		pts[i] = Point{
			K:                k,
			Kappa:            float64(k) / float64(cfg.D),
			TrainError:       est(i, func(rec Record) float64 { return rec.TrainError }),
			GenError:         est(i, func(rec Record) float64 { return rec.GenError }),
			Misspecification: est(i, func(rec Record) float64 { return rec.Misspecification }),
			Captured:         make([]Estimate, spikes),
		}
		for s := range spikes {
			pts[i].Captured[s] = est(i, func(rec Record) float64 { return rec.Captured[s] })
		}
	}
	return pts
}

// Trials runs cfg.Seeds trials and returns the raw records indexed
// [trial][position in ks]. Trials run concurrently on cfg.Workers goroutines;
// trial t's records depend only on (cfg.Params, cfg.D, cfg.Seed, t, ks), bit
// for bit. The same k requested within a different list ks agrees to rounding
// only, since the factorisations are sized by max(ks). Cancelling ctx stops the run
// between trials (and after a trial's eigendecomposition) and returns an
// error wrapping ctx.Err().
func Trials(ctx context.Context, cfg Config, ks []int) ([][]Record, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("sim: %w", err)
	}
	if err := cfg.checkKs(ks); err != nil {
		return nil, fmt.Errorf("sim: %w", err)
	}
	return runTrials(ctx, cfg, ks, pathAuto)
}

func runTrials(parent context.Context, cfg Config, ks []int, path pcaPath) ([][]Record, error) {
	ks = append([]int(nil), ks...) // the caller may reuse its slice meanwhile
	workers := cfg.Workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, cfg.Seeds)

	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	results := make([][]Record, cfg.Seeds)
	next := make(chan int)
	var (
		mu       sync.Mutex
		done     int
		firstErr error
		wg       sync.WaitGroup
	)
	for range workers {
		wg.Go(func() {
			for t := range next {
				recs, err := trial(ctx, cfg, t, ks, path)
				mu.Lock()
				if err != nil {
					if firstErr == nil && parent.Err() == nil {
						firstErr = fmt.Errorf("sim: trial %d (seed %d): %w", t, cfg.Seed, err)
					}
					cancel()
				} else {
					results[t] = recs
					done++
					if cfg.Progress != nil {
						cfg.Progress(done, cfg.Seeds)
					}
				}
				mu.Unlock()
			}
		})
	}
feed:
	for t := 0; t < cfg.Seeds; t++ {
		select {
		case next <- t:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := parent.Err(); err != nil {
		return nil, fmt.Errorf("sim: run cancelled after %d of %d trials: %w", done, cfg.Seeds, err)
	}
	if firstErr != nil {
		return nil, firstErr
	}
	return results, nil
}

// EstimateOf returns the mean of xs and its standard error (NaN for fewer
// than two values), summed in index order.
func EstimateOf(xs []float64) Estimate { return estimate(xs) }

// estimate returns the mean and standard error of xs, summed in index order.
func estimate(xs []float64) Estimate {
	n := float64(len(xs))
	var sum float64
	for _, x := range xs {
		sum += x
	}
	mean := sum / n
	if len(xs) < 2 {
		return Estimate{Mean: mean, StdErr: math.NaN()}
	}
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return Estimate{Mean: mean, StdErr: math.Sqrt(ss / (n - 1) / n)}
}
