package theory

import (
	"context"
	"testing"
)

func BenchmarkEvaluate(b *testing.B) {
	p := reference()
	for i := 0; i < b.N; i++ {
		if _, err := Evaluate(p, 0.3); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOptimalKappa(b *testing.B) {
	p := reference()
	p.AlphaL = 0.2
	for i := 0; i < b.N; i++ {
		if _, err := OptimalKappa(p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPhaseDiagram100 is the 100×100 (α_u, α_l) phase diagram with κ
// optimised at every point and the boundary at every α_u.
func BenchmarkPhaseDiagram100(b *testing.B) {
	p := reference()
	au, _ := LogGrid(0.1, 100, 100)
	al, _ := LogGrid(0.01, 10, 100)
	for i := 0; i < b.N; i++ {
		if _, err := PhaseDiagram(context.Background(), p, au, al, 0, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSweep1000 is a κ sweep of 1000 evenly spaced points over the whole
// admissible range (scripts/bench.sh times scipy doing the same).
func BenchmarkSweep1000(b *testing.B) {
	p := reference()
	ks, _ := LinearGrid(0, p.MaxKappa(), 1000)
	for b.Loop() {
		if _, err := Sweep(p, ks); err != nil {
			b.Fatal(err)
		}
	}
}
