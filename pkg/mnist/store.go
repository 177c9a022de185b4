package mnist

import (
	"context"

	"github.com/optrep/optrep/pkg/simcache"
)

// cachePackages are the packages whose source decides a stored result.
var cachePackages = []string{"mnist", "ae", "sim", "theory"}

// RunCached is Run on the MNIST data (LoadDefault) through the disk cache of
// pkg/simcache: a result computed before for the same configuration (its
// Progress and Workers aside) by the same source of this package, pkg/ae,
// pkg/sim and pkg/theory is read back instead of recomputed. It exists for
// notebooks, whose cells run as separate programs: the cell that computes
// and the cells that plot and check all call it with the same Config. A hit
// is reported to Progress as every job done; a cache that cannot be read or
// written only costs the recomputation.
func RunCached(ctx context.Context, cfg Config) (*Result, error) {
	if err := cfg.Validate(TrainSize); err != nil {
		return nil, err
	}
	res, hit, err := simcache.Get("mnist-pca", cfg, cachePackages, func() (*Result, error) {
		train, test, err := LoadDefault()
		if err != nil {
			return nil, err
		}
		return Run(ctx, train, test, cfg)
	})
	if hit && cfg.Progress != nil {
		n := cfg.Draws * len(cfg.NU)
		cfg.Progress(n, n)
	}
	return res, err
}

// RunAECached is RunAE on the MNIST data through the same cache as RunCached.
func RunAECached(ctx context.Context, cfg AEConfig) (*AEResult, error) {
	if err := cfg.Validate(TrainSize); err != nil {
		return nil, err
	}
	res, hit, err := simcache.Get("mnist-ae", cfg, cachePackages, func() (*AEResult, error) {
		train, test, err := LoadDefault()
		if err != nil {
			return nil, err
		}
		return RunAE(ctx, train, test, cfg)
	})
	if hit && cfg.Progress != nil {
		cfg.Progress(1, 1)
	}
	return res, err
}
