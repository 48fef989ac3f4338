#!/usr/bin/env bash
# The app's memory after heavy use against the bare window (benches/app_heavy.mjs): release
# builds, Xvfb, a real gnome-keyring, WebKitWebDriver. IDLE=60 (seconds) by default.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/setup --test >/dev/null
cargo build --release --locked --quiet -p oauth-desk-cli -p oauth-desk-app --bins --example bare_window
export PATH="$HOME/.cargo/bin:$PATH"
exec xvfb-run -a -s "-screen 0 1280x800x24" bash tests/keyring-session.sh node benches/app_heavy.mjs
