#!/usr/bin/env bash
# Runs the whole test suite: unit tests of every module and the black-box
# tests, each against a real ferrodis-server process over real sockets.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/deps.sh
cargo build --bin ferrodis-server
# Test binaries each start their own servers on distinct ports; two at a
# time keeps a 2-core CI machine responsive.
cargo test --workspace -- --test-threads=2
