#!/usr/bin/env bash
# Bytes per element for 1M 16-byte members in one list, set, hash and
# sorted set: ferrodis and redis-server side by side, a fresh server per
# type. (used_memory: ferrodis counts the bytes its allocator wrapper hands
# out -- requested sizes, ffi/src/alloc.rs -- and redis-server jemalloc's
# allocated bytes, which include size-class rounding; RSS is the column
# that includes every allocator's slack alike.)
#   perf/memory.sh [N=1000000]
set -euo pipefail
source "$(dirname "$0")/common.sh"
N=${1:-1000000}
ensure_peers
for t in list set hash zset; do
  start_ferrodis; start_redis
  echo "ferrodis     $(python3 "$(dirname "$0")/memory.py" "$FPORT" "$t" "$N")"
  echo "redis-server $(python3 "$(dirname "$0")/memory.py" "$RPORT" "$t" "$N")"
  stop_all
done
