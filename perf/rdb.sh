#!/usr/bin/env bash
# RDB SAVE and start-up load of N mixed keys (strings of three kinds, small
# hashes, lists, sets and sorted sets), ferrodis and redis-server side by
# side in one run: SAVE wall time (best of ROUNDS), file size, and the
# load time each server logs ("DB loaded from disk: X seconds", best of
# ROUNDS restarts).
#   perf/rdb.sh [N=1000000] [ROUNDS=3]
set -euo pipefail
source "$(dirname "$0")/common.sh"
N=${1:-1000000}
ROUNDS=${2:-3}
ensure_peers
DATA="$OUTDIR/rdb-mixed-$N.resp"
if [ ! -s "$DATA" ]; then
  python3 - "$N" > "$DATA" <<'EOF'
import sys
n = int(sys.argv[1])
out = sys.stdout.buffer
def cmd(*a):
    out.write(b"*%d\r\n" % len(a))
    for x in a:
        x = x if isinstance(x, bytes) else str(x).encode()
        out.write(b"$%d\r\n%s\r\n" % (len(x), x))
for i in range(n):
    k = f"key:{i}"
    r = i % 10
    if r < 3:
        cmd("SET", k, i * 7)
    elif r < 5:
        cmd("SET", k, f"value-{i}-short")
    elif r < 6:
        cmd("SET", k, ("payload-%d-" % i) * 8)
    elif r < 7:
        cmd("HSET", k, "name", f"user{i}", "age", i % 90, "city", "somewhere", "score", i % 1000)
    elif r < 8:
        cmd("RPUSH", k, *[f"item-{j}" for j in range(8)])
    elif r < 9:
        cmd("SADD", k, *[i + j for j in range(6)])
    else:
        cmd("ZADD", k, *sum(([j * 1.5, f"m{j}"] for j in range(6)), []))
EOF
fi
FDIR="$OUTDIR/rdb-ferrodis"; RDIR="$OUTDIR/rdb-redis"
rm -rf "$FDIR" "$RDIR"; mkdir -p "$FDIR" "$RDIR"
start_ferrodis --dir "$FDIR"
start_redis --dir "$RDIR"
redis-cli -p "$FPORT" --pipe < "$DATA" >/dev/null
redis-cli -p "$RPORT" --pipe < "$DATA" >/dev/null
echo "keys: ferrodis $(redis-cli -p "$FPORT" dbsize), redis $(redis-cli -p "$RPORT" dbsize)"

save_best() { # port
  local best=999999
  for _ in $(seq 1 "$ROUNDS"); do
    local t0 t1 ms
    t0=$(date +%s%N); redis-cli -p "$1" save >/dev/null; t1=$(date +%s%N)
    ms=$(( (t1 - t0) / 1000000 ))
    [ "$ms" -lt "$best" ] && best=$ms
  done
  echo "$best"
}
fs=$(save_best "$FPORT"); rs=$(save_best "$RPORT")
fsize=$(stat -c %s "$FDIR/dump.rdb"); rsize=$(stat -c %s "$RDIR/dump.rdb")
stop_all

load_best() { # which
  local best=999999 log
  for _ in $(seq 1 "$ROUNDS"); do
    if [ "$1" = ferrodis ]; then
      : > "$OUTDIR/ferrodis.log"; start_ferrodis --dir "$FDIR"; log="$OUTDIR/ferrodis.log"
    else
      : > "$OUTDIR/redis.log"; start_redis --dir "$RDIR"; log="$OUTDIR/redis.log"
    fi
    # wait_port accepts -LOADING; wait until the load line is logged.
    for _ in $(seq 1 600); do grep -q "DB loaded from disk" "$log" && break; sleep 0.05; done
    local s ms
    s=$(grep -o "DB loaded from disk: [0-9.]* seconds" "$log" | tail -1 | awk '{print $5}')
    ms=$(python3 -c "print(round($s * 1000))")
    [ "$ms" -lt "$best" ] && best=$ms
    stop_all
  done
  echo "$best"
}
fl=$(load_best ferrodis); rl=$(load_best redis)
ratio() { python3 -c "print(f'{$1/$2:.2f}' if $2 else 'n/a')"; }
printf '%-14s %10s %14s %8s\n' metric ferrodis redis-server ratio
printf '%-14s %10s %14s %8s\n' "SAVE ms" "$fs" "$rs" "$(ratio "$fs" "$rs")"
printf '%-14s %10s %14s %8s\n' "load ms" "$fl" "$rl" "$(ratio "$fl" "$rl")"
printf '%-14s %10s %14s %8s\n' "file bytes" "$fsize" "$rsize" "$(ratio "$fsize" "$rsize")"
