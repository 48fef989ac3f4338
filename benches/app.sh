#!/usr/bin/env bash
# The desktop app against a bare Tauri 2 window built from the same Tauri in the same run:
# idle memory (PSS and RSS of the process and its WebKit processes, 20 s after start, the app
# with 3 providers signed in, one of them DPoP-bound) and launch time (spawn → main page loaded, and for the app →
# providers listed: the window is interactive). Release builds, Xvfb, a real gnome-keyring.
# RUNS=5 by default; prints a Markdown table (medians).
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/setup --test >/dev/null
cargo build --release --locked --quiet -p oauth-desk-cli -p oauth-desk-app --bins --example bare_window
exec xvfb-run -a -s "-screen 0 1280x800x24" bash tests/keyring-session.sh python3 benches/app_measure.py
