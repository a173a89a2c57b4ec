#!/usr/bin/env bash
# Make sure a Chromium for the browser tests exists. Order: $PANDIUM_EMBED_CHROMIUM, /usr/bin/chromium,
# then Debian's package (as root). Playwright's own browser download is not used: it fetches a build,
# which closed networks refuse.
set -euo pipefail
if [ -n "${PANDIUM_EMBED_CHROMIUM:-}" ]; then
  if [ -x "$PANDIUM_EMBED_CHROMIUM" ]; then exit 0; fi
  echo "PANDIUM_EMBED_CHROMIUM=$PANDIUM_EMBED_CHROMIUM is not an executable file." >&2
  exit 1
fi
if [ -x /usr/bin/chromium ]; then exit 0; fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "Installing Debian's chromium for the browser tests..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
cat >&2 <<MSG
The browser tests need Chromium. Either install it (Debian/Ubuntu: sudo apt-get install chromium)
or point PANDIUM_EMBED_CHROMIUM at a Chromium or Chrome executable.
MSG
exit 1
