#!/usr/bin/env bash
# The parsers' property tests at a million cases each (CI runs 256–2,000): token responses,
# JWTs, authorization responses on the loopback callback, discovery documents, provider
# import, import variables, the loopback listener's request reader, server-text escaping,
# project files and resource challenges, plus the redactor and the trace recorder. Every case must not panic (and keep the
# property the test states). CASES=1000000 by default; prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
cases=${CASES:-1000000}
cargo test --profile fuzz -p oauth-desk-core --lib --locked --no-run --quiet 2>/dev/null
properties=(
  "token::tests::the_parser_never_panics|token response parser (any bytes)"
  "token::tests::the_parser_never_panics_on_json_shaped_bodies|token response parser (JSON-shaped)"
  "jwt::tests::decoding_never_panics|JWT decoder"
  "flow::authorize::tests::callback_checking_never_panics_nor_accepts_a_foreign_state|authorization response (callback query)"
  "provider::discovery::tests::reading_a_document_never_panics|discovery document"
  "store::config::tests::importing_never_panics|provider import"
  "redact::tests::no_known_secret_survives_the_redactor|redactor (no secret survives)"
  "trace::tests::no_secret_reaches_a_trace_or_har|trace and HAR (no secret)"
  "import::vars::tests::resolving_is_bounded|import variables (cycles, doubling: bounded)"
  "callback::request::tests::reading_never_panics|loopback listener: reading a request (any bytes)"
  "callback::request::tests::requests_read_back|loopback listener: well-formed requests read back"
  "printable::tests::nothing_hostile_survives|server text escaping (nothing hostile survives)"
  "project::tests::reading_never_panics|project file"
  "flow::challenge::tests::reading_any_header_never_panics|WWW-Authenticate challenges"
)
echo "| property | cases | time | result |"
echo "|---|---|---|---|"
for entry in "${properties[@]}"; do
  name=${entry%%|*}
  label=${entry#*|}
  start=$(date +%s.%N)
  # A renamed test would match nothing and "pass": exactly one must have run.
  if OAUTH_DESK_FUZZ_CASES=$cases cargo test --profile fuzz -p oauth-desk-core --lib --locked --quiet -- --exact "$name" >/tmp/fuzz.$$.log 2>&1 \
    && grep -q "test result: ok. 1 passed" /tmp/fuzz.$$.log; then
    result=pass
  else
    result="FAIL (see below)"
    failed=1
  fi
  secs=$(echo "$(date +%s.%N) - $start" | bc)
  printf '| %s | %s | %.0f s | %s |\n' "$label" "$cases" "$secs" "$result"
  [ "$result" = pass ] || cat /tmp/fuzz.$$.log
done
rm -f /tmp/fuzz.$$.log
exit ${failed:-0}
