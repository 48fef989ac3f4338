#!/usr/bin/env bash
# `oauth-desk token NAME` with a cached token: through the keeper's agent, and without one
# (opening the vault in the process), against `oauth-desk --version` (the process-start floor).
# Uses hyperfine and the test OP; a passphrase vault (Argon2id) for the no-agent case.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { apt-get install -y -qq hyperfine >/dev/null; }
bash .ci/setup --test >/dev/null
cargo build --release --quiet --bin oauth-desk
od="$PWD/target/release/oauth-desk"
home=$(mktemp -d)
export OAUTH_DESK_HOME="$home" OAUTH_DESK_PASSPHRASE=bench BROWSER="$PWD/tests/op/browser.js"
OP_ACCESS_TTL=3600 node tests/op/server.js >"$home/op.out" 2>/dev/null &
op=$!
trap 'kill $op ${keeper:-} 2>/dev/null; rm -rf "$home"' EXIT
for _ in $(seq 50); do [ -s "$home/op.out" ] && break; sleep 0.1; done
issuer=$(sed -E 's/.*"issuer":"([^"]+)".*/\1/' "$home/op.out")
"$od" provider add p --issuer "$issuer" --client-id public-app --scope "openid offline_access" --param prompt=consent >/dev/null
"$od" login p >/dev/null 2>&1
hyperfine -N --warmup 5 --runs 100 --export-markdown "$home/no-agent.md" \
  "$od --version" "$od token p"
"$od" keeper 2>/dev/null &
keeper=$!
for _ in $(seq 50); do [ -S "$home/agent.sock" ] && break; sleep 0.1; done
hyperfine -N --warmup 5 --runs 200 --export-markdown "$home/agent.md" "$od token p"
cat "$home/no-agent.md" "$home/agent.md"
