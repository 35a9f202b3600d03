#!/usr/bin/env bash
# Differential test of ferrodis against Debian's redis-server 7.0: builds
# perf/difftest.rs with plain rustc, starts both servers side by side on
# RPORT/FPORT, runs the same seeded random command sequence per family and
# prints every reply that differs (command, redis reply, ferrodis reply).
#
# Usage: FERRODIS=/path/to/ferrodis-server FPORT=16431 RPORT=16432 \
#          perf/difftest.sh [FAMILY=all] [N=5000] [SEED=1] [MAXPRINT=50]
#   FAMILY: list|hash|set|zset|sort|keys|bitmap|hll|all
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
fam="${1:-all}"
n="${2:-5000}"
seed="${3:-1}"
maxprint="${4:-50}"
FPORT="${FPORT:-16431}"
RPORT="${RPORT:-16432}"
FERRODIS="${FERRODIS:-$here/../target/release/ferrodis-server}"
out="${TMPDIR:-/tmp}/ferrodis-difftest-$FPORT"
mkdir -p "$out"
bin="$out/difftest"

rustc --edition 2024 -O "$here/difftest.rs" -o "$bin"

redis-server --port "$RPORT" --save "" --appendonly no --dir "$out" \
    --logfile "$out/redis.log" &
rpid=$!
"$FERRODIS" --port "$FPORT" --save "" --appendonly no --dir "$out" \
    --logfile "$out/ferrodis.log" &
fpid=$!
trap 'kill $rpid $fpid 2>/dev/null || true' EXIT
for p in "$RPORT" "$FPORT"; do
    for _ in $(seq 100); do
        redis-cli -p "$p" ping >/dev/null 2>&1 && break
        sleep 0.05
    done
done
"$bin" "$RPORT" "$FPORT" "$fam" "$n" "$seed" "$maxprint"
