#!/usr/bin/env bash
# The kill -9 loop at benchmark size: 1,000 `oauth-desk refresh` processes killed at random
# moments of refresh + vault write; after each, the vault must open and hold a usable token set.
# (The test suite runs the same loop 200 times.)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000}"
start=$(date +%s)
OAUTH_DESK_KILL_LOOP="$n" cargo test --quiet --test it -- --exact keeper::killing_a_refresh_at_any_moment_leaves_a_usable_vault
echo "kill_loop: $n iterations, all vaults readable with a usable token set, $(( $(date +%s) - start )) s"
