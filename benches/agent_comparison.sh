#!/usr/bin/env bash
# OAuth Desk's keeper/agent side by side with a real token agent, oidc-agent (Debian
# oidc-agent-cli), and with plain curl, in one run against the test OP (rotating refresh tokens,
# reuse detection on). Each tool holds its own grant (its own sign-in), so rotations never clash.
#   cached token:   oauth-desk token, token --format header, credential kubectl,
#                   credential git  vs  oidc-token  vs  /bin/true (the process floor)
#   forced refresh: oauth-desk refresh  vs  oidc-token -f  vs  curl (a shell script that posts the
#                   current refresh token and keeps the rotated one)
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in hyperfine oidc-agent; do
  command -v "$tool" >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    "$( [ "$tool" = oidc-agent ] && echo oidc-agent-cli || echo hyperfine )" >/dev/null
done
bash .ci/setup --test >/dev/null
# The CLI as the package ships it: static-pie (see src-tauri/package-deb.sh); with CLI=cargo,
# as `cargo install --locked --path crates/oauth-desk-cli` builds it (dynamic, the release profile and
# .cargo/config.toml).
if [ "${CLI:-package}" = cargo ]; then
  cargo build --release --locked --quiet -p oauth-desk-cli --bin oauth-desk
  od="$PWD/target/release/oauth-desk"
else
  RUSTFLAGS="-C target-feature=+crt-static -C link-arg=-Wl,-z,pack-relative-relocs" \
    cargo build --release --quiet -p oauth-desk-cli --bin oauth-desk --target x86_64-unknown-linux-gnu
  od="$PWD/target/x86_64-unknown-linux-gnu/release/oauth-desk"
fi
work=$(mktemp -d)
export OAUTH_DESK_HOME="$work/od" OAUTH_DESK_PASSPHRASE=bench BROWSER="$PWD/tests/op/browser.js"
OP_ACCESS_TTL=3600 node tests/op/server.js >"$work/op.out" 2>/dev/null &
pids=($!)
trap 'kill "${pids[@]}" 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do [ -s "$work/op.out" ] && break; sleep 0.1; done
issuer=$(sed -E 's/.*"issuer":"([^"]+)".*/\1/' "$work/op.out")
secret=post-secret-0123456789

# Three grants: one for each tool.
for name in od seed-oidc-agent seed-curl; do
  printf %s "$secret" | "$od" provider add "$name" --issuer "$issuer" --client-id post-app \
    --client-secret-stdin --auth-method post --scope "openid offline_access" --param prompt=consent >/dev/null
  "$od" login "$name" >/dev/null 2>&1
done
rt_agent=$("$od" show seed-oidc-agent --json --reveal | python3 -c 'import json,sys;print(json.load(sys.stdin)["refresh_token"]["value"])')
rt_curl=$("$od" show seed-curl --json --reveal | python3 -c 'import json,sys;print(json.load(sys.stdin)["refresh_token"]["value"])')
"$od" logout seed-oidc-agent >/dev/null; "$od" logout seed-curl >/dev/null

"$od" keeper 2>/dev/null &
pids+=($!)
for _ in $(seq 50); do [ -S "$OAUTH_DESK_HOME/agent.sock" ] && break; sleep 0.1; done

export HOME="$work/home"; mkdir -p "$HOME"
eval "$(oidc-agent --no-autoload 2>/dev/null)"
pids+=("$OIDCD_PID")
oidc-gen oa --issuer="$issuer" --client-id=post-app --client-secret="$secret" --rt="$rt_agent" \
  --scope="openid offline_access" --redirect-uri=http://localhost:4242/callback \
  --pw-cmd="echo bench" --confirm-default >/dev/null 2>&1
oidc-token oa >/dev/null

printf %s "$rt_curl" >"$work/rt"
cat >"$work/curl-refresh.sh" <<SH
rt=\$(cat "$work/rt")
body=\$(curl -s -X POST "$issuer/token" -d grant_type=refresh_token --data-urlencode "refresh_token=\$rt" \
  -d client_id=post-app -d client_secret=$secret)
printf %s "\$body" | sed -E 's/.*"refresh_token":"([^"]+)".*/\1/' >"$work/rt"
SH

# Cached token: ROUNDS rounds (default 8) of 100 runs of each command; a round's figure is its
# median, the table gives the median of the rounds and its ratio to oidc-token. Rounds, not one
# long run: on a shared machine the speed drifts by ±20 % over minutes, and a command measured
# only early or only late would carry that drift.
for round in $(seq "${ROUNDS:-8}"); do
  hyperfine -N --warmup 10 --runs 100 --export-json "$work/cached-$round.json" \
    "$od token od" "$od token od --format header" "$od credential kubectl od" \
    "$od credential git od get" "oidc-token oa" "/bin/true" >/dev/null
done
python3 - "$work" "$od" >"$work/cached.md" <<'PY'
import glob, json, statistics, sys
work, od = sys.argv[1], sys.argv[2]
rounds = {}
for path in sorted(glob.glob(f"{work}/cached-*.json")):
    for result in json.load(open(path))["results"]:
        rounds.setdefault(result["command"], []).append(statistics.median(result["times"]) * 1000)
base = statistics.median(rounds["oidc-token oa"])
print(f"| command ({len(rounds['oidc-token oa'])} rounds of 100) | median ms | rounds' medians | / oidc-token |")
print("|---|---:|---|---:|")
for command, ms in rounds.items():
    m = statistics.median(ms)
    spread = f"{min(ms):.2f}–{max(ms):.2f}"
    print(f"| `{command.replace(od, 'oauth-desk')}` | {m:.2f} | {spread} | {m / base:.2f} |")
PY
hyperfine -N --warmup 2 --runs 30 --export-markdown "$work/refresh.md" \
  "$od refresh od" "oidc-token -f oa" "bash $work/curl-refresh.sh"
echo; cat "$work/cached.md"; echo; cat "$work/refresh.md"
# Every refresh succeeded (rotation, reuse detection): count what the OP saw.
curl -s "$issuer/_test/log" | python3 -c '
import json, sys
refreshes = [e for e in json.load(sys.stdin) if e["grant_type"] == "refresh_token"]
failed = sum(e["status"] != 200 for e in refreshes)
print("refreshes at the OP:", len(refreshes), "failed:", failed)'
