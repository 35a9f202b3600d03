#!/usr/bin/env bash
# DEL vs UNLINK of an N-member set and FLUSHALL SYNC vs ASYNC over N keys,
# with a PING loop on a second connection: the deleting call's time and the
# worst PING latency, for ferrodis and redis-server in the same run.
#   perf/lazyfree.sh [N=2000000]
set -euo pipefail
source "$(dirname "$0")/common.sh"
N=${1:-2000000}
ensure_peers
start_ferrodis
start_redis
echo "== ferrodis"; python3 "$(dirname "$0")/lazyfree_latency.py" "$FPORT" "$N"
echo "== redis-server $("$REDIS" --version | awk '{print $3}')"; python3 "$(dirname "$0")/lazyfree_latency.py" "$RPORT" "$N"
