#!/usr/bin/env bash
# Make sure a redis-server for the RedisTicketStore tests exists (the tests start their own on a free
# loopback port and stop it). Order: $PANDIUM_EMBED_REDIS_SERVER, redis-server on PATH, then Debian's
# package (as root).
set -euo pipefail
if [ -n "${PANDIUM_EMBED_REDIS_SERVER:-}" ]; then
  if [ -x "$PANDIUM_EMBED_REDIS_SERVER" ]; then exit 0; fi
  echo "PANDIUM_EMBED_REDIS_SERVER=$PANDIUM_EMBED_REDIS_SERVER is not an executable file." >&2
  exit 1
fi
if command -v redis-server >/dev/null 2>&1; then exit 0; fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "Installing Debian's redis-server for the Redis store tests..."
  apt-get update -qq
  # Only the binary is needed: the package's own service is not started by the tests.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  exit 0
fi
cat >&2 <<MSG
The Redis store tests need redis-server. Either install it (Debian/Ubuntu: sudo apt-get install
redis-server; macOS: brew install redis) or point PANDIUM_EMBED_REDIS_SERVER at a redis-server executable.
MSG
exit 1
