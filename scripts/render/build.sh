#!/usr/bin/env bash
# Build the rendering tools the rendered-input suites run (never downloaded at run time): helm and a standalone
# kustomize, from Go modules through the Go module proxy, into a version-keyed cache outside the repository, next to
# the control plane (whose kubectl provides `kubectl kustomize`, the other path the suites test).
#
#   scripts/render/build.sh                 # build if the stamp file is missing
#   scripts/render/build.sh --force         # rebuild even if stamped
#   scripts/render/build.sh --regen         # regenerate the build go.mod files first
#   scripts/render/build.sh --print-bin-dir
#
# Build modules (committed): test/render/build/{helm,kustomize}/go.mod + go.sum.
set -euo pipefail

HELM_VERSION=4.3.2
KUSTOMIZE_VERSION=5.8.1

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
MODS="$ROOT/test/render/build"
KEY="helm-v${HELM_VERSION}-kustomize-v${KUSTOMIZE_VERSION}"
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
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "unknown argument: $a" >&2; exit 2 ;;
  esac
done

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-trimpath
T0=$(date +%s)
stage_start() { STAGE_NAME=$1; STAGE_T=$(date +%s); echo "==> [$(date -u +%H:%M:%S)] $1"; }
stage_end() { echo "<== $STAGE_NAME: $(( $(date +%s) - STAGE_T ))s"; }

if ! command -v go >/dev/null; then echo "go (>= 1.26) is required" >&2; exit 1; fi
if [ -f "$STAMP" ] && [ "$FORCE" = 0 ]; then
  echo "cached: $BIN ($(cat "$STAMP"))"
  exit 0
fi
mkdir -p "$BIN"

gen() { # gen NAME MODULE_PATH@VERSION
  local d="$MODS/$1"; mkdir -p "$d"; cd "$d"
  rm -f go.mod go.sum
  go mod init "kube-priority-lens/test/render/build/$1" >/dev/null
  go mod edit -go=1.26.0   # not the local toolchain patch version
  go get -tool "$2"
  go mod tidy
}
for c in helm kustomize; do
  if [ "$REGEN" = 1 ] || [ ! -f "$MODS/$c/go.mod" ]; then
    stage_start "generate build module $c"
    case $c in
      helm) ( gen helm "helm.sh/helm/v4/cmd/helm@v$HELM_VERSION" ) ;;
      kustomize) ( gen kustomize "sigs.k8s.io/kustomize/kustomize/v5@v$KUSTOMIZE_VERSION" ) ;;
    esac
    stage_end
  fi
done

TMPB=$(mktemp -d "$OUT/.build.XXXXXX")
trap 'rm -rf "$TMPB"' EXIT

stage_start "download modules"
for c in helm kustomize; do (cd "$MODS/$c" && go mod download); done
stage_end

stage_start "go build helm (v$HELM_VERSION)"
# Stamped like a release so `helm version` and `.Capabilities.HelmVersion` say v4.3.2, not the module's "v4.3".
(cd "$MODS/helm" && go build -ldflags="-s -w -X helm.sh/helm/v4/internal/version.version=v$HELM_VERSION -X helm.sh/helm/v4/internal/version.gitTreeState=clean" \
  -o "$TMPB/helm" helm.sh/helm/v4/cmd/helm)
stage_end

stage_start "go build kustomize (v$KUSTOMIZE_VERSION)"
(cd "$MODS/kustomize" && go build -ldflags="-s -w -X sigs.k8s.io/kustomize/api/provenance.version=v$KUSTOMIZE_VERSION" \
  -o "$TMPB/kustomize" sigs.k8s.io/kustomize/kustomize/v5)
stage_end

stage_start "install into $BIN"
for f in helm kustomize; do mv -f "$TMPB/$f" "$BIN/$f"; done
"$BIN/helm" version --short
"$BIN/kustomize" version
echo "$KEY built $(date -u +%Y-%m-%dT%H:%M:%SZ) with $(go env GOVERSION)" > "$STAMP"
stage_end
du -sh "$BIN"
echo "total: $(( $(date +%s) - T0 ))s"
echo "bin dir: $BIN"
