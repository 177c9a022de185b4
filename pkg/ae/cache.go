package ae

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
)

// RunCached is Run with its result kept in dir, keyed by every field of e
// that decides the result: a later call with the same experiment reads the
// stored result instead of training again. It exists for notebooks, where
// each cell runs in a fresh process: pass a folder that lives as long as the
// kernel session (GoNB's $GONB_TMP_DIR), so that stale results never outlive
// the code that made them. An empty dir disables the cache; failing to read
// or write it only costs the time of recomputing.
func RunCached(ctx context.Context, e Experiment, dir string) (*Result, error) {
	if dir == "" {
		return Run(ctx, e)
	}
	key := e
	key.Progress, key.Workers = nil, 0
	key.Train.Progress, key.Train.Reference = nil, nil
	sum := sha256.Sum256(fmt.Appendf(nil, "%#v", key))
	path := filepath.Join(dir, "optrep-ae-"+hex.EncodeToString(sum[:12])+".gob")
	if b, err := os.ReadFile(path); err == nil {
		var res Result
		if gob.NewDecoder(bytes.NewReader(b)).Decode(&res) == nil {
			return &res, nil
		}
	}
	res, err := Run(ctx, e)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if gob.NewEncoder(&buf).Encode(res) == nil {
		tmp := path + ".tmp"
		if os.WriteFile(tmp, buf.Bytes(), 0o644) == nil {
			_ = os.Rename(tmp, path)
		}
	}
	return res, nil
}
