#!/usr/bin/env bash
# Runs the whole benchmark suite in one go and prints each part's table or summary (release
# builds; ~15 minutes on 2 cores). Each part can also be run alone; the README reports a run.
#   app.sh            app idle memory and launch time vs a bare Tauri 2 window
#   token_latency.sh  `oauth-desk token NAME` (cached) vs `oauth-desk --version`
#   headers_latency.sh `oauth-desk headers NAME --url U` (DPoP proof) vs `token NAME`
#   dpop_proofs       DPoP proofs per second per key type
#   refresh_roundtrip engine refresh vs a raw reqwest POST to the same loopback endpoint
#   keeper_scale      10,000 token sets kept fresh for 60 s
#   sizes             release binaries and the release .deb
set -euo pipefail
cd "$(dirname "$0")/.."
section() { printf '\n## %s\n\n' "$*"; }

section "App vs bare Tauri 2 window (benches/app.sh)"
bash benches/app.sh

section "Cached token vs process start (benches/token_latency.sh)"
bash benches/token_latency.sh

section "DPoP headers vs token (benches/headers_latency.sh)"
bash benches/headers_latency.sh

section "DPoP proofs (cargo bench --bench dpop_proofs)"
cargo bench --locked --quiet --bench dpop_proofs

section "Refresh round trip (cargo bench --bench refresh_roundtrip)"
cargo bench --locked --quiet --bench refresh_roundtrip

section "Keeper at scale (cargo bench --bench keeper_scale)"
cargo bench --locked --quiet --bench keeper_scale

section "Sizes"
PROFILE=release bash tests/package/deb.sh >/dev/null
deb=$(ls -t target/release/bundle/deb/*.deb | head -1)
echo "| artefact | size |"
echo "|---|---|"
for f in target/release/oauth-desk target/release/oauth-desk-app "$deb"; do
  printf '| %s | %s |\n' "$(basename "$f")" "$(du -h "$f" | cut -f1)"
done
printf '| UI bundle (JS + CSS, gzip) | %s |\n' "$(cat ui/dist/assets/* | gzip -9 | wc -c | awk '{printf "%.0f KiB", $1/1024}')"
