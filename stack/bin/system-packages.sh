#!/usr/bin/env bash
# Installs the Debian 12 packages of the stack that are missing (idempotent).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

want=(postgresql-15 postgresql-contrib redis-server openjdk-17-jdk-headless maven
      python3-venv python3-dev libpq-dev libmagic1 build-essential curl procps
      chromium fonts-dejavu-core)  # chromium: the browser tests (Playwright drives it)
# Node.js with npm (Leaflet for the portal's map, `make assets`): Debian's,
# unless the machine already has an npm of its own.
command -v npm >/dev/null || want+=(nodejs npm)
# Extra packages a target asks for (`make bench`: wrk).
want+=("$@")
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  say "system packages present"
  exit 0
fi
say "installing ${missing[*]}"
command -v apt-get >/dev/null || die "apt-get not found: install ${missing[*]} yourself (Debian 12 packages)"
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
# Debian's postgresql-common creates and starts a `main` cluster on install;
# policy-rc.d keeps install from starting services (we start them ourselves).
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
