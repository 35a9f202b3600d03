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

# Link libhwloc statically, so the server binary needs no libhwloc at run
# time (STACK.md). The pkg-config crate never links a static archive from a
# system directory such as /usr/lib, so expose Debian's libhwloc.a through a
# private directory with its own hwloc.pc; .cargo/config.toml puts that
# directory on PKG_CONFIG_PATH. (libudev stays dynamic: libudev1 is part of
# every Debian base system.)
shim="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/target/hwloc-static"
if [ ! -f "$shim/hwloc.pc" ]; then
  libdir=$(pkg-config --variable=libdir hwloc)
  pcdir=$(pkg-config --variable=pcfiledir hwloc)
  if [ -f "$libdir/libhwloc.a" ]; then
    mkdir -p "$shim"
    ln -sf "$libdir/libhwloc.a" "$shim/libhwloc.a"
    sed "s|^libdir=.*|libdir=$shim|" "$pcdir/hwloc.pc" > "$shim/hwloc.pc"
  fi
fi
