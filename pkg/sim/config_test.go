package sim

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/optrep/optrep/pkg/theory"
)

// baseParams is a supercritical single-spike model used across the tests.
func baseParams() theory.Params {
	return theory.Params{
		Theta:  []float64{4},
		B:      []float64{1},
		BPerp:  0.5,
		Sigma:  0.5,
		AlphaU: 2,
		AlphaL: 1.5,
	}
}

func TestConfigValidate(t *testing.T) {
	valid := Config{Params: baseParams(), D: 100, Seeds: 2}
	tests := []struct {
		name   string
		modify func(*Config)
		want   string // substring naming the bad field; "" means valid
	}{
		{"a valid config passes", func(*Config) {}, ""},
		{"zero dimension is rejected", func(c *Config) { c.D = 0 }, "d=0: must be >= 1"},
		{"zero seeds are rejected", func(c *Config) { c.Seeds = 0 }, "seeds=0"},
		{"negative workers are rejected", func(c *Config) { c.Workers = -1 }, "workers=-1"},
		{"a NaN spike is rejected by Params.Validate", func(c *Config) { c.Params.Theta = []float64{math.NaN()} }, "theta[0]"},
		{"a negative ridge is rejected", func(c *Config) { c.Params.Lambda = -1 }, "lambda"},
		{"as many spikes as dimensions are rejected", func(c *Config) {
			c.D = 2
			c.Params.Theta, c.Params.B = []float64{3, 2}, []float64{1, 1}
		}, "r=2"},
		{"an unlabelled set that rounds to empty is rejected", func(c *Config) { c.Params.AlphaU = 0.001 }, "n_u"},
		{"a labelled set that rounds to empty is rejected", func(c *Config) { c.Params.AlphaL = 0.001 }, "n_l"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid
			c.Params = baseParams()
			tt.modify(&c)
			err := c.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Validate() = %v, want nil", err)
			case tt.want != "" && err == nil:
				t.Fatalf("Validate() = nil, want an error mentioning %q", tt.want)
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Fatalf("Validate() = %q, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestSampleCounts(t *testing.T) {
	c := Config{Params: baseParams(), D: 101}
	c.Params.AlphaU, c.Params.AlphaL = 0.5, 1.25
	if got, want := c.NU(), 51; got != want { // round(50.5) = 51: half away from zero
		t.Errorf("NU() = %d, want %d", got, want)
	}
	if got, want := c.NL(), 126; got != want { // round(126.25)
		t.Errorf("NL() = %d, want %d", got, want)
	}
	if got, want := c.MaxK(), 51; got != want {
		t.Errorf("MaxK() = %d, want %d", got, want)
	}
}

func TestKFromKappa(t *testing.T) {
	tests := []struct {
		name  string
		kappa float64
		d, r  int
		want  int
	}{
		{"kappa zero means the spike components only", 0, 100, 3, 3},
		{"a tiny kappa still gives one component", 1e-6, 100, 1, 1},
		{"kappa rounds to the nearest count", 0.254, 100, 1, 25},
		{"kappa one gives the full dimension", 1, 100, 1, 100},
		{"a negative kappa gives the invalid size zero", -0.1, 100, 1, 0},
		{"a NaN kappa gives the invalid size zero", math.NaN(), 100, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := KFromKappa(tt.kappa, tt.d, tt.r); got != tt.want {
				t.Errorf("KFromKappa(%g, %d, %d) = %d, want %d", tt.kappa, tt.d, tt.r, got, tt.want)
			}
		})
	}
}

func TestBadInputIsAnError(t *testing.T) {
	good := Config{Params: baseParams(), D: 50, Seeds: 2}
	nan := good
	nan.Params = baseParams()
	nan.Params.Sigma = math.NaN()
	tests := []struct {
		name string
		cfg  Config
		ks   []int
		want string
	}{
		{"an empty list of sizes is an error", good, nil, "ks"},
		{"k = 0 is an error", good, []int{1, 0}, "ks[1]: k=0"},
		{"k above min(d, n_u) is an error", good, []int{51}, "k=51"},
		{"a NaN parameter is an error", nan, []int{1}, "sigma"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for name, run := range map[string]func() error{
				"Sweep":  func() error { _, err := Sweep(context.Background(), tt.cfg, tt.ks); return err },
				"Trials": func() error { _, err := Trials(context.Background(), tt.cfg, tt.ks); return err },
			} {
				err := run()
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("%s error = %v, want one mentioning %q", name, err, tt.want)
				}
			}
		})
	}
}

func TestCancellation(t *testing.T) {
	cfg := Config{Params: baseParams(), D: 60, Seeds: 20, Workers: 2}
	t.Run("an already cancelled context stops the run", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := Sweep(ctx, cfg, []int{1}); !errors.Is(err, context.Canceled) {
			t.Fatalf("Sweep error = %v, want context.Canceled", err)
		}
	})
	t.Run("cancelling mid-run stops before all trials complete", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		c := cfg
		last := 0
		c.Progress = func(done, total int) {
			last = done
			if done == 2 {
				cancel()
			}
		}
		if _, err := Sweep(ctx, c, []int{1}); !errors.Is(err, context.Canceled) {
			t.Fatalf("Sweep error = %v, want context.Canceled", err)
		}
		if last >= cfg.Seeds {
			t.Errorf("all %d trials ran despite cancellation", last)
		}
	})
}

func TestProgress(t *testing.T) {
	cfg := Config{Params: baseParams(), D: 40, Seeds: 7, Workers: 3}
	var seen []int
	cfg.Progress = func(done, total int) {
		if total != 7 {
			t.Errorf("total = %d, want 7", total)
		}
		seen = append(seen, done) // safe: calls are serialised
	}
	t.Run("progress counts every trial once, in order", func(t *testing.T) {
		if _, err := Sweep(context.Background(), cfg, []int{1, 5}); err != nil {
			t.Fatal(err)
		}
		for i, d := range seen {
			if d != i+1 {
				t.Fatalf("progress calls %v, want 1..7", seen)
			}
		}
		if len(seen) != 7 {
			t.Fatalf("progress called %d times, want 7", len(seen))
		}
	})
}

func TestSingleSeedHasNaNStdErr(t *testing.T) {
	cfg := Config{Params: baseParams(), D: 40, Seeds: 1}
	pts, err := Sweep(context.Background(), cfg, []int{3})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("one trial reports a mean and a NaN standard error", func(t *testing.T) {
		p := pts[0]
		if math.IsNaN(p.GenError.Mean) || !math.IsNaN(p.GenError.StdErr) || !math.IsNaN(p.Captured[0].StdErr) {
			t.Errorf("GenError = %+v, Captured = %+v; want a finite mean and NaN StdErr", p.GenError, p.Captured)
		}
	})
}
