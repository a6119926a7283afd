#!/usr/bin/env bash
# Builds the embedded control plane (kube-apiserver + etcd) and a kubectl of the
# same version from pinned Go modules into a cache outside the repository, keyed
# by version:
#   ${KUBIFY_CACHE_DIR:-~/.cache/kubify}/controlplane/<k8s>-etcd<etcd>/{kube-apiserver,etcd,kubectl}
# It builds only the binaries that are missing. Prints the directory holding the
# binaries as its last line.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
k8s_version="$(awk '/^require k8s.io\/kubernetes /{print $3}' "$here/kube-apiserver/go.mod")"
etcd_version="$(awk '/^require go.etcd.io\/etcd\/server\/v3 /{print $3}' "$here/etcd/go.mod")"
cache_root="${KUBIFY_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kubify}"
out="$cache_root/controlplane/${k8s_version}-etcd${etcd_version}"

log() { printf '[controlplane] %s\n' "$*" >&2; }

if [[ -x "$out/kube-apiserver" && -x "$out/etcd" && -x "$out/kubectl" ]]; then
  log "cached: $out"
  echo "$out"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  log "error: Go is not installed or not on PATH."
  log "The embedded control plane is built from Go modules (kube-apiserver $k8s_version, etcd $etcd_version)."
  log "Install Go 1.24 or newer (https://go.dev/doc/install) and run this again."
  exit 127
fi

mkdir -p "$out"
tmp="$(mktemp -d "$out/.build.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

build() { # name dir package ldflags
  local name="$1" dir="$2" pkg="$3" ldflags="$4" start
  start=$(date +%s)
  log "building $name (first build downloads modules and compiles for several minutes)..."
  ( cd "$dir" && go mod download -x 2>&1 | awk '/^# get .*200 OK/{n++; if (n % 50 == 0) printf "[controlplane]   %s: %d modules downloaded\n", "'"$name"'", n > "/dev/stderr"}' )
  ( cd "$dir" && CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$tmp/$name" "$pkg" ) &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 15
    kill -0 "$pid" 2>/dev/null && log "  $name: still compiling ($(( $(date +%s) - start ))s)"
  done
  wait "$pid"
  log "built $name in $(( $(date +%s) - start ))s"
}

minor="${k8s_version#v1.}"; minor="${minor%%.*}"
vpkg=k8s.io/component-base/version
kflags="-s -w -X $vpkg.gitVersion=$k8s_version -X $vpkg.gitMajor=1 -X $vpkg.gitMinor=$minor -X $vpkg.gitTreeState=clean -X $vpkg.buildDate=1970-01-01T00:00:00Z"
# Each binary is built only when missing, then moved into place on its own, so an
# interrupted build keeps what it finished.
if [[ ! -x "$out/kube-apiserver" ]]; then
  build kube-apiserver "$here/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver "$kflags"
  mv "$tmp/kube-apiserver" "$out/"
fi
if [[ ! -x "$out/etcd" ]]; then
  build etcd "$here/etcd" go.etcd.io/etcd/server/v3 "-s -w"
  mv "$tmp/etcd" "$out/"
fi
if [[ ! -x "$out/kubectl" ]]; then
  # The tests apply with a real kubectl of the control plane's version (admission webhook errors).
  build kubectl "$here/kube-apiserver" k8s.io/kubernetes/cmd/kubectl "$kflags"
  mv "$tmp/kubectl" "$out/"
fi
log "ready: $out"
echo "$out"
