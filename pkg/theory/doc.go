// Package theory computes the exact high-dimensional limits of the
// "pretrain with PCA, then fit a linear probe" model: the Marchenko–Pastur
// law of the unlabelled sample covariance, how much of each spike the top-k
// principal components capture, and the training and generalisation error
// of a ridge or minimum-norm probe on that representation.
//
// Every function implements one formula of docs/theory.md (the section is
// named in its comment). The package is deterministic and does no I/O;
// pkg/sim simulates the same model at finite size and is the ground truth
// these limits are tested against.
package theory
