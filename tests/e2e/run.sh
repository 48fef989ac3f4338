#!/usr/bin/env bash
# Runs the desktop app's end-to-end test: a virtual display, a private D-Bus session with an
# unlocked gnome-keyring (the vault key lives in a real Secret Service), WebKitWebDriver.
# Needs: cargo build --workspace (debug), npm ci in tests/op, WebKitWebDriver on PATH
# (webkit2gtk-driver).
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$HOME/.cargo/bin:$PATH"
# A time limit of its own: a stuck app or driver fails this stage instead of the whole CI run.
exec timeout 1200 xvfb-run -a -s "-screen 0 1280x800x24" bash tests/keyring-session.sh node tests/e2e/app.e2e.mjs
