#!/usr/bin/env bash
# Convenience wrapper around test/real-cluster/cli.ts and the smoke test, usable before/without the
# project build (bundles with the project's esbuild if installed, else `npx esbuild@0.25`).
#
#   scripts/cluster/cluster.sh up [--nodes N] [--cpu 4] [--memory 8Gi] [--audit-log] [--dir D]
#   scripts/cluster/cluster.sh down [--dir D]
#   scripts/cluster/cluster.sh status [--dir D]
#   scripts/cluster/cluster.sh story [--namespace ci] [--dir D]   # CI story on the running cluster (JSON facts)
#   scripts/cluster/cluster.sh preempt [--node node-a] [--dir D]  # smoke preemption on the running cluster
#   scripts/cluster/cluster.sh smoke          # build.sh (cached) + the real-cluster smoke test
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE_ROOT="${KPL_CLUSTER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kube-priority-lens}"
OUT="$CACHE_ROOT/js"
mkdir -p "$OUT"

bundle() { # bundle SRC OUTFILE
  if [ -x "$ROOT/node_modules/.bin/esbuild" ]; then ES=("$ROOT/node_modules/.bin/esbuild"); else ES=(npx --yes esbuild@0.25); fi
  (cd "$ROOT" && "${ES[@]}" "$1" --bundle --platform=node --format=cjs --target=node20 --log-level=warning --outfile="$2")
}

cmd=${1:-help}
case "$cmd" in
  up|down|status|story|preempt)
    bundle test/real-cluster/cli.ts "$OUT/cluster-cli.js"
    [ "$cmd" = preempt ] && { shift; set -- smoke "$@"; }
    KPL_REPO_ROOT="$ROOT" exec node "$OUT/cluster-cli.js" "$@" ;;
  smoke)
    "$ROOT/scripts/cluster/build.sh"
    bundle test/real-cluster/smoke.test.ts "$OUT/smoke.test.js"
    cd "$ROOT" && KPL_REPO_ROOT="$ROOT" KPL_REQUIRE_CLUSTER=1 exec node --test "$OUT/smoke.test.js" ;;
  *) sed -n '2,11p' "$0"; [ "$cmd" = help ] ;;
esac
