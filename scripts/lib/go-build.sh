# Shared steps of the scripts that build Go tools from Go modules into the version-keyed cache outside the repository
# (scripts/cluster/build.sh, scripts/render/build.sh, scripts/bench/build.sh). Sourced, not run. Nothing is downloaded
# at run time: the tools are built once through the Go module proxy and stamped.
#
#   go_build_init KEY MODS "$@"   sets OUT, BIN, STAMP, FORCE, REGEN; handles --force, --regen, --print-bin-dir, --help
#   go_build_cached               exits 0 when BIN is stamped and --force was not given
#   go_build_tmp                  a temporary build folder next to BIN (TMPB), removed on exit
#   go_build_tool_module NAME PKG@VERSION   (re)generates MODS/NAME/go.mod for one `go get -tool` package
#   go_build_stamp                stamps BIN with KEY, the date and the Go version, and prints the summary
#   stage_start NAME / stage_end  print each stage with its duration

go_build_init() {
  KEY=$1 MODS=$2
  shift 2
  CACHE_ROOT="${KPL_CLUSTER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kube-priority-lens}"
  OUT="$CACHE_ROOT/$KEY"
  BIN="$OUT/bin"
  STAMP="$BIN/.stamp"
  FORCE=0 REGEN=0
  local a
  for a in "$@"; do
    case "$a" in
      --force) FORCE=1 ;;
      --regen) REGEN=1; FORCE=1 ;;
      --print-bin-dir) echo "$BIN"; exit 0 ;;
      # The calling script's header comment is its help.
      -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
      *) echo "unknown argument: $a" >&2; exit 2 ;;
    esac
  done
  export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-trimpath
  T0=$(date +%s)
}

stage_start() { STAGE_NAME=$1; STAGE_T=$(date +%s); echo "==> [$(date -u +%H:%M:%S)] $1"; }
stage_end() { echo "<== $STAGE_NAME: $(( $(date +%s) - STAGE_T ))s"; }

go_build_require_go() {
  if ! command -v go >/dev/null; then echo "go (>= 1.26) is required" >&2; exit 1; fi
  local v; v=$(go env GOVERSION); v=${v#go}
  case "$v" in 1.2[6-9]*|1.[3-9]*) ;; *) echo "go >= 1.26 required, have $v" >&2; exit 1 ;; esac
}

go_build_cached() {
  if [ -f "$STAMP" ] && [ "$FORCE" = 0 ]; then
    echo "cached: $BIN ($(cat "$STAMP"))"
    echo "total: $(( $(date +%s) - T0 ))s"
    exit 0
  fi
  mkdir -p "$BIN"
}

# Builds go into a temp dir next to BIN; only a complete build is moved into place.
go_build_tmp() {
  TMPB=$(mktemp -d "$OUT/.build.XXXXXX")
  trap 'rm -rf "$TMPB"' EXIT
}

go_build_tool_module() { # NAME PKG@VERSION, in a subshell: it changes directory
  local d="$MODS/$1"; mkdir -p "$d"; cd "$d"
  rm -f go.mod go.sum
  go mod init "kube-priority-lens/${MODS#"$ROOT"/}/$1" >/dev/null
  go mod edit -go=1.26.0   # not the local toolchain patch version
  go get -tool "$2"
  go mod tidy
}

go_build_stamp() {
  echo "$KEY built $(date -u +%Y-%m-%dT%H:%M:%SZ) with $(go env GOVERSION)" > "$STAMP"
  du -sh "$BIN"
  echo "total: $(( $(date +%s) - T0 ))s"
  echo "bin dir: $BIN"
}
