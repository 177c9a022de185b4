// Package sim simulates the finite-d two-stage model of docs/theory.md §1:
// PCA pretraining on unlabelled spiked-Gaussian data followed by a ridge (or
// minimum-norm least-squares) linear probe on a fresh labelled set.
//
// Each trial draws, from its own random stream,
//
//   - n_u = round(α_u·d) unlabelled inputs x ~ N(0, Σ), Σ = I_d + Σ_i θ_i e_i e_iᵀ
//     (the spike directions are u_i = e_i);
//   - a task β = Σ_i b_i e_i + b_⊥ w, with w a uniformly random unit vector
//     orthogonal to e_1…e_r;
//   - n_l = round(α_l·d) labelled pairs y = βᵀx + σε.
//
// The representation P_k holds the top-k eigenvectors of the uncentred sample
// covariance Ĉ = X_uᵀX_u/n_u. One eigendecomposition per trial serves every k
// of a sweep: the representations for nested k are nested. For every k the
// trial records the training error, the exact generalisation error
// σ² + (β − P_kŵ)ᵀΣ(β − P_kŵ) (computed from the known Σ, with no test set),
// the captured fractions ‖P_kᵀe_i‖² and the realised misspecification
// min_w (β − P_kw)ᵀΣ(β − P_kw).
//
// Numerics: when n_u < d the eigenvectors come from the n_u×n_u Gram matrix
// X_uX_uᵀ, mapped back by v = X_uᵀa/‖X_uᵀa‖. The ridgeless probe uses one
// Householder QR of the features for every k ≤ n_l and an LQ (minimum-norm)
// solve for each k > n_l; the ridge probe uses one Cholesky factorisation of
// ZᵀZ/n_l + λI, or, when λ is so small that this is ill-conditioned, one QR of
// the augmented matrix [Z; sqrt(n_l λ) I]. The dominant cost is the dense
// symmetric eigendecomposition, O(min(d, n_u)³).
//
// Results are reproducible bit for bit: trial t of a run with base seed s
// draws each part of its data (unlabelled inputs, task, labelled inputs,
// label noise) from its own PCG stream seeded with (s, 4t + part), and trials
// are aggregated in index order, whatever the number of workers or
// GOMAXPROCS. Because the parts have separate streams drawn row by row, runs
// with the same seed and different n_u or n_l share their first rows: common
// random numbers, which make differences between nearby sample ratios far
// less noisy than those between independent runs.
//
// The package has randomness but no plotting and no I/O. It uses pkg/theory
// only for the Params type.
package sim
