package theory

import (
	"context"
	"reflect"
	"testing"
)

func TestPhaseDiagramAgreesWithPointwiseOptimaWhateverTheWorkers(t *testing.T) {
	p := reference()
	au, _ := LogGrid(0.2, 20, 4)
	al, _ := LogGrid(0.02, 5, 5)
	one, err := PhaseDiagram(context.Background(), p, au, al, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	three, err := PhaseDiagram(context.Background(), p, au, al, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(one, three) {
		t.Errorf("1 and 3 workers differ")
	}
	for i, a := range au {
		for j, l := range al {
			q := p
			q.AlphaU, q.AlphaL = a, l
			opt, err := OptimalKappa(q)
			if err != nil {
				t.Fatal(err)
			}
			if got := one.Optimum[i][j]; got.Kappa != opt.Kappa || got.GenError != opt.GenError {
				t.Errorf("alpha_u=%g alpha_l=%g: phase %+v, pointwise %+v", a, l, got.Minimum, opt.Minimum)
			}
		}
	}
}

func TestPhaseDiagramRejectsBadGrids(t *testing.T) {
	p := reference()
	if _, err := PhaseDiagram(context.Background(), p, []float64{1, -2}, []float64{1}, 1, nil); err == nil {
		t.Error("negative alpha_u accepted")
	}
	if _, err := PhaseDiagram(context.Background(), p, nil, []float64{1}, 1, nil); err == nil {
		t.Error("empty grid accepted")
	}
	if _, err := LogGrid(0, 1, 3); err == nil {
		t.Error("log grid from 0 accepted")
	}
}
