#!/usr/bin/env bash
# Build the peer the cold-CLI benchmark races (issue 18): kubeconform, from its Go module through the Go module proxy,
# into the version-keyed cache outside the repository (never downloaded at run time). `npm run bench` calls it.
#
#   scripts/bench/build.sh                 # build if the stamp file is missing
#   scripts/bench/build.sh --force         # rebuild even if stamped
#   scripts/bench/build.sh --regen         # regenerate the build go.mod file first
#   scripts/bench/build.sh --print-bin-dir
#
# Build module (committed): bench/build/kubeconform/go.mod + go.sum.
set -euo pipefail

KUBECONFORM_VERSION=0.8.0

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=../lib/go-build.sh
. "$ROOT/scripts/lib/go-build.sh"
go_build_init "kubeconform-v${KUBECONFORM_VERSION}" "$ROOT/bench/build" "$@"

go_build_require_go
go_build_cached

if [ "$REGEN" = 1 ] || [ ! -f "$MODS/kubeconform/go.mod" ]; then
  stage_start "generate build module kubeconform"
  ( go_build_tool_module kubeconform "github.com/yannh/kubeconform/cmd/kubeconform@v$KUBECONFORM_VERSION" )
  stage_end
fi

go_build_tmp

stage_start "download modules"
(cd "$MODS/kubeconform" && go mod download)
stage_end

stage_start "go build kubeconform (v$KUBECONFORM_VERSION)"
(cd "$MODS/kubeconform" && go build -ldflags="-s -w -X main.version=v$KUBECONFORM_VERSION" -o "$TMPB/kubeconform" github.com/yannh/kubeconform/cmd/kubeconform)
stage_end

stage_start "install into $BIN"
mv -f "$TMPB/kubeconform" "$BIN/kubeconform"
"$BIN/kubeconform" -v
stage_end
go_build_stamp
