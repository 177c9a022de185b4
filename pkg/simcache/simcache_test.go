package simcache

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/optrep/optrep/pkg/sim"
	"github.com/optrep/optrep/pkg/theory"
)

func config() sim.Config {
	p := theory.Params{Theta: []float64{3}, B: []float64{1}, BPerp: 0.5, Sigma: 0.3, AlphaU: 1, AlphaL: 1}
	return sim.Config{Params: p, D: 40, Seeds: 2, Seed: 3}
}

func TestSweepIsStoredAndReadBackBitForBit(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(EnvDir, dir)
	t.Setenv(EnvDisable, "")
	cfg := config()
	first, err := Sweep(context.Background(), cfg, []int{1, 5})
	if err != nil {
		t.Fatal(err)
	}
	entries, _ := filepath.Glob(filepath.Join(dir, "trials-*.gob"))
	if len(entries) != 1 {
		t.Fatalf("want one cache entry, got %v", entries)
	}
	// Tamper with the stored entry: a second call must return what is stored,
	// which proves it did not recompute.
	recs, err := load(entries[0])
	if err != nil {
		t.Fatal(err)
	}
	for t := range recs {
		recs[t][0].GenError = 42
	}
	if err := store(entries[0], recs); err != nil {
		t.Fatal(err)
	}
	second, err := Sweep(context.Background(), cfg, []int{1, 5})
	if err != nil {
		t.Fatal(err)
	}
	if second[0].GenError.Mean != 42 {
		t.Errorf("the cached entry was not used")
	}
	second[0].GenError = first[0].GenError
	if !reflect.DeepEqual(first[1:], second[1:]) {
		t.Errorf("cache changed the result")
	}
}

func TestEveryInputChangesTheKey(t *testing.T) {
	t.Setenv(EnvDir, t.TempDir())
	t.Setenv(EnvDisable, "")
	base, _ := entryPath(config(), []int{1, 5})
	edits := map[string]func(*sim.Config, *[]int){
		"seed":   func(c *sim.Config, _ *[]int) { c.Seed++ },
		"seeds":  func(c *sim.Config, _ *[]int) { c.Seeds++ },
		"d":      func(c *sim.Config, _ *[]int) { c.D++ },
		"lambda": func(c *sim.Config, _ *[]int) { c.Params.Lambda = 0.1 },
		"theta":  func(c *sim.Config, _ *[]int) { c.Params.Theta = []float64{3.5} },
		"ks":     func(_ *sim.Config, ks *[]int) { *ks = []int{1, 6} },
	}
	for name, edit := range edits {
		cfg, ks := config(), []int{1, 5}
		edit(&cfg, &ks)
		if p, _ := entryPath(cfg, ks); p == base {
			t.Errorf("changing %s keeps the same cache entry", name)
		}
	}
	cfg := config()
	cfg.Workers = 7
	if p, _ := entryPath(cfg, []int{1, 5}); p != base {
		t.Error("the number of workers, which never changes results, changed the key")
	}
}

func TestDisabledCacheWritesNothing(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(EnvDir, dir)
	t.Setenv(EnvDisable, "1")
	if _, err := Sweep(context.Background(), config(), []int{2}); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("disabled cache wrote %d entries", len(entries))
	}
}

func TestSweepThroughTheCacheEqualsSimSweep(t *testing.T) {
	t.Setenv(EnvDir, t.TempDir())
	t.Setenv(EnvDisable, "")
	want, err := sim.Sweep(context.Background(), config(), []int{3, 1})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // computed, then read back
		got, err := Sweep(context.Background(), config(), []int{3, 1})
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("err=%v\n got %+v\nwant %+v", err, got, want)
		}
	}
}

func TestNaNStandardErrorsSurviveTheCache(t *testing.T) {
	t.Setenv(EnvDir, t.TempDir())
	t.Setenv(EnvDisable, "")
	cfg := config()
	cfg.Seeds = 1 // one trial: every StdErr is NaN
	if _, err := Sweep(context.Background(), cfg, []int{2}); err != nil {
		t.Fatal(err)
	}
	pts, err := Sweep(context.Background(), cfg, []int{2})
	if err != nil || !math.IsNaN(pts[0].GenError.StdErr) {
		t.Errorf("err=%v stderr=%g, want NaN", err, pts[0].GenError.StdErr)
	}
}

func TestCodeVersionIsStable(t *testing.T) {
	a, err := CodeVersion()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := CodeVersion()
	if a != b || len(a) != 24 {
		t.Errorf("code version %q then %q", a, b)
	}
}
