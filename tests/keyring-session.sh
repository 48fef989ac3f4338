#!/usr/bin/env bash
# Runs a command in a private D-Bus session with a new, unlocked gnome-keyring (a real Secret
# Service) whose files live in a temporary XDG_DATA_HOME: no keyring of the machine's user is
# read, touched or needed, and every run starts from an empty one.
#   bash tests/keyring-session.sh COMMAND [ARGS...]
set -euo pipefail
dir=$(mktemp -d)
# The command's status is the script's: the keyring daemon may still be writing its files when
# the session ends (seen: "rm: cannot remove …/data: Directory not empty" turning a passed run
# into a failed one), so the clean-up tries again and never decides the outcome.
cleanup() {
  local status=$?
  rm -rf "$dir" 2>/dev/null || { sleep 1; rm -rf "$dir" 2>/dev/null; } || true
  exit "$status"
}
trap cleanup EXIT
export XDG_DATA_HOME="$dir/data"
mkdir -p "$XDG_DATA_HOME"
dbus-run-session -- bash -c '
  echo -n test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  "$@"
' bash "$@"
