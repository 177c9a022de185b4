package ae

import (
	"context"

	"github.com/optrep/optrep/pkg/simcache"
)

// cachePackages are the packages whose source decides an experiment's result.
var cachePackages = []string{"ae", "sim", "theory"}

// RunCached is Run through the disk cache of pkg/simcache: an experiment
// run before with the same fields (those tagged `json:"-"`, the callbacks
// and the worker count, aside) by the same source of pkg/ae, pkg/sim and
// pkg/theory is read back instead of trained again. It exists for
// notebooks, where each cell runs in a fresh process. A hit is reported to
// e.Progress as every run done; failing to read or write the cache only
// costs the time of recomputing.
func RunCached(ctx context.Context, e Experiment) (*Result, error) {
	res, hit, err := simcache.Get("ae", e, cachePackages, func() (*Result, error) { return Run(ctx, e) })
	if hit && e.Progress != nil {
		n := e.Seeds * len(e.Methods) * len(e.Ks)
		e.Progress(n, n)
	}
	return res, err
}
