#!/usr/bin/env bash
# Installs mini-redis as a systemd service: the binary, /etc/mini-redis/mini-redis.json (kept
# if already there) and the unit, plus a dedicated system user.
#
#   scripts/install.sh [--prefix DIR] [--root DIR] [--dry-run] [--binary PATH]
#
#   --prefix DIR   where the binary goes: DIR/bin (default /usr/local)
#   --root DIR     install into DIR as if it were / (for tests and packaging); skips the user
#                  creation and systemctl, which only make sense on the live system
#   --dry-run      print every action instead of doing it
#   --binary PATH  the server binary (default: build/src/mini-redis-server, built if missing)
set -euo pipefail
cd "$(dirname "$0")/.."

PREFIX=/usr/local
ROOT=""
DRY_RUN=0
BINARY=build/src/mini-redis-server

while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) PREFIX=$2; shift 2 ;;
    --root) ROOT=$2; shift 2 ;;
    --dry-run) DRY_RUN=1; shift ;;
    --binary) BINARY=$2; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown argument '$1' (see --help)" >&2; exit 1 ;;
  esac
done

run() {
  if [ "$DRY_RUN" -eq 1 ]; then echo "would run: $*"; else "$@"; fi
}

if [ ! -x "$BINARY" ]; then
  if [ "$DRY_RUN" -eq 1 ]; then
    echo "would build: meson setup build --buildtype=release && ninja -C build"
  else
    [ -d build ] || meson setup build --buildtype=release
    ninja -C build
  fi
fi

BIN_DIR="$ROOT$PREFIX/bin"
CONF_DIR="$ROOT/etc/mini-redis"
UNIT_DIR="$ROOT/etc/systemd/system"

run install -D -m 0755 "$BINARY" "$BIN_DIR/mini-redis-server"

if [ -e "$CONF_DIR/mini-redis.json" ]; then
  echo "keeping existing $CONF_DIR/mini-redis.json (new default written as mini-redis.json.new)"
  run install -D -m 0640 config/mini-redis.json "$CONF_DIR/mini-redis.json.new"
else
  run install -D -m 0640 config/mini-redis.json "$CONF_DIR/mini-redis.json"
fi

# The unit names /usr/local/bin; point it at the chosen prefix.
unit_text=$(sed "s#/usr/local/bin/mini-redis-server#$PREFIX/bin/mini-redis-server#" \
  config/mini-redis.service)
if [ "$DRY_RUN" -eq 1 ]; then
  echo "would write: $UNIT_DIR/mini-redis.service (ExecStart=$PREFIX/bin/mini-redis-server ...)"
else
  install -d -m 0755 "$UNIT_DIR"
  printf '%s\n' "$unit_text" > "$UNIT_DIR/mini-redis.service"
  chmod 0644 "$UNIT_DIR/mini-redis.service"
fi

if [ -z "$ROOT" ]; then
  if ! getent passwd mini-redis >/dev/null; then
    run useradd --system --no-create-home --home-dir /var/lib/mini-redis \
      --shell /usr/sbin/nologin mini-redis
  fi
  run chgrp mini-redis "$CONF_DIR/mini-redis.json"
  if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
    run systemctl daemon-reload
    echo "installed; start with: systemctl enable --now mini-redis"
  else
    echo "installed; systemd is not running here, so the unit was not loaded"
  fi
else
  echo "installed into $ROOT"
fi
