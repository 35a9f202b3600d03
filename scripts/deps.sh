#!/usr/bin/env bash
# Installs what building ferrodis needs on Debian, only when missing:
# pkg-config, libhwloc-dev, libudev-dev (for the hwloc topology bindings),
# a C compiler (mimalloc is C), and a Rust toolchain >= 1.85 (edition 2024).
set -euo pipefail
need=()
for p in pkg-config libhwloc-dev libudev-dev build-essential curl ca-certificates; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "deps: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
if ! command -v cargo >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/cargo" ]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi
if ! command -v cargo >/dev/null 2>&1; then
  echo "deps: installing the Rust toolchain (rustup)" >&2
  curl -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal >/dev/null
  export PATH="$HOME/.cargo/bin:$PATH"
fi
