#!/usr/bin/env bash
# Latency of commands against one big key (issue 3): a 1M-member sorted set
# (ZADD, ZRANGE by rank, ZRANGEBYSCORE with LIMIT, ZSCORE) and a 1M-element
# list (LRANGE at the head, in the middle and at the tail),
# ferrodis and redis-server side by side, same load, same requests.
#
# Each server gets the big key from perf/memory.py (16-byte members, zset
# scores 0..N-1), then redis-benchmark runs every command with ONE client
# (-c 1, so each latency is one request's round trip, not queueing) and
# reports avg / p50 / p99 / max in ms. ZADD uses __rand_int__ for score and
# member, so about 2/3 of its requests insert new members (the set grows
# past N and its dict rehashes incrementally during the run). (__rand_int__
# is a zero-padded 12-digit number, which integer arguments such as LINDEX's
# index reject in both servers, so the list side uses fixed ranges.)
#   perf/bigkey_latency.sh [N=1000000] [requests=50000]
set -euo pipefail
source "$(dirname "$0")/common.sh"
N=${1:-1000000}
REQ=${2:-50000}
ensure_peers
MID=$((N / 2))

bench() { # port label command...
  local port=$1 label=$2; shift 2
  redis-benchmark -p "$port" -n "$REQ" -c 1 -r "$N" --csv "$@" 2>/dev/null |
    awk -F'","' -v l="$label" 'NR > 1 { for (i = 1; i <= NF; i++) gsub(/"/, "", $i); printf "%-28s %9.0f rps  avg %6.3f  p50 %6.3f  p99 %6.3f  max %7.3f ms\n", l, $2, $3, $5, $7, $8 }'
}

start() { # who -> port (a fresh server per big key)
  if [ "$1" = ferrodis ]; then start_ferrodis; port=$FPORT; else start_redis; port=$RPORT; fi
}
for who in ferrodis redis-server; do
  start $who
  echo "== $who ($(python3 "$(dirname "$0")/memory.py" "$port" zset "$N"))"
  bench "$port" "ZADD (insert/update)" ZADD k __rand_int__ __rand_int__
  bench "$port" "ZRANGE k mid mid+9" ZRANGE k "$MID" $((MID + 9))
  bench "$port" "ZRANGEBYSCORE LIMIT 0 10" ZRANGEBYSCORE k __rand_int__ +inf LIMIT 0 10
  bench "$port" "ZSCORE (hit)" ZSCORE k "$(printf %016d "$MID")"
  stop_all; start $who
  echo "   ($(python3 "$(dirname "$0")/memory.py" "$port" list "$N"))"
  bench "$port" "LRANGE k 0 99" LRANGE k 0 99
  bench "$port" "LRANGE k mid mid+99" LRANGE k "$MID" $((MID + 99))
  bench "$port" "LRANGE k -100 -1" LRANGE k -100 -1
  stop_all
done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); redis-server $("$REDIS" --version | awk '{print $3}'); N=$N requests=$REQ -c 1"
