package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/optrep/optrep/pkg/nbparam"
)

// checkParams checks the overrides of a run (the value of OPTREP_PARAMS)
// before any notebook runs: every name must be read by at least one of the
// notebooks (a typo is an error, not an override that silently does
// nothing), and every value must parse as the kind each notebook that reads
// it asks for. The error is one line that names the parameter.
func checkParams(env string, notebooks []string) error {
	given, err := nbparam.Parse(env)
	if err != nil {
		return err
	}
	if len(given) == 0 {
		return nil
	}
	// name → kind → notebooks reading it so
	reads := map[string]map[nbparam.Kind][]string{}
	for _, nb := range notebooks {
		src, err := codeSource(nb)
		if err != nil {
			return err
		}
		for name, kind := range nbparam.Scan(src) {
			if reads[name] == nil {
				reads[name] = map[nbparam.Kind][]string{}
			}
			reads[name][kind] = append(reads[name][kind], filepath.Base(nb))
		}
	}
	names := make([]string, 0, len(given))
	for n := range given {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		value := given[name]
		kinds, ok := reads[name]
		if !ok {
			return fmt.Errorf("-p %s=%s: no notebook of this run reads a parameter %q (%s)", name, value, name, known(reads))
		}
		for kind, nbs := range kinds {
			if err := nbparam.Check(kind, value); err != nil {
				verb := "reads"
				if len(nbs) > 1 {
					verb = "read"
				}
				return fmt.Errorf("-p %s=%s: %v; %s %s it with nbparam.%s", name, value, err, strings.Join(nbs, ", "), verb, kind)
			}
		}
	}
	return nil
}

// known lists the parameters the notebooks read, for the error message.
func known(reads map[string]map[nbparam.Kind][]string) string {
	if len(reads) == 0 {
		return "they read none through pkg/nbparam"
	}
	names := make([]string, 0, len(reads))
	for n := range reads {
		names = append(names, n)
	}
	sort.Strings(names)
	return "they read: " + strings.Join(names, ", ")
}

// codeSource is the source of a notebook's code cells, one after the other.
func codeSource(path string) (string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	var nb struct {
		Cells []struct {
			CellType string          `json:"cell_type"`
			Source   json.RawMessage `json:"source"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(raw, &nb); err != nil {
		return "", fmt.Errorf("%s: not a notebook: %w", path, err)
	}
	var b strings.Builder
	for i, c := range nb.Cells {
		if c.CellType != "code" {
			continue
		}
		src, err := multiline(c.Source)
		if err != nil {
			return "", fmt.Errorf("%s: cell %d: %w", path, i+1, err)
		}
		b.WriteString(src)
		b.WriteString("\n")
	}
	return b.String(), nil
}
