#!/usr/bin/env bash
# bench.sh: the Go benchmarks beside a numpy/scipy peer, in one run, as one table (issue 7).
#
#   scripts/bench.sh [--count N] [--notebooks]
#
# Tasks (Go benchmark | peer in scripts/bench/peer.py):
#   theory evaluation      BenchmarkEvaluate (pkg/theory)      | scipy.integrate.quad + brentq, κ = 0.3
#   theory κ sweep         BenchmarkSweep1000                  | the same at the 1000 κ of the Go sweep;
#                          its values are checked against Go's (scripts/bench/sweepvalues) to 1e-8
#   phase diagram          BenchmarkPhaseDiagram100            | none (scipy would take hours); target < 5 s
#   PCA alone, d = 1000    BenchmarkTopEigenvectorsD1000 (pkg/sim) | numpy.linalg.eigh of the covariance
#   trial, every k         BenchmarkTrialD1000AllK             | eigh, then numpy.linalg.lstsq for each k
#   trial, every k (QR)    the same Go time                    | eigh, one QR, a triangular solve per k
#   notebooks (--notebooks only; each takes many minutes): scripts/run.sh --quick, then
#                          scripts/run.sh, with --no-cache and the results in a temporary directory
#
# Every time is the best of --count runs (default 3); a peer task over 10 s runs once. The
# ratio is Go time / peer time: below 1 Go is faster. Times are wall-clock on a shared
# machine, so compare the ratios of one run, not absolute times across runs.
#
# Installs Debian's python3-numpy and python3-scipy with apt-get when /usr/bin/python3 lacks
# them (needs root; no prompt). The peer runs with Debian's /usr/bin/python3, not whatever
# python3 comes first on PATH. Exits 1 when the sweep values disagree with Go's.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT
readonly PY=/usr/bin/python3

usage() {
	sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
}

COUNT=3
NOTEBOOKS=0
while (($#)); do
	case "$1" in
	--count)
		[[ $# -ge 2 && "$2" =~ ^[1-9][0-9]*$ ]] || {
			echo "bench.sh: --count needs a positive integer" >&2
			exit 2
		}
		COUNT="$2"
		shift
		;;
	--notebooks) NOTEBOOKS=1 ;;
	-h | --help)
		usage
		exit 0
		;;
	*)
		echo "bench.sh: unknown argument '$1' (see --help)" >&2
		exit 2
		;;
	esac
	shift
done

# ensure_peer installs numpy and scipy for Debian's python when they are missing.
ensure_peer() {
	if [[ -x "$PY" ]] && "$PY" -c 'import numpy, scipy' 2>/dev/null; then
		return
	fi
	if ((EUID != 0)); then
		echo "bench.sh: $PY needs numpy and scipy; run as root to install python3-numpy and python3-scipy" >&2
		exit 1
	fi
	echo "installing python3-numpy python3-scipy (apt-get)…" >&2
	export DEBIAN_FRONTEND=noninteractive
	if ! apt-get install -y -q python3-numpy python3-scipy </dev/null >/dev/null; then
		apt-get update -q </dev/null >/dev/null
		apt-get install -y -q python3-numpy python3-scipy </dev/null >/dev/null
	fi
	"$PY" -c 'import numpy, scipy'
}

ensure_peer
TMP="$(mktemp -d "${TMPDIR:-/tmp}/optrep-bench.XXXXXX")"
readonly TMP
trap 'rm -rf "$TMP"' EXIT
cd "$ROOT"

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores" >&2

# gobench PKG PATTERN [FLAGS...]: run benchmarks, append "name<TAB>best seconds" lines.
gobench() {
	local pkg="$1" pattern="$2"
	shift 2
	echo "go test -bench '$pattern' $pkg …" >&2
	go test -run '^$' -bench "$pattern" -count "$COUNT" "$@" "$pkg" >"$TMP/raw.txt" || {
		cat "$TMP/raw.txt" >&2
		exit 1
	}
	awk '$1 ~ /^Benchmark/ && $4 == "ns/op" {
		name = $1; sub(/-[0-9]+$/, "", name)
		s = $3 / 1e9
		if (!(name in best) || s < best[name]) best[name] = s
	}
	END { for (n in best) printf "%s\t%.6f\n", n, best[n] }' "$TMP/raw.txt" >>"$TMP/go.tsv"
}

: >"$TMP/go.tsv"
gobench ./pkg/theory/ '^(BenchmarkEvaluate|BenchmarkSweep1000)$'
gobench ./pkg/theory/ '^BenchmarkPhaseDiagram100$' -benchtime 1x
gobench ./pkg/sim/ '^(BenchmarkTopEigenvectorsD1000|BenchmarkTrialD1000AllK)$' -benchtime 1x

go run ./scripts/bench/sweepvalues >"$TMP/go-sweep.txt"
echo "peer (numpy/scipy, $PY) …" >&2
status=0
"$PY" "$ROOT/scripts/bench/peer.py" --go-sweep "$TMP/go-sweep.txt" --out "$TMP/peer.tsv" --repeat "$COUNT" || status=$?

: >"$TMP/nb.tsv"
if ((NOTEBOOKS)); then
	for mode in quick full; do
		flags=(--no-cache --out "$TMP/notebooks-$mode")
		[[ $mode == quick ]] && flags+=(--quick)
		echo "scripts/run.sh ${flags[*]} …" >&2
		start=$(date +%s.%N)
		if "$ROOT/scripts/run.sh" "${flags[@]}" >"$TMP/notebooks-$mode.log" 2>&1; then
			result=pass
		else
			result=FAIL
			status=1
			tail -20 "$TMP/notebooks-$mode.log" >&2
		fi
		end=$(date +%s.%N)
		printf '%s\t%s\t%s\n' "$mode" "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')" "$result" >>"$TMP/nb.tsv"
	done
fi

echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo
awk -F'\t' -v go="$TMP/go.tsv" -v peer="$TMP/peer.tsv" -v nb="$TMP/nb.tsv" '
function fmt(s) {
	if (s == "") return "—"
	if (s < 1e-3) return sprintf("%.1f µs", s * 1e6)
	if (s < 1) return sprintf("%.1f ms", s * 1e3)
	return sprintf("%.2f s", s)
}
function row(task, g, p, target, pass,   ratio, verdict) {
	ratio = (g != "" && p != "") ? sprintf("%.3g", g / p) : "—"
	verdict = target == "" ? "" : target " " (pass ? "PASS" : "FAIL")
	printf "%-38s %12s %14s %10s   %s\n", task, fmt(g), fmt(p), ratio, verdict
}
BEGIN {
	while ((getline line < go) > 0) { split(line, f, "\t"); G[f[1]] = f[2] }
	while ((getline line < peer) > 0) { split(line, f, "\t"); P[f[1]] = f[2] }
	printf "%-38s %12s %14s %10s   %s\n", "task", "Go", "numpy/scipy", "Go/peer", "target"
	printf "%-38s %12s %14s %10s   %s\n", "----", "--", "-----------", "-------", "------"
	g = G["BenchmarkEvaluate"]; p = P["evaluate"]
	row("theory: one evaluation", g, p, "", 0)
	g = G["BenchmarkSweep1000"]; p = P["sweep"]
	row("theory: κ sweep, 1000 points", g, p, "≤ 0.02 (50× faster)", g != "" && p != "" && g / p <= 0.02)
	g = G["BenchmarkPhaseDiagram100"]
	row("theory: 100×100 phase diagram, κ*", g, "", "< 5 s", g != "" && g < 5)
	row("sim: PCA alone, d = 1000", G["BenchmarkTopEigenvectorsD1000"], P["eigh"], "", 0)
	g = G["BenchmarkTrialD1000AllK"]; p = P["trial"]
	row("sim: trial, k = 1..d, lstsq per k", g, p, "≤ 1.0", g != "" && p != "" && g / p <= 1)
	row("sim: trial, k = 1..d, numpy nested QR", g, P["trial-qr"], "", 0)
	while ((getline line < nb) > 0) {
		split(line, f, "\t")
		row("notebooks: scripts/run.sh " (f[1] == "quick" ? "--quick" : "(full)") " [" f[3] "]", f[2], "", "", 0)
	}
}'
exit "$status"
