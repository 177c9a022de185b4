package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/optrep/optrep/pkg/mnist"
)

// intList is a flag holding comma-separated integers.
type intList []int

func (l *intList) String() string {
	parts := make([]string, len(*l))
	for i, v := range *l {
		parts[i] = strconv.Itoa(v)
	}
	return strings.Join(parts, ",")
}

func (l *intList) Set(s string) error {
	var out []int
	for _, part := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil {
			return fmt.Errorf("%q is not a comma-separated list of integers", s)
		}
		out = append(out, v)
	}
	*l = out
	return nil
}

// mnistPointJSON is one representation size of `optrep mnist --json`.
type mnistPointJSON struct {
	K            int          `json:"k"`
	TestMSE      estimateJSON `json:"test_mse"`
	TestAccuracy estimateJSON `json:"test_accuracy"`
}

// mnistJSON is the documented output of `optrep mnist --json`.
type mnistJSON struct {
	NU          int              `json:"n_u"`
	NL          int              `json:"n_l"`
	Draws       int              `json:"draws"`
	Seed        uint64           `json:"seed"`
	RidgeRel    float64          `json:"lambda_relative"`
	Ridge       float64          `json:"lambda"`
	Points      []mnistPointJSON `json:"points"`
	BestK       int              `json:"best_k"`
	PlausibleK  []int            `json:"plausible_k"`
	Outliers    *float64         `json:"outliers,omitempty"`
	PredictedK  *estimateJSON    `json:"predicted_k,omitempty"`
	PredictedKF *estimateJSON    `json:"predicted_k_finite,omitempty"`
}

// mnistFlag maps the leading parameter of mnist.Config errors to flags.
var mnistFlag = map[string]string{
	"n_u": "--n-u", "n_l": "--n-l", "k": "--k", "lambda": "--lambda", "draws": "--draws",
}

func runMNIST(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("mnist", flag.ContinueOnError)
	nu := fs.Int("n-u", 1000, "unlabelled training images for PCA")
	nl := fs.Int("n-l", 500, "labelled training images for the probe (disjoint from the unlabelled ones)")
	ks := intList{1, 2, 5, 10, 20, 50, 100, 200, 500, 784}
	fs.Var(&ks, "k", "representation sizes, increasing")
	ridge := fs.Float64("lambda", 1e-3, "probe ridge relative to the mean pixel variance")
	draws := fs.Int("draws", 5, "random draws of the subsets")
	seed := fs.Uint64("seed", 1, "base seed")
	predict := fs.Bool("predict", true, "fit the spiked model and predict k* from the theory")
	jsonOut := fs.Bool("json", false, "print JSON")
	quiet := fs.Bool("quiet", false, "no progress on standard error")
	if err := parse(fs, args); err != nil {
		return parseFailed(stdout, stderr, "mnist", err)
	}
	cfg := mnist.Config{NU: []int{*nu}, NL: []int{*nl}, K: ks, Ridge: *ridge, Draws: *draws, Seed: *seed, Predict: *predict}
	if err := cfg.Validate(mnist.TrainSize); err != nil {
		return report(stderr, "mnist", mnistInvalid(err))
	}
	// Sizes above the rank are left out; with none left there is nothing to fit.
	if ks[0] > mnist.Rank(*nu) {
		return report(stderr, "mnist", usageError{fmt.Sprintf("--k: every size exceeds the rank min(784, n_u − 1) = %d of %d unlabelled images", mnist.Rank(*nu), *nu)})
	}
	train, test, err := mnist.LoadDefault()
	if err != nil {
		return report(stderr, "mnist", err)
	}
	if !*quiet {
		start := time.Now()
		cfg.Progress = func(done, total int) {
			fmt.Fprintf(stderr, "mnist: draw %d/%d done (%.1f s)\n", done, total, time.Since(start).Seconds())
		}
	}
	res, err := mnist.Run(context.Background(), train, test, cfg)
	if err != nil {
		return report(stderr, "mnist", err)
	}
	best := res.BestK(0, 0, 2)
	lambda := 0.0
	for _, l := range res.Lambda[0] {
		lambda += l / float64(len(res.Lambda[0]))
	}
	out := mnistJSON{NU: *nu, NL: *nl, Draws: *draws, Seed: *seed, RidgeRel: *ridge, Ridge: lambda,
		BestK: best.K, PlausibleK: best.Plausible}
	for ik, k := range ks {
		if k > mnist.Rank(*nu) {
			continue
		}
		out.Points = append(out.Points, mnistPointJSON{K: k, TestMSE: estimate(res.MSEAt(0, 0, ik)), TestAccuracy: estimate(res.AccAt(0, 0, ik))})
	}
	var predErr string
	if *predict {
		r := 0.0
		for _, f := range res.Fit[0] {
			r += float64(f.Outliers()) / float64(len(res.Fit[0]))
		}
		out.Outliers = &r
		if e, _, failed := res.PredictedK(0, 0, false); failed < *draws {
			j := estimate(e)
			out.PredictedK = &j
		} else {
			predErr = res.PredErr[0][0][0]
		}
		if e, _, failed := res.PredictedK(0, 0, true); failed < *draws {
			j := estimate(e)
			out.PredictedKF = &j
		}
	}
	if *jsonOut {
		return writeJSON(stdout, stderr, out)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "n_u, n_l\t%d, %d (λ = %s·tr(Ĉ)/d = %s)\n", *nu, *nl, formatFloat(*ridge), formatFloat(lambda))
	fmt.Fprintf(tw, "k\ttest MSE\ttest accuracy\n")
	for _, p := range out.Points {
		fmt.Fprintf(tw, "%d\t%s ± %s\t%s ± %s\n", p.K, formatEst(p.TestMSE), formatStd(p.TestMSE), formatEst(p.TestAccuracy), formatStd(p.TestAccuracy))
	}
	fmt.Fprintf(tw, "best k\t%d (indistinguishable within 2 s.e.: %v)\n", best.K, best.Plausible)
	if out.PredictedK != nil {
		fmt.Fprintf(tw, "theory k* (OptimalKappa)\t%s ± %s (spiked fit: %s outliers)\n", formatEst(*out.PredictedK), formatStd(*out.PredictedK), formatFloat(*out.Outliers))
	} else if *predict {
		fmt.Fprintf(tw, "theory k*\tnone: %s\n", predErr)
	}
	if out.PredictedKF != nil {
		fmt.Fprintf(tw, "theory k* (finite size)\t%s ± %s\n", formatEst(*out.PredictedKF), formatStd(*out.PredictedKF))
	}
	fmt.Fprintf(tw, "(mean ± standard error over %d draws)\n", *draws)
	tw.Flush()
	return 0
}

func formatEst(e estimateJSON) string { return formatFloat(e.Mean) }

func formatStd(e estimateJSON) string {
	if e.StdErr == nil {
		return formatFloat(math.NaN())
	}
	return formatFloat(*e.StdErr)
}

// mnistInvalid turns a mnist.Config error into a usage error naming the flag.
func mnistInvalid(err error) error {
	msg := err.Error()
	name := msg
	if i := strings.IndexAny(name, "= "); i >= 0 {
		name = name[:i]
	}
	if f, ok := mnistFlag[name]; ok {
		if strings.Contains(msg, "exceeds") {
			f = "--n-u/--n-l"
		}
		return usageError{f + ": " + msg}
	}
	return usageError{msg}
}
