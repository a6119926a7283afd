#!/usr/bin/env bash
# Creates the Python virtualenv used to test kubify's Pulumi programs, from the pinned
# tools/python/requirements-test.txt, in a cache OUTSIDE the repository keyed by the hash
# of that file and the interpreter's version:
#   ${KUBIFY_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/kubify}/venv/<sha12>/
# Skips all work when that virtualenv is already complete. Progress goes to stderr; the
# virtualenv's path is printed LAST on stdout, so `venv="$(tools/python/setup-venv.sh)"` works.
#
# Environment: PYTHON (interpreter to use, default python3), KUBIFY_CACHE_DIR.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
req="$here/requirements-test.txt"
log() { printf '[python-venv] %s\n' "$*" >&2; }

python="${PYTHON:-python3}"
if ! command -v "$python" >/dev/null 2>&1; then
  log "error: '$python' was not found on PATH."
  log "The Pulumi program tests need Python 3.9 or newer with the venv module and pip."
  log "Install python3 (Debian: apt-get install python3 python3-venv) or set PYTHON=/path/to/python3."
  exit 127
fi
if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 9) else 1)' 2>/dev/null; then
  log "error: $("$python" --version 2>&1) is too old; Python 3.9 or newer is required (PYTHON=...)."
  exit 1
fi
if ! "$python" -c 'import venv, ensurepip' 2>/dev/null; then
  log "error: $python lacks the venv/ensurepip modules (Debian: apt-get install python3-venv)."
  exit 1
fi

pyver="$("$python" -c 'import sys, platform; print("%d.%d.%d-%s" % (sys.version_info[:3] + (platform.machine(),)))')"
key="$( { cat "$req"; echo "python=$pyver"; } | sha256sum | cut -c1-12)"
cache_root="${KUBIFY_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kubify}"
venv="$cache_root/venv/$key"

if [[ -f "$venv/.kubify-complete" && -x "$venv/bin/python" ]]; then
  log "cached: $venv (python $pyver)"
  echo "$venv"
  exit 0
fi

mkdir -p "$cache_root/venv"
# One creator at a time per key; a second caller waits and then finds it complete.
exec 9>"$cache_root/venv/.$key.lock"
if command -v flock >/dev/null 2>&1; then
  if ! flock -n 9; then
    log "another process is creating this virtualenv; waiting for it..."
    flock 9
  fi
  if [[ -f "$venv/.kubify-complete" && -x "$venv/bin/python" ]]; then
    log "cached: $venv (created by another process)"
    echo "$venv"
    exit 0
  fi
fi

start=$(date +%s)
tmp="$cache_root/venv/.build-$key-$$"
rm -rf "$tmp" "$venv"
trap 'rm -rf "$tmp"' EXIT
log "creating virtualenv for python $pyver (key $key)"
"$python" -m venv "$tmp"
log "installing $(grep -cE '^[A-Za-z]' "$req") pinned packages (pulumi SDKs for kubernetes, eks+aws, gcp, azure-native; ~1.1 GB, about a minute on a warm network)..."
# Plain progress lines (one per package) rather than progress bars: readable in CI logs.
"$tmp/bin/python" -m pip install --disable-pip-version-check --no-input --progress-bar off \
  -r "$req" 2>&1 | awk '/^(Collecting|Installing collected|Successfully installed|ERROR|error)/ {
      if ($1 == "Successfully") { print "[python-venv]   installed " (NF - 2) " packages" }
      else if ($1 == "Collecting") { n++; print "[python-venv]   (" n ") " $0 }
      else { print "[python-venv]   " $0 } ; fflush() }' >&2
status=${PIPESTATUS[0]}
if [[ $status -ne 0 ]]; then
  log "error: pip install failed (exit $status); see the messages above."
  exit "$status"
fi
"$tmp/bin/python" - >&2 <<'EOF'
import importlib
for m in ("pulumi", "pulumi_kubernetes", "pulumi_eks", "pulumi_aws", "pulumi_gcp", "pulumi_azure_native", "pytest", "yaml"):
    importlib.import_module(m)
print("[python-venv]   import check passed")
EOF
# Built under a temporary name so an interrupted install never looks complete; the scripts
# in bin/ (pip, pytest, activate) name that directory, so point them at the final one.
mv "$tmp" "$venv"
trap - EXIT
grep -rlF "$tmp" "$venv/bin" 2>/dev/null | while read -r f; do
  sed -i "s#$tmp#$venv#g" "$f"
done
touch "$venv/.kubify-complete"
log "ready in $(( $(date +%s) - start ))s, $(du -sh "$venv" | cut -f1): $venv"
echo "$venv"
