package mnist

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

	"github.com/optrep/optrep/pkg/simcache"
)

// RunCached is Run on the MNIST data (LoadDefault) through a disk cache: a
// result computed before for the same configuration and the same code is
// read back instead of recomputed. It exists for notebooks, whose cells run
// as separate programs: the cell that computes and the cells that plot and
// check all call it with the same Config. See CacheDir for where results are
// kept; a cache that cannot be read or written only costs the recomputation.
func RunCached(ctx context.Context, cfg Config) (*Result, error) {
	if err := cfg.Validate(TrainSize); err != nil {
		return nil, err
	}
	key := cfg
	key.Progress, key.Workers = nil, 0
	return cached("pca", key, cfg.Progress, cfg.Draws*len(cfg.NU), func() (*Result, error) {
		train, test, err := LoadDefault()
		if err != nil {
			return nil, err
		}
		return Run(ctx, train, test, cfg)
	})
}

// RunAECached is RunAE on the MNIST data through the same cache as RunCached.
func RunAECached(ctx context.Context, cfg AEConfig) (*AEResult, error) {
	if err := cfg.Validate(TrainSize); err != nil {
		return nil, err
	}
	key := cfg
	key.Progress, key.Workers = nil, 0
	key.Train.Progress, key.Train.Reference = nil, nil
	return cached("ae", key, cfg.Progress, 1, func() (*AEResult, error) {
		train, test, err := LoadDefault()
		if err != nil {
			return nil, err
		}
		return RunAE(ctx, train, test, cfg)
	})
}

// cached returns the entry for key in CacheDir, or computes and stores it. A
// hit is reported to progress as all jobs done (total of them).
func cached[T any](kind string, key any, progress func(done, total int), total int, compute func() (*T, error)) (*T, error) {
	path, ok := entryPath(kind, key)
	if ok {
		if b, err := os.ReadFile(path); err == nil {
			var v T
			if gob.NewDecoder(bytes.NewReader(b)).Decode(&v) == nil {
				if progress != nil {
					progress(total, total)
				}
				return &v, nil
			}
		}
	}
	v, err := compute()
	if err != nil {
		return nil, err
	}
	if ok {
		_ = store(path, v) // a cache that cannot be written is only slower
	}
	return v, nil
}

// CacheDir is where RunCached keeps results: pkg/simcache's folder
// ($OPTREP_CACHE, else .optrep/cache under the repository root), or, when
// OPTREP_NO_CACHE=1, GoNB's per-session $GONB_TMP_DIR so that the cells of
// one notebook run still share their results; "" when there is none.
func CacheDir() string {
	if v := os.Getenv(simcache.EnvDisable); v == "1" || v == "true" {
		return os.Getenv("GONB_TMP_DIR")
	}
	d, err := simcache.Dir()
	if err != nil {
		return ""
	}
	return d
}

func entryPath(kind string, key any) (string, bool) {
	dir := CacheDir()
	if dir == "" {
		return "", false
	}
	code, err := sessionCodeVersion()
	if err != nil {
		return "", false
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(key); err != nil {
		return "", false
	}
	buf.WriteString(code)
	sum := sha256.Sum256(buf.Bytes())
	return filepath.Join(dir, "mnist-"+kind+"-"+hex.EncodeToString(sum[:16])+".gob"), true
}

// store writes v through a temporary file and a rename, so that a reader never
// sees half an entry.
func store(path string, v any) error {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(v); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".mnist-entry-*")
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

// sessionCodeVersion is CodeVersion, read once per GoNB kernel session: the
// first cell that asks stores it in $GONB_TMP_DIR, which lives as long as
// the session, and later cells reuse it. Every cell of a run then finds the
// result the first one computed, even when the source tree changes during
// the run (a shared working tree, an edit between cells); a new session
// hashes the source again. Outside GoNB it is CodeVersion.
func sessionCodeVersion() (string, error) {
	dir := os.Getenv("GONB_TMP_DIR")
	if dir == "" {
		return CodeVersion()
	}
	path := filepath.Join(dir, "optrep-mnist-code-version")
	if b, err := os.ReadFile(path); err == nil && len(b) > 0 {
		return string(b), nil
	}
	v, err := CodeVersion()
	if err != nil {
		return "", err
	}
	_ = os.WriteFile(path, []byte(v), 0o644)
	return v, nil
}

// codePackages are the packages whose source decides a stored result.
var codePackages = []string{"mnist", "ae", "sim", "theory"}

// CodeVersion is a hash of the Go source (tests excluded) of the packages that
// compute a result: this one, pkg/ae, pkg/sim and pkg/theory, read from the
// tree this package was compiled from. It is an error when that
// tree is not available (a -trimpath build); nothing is cached then.
func CodeVersion() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok || !filepath.IsAbs(file) {
		return "", errors.New("mnist cache: source tree unknown")
	}
	pkgDir := filepath.Dir(filepath.Dir(file))
	h := sha256.New()
	for _, name := range codePackages {
		dir := filepath.Join(pkgDir, name)
		entries, err := os.ReadDir(dir)
		if err != nil {
			return "", fmt.Errorf("mnist cache: %w", err)
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
				return "", fmt.Errorf("mnist cache: %w", err)
			}
			fmt.Fprintf(h, "%s/%s %d\n", name, f, len(b))
			h.Write(b)
		}
	}
	return hex.EncodeToString(h.Sum(nil)[:12]), nil
}
