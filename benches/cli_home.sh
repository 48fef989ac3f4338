# Sourced by the CLI benchmarks: hyperfine, the release CLI as `$od`, a passphrase-vault home
# in `$home` (removed on exit, with the test OP and a keeper started as `$keeper`), and the test
# OP (long-lived tokens) at `$issuer`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v hyperfine >/dev/null || { apt-get install -y -qq hyperfine >/dev/null; }
bash .ci/setup --test >/dev/null
cargo build --release --quiet -p oauth-desk-cli --bin oauth-desk
od="$PWD/target/release/oauth-desk"
home=$(mktemp -d)
export OAUTH_DESK_HOME="$home" OAUTH_DESK_PASSPHRASE=bench BROWSER="$PWD/tests/op/browser.js"
OP_ACCESS_TTL=3600 node tests/op/server.js >"$home/op.out" 2>/dev/null &
op=$!
trap 'kill $op ${keeper:-} 2>/dev/null; rm -rf "$home"' EXIT
for _ in $(seq 50); do [ -s "$home/op.out" ] && break; sleep 0.1; done
# The first line names the issuer (the OP may print notices after it).
issuer=$(head -1 "$home/op.out" | sed -E 's/.*"issuer":"([^"]+)".*/\1/')

# Starts a keeper (its agent answers the CLI) and waits for its socket.
start_keeper() {
  "$od" keeper 2>/dev/null &
  keeper=$!
  for _ in $(seq 50); do [ -S "$home/agent.sock" ] && break; sleep 0.1; done
}
