package main

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/optrep/optrep/pkg/nbparam"
)

// manifestReport prints the run's report and writes the JUnit and JSON
// files that are asked for (empty paths are skipped).
func manifestReport(w io.Writer, manifest, browser, junitPath, summaryPath string) (bool, error) {
	runs, err := collect(manifest, browser)
	if err != nil {
		return false, err
	}
	ok, err := printReport(w, runs)
	if err != nil {
		return false, err
	}
	params, err := nbparam.Parse(os.Getenv(nbparam.EnvParams))
	if err != nil {
		return false, err
	}
	if junitPath != "" {
		if err := writeFile(junitPath, func(f io.Writer) error { return writeJUnit(f, runs, params) }); err != nil {
			return false, err
		}
	}
	if summaryPath != "" {
		s := buildSummary(runs, params, os.Getenv("OPTREP_QUICK") == "1", time.Now())
		if err := writeFile(summaryPath, func(f io.Writer) error { return writeJSON(f, s) }); err != nil {
			return false, err
		}
	}
	return ok, nil
}

func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}

// browserPage is one page of the browser check's browser.json
// (scripts/browsercheck.js).
type browserPage struct {
	Name       string   `json:"name"`
	HTML       string   `json:"html"`
	OK         bool     `json:"ok"`
	Charts     int      `json:"charts"`
	Problems   []string `json:"problems"`
	Screenshot string   `json:"screenshot"`
	Seconds    float64  `json:"seconds"`
}

// readBrowser reads browser.json. A missing file means that the check failed
// before it wrote anything (no browser, say): no page has a verdict, and
// collect counts each as failed.
func readBrowser(path string) (map[string]*browserPage, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]*browserPage{}, nil
	}
	if err != nil {
		return nil, err
	}
	var b struct {
		Pages []*browserPage `json:"pages"`
	}
	if err := json.Unmarshal(raw, &b); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := map[string]*browserPage{}
	for _, p := range b.Pages {
		out[p.Name] = p
	}
	return out, nil
}

// JUnit XML, in the shape CI systems (Jenkins, GitLab, GitHub reporters) read:
// one testsuite per notebook, one testcase per check.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string           `xml:"name,attr"`
	Tests      int              `xml:"tests,attr"`
	Failures   int              `xml:"failures,attr"`
	Errors     int              `xml:"errors,attr"`
	Skipped    int              `xml:"skipped,attr"`
	Time       string           `xml:"time,attr"`
	Properties *junitProperties `xml:"properties,omitempty"`
	Cases      []junitCase      `xml:"testcase"`
}

type junitProperties struct {
	List []junitProperty `xml:"property"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func seconds(s float64) string { return strconv.FormatFloat(s, 'f', 3, 64) }

// executedCase is the testcase "notebook executed": it fails when a cell
// failed to build or run, when nbconvert failed, or when the notebook
// printed no check. It carries the notebook's wall time.
func executedCase(n notebookRun) junitCase {
	c := junitCase{Name: "notebook executed", Classname: n.name, Time: seconds(n.wall)}
	r := n.result
	switch {
	case len(r.Errors) > 0:
		c.Failure = &junitFailure{Message: r.Errors[0], Type: "cell error", Text: strings.Join(r.Errors, "\n")}
		if len(r.Errors) > 1 {
			c.Failure.Message = fmt.Sprintf("%s (and %d more)", r.Errors[0], len(r.Errors)-1)
		}
	case len(r.Lines) == 0:
		c.Failure = &junitFailure{Message: "the notebook printed no PASS or FAIL line", Type: "no checks"}
	}
	return c
}

func writeJUnit(w io.Writer, runs []notebookRun, params map[string]string) error {
	all := junitSuites{Name: "optrep notebooks"}
	var total float64
	// The -p overrides, on every suite, so that a CI page shows what a notebook ran with.
	var props *junitProperties
	if len(params) > 0 {
		props = &junitProperties{}
		for n, v := range params {
			props.List = append(props.List, junitProperty{Name: "param." + n, Value: v})
		}
		sort.Slice(props.List, func(i, j int) bool { return props.List[i].Name < props.List[j].Name })
	}
	for _, n := range runs {
		s := junitSuite{Name: n.name, Time: seconds(n.wall), Properties: props}
		s.Cases = append(s.Cases, executedCase(n))
		for _, c := range n.checks {
			tc := junitCase{Name: c.Check, Classname: n.name, Time: seconds(0), SystemOut: c.Line}
			if c.Status != "PASS" {
				msg := c.Measured
				if c.Expected != "" {
					msg += " vs " + c.Expected
				}
				if msg == "" {
					msg = c.Line
				}
				tc.Failure = &junitFailure{Message: msg, Type: "check", Text: c.Line}
			}
			s.Cases = append(s.Cases, tc)
		}
		if b := n.browser; b != nil {
			tc := junitCase{Name: "renders in a browser", Classname: n.name, Time: seconds(b.Seconds)}
			if !b.OK {
				msg := "browser check failed"
				if len(b.Problems) > 0 {
					msg = b.Problems[0]
				}
				tc.Failure = &junitFailure{Message: msg, Type: "browser", Text: strings.Join(b.Problems, "\n")}
			}
			s.Cases = append(s.Cases, tc)
		}
		for _, c := range s.Cases {
			if c.Failure != nil {
				s.Failures++
			}
		}
		s.Tests = len(s.Cases)
		all.Tests += s.Tests
		all.Failures += s.Failures
		total += n.wall
		all.Suites = append(all.Suites, s)
	}
	all.Time = seconds(total)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(all); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// Summary is summary.json: the run, then each notebook with its checks.
type Summary struct {
	Generated   string            `json:"generated"` // RFC 3339
	Mode        string            `json:"mode"`      // quick or full
	Params      map[string]string `json:"params"`    // the -p overrides
	Status      string            `json:"status"`    // PASS or FAIL
	WallSeconds float64           `json:"wall_seconds"`
	Totals      Totals            `json:"totals"`
	Notebooks   []NotebookSummary `json:"notebooks"`
}

// Totals counts over all notebooks.
type Totals struct {
	Notebooks       int `json:"notebooks"`
	FailedNotebooks int `json:"failed_notebooks"`
	Checks          int `json:"checks"`
	Passed          int `json:"passed"`
	Failed          int `json:"failed"`
	CellErrors      int `json:"cell_errors"`
}

// NotebookSummary is one notebook of summary.json.
type NotebookSummary struct {
	Name        string         `json:"name"`
	Source      string         `json:"source"`
	Status      string         `json:"status"` // PASS or FAIL
	Reason      string         `json:"reason,omitempty"`
	WallSeconds float64        `json:"wall_seconds"`
	ExitCode    int            `json:"exit_code"` // nbconvert's
	Errors      []string       `json:"errors"`
	Checks      []CheckSummary `json:"checks"`
	Browser     *browserPage   `json:"browser,omitempty"`
}

func buildSummary(runs []notebookRun, params map[string]string, quick bool, now time.Time) Summary {
	s := Summary{Generated: now.UTC().Format(time.RFC3339), Mode: "full", Params: params, Status: "PASS"}
	if quick {
		s.Mode = "quick"
	}
	for _, n := range runs {
		ns := NotebookSummary{
			Name: n.name, Source: n.source, Status: "PASS", WallSeconds: n.wall, ExitCode: n.exitCode,
			Errors: n.result.Errors, Checks: n.checks, Browser: n.browser,
		}
		if ns.Errors == nil {
			ns.Errors = []string{}
		}
		if ns.Checks == nil {
			ns.Checks = []CheckSummary{}
		}
		if !n.ok() {
			ns.Status, s.Status = "FAIL", "FAIL"
			ns.Reason = strings.TrimSuffix(strings.TrimPrefix(n.status(), "FAIL ("), ")")
			if ns.Reason == "FAIL" {
				ns.Reason = "failed checks"
			}
			s.Totals.FailedNotebooks++
		}
		s.WallSeconds += n.wall
		s.Totals.Notebooks++
		s.Totals.Checks += len(n.checks)
		s.Totals.Passed += len(n.result.Passed)
		s.Totals.Failed += len(n.result.Failed)
		s.Totals.CellErrors += len(n.result.Errors)
		s.Notebooks = append(s.Notebooks, ns)
	}
	if s.Params == nil {
		s.Params = map[string]string{}
	}
	return s
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
