#!/usr/bin/env bash
# The planner benchmark: `boucle bench-planner` over the public instance sets, then a Markdown
# report of the gaps to the best known values (bench/planner_report.py).
#
#   bench/planner.sh [-t SECONDS] [-j THREADS] [-s SEED] [-f GLOB] [SUITE...]
#
#   SUITE   solomon-distance  Solomon VRPTW, total distance only (56 files)
#           solomon-vehicles  Solomon VRPTW, fewest vehicles then distance (56 files)
#           toptw             TOPTW, one tour (56 files; 27 have a known optimum)
#           ophs              OPHS, the three sets (105 files)
#           (default: all four, 273 runs: about 273 × SECONDS)
#   -t      search time per instance in seconds (default 10)
#   -j      threads per instance (default 1)
#   -s      seed (default 1)
#   -f      only the files whose name matches this shell pattern (e.g. 'C1*', '*-1-2.ophs')
#
# Environment: BOUCLE_BUILD (default build/release), BOUCLE_BENCHMARKS (default
# /work/shared/benchmarks: the folders solomon/, toptw/, ophs/ with their bks.csv).
# Results: bench/results/planner-<date>/<suite>.csv (standard output of bench-planner),
# <suite>.log (its standard error: progress and re-check warnings), meta.txt, report.md.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BOUCLE_BUILD:-$ROOT/build/release}
BIN=$BUILD/apps/boucle/boucle
DATA=${BOUCLE_BENCHMARKS:-/work/shared/benchmarks}

TIME_LIMIT=10
THREADS=1
SEED=1
FILTER='*'
usage() {  # the comment block above
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}" >&2
  exit 2
}
while getopts "t:j:s:f:h" opt; do
  case $opt in
    t) TIME_LIMIT=$OPTARG ;;
    j) THREADS=$OPTARG ;;
    s) SEED=$OPTARG ;;
    f) FILTER=$OPTARG ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
SUITES=("$@")
[ ${#SUITES[@]} -gt 0 ] || SUITES=(solomon-distance solomon-vehicles toptw ophs)

[ -x "$BIN" ] || { echo "planner.sh: $BIN is missing (make build, or set BOUCLE_BUILD)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "planner.sh: python3 is missing" >&2; exit 1; }
for d in solomon toptw/solomon ophs; do
  [ -d "$DATA/$d" ] || { echo "planner.sh: $DATA/$d is missing (set BOUCLE_BENCHMARKS)" >&2; exit 1; }
done

# The files of a suite, one per line, sorted, filtered by name.
files_of() {
  local pattern
  case $1 in
    solomon-distance|solomon-vehicles) pattern="$DATA/solomon/*.txt" ;;
    toptw) pattern="$DATA/toptw/solomon/*.txt" ;;
    ophs) pattern="$DATA/ophs/SET_*/*.ophs" ;;
    *) echo "planner.sh: unknown suite $1" >&2; exit 2 ;;
  esac
  local f
  for f in $pattern; do
    # shellcheck disable=SC2254
    case $(basename "$f") in $FILTER) echo "$f" ;; esac
  done
}

args_of() {
  case $1 in
    solomon-distance) echo "--format solomon --objective distance" ;;
    solomon-vehicles) echo "--format solomon --objective vehicles" ;;
    toptw) echo "--format toptw --tours 1" ;;
    ophs) echo "--format ophs" ;;
  esac
}

OUT=$ROOT/bench/results/planner-$(date +%Y-%m-%d-%H%M%S)
mkdir -p "$OUT"
{
  echo "date: $(date -Iseconds)"
  echo "commit: $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)"
  echo "binary: $BIN"
  echo "time limit per instance: $TIME_LIMIT s"
  echo "threads: $THREADS"
  echo "seed: $SEED"
  echo "filter: $FILTER"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
} > "$OUT/meta.txt"

for suite in "${SUITES[@]}"; do
  mapfile -t files < <(files_of "$suite")
  if [ ${#files[@]} -eq 0 ]; then
    echo "planner.sh: $suite: no file matches $FILTER" >&2
    continue
  fi
  echo "planner.sh: $suite: ${#files[@]} instances × ${TIME_LIMIT} s" >&2
  # shellcheck disable=SC2046
  "$BIN" bench-planner $(args_of "$suite") --time-limit "$TIME_LIMIT" --threads "$THREADS" \
    --seed "$SEED" "${files[@]}" > "$OUT/$suite.csv" 2> "$OUT/$suite.log" || {
    echo "planner.sh: $suite failed; see $OUT/$suite.log:" >&2
    tail -5 "$OUT/$suite.log" >&2
    exit 1
  }
done

python3 "$ROOT/bench/planner_report.py" "$OUT" --benchmarks "$DATA" | tee "$OUT/report.md"
echo "planner.sh: results in $OUT" >&2
