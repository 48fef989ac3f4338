#!/usr/bin/env bash
# `oauth-desk headers NAME --url URL` for a DPoP-bound token (a fresh proof for the request,
# made by the running keeper from its unlocked vault) against `oauth-desk token NAME` (the
# cached token) through the same keeper: what a proof adds to the point of use. Also both
# without a keeper (each process opens the vault). Release build, hyperfine, the test OP.
# Target: headers ≤ 1.2 × token through the keeper.
source "$(dirname "$0")/cli_home.sh"
"$od" provider add dp --issuer "$issuer" --client-id dpop-app --scope "openid" --dpop >/dev/null
"$od" login dp >/dev/null 2>&1
"$od" userinfo dp >/dev/null # the resource's nonce, remembered for the proofs
url="$issuer/me"
hyperfine -N --warmup 5 --runs 50 --export-markdown "$home/no-agent.md" \
  "$od token dp" "$od headers dp --url $url"
start_keeper
hyperfine -N --warmup 10 --runs 300 --export-markdown "$home/agent.md" \
  "$od token dp" "$od headers dp --url $url"
echo "### without a keeper"; cat "$home/no-agent.md"
echo "### through the keeper"; cat "$home/agent.md"
