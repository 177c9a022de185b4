// Package nbparam lets a headless run override the parameters of a notebook
// from the command line, the way papermill does for Python notebooks:
//
//	scripts/run.sh -p d=500 -p seeds=3 -p kappas=0.1,0.2 notebooks/01-error-formulas.ipynb
//
// A notebook reads each parameter once, in its parameters cell, with its
// default beside it:
//
//	var (
//		d      = nbparam.Int("d", 1000)
//		seeds  = nbparam.Int("seeds", map[bool]int{true: 6, false: 10}[quick])
//		kappas = nbparam.Floats("kappas", []float64{0.05, 0.1, 0.2})
//	)
//
// Without an override (interactive use, or a run without -p) each call
// returns its default. scripts/run.sh passes the overrides in the
// environment variable OPTREP_PARAMS, one name=value per line. Before
// running anything it looks for the calls above in the notebooks' source
// (Scan) and stops with a one-line error when a -p names no parameter any of
// them reads, or when a value does not parse as the kind the notebook reads:
// so names must be string literals, as in the example. A malformed value
// that reaches a notebook anyway (OPTREP_PARAMS set by hand) panics with
// a message that names the parameter.
package nbparam

import (
	"fmt"
	"math"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// EnvParams is the environment variable that carries the overrides: one
// name=value per line. Names are Go identifiers; a value is everything
// after the first "=" up to the end of the line (lists are comma-separated).
const EnvParams = "OPTREP_PARAMS"

// Kind is how a parameter's value is read.
type Kind string

// The kinds of parameter, named after the function that reads them.
const (
	KindInt    Kind = "Int"
	KindFloat  Kind = "Float"
	KindInts   Kind = "Ints"
	KindFloats Kind = "Floats"
)

// Int returns the integer parameter name, or def when it is not overridden.
func Int(name string, def int) int { return get(name, KindInt, def, ParseInt) }

// Float returns the floating-point parameter name, or def when it is not
// overridden. The value must be finite.
func Float(name string, def float64) float64 { return get(name, KindFloat, def, ParseFloat) }

// Ints returns the comma-separated integer list name, or def when it is not
// overridden.
func Ints(name string, def []int) []int { return get(name, KindInts, def, ParseInts) }

// Floats returns the comma-separated list of finite numbers name, or def
// when it is not overridden.
func Floats(name string, def []float64) []float64 {
	return get(name, KindFloats, def, ParseFloats)
}

func get[T any](name string, kind Kind, def T, parse func(string) (T, error)) T {
	all, err := overrides()
	if err != nil {
		panic(err)
	}
	v, ok := all[name]
	if !ok {
		return def
	}
	x, err := parse(v)
	if err != nil {
		panic(fmt.Sprintf("nbparam: -p %s=%s: %s (read with nbparam.%s): %v", name, v, name, kind, err))
	}
	return x
}

var overrides = sync.OnceValues(func() (map[string]string, error) {
	return Parse(os.Getenv(EnvParams))
})

// Overrides returns the overridden parameters of this run, name=value,
// sorted by name, for a notebook to print what it ran with. It is empty
// when nothing is overridden.
func Overrides() []string {
	all, err := overrides()
	if err != nil {
		panic(err)
	}
	out := make([]string, 0, len(all))
	for n, v := range all {
		out = append(out, n+"="+v)
	}
	sort.Strings(out)
	return out
}

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Parse decodes the value of OPTREP_PARAMS: one name=value per line, blank
// lines ignored. A line without "=", a name that is not an identifier, an
// empty value or a name given twice is an error.
func Parse(s string) (map[string]string, error) {
	out := map[string]string{}
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("nbparam: %s: %q is not name=value", EnvParams, line)
		}
		name = strings.TrimSpace(name)
		if !identifier.MatchString(name) {
			return nil, fmt.Errorf("nbparam: %s: parameter name %q is not an identifier (letters, digits, _)", EnvParams, name)
		}
		if strings.TrimSpace(value) == "" {
			return nil, fmt.Errorf("nbparam: -p %s=: empty value", name)
		}
		if _, dup := out[name]; dup {
			return nil, fmt.Errorf("nbparam: -p %s is given twice", name)
		}
		out[name] = value
	}
	return out, nil
}

// ParseInt reads a decimal integer, spaces around it allowed.
func ParseInt(v string) (int, error) {
	x, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return 0, fmt.Errorf("%q is not an integer", strings.TrimSpace(v))
	}
	return x, nil
}

// ParseFloat reads a finite number ("0.5", "1e-3"), spaces around it allowed.
func ParseFloat(v string) (float64, error) {
	s := strings.TrimSpace(v)
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, fmt.Errorf("%q is not a finite number", s)
	}
	return x, nil
}

// ParseInts reads a comma-separated list of integers ("1, 2, 4").
func ParseInts(v string) ([]int, error) { return parseList(v, ParseInt) }

// ParseFloats reads a comma-separated list of finite numbers ("0.1,0.2").
func ParseFloats(v string) ([]float64, error) { return parseList(v, ParseFloat) }

func parseList[T any](v string, parse func(string) (T, error)) ([]T, error) {
	parts := strings.Split(v, ",")
	out := make([]T, len(parts))
	for i, p := range parts {
		x, err := parse(p)
		if err != nil {
			return nil, fmt.Errorf("item %d of the list: %w", i+1, err)
		}
		out[i] = x
	}
	return out, nil
}

// Check reports whether value is a valid value of a parameter of the kind.
func Check(kind Kind, value string) error {
	var err error
	switch kind {
	case KindInt:
		_, err = ParseInt(value)
	case KindFloat:
		_, err = ParseFloat(value)
	case KindInts:
		_, err = ParseInts(value)
	case KindFloats:
		_, err = ParseFloats(value)
	default:
		err = fmt.Errorf("unknown kind %q", kind)
	}
	return err
}

// call matches a parameter read in Go source, and in a notebook's JSON,
// where the quotes around the name appear as \".
var call = regexp.MustCompile(`\bnbparam\.(Int|Float|Ints|Floats)\(\s*\\?"([A-Za-z_][A-Za-z0-9_]*)\\?"`)

// Scan returns the parameters that src reads, name to kind, found by their
// calls with a literal name (nbparam.Int("d", …)). src may be Go source or
// the raw JSON of a notebook.
func Scan(src string) map[string]Kind {
	out := map[string]Kind{}
	for _, m := range call.FindAllStringSubmatch(src, -1) {
		out[m[2]] = Kind(m[1])
	}
	return out
}
