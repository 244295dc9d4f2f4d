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
MODS="$ROOT/test/real-cluster/build"
KEY="k8s-v${K8S_VERSION}-etcd-v${ETCD_VERSION}-kwok-v${KWOK_VERSION}"
CACHE_ROOT="${KPL_CLUSTER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kube-priority-lens}"
OUT="$CACHE_ROOT/$KEY"
BIN="$OUT/bin"
STAMP="$BIN/.stamp"

FORCE=0 REGEN=0
for a in "$@"; do
  case "$a" in
    --force) FORCE=1 ;;
    --regen) REGEN=1; FORCE=1 ;;
    --print-bin-dir) echo "$BIN"; exit 0 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown argument: $a" >&2; exit 2 ;;
  esac
done

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-trimpath

T0=$(date +%s)
stage_start() { STAGE_NAME=$1; STAGE_T=$(date +%s); echo "==> [$(date -u +%H:%M:%S)] $1"; }
stage_end() { echo "<== $STAGE_NAME: $(( $(date +%s) - STAGE_T ))s"; }

# ---------------------------------------------------------------- prerequisites
stage_start "prerequisites (go, openssl)"
if ! command -v go >/dev/null; then echo "go (>= 1.26) is required" >&2; exit 1; fi
GOV=$(go env GOVERSION); GOV=${GOV#go}
case "$GOV" in 1.2[6-9]*|1.[3-9]*) ;; *) echo "go >= 1.26 required, have $GOV" >&2; exit 1 ;; esac
if ! command -v openssl >/dev/null; then
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends openssl
fi
openssl version
stage_end

if [ -f "$STAMP" ] && [ "$FORCE" = 0 ]; then
  echo "cached: $BIN ($(cat "$STAMP"))"
  echo "total: $(( $(date +%s) - T0 ))s"
  exit 0
fi
mkdir -p "$BIN"

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
gen_etcd() {
  local d="$MODS/etcd"; mkdir -p "$d"; cd "$d"
  rm -f go.mod go.sum
  go mod init kube-priority-lens/test/real-cluster/build/etcd >/dev/null
  go mod edit -go=1.26.0   # not the local toolchain patch version
  go get -tool "go.etcd.io/etcd/server/v3@v$ETCD_VERSION"
  go mod tidy
}
gen_kwok() {
  local d="$MODS/kwok"; mkdir -p "$d"; cd "$d"
  rm -f go.mod go.sum
  go mod init kube-priority-lens/test/real-cluster/build/kwok >/dev/null
  go mod edit -go=1.26.0   # not the local toolchain patch version
  go get -tool "sigs.k8s.io/kwok/cmd/kwok@v$KWOK_VERSION"
  go mod tidy
}
for c in k8s etcd kwok; do
  if [ "$REGEN" = 1 ] || [ ! -f "$MODS/$c/go.mod" ]; then
    stage_start "generate build module $c"; ( gen_$c ); stage_end
  fi
done

# ------------------------------------------------------------------- builds
# Write into a temp dir next to BIN, move into place only on success.
TMPB=$(mktemp -d "$OUT/.build.XXXXXX")
trap 'rm -rf "$TMPB"' EXIT

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
echo "$KEY built $(date -u +%Y-%m-%dT%H:%M:%SZ) with $(go env GOVERSION)" > "$STAMP"
stage_end
du -sh "$BIN"
echo "total: $(( $(date +%s) - T0 ))s"
echo "bin dir: $BIN"
