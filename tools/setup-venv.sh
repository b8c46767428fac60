#!/usr/bin/env bash
# Create the project's virtual environment with a working Python >= 3.12 and install exodus into it.
# Usage: setup-venv.sh VENV [EXTRAS]   EXTRAS is a comma-separated list of pyproject extras
# (`make run` passes none: only what running needs; `make test` passes dev,app,dask).
# Each step says what it does, and pip's resolver names each package as it goes, so a slow
# network shows as slow progress, not as silence. pyenv puts a `python3.12` shim on PATH that exits 127 when that version is not active, so each
# candidate is run, not just looked up: PATH first, then every version pyenv has installed.
set -euo pipefail
venv=${1:-.venv}
extras=${2:-}

works() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }

candidates=()
[ -n "${EXODUS_PYTHON:-}" ] && candidates+=("$EXODUS_PYTHON")
for name in python3.12 python3.13 python3.14 python3 python; do
  command -v "$name" >/dev/null 2>&1 && candidates+=("$(command -v "$name")")
done
if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root 2>/dev/null || true)
  # 3.12 first: the version the project is tested on; then any newer one.
  for dir in $(ls -d "$root"/versions/3.1[2-9]* 2>/dev/null | sort -V); do
    for bin in "$dir"/bin/python3.1[2-9] "$dir"/bin/python3; do [ -x "$bin" ] && candidates+=("$bin"); done
  done
fi
for dir in $(ls -d "$HOME"/.pyenv/versions/3.1[2-9]* 2>/dev/null | sort -V); do
  [ -x "$dir/bin/python3" ] && candidates+=("$dir/bin/python3")
done

python=""
for c in "${candidates[@]}"; do
  if works "$c"; then python=$c; break; fi
done
if [ -z "$python" ]; then
  echo "exodus needs Python >= 3.12 (Mesa 3.5 requires it) and none works on this machine." >&2
  echo "Install one (e.g. 'pyenv install 3.12' or your system's python3.12 package)," >&2
  echo "or point EXODUS_PYTHON at its interpreter: EXODUS_PYTHON=/path/to/python3.12 make test" >&2
  exit 1
fi
echo "setup: using $python ($("$python" --version 2>&1))"
if [ ! -x "$venv/bin/python" ] || ! works "$venv/bin/python"; then
  echo "setup: creating the virtual environment $venv"
  rm -rf "$venv"
  "$python" -m venv "$venv"
fi
target="."
what="exodus and what running it needs"
if [ -n "$extras" ]; then
  target=".[$extras]"
  what="exodus with the extras $extras (tests, classroom page, Dask)"
fi
# Show what pip does, one line per package, without its per-file noise or the warnings of index
# locations this machine's pip configuration names but does not have.
quiet_pip() {
  "$venv/bin/python" -m pip "$@" --progress-bar off 2>&1 | awk '
    /is ignored: it is neither a file nor a directory/ { next }
    /^ERROR|^error/ { failed = 1 }
    failed { print; next }
    /^Collecting / { print "  collecting " $2; fflush() }
    /^Installing collected packages/ { print "setup: installing the collected packages"; fflush() }
    /^Successfully installed/ { print "setup: installed " NF - 2 " packages"; fflush() }
  '
}
echo "setup: upgrading pip"
quiet_pip install --upgrade pip >/dev/null
echo "setup: installing $what into $venv (pip names each package it collects)"
quiet_pip install -e "$target"
echo "setup: done ($(du -sh "$venv" 2>/dev/null | cut -f1) in $venv)"
