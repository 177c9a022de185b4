package main

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

var example = []string{"--theta", "4,1.5", "--b", "0.6,0.5", "--b-perp", "0.62", "--sigma", "0.3", "--alpha-u", "1", "--alpha-l", "0.8"}

func runArgs(args ...string) (stdout, stderr string, code int) {
	var o, e bytes.Buffer
	code = run(args, &o, &e)
	return o.String(), e.String(), code
}

func TestTheoryJSONHasTheDocumentedFields(t *testing.T) {
	out, errOut, code := runArgs(append(append([]string{"theory"}, example...), "--kappa", "0.2", "--lambda", "0.05", "--json")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	for _, k := range []string{"captured", "misspecification", "tau", "train_error", "gen_error"} {
		if _, ok := got[k]; !ok {
			t.Errorf("missing field %q in %s", k, out)
		}
	}
	if c, _ := got["captured"].([]any); len(c) != 2 {
		t.Errorf("captured should have one entry per spike: %s", out)
	}
	if g, _ := got["gen_error"].(float64); !(g > 0) {
		t.Errorf("gen_error should be a positive number: %s", out)
	}
}

func TestTheoryDivergenceIsNullInJSONAndInfInText(t *testing.T) {
	args := append(append([]string{"theory"}, example...), "--kappa", "0.8")
	out, _, code := runArgs(append(args, "--json")...)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(out, `"gen_error":null`) || !strings.Contains(out, `"diverges":true`) || strings.Contains(out, "NaN") {
		t.Errorf("want gen_error null and diverges true, got %s", out)
	}
	text, _, _ := runArgs(args...)
	if !strings.Contains(text, "gen error") || !strings.Contains(text, "Inf") || strings.Contains(text, "NaN") {
		t.Errorf("want Inf in the table, got\n%s", text)
	}
}

func TestBadInputIsOneLineWithStatusTwo(t *testing.T) {
	base := []string{"--theta", "4,1.5", "--b", "0.6,0.5", "--alpha-u", "1", "--alpha-l", "0.8", "--kappa", "0.2"}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"negative alpha_u", []string{"--alpha-u", "-1"}, "--alpha-u"},
		{"malformed number", []string{"--sigma", "abc"}, "--sigma"},
		{"malformed list", []string{"--theta", "4,,1"}, "--theta"},
		{"kappa beyond alpha_u", []string{"--alpha-u", "0.5", "--kappa", "0.7"}, "--kappa: kappa=0.7: exceeds min(1, alpha_u)=0.5"},
		{"NaN noise", []string{"--sigma", "NaN"}, "--sigma"},
		{"negative ridge", []string{"--lambda", "-0.1"}, "--lambda"},
		{"alignment of the wrong length", []string{"--b", "1"}, "--b"},
		{"unknown flag", []string{"--bogus", "1"}, "--bogus"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, errOut, code := runArgs(append(append([]string{"theory"}, base...), c.args...)...)
			if code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, c.want) {
				t.Errorf("want one line containing %q, got %q", c.want, errOut)
			}
		})
	}
	t.Run("a missing required flag", func(t *testing.T) {
		_, errOut, code := runArgs("theory", "--theta", "4")
		if code != 2 || !strings.Contains(errOut, "required") {
			t.Errorf("exit %d, %q", code, errOut)
		}
	})
	t.Run("an unknown subcommand", func(t *testing.T) {
		if _, _, code := runArgs("frobnicate"); code != 2 {
			t.Errorf("exit %d, want 2", code)
		}
	})
}

func TestOptimalJSONHasTheDocumentedFields(t *testing.T) {
	out, errOut, code := runArgs(append(append([]string{"optimal"}, example...), "--json")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	for _, k := range []string{"kappa_star", "gen_error_star", "maximally_compressed", "alpha_l_boundary", "local_minima"} {
		if _, ok := got[k]; !ok {
			t.Errorf("missing field %q in %s", k, out)
		}
	}
	if _, _, code := runArgs(append(append([]string{"optimal"}, example...), "--kappa", "0.1")...); code != 2 {
		t.Errorf("optimal accepted --kappa (exit %d)", code)
	}
}

func TestPhaseWritesCSVAndJSON(t *testing.T) {
	prefix := t.TempDir() + "/ph"
	_, errOut, code := runArgs("phase", "--theta", "4", "--b", "1", "--sigma", "0.3", "--n", "3", "--quiet", "--out", prefix)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var js map[string]any
	b, err := readFile(prefix + ".json")
	if err != nil || json.Unmarshal(b, &js) != nil {
		t.Fatalf("phase JSON unreadable: %v", err)
	}
	if k, _ := js["kappa_star"].([]any); len(k) != 3 {
		t.Errorf("want a 3×3 grid, got %v", js["kappa_star"])
	}
	csvBytes, err := readFile(prefix + ".csv")
	if err != nil || strings.Count(string(csvBytes), "\n") != 10 {
		t.Errorf("want a header and 9 rows, got %q (%v)", csvBytes, err)
	}
	if _, _, code := runArgs("phase", "--theta", "4", "--b", "1", "--n", "0", "--out", prefix); code != 2 {
		t.Errorf("--n 0 gave exit %d, want 2", code)
	}
}

func readFile(path string) ([]byte, error) { return os.ReadFile(path) }

func TestExchangeJSONHasTheDocumentedFields(t *testing.T) {
	for _, extra := range [][]string{{"--json"}, {"--json", "--kappa", "0.2"}} {
		out, errOut, code := runArgs(append(append([]string{"exchange"}, example...), extra...)...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var got map[string]any
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, out)
		}
		for _, k := range []string{"rate", "dE_dalpha_l", "dE_dalpha_u", "kappa", "optimised"} {
			if _, ok := got[k]; !ok {
				t.Errorf("missing field %q in %s", k, out)
			}
		}
		if opt := got["optimised"].(bool); opt != (len(extra) == 1) {
			t.Errorf("optimised=%v with flags %v", opt, extra)
		}
	}
}

func TestSimJSONHasTheDocumentedFields(t *testing.T) {
	args := append(append([]string{"sim"}, example...), "--kappa", "0.1", "--d", "120", "--seeds", "3", "--json", "--quiet")
	out, errOut, code := runArgs(args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got struct {
		K          int
		TrainError *struct{ Mean, StdErr *float64 } `json:"train_error"`
		GenError   *struct{ Mean, StdErr *float64 } `json:"gen_error"`
		Captured   []struct{ Mean, StdErr *float64 }
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if got.K != 12 || got.GenError == nil || got.GenError.Mean == nil || got.GenError.StdErr == nil ||
		got.TrainError == nil || len(got.Captured) != 2 || got.Captured[0].StdErr == nil {
		t.Errorf("unexpected shape: %s", out)
	}
	again, _, _ := runArgs(args...)
	if again != out {
		t.Errorf("same seed, different output:\n%s\n%s", out, again)
	}
}

func TestSimBadInput(t *testing.T) {
	base := append(append([]string{"sim"}, example...), "--kappa", "0.1", "--quiet")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--d", "0"}, "--d"},
		{[]string{"--seeds", "1"}, "--seeds"},
		{[]string{"--seed", "-3"}, "--seed"},
		{[]string{"--d", "many"}, "--d"},
	} {
		_, errOut, code := runArgs(append(append([]string{}, base...), c.args...)...)
		if code != 2 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, %q", c.args, code, errOut)
		}
	}
}

func TestSubcommandHelpListsItsFlagsAndSucceeds(t *testing.T) {
	for _, c := range []struct {
		sub  string
		flag string
	}{
		{"theory", "--kappa"}, {"sim", "--seeds"}, {"optimal", "--alpha-l"}, {"exchange", "--kappa"},
		{"phase", "--alpha-u-min"}, {"ae", "--encoder"}, {"mnist", "--n-u"},
	} {
		for _, h := range []string{"-h", "--help"} {
			t.Run(c.sub+" "+h, func(t *testing.T) {
				out, errOut, code := runArgs(c.sub, h)
				if code != 0 || errOut != "" {
					t.Fatalf("exit %d, stderr %q", code, errOut)
				}
				if !strings.HasPrefix(out, "usage: optrep "+c.sub) || !strings.Contains(out, c.flag) {
					t.Errorf("want the usage of %s listing %s, got\n%s", c.sub, c.flag, out)
				}
			})
		}
	}
}

func TestExchangeBadInput(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		// NaN once stood for "not given" and silently optimised κ.
		{"NaN kappa", append(append([]string{}, example...), "--kappa", "NaN"), "--kappa: kappa=NaN"},
		{"kappa beyond alpha_u", append(append([]string{}, example...), "--kappa", "2"), "--kappa: kappa=2"},
		{"at the ridgeless peak", append(append([]string{}, example...), "--kappa", "0.8"), "diverges at kappa=0.8"},
		// Without --kappa nothing may blame it.
		{"a task with no signal", []string{"--theta", "4", "--b", "0", "--alpha-u", "2", "--alpha-l", "0.7"}, "exchange rate: E_gen depends on neither"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, errOut, code := runArgs(append([]string{"exchange"}, c.args...)...)
			if code != 2 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, c.want) {
				t.Errorf("exit %d, stderr %q; want status 2 and one line containing %q", code, errOut, c.want)
			}
		})
	}
}

func TestPhaseRefusesAnUnwritablePrefixBeforeComputing(t *testing.T) {
	for _, c := range []struct{ out, want string }{
		{"", "--out"},
		{t.TempDir() + "/", "--out"},
		{"/nonexistent-folder-of-optrep/p", "does not exist"},
	} {
		_, errOut, code := runArgs("phase", "--theta", "4", "--b", "1", "--n", "3", "--quiet", "--out", c.out)
		if code != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("--out %q: exit %d, stderr %q", c.out, code, errOut)
		}
	}
	if _, errOut, code := runArgs("phase", "--theta", "4", "--b", "1", "--alpha-u", "1"); code != 2 || !strings.Contains(errOut, "--alpha-u") {
		t.Errorf("--alpha-u should be refused by phase: exit %d, %q", code, errOut)
	}
}
