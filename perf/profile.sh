#!/usr/bin/env bash
# Records a perf profile of the release binary under a redis-benchmark load
# (frame pointers are kept in release builds, so -g gives whole stacks) and
# renders a flame graph when inferno or FlameGraph is installed, else a
# `perf report` text.
#   perf/profile.sh [tests=get,set] [seconds=5]
set -euo pipefail
source "$(dirname "$0")/common.sh"
TESTS=${1:-get,set}
SECS=${2:-5}
ensure_peers
command -v perf >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq linux-perf >/dev/null || true
command -v perf >/dev/null || { echo "perf is not available on this machine" >&2; exit 1; }
start_ferrodis
redis-benchmark -p "$FPORT" -t "$TESTS" -n 100000000 -c 50 -r 100000 -P 16 -q >/dev/null 2>&1 &
BPID=$!
# cpu-clock: a software event, works where hardware counters are absent (VMs).
perf record -e cpu-clock -F 999 -g -p "$FPID" -o "$OUTDIR/perf.data" -- sleep "$SECS" 2>/dev/null
kill "$BPID" 2>/dev/null || true
if command -v inferno-collapse-perf >/dev/null; then
  perf script -i "$OUTDIR/perf.data" | inferno-collapse-perf | inferno-flamegraph > "$OUTDIR/flame.svg"
  echo "flame graph: $OUTDIR/flame.svg"
elif command -v stackcollapse-perf.pl >/dev/null; then
  perf script -i "$OUTDIR/perf.data" | stackcollapse-perf.pl | flamegraph.pl > "$OUTDIR/flame.svg"
  echo "flame graph: $OUTDIR/flame.svg"
else
  perf report -i "$OUTDIR/perf.data" --stdio --no-children 2>/dev/null | head -80 > "$OUTDIR/report.txt"
  echo "report: $OUTDIR/report.txt"
fi
