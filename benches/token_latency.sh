#!/usr/bin/env bash
# `oauth-desk token NAME` with a cached token: through the keeper's agent, and without one
# (opening the vault in the process), against `oauth-desk --version` (the process-start floor).
# Uses hyperfine and the test OP; a passphrase vault (Argon2id) for the no-agent case.
source "$(dirname "$0")/cli_home.sh"
"$od" provider add p --issuer "$issuer" --client-id public-app --scope "openid offline_access" --param prompt=consent >/dev/null
"$od" login p >/dev/null 2>&1
hyperfine -N --warmup 5 --runs 100 --export-markdown "$home/no-agent.md" \
  "$od --version" "$od token p"
start_keeper
hyperfine -N --warmup 5 --runs 200 --export-markdown "$home/agent.md" "$od token p"
cat "$home/no-agent.md" "$home/agent.md"
