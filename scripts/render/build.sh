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
# shellcheck source=../lib/go-build.sh
. "$ROOT/scripts/lib/go-build.sh"
go_build_init "helm-v${HELM_VERSION}-kustomize-v${KUSTOMIZE_VERSION}" "$ROOT/test/render/build" "$@"

go_build_require_go
go_build_cached

for c in helm kustomize; do
  if [ "$REGEN" = 1 ] || [ ! -f "$MODS/$c/go.mod" ]; then
    stage_start "generate build module $c"
    case $c in
      helm) ( go_build_tool_module helm "helm.sh/helm/v4/cmd/helm@v$HELM_VERSION" ) ;;
      kustomize) ( go_build_tool_module kustomize "sigs.k8s.io/kustomize/kustomize/v5@v$KUSTOMIZE_VERSION" ) ;;
    esac
    stage_end
  fi
done

go_build_tmp

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
stage_end
go_build_stamp
