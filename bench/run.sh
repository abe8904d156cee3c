#!/usr/bin/env bash
# The foundation benchmark (`make bench`): the HTTP API under wrk on a fresh demo database, then
# the same requests in-process (build/release/bench/api_bench). Talks to 127.0.0.1 only, stays
# under 3 minutes, and leaves no process nor file behind except the results:
#   bench/results/http-<date>.md   the table below, as Markdown, with the machine's description
#
# The load generator (wrk) runs on the same machine as the server and takes CPU from it: on
# 2 cores the requests/s are a floor for what a dedicated server would do. The column
# "server CPU µs/request" (the server process's user + system time over the run, divided by the
# requests) does not depend on what else runs on the machine.
#
# Settings (environment):
#   BENCH_DURATION=10        seconds of each measured wrk run (after a 1 s warm-up)
#   BENCH_CONNECTIONS=32     wrk connections
#   BENCH_SERVER_THREADS=0   boucle serve --threads (0: its default)
#   BENCH_API_MIN_TIME=0.5   google-benchmark --benchmark_min_time per benchmark (seconds)
#   BENCH_SKIP_API=1         skip the in-process benchmark
#   BOUCLE_BUILD=build/release
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BOUCLE_BUILD:-$ROOT/build/release}
BIN=$BUILD/apps/boucle/boucle
API_BENCH=$BUILD/bench/api_bench
WRK_DIR=$ROOT/bench/wrk
RESULTS_DIR=$ROOT/bench/results

DURATION=${BENCH_DURATION:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
SERVER_THREADS=${BENCH_SERVER_THREADS:-0}  # 0: the server default (two per core, at least 4)
API_MIN_TIME=${BENCH_API_MIN_TIME:-0.5}
WRK_THREADS=1        # one load-generator thread: the server gets the rest of the 2 cores
WRITER_CONNECTIONS=4 # visit creation running beside the reads in the mixed scenario

for tool in wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (run scripts/setup.sh)" >&2; exit 1; }
done
[ -x "$BIN" ] || { echo "bench: $BIN is missing (make build)" >&2; exit 1; }
# `make bench` builds first; a direct run may measure a binary older than the sources.
BIN_BUILT=$(stat -c %Y "$BIN")
CODE_COMMITTED=$(git -C "$ROOT" log -1 --format=%ct -- src apps 2>/dev/null || echo 0)
if [ "${CODE_COMMITTED:-0}" -gt "$BIN_BUILT" ]; then
  echo "bench: warning: $BIN is older than the last commit to src/ or apps/ (make build)" >&2
fi

TMP=$(mktemp -d -t boucle-bench.XXXXXX)
SERVER_PID=""

stop_server() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 50); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}

# shellcheck disable=SC2317  # invoked by the trap
cleanup() {
  local jobs_left
  jobs_left=$(jobs -p)
  # shellcheck disable=SC2086  # one pid per word
  [ -z "$jobs_left" ] || kill $jobs_left 2>/dev/null || true
  stop_server
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "bench: $*" >&2; }

# Starts `boucle serve` on a free port (--port 0; the port is read from its one stdout line).
start_server() {
  local durability=$1
  : >"$TMP/server.out"
  "$BIN" serve --db "$TMP/bench.db" --address 127.0.0.1 --port 0 --threads "$SERVER_THREADS" \
    --durability "$durability" >"$TMP/server.out" 2>>"$TMP/server.log" &
  SERVER_PID=$!
  PORT=""
  for _ in $(seq 100); do
    PORT=$(sed -n 's|^listening on http://127\.0\.0\.1:\([0-9][0-9]*\)$|\1|p' "$TMP/server.out")
    [ -n "$PORT" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$PORT" ]; then
    log "the server did not start; its log:"
    tail -20 "$TMP/server.log" >&2
    exit 1
  fi
  URL=http://127.0.0.1:$PORT
  log "server pid $SERVER_PID on $URL, --durability $durability, --threads $SERVER_THREADS"
}

json_field() {  # json_field EXPR: evaluates EXPR on the JSON document `d` read from stdin
  python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"
}

login() {
  curl -sf --max-time 10 -X POST -H 'Content-Type: application/json' \
    -d "{\"email\": \"$1\", \"password\": \"$2\"}" "$URL/api/v1/auth/login" | json_field 'd["token"]'
}

api_get() {  # api_get TOKEN PATH
  curl -sf --max-time 10 -H "Authorization: Bearer $1" "$URL$2"
}

ROWS=()  # "scenario|connections|rps|p50_ms|p99_ms|non2xx|requests|socket_errors|server_cpu_us"
CLK_TCK=$(getconf CLK_TCK)

server_cpu_ticks() {  # user + system time of the server process, in clock ticks
  awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"
}

# add_row NAME CONNECTIONS SERVER_TICKS|-: parses $TMP/NAME.wrk into a row of the table.
add_row() {
  local name=$1 conns=$2 ticks=$3 line
  cat "$TMP/$name.err" >&2
  line=$(grep '^BENCH ' "$TMP/$name.wrk") || { log "$name: no BENCH line"; cat "$TMP/$name.wrk" >&2; exit 1; }
  ROWS+=("$(python3 -c '
import sys
name, conns, line, ticks, hz = sys.argv[1:]
kv = dict(p.split("=") for p in line.split()[1:])
n = int(kv["requests"])
cpu = f"{int(ticks) / int(hz) / n * 1e6:.0f}" if ticks != "-" and n else "-"
rps, p50, p99 = float(kv["rps"]), int(kv["p50_us"]) / 1000, int(kv["p99_us"]) / 1000
print("|".join([name, conns, f"{rps:.0f}", f"{p50:.2f}", f"{p99:.2f}", kv["non2xx"],
                kv["requests"], kv["socket_errors"], cpu]))
' "$name" "$conns" "$line" "$ticks" "$CLK_TCK")")
}

# wrk_run NAME CONNECTIONS SECONDS SCRIPT ARGS...: one measured wrk run into $TMP/NAME.wrk.
wrk_run() {
  local name=$1 conns=$2 seconds=$3 script=$4
  shift 4
  log "$name: wrk -t$WRK_THREADS -c$conns -d${seconds}s --latency -s bench/wrk/$script"
  timeout $((seconds + 30)) wrk -t"$WRK_THREADS" -c"$conns" -d"${seconds}s" --timeout 5s \
    --latency -s "$WRK_DIR/$script" "$URL" -- "$@" >"$TMP/$name.wrk" 2>"$TMP/$name.err" || {
    log "$name: wrk failed"
    cat "$TMP/$name.wrk" "$TMP/$name.err" >&2
    return 1
  }
}

warm_up() {  # warm_up CONNECTIONS SCRIPT ARGS...: 1 s of load, not measured
  local conns=$1 script=$2
  shift 2
  timeout 20 wrk -t"$WRK_THREADS" -c"$conns" -d1s --timeout 5s \
    -s "$WRK_DIR/$script" "$URL" -- "$@" >/dev/null 2>&1 || true
}

# run_wrk NAME CONNECTIONS SCRIPT ARGS...: a 1 s warm-up, then the measured run; appends a
# row with the server's CPU time per request.
run_wrk() {
  local name=$1 conns=$2 script=$3 before
  shift 3
  warm_up "$conns" "$script" "$@"
  before=$(server_cpu_ticks)
  wrk_run "$name" "$conns" "$DURATION" "$script" "$@"
  add_row "$name" "$conns" $(($(server_cpu_ticks) - before))
}

# run_mixed NAME READ_SCRIPT READ_ARGS... -- WRITE_SCRIPT WRITE_ARGS...: reads on $CONNECTIONS
# connections while $WRITER_CONNECTIONS others write; two rows (the server CPU is not split).
run_mixed() {
  local name=$1 read_script=$2 read_args=() write_script writer
  shift 2
  while [ "$1" != "--" ]; do
    read_args+=("$1")
    shift
  done
  shift
  write_script=$1
  shift
  wrk_run "${name}_writes" "$WRITER_CONNECTIONS" $((DURATION + 2)) "$write_script" "$@" &
  writer=$!
  sleep 1
  wrk_run "${name}_reads" "$CONNECTIONS" "$DURATION" "$read_script" "${read_args[@]}"
  wait "$writer"
  add_row "${name}_reads" "$CONNECTIONS" -
  add_row "${name}_writes" "$WRITER_CONNECTIONS" -
}

idle_percent() {  # the share of all CPUs left idle over the next second
  local a b
  a=$(head -1 /proc/stat)
  sleep 1
  b=$(head -1 /proc/stat)
  python3 -c '
import sys
a, b = (list(map(int, x.split()[1:])) for x in sys.argv[1:])
d = [y - x for x, y in zip(a, b)]
print(round(100 * (d[3] + d[4]) / max(1, sum(d))))
' "$a" "$b"
}

START=$(date +%s)
# Other work on the machine skews requests/s and latencies (not the server's CPU per request).
IDLE_START=$(idle_percent)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
if [ "$IDLE_START" -lt 80 ]; then
  log "warning: the CPUs are only $IDLE_START% idle before the run; the figures will be low"
fi
log "seeding a demo database in $TMP"
timeout 120 "$BIN" demo --db "$TMP/bench.db" --no-serve >"$TMP/demo.out" 2>"$TMP/demo.log" || {
  log "boucle demo failed:"
  tail -20 "$TMP/demo.log" >&2
  exit 1
}

start_server full
REP_TOKEN=$(login rep1@boucle.test rep1-demo-2026)
ADMIN_TOKEN=$(login admin@boucle.test admin-demo-2026)
STORE_ID=$(api_get "$REP_TOKEN" "/api/v1/stores?limit=1" | json_field 'd["items"][0]["id"]')
# The cursors of every page of 50 stores that the admin sees ("-" is the first page).
CURSORS=("-")
cursor=""
while :; do
  cursor=$(api_get "$ADMIN_TOKEN" "/api/v1/stores?limit=50${cursor:+&cursor=$cursor}" |
    json_field 'd["next_cursor"] or ""')
  [ -z "$cursor" ] && break
  CURSORS+=("$cursor")
  [ ${#CURSORS[@]} -ge 100 ] && break
done
log "rep1's store $STORE_ID; the admin's list has ${#CURSORS[@]} pages of 50"

run_wrk get_store "$CONNECTIONS" get_store.lua "$REP_TOKEN" "$STORE_ID"
# One connection, one request at a time: the latency without queueing.
run_wrk get_store_1_connection 1 get_store.lua "$REP_TOKEN" "$STORE_ID"
run_wrk list_stores_first_page "$CONNECTIONS" list_stores.lua "$ADMIN_TOKEN" 50
run_wrk list_stores_all_pages "$CONNECTIONS" list_stores.lua "$ADMIN_TOKEN" 50 "${CURSORS[@]}"
run_wrk create_visit_full "$CONNECTIONS" create_visit.lua "$REP_TOKEN" "$STORE_ID"
# Reads while durable commits happen: does a commit hold up the readers?
run_mixed get_store_during_visits_full get_store.lua "$REP_TOKEN" "$STORE_ID" -- \
  create_visit.lua "$REP_TOKEN" "$STORE_ID"
stop_server

start_server normal
run_wrk create_visit_normal "$CONNECTIONS" create_visit.lua "$REP_TOKEN" "$STORE_ID"
stop_server

# The in-process benchmark: the same requests through api::App::handle, no sockets.
API_OUT=""
if [ "${BENCH_SKIP_API:-0}" != 1 ]; then
  if [ -x "$API_BENCH" ]; then
    log "in-process: $API_BENCH --benchmark_min_time=$API_MIN_TIME"
    TMPDIR=$TMP timeout 90 "$API_BENCH" --benchmark_min_time="$API_MIN_TIME" \
      --benchmark_counters_tabular=true >"$TMP/api_bench.txt" 2>"$TMP/api_bench.err" || {
      log "api_bench failed"
      cat "$TMP/api_bench.err" >&2
      exit 1
    }
    API_OUT=$(cat "$TMP/api_bench.txt")
  else
    log "$API_BENCH is missing: skipping the in-process benchmark"
  fi
fi

# The report: a table on the terminal and in Markdown.
mkdir -p "$RESULTS_DIR"
REPORT=$RESULTS_DIR/http-$(date +%Y-%m-%d-%H%M%S).md
CPU=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)
MEM=$(free -h 2>/dev/null | awk '/^Mem:/ {print $2}')
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null | grep -q .; then
  COMMIT="$COMMIT (with local changes)"
fi
{
  echo "# Boucle HTTP benchmark, $(date '+%Y-%m-%d %H:%M:%S %Z')"
  echo
  echo "- commit: $COMMIT; binary built $(date -d "@$BIN_BUILT" '+%Y-%m-%d %H:%M:%S'), last commit to" \
    "src/ or apps/ $(date -d "@${CODE_COMMITTED:-0}" '+%Y-%m-%d %H:%M:%S')"
  echo "- machine: $(nproc) CPUs ($CPU), $MEM RAM, $(uname -sr)"
  echo "- other work on the machine: CPUs $IDLE_START% idle just before the run; load average" \
    "(1, 5, 15 min) $LOAD_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
  echo "- server: \`boucle serve --threads $SERVER_THREADS\` on the demo database (seed 42)"
  echo "- load: \`wrk -t$WRK_THREADS -c<connections> -d${DURATION}s --latency\` after a 1 s warm-up, on" \
    "the same machine (it shares the CPUs with the server); in the mixed scenario" \
    "(get_store_during_visits_full) $WRITER_CONNECTIONS connections create visits while the others read"
  echo
  echo "| scenario | connections | requests/s | p50 (ms) | p99 (ms) | non-2xx | requests | socket errors | server CPU µs/request |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  for row in "${ROWS[@]}"; do
    IFS='|' read -r name conns rps p50 p99 bad n sock cpu <<<"$row"
    echo "| $name | $conns | $rps | $p50 | $p99 | $bad | $n | $sock | $cpu |"
  done
  if [ -n "$API_OUT" ]; then
    echo
    echo "## In-process (api::App::handle, no sockets)"
    echo
    echo '```'
    echo "$API_OUT"
    echo '```'
  fi
} >"$REPORT"

echo
printf '%-36s %5s %10s %8s %8s %7s %14s\n' scenario conns requests/s "p50 ms" "p99 ms" non-2xx \
  "server µs/req"
for row in "${ROWS[@]}"; do
  IFS='|' read -r name conns rps p50 p99 bad n sock cpu <<<"$row"
  printf '%-36s %5s %10s %8s %8s %7s %14s\n' "$name" "$conns" "$rps" "$p50" "$p99" "$bad" "$cpu"
done
if [ -n "$API_OUT" ]; then
  echo
  echo "In-process (api::App::handle):"
  echo "$API_OUT"
fi
echo
echo "Written to ${REPORT#"$ROOT"/} in $(($(date +%s) - START)) s."

# Figures made of non-2xx answers or socket errors are not results.
FAILED=0
for row in "${ROWS[@]}"; do
  IFS='|' read -r name conns rps p50 p99 bad n sock cpu <<<"$row"
  if [ "$bad" != 0 ] || [ "$sock" != 0 ]; then
    log "$name: $bad non-2xx answers, $sock socket errors"
    FAILED=1
  fi
done
exit $FAILED
