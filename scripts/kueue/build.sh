#!/usr/bin/env bash
# Build the real Kueue the Kueue differential suite runs against (issue 21): sigs.k8s.io/kueue/cmd/kueue from its Go
# module through the Go module proxy, into the version-keyed cache outside the repository (never downloaded at run
# time). Kueue's CRDs and webhook manifests of the same version come from the same module zip and are copied next to
# the binary. `npm run test:kueue` calls it.
#
#   scripts/kueue/build.sh                 # build if the stamp file is missing
#   scripts/kueue/build.sh --force         # rebuild even if stamped
#   scripts/kueue/build.sh --regen         # regenerate the build go.mod file first
#   scripts/kueue/build.sh --print-bin-dir
#
# Build module (committed): scripts/kueue/build/kueue/go.mod + go.sum.
set -euo pipefail

KUEUE_VERSION=0.19.2

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=../lib/go-build.sh
. "$ROOT/scripts/lib/go-build.sh"
go_build_init "kueue-v${KUEUE_VERSION}" "$ROOT/scripts/kueue/build" "$@"

go_build_require_go
go_build_cached

# `go list -m -versions` lists only v0.17.0 for this module at the proxy, but exact versions resolve: pinned.
if [ "$REGEN" = 1 ] || [ ! -f "$MODS/kueue/go.mod" ]; then
  stage_start "generate build module kueue"
  ( go_build_tool_module kueue "sigs.k8s.io/kueue/cmd/kueue@v$KUEUE_VERSION" )
  stage_end
fi

go_build_tmp

stage_start "download modules"
(cd "$MODS/kueue" && go mod download)
stage_end

stage_start "go build kueue (v$KUEUE_VERSION)"
# Reproducible stamp: the release's commit time as recorded by the module proxy.
BUILD_DATE=$(cd "$MODS/kueue" && go list -m -f '{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}' sigs.k8s.io/kueue 2>/dev/null) \
  || BUILD_DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ)
V=sigs.k8s.io/kueue/pkg/version
(cd "$MODS/kueue" && go build -ldflags="-s -w -X $V.GitVersion=v$KUEUE_VERSION -X $V.BuildDate=$BUILD_DATE" \
  -o "$TMPB/kueue" sigs.k8s.io/kueue/cmd/kueue)
stage_end

stage_start "copy CRDs and webhook manifests of v$KUEUE_VERSION"
SRC=$(cd "$MODS/kueue" && go list -m -f '{{.Dir}}' sigs.k8s.io/kueue)
mkdir -p "$TMPB/kueue-config/crd"
cp "$SRC"/config/components/crd/bases/*.yaml "$TMPB/kueue-config/crd/"
cp "$SRC/config/components/webhook/manifests.yaml" "$TMPB/kueue-config/webhooks.yaml"
chmod -R u+w "$TMPB/kueue-config"
ls "$TMPB/kueue-config/crd" | wc -l
stage_end

stage_start "install into $BIN"
rm -rf "$BIN/kueue-config"
mv -f "$TMPB/kueue" "$BIN/kueue"
mv -f "$TMPB/kueue-config" "$BIN/kueue-config"
go version -m "$BIN/kueue" | sed -n "2,3p"
stage_end
go_build_stamp
