package nbplot

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// EnvFigures names the folder where Show saves figures (scripts/run.sh sets
// it to one folder per notebook). Unset or empty, Show only displays.
const EnvFigures = "OPTREP_FIGURES"

// Save writes the chart to dir as name.png (twice the on-screen size in
// pixels), name.svg and name.csv, creating dir if needed. The CSV holds the
// plotted data in full precision, one row per point, with the columns
// series, x, y, err (err empty for a series without Err). Each file is
// written to a temporary file and renamed, so that a reader never sees a
// half-written figure.
func (c *Chart) Save(dir, name string) error {
	return save(c, dir, name, c.csvFiles)
}

// Save writes the heatmap to dir as name.png, name.svg and name.csv (see
// Chart.Save). The CSV has the columns x, y, z, one row per cell, in the
// order of Z's rows. When the heatmap has Lines they go to name.lines.csv,
// with the columns series, x, y.
func (h *HeatmapChart) Save(dir, name string) error {
	return save(h, dir, name, h.csvFiles)
}

// Show displays the chart (see Display) and, when OPTREP_FIGURES names a
// folder, saves it there as name.png, name.svg and name.csv (see Save).
func (c *Chart) Show(name string) error {
	return show(c, name)
}

// Show displays the heatmap and, when OPTREP_FIGURES is set, saves it (see Chart.Show).
func (h *HeatmapChart) Show(name string) error {
	return show(h, name)
}

type saver interface {
	staticFigure
	Save(dir, name string) error
	Display() error
}

func show(f saver, name string) error {
	err := f.Display()
	if dir := os.Getenv(EnvFigures); dir != "" {
		err = errors.Join(err, f.Save(dir, name))
	}
	return err
}

func fmtFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func csvBytes(rows [][]string) ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.WriteAll(rows); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func (c *Chart) csvFiles() (map[string][]byte, error) {
	rows := [][]string{{"series", "x", "y", "err"}}
	for _, s := range c.Series {
		for j := range s.X {
			e := ""
			if s.Err != nil {
				e = fmtFloat(s.Err[j])
			}
			rows = append(rows, []string{s.Name, fmtFloat(s.X[j]), fmtFloat(s.Y[j]), e})
		}
	}
	b, err := csvBytes(rows)
	return map[string][]byte{".csv": b}, err
}

func (h *HeatmapChart) csvFiles() (map[string][]byte, error) {
	rows := [][]string{{"x", "y", "z"}}
	for i, row := range h.Z {
		for j, z := range row {
			rows = append(rows, []string{fmtFloat(h.X[j]), fmtFloat(h.Y[i]), fmtFloat(z)})
		}
	}
	grid, err := csvBytes(rows)
	if err != nil || len(h.Lines) == 0 {
		return map[string][]byte{".csv": grid}, err
	}
	rows = [][]string{{"series", "x", "y"}}
	for _, s := range h.Lines {
		for j := range s.X {
			rows = append(rows, []string{s.Name, fmtFloat(s.X[j]), fmtFloat(s.Y[j])})
		}
	}
	lines, err := csvBytes(rows)
	return map[string][]byte{".csv": grid, ".lines.csv": lines}, err
}

func save(f staticFigure, dir, name string, csvFiles func() (map[string][]byte, error)) error {
	if name == "" || name != filepath.Base(name) || strings.HasPrefix(name, ".") {
		return fmt.Errorf("nbplot: saving %q: name %q must be a plain file name without extension or folder", f.label(), name)
	}
	if err := f.Validate(); err != nil {
		return err
	}
	png, svg, err := renderStatic(f)
	if err != nil {
		return err
	}
	files, err := csvFiles()
	if err != nil {
		return fmt.Errorf("nbplot: saving %q: %w", f.label(), err)
	}
	files[".png"], files[".svg"] = png, svg
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("nbplot: saving %q: %w", f.label(), err)
	}
	for _, ext := range []string{".png", ".svg", ".csv", ".lines.csv"} {
		if b, ok := files[ext]; ok {
			if err := writeAtomic(filepath.Join(dir, name+ext), b); err != nil {
				return fmt.Errorf("nbplot: saving %q: %w", f.label(), err)
			}
		}
	}
	return nil
}

// writeAtomic writes b to a temporary file beside path and renames it to path.
func writeAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	// CreateTemp makes the file private; a figure is for everyone to read.
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
