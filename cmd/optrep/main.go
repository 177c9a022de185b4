// Command optrep evaluates the exact theory and runs the finite-size
// simulation of the PCA-then-linear-probe model from the command line.
//
//	optrep theory --theta 4,1.5 --b 0.6,0.5 --b-perp 0.62 --sigma 0.3 \
//	    --alpha-u 1 --alpha-l 0.8 --kappa 0.2 [--lambda 0.05] [--json]
//	optrep sim    (the same flags) --d 1000 --seeds 10 --seed 1 [--json]
//	optrep optimal (the model flags without --kappa) [--json]
//	optrep exchange (the model flags, --kappa optional: κ* when absent) [--json]
//	optrep ae     (the model flags) --k 5 --encoder tanh --d 100 --seeds 6 [--json]
//	optrep phase  (the model flags without --kappa, --alpha-u, --alpha-l) --n 100 --out phase
//
// Bad input is reported as one line on standard error naming the flag, with
// exit status 2. This package only parses flags and formats output; the
// science lives in pkg/theory and pkg/sim.
package main

import (
	"fmt"
	"io"
	"os"
)

// exitUsage is the status for bad flags or parameters.
const exitUsage = 2

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// subcommands lists the subcommands for the error messages.
const subcommands = "theory, sim, optimal, exchange, phase, ae, mnist"

// run dispatches to a subcommand and returns the process exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "optrep: missing subcommand ("+subcommands+"); try 'optrep help'")
		return exitUsage
	}
	switch args[0] {
	case "theory":
		return runTheory(args[1:], stdout, stderr)
	case "sim":
		return runSim(args[1:], stdout, stderr)
	case "optimal":
		return runOptimal(args[1:], stdout, stderr)
	case "phase":
		return runPhase(args[1:], stdout, stderr)
	case "exchange":
		return runExchange(args[1:], stdout, stderr)
	case "ae":
		return runAE(args[1:], stdout, stderr)
	case "mnist":
		return runMNIST(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "optrep: unknown subcommand %q (want one of %s)\n", args[0], subcommands)
		return exitUsage
	}
}

const usage = `optrep: optimal representation size for PCA pretraining and linear probes

Subcommands:
  theory   exact high-dimensional errors at one representation size κ
  sim      the same model simulated at finite d, mean ± standard error
  optimal  the optimal representation size κ*, its local minima and the compression boundary
  exchange how many unlabelled samples replace one labelled sample (at --kappa, or at κ* without it)
  ae       an autoencoder (linear, tanh, relu) or PCA at one width k: probe E_gen ± SE beside PCA and its theory
  phase    κ* over a log grid of (α_u, α_l), written as PREFIX.csv and PREFIX.json
  mnist    PCA + ridge probe on MNIST at one (n_u, n_l): test MSE and accuracy against k, best k, theory k* (own flags, see docs/cli.md)

Model flags (theory, sim, optimal, exchange, ae, phase):
  --theta 4,1.5       spike strengths θ_1 ≥ θ_2 ≥ … > 0 (required)
  --b 0.6,0.5         task alignment with each spike (required, one per spike)
  --b-perp 0.62       task component outside the spikes (default 0)
  --sigma 0.3         label noise σ ≥ 0 (default 0)
  --lambda 0.05       probe ridge λ ≥ 0; 0 is minimum-norm least squares (default 0)
  --alpha-u 1         unlabelled samples per dimension n_u/d > 0 (required)
  --alpha-l 0.8       labelled samples per dimension n_l/d > 0 (required)
  --kappa 0.2         representation size k/d in [0, min(1, α_u)]; 0 = the spike components only (theory, sim; optional in exchange, ae)
  --json              print one JSON object instead of a table

Simulation flags:
  --d 1000            ambient dimension (default 1000); k = max(1, round(κ·d)), κ = 0 → k = number of spikes
  --seeds 10          independent trials (default 10, at least 2 for a standard error)
  --seed 1            base seed; results are identical for a seed whatever the core count (default 1)
  --quiet             no progress on standard error

Autoencoder flags (with the model flags):
  --k 5 or --kappa 0.05, --encoder linear|tanh|relu|pca, --optimizer adam|gd, --steps, --lr,
  --batch, --tol, --test-size, --workers, --d, --seeds, --seed, --quiet, --json

Phase flags (no --alpha-u, --alpha-l or --kappa):
  --alpha-u-min 0.1 --alpha-u-max 100 --alpha-l-min 0.01 --alpha-l-max 10 --n 100
  --out phase         output prefix (files are replaced only once complete)

'optrep SUBCOMMAND -h' lists one subcommand's flags with their defaults; docs/cli.md describes
them and the JSON of each; docs/theory.md gives the model and the formulas.
`
