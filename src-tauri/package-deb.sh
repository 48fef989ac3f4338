#!/usr/bin/env bash
# Makes the .deb: the app and its desktop entry and icons (Tauri's bundler) with the `oauth-desk`
# CLI in /usr/bin, then recompresses it with xz (the bundler writes gzip; xz makes the package
# about a third smaller, and dpkg has read it for years). Prints the package's path.
#
# The CLI is linked statically (static-pie: still address-randomised). kubectl and git start it
# for every operation, and most of a dynamic start is the loader mapping and relocating libc and
# looking up its symbols: static, `token` through the keeper is about a third faster and beats
# oidc-agent's `oidc-token` (README, "CLI start-up"). Name lookups need nothing extra: glibc's
# `files` and `dns` sources are built in.
# PROFILE=release (default, what ships) or debug (the test build).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
profile=${PROFILE:-release}
rm -rf "target/$profile/bundle/deb"
target=x86_64-unknown-linux-gnu
release=""
flag="--debug"
[ "$profile" = release ] && { release="--release"; flag=""; }
# --target keeps the static flag off build scripts and proc-macros; RUSTFLAGS replaces the
# config's, so the packed relocations are asked for again.
RUSTFLAGS="-C target-feature=+crt-static -C link-arg=-Wl,-z,pack-relative-relocs" \
  cargo build --locked $release -p oauth-desk-cli --bin oauth-desk --target "$target" >&2
node ui/scripts/tauri.cjs build $flag --bundles deb --ci \
  --config "{\"bundle\":{\"linux\":{\"deb\":{\"files\":{\"/usr/bin/oauth-desk\":\"../target/$target/$profile/oauth-desk\"}}}}}" >&2
deb=$(ls -t target/"$profile"/bundle/deb/*.deb | head -1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dpkg-deb -R "$deb" "$work/root"
dpkg-deb --root-owner-group -Zxz -z9 -b "$work/root" "$deb" >/dev/null
echo "$deb"
