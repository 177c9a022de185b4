package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func runAEArgs(args ...string) (stdout, stderr string, code int) {
	var o, e bytes.Buffer
	code = runAE(args, &o, &e)
	return o.String(), e.String(), code
}

// aeSmall keeps the command fast: d=30, two seeds, 60 training steps.
var aeSmall = append(append([]string{}, example...), "--d", "30", "--seeds", "2", "--steps", "60", "--quiet")

func TestAEJSONHasTheDocumentedFields(t *testing.T) {
	for _, c := range []struct {
		encoder  string
		testSize bool
	}{{"linear", false}, {"tanh", true}, {"pca", false}} {
		t.Run(c.encoder, func(t *testing.T) {
			args := append(append([]string{}, aeSmall...), "--k", "4", "--encoder", c.encoder, "--test-size", "300", "--json")
			out, errOut, code := runAEArgs(args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var got map[string]any
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, out)
			}
			for _, f := range []string{"encoder", "k", "kappa", "d", "n_u", "n_l", "seeds", "gen_error", "test_stderr", "train_error",
				"angle", "loss", "steps", "converged", "pca_gen_error", "theory_gen_error"} {
				if _, ok := got[f]; !ok {
					t.Errorf("missing field %q in %s", f, out)
				}
			}
			if got["encoder"] != c.encoder || got["k"] != 4.0 {
				t.Errorf("encoder/k: %s", out)
			}
			if (got["test_stderr"] != nil) != c.testSize {
				t.Errorf("test_stderr should be set only for a nonlinear encoder: %s", out)
			}
			again, _, _ := runAEArgs(args...)
			if again != out {
				t.Errorf("same seed, different output:\n%s\n%s", out, again)
			}
		})
	}
	t.Run("kappa 0 means the spike components", func(t *testing.T) {
		out, errOut, code := runAEArgs(append(append([]string{}, aeSmall...), "--kappa", "0", "--json")...)
		var got struct{ K int }
		if code != 0 || json.Unmarshal([]byte(out), &got) != nil || got.K != 2 {
			t.Errorf("exit %d, %s: %s", code, errOut, out)
		}
	})
	t.Run("the table", func(t *testing.T) {
		out, errOut, code := runAEArgs(append(append([]string{}, aeSmall...), "--kappa", "0.1")...)
		if code != 0 || !strings.Contains(out, "gen error") || !strings.Contains(out, "PCA theory") {
			t.Errorf("exit %d: %s\n%s", code, errOut, out)
		}
	})
}

func TestAEProgressGoesToStandardError(t *testing.T) {
	args := append(append([]string{}, example...), "--d", "30", "--seeds", "2", "--steps", "20", "--k", "2")
	out, errOut, code := runAEArgs(args...)
	if code != 0 || strings.Count(errOut, "ae: run ") != 4 || strings.Contains(out, "ae: run") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestAEBadInput(t *testing.T) {
	base := append(append([]string{}, aeSmall...), "--k", "4")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--k", "31"}, "--k: k=31"},
		{[]string{"--k", "0"}, "--k"},
		{[]string{"--kappa", "0.2"}, "exactly one"},
		{[]string{"--steps", "0"}, "--steps: steps=0"},
		{[]string{"--lr", "NaN"}, "--lr: lr=NaN"},
		{[]string{"--lr", "-1"}, "--lr"},
		{[]string{"--batch", "-2"}, "--batch"},
		{[]string{"--tol", "-1"}, "--tol"},
		{[]string{"--test-size", "1"}, "--test-size"},
		{[]string{"--encoder", "sigmoid"}, "--encoder"},
		{[]string{"--optimizer", "sgd"}, "--optimizer"},
		{[]string{"--seeds", "1"}, "--seeds"},
		{[]string{"--d", "1"}, "--d"},
		{[]string{"--sigma", "-1"}, "--sigma"},
		{[]string{"--bogus"}, "--bogus"},
	} {
		_, errOut, code := runAEArgs(append(append([]string{}, base...), c.args...)...)
		if code != 2 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, %q (want one line containing %q)", c.args, code, errOut, c.want)
		}
	}
	t.Run("kappa beyond alpha_u", func(t *testing.T) {
		args := append(append([]string{}, aeSmall...), "--alpha-u", "0.2", "--kappa", "0.5")
		if _, errOut, code := runAEArgs(args...); code != 2 || !strings.Contains(errOut, "--kappa") {
			t.Errorf("exit %d, %q", code, errOut)
		}
	})
	t.Run("a diverging learning rate", func(t *testing.T) {
		args := append(append([]string{}, aeSmall...), "--k", "2", "--optimizer", "gd", "--lr", "50")
		if _, errOut, code := runAEArgs(args...); code != 2 || !strings.Contains(errOut, "--lr") {
			t.Errorf("exit %d, %q", code, errOut)
		}
	})
}
