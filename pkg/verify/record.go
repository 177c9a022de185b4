package verify

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// EnvChecks names a file to which Report appends every check it prints, one
// JSON object (Record) per line. scripts/run.sh sets it for each notebook, so
// that the run's summary splits a check into name, measured and expected
// values exactly: from the printed line alone that is a guess whenever a name
// or a measured value holds ": " or " vs ". Unset, nothing is recorded.
const EnvChecks = "OPTREP_CHECKS"

// Record is a check as Report records it in the file named by EnvChecks.
type Record struct {
	Check    string `json:"check"`
	Status   string `json:"status"` // PASS or FAIL
	Measured string `json:"measured"`
	Expected string `json:"expected"`
	// Line is the line Report printed, which the reader matches the
	// executed notebook's output against.
	Line string `json:"line"`
}

// Record returns the check's record.
func (c Check) Record() Record {
	status := "FAIL"
	if c.Pass {
		status = "PASS"
	}
	return Record{Check: strings.ReplaceAll(c.Name, "\n", " "), Status: status, Measured: c.Measured, Expected: c.Expected, Line: c.Line()}
}

// record appends the checks to the file named by EnvChecks, if any. A
// failure to record is reported on stderr and does not change a verdict.
func record(checks []Check) {
	path := os.Getenv(EnvChecks)
	if path == "" || len(checks) == 0 {
		return
	}
	if err := appendRecords(path, checks); err != nil {
		fmt.Fprintf(os.Stderr, "verify: recording checks in %s (%s): %v\n", path, EnvChecks, err)
	}
}

func appendRecords(path string, checks []Check) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(f)
	enc.SetEscapeHTML(false)
	for _, c := range checks {
		if err := enc.Encode(c.Record()); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}
