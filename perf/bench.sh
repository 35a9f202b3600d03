#!/usr/bin/env bash
# Throughput side by side: redis-benchmark against ferrodis and redis-server
# in the same run, interleaved rounds (so machine noise hits both alike),
# -c 50 -r 100000, pipelines 1 and 16. Prints requests/s (median of the
# rounds) and the ratio ferrodis / redis-server.
#   perf/bench.sh [tests] [rounds] [requests]
set -euo pipefail
source "$(dirname "$0")/common.sh"
TESTS=${1:-ping,set,get,incr,mset}
ROUNDS=${2:-3}
N=${3:-200000}
ensure_peers
start_ferrodis
start_redis
declare -A F R
for P in 1 16; do
  n=$N; [ "$P" = 16 ] && n=$((N * 4))
  for round in $(seq 1 "$ROUNDS"); do
    for who in F R; do
      port=$FPORT; [ $who = R ] && port=$RPORT
      while IFS=, read -r name rps _; do
        name=${name//\"/}; rps=${rps//\"/}
        [ "$name" = test ] && continue
        key="$P|$name"
        if [ $who = F ]; then F[$key]="${F[$key]:-} $rps"; else R[$key]="${R[$key]:-} $rps"; fi
      done < <(redis-benchmark -p "$port" -t "$TESTS" -n "$n" -c 50 -r 100000 -P "$P" --csv 2>/dev/null)
    done
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf "%-4s %-14s %14s %14s %7s\n" P test ferrodis redis-server ratio
for key in $(printf '%s\n' "${!F[@]}" | sort -t'|' -k1,1n -k2); do
  f=$(echo "${F[$key]}" | median); r=$(echo "${R[$key]:-0}" | median)
  ratio=$(awk -v f="$f" -v r="$r" 'BEGIN { if (r > 0) printf "%.2f", f / r; else print "-" }')
  printf "%-4s %-14s %14s %14s %7s\n" "${key%%|*}" "${key#*|}" "$f" "$r" "$ratio"
done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); redis-server $("$REDIS" --version | awk '{print $3}')"
