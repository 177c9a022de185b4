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
