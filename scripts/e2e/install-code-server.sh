#!/usr/bin/env bash
# Installs code-server 4.100.3 (= VS Code 1.100.3) offline-capably for the e2e suites, the demo and screenshots.
# Recipe: /work/shared/vscode-e2e.md step 1-2. Idempotent: stamp files skip apt and npm work on reuse.
# Usage: scripts/e2e/install-code-server.sh [DEST]   (prints nothing else on stdout than progress; entry is DEST/node_modules/code-server/out/node/entry.js)
set -euo pipefail
CS_VERSION=4.100.3
DEST=${1:-${KPL_CODE_SERVER_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kube-priority-lens/code-server}}
mkdir -p "$DEST"
DEST=$(cd "$DEST" && pwd)
CS="$DEST/node_modules/code-server"

# 1. Debian packages: native-module headers for the rebuild, ripgrep for Quick Open/search, chromium for playwright.
APT_PKGS=(libkrb5-dev libsecret-1-dev libxkbfile-dev libx11-dev ripgrep chromium)
if [ ! -f "$DEST/.apt-done" ]; then
  missing=()
  for p in "${APT_PKGS[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then echo "missing Debian packages: ${missing[*]} (run as root or install them)" >&2; exit 1; fi
    echo "apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}"
  fi
  touch "$DEST/.apt-done"
fi

if [ -f "$DEST/.installed-$CS_VERSION" ]; then echo "code-server $CS_VERSION already installed in $DEST"; exit 0; fi

# node-gyp must build against local headers; without nodedir it tries to download them and fails offline.
[ -f /usr/include/node/node.h ] && export npm_config_nodedir="${npm_config_nodedir:-/usr}"
cd "$DEST"
[ -f package.json ] || echo '{"name":"cs-host","private":true}' > package.json
# --ignore-scripts: code-server's postinstall runs `npm install` in lib/vscode, where @vscode/ripgrep downloads from GitHub.
npm install --no-save --ignore-scripts --no-audit --no-fund "code-server@$CS_VERSION"
npm rebuild argon2
cd "$CS/lib/vscode"
npm install --omit=dev --ignore-scripts --no-audit --no-fund
# npm_config_yes: node-pty's post-install runs `npx node-gyp`; with yes=false in an npmrc and a cold cache npx refuses.
npm_config_yes=true npm rebuild kerberos node-pty @parcel/watcher @vscode/spdlog native-watchdog @vscode/deviceid
mkdir -p node_modules/@vscode/ripgrep/bin && cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
ln -sfn node_modules node_modules.asar          # what postinstall.sh would have done
ln -sfn code-linux.sh bin/remote-cli/code-server
ln -sfn browser-linux.sh bin/helpers/browser.sh
(cd extensions && npm install --omit=dev --ignore-scripts --no-audit --no-fund)
node -e 'for (const m of ["node-pty","@parcel/watcher","@vscode/spdlog","native-watchdog","kerberos","@vscode/deviceid"]) require(m)'
(cd "$DEST" && node -e 'require("argon2")')
node "$CS/out/node/entry.js" --version
touch "$DEST/.installed-$CS_VERSION"
echo "code-server $CS_VERSION installed in $DEST"
