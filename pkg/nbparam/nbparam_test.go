package nbparam

import (
	"reflect"
	"strings"
	"testing"
)

// with makes the package read env as OPTREP_PARAMS for the rest of the test.
func with(t *testing.T, env string) {
	t.Helper()
	saved := overrides
	overrides = func() (map[string]string, error) { return Parse(env) }
	t.Cleanup(func() { overrides = saved })
}

func TestDefaultsWithoutOverrides(t *testing.T) {
	with(t, "")
	if got := Int("d", 1000); got != 1000 {
		t.Errorf("Int = %d, want the default 1000", got)
	}
	if got := Floats("kappas", []float64{0.1}); !reflect.DeepEqual(got, []float64{0.1}) {
		t.Errorf("Floats = %v, want the default", got)
	}
	if got := Overrides(); len(got) != 0 {
		t.Errorf("Overrides = %q, want none", got)
	}
}

func TestOverridesReplaceDefaults(t *testing.T) {
	with(t, "d=500\nseeds= 3 \nalpha=1e-2\nks=1, 2,4\nkappas=0.1,0.25\n")
	if got := Int("d", 1000); got != 500 {
		t.Errorf("Int(d) = %d, want 500", got)
	}
	if got := Int("seeds", 10); got != 3 {
		t.Errorf("Int(seeds) = %d, want 3 (spaces trimmed)", got)
	}
	if got := Float("alpha", 1); got != 0.01 {
		t.Errorf("Float(alpha) = %g, want 0.01", got)
	}
	if got := Ints("ks", nil); !reflect.DeepEqual(got, []int{1, 2, 4}) {
		t.Errorf("Ints(ks) = %v", got)
	}
	if got := Floats("kappas", nil); !reflect.DeepEqual(got, []float64{0.1, 0.25}) {
		t.Errorf("Floats(kappas) = %v", got)
	}
	if got := Int("other", 7); got != 7 {
		t.Errorf("an unrelated parameter = %d, want its default 7", got)
	}
	want := []string{"alpha=1e-2", "d=500", "kappas=0.1,0.25", "ks=1, 2,4", "seeds= 3 "}
	if got := Overrides(); !reflect.DeepEqual(got, want) {
		t.Errorf("Overrides = %q, want %q", got, want)
	}
}

func TestMalformedValuePanicsNamingTheParameter(t *testing.T) {
	for _, tc := range []struct {
		name, env string
		read      func()
	}{
		{"an integer that is not one", "d=1e3", func() { Int("d", 1) }},
		{"a number that is not finite", "alpha=NaN", func() { Float("alpha", 1) }},
		{"a list with a hole", "ks=1,,3", func() { Ints("ks", nil) }},
		{"a list with a word", "kappas=0.1,x", func() { Floats("kappas", nil) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			with(t, tc.env)
			defer func() {
				msg, _ := recover().(string)
				name, _, _ := strings.Cut(tc.env, "=")
				if !strings.Contains(msg, "-p "+tc.env) || !strings.Contains(msg, name) {
					t.Errorf("panic %q does not name -p %s", msg, tc.env)
				}
			}()
			tc.read()
		})
	}
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name, env string
		want      map[string]string
		err       string
	}{
		{"empty means no override", "", map[string]string{}, ""},
		{"one name=value per line, blank lines ignored", "a=1\n\nb=x=y\r\n", map[string]string{"a": "1", "b": "x=y"}, ""},
		{"a line without = is an error", "a", nil, `"a" is not name=value`},
		{"a name that is not an identifier is an error", "1a=2", nil, `"1a" is not an identifier`},
		{"an empty value is an error", "a=", nil, "-p a=: empty value"},
		{"a name given twice is an error", "a=1\na=2", nil, "-p a is given twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.env)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Parse(%q) error %v, want one containing %q", tc.env, err, tc.err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Parse(%q) = %v, %v; want %v", tc.env, got, err, tc.want)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		kind  Kind
		value string
		ok    bool
	}{
		{KindInt, "12", true}, {KindInt, "1.5", false},
		{KindFloat, "-3e-2", true}, {KindFloat, "Inf", false},
		{KindInts, "1,2", true}, {KindInts, "1;2", false},
		{KindFloats, "0.5, 1", true}, {KindFloats, "", false},
		{"Bool", "true", false},
	} {
		if err := Check(tc.kind, tc.value); (err == nil) != tc.ok {
			t.Errorf("Check(%s, %q) = %v, want ok=%v", tc.kind, tc.value, err, tc.ok)
		}
	}
}

func TestScanFindsLiteralNamesInGoAndNotebookJSON(t *testing.T) {
	src := `var (
	d     = nbparam.Int("d", 1000)
	seeds = nbparam.Int( "seeds", 10)
	ks    = nbparam.Ints("ks", []int{1})
	dyn   = nbparam.Float(name, 1) // not a literal: not found
)`
	json := `"source": ["x = nbparam.Floats(\"kappas\", nil)\n", "y := nbparam.Float(\"alpha\", 1)"]`
	want := map[string]Kind{"d": KindInt, "seeds": KindInt, "ks": KindInts, "kappas": KindFloats, "alpha": KindFloat}
	got := Scan(src)
	for n, k := range Scan(json) {
		got[n] = k
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Scan = %v, want %v", got, want)
	}
}
