package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/optrep/optrep/pkg/sim"
	"github.com/optrep/optrep/pkg/verify"
)

func TestSplitLine(t *testing.T) {
	for _, tc := range []struct {
		name, text                string
		check, measured, expected string
	}{
		{"verify.Within's line",
			"(a) both abundant k=100/1000 E_gen: sim 0.41234 ± 0.0042 vs theory 0.409 (|diff| 0.0033, tol 0.02)",
			"(a) both abundant k=100/1000 E_gen", "sim 0.41234 ± 0.0042", "theory 0.409 (|diff| 0.0033, tol 0.02)"},
		{"a name that holds a colon ends at the last one before vs",
			"α_u=10 α_l=0.2: theory k* among the near-minimal sizes: k* = 5 (κ* = 0.005) vs indistinguishable set [2 5 10]",
			"α_u=10 α_l=0.2: theory k* among the near-minimal sizes", "k* = 5 (κ* = 0.005)", "indistinguishable set [2 5 10]"},
		{"a hand-printed line with vs",
			"smoke peak height: curve(1)=20 vs 20", "smoke peak height", "curve(1)=20", "20"},
		{"no vs: what follows the first colon is measured",
			"smoke chart: 12 points per series displayed", "smoke chart", "12 points per series displayed", ""},
		{"neither: the whole text is the name",
			"smoke band chart displayed", "smoke band chart displayed", "", ""},
		{"vs without a colon: no measured part",
			"a vs b", "a", "", "b"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, m, e := splitLine(tc.text)
			if c != tc.check || m != tc.measured || e != tc.expected {
				t.Errorf("splitLine(%q) =\n(%q, %q, %q), want\n(%q, %q, %q)", tc.text, c, m, e, tc.check, tc.measured, tc.expected)
			}
		})
	}
}

func TestNumbersFromRecognisedShapes(t *testing.T) {
	f := func(x float64) *float64 { return &x }
	for _, tc := range []struct {
		name, measured, expected string
		value, stderr, want, tol *float64
	}{
		{"verify.Within", "sim 0.41234 ± 0.0042", "theory 0.409 (|diff| 0.0033, tol 0.02)", f(0.41234), f(0.0042), f(0.409), f(0.02)},
		{"exponents", "sim 1.2e-05 ± 3e-07", "theory 1.1e-05 (|diff| 1e-06, tol 2e-06)", f(1.2e-5), f(3e-7), f(1.1e-5), f(2e-6)},
		{"bare numbers", "20", "-3.5", f(20), nil, f(-3.5), nil},
		{"a NaN standard error is left out", "sim 0.5 ± NaN", "theory 0.5 (|diff| 0, tol NaN)", f(0.5), nil, f(0.5), nil},
		{"free text gives no numbers", "k* = 5 (κ* = 0.005)", "indistinguishable set [2 5]", nil, nil, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, s := measuredNumbers(tc.measured)
			w, tol := expectedNumbers(tc.expected)
			for _, p := range []struct {
				what      string
				got, want *float64
			}{{"measured", v, tc.value}, {"stderr", s, tc.stderr}, {"expected", w, tc.want}, {"tolerance", tol, tc.tol}} {
				if (p.got == nil) != (p.want == nil) || (p.got != nil && *p.got != *p.want) {
					t.Errorf("%s = %v, want %v", p.what, deref(p.got), deref(p.want))
				}
			}
		})
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// The records pkg/verify writes are the ones nbcheck reads, and they win
// over guessing where guessing goes wrong (a measured value with ": ").
func TestRecordsFromVerifyAreUsedExactly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "checks.jsonl")
	t.Setenv(verify.EnvChecks, path)
	var out bytes.Buffer
	verify.Report(&out, []verify.Check{
		verify.True("regime a: AE equals PCA", false, "k=3: 0.1 ± 0.02", "|paired difference| ≤ 3 SE"),
		verify.Within("E_gen", sim.Estimate{Mean: 0.41234, StdErr: 0.0042}, 0.409, 3, 0.02),
	})
	recs, err := readRecords(path)
	if err != nil {
		t.Fatal(err)
	}
	var lines []Line
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		verdict, text, _ := strings.Cut(l, " ")
		lines = append(lines, Line{verdict == "PASS", text})
	}
	lines = append(lines, Line{true, "by hand: 1 vs 1"})
	got := summarise(lines, recs)
	if len(got) != 3 {
		t.Fatalf("%d summaries, want 3", len(got))
	}
	if g := got[0]; g.Check != "regime a: AE equals PCA" || g.Measured != "k=3: 0.1 ± 0.02" || g.Status != "FAIL" || g.Split != "recorded" {
		t.Errorf("first check = %+v", g)
	}
	if g := got[1]; g.Check != "E_gen" || g.Split != "recorded" || g.MeasuredValue == nil || *g.MeasuredValue != 0.41234 || g.ExpectedValue == nil || *g.ExpectedValue != 0.409 {
		t.Errorf("second check = %+v", g)
	}
	if g := got[2]; g.Check != "by hand" || g.Split != "guessed" || g.Line != "PASS by hand: 1 vs 1" {
		t.Errorf("third check = %+v", g)
	}
	if _, err := readRecords(filepath.Join(t.TempDir(), "none.jsonl")); err != nil {
		t.Errorf("a missing record file is an error: %v", err)
	}
}

// run builds a notebookRun the way collect does, from check lines and errors.
func run(name string, wall float64, errs []string, lines ...Line) notebookRun {
	r := Result{Errors: errs, Lines: lines}
	for _, l := range lines {
		if l.Pass {
			r.Passed = append(r.Passed, l.Text)
		} else {
			r.Failed = append(r.Failed, l.Text)
		}
	}
	return notebookRun{entry: entry{source: "notebooks/" + name + ".ipynb", wall: wall}, name: name, result: r, checks: summarise(lines, nil)}
}

func TestJUnit(t *testing.T) {
	runs := []notebookRun{
		run("01-good", 12.5, nil, Line{true, "a: sim 1 ± 0.1 vs theory 1 (|diff| 0, tol 0.3)"}, Line{false, "b: 2 vs 1"}),
		run("02-broken", 3, []string{"cell 4: panic: boom (exit status 2)"}, Line{true, "c: ok"}),
		run("03-silent", 1, nil),
	}
	runs[0].browser = &browserPage{Name: "01-good", OK: false, Problems: []string{"chart nbplot-1 is blank"}, Seconds: 2}
	var buf bytes.Buffer
	if err := writeJUnit(&buf, runs, map[string]string{"d": "500"}); err != nil {
		t.Fatal(err)
	}
	var none bytes.Buffer
	if err := writeJUnit(&none, runs, nil); err != nil || strings.Contains(none.String(), "properties") {
		t.Errorf("without overrides: %v, an empty properties element:\n%s", err, none.String())
	}
	var got junitSuites
	if err := xml.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("not XML: %v\n%s", err, buf.String())
	}
	if got.Tests != 7 || got.Failures != 4 || got.Time != "16.500" || len(got.Suites) != 3 {
		t.Errorf("totals: tests %d failures %d time %s suites %d; want 7, 4, 16.500, 3", got.Tests, got.Failures, got.Time, len(got.Suites))
	}
	type tc struct {
		name   string
		failed bool
	}
	want := map[string][]tc{
		"01-good":   {{"notebook executed", false}, {"a", false}, {"b", true}, {"renders in a browser", true}},
		"02-broken": {{"notebook executed", true}, {"c", false}},
		"03-silent": {{"notebook executed", true}},
	}
	for _, s := range got.Suites {
		var cases []tc
		for _, c := range s.Cases {
			cases = append(cases, tc{c.Name, c.Failure != nil})
			if c.Classname != s.Name {
				t.Errorf("%s/%s has classname %q", s.Name, c.Name, c.Classname)
			}
		}
		if !equalCases(cases, want[s.Name]) {
			t.Errorf("suite %s: cases %v, want %v", s.Name, cases, want[s.Name])
		}
		if s.Tests != len(s.Cases) {
			t.Errorf("suite %s: tests=%d for %d cases", s.Name, s.Tests, len(s.Cases))
		}
		if s.Properties == nil || len(s.Properties.List) != 1 || s.Properties.List[0] != (junitProperty{"param.d", "500"}) {
			t.Errorf("suite %s: properties %v", s.Name, s.Properties)
		}
	}
	s0 := got.Suites[0]
	if s0.Time != "12.500" || s0.Cases[0].Time != "12.500" || s0.Failures != 2 {
		t.Errorf("suite 01-good: time %s, executed time %s, failures %d", s0.Time, s0.Cases[0].Time, s0.Failures)
	}
	if f := s0.Cases[2].Failure; f.Message != "2 vs 1" || f.Type != "check" || f.Text != "FAIL b: 2 vs 1" {
		t.Errorf("failure of b: %+v", f)
	}
	if f := got.Suites[1].Cases[0].Failure; f.Type != "cell error" || !strings.Contains(f.Message, "panic: boom") {
		t.Errorf("failure of the broken notebook: %+v", f)
	}
}

func equalCases[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestSummary(t *testing.T) {
	runs := []notebookRun{
		run("01-good", 10, nil, Line{true, "E_gen: sim 0.41 ± 0.004 vs theory 0.409 (|diff| 0.001, tol 0.02)"}),
		run("02-bad", 2.5, nil, Line{false, "b: 2 vs 1"}),
	}
	s := buildSummary(runs, nil, true, time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	var buf bytes.Buffer
	if err := writeJSON(&buf, s); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got["status"] != "FAIL" || got["mode"] != "quick" || got["wall_seconds"] != 12.5 || got["generated"] != "2026-01-02T03:04:05Z" {
		t.Errorf("run fields: %v", got)
	}
	nbs := got["notebooks"].([]any)
	first, second := nbs[0].(map[string]any), nbs[1].(map[string]any)
	if first["name"] != "01-good" || first["status"] != "PASS" || first["wall_seconds"] != 10.0 {
		t.Errorf("first notebook: %v", first)
	}
	c := first["checks"].([]any)[0].(map[string]any)
	if c["check"] != "E_gen" || c["status"] != "PASS" || c["measured"] != "sim 0.41 ± 0.004" || c["measured_value"] != 0.41 ||
		c["expected_value"] != 0.409 || c["tolerance"] != 0.02 || !strings.HasPrefix(c["line"].(string), "PASS E_gen: ") {
		t.Errorf("first check: %v", c)
	}
	if second["status"] != "FAIL" || second["reason"] != "failed checks" {
		t.Errorf("second notebook: %v", second)
	}
	if _, has := got["params"].(map[string]any); !has {
		t.Errorf("params is not an object: %v", got["params"])
	}
}

func TestCheckParams(t *testing.T) {
	dir := t.TempDir()
	nb := func(name, src string) string {
		raw, _ := json.Marshal(map[string]any{"cells": []any{
			map[string]any{"cell_type": "markdown", "source": `nbparam.Int("prose", 1)`},
			map[string]any{"cell_type": "code", "source": []string{src}},
		}})
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, raw, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a := nb("a.ipynb", "var d = nbparam.Int(\"d\", 1000)\nvar ks = nbparam.Floats(\"kappas\", nil)\n")
	b := nb("b.ipynb", "var d = nbparam.Float(\"d\", 10)\n")
	for _, tc := range []struct {
		name, env string
		err       string
	}{
		{"no override is fine", "", ""},
		{"a parameter one notebook reads is fine", "kappas=0.1,0.2", ""},
		{"an unknown name is an error that lists the known ones", "dd=5", `-p dd=5: no notebook of this run reads a parameter "dd" (they read: d, kappas)`},
		{"a name only in prose is unknown", "prose=1", "no notebook of this run reads"},
		{"a value must suit every notebook that reads it", "d=0.5", "-p d=0.5: \"0.5\" is not an integer; a.ipynb reads it with nbparam.Int"},
		{"a malformed list names the item", "kappas=0.1,,2", "item 2 of the list"},
		{"a malformed encoding is an error", "d", "is not name=value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := checkParams(tc.env, []string{a, b})
			if tc.err == "" {
				if err != nil {
					t.Errorf("error %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %v, want one line containing %q", err, tc.err)
			}
		})
	}
}

func TestCollectFoldsInTheBrowserCheck(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.ipynb")
	if err := os.WriteFile(good, cell(`{"output_type":"stream","name":"stdout","text":"PASS fine\n"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	manifest := filepath.Join(dir, "manifest.tsv")
	if err := os.WriteFile(manifest, []byte("notebooks/good.ipynb\t"+good+"\t1.5\t0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, browserJSON string // "" writes no browser.json
		ok                bool
		status            string
	}{
		{"a page the browser passed keeps the notebook ok", `{"pages":[{"name":"good","ok":true,"charts":2,"problems":[]}]}`, true, "ok"},
		{"a page the browser failed fails the notebook", `{"pages":[{"name":"good","ok":false,"problems":["console error: boom"]}]}`, false, "FAIL (browser)"},
		{"no browser.json at all fails every notebook", "", false, "FAIL (browser)"},
		{"a page missing from browser.json fails its notebook", `{"pages":[]}`, false, "FAIL (browser)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "browser.json")
			if tc.browserJSON != "" {
				if err := os.WriteFile(path, []byte(tc.browserJSON), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			runs, err := collect(manifest, path)
			if err != nil {
				t.Fatal(err)
			}
			if runs[0].ok() != tc.ok || runs[0].status() != tc.status {
				t.Errorf("ok=%v status=%q, want %v %q", runs[0].ok(), runs[0].status(), tc.ok, tc.status)
			}
			var out bytes.Buffer
			if ok, err := printReport(&out, runs); err != nil || ok != tc.ok {
				t.Errorf("printReport = %v, %v; want %v", ok, err, tc.ok)
			}
			if !tc.ok && !strings.Contains(out.String(), "  BROWSER ") {
				t.Errorf("the report does not show the browser's problem:\n%s", out.String())
			}
		})
	}
	runs, err := collect(manifest, "")
	if err != nil || runs[0].browser != nil || !runs[0].ok() {
		t.Errorf("without -browser: %v, browser %v", err, runs[0].browser)
	}
}
