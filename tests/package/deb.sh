#!/usr/bin/env bash
# Builds the .deb with the Tauri CLI, installs it with dpkg, and checks what a user gets: the
# app and the `oauth-desk` CLI on PATH, the desktop entry and its icons, the version from
# Cargo.toml, and the installed app opening its window under Xvfb (screenshot kept in
# target/package/). Then removes the package (dpkg through sudo when not root).
# PROFILE=debug (default, reuses the test build) or release (what ships: at most 12 MiB).
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$HOME/.cargo/bin:$PATH"
profile=${PROFILE:-debug}
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
say() { printf '==> %s\n' "$*" >&2; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

version=$(sed -nE 's/^version = "([^"]+)"/\1/p' Cargo.toml | head -1)
say "building the .deb ($profile)"
deb=$(PROFILE=$profile bash src-tauri/package-deb.sh)
[ -f "$deb" ] || fail "no .deb was made"
say "checking $deb ($(du -h "$deb" | cut -f1))"
[ "$(ar t "$deb" | grep '^data\.tar')" = data.tar.xz ] || fail "the package is not xz-compressed: $(ar t "$deb" | tr '\n' ' ')"
if [ "$profile" = release ]; then
  size=$(stat -c %s "$deb")
  [ "$size" -le $((12 * 1024 * 1024)) ] || fail "the release .deb is $size bytes, over 12 MiB"
fi

[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "package version $(dpkg-deb -f "$deb" Version), Cargo.toml says $version"
pkg=$(dpkg-deb -f "$deb" Package)
[ -n "$pkg" ] || fail "the package has no name"
files=$(dpkg-deb -c "$deb" | awk '{ $1=$2=$3=$4=$5=""; sub(/^ +/, ""); sub(/^\.?\//, ""); print }')
for f in usr/bin/oauth-desk-app usr/bin/oauth-desk usr/share/applications/oauth-desk.desktop \
    usr/share/icons/hicolor/32x32/apps/oauth-desk-app.png usr/share/icons/hicolor/128x128/apps/oauth-desk-app.png; do
  grep -qx "$f" <<<"$files" || fail "the package lacks /$f"
done
[ "$(grep -c '^usr/bin/.' <<<"$files")" -eq 2 ] || fail "unexpected programs in /usr/bin: $(grep '^usr/bin/.' <<<"$files" | tr '\n' ' ')"

$sudo dpkg -i "$deb" >/dev/null || { $sudo apt-get install -f -y -qq >/dev/null; $sudo dpkg -i "$deb" >/dev/null; }
trap '$sudo dpkg -r "$pkg" >/dev/null 2>&1 || true' EXIT
[ "$(command -v oauth-desk)" = /usr/bin/oauth-desk ] || fail "oauth-desk is not on PATH after install"
oauth-desk --version | grep -qF "$version" || fail "oauth-desk --version: $(oauth-desk --version)"
file -b /usr/bin/oauth-desk | grep -q "static-pie linked" || fail "the CLI is not static-pie: $(file -b /usr/bin/oauth-desk)"
home=$(mktemp -d)
# A name looked up through /etc/hosts (glibc's built-in `files` source), then a refused connection.
lookup=$(OAUTH_DESK_HOME=$home OAUTH_DESK_PASSPHRASE=x oauth-desk provider add x --issuer http://localhost:9 \
  --client-id c 2>&1 || true)
grep -q "could not connect to http://localhost:9/" <<<"$lookup" || fail "the static CLI does not look names up: $lookup"
rm -rf "$home"
desktop=/usr/share/applications/oauth-desk.desktop
grep -qx "Exec=oauth-desk-app" "$desktop" || fail "desktop entry Exec: $(grep ^Exec "$desktop")"
grep -qx "Icon=oauth-desk-app" "$desktop" || fail "desktop entry Icon: $(grep ^Icon "$desktop")"
grep -qx "Name=OAuth Desk" "$desktop" || fail "desktop entry Name: $(grep ^Name "$desktop")"
file -b /usr/share/icons/hicolor/128x128/apps/oauth-desk-app.png | grep -q "128 x 128, 8-bit/color RGBA" \
  || fail "the 128 px icon is $(file -b /usr/share/icons/hicolor/128x128/apps/oauth-desk-app.png)"

say "starting the installed app under Xvfb"
mkdir -p target/package
home=$(mktemp -d)
log=target/package/installed-app.log
# Started outside the checkout (no project file found by walking up), its output kept: when the
# window does not come, the log says why (and whether the app exited or is still starting).
if ! (cd "$home" && OAUTH_DESK_HOME=$home OAUTH_DESK_LOG=debug xvfb-run -a -s "-screen 0 1280x800x24" \
    bash "$OLDPWD/tests/keyring-session.sh" bash -c '
  /usr/bin/oauth-desk-app >"$1" 2>&1 &
  app=$!
  for _ in $(seq 120); do
    xwininfo -root -tree 2>/dev/null | grep -q "\"OAuth Desk\"" && break
    kill -0 $app 2>/dev/null || { wait $app; echo "FAIL: the app exited ($?) before its window opened" >&2; exit 1; }
    sleep 0.5
  done
  sleep 3
  xwininfo -root -tree | grep -q "\"OAuth Desk\"" || { echo "FAIL: no OAuth Desk window after 63 s" >&2; exit 1; }
  import -window root "$2"
  kill $app
' bash "$OLDPWD/$log" "$OLDPWD/target/package/installed-app.png"); then
  echo "--- the app's output ($log):" >&2
  tail -n 60 "$log" >&2
  fail "the installed app did not open its window"
fi
rm -rf "$home"
# The screenshot is the app, not a blank screen: the empty state's text is there in colour.
colours=$(convert target/package/installed-app.png -format %k info:)
[ "$colours" -gt 20 ] || fail "the screenshot has $colours colours: a blank window?"
say "ok: $pkg $version installs, its CLI is on PATH, the app opens (target/package/installed-app.png)"
