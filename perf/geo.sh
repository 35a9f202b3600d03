#!/usr/bin/env bash
# GEOADD and GEOSEARCH BYRADIUS on a geo set of N points (default 1M):
# user-space instructions per request under callgrind, ferrodis vs
# redis-server. Both servers get the same seeded points (uniform over a
# 13 x 11 degree box around Italy, ~0.8 points per km2), loaded with
# instrumentation off (--instr-atstart=no); callgrind then counts only the
# measured requests. Each server runs twice (M1 and M2 requests) and
# (Ir(M2) - Ir(M1)) / (M2 - M1) is the per-request cost, as in ipr.sh.
#   perf/geo.sh [points=1000000]
set -euo pipefail
source "$(dirname "$0")/common.sh"
N=${1:-1000000}
M1=${M1:-2000}
M2=${M2:-10000}
ensure_peers

POINTS="$OUTDIR/geo_points.$N.resp"
if [ ! -s "$POINTS" ]; then
  python3 - "$N" >"$POINTS" <<'EOF'
import random, sys
n = int(sys.argv[1])
rnd = random.Random(42)
out = sys.stdout
i = 0
while i < n:
    k = min(100, n - i)
    args = ["GEOADD", "geo"]
    for _ in range(k):
        args += ["%.6f" % rnd.uniform(6.0, 19.0), "%.6f" % rnd.uniform(36.0, 47.0), "p%d" % i]
        i += 1
    out.write("*%d\r\n" % len(args))
    for a in args:
        out.write("$%d\r\n%s\r\n" % (len(a), a))
EOF
fi

# 5 km around Palermo: about 60 points in range, ASC as clients use it.
SEARCH=(GEOSEARCH geo FROMLONLAT 13.361389 38.115556 BYRADIUS 5 km ASC)
# New members (-r 1000000 fills __rand_int__) at ever-new positions.
ADD=(GEOADD geo 12.__rand_int__ 41.5 n__rand_int__)

run_one() { # bin port n cmd... -> total Ir of the n requests
  local bin=$1 port=$2 n=$3
  shift 3
  local out="$OUTDIR/cg.geo.$port.$n.out"
  rm -f "$out"
  valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$out" \
    "$bin" --port "$port" --save "" --appendonly no --logfile "$OUTDIR/cg.log" >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 1 600); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  redis-cli -p "$port" --pipe <"$POINTS" >/dev/null
  callgrind_control -i on "$pid" >/dev/null 2>&1
  redis-benchmark -p "$port" -n "$n" -c 1 -r 1000000 "$@" >/dev/null 2>&1
  callgrind_control -i off "$pid" >/dev/null 2>&1
  kill -TERM "$pid"
  wait "$pid" 2>/dev/null || true
  awk '/^totals:/ {print $2; exit}' "$out"
}

per_req() { # bin port cmd...
  local bin=$1 port=$2 a b
  shift 2
  a=$(run_one "$bin" "$port" "$M1" "$@")
  b=$(run_one "$bin" "$port" "$M2" "$@")
  awk -v a="$a" -v b="$b" -v n1="$M1" -v n2="$M2" 'BEGIN { printf "%.0f", (b - a) / (n2 - n1) }'
}

for what in SEARCH ADD; do
  declare -n cmd=$what
  f=$(per_req "$FERRODIS" "$FPORT" "${cmd[@]}")
  r=$(per_req "$REDIS" "$RPORT" "${cmd[@]}")
  ratio=$(awk -v f="$f" -v r="$r" 'BEGIN { printf "%.2f", f / r }')
  echo "instructions per ${cmd[*]} on $N points: ferrodis $f, redis-server $r, ratio $ratio"
done
