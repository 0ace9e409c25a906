#!/usr/bin/env bash
# Installs what the end-to-end suites need: Debian's Chromium, and code-server 4.100.3 (VS Code 1.100.3, the last
# release on Node 20) from npm into .vscode-test/. Idempotent; does nothing when both are present.
set -euo pipefail
cd "$(dirname "$0")/.."
VT=.vscode-test
CS="$VT/code-server/node_modules/code-server/out/node/entry.js"
need=()
command -v chromium >/dev/null || need+=(chromium)
[ -e /usr/include/gssapi/gssapi.h ] || need+=(libkrb5-dev)
command -v rg >/dev/null || need+=(ripgrep)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then echo "[install-e2e] needs root to apt-get install: ${need[*]}" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q -o DPkg::Lock::Timeout=300 "${need[@]}"
fi
if [ ! -e "$CS" ] || [ ! -x "$VT/code-server/node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg" ]; then
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
echo "[install-e2e] code-server and Chromium are ready"
