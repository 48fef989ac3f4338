#!/usr/bin/env bash
# `oauth-desk headers NAME --url URL` for a DPoP-bound token (a fresh proof for the request,
# made by the running keeper from its unlocked vault) against `oauth-desk token NAME` (the
# cached token) through the same keeper: what a proof adds to the point of use. Also both
# without a keeper (each process opens the vault). Release build, hyperfine, the test OP.
# Target: headers ≤ 1.2 × token through the keeper.
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
"$od" provider add dp --issuer "$issuer" --client-id dpop-app --scope "openid" --dpop >/dev/null
"$od" login dp >/dev/null 2>&1
"$od" userinfo dp >/dev/null # the resource's nonce, remembered for the proofs
url="$issuer/me"
hyperfine -N --warmup 5 --runs 50 --export-markdown "$home/no-agent.md" \
  "$od token dp" "$od headers dp --url $url"
"$od" keeper 2>/dev/null &
keeper=$!
for _ in $(seq 50); do [ -S "$home/agent.sock" ] && break; sleep 0.1; done
hyperfine -N --warmup 10 --runs 300 --export-markdown "$home/agent.md" \
  "$od token dp" "$od headers dp --url $url"
echo "### without a keeper"; cat "$home/no-agent.md"
echo "### through the keeper"; cat "$home/agent.md"
