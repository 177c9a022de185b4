// Package ae pretrains autoencoders on the unlabelled data of the spiked model
// (docs/theory.md §1) and probes their codes with the same linear probe as
// PCA, to test whether learned representations show the optimal-size
// phenomenology of docs/theory.md §4.
//
// Two kinds of encoder are trained by hand-written backpropagation, each with
// a linear decoder and no biases (the data are centred by construction):
//
//   - linear: x̂ = D E x, with E ∈ R^{k×d} and D ∈ R^{d×k};
//   - nonlinear: x̂ = D f(E x) with f = tanh or ReLU, elementwise.
//
// Train minimises the mean squared reconstruction error
// L = (1/n) Σ_a ‖x_a − x̂_a‖² (plus an optional weight decay) with Adam or
// plain gradient descent, full batch or mini-batch, from a seeded Gaussian
// initialisation, until the loss stalls (Config.Tol) or Config.Steps; it
// returns the loss history and reports progress through a callback. The
// global minimisers of the linear autoencoder's loss have the top-k principal
// subspace of Ĉ = X_uᵀX_u/n_u as the encoder's row space; PrincipalAngles
// measures how close a trained encoder comes.
//
// When there are fewer samples than dimensions (n < d) the weights are kept
// in the span of the samples (Config.FullSpace explains why): otherwise
// Adam's per-coordinate step sizes rotate updates out of that span, and the
// encoder picks up random directions the loss cannot see.
//
// Features for the probe are the encoder outputs z = f(E x) (z = E x for the
// linear encoder, whose representation is P = Eᵀ). The probe is ridge
// regression or minimum-norm least squares, as for PCA. The generalisation
// error of a linear representation is exact, σ² + (β − Pŵ)ᵀΣ(β − Pŵ); that of
// a nonlinear encoder is estimated on fresh test inputs (TestGenError).
// Experiment and Run sweep the width for several methods on the same draws;
// Curve.BestK and Curve.Records summarise and export the result.
//
// Why a package of its own: pkg/sim is the exact finite-d counterpart of the
// PCA theory, one eigendecomposition per trial with bit-for-bit guarantees.
// An autoencoder adds an iterative optimiser with its own hyperparameters,
// convergence criteria and cost, and a nonlinear encoder whose error needs a
// test set. Keeping that here leaves pkg/sim small and exact, and the
// dependencies point one way: ae uses theory's Params and sim's Estimate and
// Record types, never the reverse.
//
// Generate draws from the same PCG streams in the same order as pkg/sim's
// trial t, so a PCA probe run through this package sees exactly pkg/sim's
// data; a test checks that both give the same E_gen. Everything is
// deterministic given the seeds, whatever the number of workers.
package ae
