// Command nbcheck reads notebooks executed by scripts/run.sh and reports their
// verification lines: every stdout line that starts with "PASS " or "FAIL "
// is a check. A notebook fails when a check fails, when a cell fails to build
// or run, or when it reports no check at all.
//
//	nbcheck -brief EXECUTED.ipynb   a summary line, then any FAIL and ERROR lines; exit status 1 if the notebook failed
//	nbcheck -manifest RUN.tsv [-junit FILE] [-summary FILE] [-browser browser.json]
//	                                every check and a table of all notebooks, optionally also as
//	                                JUnit XML and a JSON summary; exit 1 if any failed
//	nbcheck -params NB.ipynb...     check the overrides in OPTREP_PARAMS (scripts/run.sh -p) against
//	                                the parameters the notebooks read; one line and exit 1 if wrong
//
// The manifest, written by scripts/run.sh, has one tab-separated line per
// notebook: its source path, the executed copy, wall seconds, and nbconvert's exit code.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/optrep/optrep/pkg/nbparam"
)

func main() {
	brief := flag.String("brief", "", "executed notebook to summarise in one line")
	manifest := flag.String("manifest", "", "run manifest (TSV) to report on")
	junit := flag.String("junit", "", "with -manifest: write a JUnit XML report here")
	summary := flag.String("summary", "", "with -manifest: write a JSON summary here")
	browser := flag.String("browser", "", "with -manifest: the browser check's browser.json, to include")
	params := flag.Bool("params", false, "check the overrides in "+nbparam.EnvParams+" against the notebooks given as arguments")
	flag.Parse()
	var ok bool
	var err error
	switch {
	case *brief != "":
		ok, err = briefLine(os.Stdout, *brief)
	case *manifest != "":
		ok, err = manifestReport(os.Stdout, *manifest, *browser, *junit, *summary)
	case *params:
		// One line for scripts/run.sh to show as it is.
		if err := checkParams(os.Getenv(nbparam.EnvParams), flag.Args()); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	default:
		flag.Usage()
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "nbcheck:", err)
		os.Exit(2)
	}
	if !ok {
		os.Exit(1)
	}
}

func briefLine(w io.Writer, path string) (bool, error) {
	r, err := ParseFile(path)
	if err != nil {
		return false, err
	}
	fmt.Fprintf(w, "%d passed, %d failed, %d cell errors: %s\n", len(r.Passed), len(r.Failed), len(r.Errors), r.Status())
	for _, s := range r.Failed {
		fmt.Fprintf(w, "    FAIL %s\n", s)
	}
	for _, s := range r.Errors {
		fmt.Fprintf(w, "    ERROR %s\n", s)
	}
	return r.OK(), nil
}

// entry is one line of the manifest.
type entry struct {
	source, executed string
	wall             float64
	exitCode         int
}

func readManifest(path string) ([]entry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var es []entry
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		fields := strings.Split(sc.Text(), "\t")
		if len(fields) != 4 {
			return nil, fmt.Errorf("%s:%d: want 4 tab-separated fields, got %d", path, n, len(fields))
		}
		wall, err1 := strconv.ParseFloat(fields[2], 64)
		code, err2 := strconv.Atoi(fields[3])
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("%s:%d: wall seconds %q or exit code %q is not a number", path, n, fields[2], fields[3])
		}
		es = append(es, entry{fields[0], fields[1], wall, code})
	}
	return es, sc.Err()
}

// notebookRun is one notebook of a run: its manifest line and what its
// executed copy says.
type notebookRun struct {
	entry
	name    string // the notebook's file name without .ipynb
	result  Result
	checks  []CheckSummary
	browser *browserPage // nil when no browser check ran
}

// collect reads the manifest and every executed notebook it names, with the
// checks pkg/verify recorded beside it (logs/NAME.checks.jsonl) and, when
// browserPath is not empty, the browser check's verdicts.
func collect(manifest, browserPath string) ([]notebookRun, error) {
	es, err := readManifest(manifest)
	if err != nil {
		return nil, err
	}
	if len(es) == 0 {
		return nil, fmt.Errorf("%s lists no notebook", manifest)
	}
	var pages map[string]*browserPage
	if browserPath != "" {
		if pages, err = readBrowser(browserPath); err != nil {
			return nil, err
		}
	}
	runs := make([]notebookRun, len(es))
	for i, e := range es {
		name := strings.TrimSuffix(filepath.Base(e.source), ".ipynb")
		r, err := ParseFile(e.executed)
		if err != nil {
			// nbconvert wrote nothing (kernel died, timeout): the run log says why.
			r = Result{Errors: []string{fmt.Sprintf("no executed notebook (nbconvert exit %d): %v", e.exitCode, err)}}
		} else if e.exitCode != 0 {
			r.Errors = append(r.Errors, fmt.Sprintf("nbconvert exited with status %d", e.exitCode))
		}
		recs, err := readRecords(recordsPath(e.executed))
		if err != nil {
			return nil, err
		}
		runs[i] = notebookRun{entry: e, name: name, result: r, checks: summarise(r.Lines, recs)}
		if pages != nil {
			runs[i].browser = pages[name]
			if runs[i].browser == nil {
				runs[i].browser = &browserPage{Name: name, Problems: []string{
					"the browser check did not report on " + name + ".html (it stopped before; its output says why)"}}
			}
		}
	}
	return runs, nil
}

// recordsPath is where scripts/run.sh asks pkg/verify to record the checks
// of the notebook executed as DIR/NAME.ipynb: DIR/logs/NAME.checks.jsonl.
func recordsPath(executed string) string {
	name := strings.TrimSuffix(filepath.Base(executed), ".ipynb")
	return filepath.Join(filepath.Dir(executed), "logs", name+".checks.jsonl")
}

// ok reports whether the notebook passed, the browser check included.
func (n notebookRun) ok() bool {
	return n.result.OK() && (n.browser == nil || n.browser.OK)
}

func (n notebookRun) status() string {
	if s := n.result.Status(); s != "ok" || n.browser == nil || n.browser.OK {
		return s
	}
	return "FAIL (browser)"
}

// report prints the checks of every notebook, then a table, then a closing
// line "checks: N passed, N failed" that CI logs can be searched for.
func report(w io.Writer, manifest string) (bool, error) {
	runs, err := collect(manifest, "")
	if err != nil {
		return false, err
	}
	return printReport(w, runs)
}

func printReport(w io.Writer, runs []notebookRun) (bool, error) {
	allOK := true
	var passed, failed int
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "notebook\tchecks\tpassed\tfailed\tcell errors\twall\tstatus")
	for _, n := range runs {
		r := n.result
		fmt.Fprintf(w, "%s\n", n.source)
		for _, s := range r.Passed {
			fmt.Fprintf(w, "  PASS %s\n", s)
		}
		for _, s := range r.Failed {
			fmt.Fprintf(w, "  FAIL %s\n", s)
		}
		for _, s := range r.Errors {
			fmt.Fprintf(w, "  ERROR %s\n", s)
		}
		if len(r.Passed)+len(r.Failed) == 0 {
			fmt.Fprintf(w, "  (no PASS or FAIL line)\n")
		}
		if b := n.browser; b != nil {
			for _, p := range b.Problems {
				fmt.Fprintf(w, "  BROWSER %s\n", p)
			}
		}
		passed += len(r.Passed)
		failed += len(r.Failed)
		allOK = allOK && n.ok()
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%.1f s\t%s\n", filepath.Base(n.source),
			len(r.Passed)+len(r.Failed), len(r.Passed), len(r.Failed), len(r.Errors), n.wall, n.status())
	}
	fmt.Fprintln(w)
	if err := tw.Flush(); err != nil {
		return false, err
	}
	fmt.Fprintf(w, "\nchecks: %d passed, %d failed\n", passed, failed)
	return allOK, nil
}
