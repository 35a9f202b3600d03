#!/usr/bin/env bash
# User-space instructions per request under callgrind, for ferrodis and
# redis-server. Each server runs twice under valgrind: both runs do the same
# warm-up (SET of the key range), then N1 or N2 requests of the measured
# command; (Ir(N2) - Ir(N1)) / (N2 - N1) cancels start-up, warm-up and
# shutdown, leaving the per-request cost. Instruction counts are stable
# where timings on this VM are not.
#   perf/ipr.sh [command=get] [pipeline=1]
# The command is a redis-benchmark `-t` test name, or a whole command line
# (anything with a space) that redis-benchmark sends as is, with its
# __rand_int__ placeholders: perf/ipr.sh "GETBIT key:__rand_int__ 7".
# SETUP is a shell snippet run after the warm-up with $port set, e.g.
#   SETUP='redis-cli -p $port SETBIT big 8388607 1' N1=200 N2=1000 \
#     perf/ipr.sh "BITCOUNT big"
set -euo pipefail
source "$(dirname "$0")/common.sh"
CMD=${1:-get}
P=${2:-1}
if [[ "$CMD" == *" "* ]]; then
  read -ra BENCH <<< "$CMD"
else
  BENCH=(-t "$CMD")
fi
SETUP=${SETUP:-}
N1=${N1:-5000}
N2=${N2:-25000}
ensure_peers
command -v valgrind >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null

run_one() { # bin port n -> total Ir
  local bin=$1 port=$2 n=$3
  local out="$OUTDIR/cg.$port.$n.out"
  rm -f "$out"
  valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" --port "$port" --save "" --appendonly no --logfile "$OUTDIR/cg.log" >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 1 400); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  redis-benchmark -p "$port" -t set -n 2000 -c 1 -r 1000 -P 16 -q >/dev/null 2>&1
  if [ -n "$SETUP" ]; then eval "$SETUP" >/dev/null 2>&1; fi
  redis-benchmark -p "$port" -n "$n" -c 1 -r 1000 -P "$P" -q "${BENCH[@]}" >/dev/null 2>&1
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  awk '/^summary:|^totals:/ {print $2; exit}' "$out"
}

per_req() { # bin port
  local a b
  a=$(run_one "$1" "$2" "$N1")
  b=$(run_one "$1" "$2" "$N2")
  awk -v a="$a" -v b="$b" -v n1="$N1" -v n2="$N2" 'BEGIN { printf "%.0f", (b - a) / (n2 - n1) }'
}

f=$(per_req "$FERRODIS" "$FPORT")
r=$(per_req "$REDIS" "$RPORT")
ratio=$(awk -v f="$f" -v r="$r" 'BEGIN { printf "%.2f", f / r }')
echo "instructions per ${CMD^^} at P$P: ferrodis $f, redis-server $r, ratio $ratio"
