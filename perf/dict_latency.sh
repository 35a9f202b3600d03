#!/usr/bin/env bash
# Builds perf/dict_latency.rs with plain rustc (no cargo; it includes
# src/ds/{hash,dict}.rs by path) and runs each map in its own process.
#
# Usage: perf/dict_latency.sh [N]            (default N = 10000000)
#        DICT_BENCH_RT=1 perf/dict_latency.sh  run under SCHED_FIFO (needs
#            root/CAP_SYS_NICE). On a shared machine, preemption by other
#            processes otherwise adds 4-10 ms spikes at random inserts (look
#            at the involuntary context switch count) that hide the map's own
#            worst case. The benchmark then pauses 100 ms every 400 ms,
#            outside the timed region, to stay under RT throttling.
#        DICT_BENCH_PRELOAD=/path/to/libmimalloc.so perf/dict_latency.sh
#            run with another malloc (the server links mimalloc; glibc's
#            malloc_consolidate makes freeing millions of small blocks, i.e.
#            dropping a big Dict, several times slower than under mimalloc
#            or jemalloc). /lib/x86_64-linux-gnu/libjemalloc.so.2 also works.
#        DICT_BENCH_MIN2=1 perf/dict_latency.sh
#            insert the same keys twice per map and keep, per insert, the
#            faster sample: separates the map's own (repeatable) stalls from
#            noise. See min_of_two in dict_latency.rs.
# Needs about 1.5 GiB of free memory per 10M keys.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
n="${1:-10000000}"
out="${TMPDIR:-/tmp}/ferrodis-perf"
mkdir -p "$out"
bin="$out/dict_latency"

rustc --edition 2024 -C opt-level=3 -C debug-assertions=off \
    "$here/dict_latency.rs" -o "$bin"

prio=()
flags=()
if [[ "${DICT_BENCH_RT:-0}" == 1 ]]; then
    if chrt -f 10 true 2>/dev/null; then
        prio=(chrt -f 10)
        flags=(--pause)
    else
        echo "DICT_BENCH_RT=1 but chrt -f is not permitted; running normally" >&2
    fi
fi

if [[ "${DICT_BENCH_MIN2:-0}" == 1 ]]; then flags+=(--min2); fi

env=()
if [[ -n "${DICT_BENCH_PRELOAD:-}" ]]; then
    env=(env "LD_PRELOAD=$DICT_BENCH_PRELOAD")
    echo "allocator: LD_PRELOAD=$DICT_BENCH_PRELOAD"
fi

"$bin" "$n" --header
for map in dict hashmap-sip hashmap-ferro; do
    "${prio[@]}" "${env[@]}" "$bin" "$n" "$map" "${flags[@]}"
done
