package verify

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestReportRecordsChecksWhenAsked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "checks.jsonl")
	t.Setenv(EnvChecks, path)
	checks := []Check{
		True("regime a: widths", true, "k=3: 0.1 ± 0.02", "< 1 vs 2"),
		True("b\nc", false, "2", "1"),
	}
	var buf bytes.Buffer
	Report(&buf, checks[:1])
	Report(&buf, checks[1:]) // a second cell appends
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var got []Record
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		var r Record
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("record %q: %v", line, err)
		}
		got = append(got, r)
	}
	want := []Record{
		{Check: "regime a: widths", Status: "PASS", Measured: "k=3: 0.1 ± 0.02", Expected: "< 1 vs 2", Line: "PASS regime a: widths: k=3: 0.1 ± 0.02 vs < 1 vs 2"},
		{Check: "b c", Status: "FAIL", Measured: "2", Expected: "1", Line: "FAIL b c: 2 vs 1"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("records =\n%#v\nwant\n%#v", got, want)
	}
	if printed := strings.Split(strings.TrimSpace(buf.String()), "\n"); printed[0] != want[0].Line || printed[1] != want[1].Line {
		t.Errorf("printed %q, records say %q and %q", printed, want[0].Line, want[1].Line)
	}
}

func TestReportRecordsNothingByDefault(t *testing.T) {
	t.Setenv(EnvChecks, "")
	dir := t.TempDir()
	t.Chdir(dir)
	Report(&bytes.Buffer{}, []Check{True("a", true, "1", "1")})
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("Report wrote %d files with %s unset", len(entries), EnvChecks)
	}
}
