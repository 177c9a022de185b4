package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// CheckSummary is one check as the JSON summary and the JUnit report show it.
type CheckSummary struct {
	Check    string `json:"check"`
	Status   string `json:"status"` // PASS or FAIL
	Measured string `json:"measured"`
	Expected string `json:"expected"`
	Line     string `json:"line"` // as printed, verdict included
	// Split says how name, measured and expected were told apart: "recorded"
	// when pkg/verify recorded them (OPTREP_CHECKS), "guessed" when they
	// were cut out of the printed line (see splitLine).
	Split string `json:"split"`
	// Numbers read from measured and expected when they have the shape that
	// verify.Within prints ("sim 0.412 ± 0.004", "theory 0.409 (|diff|
	// 0.003, tol 0.02)") or are a bare number; absent otherwise.
	MeasuredValue  *float64 `json:"measured_value,omitempty"`
	MeasuredStdErr *float64 `json:"measured_stderr,omitempty"`
	ExpectedValue  *float64 `json:"expected_value,omitempty"`
	Tolerance      *float64 `json:"tolerance,omitempty"`
}

// record is a line of the file pkg/verify writes when OPTREP_CHECKS is set
// (verify.Record); a test keeps the two in step.
type record struct {
	Check    string `json:"check"`
	Status   string `json:"status"`
	Measured string `json:"measured"`
	Expected string `json:"expected"`
	Line     string `json:"line"`
}

// readRecords reads the checks pkg/verify recorded; a missing file is no record.
func readRecords(path string) ([]record, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []record
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	for n := 1; sc.Scan(); n++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var r record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		out = append(out, r)
	}
	return out, sc.Err()
}

// summarise turns the check lines of a notebook into summaries. A line that
// pkg/verify recorded takes its parts from the record (each record is used
// once, in order); any other line, one printed by hand, is split by splitLine.
func summarise(lines []Line, recs []record) []CheckSummary {
	used := make([]bool, len(recs))
	out := make([]CheckSummary, 0, len(lines))
	for _, l := range lines {
		status := "FAIL"
		if l.Pass {
			status = "PASS"
		}
		full := status + " " + l.Text
		c := CheckSummary{Status: status, Line: full}
		found := false
		for i, r := range recs {
			if !used[i] && r.Line == full {
				used[i], found = true, true
				c.Check, c.Measured, c.Expected, c.Split = r.Check, r.Measured, r.Expected, "recorded"
				break
			}
		}
		if !found {
			c.Check, c.Measured, c.Expected = splitLine(l.Text)
			c.Split = "guessed"
		}
		c.MeasuredValue, c.MeasuredStdErr = measuredNumbers(c.Measured)
		c.ExpectedValue, c.Tolerance = expectedNumbers(c.Expected)
		out = append(out, c)
	}
	return out
}

// splitLine cuts the text of a check line, verdict removed, into name,
// measured and expected, after verify.Check.Line's "name: measured vs
// expected": expected follows the last " vs ", and the name ends at the last
// ": " before it. Without " vs ", the name ends at the first ": " and the
// rest is what was measured; without either, the whole text is the name.
// It guesses wrong when the measured value holds ": " or the expected one
// " vs "; lines that pkg/verify prints are recorded and not guessed.
func splitLine(text string) (name, measured, expected string) {
	if i := strings.LastIndex(text, " vs "); i >= 0 {
		head := text[:i]
		expected = strings.TrimSpace(text[i+len(" vs "):])
		if j := strings.LastIndex(head, ": "); j >= 0 {
			return strings.TrimSpace(head[:j]), strings.TrimSpace(head[j+2:]), expected
		}
		return strings.TrimSpace(head), "", expected
	}
	if n, m, ok := strings.Cut(text, ": "); ok {
		return strings.TrimSpace(n), strings.TrimSpace(m), ""
	}
	return strings.TrimSpace(text), "", ""
}

const number = `([-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[-+]?Inf|NaN)`

var (
	// verify.Within: "sim %.5g ± %.2g"; also a bare number, or "N ± M".
	measuredShape = regexp.MustCompile(`^(?:sim\s+)?` + number + `(?:\s*±\s*` + number + `)?$`)
	// verify.Within: "theory %.5g (|diff| %.2g, tol %.2g)"; also a bare number.
	expectedShape = regexp.MustCompile(`^(?:theory\s+)?` + number + `(?:\s*\(\|diff\|\s*` + number + `,\s*tol\s*` + number + `\))?$`)
)

func measuredNumbers(s string) (value, stderr *float64) {
	m := measuredShape.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return nil, nil
	}
	return parseNumber(m[1]), parseNumber(m[2])
}

func expectedNumbers(s string) (value, tol *float64) {
	m := expectedShape.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return nil, nil
	}
	return parseNumber(m[1]), parseNumber(m[3])
}

// parseNumber returns nil for an empty or non-finite number, which JSON cannot carry.
func parseNumber(s string) *float64 {
	if s == "" {
		return nil
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}
