#!/usr/bin/env bash
# Makes the .deb: the app and its desktop entry and icons (Tauri's bundler) with the `oauth-desk`
# CLI in /usr/bin, then recompresses it with xz (the bundler writes gzip; xz makes the package
# about a third smaller, and dpkg has read it for years). Prints the package's path.
# PROFILE=release (default, what ships) or debug (the test build).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
profile=${PROFILE:-release}
rm -rf "target/$profile/bundle/deb"
if [ "$profile" = release ]; then
  cargo build --locked --release -p oauth-desk >&2
  flag=""
else
  cargo build --locked -p oauth-desk >&2
  flag="--debug"
fi
node ui/scripts/tauri.cjs build $flag --bundles deb --ci \
  --config "{\"bundle\":{\"linux\":{\"deb\":{\"files\":{\"/usr/bin/oauth-desk\":\"../target/$profile/oauth-desk\"}}}}}" >&2
deb=$(ls -t target/"$profile"/bundle/deb/*.deb | head -1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dpkg-deb -R "$deb" "$work/root"
dpkg-deb --root-owner-group -Zxz -z9 -b "$work/root" "$deb" >/dev/null
echo "$deb"
