#!/usr/bin/env bash
# browsercheck.sh: open every exported notebook in a real browser, offline, and check its charts.
#
#   scripts/browsercheck.sh [--install-only] [DIR]
#
# For each DIR/*.html (default DIR: out/ at the repository root) it starts headless Chromium
# with every network request blocked, and checks that every pkg/nbplot chart container
# (id="nbplot-…") drew a canvas that is not blank and that the page logged no error to the
# console (a missing script, an uncaught exception, a blocked request). It saves a screenshot
# of the whole page to DIR/screenshots/NAME.png and the verdicts to DIR/browser.json, which
# scripts/nbcheck folds into junit.xml and summary.json. Exit status 1 when a page fails.
# scripts/run.sh runs it at the end of a run unless given --no-browser.
#
# It installs what it needs, and nothing that is already there (as root, no stdin):
#   Debian packages   chromium (the browser; /usr/lib/chromium/chromium)
#   .optrep/browser/  playwright-core@$PLAYWRIGHT_VERSION from the npm registry, which drives
#                     the browser (no browser download: it uses Debian's Chromium)
# Environment: OPTREP_CHROMIUM overrides the browser executable.
set -euo pipefail

# playwright-core speaks the browser's DevTools protocol; this version drives Chromium 156 here.
readonly PLAYWRIGHT_VERSION="1.65.1"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT
readonly PW_DIR="$ROOT/.optrep/browser"

usage() {
	sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
}

apt_install() {
	export DEBIAN_FRONTEND=noninteractive
	# The lock timeout lets a concurrent apt (another setup, unattended upgrades) finish first.
	apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends "$@" ||
		{ apt-get -o DPkg::Lock::Timeout=300 update && apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends "$@"; }
}

# quietly NAME CMD...: run an install step, showing its output only when it fails.
quietly() {
	local name="$1" log rc=0
	shift
	log="$(mktemp)"
	printf '[browser] %s… ' "$name"
	"$@" >"$log" 2>&1 || rc=$?
	if ((rc != 0)); then
		echo "FAILED"
		tail -n 30 "$log" | sed 's/^/    /' >&2
		rm -f "$log"
		exit "$rc"
	fi
	echo done
	rm -f "$log"
}

install_chromium() {
	if dpkg-query -W -f='${Status}' chromium 2>/dev/null | grep -q 'install ok installed'; then
		return
	fi
	quietly "installing chromium from Debian" apt_install chromium
}

install_node() {
	command -v node >/dev/null && command -v npm >/dev/null && return
	quietly "installing nodejs and npm from Debian" apt_install nodejs npm
}

installed_playwright() {
	sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$PW_DIR/node_modules/playwright-core/package.json" 2>/dev/null | head -n 1
}

# fetch_playwright installs into a fresh folder and swaps it in, so that an interrupted
# install never leaves a half-written .optrep/browser behind.
fetch_playwright() {
	local tmp
	tmp="$(mktemp -d "$ROOT/.optrep/.browser.XXXXXX")"
	# playwright-core has no dependencies and no install script; the variable makes
	# sure that nothing tries to download a browser build.
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --prefix "$tmp" --no-audit --no-fund \
		--no-package-lock "playwright-core@$PLAYWRIGHT_VERSION"
	rm -rf "$PW_DIR"
	mv "$tmp" "$PW_DIR"
}

install_playwright() {
	if [[ "$(installed_playwright)" == "$PLAYWRIGHT_VERSION" ]]; then
		return
	fi
	mkdir -p "$ROOT/.optrep"
	quietly "fetching playwright-core $PLAYWRIGHT_VERSION from npm into .optrep/browser" fetch_playwright
}

chromium_binary() {
	if [[ -n "${OPTREP_CHROMIUM:-}" ]]; then
		echo "$OPTREP_CHROMIUM"
	elif [[ -x /usr/lib/chromium/chromium ]]; then
		# The binary itself: Debian's /usr/bin/chromium wrapper adds flags of its own.
		echo /usr/lib/chromium/chromium
	else
		command -v chromium
	fi
}

main() {
	local install_only=0 dir="$ROOT/out"
	while (($# > 0)); do
		case "$1" in
		--install-only) install_only=1 ;;
		-h | --help) usage; exit 0 ;;
		-*) echo "browsercheck.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
		*) dir="$1" ;;
		esac
		shift
	done
	install_chromium
	install_node
	install_playwright
	((install_only)) && return
	[[ -d "$dir" ]] || { echo "browsercheck.sh: $dir is not a folder" >&2; exit 2; }
	rm -rf "$dir/screenshots" "$dir/browser.json"
	OPTREP_CHROMIUM="$(chromium_binary)" OPTREP_PLAYWRIGHT="$PW_DIR/node_modules/playwright-core" \
		node "$ROOT/scripts/browsercheck.js" "$dir"
}

main "$@"
