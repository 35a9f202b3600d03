#!/usr/bin/env bash
# Runs the whole test suite: unit tests of every module and the black-box
# tests, each against a real ferrodis-server process over real sockets, some
# side by side with Debian's redis-server 7.0 as the oracle.
#
# Every test binary runs under its own time limit (TEST_BIN_TIMEOUT seconds,
# default 900): a hung test fails the run with the binary's name instead of
# holding CI until its 90-minute limit.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/deps.sh

# The compatibility tests compare with the real thing: redis-server,
# redis-cli and redis-check-rdb/aof (Debian's 7.0.15).
need=()
for p in redis-server redis-tools; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "test: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
# The package starts a redis-server on 6379 under systemd where systemd
# runs; the tests start their own on free ports, so that one is left alone.

cargo build --bin ferrodis-server

# The lints Cargo.toml declares are enforced, not just declared.
cargo clippy --workspace --all-targets -- -D warnings

# Build every test binary, then run each one under a time limit. Test
# binaries each start their own servers on distinct ports; two threads at a
# time keep a 2-core CI machine responsive.
bins=$(cargo test --workspace --no-run --message-format=json 2>/dev/null |
  grep -E '"profile":\{[^}]*"test":true' | grep -o '"executable":"[^"]*"' | cut -d'"' -f4 | sort -u)
[ -n "$bins" ] || { echo "test: no test binaries were built" >&2; exit 1; }
limit=${TEST_BIN_TIMEOUT:-900}
passed=0
failed=0
failures=()
for exe in $bins; do
  name=$(basename "$exe")
  # Unit tests of the ffi crate run from its own directory, as cargo does.
  case "$name" in
    ferrodis_ffi-*) dir=ffi ;;
    *) dir=. ;;
  esac
  out=$(mktemp)
  set +e
  (cd "$dir" && timeout -k 10 "$limit" "$exe" --test-threads=2) 2>&1 | tee "$out"
  rc=${PIPESTATUS[0]}
  set -e
  p=$(grep -E '^test result:' "$out" | sed -E 's/.* ([0-9]+) passed.*/\1/' | tail -1)
  f=$(grep -E '^test result:' "$out" | sed -E 's/.* ([0-9]+) failed.*/\1/' | tail -1)
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
  rm -f "$out"
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    echo "test: $name did not finish within ${limit}s: killed (a hung test)" >&2
    failures+=("$name (timed out)")
  elif [ "$rc" -ne 0 ]; then
    failures+=("$name (exit $rc)")
  fi
done
echo
if [ ${#failures[@]} -gt 0 ]; then
  printf 'test: failed binaries: %s\n' "${failures[*]}" >&2
  [ "$failed" -gt 0 ] || failed=${#failures[@]}
fi
echo "$passed passed, $failed failed"
[ ${#failures[@]} -eq 0 ]
