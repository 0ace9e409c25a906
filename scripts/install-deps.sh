#!/usr/bin/env bash
# Installs everything the test tiers use, for `npm test` and `.ci/run` alike (one list, one place):
#   Debian packages: the real Azure CLI (azure-cli), Python's azure-identity and MSAL (python3-azure, python3-msal),
#   the Python debug adapter (python3-debugpy, started by the in-host tests' stand-in for the Python Debugger),
#   Go's debugger and toolchain (delve, golang-go: the in-host tests' stand-in for the Go extension starts dlv dap,
#   which builds the Go debuggee with Debian's Go; no Go module is fetched),
#   Chromium, libkrb5-dev and ripgrep (for code-server), unshare (util-linux) and ip (iproute2);
#   code-server 4.100.3 (VS Code 1.100.3, the last release on Node 20) from npm into .vscode-test/.
# Idempotent and quick when everything is present (one dpkg-query, two file checks). Needs root only to install.
set -euo pipefail
cd "$(dirname "$0")/.."
PACKAGES=(azure-cli python3-azure python3-msal python3-debugpy delve golang-go chromium libkrb5-dev ripgrep util-linux iproute2)
VT=.vscode-test
CS="$VT/code-server/node_modules/code-server/out/node/entry.js"
RG="$VT/code-server/node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg"

need=()
if command -v dpkg-query >/dev/null; then
  installed="$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' "${PACKAGES[@]}" 2>/dev/null | awk '$1 == "ii" { print $2 }')"
  for p in "${PACKAGES[@]}"; do grep -qx "$p" <<<"$installed" || need+=("$p"); done
else
  echo "[install] not a Debian system: install ${PACKAGES[*]} (or their equivalents) yourself" >&2
fi
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then echo "[install] needs root to apt-get install: ${need[*]}" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q -o DPkg::Lock::Timeout=300 "${need[@]}"
fi

if [ ! -e "$CS" ] || [ ! -x "$RG" ]; then
  export XDG_CONFIG_HOME="$PWD/$VT/xdg/config" XDG_DATA_HOME="$PWD/$VT/xdg/data" XDG_CACHE_HOME="$PWD/$VT/xdg/cache"
  # @vscode/ripgrep's postinstall downloads rg from GitHub; seed its cache with Debian's rg instead.
  rg_cache="$(node -p 'require("os").tmpdir()')/vscode-ripgrep-cache-1.15.11"
  mkdir -p "$rg_cache" "$VT/rg" "$VT/code-server"
  cp "$(command -v rg)" "$VT/rg/rg"
  tar czf "$rg_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$VT/rg" rg
  cp .ci/code-server/package.json "$VT/code-server/"
  (cd "$VT/code-server" && npm_config_yes=true npm_config_unsafe_perm=true npm install --no-audit --no-fund --no-save --loglevel=error)
  rm -rf "$rg_cache"
fi
echo "[install] test dependencies are ready: ${PACKAGES[*]}, code-server"
