#!/bin/sh
# Regenerates week-plan.json from week-problem.json with the current solver. Run it whenever the
# solver or the plan format changes, and commit both files together.
#
#   docs/examples/regenerate.sh [path/to/boucle]
#
# The binary defaults to $BOUCLE, then build/ci/apps/boucle/boucle (cmake --preset ci). The
# iteration budget, not the clock, ends the search (the time limit is only a safety net) and
# --no-timing leaves the run time out, so the same solver gives the same bytes on any machine.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
boucle=${1:-${BOUCLE:-$root/build/ci/apps/boucle/boucle}}
if [ ! -x "$boucle" ]; then
  echo "regenerate.sh: no boucle binary at $boucle (build it, or pass its path)" >&2
  exit 1
fi
"$boucle" plan --input "$here/week-problem.json" --output "$here/week-plan.json" \
  --seed 1 --iterations 20000 --threads 1 --time-limit 600 --no-timing
echo "wrote $here/week-plan.json" >&2
