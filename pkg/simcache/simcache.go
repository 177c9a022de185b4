// Package simcache keeps the results of simulations on disk, keyed by
// everything that determines them: the model parameters, the dimension, the
// number of trials, the seed, the representation sizes and the version of
// the code that computes them (a hash of the source of pkg/sim and
// pkg/theory). A notebook that recomputes a sweep in a later cell, or is
// re-run after a prose edit, reads the stored result instead of simulating
// again; any change to the simulation code invalidates every entry.
//
// The cache lives in $OPTREP_CACHE when set, otherwise in .optrep/cache under
// the repository root (found from the notebook's folder or the working
// directory), otherwise in the user's cache directory. OPTREP_NO_CACHE=1
// turns it off.
package simcache

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"github.com/optrep/optrep/pkg/sim"
)

// Environment variables read by this package.
const (
	EnvDir     = "OPTREP_CACHE"
	EnvDisable = "OPTREP_NO_CACHE"
)

// key is what a sweep's result depends on.
type key struct {
	Theta, B                             []float64
	BPerp, Sigma, Lambda, AlphaU, AlphaL float64
	D, Seeds                             int
	Seed                                 uint64
	Ks                                   []int
	Code                                 string
}

// Sweep is sim.Sweep through the cache (see Trials).
func Sweep(ctx context.Context, cfg sim.Config, ks []int) ([]sim.Point, error) {
	recs, err := Trials(ctx, cfg, ks)
	if err != nil {
		return nil, err
	}
	return sim.Aggregate(cfg, ks, recs), nil
}

// Trials is sim.Trials through the cache: stored records for the same key
// are returned as they were computed, bit for bit; otherwise the trials run
// and their records are stored. Failing to read or write the cache never
// fails the run; it only costs the time of recomputing.
func Trials(ctx context.Context, cfg sim.Config, ks []int) ([][]sim.Record, error) {
	path, ok := entryPath(cfg, ks)
	if ok {
		if recs, err := load(path); err == nil {
			if cfg.Progress != nil {
				cfg.Progress(cfg.Seeds, cfg.Seeds)
			}
			return recs, nil
		}
	}
	recs, err := sim.Trials(ctx, cfg, ks)
	if err != nil {
		return nil, err
	}
	if ok {
		_ = store(path, recs) // a cache that cannot be written is only slower
	}
	return recs, nil
}

// entryPath is the file of the cache entry for a sweep, if caching is on.
func entryPath(cfg sim.Config, ks []int) (string, bool) {
	if v := os.Getenv(EnvDisable); v == "1" || v == "true" {
		return "", false
	}
	code, err := CodeVersion()
	if err != nil {
		return "", false
	}
	dir, err := Dir()
	if err != nil {
		return "", false
	}
	p := cfg.Params
	k := key{p.Theta, p.B, p.BPerp, p.Sigma, p.Lambda, p.AlphaU, p.AlphaL, cfg.D, cfg.Seeds, cfg.Seed, ks, code}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(k); err != nil {
		return "", false
	}
	sum := sha256.Sum256(buf.Bytes())
	return filepath.Join(dir, "trials-"+hex.EncodeToString(sum[:16])+".gob"), true
}

func load(path string) ([][]sim.Record, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var recs [][]sim.Record
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&recs); err != nil {
		return nil, fmt.Errorf("cache entry %s: %w", path, err)
	}
	return recs, nil
}

// store writes the entry through a temporary file and a rename, so a reader
// never sees half an entry.
func store(path string, recs [][]sim.Record) error {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(recs); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".entry-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Dir is the cache directory (see the package documentation).
func Dir() (string, error) {
	if d := os.Getenv(EnvDir); d != "" {
		return d, nil
	}
	var starts []string
	if d := os.Getenv("GONB_DIR"); d != "" {
		starts = append(starts, d)
	}
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	for _, s := range starts {
		for d := s; ; d = filepath.Dir(d) {
			if fi, err := os.Stat(filepath.Join(d, ".optrep")); err == nil && fi.IsDir() {
				return filepath.Join(d, ".optrep", "cache"), nil
			}
			if d == filepath.Dir(d) {
				break
			}
		}
	}
	ucd, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("simulation cache: no cache directory: %w", err)
	}
	return filepath.Join(ucd, "optrep"), nil
}

// CodeVersion is a hash of the Go source of the packages whose code decides
// a simulation's result (pkg/sim and pkg/theory, tests excluded). It is read
// from the source tree this package was compiled from, and is an error when
// that tree is not available (a build with -trimpath, say), in which case
// nothing is cached.
func CodeVersion() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok || !filepath.IsAbs(file) {
		return "", errors.New("simulation cache: source tree unknown")
	}
	pkgDir := filepath.Dir(filepath.Dir(file))
	h := sha256.New()
	for _, name := range []string{"sim", "theory"} {
		dir := filepath.Join(pkgDir, name)
		entries, err := os.ReadDir(dir)
		if err != nil {
			return "", fmt.Errorf("simulation cache: %w", err)
		}
		var files []string
		for _, e := range entries {
			if n := e.Name(); strings.HasSuffix(n, ".go") && !strings.HasSuffix(n, "_test.go") && e.Type()&fs.ModeType == 0 {
				files = append(files, n)
			}
		}
		sort.Strings(files)
		for _, f := range files {
			b, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil {
				return "", fmt.Errorf("simulation cache: %w", err)
			}
			fmt.Fprintf(h, "%s/%s %d\n", name, f, len(b))
			h.Write(b)
		}
	}
	return hex.EncodeToString(h.Sum(nil)[:12]), nil
}
