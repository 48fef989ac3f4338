#!/usr/bin/env node
// The Tauri CLI (`cargo tauri …` equivalent) from its Linux x64 npm build. The wrapper package
// @tauri-apps/cli lists every platform's build, which this npm registry mirror lacks (so
// `npm ci` fails); the one platform package installs fine as an optional dependency.
// Usage, from the repository root: node ui/scripts/tauri.cjs build --bundles deb
let cli;
try {
  cli = require('@tauri-apps/cli-linux-x64-gnu');
} catch {
  console.error('the Tauri CLI is only packaged here for Linux x64: use `cargo install tauri-cli --version "^2" --locked` and `cargo tauri …`');
  process.exit(1);
}
cli.run(process.argv.slice(2), 'tauri', (error) => {
  if (error) {
    cli.logError(error.message);
    process.exit(1);
  }
});
