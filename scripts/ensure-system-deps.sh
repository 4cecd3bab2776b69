#!/usr/bin/env bash
# `npm test` runs this first (the `pretest` script). Two tests need Debian packages: the console
# test drives Chromium, and the emulator is checked against botocore, a second EC2 client written
# independently of ours. Install them when this user can (root, or sudo without a password);
# otherwise stop before any test runs and name the one command that fixes it.
set -euo pipefail

need=()
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || need+=(chromium)
/usr/bin/python3 -c 'import botocore' 2>/dev/null || need+=(python3-botocore)
[ ${#need[@]} -eq 0 ] && exit 0

install="apt-get install -y --no-install-recommends ${need[*]}"
if ! command -v apt-get >/dev/null; then
  echo "npm test needs ${need[*]} (Debian package names) and this machine has no apt-get: install them, then run npm test again." >&2
  exit 1
fi
if [ "$(id -u)" = 0 ]; then
  sudo=
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  sudo=sudo
else
  echo "npm test needs Debian packages it cannot install as $(id -un). Run this, then npm test again:" >&2
  echo "  sudo apt-get update && sudo $install" >&2
  exit 1
fi

echo "npm test: installing ${need[*]} (Debian packages the console and botocore tests need)…" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo $install -qq >/dev/null
