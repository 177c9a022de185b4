package main

import (
	"fmt"
	"io"
)

func runSim(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "optrep sim: not built yet")
	return 1
}
