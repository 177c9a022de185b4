// Package simcache keeps expensive results on disk, keyed by everything that
// determines them: the configuration that produced them and the version of
// the code that computed them (a hash of the source of the packages
// involved). A notebook that reads a result again in a later cell, or is
// re-run after a prose edit, loads the stored result instead of computing it
// again; any change to the computing code invalidates its entries.
//
// Get is the general mechanism (pkg/ae and pkg/mnist use it for their
// experiments); Trials and Sweep put pkg/sim's simulations through it.
//
// The cache lives in $OPTREP_CACHE when set, otherwise in .optrep/cache under
// the repository root (found from the notebook's folder or the working
// directory), otherwise in the user's cache directory. OPTREP_NO_CACHE=1
// turns it off; inside a GoNB kernel session the cells of that session then
// still share results through the session's $GONB_TMP_DIR.
package simcache

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
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

// SimPackages are the packages whose source decides a simulation's result.
var SimPackages = []string{"sim", "theory"}

// Get returns the value stored for key by the current source of the
// packages pkgs (names under pkg/, such as "sim"), or calls compute and
// stores what it returns; hit reports a value read from the cache. kind
// names the sort of entry and prefixes its file name.
//
// The key is encoded as JSON, which is canonical (unlike gob, whose bytes
// depend on what else the process encoded first), so it must be
// JSON-encodable: fields that do not change the result (callbacks, worker
// counts) carry the tag `json:"-"`. A key that cannot be encoded, or a cache
// that cannot be read or written, never fails the call; it only costs the
// time of computing.
func Get[T any](kind string, key any, pkgs []string, compute func() (T, error)) (v T, hit bool, err error) {
	path, ok := entryPath(kind, key, pkgs)
	if ok {
		if v, err := load[T](path); err == nil {
			return v, true, nil
		}
	}
	v, err = compute()
	if err != nil {
		return v, false, err
	}
	if ok {
		_ = store(path, v) // a cache that cannot be written is only slower
	}
	return v, false, nil
}

// entryPath is the file of the entry for (kind, key, pkgs), if caching is on
// and the key and the code version can be computed.
func entryPath(kind string, key any, pkgs []string) (string, bool) {
	dir := cacheDir()
	if dir == "" {
		return "", false
	}
	code, err := sessionCodeVersion(pkgs)
	if err != nil {
		return "", false
	}
	b, err := json.Marshal(key)
	if err != nil {
		return "", false
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n", kind, code)
	h.Write(b)
	return filepath.Join(dir, kind+"-"+hex.EncodeToString(h.Sum(nil)[:16])+".gob"), true
}

// cacheDir is the folder entries go to, "" when there is none.
func cacheDir() string {
	if v := os.Getenv(EnvDisable); v == "1" || v == "true" {
		return os.Getenv("GONB_TMP_DIR")
	}
	d, err := Dir()
	if err != nil {
		return ""
	}
	return d
}

func load[T any](path string) (T, error) {
	var v T
	b, err := os.ReadFile(path)
	if err != nil {
		return v, err
	}
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&v); err != nil {
		return v, fmt.Errorf("cache entry %s: %w", path, err)
	}
	return v, nil
}

// store writes the entry through a temporary file and a rename, so a reader
// never sees half an entry.
func store(path string, v any) error {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(v); err != nil {
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

// trialsKey is what a simulation's trials depend on.
type trialsKey struct {
	Theta, B                             []float64
	BPerp, Sigma, Lambda, AlphaU, AlphaL float64
	D, Seeds                             int
	Seed                                 uint64
	Ks                                   []int
}

func newTrialsKey(cfg sim.Config, ks []int) trialsKey {
	p := cfg.Params
	return trialsKey{p.Theta, p.B, p.BPerp, p.Sigma, p.Lambda, p.AlphaU, p.AlphaL, cfg.D, cfg.Seeds, cfg.Seed, ks}
}

// Sweep is sim.Sweep through the cache (see Trials).
func Sweep(ctx context.Context, cfg sim.Config, ks []int) ([]sim.Point, error) {
	recs, err := Trials(ctx, cfg, ks)
	if err != nil {
		return nil, err
	}
	return sim.Aggregate(cfg, ks, recs), nil
}

// Trials is sim.Trials through the cache: stored records for the same
// configuration are returned as they were computed, bit for bit; otherwise
// the trials run and their records are stored. A hit is reported to
// cfg.Progress as every trial done.
func Trials(ctx context.Context, cfg sim.Config, ks []int) ([][]sim.Record, error) {
	recs, hit, err := Get("trials", newTrialsKey(cfg, ks), SimPackages, func() ([][]sim.Record, error) {
		return sim.Trials(ctx, cfg, ks)
	})
	if hit && cfg.Progress != nil {
		cfg.Progress(cfg.Seeds, cfg.Seeds)
	}
	return recs, err
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

// sessionCodeVersion is CodeVersion(pkgs...), read once per GoNB kernel
// session: the first cell that asks stores it in $GONB_TMP_DIR, which lives
// as long as the session, and later cells reuse it. Every cell of a run then
// finds the result the first one computed, even when the source tree changes
// during the run (a shared working tree, an edit between cells); a new
// session hashes the source again. Outside GoNB it is CodeVersion.
func sessionCodeVersion(pkgs []string) (string, error) {
	dir := os.Getenv("GONB_TMP_DIR")
	if dir == "" {
		return CodeVersion(pkgs...)
	}
	path := filepath.Join(dir, "optrep-code-version-"+strings.Join(pkgs, "+"))
	if b, err := os.ReadFile(path); err == nil && len(b) > 0 {
		return string(b), nil
	}
	v, err := CodeVersion(pkgs...)
	if err != nil {
		return "", err
	}
	_ = os.WriteFile(path, []byte(v), 0o644)
	return v, nil
}

// CodeVersion is a hash of the Go source (tests excluded) of the packages
// pkgs under pkg/, read from the source tree this package was compiled from.
// It is an error when that tree is not available (a build with -trimpath,
// say), in which case nothing is cached.
func CodeVersion(pkgs ...string) (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok || !filepath.IsAbs(file) {
		return "", errors.New("cache: source tree unknown")
	}
	pkgDir := filepath.Dir(filepath.Dir(file))
	h := sha256.New()
	for _, name := range pkgs {
		dir := filepath.Join(pkgDir, name)
		entries, err := os.ReadDir(dir)
		if err != nil {
			return "", fmt.Errorf("cache: %w", err)
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
				return "", fmt.Errorf("cache: %w", err)
			}
			fmt.Fprintf(h, "%s/%s %d\n", name, f, len(b))
			h.Write(b)
		}
	}
	return hex.EncodeToString(h.Sum(nil)[:12]), nil
}
