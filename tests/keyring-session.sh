#!/usr/bin/env bash
# Runs a command in a private D-Bus session with a new, unlocked gnome-keyring (a real Secret
# Service) whose files live in a temporary XDG_DATA_HOME: no keyring of the machine's user is
# read, touched or needed, and every run starts from an empty one.
#   bash tests/keyring-session.sh COMMAND [ARGS...]
set -euo pipefail
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export XDG_DATA_HOME="$dir/data"
mkdir -p "$XDG_DATA_HOME"
dbus-run-session -- bash -c '
  echo -n test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  "$@"
' bash "$@"
