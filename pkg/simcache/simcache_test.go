package simcache

import (
	"bytes"
	"context"
	"encoding/gob"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
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
	recs, err := load[[][]sim.Record](entries[0])
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
	base, _ := entryPath("trials", newTrialsKey(config(), []int{1, 5}), SimPackages)
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
		if p, _ := entryPath("trials", newTrialsKey(cfg, ks), SimPackages); p == base {
			t.Errorf("changing %s keeps the same cache entry", name)
		}
	}
	cfg := config()
	cfg.Workers = 7
	if p, _ := entryPath("trials", newTrialsKey(cfg, []int{1, 5}), SimPackages); p != base {
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
	a, err := CodeVersion(SimPackages...)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := CodeVersion(SimPackages...)
	if a != b || len(a) != 24 {
		t.Errorf("code version %q then %q", a, b)
	}
	if c, _ := CodeVersion("sim"); c == a {
		t.Errorf("the code version of sim alone equals that of sim and theory")
	}
}

func TestGetComputesOncePerKey(t *testing.T) {
	t.Setenv(EnvDir, t.TempDir())
	t.Setenv(EnvDisable, "")
	type key struct {
		N        int
		Callback func() `json:"-"`
	}
	calls := 0
	compute := func() ([]float64, error) { calls++; return []float64{float64(calls), math.NaN()}, nil }
	first, hit, err := Get("test", key{N: 1}, SimPackages, compute)
	if err != nil || hit {
		t.Fatalf("first call: hit=%v err=%v", hit, err)
	}
	again, hit, err := Get("test", key{N: 1, Callback: func() {}}, SimPackages, compute)
	if err != nil || !hit || calls != 1 || again[0] != first[0] || !math.IsNaN(again[1]) {
		t.Fatalf("second call: hit=%v err=%v calls=%d value %v", hit, err, calls, again)
	}
	if _, hit, _ := Get("test", key{N: 2}, SimPackages, compute); hit || calls != 2 {
		t.Errorf("another key was served from the cache (calls=%d)", calls)
	}
	if _, hit, _ := Get("other", key{N: 1}, SimPackages, compute); hit {
		t.Error("another kind was served from the cache")
	}
	if _, hit, _ := Get("test", key{N: 1}, []string{"sim"}, compute); hit {
		t.Error("another code version was served from the cache")
	}
}

// keyProbe is encoded by the child process of TestKeysDoNotDependOnTheProcess
// before anything else, which would shift gob's type numbering.
type keyProbe struct{ A, B []int }

// The cells of a notebook are separate processes that encode different
// types in different orders; gob numbers types in the order a process
// meets them, so gob-encoded keys of the same configuration used to differ
// between cells, and the cache missed every time.
func TestKeysDoNotDependOnTheProcess(t *testing.T) {
	if os.Getenv("SIMCACHE_KEY_CHILD") == "1" {
		_ = gob.NewEncoder(&bytes.Buffer{}).Encode(keyProbe{A: []int{1}})
		p, _ := entryPath("trials", newTrialsKey(config(), []int{1, 5}), SimPackages)
		os.Stdout.WriteString("PATH=" + p + "\n")
		return
	}
	dir := t.TempDir()
	t.Setenv(EnvDir, dir)
	t.Setenv(EnvDisable, "")
	want, _ := entryPath("trials", newTrialsKey(config(), []int{1, 5}), SimPackages)
	cmd := exec.Command(os.Args[0], "-test.run=^TestKeysDoNotDependOnTheProcess$")
	cmd.Env = append(os.Environ(), "SIMCACHE_KEY_CHILD=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	i := strings.Index(string(out), "PATH=")
	if i < 0 {
		t.Fatalf("child printed no path:\n%s", out)
	}
	if got := strings.TrimSpace(strings.SplitN(string(out[i+5:]), "\n", 2)[0]); got != want {
		t.Errorf("child process key %s, this process %s", got, want)
	}
}

func TestCodeVersionIsPinnedForAKernelSession(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("GONB_TMP_DIR", dir)
	first, err := sessionCodeVersion(SimPackages)
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := CodeVersion(SimPackages...); first != want {
		t.Fatalf("first call %q, want the source hash %q", first, want)
	}
	// A later cell of the same session must see the same version even if the
	// source changed in between; simulate that by editing the stored one.
	if err := os.WriteFile(filepath.Join(dir, "optrep-code-version-sim+theory"), []byte("pinned"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, _ := sessionCodeVersion(SimPackages); got != "pinned" {
		t.Errorf("later call %q, want the session's pinned version", got)
	}
}

func TestDisabledCacheIsSharedWithinAKernelSession(t *testing.T) {
	dir, session := t.TempDir(), t.TempDir()
	t.Setenv(EnvDir, dir)
	t.Setenv(EnvDisable, "1")
	t.Setenv("GONB_TMP_DIR", session)
	calls := 0
	compute := func() (int, error) { calls++; return calls, nil }
	Get("test", 1, SimPackages, compute)
	if _, hit, _ := Get("test", 1, SimPackages, compute); !hit || calls != 1 {
		t.Errorf("a session without the cache should still share results (hit=%v, calls=%d)", hit, calls)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("disabled cache wrote %d entries to the cache folder", len(entries))
	}
}
