#!/usr/bin/env bash
# Throughput side by side: redis-benchmark against ferrodis and redis-server
# in the same run, interleaved rounds (so machine noise hits both alike),
# -c 50 -r 100000, pipelines 1 and 16. Every measurement is appended to
# perf/out/bench.csv (P,server,test,rps); the summary prints the median of
# the rounds and the ratio ferrodis / redis-server.
#   perf/bench.sh [tests] [rounds] [requests]
set -euo pipefail
source "$(dirname "$0")/common.sh"
TESTS=${1:-ping,set,get,incr,mset}
ROUNDS=${2:-3}
N=${3:-200000}
CSV="$OUTDIR/bench.csv"
ensure_peers
start_ferrodis
start_redis
: > "$CSV"
for P in 1 16; do
  n=$N; [ "$P" = 16 ] && n=$((N * 4))
  for round in $(seq 1 "$ROUNDS"); do
    for who in ferrodis redis-server; do
      port=$FPORT; [ $who = redis-server ] && port=$RPORT
      redis-benchmark -p "$port" -t "$TESTS" -n "$n" -c 50 -r 100000 -P "$P" --csv 2>/dev/null |
        awk -F'","' -v p="$P" -v w="$who" 'NR > 1 { gsub(/"/, "", $1); gsub(/"/, "", $2); print p "\t" w "\t" $1 "\t" $2 }' >> "$CSV"
    done
  done
done
summarize() {
  awk -F'\t' '
    { k = $1 "\t" $3; v[k, $2, ++n[k, $2]] = $4; keys[k] = 1 }
    function med(k, w,   m, i, j, t, a) {
      m = n[k, w]; if (m == 0) return 0
      for (i = 1; i <= m; i++) a[i] = v[k, w, i]
      for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
      return a[int((m + 1) / 2)]
    }
    END {
      printf "%-3s %-34s %12s %12s %6s\n", "P", "test", "ferrodis", "redis", "ratio"
      for (k in keys) {
        split(k, pk, "\t"); f = med(k, "ferrodis"); r = med(k, "redis-server")
        printf "%-3s %-34s %12.0f %12.0f %6.2f\n", pk[1], pk[2], f, r, (r > 0 ? f / r : 0)
      }
    }' "$1" | sort -k1,1n -k2
}
summarize "$CSV"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); redis-server $("$REDIS" --version | awk '{print $3}'); rounds=$ROUNDS n=$N (P16: n*4)"
