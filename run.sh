#!/usr/bin/env bash
# Builds ferrodis (release) and runs it on the default config, ferrodis.conf.
# Extra arguments are passed on: ./run.sh --port 7000
set -euo pipefail
cd "$(dirname "$0")"
source scripts/deps.sh
cargo build --release --bin ferrodis-server
exec ./target/release/ferrodis-server ferrodis.conf "$@"
