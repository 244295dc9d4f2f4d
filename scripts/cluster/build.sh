#!/usr/bin/env bash
# Build the real-cluster test bed binaries (kube-apiserver, kube-scheduler,
# kube-controller-manager, kubectl, etcd, kwok) from Go modules through the Go
# module proxy, into a version-keyed cache outside the repository.
#
#   scripts/cluster/build.sh            # build if the stamp file is missing
#   scripts/cluster/build.sh --force    # rebuild even if stamped
#   scripts/cluster/build.sh --regen    # regenerate the build go.mod files from upstream first
#   scripts/cluster/build.sh --print-bin-dir
#
# Build modules (committed): test/real-cluster/build/{k8s,etcd,kwok}/go.mod + go.sum.
set -euo pipefail

K8S_VERSION=1.36.3
ETCD_VERSION=3.6.16
KWOK_VERSION=0.8.0

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=../lib/go-build.sh
. "$ROOT/scripts/lib/go-build.sh"
go_build_init "k8s-v${K8S_VERSION}-etcd-v${ETCD_VERSION}-kwok-v${KWOK_VERSION}" "$ROOT/test/real-cluster/build" "$@"

# ---------------------------------------------------------------- prerequisites
stage_start "prerequisites (go, openssl)"
go_build_require_go
if ! command -v openssl >/dev/null; then
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends openssl
fi
openssl version
stage_end

go_build_cached

# --------------------------------------------------------- build module (re)generation
gen_k8s() {
  local d="$MODS/k8s" t modfile
  t=$(mktemp -d)
  (cd "$t" && go mod init tmp >/dev/null 2>&1 && go mod download -json "k8s.io/kubernetes@v$K8S_VERSION") \
    | sed -n 's/.*"GoMod": "\([^"]*\)".*/\1/p' > "$t/path"
  modfile=$(cat "$t/path"); rm -rf "$t"
  [ -f "$modfile" ] || { echo "could not download go.mod of k8s.io/kubernetes@v$K8S_VERSION" >&2; exit 1; }
  mkdir -p "$d"; cd "$d"
  rm -f go.mod go.sum
  go mod init kube-priority-lens/test/real-cluster/build/k8s >/dev/null
  go mod edit -go="$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$modfile")"
  local gd; gd=$(sed -n 's/^godebug \(.*\)$/\1/p' "$modfile")
  [ -z "$gd" ] || go mod edit -godebug="$gd"
  local n=0 m
  for m in $(sed -n 's#^[[:space:]]*\(k8s\.io/[^ ]*\) => \./staging/src/.*#\1#p' "$modfile"); do
    go mod edit -replace="$m=$m@v0.${K8S_VERSION#1.}"; n=$((n+1))
  done
  echo "k8s: $n staging replaces"
  go get -tool "k8s.io/kubernetes/cmd/kube-apiserver@v$K8S_VERSION" \
    "k8s.io/kubernetes/cmd/kube-controller-manager@v$K8S_VERSION" \
    "k8s.io/kubernetes/cmd/kube-scheduler@v$K8S_VERSION" \
    "k8s.io/kubernetes/cmd/kubectl@v$K8S_VERSION"
  go mod tidy
}
gen_etcd() { go_build_tool_module etcd "go.etcd.io/etcd/server/v3@v$ETCD_VERSION"; }
gen_kwok() { go_build_tool_module kwok "sigs.k8s.io/kwok/cmd/kwok@v$KWOK_VERSION"; }
for c in k8s etcd kwok; do
  if [ "$REGEN" = 1 ] || [ ! -f "$MODS/$c/go.mod" ]; then
    stage_start "generate build module $c"; ( gen_$c ); stage_end
  fi
done

# ------------------------------------------------------------------- builds
go_build_tmp

stage_start "download modules"
for c in k8s etcd kwok; do (cd "$MODS/$c" && go mod download); done
stage_end

stage_start "go build kube-apiserver kube-controller-manager kube-scheduler kubectl (v$K8S_VERSION)"
MINOR=${K8S_VERSION#1.}; MINOR=${MINOR%%.*}
# Reproducible stamp: the release's commit time as recorded by the module proxy.
BUILD_DATE=$(cd "$MODS/k8s" && go list -m -f '{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}' k8s.io/kubernetes 2>/dev/null) \
  || BUILD_DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ)
LDF="-s -w"
for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  LDF="$LDF -X $p.gitVersion=v$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$MINOR -X $p.gitTreeState=clean -X $p.buildDate=$BUILD_DATE"
done
(cd "$MODS/k8s" && go build -tags=selinux,notest -ldflags="$LDF" -o "$TMPB/" \
  k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
  k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl)
stage_end

stage_start "go build etcd (v$ETCD_VERSION)"
(cd "$MODS/etcd" && go build -ldflags="-s -w" -o "$TMPB/etcd" go.etcd.io/etcd/server/v3)
stage_end

stage_start "go build kwok (v$KWOK_VERSION) + stagesgen"
(cd "$MODS/kwok" && go build -ldflags="-s -w" -o "$TMPB/kwok" sigs.k8s.io/kwok/cmd/kwok \
  && go build -o "$TMPB/stagesgen" ./stagesgen)
"$TMPB/stagesgen" > "$TMPB/kwok-stages.yaml"
rm -f "$TMPB/stagesgen"
stage_end

stage_start "install into $BIN"
for f in kube-apiserver kube-controller-manager kube-scheduler kubectl etcd kwok kwok-stages.yaml; do
  mv -f "$TMPB/$f" "$BIN/$f"
done
"$BIN/kube-apiserver" --version
"$BIN/kubectl" version --client
"$BIN/etcd" --version | sed -n 1p
"$BIN/kwok" --version 2>/dev/null || true
stage_end
go_build_stamp
