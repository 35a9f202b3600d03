# Shared helpers for perf/*.sh: start/stop ferrodis and redis-server side by
# side on loopback ports, with persistence off.
FERRODIS=${FERRODIS:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/target/release/ferrodis-server}
REDIS=${REDIS:-$(command -v redis-server || true)}
FPORT=${FPORT:-16379}
RPORT=${RPORT:-16380}
OUTDIR=${OUTDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/out}
mkdir -p "$OUTDIR"
# PIN=S:C runs both servers on CPU list S and the load generator on CPU list
# C (taskset), e.g. PIN=1:0 on a 2-CPU machine: each side owns a core, so
# neither server loses its core to redis-benchmark mid-run.
PIN_SERVER=; PIN_CLIENT=
if [ -n "${PIN:-}" ]; then
  PIN_SERVER="taskset -c ${PIN%%:*}"; PIN_CLIENT="taskset -c ${PIN##*:}"
fi

ensure_peers() {
  if [ -z "$REDIS" ] || ! command -v redis-benchmark >/dev/null; then
    echo "installing redis-server and redis-tools (the peer to compare with)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server redis-tools >/dev/null
    REDIS=$(command -v redis-server)
  fi
  if [ ! -x "$FERRODIS" ]; then
    (cd "$(dirname "$FERRODIS")/../.." && cargo build --release --bin ferrodis-server) >&2
  fi
}

wait_port() {
  for _ in $(seq 1 100); do
    redis-cli -p "$1" ping >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  echo "server on port $1 did not start" >&2
  return 1
}

start_ferrodis() { # extra args...
  $PIN_SERVER "$FERRODIS" --port "$FPORT" --save "" --appendonly no --logfile "$OUTDIR/ferrodis.log" "$@" &
  FPID=$!
  wait_port "$FPORT"
}

start_redis() {
  $PIN_SERVER "$REDIS" --port "$RPORT" --save "" --appendonly no --logfile "$OUTDIR/redis.log" "$@" &
  RPID=$!
  wait_port "$RPORT"
}

stop_all() {
  [ -n "${FPID:-}" ] && kill "$FPID" 2>/dev/null && wait "$FPID" 2>/dev/null
  [ -n "${RPID:-}" ] && kill "$RPID" 2>/dev/null && wait "$RPID" 2>/dev/null
  FPID=; RPID=
  return 0
}
trap stop_all EXIT
