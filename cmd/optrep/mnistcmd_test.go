package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func runMNISTArgs(args ...string) (stdout, stderr string, code int) {
	var o, e bytes.Buffer
	code = runMNIST(args, &o, &e)
	return o.String(), e.String(), code
}

func TestMNISTBadFlagsAreOneLineWithStatusTwo(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"a malformed k list", []string{"--k", "1,x"}, "--k"},
		{"decreasing k", []string{"--k", "5,2"}, "--k: k=2"},
		{"k beyond the pixels", []string{"--k", "1000"}, "--k: k=1000"},
		{"a single draw", []string{"--draws", "1"}, "--draws"},
		{"a zero ridge", []string{"--lambda", "0"}, "--lambda"},
		{"a tiny unlabelled set", []string{"--n-u", "1"}, "--n-u"},
		{"a negative unlabelled set", []string{"--n-u", "-100"}, "--n-u: n_u=-100"},
		{"a negative labelled set", []string{"--n-l", "-5"}, "--n-l: n_l=-5"},
		{"a malformed labelled set size", []string{"--n-l", "lots"}, "--n-l"},
		{"a labelled set that does not fit beside the unlabelled one", []string{"--n-u", "58000", "--n-l", "5000"}, "--n-u/--n-l"},
		{"a malformed seed", []string{"--seed", "-3"}, "--seed"},
		{"an unknown flag", []string{"--bogus"}, "--bogus"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, errOut, code := runMNISTArgs(c.args...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
			if strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, c.want) {
				t.Errorf("want one line containing %q, got %q", c.want, errOut)
			}
		})
	}
}

func TestMNISTJSONOnRealData(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the real MNIST data")
	}
	out, errOut, code := runMNISTArgs("--n-u", "100", "--n-l", "50", "--k", "1,5,10,200", "--draws", "2", "--json", "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if errOut != "" {
		t.Errorf("--quiet printed %q", errOut)
	}
	var got mnistJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	// k = 200 exceeds the rank n_u − 1 = 99 and is left out.
	if len(got.Points) != 3 || got.Points[2].K != 10 {
		t.Fatalf("points %+v, want k = 1, 5, 10", got.Points)
	}
	for _, p := range got.Points {
		// Ten classes: chance accuracy is 0.1 and predicting the class
		// frequencies gives an MSE of about 0.9; any fit lies between.
		if !(p.TestAccuracy.Mean > 0.1 && p.TestAccuracy.Mean < 1 && p.TestMSE.Mean > 0 && p.TestMSE.Mean < 2) || p.TestMSE.StdErr == nil {
			t.Errorf("implausible point %+v", p)
		}
	}
	if got.BestK == 0 || len(got.PlausibleK) == 0 || got.PredictedK == nil {
		t.Errorf("missing best or predicted k: %s", out)
	}
}
