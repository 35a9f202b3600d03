#!/usr/bin/env bash
# Threaded I/O: ferrodis vs redis-server, side by side.
#
#  1. Scaling table: io-threads 1,2,4,8 x pipeline P1/P16 x 50/500 clients,
#     SET+GET with redis-benchmark; ferrodis and redis runs interleaved (same
#     config, one after the other) so machine noise hits both alike.
#  2. Light load: 16 clients sending ~3,200 PING/s in total for 10 s against
#     `--io-threads 4 --io-threads-do-reads yes`; server CPU% from
#     /proc/<pid>/stat utime+stime (all threads) over the window.
#
# Usage: perf/io_threads.sh [--light-only]   (env: REQS, FERRODIS, REDIS)
set -euo pipefail
cd "$(dirname "$0")/.."
REQS=${REQS:-200000}
REDIS=${REDIS:-redis-server}
if [[ -z "${FERRODIS:-}" ]]; then
    cargo build --release -q --bin ferrodis-server
    # Keep our own copy: a rebuild during the run must not swap the binary.
    FERRODIS=$(mktemp /tmp/ferrodis-perf.XXXXXX)
    cp "target/release/ferrodis-server" "$FERRODIS"
    chmod +x "$FERRODIS"
fi
PORT=${PORT:-7390}
CLK=$(getconf CLK_TCK)

start() { # kind threads -> pid
    local bin=$FERRODIS
    [[ $1 == redis ]] && bin=$REDIS
    "$bin" --port $PORT --save "" --appendonly no --io-threads "$2" \
        --io-threads-do-reads yes --logfile /dev/null >/dev/null 2>&1 &
    echo $!
    for _ in $(seq 50); do redis-cli -p $PORT ping >/dev/null 2>&1 && return; sleep 0.1; done
}
# The server was started inside $(...), so it is not our child and `wait`
# cannot wait for it: poll until the process is gone and the port is free,
# else the next server fails to bind while the old one still answers.
stop() {
    kill "$1" 2>/dev/null || true
    for _ in $(seq 100); do
        if ! kill -0 "$1" 2>/dev/null && ! redis-cli -p $PORT ping >/dev/null 2>&1; then return; fi
        sleep 0.05
    done
}
ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }

light() { # pid mode -> CPU% of one core over 10 s of 16 clients x 200 PING/s
    local t0 t1
    t0=$(ticks "$1")
    python3 - "$PORT" "$2" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
burst = sys.argv[2] == "burst"
conns = [socket.create_connection(("127.0.0.1", port)) for _ in range(16)]
for c in conns:
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
rate, secs = 3200, 10.0
start = time.time(); sent = 0; n = 0
while True:
    now = time.time()
    if now - start >= secs:
        break
    due = int((now - start) * rate)
    if burst and due - sent >= 16:
        # All 16 clients at once (>= 2 x 4 pending writes: threads active),
        # then ~5 ms of quiet: where spinning I/O threads burn CPU.
        for c in conns:
            c.sendall(b"*1\r\n$4\r\nPING\r\n")
        for c in conns:
            assert c.recv(64) == b"+PONG\r\n"
        sent += 16
        continue
    while not burst and sent < due:
        c = conns[sent % 16]
        c.sendall(b"*1\r\n$4\r\nPING\r\n")
        assert c.recv(64) == b"+PONG\r\n"
        sent += 1
    time.sleep(0.001)
print(f"  sent {sent} PING in {time.time()-start:.1f}s", file=sys.stderr)
PY
    t1=$(ticks "$1")
    echo "scale=1; ($t1 - $t0) * 100 / $CLK / 10" | bc
}

if [[ "${1:-}" != --light-only ]]; then
    printf "%-8s %-3s %-7s %14s %14s %14s %14s\n" threads P clients \
        ferrodis_SET redis_SET ferrodis_GET redis_GET
    for t in 1 2 4 8; do
        for p in 1 16; do
            for c in 50 500; do
                declare -A r=()
                for kind in ferrodis redis; do
                    pid=$(start $kind $t)
                    out=$(timeout 90 redis-benchmark -p $PORT -c $c -n $REQS -P $p -t set,get -q 2>/dev/null | tr '\r' '\n' | grep 'requests per second' || true)
                    r[$kind,SET]=$(echo "$out" | awk '/^SET/{print $2}')
                    r[$kind,GET]=$(echo "$out" | awk '/^GET/{print $2}')
                    stop "$pid"
                done
                printf "%-8s %-3s %-7s %14s %14s %14s %14s\n" $t $p $c \
                    "${r[ferrodis,SET]}" "${r[redis,SET]}" "${r[ferrodis,GET]}" "${r[redis,GET]}"
                unset r
            done
        done
    done
fi

echo "light load: 16 clients, ~3200 PING/s total, 10 s, io-threads 4, do-reads yes"
echo "  (spread: one PING at a time; burst: 16 at once every 5 ms)"
for mode in spread burst; do
    for kind in ferrodis redis; do
        pid=$(start $kind 4)
        cpu=$(light "$pid" $mode)
        echo "  $mode $kind: ${cpu}% of one core (utime+stime, all threads)"
        stop "$pid"
    done
done
