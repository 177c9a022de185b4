package mnist

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeIDX writes a gzipped IDX file with the given magic, dimensions and body.
func writeIDX(t *testing.T, path string, magic uint32, dims []uint32, body []byte) {
	t.Helper()
	var raw bytes.Buffer
	binary.Write(&raw, binary.BigEndian, magic)
	binary.Write(&raw, binary.BigEndian, dims)
	raw.Write(body)
	var gz bytes.Buffer
	z := gzip.NewWriter(&gz)
	z.Write(raw.Bytes())
	z.Close()
	if err := os.WriteFile(path, gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// tinyImages returns n images whose pixel j of image i is (i + j) mod 256.
func tinyImages(n int) []byte {
	pix := make([]byte, n*Pixels)
	for i := range n {
		for j := range Pixels {
			pix[i*Pixels+j] = byte(i + j)
		}
	}
	return pix
}

// writeTinySet writes a complete data folder of n training and n test images.
func writeTinySet(t *testing.T, dir string, n int) {
	t.Helper()
	labels := make([]byte, n)
	for i := range labels {
		labels[i] = byte(i % Classes)
	}
	for _, pair := range [][2]string{{TrainImages, TrainLabels}, {TestImages, TestLabels}} {
		writeIDX(t, filepath.Join(dir, pair[0]), magicImages, []uint32{uint32(n), Side, Side}, tinyImages(n))
		writeIDX(t, filepath.Join(dir, pair[1]), magicLabels, []uint32{uint32(n)}, labels)
	}
}

func TestReadSetParsesSyntheticIDX(t *testing.T) {
	dir := t.TempDir()
	writeTinySet(t, dir, 3)
	s, err := ReadSet(filepath.Join(dir, TrainImages), filepath.Join(dir, TrainLabels), 3)
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 3 || len(s.Pix) != 3*Pixels {
		t.Fatalf("got %d images, %d pixels; want 3 and %d", s.Len(), len(s.Pix), 3*Pixels)
	}
	row := make([]float64, Pixels)
	s.Row(2, row)
	// Pixel j of image 2 is (2 + j) mod 256, scaled by 1/255 exactly.
	for _, j := range []int{0, 253, 254, 300} {
		want := float64(byte(2+j)) / 255
		if row[j] != want {
			t.Errorf("image 2 pixel %d = %g, want %g", j, row[j], want)
		}
	}
	if row[253] != 1 {
		t.Errorf("pixel value 255 scales to %g, want 1", row[253])
	}
	if got := s.Labels; got[0] != 0 || got[1] != 1 || got[2] != 2 {
		t.Errorf("labels %v, want [0 1 2]", got)
	}
}

func TestReadSetRejectsBadFiles(t *testing.T) {
	good := tinyImages(2)
	tests := []struct {
		name   string
		magic  uint32
		dims   []uint32
		body   []byte
		labels []byte
		count  int // expected image count, 0 for any
		want   string
	}{
		{"a wrong magic number is refused", magicLabels, []uint32{2, Side, Side}, good, []byte{1, 2}, 0, "magic number"},
		{"images of the wrong shape are refused", magicImages, []uint32{2, Side - 1, Side}, good, []byte{1, 2}, 0, "27×28"},
		{"a truncated file is refused", magicImages, []uint32{3, Side, Side}, good, []byte{1, 2, 3}, 0, "shorter than its header"},
		{"trailing bytes are refused", magicImages, []uint32{1, Side, Side}, good, []byte{1}, 0, "data after"},
		{"a label count that differs is refused", magicImages, []uint32{2, Side, Side}, good, []byte{1, 2, 3}, 0, "3 labels"},
		{"a label above 9 is refused", magicImages, []uint32{2, Side, Side}, good, []byte{1, 12}, 0, "not a digit"},
		{"a size other than the expected one is refused", magicImages, []uint32{2, Side, Side}, good, []byte{1, 2}, 5, "want 5"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			img, lab := filepath.Join(dir, "img.gz"), filepath.Join(dir, "lab.gz")
			writeIDX(t, img, tc.magic, tc.dims, tc.body)
			writeIDX(t, lab, magicLabels, []uint32{uint32(len(tc.labels))}, tc.labels)
			_, err := ReadSet(img, lab, tc.count)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestDirAndLoadErrorsAreClear(t *testing.T) {
	t.Run("an override folder without the files names the variable and the file", func(t *testing.T) {
		t.Setenv(EnvDir, t.TempDir())
		_, err := Dir()
		if err == nil || !strings.Contains(err.Error(), EnvDir) || !strings.Contains(err.Error(), "missing "+TrainImages) {
			t.Fatalf("error %v, want one naming %s and the missing file", err, EnvDir)
		}
	})
	t.Run("an override folder with the files is used", func(t *testing.T) {
		dir := t.TempDir()
		writeTinySet(t, dir, 4)
		t.Setenv(EnvDir, dir)
		got, err := Dir()
		if err != nil || got != dir {
			t.Fatalf("Dir() = %q, %v; want %q", got, err, dir)
		}
		// The files parse but have 4 images, not 60000: Load says so.
		if _, _, err := Load(got); err == nil || !strings.Contains(err.Error(), "want 60000") {
			t.Fatalf("Load error %v, want a size mismatch", err)
		}
	})
	t.Run("a missing folder is an error naming the file", func(t *testing.T) {
		_, _, err := Load(filepath.Join(t.TempDir(), "nowhere"))
		if err == nil || !strings.Contains(err.Error(), TrainImages) {
			t.Fatalf("error %v, want one naming %s", err, TrainImages)
		}
	})
}

// loadReal loads the real MNIST from the pinned module, once per test binary.
var realTrain, realTest *Set

func loadReal(t *testing.T) (*Set, *Set) {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: skipping the real MNIST data")
	}
	if realTrain == nil {
		var err error
		realTrain, realTest, err = LoadDefault()
		if err != nil {
			t.Fatal(err)
		}
	}
	return realTrain, realTest
}

func TestLoadRealMNIST(t *testing.T) {
	train, test := loadReal(t)
	if train.Len() != TrainSize || test.Len() != TestSize {
		t.Fatalf("sizes %d, %d; want %d, %d", train.Len(), test.Len(), TrainSize, TestSize)
	}
	for _, s := range []*Set{train, test} {
		if len(s.Pix) != s.Len()*Pixels {
			t.Fatalf("%d pixels for %d images", len(s.Pix), s.Len())
		}
		var count [Classes]int
		for _, l := range s.Labels {
			count[l]++
		}
		// Every digit makes up 9–11.5% of MNIST (its published class counts).
		for c, n := range count {
			if f := float64(n) / float64(s.Len()); f < 0.085 || f > 0.12 {
				t.Errorf("digit %d is %.3f of the set", c, f)
			}
		}
	}
	// The published mean pixel intensity of the training set is 0.1307
	// (scaled to [0, 1]); four digits tell a mis-scaled or mis-read file.
	sum, maxv := 0.0, uint8(0)
	for _, p := range train.Pix {
		sum += float64(p)
		maxv = max(maxv, p)
	}
	if mean := sum / 255 / float64(len(train.Pix)); mean < 0.1306 || mean > 0.1308 || maxv != 255 {
		t.Errorf("mean intensity %.5f (max %d), want 0.1307 (255)", mean, maxv)
	}
}
