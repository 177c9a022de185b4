package main

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
)

// Result is what an executed notebook says about itself.
type Result struct {
	Passed, Failed []string // check lines, without the PASS/FAIL word
	Errors         []string // one line per cell that failed to build or run
	// Lines are the check lines in the order the notebook printed them.
	Lines []Line
}

// Line is one check line of a notebook's output.
type Line struct {
	Pass bool
	Text string // without the PASS/FAIL word
}

// OK reports whether the notebook ran cleanly, checked something, and every check passed.
func (r Result) OK() bool {
	return len(r.Errors) == 0 && len(r.Failed) == 0 && len(r.Passed) > 0
}

// Status is a one-word verdict, with the reason when it is not "ok".
func (r Result) Status() string {
	switch {
	case len(r.Errors) > 0:
		return "FAIL (cell error)"
	case len(r.Failed) > 0:
		return "FAIL"
	case len(r.Passed) == 0:
		return "FAIL (no checks)"
	}
	return "ok"
}

// Only the fields we read of the nbformat 4 schema.
type notebook struct {
	Cells []struct {
		CellType string `json:"cell_type"`
		Outputs  []struct {
			OutputType string          `json:"output_type"`
			Name       string          `json:"name"`
			Text       json.RawMessage `json:"text"`
			Ename      string          `json:"ename"`
			Evalue     string          `json:"evalue"`
		} `json:"outputs"`
	} `json:"cells"`
}

// GoNB ends a cell whose program exited non-zero (a panic, os.Exit) with this
// line on stderr and reports no error to Jupyter, so nbconvert carries on.
var exitStatus = regexp.MustCompile(`^exit status [0-9]+$`)

// multiline reads nbformat's "multiline string": one string or a list of them.
func multiline(raw json.RawMessage) (string, error) {
	if len(raw) == 0 {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var parts []string
	if err := json.Unmarshal(raw, &parts); err != nil {
		return "", fmt.Errorf("stream text is neither a string nor a list of strings: %w", err)
	}
	return strings.Join(parts, ""), nil
}

// Parse reads the checks and the cell errors of an executed notebook.
func Parse(raw []byte) (Result, error) {
	var nb notebook
	if err := json.Unmarshal(raw, &nb); err != nil {
		return Result{}, fmt.Errorf("not a notebook: %w", err)
	}
	var r Result
	for i, cell := range nb.Cells {
		if cell.CellType != "code" {
			continue
		}
		var lastPanic string
		for _, out := range cell.Outputs {
			switch out.OutputType {
			case "error":
				r.Errors = append(r.Errors, fmt.Sprintf("cell %d: %s: %s", i+1, out.Ename, out.Evalue))
			case "stream":
				text, err := multiline(out.Text)
				if err != nil {
					return Result{}, fmt.Errorf("cell %d: %w", i+1, err)
				}
				for _, line := range strings.Split(text, "\n") {
					line = strings.TrimRight(line, "\r")
					switch {
					case out.Name == "stdout" && strings.HasPrefix(line, "PASS "):
						r.Passed = append(r.Passed, strings.TrimPrefix(line, "PASS "))
						r.Lines = append(r.Lines, Line{true, strings.TrimPrefix(line, "PASS ")})
					case out.Name == "stdout" && strings.HasPrefix(line, "FAIL "):
						r.Failed = append(r.Failed, strings.TrimPrefix(line, "FAIL "))
						r.Lines = append(r.Lines, Line{false, strings.TrimPrefix(line, "FAIL ")})
					case out.Name == "stderr" && strings.HasPrefix(line, "panic: "):
						lastPanic = line
					case out.Name == "stderr" && exitStatus.MatchString(line):
						msg := line
						if lastPanic != "" {
							msg = lastPanic + " (" + line + ")"
						}
						r.Errors = append(r.Errors, fmt.Sprintf("cell %d: %s", i+1, msg))
					}
				}
			}
		}
	}
	return r, nil
}

// ParseFile is Parse on a file.
func ParseFile(path string) (Result, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return Result{}, err
	}
	r, err := Parse(raw)
	if err != nil {
		return Result{}, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}
