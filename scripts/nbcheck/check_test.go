package main

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseFixture(t *testing.T) {
	r, err := ParseFile(filepath.Join("testdata", "executed.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	want := Result{
		Passed: []string{"gen error κ=0.20 α_u=4 α_l=4: sim 0.412±0.004 vs theory 0.409", "second in a string"},
		Failed: []string{"peak position: sim 1.3 vs theory 1.0"},
		Errors: []string{
			`cell 4: ERROR: failed to run "go build": exit status 1`,
			"cell 5: panic: boom (exit status 2)",
		},
		Lines: []Line{
			{true, "gen error κ=0.20 α_u=4 α_l=4: sim 0.412±0.004 vs theory 0.409"},
			{false, "peak position: sim 1.3 vs theory 1.0"},
			{true, "second in a string"},
		},
	}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("Parse(fixture) =\n%#v\nwant\n%#v", r, want)
	}
}

// cell builds a one-cell executed notebook with the given outputs (JSON).
func cell(outputs string) []byte {
	return []byte(`{"cells":[{"cell_type":"code","source":[],"outputs":[` + outputs + `]}],"nbformat":4}`)
}

func TestStatus(t *testing.T) {
	for _, tc := range []struct {
		name   string
		nb     []byte
		ok     bool
		status string
	}{
		{"a notebook whose checks all pass is ok",
			cell(`{"output_type":"stream","name":"stdout","text":"PASS a\nPASS b\n"}`), true, "ok"},
		{"one failed check fails the notebook",
			cell(`{"output_type":"stream","name":"stdout","text":"PASS a\nFAIL b\n"}`), false, "FAIL"},
		{"a notebook with no check fails",
			cell(`{"output_type":"stream","name":"stdout","text":"hello\n"}`), false, "FAIL (no checks)"},
		{"a cell error fails the notebook even when checks pass",
			cell(`{"output_type":"stream","name":"stdout","text":"PASS a\n"},{"output_type":"error","ename":"E","evalue":"v","traceback":[]}`), false, "FAIL (cell error)"},
		{"a program that exits non-zero is a cell error",
			cell(`{"output_type":"stream","name":"stdout","text":"PASS a\n"},{"output_type":"stream","name":"stderr","text":["exit status 3\n"]}`), false, "FAIL (cell error)"},
		{"windows line ends are trimmed",
			cell(`{"output_type":"stream","name":"stdout","text":"PASS a\r\n"}`), true, "ok"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Parse(tc.nb)
			if err != nil {
				t.Fatal(err)
			}
			if r.OK() != tc.ok || r.Status() != tc.status {
				t.Errorf("OK()=%v Status()=%q, want %v %q (result %#v)", r.OK(), r.Status(), tc.ok, tc.status, r)
			}
		})
	}
}

func TestParseRejectsGarbage(t *testing.T) {
	if _, err := Parse([]byte("not json")); err == nil {
		t.Error("Parse accepted a file that is not JSON")
	}
}

func TestReport(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.ipynb")
	if err := os.WriteFile(good, cell(`{"output_type":"stream","name":"stdout","text":"PASS fine\n"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}

	t.Run("all good exits ok and prints the closing line", func(t *testing.T) {
		m := write("ok.tsv", "notebooks/good.ipynb\t"+good+"\t4.2\t0\n")
		var out bytes.Buffer
		ok, err := report(&out, m)
		if err != nil || !ok {
			t.Fatalf("report = %v, %v; output:\n%s", ok, err, out.String())
		}
		for _, want := range []string{"PASS fine", "good.ipynb", "4.2 s", "checks: 1 passed, 0 failed\n"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("output lacks %q:\n%s", want, out.String())
			}
		}
	})
	t.Run("a notebook that nbconvert did not write fails the run", func(t *testing.T) {
		m := write("missing.tsv", "notebooks/good.ipynb\t"+good+"\t4.2\t0\nnotebooks/dead.ipynb\t"+filepath.Join(dir, "dead.ipynb")+"\t1\t1\n")
		var out bytes.Buffer
		ok, err := report(&out, m)
		if err != nil || ok {
			t.Fatalf("report = %v, %v; want a failed run", ok, err)
		}
		if !strings.Contains(out.String(), "nbconvert exit 1") {
			t.Errorf("output does not explain the missing notebook:\n%s", out.String())
		}
	})
	t.Run("a malformed manifest is an error", func(t *testing.T) {
		m := write("bad.tsv", "only\ttwo\n")
		if _, err := report(&bytes.Buffer{}, m); err == nil {
			t.Error("report accepted a malformed manifest")
		}
	})
}
