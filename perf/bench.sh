#!/usr/bin/env bash
# Throughput side by side: redis-benchmark against ferrodis and redis-server
# in the same run, interleaved rounds (so machine noise hits both alike),
# -c 50 -r 100000, pipelines 1 and 16. Every measurement is appended to
# perf/out/bench.csv (P,server,test,rps); the summary prints the median of
# the rounds and the ratio ferrodis / redis-server.
#
# Next to rps it reports the server's CPU time per request (user + system,
# all threads, from /proc/PID/stat over each redis-benchmark run, one test
# per run): on this 2-core VM redis-benchmark competes with the server for
# the cores, so rps at P1 is mostly the client's and the scheduler's
# number, while CPU time per request is what the server itself spends,
# kernel work for its syscalls included.
# PIN=1:0 pins the servers to CPU 1 and redis-benchmark to CPU 0 (common.sh).
# FERRODIS_ARGS adds directives to ferrodis (e.g. "--cpu-affinity off").
#   perf/bench.sh [tests] [rounds] [requests]
set -euo pipefail
source "$(dirname "$0")/common.sh"
TESTS=${1:-ping,set,get,incr,mset}
ROUNDS=${2:-3}
N=${3:-200000}
CSV="$OUTDIR/bench.csv"
ensure_peers
# shellcheck disable=SC2086
start_ferrodis ${FERRODIS_ARGS:-}
start_redis
cpu_ticks() { # pid -> utime + stime of the whole process, in clock ticks
  awk '{ print $14 + $15 }' "/proc/$1/stat"
}
HZ=$(getconf CLK_TCK)
: > "$CSV"
for P in 1 16; do
  n=$N; [ "$P" = 16 ] && n=$((N * 4))
  for round in $(seq 1 "$ROUNDS"); do
    for t in ${TESTS//,/ }; do
      for who in ferrodis redis-server; do
        port=$FPORT; pid=$FPID; [ $who = redis-server ] && { port=$RPORT; pid=$RPID; }
        c0=$(cpu_ticks "$pid")
        line=$($PIN_CLIENT redis-benchmark -p "$port" -t "$t" -n "$n" -c 50 -r 100000 -P "$P" --csv 2>/dev/null | tail -n +2)
        c1=$(cpu_ticks "$pid")
        # one CSV row per test run ('-t lrange' alone reports 4 rows; the
        # CPU figure then covers all of them and the LPUSH fill)
        echo "$line" | awk -F'","' -v p="$P" -v w="$who" -v c=$((c1 - c0)) -v hz="$HZ" -v n="$n" -v k="$(echo "$line" | wc -l)" \
          'NF > 1 { gsub(/"/, "", $1); gsub(/"/, "", $2); printf "%s\t%s\t%s\t%s\t%.2f\n", p, w, $1, $2, c * 1e6 / hz / (n * k) }' >> "$CSV"
      done
    done
  done
done
summarize() {
  awk -F'\t' '
    { k = $1 "\t" $3; i = ++n[k, $2]; v[k, $2, i] = $4; u[k, $2, i] = $5; keys[k] = 1 }
    function med(k, w, col,   m, i, j, t, a) {
      m = n[k, w]; if (m == 0) return 0
      for (i = 1; i <= m; i++) a[i] = (col == 5 ? u[k, w, i] : v[k, w, i])
      for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
      return a[int((m + 1) / 2)]
    }
    END {
      printf "%-3s %-34s %10s %10s %6s %9s %9s %6s\n", "P", "test", "ferrodis", "redis", "ratio", "f_us/req", "r_us/req", "ratio"
      for (k in keys) {
        split(k, pk, "\t"); f = med(k, "ferrodis", 4); r = med(k, "redis-server", 4)
        fc = med(k, "ferrodis", 5); rc = med(k, "redis-server", 5)
        printf "%-3s %-34s %10.0f %10.0f %6.2f %9.2f %9.2f %6.2f\n", pk[1], pk[2], f, r, (r > 0 ? f / r : 0), fc, rc, (rc > 0 ? fc / rc : 0)
      }
    }' "$1" | sort -k1,1n -k2
}
summarize "$CSV"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); redis-server $("$REDIS" --version | awk '{print $3}'); rounds=$ROUNDS n=$N (P16: n*4)"
