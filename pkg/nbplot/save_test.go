package nbplot

import (
	"bytes"
	"encoding/csv"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}

// parse reads a CSV number back; NaN round-trips as "NaN".
func parse(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("CSV field %q: %v", s, err)
	}
	return v
}

func same(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }

func TestSave(t *testing.T) {
	for _, tc := range []struct {
		name   string
		fig    interface{ Save(dir, name string) error }
		w, h   int // on-screen size
		check  func(t *testing.T, rows [][]string)
		extras []string
	}{
		{"a chart writes its series as series,x,y,err", sample(), 900, 460, func(t *testing.T, rows [][]string) {
			c := sample()
			if strings.Join(rows[0], ",") != "series,x,y,err" {
				t.Fatalf("header %v", rows[0])
			}
			k := 1
			for _, s := range c.Series {
				for j := range s.X {
					r := rows[k]
					k++
					if r[0] != s.Name || parse(t, r[1]) != s.X[j] || parse(t, r[2]) != s.Y[j] {
						t.Errorf("row %d = %v, want %s %g %g", k-1, r, s.Name, s.X[j], s.Y[j])
					}
					if (s.Err == nil) != (r[3] == "") || s.Err != nil && parse(t, r[3]) != s.Err[j] {
						t.Errorf("row %d: err %q, want %v", k-1, r[3], s.Err)
					}
				}
			}
			if k != len(rows) {
				t.Errorf("%d rows, want %d", len(rows), k)
			}
		}, nil},
		{"a heatmap writes its cells as x,y,z and its lines beside them", heatSample(), 760, 560, func(t *testing.T, rows [][]string) {
			h := heatSample()
			if strings.Join(rows[0], ",") != "x,y,z" || len(rows) != 1+len(h.X)*len(h.Y) {
				t.Fatalf("header %v, %d rows", rows[0], len(rows))
			}
			for k, r := range rows[1:] {
				i, j := k/len(h.X), k%len(h.X)
				if parse(t, r[0]) != h.X[j] || parse(t, r[1]) != h.Y[i] || !same(parse(t, r[2]), h.Z[i][j]) {
					t.Errorf("row %d = %v, want %g %g %g", k+1, r, h.X[j], h.Y[i], h.Z[i][j])
				}
			}
		}, []string{"fig.lines.csv"}},
		{"a chart of another size and log axes", func() *Chart {
			c := sample().WithLogX().WithLogY()
			c.Width, c.Height = 300, 200
			return c
		}(), 300, 200, func(t *testing.T, rows [][]string) {}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "new", "folder")
			if err := tc.fig.Save(dir, "fig"); err != nil {
				t.Fatalf("Save: %v", err)
			}
			raw, err := os.ReadFile(filepath.Join(dir, "fig.png"))
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(raw))
			if err != nil {
				t.Fatalf("fig.png: %v", err)
			}
			// The PNG is drawn at 192 DPI: twice the on-screen pixels.
			if b := img.Bounds(); b.Dx() != 2*tc.w || b.Dy() != 2*tc.h {
				t.Errorf("fig.png is %dx%d, want %dx%d", b.Dx(), b.Dy(), 2*tc.w, 2*tc.h)
			}
			svg, err := os.ReadFile(filepath.Join(dir, "fig.svg"))
			if err != nil || !bytes.Contains(svg, []byte("<svg")) {
				t.Errorf("fig.svg is not an SVG (err %v)", err)
			}
			tc.check(t, readCSV(t, filepath.Join(dir, "fig.csv")))
			for _, e := range tc.extras {
				if _, err := os.Stat(filepath.Join(dir, e)); err != nil {
					t.Error(err)
				}
			}
			left, _ := filepath.Glob(filepath.Join(dir, ".*tmp*"))
			if len(left) > 0 {
				t.Errorf("temporary files left behind: %v", left)
			}
		})
	}
}

func TestSaveErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		fig       interface{ Save(dir, name string) error }
		dir, file string
		want      string
	}{
		// Under a regular file, so that it fails even for root.
		{"a folder that cannot be made is an error", sample(), filepath.Join(file, "sub"), "fig", "not a directory"},
		{"a name with a folder is refused", sample(), t.TempDir(), "sub/fig", "plain file name"},
		{"an empty name is refused", sample(), t.TempDir(), "", "plain file name"},
		{"an invalid chart is refused", LineChart("t", "x", "y"), t.TempDir(), "fig", "no series"},
		{"a ragged heatmap is refused", Heatmap("t", "x", "y", "z", []float64{1, 2}, []float64{1}, [][]float64{{1}}), t.TempDir(), "fig", "len(Z[0])=1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.fig.Save(tc.dir, tc.file)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Save() = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestShow(t *testing.T) {
	t.Run("saves into OPTREP_FIGURES when it is set", func(t *testing.T) {
		dir := t.TempDir()
		t.Setenv(EnvFigures, dir)
		if err := heatSample().Show("phase"); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{"phase.png", "phase.svg", "phase.csv"} {
			if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
				t.Error(err)
			}
		}
	})
	t.Run("only displays when OPTREP_FIGURES is unset", func(t *testing.T) {
		t.Setenv(EnvFigures, "")
		t.Chdir(t.TempDir())
		if err := sample().Show("fig"); err != nil {
			t.Fatal(err)
		}
		if left, _ := filepath.Glob("*"); len(left) > 0 {
			t.Errorf("Show wrote %v", left)
		}
	})
	t.Run("reports a failed save", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "a-file")
		if err := os.WriteFile(file, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Setenv(EnvFigures, file)
		if err := sample().Show("fig"); err == nil {
			t.Error("Show into a regular file succeeded")
		}
	})
}
