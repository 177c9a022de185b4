package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/optrep/optrep/pkg/theory"
)

// floatList is a flag holding comma-separated numbers.
type floatList []float64

func (l *floatList) String() string {
	parts := make([]string, len(*l))
	for i, v := range *l {
		parts[i] = strconv.FormatFloat(v, 'g', -1, 64)
	}
	return strings.Join(parts, ",")
}

func (l *floatList) Set(s string) error {
	var out []float64
	for _, part := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(part), 64)
		if err != nil {
			return fmt.Errorf("%q is not a comma-separated list of numbers", s)
		}
		out = append(out, v)
	}
	*l = out
	return nil
}

// modelFlags are the flags shared by every subcommand that takes the model.
type modelFlags struct {
	theta, b                                  floatList
	bPerp, sigma, lambda, alphaU, alphaL, kap float64
	json                                      bool
}

func (m *modelFlags) register(fs *flag.FlagSet, withKappa bool) {
	m.registerTask(fs)
	fs.Float64Var(&m.alphaU, "alpha-u", math.NaN(), "unlabelled samples per dimension")
	fs.Float64Var(&m.alphaL, "alpha-l", math.NaN(), "labelled samples per dimension")
	if withKappa {
		fs.Float64Var(&m.kap, "kappa", math.NaN(), "representation size k/d")
	}
}

// registerTask registers the model flags but the sample ratios and the size,
// for a subcommand that sweeps those itself.
func (m *modelFlags) registerTask(fs *flag.FlagSet) {
	fs.Var(&m.theta, "theta", "spike strengths, comma-separated")
	fs.Var(&m.b, "b", "task alignment per spike, comma-separated")
	fs.Float64Var(&m.bPerp, "b-perp", 0, "task component outside the spikes")
	fs.Float64Var(&m.sigma, "sigma", 0, "label noise")
	fs.Float64Var(&m.lambda, "lambda", 0, "probe ridge")
	fs.BoolVar(&m.json, "json", false, "print JSON")
}

func (m *modelFlags) params() theory.Params {
	return theory.Params{
		Theta: m.theta, B: m.b, BPerp: m.bPerp, Sigma: m.sigma,
		Lambda: m.lambda, AlphaU: m.alphaU, AlphaL: m.alphaL,
	}
}

// usageError is bad input: reported on one line with exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// helpRequest is -h or --help given to a subcommand: its flags are printed
// and the command succeeds.
type helpRequest struct{ fs *flag.FlagSet }

func (h helpRequest) Error() string { return "help requested" }

// usage writes the subcommand's flags, with their defaults, to w.
func (h helpRequest) usage(w io.Writer) {
	fmt.Fprintf(w, "usage: optrep %s [flags]  (docs/cli.md has the details)\n\nflags:\n", h.fs.Name())
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	h.fs.VisitAll(func(f *flag.Flag) {
		def := f.DefValue
		switch def {
		case "NaN", "":
			def = "no default"
		case "false":
			def = "off"
		}
		fmt.Fprintf(tw, "  --%s\t%s\t(%s)\n", f.Name, f.Usage, def)
	})
	tw.Flush()
}

// parseFailed reports an error of parse: help goes to stdout with status 0,
// anything else is a one-line usage error.
func parseFailed(stdout, stderr io.Writer, cmd string, err error) int {
	var h helpRequest
	if errors.As(err, &h) {
		h.usage(stdout)
		return 0
	}
	return report(stderr, cmd, err)
}

// parse parses args into fs and checks that the required flags were given.
func parse(fs *flag.FlagSet, args []string, required ...string) error {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return helpRequest{fs}
		}
		return usageError{cleanFlagError(fs, err)}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, name := range required {
		if !set[name] {
			return usageError{fmt.Sprintf("--%s is required", name)}
		}
	}
	return nil
}

// given reports whether the flag name was set on the command line.
func given(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// cleanFlagError rewrites the flag package's messages with the --name
// spelling used in the documentation.
func cleanFlagError(fs *flag.FlagSet, err error) string {
	msg := err.Error()
	// "parse error" says nothing of what was wanted: say it from the flag's type.
	if before, ok := strings.CutSuffix(msg, ": parse error"); ok {
		if i := strings.LastIndex(before, " -"); i >= 0 {
			if f := fs.Lookup(before[i+2:]); f != nil {
				if g, ok := f.Value.(flag.Getter); ok {
					switch g.Get().(type) {
					case uint, uint64:
						msg = before + ": want a whole number >= 0"
					case int, int64:
						msg = before + ": want a whole number"
					case float64:
						msg = before + ": want a number"
					case bool:
						msg = before + ": want true or false"
					}
				}
			}
		}
	}
	if i := strings.Index(msg, " -"); i >= 0 && strings.HasPrefix(msg, "invalid") {
		msg = msg[:i] + " --" + msg[i+2:]
	}
	return strings.Replace(msg, "flag provided but not defined: -", "unknown flag --", 1)
}

// paramFlag maps the parameter names used in library errors to flag names.
var paramFlag = map[string]string{
	"theta": "--theta", "b": "--b", "b_perp": "--b-perp", "sigma": "--sigma",
	"lambda": "--lambda", "alpha_u": "--alpha-u", "alpha_l": "--alpha-l", "kappa": "--kappa",
	"d": "--d", "seeds": "--seeds", "seed": "--seed", "k": "--kappa",
}

// invalid turns a library validation error into a one-line usage error that
// starts with the flag responsible, when it can be recognised.
func invalid(err error) error {
	msg := err.Error()
	if i := strings.Index(msg, "kappa="); i > 0 {
		msg = msg[i:] // drop a "captured fraction:" style context before kappa
	}
	name := msg
	if i := strings.IndexAny(name, "=[: "); i >= 0 {
		name = name[:i]
	}
	if f, ok := paramFlag[name]; ok {
		return usageError{f + ": " + msg}
	}
	return usageError{msg}
}

// configInvalid names the flags behind an error of a simulation's size: --d
// for d itself, and the sample ratios with it for n_u and n_l.
func configInvalid(err error) error {
	msg := err.Error()
	switch {
	case strings.HasPrefix(msg, "d="):
		return usageError{"--d: " + msg}
	case strings.HasPrefix(msg, "n_u"):
		return usageError{"--d/--alpha-u: " + msg}
	case strings.HasPrefix(msg, "n_l"):
		return usageError{"--d/--alpha-l: " + msg}
	}
	return usageError{"--d/--alpha-u/--alpha-l: " + msg}
}

// report prints a one-line error and returns the exit status for it.
func report(stderr io.Writer, cmd string, err error) int {
	fmt.Fprintf(stderr, "optrep %s: %s\n", cmd, strings.ReplaceAll(err.Error(), "\n", " "))
	var ue usageError
	if errors.As(err, &ue) {
		return exitUsage
	}
	return 1
}

// formatFloat prints a number for the text tables; infinities read "Inf".
func formatFloat(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(v, 'g', 8, 64)
}
