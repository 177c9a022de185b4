#!/usr/bin/env bash
# run.sh: execute the notebooks headless, export them to HTML, and collect their checks.
#
#   scripts/run.sh [--quick] [--no-cache] [--no-browser] [-p NAME=VALUE ...] [--out DIR] [NOTEBOOK.ipynb ...]
#
# Without notebook arguments it runs every notebooks/*.ipynb. Each one is executed
# by `jupyter nbconvert --execute` with the GoNB kernel; every stdout line of the
# executed notebook that starts with "PASS " or "FAIL " is a check (scripts/nbcheck).
# The run fails when a check fails, a cell fails, a notebook reports no check, or (see
# below) the browser check fails.
#
# Results go to DIR (default: out/ at the repository root): for each notebook the
# executed .ipynb, its .html export, logs/NAME.log, figures/NAME/ and screenshots/NAME.png,
# plus manifest.tsv, report.txt, junit.xml (one testsuite per notebook, one testcase per
# check) and summary.json (every check with measured and expected values, wall times).
# The run is staged beside DIR and replaces DIR only when it succeeds; a failed run
# is kept in DIR.failed and DIR keeps the last good run. DIR must be new, empty or the
# results of an earlier run (which leaves the marker file .optrep-run in it): run.sh
# refuses to replace any other folder.
#
# When every notebook passed, scripts/browsercheck.sh opens each HTML export in headless
# Chromium with no network and checks that every chart drew and the console shows no
# error; its failure fails the run. --no-browser skips it.
#
# -p NAME=VALUE (repeatable, like papermill's) overrides a parameter that a notebook reads
# with pkg/nbparam (nbparam.Int("d", 1000), Float, Ints, Floats; lists comma-separated).
# It applies to every notebook of the run that reads NAME. Before anything runs, a NAME
# that no notebook of the run reads, or a VALUE of the wrong kind, stops the run with a
# one-line error. The overrides reach the notebooks as OPTREP_PARAMS, one NAME=VALUE per line.
#
# Environment: OPTREP_QUICK is set to 1 with --quick (0 otherwise) for the notebooks
# to read; OPTREP_CELL_TIMEOUT (seconds, default 3600) bounds each cell;
# OPTREP_ECHARTS_INLINE defaults to "once" (see pkg/nbplot); OPTREP_FIGURES is set
# to DIR/figures/NAME for each notebook (pkg/nbplot's Show writes PNG, SVG and CSV there). Simulations are cached
# in .optrep/cache (pkg/simcache), keyed by their parameters, seed and the code's
# version; --no-cache recomputes them all, in a fresh cache shared by this run's cells.
# OPTREP_CHECKS is set to DIR/logs/NAME.checks.jsonl, where pkg/verify records each check
# in parts for summary.json.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT

usage() {
	sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
}

QUICK=0
NO_CACHE=0
BROWSER=1
OUT="$ROOT/out"
NOTEBOOKS=()
PARAMS=()

parse_args() {
	while (($# > 0)); do
		case "$1" in
		--quick) QUICK=1 ;;
		--no-cache) NO_CACHE=1 ;;
		--no-browser) BROWSER=0 ;;
		-p | --param)
			[[ $# -ge 2 ]] || { echo "run.sh: $1 needs NAME=VALUE" >&2; exit 2; }
			add_param "$2"
			shift
			;;
		--param=*) add_param "${1#--param=}" ;;
		--out)
			[[ $# -ge 2 ]] || { echo "run.sh: --out needs a directory" >&2; exit 2; }
			OUT="$2"
			shift
			;;
		--out=*) OUT="${1#--out=}" ;;
		-h | --help) usage; exit 0 ;;
		-*) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
		*) NOTEBOOKS+=("$1") ;;
		esac
		shift
	done
}

add_param() {
	case "$1" in
	*$'\n'*) echo "run.sh: -p $1: the value must be one line" >&2; exit 2 ;;
	?*=?*) PARAMS+=("$1") ;;
	*) echo "run.sh: -p $1: want NAME=VALUE" >&2; exit 2 ;;
	esac
}

# resolve_notebooks makes every path absolute and checks that the names are unique,
# since the outputs of all notebooks share one folder.
resolve_notebooks() {
	if ((${#NOTEBOOKS[@]} == 0)); then
		shopt -s nullglob
		NOTEBOOKS=("$ROOT"/notebooks/*.ipynb)
		shopt -u nullglob
		if ((${#NOTEBOOKS[@]} == 0)); then
			echo "run.sh: no notebooks/*.ipynb to run (pass notebook paths to run others)" >&2
			exit 2
		fi
	fi
	local -A seen=()
	local i name
	for i in "${!NOTEBOOKS[@]}"; do
		[[ -f "${NOTEBOOKS[$i]}" ]] || { echo "run.sh: ${NOTEBOOKS[$i]}: no such notebook" >&2; exit 2; }
		[[ "${NOTEBOOKS[$i]}" == *.ipynb ]] || { echo "run.sh: ${NOTEBOOKS[$i]}: not a notebook (want a .ipynb file)" >&2; exit 2; }
		NOTEBOOKS[i]="$(realpath "${NOTEBOOKS[$i]}")"
		name="$(basename "${NOTEBOOKS[$i]}")"
		if [[ -n "${seen[$name]:-}" ]]; then
			echo "run.sh: two notebooks are named $name; their outputs would collide" >&2
			exit 2
		fi
		seen[$name]=1
	done
}

# check_out refuses an output folder that run.sh did not make: a run replaces DIR (and
# DIR.failed, DIR.old) wholesale, so DIR must not exist yet, be empty, or hold the marker
# file that every run leaves in its results. Anything else (a folder of the repository,
# a thesis, a notebook given by mistake as DIR) is left alone.
readonly OUT_MARKER=".optrep-run"
check_out() {
	if [[ -z "$OUT" ]]; then
		echo "run.sh: --out needs a directory" >&2
		exit 2
	fi
	mkdir -p "$(dirname "$OUT")"
	OUT="$(realpath -m "$OUT")"
	local nb dir
	for nb in "${NOTEBOOKS[@]}"; do
		case "$nb" in
		"$OUT" | "$OUT"/*) echo "run.sh: --out $OUT contains $nb; choose another output folder" >&2; exit 2 ;;
		esac
	done
	case "$ROOT/" in
	"$OUT"/*) echo "run.sh: refusing to use $OUT as the output folder: it holds the repository" >&2; exit 2 ;;
	esac
	for dir in "$OUT" "$OUT.failed" "$OUT.old"; do
		if [[ -e "$dir" && ! -d "$dir" ]]; then
			echo "run.sh: --out $OUT: $dir exists and is not a folder; choose another output folder" >&2
			exit 2
		fi
		# manifest.tsv: the results of a run from before the marker.
		if [[ -d "$dir" && ! -e "$dir/$OUT_MARKER" && ! -e "$dir/manifest.tsv" && -n "$(ls -A "$dir")" ]]; then
			echo "run.sh: --out $OUT: $dir is not empty and was not written by run.sh; choose another output folder" >&2
			exit 2
		fi
	done
}

# Runs go through the project's own kernel spec, tools and echarts copy.
prepare_env() {
	export JUPYTER_PATH="$ROOT/.optrep/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
	export PATH="$ROOT/.optrep/bin:$PATH"
	export OPTREP_QUICK="$QUICK"
	if ((NO_CACHE)); then
		# Cells of one notebook still share results; nothing from earlier runs is read.
		OPTREP_CACHE="$(mktemp -d "${TMPDIR:-/tmp}/optrep-cache.XXXXXX")"
		export OPTREP_CACHE
	fi
	export OPTREP_ECHARTS="${OPTREP_ECHARTS:-$ROOT/.optrep/assets/echarts.min.js}"
	# One page shows a whole headless session, so echarts needs sending only once (pkg/nbplot).
	export OPTREP_ECHARTS_INLINE="${OPTREP_ECHARTS_INLINE:-once}"
	JUPYTER=/usr/bin/jupyter
	[[ -x "$JUPYTER" ]] || JUPYTER="$(command -v jupyter)"
	CELL_TIMEOUT="${OPTREP_CELL_TIMEOUT:-3600}"
	(cd "$ROOT" && go build -o "$ROOT/.optrep/bin/nbcheck" ./scripts/nbcheck)
	# pkg/nbparam's encoding: one NAME=VALUE per line (a value may hold commas and spaces).
	OPTREP_PARAMS=""
	((${#PARAMS[@]} == 0)) || OPTREP_PARAMS="$(printf '%s\n' "${PARAMS[@]}")"
	export OPTREP_PARAMS
}

# check_params stops a run whose -p names a parameter that no notebook reads, or gives
# it a value of the wrong kind, before hours go into notebooks that would ignore it.
check_params() {
	((${#PARAMS[@]} > 0)) || return 0
	local msg
	if ! msg="$("$ROOT/.optrep/bin/nbcheck" -params "${NOTEBOOKS[@]}" 2>&1)"; then
		echo "run.sh: $msg" >&2
		exit 2
	fi
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# quiet_log drops what GoNB and nbconvert always print (info lines, the note that
# gopls is missing, which only matters for autocompletion) to leave what went wrong.
quiet_log() {
	awk '
		/^I[0-9][0-9][0-9][0-9] / || /Could not parse Jupyter KernelId/ { next }
		/Program gopls is not installed/ { have = 0; skip = 1; fences = 0; next }
		skip { if ($0 ~ /^```/ && ++fences == 2) skip = 0; next }
		# Hold each line one step: the gopls note starts on the line after its log header.
		{ if (have) print held; held = $0; have = 1 }
		END { if (have) print held }
	' "$1"
}

# stop_notebook ends the notebook being executed, if any, kernel included. Jupyter starts
# the kernel in a session of its own, and GoNB does not watch its parent: killed without
# a clean shutdown, nbconvert would leave the kernel and its cell's program running.
# The kernel leads its own process group, so one signal reaches both.
NBCONVERT=""
stop_notebook() {
	[[ -n "$NBCONVERT" ]] || return 0
	local kid
	for kid in $(cat /proc/"$NBCONVERT"/task/*/children 2>/dev/null); do
		kill -TERM -- "-$kid" 2>/dev/null || kill -TERM "$kid" 2>/dev/null || true
	done
	kill -TERM "$NBCONVERT" 2>/dev/null || true
	wait "$NBCONVERT" 2>/dev/null || true
	NBCONVERT=""
}

# run_one NOTEBOOK INDEX: execute one notebook into the stage folder and export it.
# Returns non-zero when the notebook failed; the caller carries on with the next.
run_one() {
	local nb="$1" index="$2"
	local name shown log start wall rc=0 brief brc=0
	name="$(basename "$nb" .ipynb)"
	shown="$nb"
	[[ "$nb" == "$ROOT"/* ]] && shown="${nb#"$ROOT"/}"
	log="$STAGE/logs/$name.log"
	printf '[run] (%d/%d) %s… ' "$index" "${#NOTEBOOKS[@]}" "$shown"
	start="$(now)"
	# pkg/nbplot's Show saves each figure (PNG, SVG, CSV) here; it moves to the output with the run.
	export OPTREP_FIGURES="$STAGE/figures/$name"
	# pkg/verify records each check in parts here, for summary.json.
	export OPTREP_CHECKS="$STAGE/logs/$name.checks.jsonl"
	# --allow-errors: keep executing and write the notebook even when a cell fails, so
	# that the executed copy shows the error; nbcheck turns it into a failure.
	# In the background, so that a signal reaches the trap at once rather than after
	# the notebook (bash defers traps while a foreground command runs).
	"$JUPYTER" nbconvert --to notebook --execute --allow-errors \
		--ExecutePreprocessor.timeout="$CELL_TIMEOUT" \
		--ExecutePreprocessor.kernel_name=gonb \
		--output-dir "$STAGE" --output "$name" "$nb" >"$log" 2>&1 &
	NBCONVERT=$!
	wait "$NBCONVERT" || rc=$?
	NBCONVERT=""
	wall="$(elapsed "$start")"
	if [[ -f "$STAGE/$name.ipynb" ]]; then
		"$JUPYTER" nbconvert --to html --output-dir "$STAGE" "$STAGE/$name.ipynb" \
			>"$STAGE/logs/$name.html.log" 2>&1 ||
			echo "[run] HTML export of $name failed, see logs/$name.html.log" >&2
		brief="$("$ROOT/.optrep/bin/nbcheck" -brief "$STAGE/$name.ipynb" 2>&1)" || brc=$?
	else
		brief="no executed notebook was written"
		brc=1
	fi
	((rc == 0)) || brc=1
	printf '%s\t%s\t%s\t%s\n' "$shown" "$name.ipynb" "$wall" "$rc" >>"$STAGE/manifest.tsv"
	# The summary goes on the progress line; FAIL and ERROR lines, if any, below it.
	printf '%s (%s s)\n' "${brief%%$'\n'*}" "$wall"
	[[ "$brief" == *$'\n'* ]] && printf '%s\n' "${brief#*$'\n'}"
	if ((rc != 0)) || [[ "$brief" == *"ERROR "* || "$brief" == "no executed"* ]]; then
		# A failed check speaks for itself; a failed cell or kernel needs the log.
		echo "    last lines of logs/$name.log:"
		quiet_log "$log" | tail -n 25 | sed 's/^/      /'
	fi
	return "$brc"
}

main() {
	parse_args "$@"
	resolve_notebooks
	check_out
	"$ROOT/scripts/setup.sh"
	prepare_env
	check_params

	STAGE="$(mktemp -d "$(dirname "$OUT")/.$(basename "$OUT").staging.XXXXXX")"
	chmod 755 "$STAGE"
	mkdir -p "$STAGE/logs"
	echo "results of scripts/run.sh; a later run replaces this folder" >"$STAGE/$OUT_MARKER"
	# An interrupted run leaves no half-written folder behind under a real name.
	trap 'stop_notebook; rm -rf "$STAGE"; echo "[run] interrupted; $(basename "$OUT")/ untouched" >&2; exit 130' INT TERM

	local mode=full
	((QUICK)) && mode=quick
	local overrides=""
	((${#PARAMS[@]} == 0)) || overrides=", overriding ${PARAMS[*]}"
	echo "[run] ${#NOTEBOOKS[@]} notebook(s), $mode mode$overrides, staging in $STAGE"
	local i=0 nb failed=0
	for nb in "${NOTEBOOKS[@]}"; do
		i=$((i + 1))
		run_one "$nb" "$i" || failed=1
	done

	# The browser check looks at the exports of a run that passed; it saves its
	# screenshots and browser.json into the stage, so a failure moves them to DIR.failed.
	local browser_args=()
	if ((BROWSER && !failed)); then
		echo
		"$ROOT/scripts/browsercheck.sh" "$STAGE" || failed=1
		# Without browser.json (no browser could start) nbcheck marks every page as unchecked.
		browser_args=(-browser browser.json)
	elif ((BROWSER)); then
		echo "[run] browser check skipped: a notebook failed"
	fi

	echo
	local rc=0
	(cd "$STAGE" && "$ROOT/.optrep/bin/nbcheck" -manifest manifest.tsv -junit junit.xml -summary summary.json \
		"${browser_args[@]}") | tee "$STAGE/report.txt" || rc=$?
	((rc == 0 && failed == 0)) || failed=1
	trap - INT TERM

	if ((failed)); then
		rm -rf "$OUT.failed"
		mv "$STAGE" "$OUT.failed"
		echo "[run] FAILED: this run's notebooks, HTML and logs are in $OUT.failed/;" \
			"$(basename "$OUT")/ still holds the last successful run."
		exit 1
	fi
	# Swap: the old results leave only once the new ones are complete.
	rm -rf "$OUT.old"
	[[ -e "$OUT" ]] && mv "$OUT" "$OUT.old"
	mv "$STAGE" "$OUT"
	rm -rf "$OUT.old" "$OUT.failed"
	echo "[run] ok: results in $OUT/"
}

main "$@"
