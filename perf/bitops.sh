#!/usr/bin/env bash
# Big-string bitmap commands side by side (issue 16): BITCOUNT of a 1 MB
# and a 64 MB string, BITOP AND over 4 x 16 MB, GETBIT/SETBIT inside a
# 1 MB string, PFCOUNT of a dense HLL (cache invalidated by each PFADD)
# and a 10-key union. Both servers get the same random bytes. For each
# test: redis-benchmark's rps and the server's CPU time per request
# (user + system from /proc/PID/stat, as perf/bench.sh does), which is what
# the server itself spends and so is less disturbed by the load generator
# sharing the VM's cores. Median of ROUNDS rounds, interleaved.
#   perf/bitops.sh [rounds=3]
set -euo pipefail
source "$(dirname "$0")/common.sh"
ROUNDS=${1:-3}
ensure_peers
start_ferrodis
start_redis
HZ=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
head -c $((1 << 20)) /dev/urandom > "$OUTDIR/r1m"
head -c $((64 << 20)) /dev/urandom > "$OUTDIR/r64m"
for port in "$FPORT" "$RPORT"; do
  redis-cli -p "$port" -x SET big1m < "$OUTDIR/r1m" >/dev/null
  redis-cli -p "$port" -x SET big64m < "$OUTDIR/r64m" >/dev/null
  for i in 1 2 3 4; do
    redis-cli -p "$port" SETRANGE "s$i" 0 "$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')" >/dev/null
    redis-cli -p "$port" SETRANGE "s$i" $(((16 << 20) - 1)) x >/dev/null
  done
  redis-benchmark -p "$port" -n 30000 -r 1000000 -q PFADD hll "e:__rand_int__" >/dev/null 2>&1
  for i in $(seq 0 9); do
    redis-benchmark -p "$port" -n 3000 -r 1000000 -q PFADD "u$i" "e$i:__rand_int__" >/dev/null 2>&1
  done
done
TESTS=(
  "200|BITCOUNT big1m"
  "20|BITCOUNT big64m"
  "20|BITOP AND dst s1 s2 s3 s4"
  "50000|GETBIT big1m 4000001"
  "50000|SETBIT big1m 4000001 1"
  "2000|PFCOUNT u0 u1 u2 u3 u4 u5 u6 u7 u8 u9"
)
declare -A CPU RPS
for round in $(seq 1 "$ROUNDS"); do
  for t in "${TESTS[@]}"; do
    n=${t%%|*}; cmd=${t#*|}
    for who in ferrodis redis-server; do
      port=$FPORT; pid=$FPID; [ $who = redis-server ] && { port=$RPORT; pid=$RPID; }
      c0=$(cpu_ticks "$pid")
      # shellcheck disable=SC2086
      rps=$(redis-benchmark -p "$port" -n "$n" -c 1 --csv $cmd 2>/dev/null | tail -n 1 | cut -d, -f2 | tr -d '"')
      c1=$(cpu_ticks "$pid")
      us=$(awk -v d=$((c1 - c0)) -v hz="$HZ" -v n="$n" 'BEGIN { printf "%.1f", d / hz * 1e6 / n }')
      CPU["$cmd|$who"]+="$us "; RPS["$cmd|$who"]+="$rps "
    done
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
printf '%-42s %14s %14s %10s %10s %7s\n' test "ferrodis rps" "redis rps" "f us/req" "r us/req" "cpu r/f"
for t in "${TESTS[@]}"; do
  cmd=${t#*|}
  fr=$(echo "${RPS["$cmd|ferrodis"]}" | median); rr=$(echo "${RPS["$cmd|redis-server"]}" | median)
  fc=$(echo "${CPU["$cmd|ferrodis"]}" | median); rc=$(echo "${CPU["$cmd|redis-server"]}" | median)
  ratio=$(awk -v f="$fc" -v r="$rc" 'BEGIN { if (f > 0) printf "%.2f", r / f; else print "-" }')
  printf '%-42s %14s %14s %10s %10s %7s\n' "$cmd" "$fr" "$rr" "$fc" "$rc" "$ratio"
done
