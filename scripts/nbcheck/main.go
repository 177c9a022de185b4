// Command nbcheck reads notebooks executed by scripts/run.sh and reports their
// verification lines: every stdout line that starts with "PASS " or "FAIL "
// is a check. A notebook fails when a check fails, when a cell fails to build
// or run, or when it reports no check at all.
//
//	nbcheck -brief EXECUTED.ipynb   a summary line, then any FAIL and ERROR lines; exit status 1 if the notebook failed
//	nbcheck -manifest RUN.tsv       every check and a table of all notebooks; exit 1 if any failed
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
)

func main() {
	brief := flag.String("brief", "", "executed notebook to summarise in one line")
	manifest := flag.String("manifest", "", "run manifest (TSV) to report on")
	flag.Parse()
	var ok bool
	var err error
	switch {
	case *brief != "":
		ok, err = briefLine(os.Stdout, *brief)
	case *manifest != "":
		ok, err = report(os.Stdout, *manifest)
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

// report prints the checks of every notebook, then a table, then a closing
// line "checks: N passed, N failed" that CI logs can be searched for.
func report(w io.Writer, manifest string) (bool, error) {
	es, err := readManifest(manifest)
	if err != nil {
		return false, err
	}
	if len(es) == 0 {
		return false, fmt.Errorf("%s lists no notebook", manifest)
	}
	allOK := true
	var passed, failed int
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "notebook\tchecks\tpassed\tfailed\tcell errors\twall\tstatus")
	for _, e := range es {
		name := filepath.Base(e.source)
		fmt.Fprintf(w, "%s\n", e.source)
		r, err := ParseFile(e.executed)
		if err != nil {
			// nbconvert wrote nothing (kernel died, timeout): the run log says why.
			r = Result{Errors: []string{fmt.Sprintf("no executed notebook (nbconvert exit %d): %v", e.exitCode, err)}}
		} else if e.exitCode != 0 {
			r.Errors = append(r.Errors, fmt.Sprintf("nbconvert exited with status %d", e.exitCode))
		}
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
		passed += len(r.Passed)
		failed += len(r.Failed)
		allOK = allOK && r.OK()
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%.1f s\t%s\n", name,
			len(r.Passed)+len(r.Failed), len(r.Passed), len(r.Failed), len(r.Errors), e.wall, r.Status())
	}
	fmt.Fprintln(w)
	if err := tw.Flush(); err != nil {
		return false, err
	}
	fmt.Fprintf(w, "\nchecks: %d passed, %d failed\n", passed, failed)
	return allOK, nil
}
