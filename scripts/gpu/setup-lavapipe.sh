#!/usr/bin/env bash
# Makes the WebGPU engine (`--engine webgpu`) usable on this machine, GPU or not (docs/gpu.md):
#   1. the npm package `webgpu` (Dawn) into .cache/webgpu (never a dependency of `npm ci`);
#   2. Mesa's software Vulkan driver (lavapipe, Mesa 25 from bookworm-backports) and the Vulkan
#      loader into .cache/lavapipe, with an ICD manifest pointing at that copy (the system's Mesa is
#      not touched); the engine adds it for itself (src/engines/webgpu/runtime.ts, and
#      vitest.config.ts for the tests' worker threads);
#   3. a probe: Dawn's adapter and an exact compute-shader result (scripts/gpu/probe.ts).
# Idempotent: a second run checks stamps and the probe only (about a second).
# Options: --no-lavapipe (only the npm package: a machine with a GPU driver), --no-probe,
#          --user-icd (also copy the manifest into ${XDG_DATA_HOME:-~/.local/share}/vulkan/icd.d, so
#          that any Vulkan program of this user sees lavapipe).
# Exit 0 when the probe found an adapter (or was skipped), 1 otherwise.
# Downloads come from the Debian mirror of /etc/apt (through apt-get with its own lists in
# .cache/lavapipe/apt: the system's apt sources are not changed) and from the npm registry.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=versions.sh
. "$here/versions.sh"

lavapipe=1 user_icd=0 probe=1
for a in "$@"; do
  case "$a" in
    --no-lavapipe) lavapipe=0 ;;
    --user-icd) user_icd=1 ;;
    --no-user-icd) user_icd=0 ;;
    --no-probe) probe=0 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "setup-lavapipe.sh: unknown option $a (see --help)" >&2; exit 2 ;;
  esac
done

cache="$root/.cache"
mkdir -p "$cache"
# The folder ignores itself: nothing in it is ever committed.
[ -f "$cache/.gitignore" ] || printf '*\n' > "$cache/.gitignore"
log() { printf '[gpu-setup] %s\n' "$*"; }

# --- 1. the webgpu npm package -------------------------------------------------------------
wg="$cache/webgpu"
if [ -f "$wg/.done-$WEBGPU_VERSION" ] && [ -f "$wg/node_modules/webgpu/index.js" ]; then
  log "webgpu@$WEBGPU_VERSION already in .cache/webgpu"
else
  log "installing webgpu@$WEBGPU_VERSION into .cache/webgpu (npm registry, ~51 MB)"
  rm -rf "$wg" && mkdir -p "$wg"
  printf '{ "name": "covcheck-gpu-cache", "private": true }\n' > "$wg/package.json"
  (cd "$wg" && npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error "webgpu@$WEBGPU_VERSION")
  # Keep this platform's binary only (the tarball holds five: ~130 MB unpacked).
  plat="$(node -p 'process.platform === "darwin" ? "darwin-universal" : process.platform + "-" + process.arch')"
  for d in "$wg/node_modules/webgpu/dist/"*; do [ "$(basename "$d")" = "$plat" ] || rm -rf "$d"; done
  touch "$wg/.done-$WEBGPU_VERSION"
fi

# --- 2. lavapipe and the Vulkan loader -----------------------------------------------------
lvp="$cache/lavapipe"
libdir="$lvp/root/usr/lib/x86_64-linux-gnu"
if [ "$lavapipe" = 1 ]; then
  if [ "$(uname -m)" != x86_64 ] || ! command -v apt-get >/dev/null; then
    log "lavapipe: this script fetches Debian's amd64 packages; on $(uname -m) without apt-get install Mesa >= 25 (lavapipe) yourself"
    lavapipe=0
  fi
fi
if [ "$lavapipe" = 1 ]; then
  if [ -f "$lvp/.done-$MESA_VERSION" ] && [ -f "$libdir/libvulkan_lvp.so" ] && [ -f "$lvp/icd.json" ]; then
    log "lavapipe (Mesa $MESA_VERSION) already in .cache/lavapipe"
  else
    log "fetching mesa-vulkan-drivers=$MESA_VERSION and libvulkan1 ($BACKPORTS_SUITE)"
    rm -rf "$lvp" && mkdir -p "$lvp/apt/lists/partial" "$lvp/apt/archives/partial" "$lvp/deb"
    # The mirror, component and keyring of the system's bookworm entry (deb822 or one-line form).
    mirror="" keyring=""
    for f in /etc/apt/sources.list.d/*.sources; do
      [ -f "$f" ] || continue
      # deb822 stanzas: the first whose Suites list bookworm gives URIs and Signed-By.
      line="$(awk -v RS= '/\nSuites:[^\n]* bookworm( |\n|$)/ || /^Suites:[^\n]* bookworm( |\n|$)/ {
          u = ""; k = ""; n = split($0, L, "\n")
          for (i = 1; i <= n; i++) { if (L[i] ~ /^URIs:/) { split(L[i], a, " "); u = a[2] } if (L[i] ~ /^Signed-By:/) { split(L[i], a, " "); k = a[2] } }
          if (u != "") { print u, k; exit } }' "$f")"
      if [ -n "$line" ]; then mirror="${line%% *}" keyring="${line#* }"; break; fi
    done
    if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
      mirror="$(awk '$1 == "deb" && $0 ~ / bookworm / {for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) {print $i; exit}}' /etc/apt/sources.list)"
    fi
    mirror="${mirror:-http://deb.debian.org/debian}"
    keyring="${keyring:-/usr/share/keyrings/debian-archive-keyring.gpg}"
    printf 'deb [signed-by=%s] %s bookworm main\ndeb [signed-by=%s] %s %s main\n' "$keyring" "$mirror" "$keyring" "$mirror" "$BACKPORTS_SUITE" > "$lvp/apt/sources.list"
    apt_opts=(-o "Dir::Etc::SourceList=$lvp/apt/sources.list" -o "Dir::Etc::SourceParts=$lvp/apt/none"
      -o "Dir::State::Lists=$lvp/apt/lists" -o "Dir::Cache=$lvp/apt" -o "Dir::Cache::archives=$lvp/apt/archives"
      -o Debug::NoLocking=1 -o APT::Sandbox::User="$(id -un)" -qq)
    apt-get "${apt_opts[@]}" update
    (cd "$lvp/deb" && apt-get "${apt_opts[@]}" download "mesa-vulkan-drivers=$MESA_VERSION" libvulkan1)
    for d in "$lvp/deb/"*.deb; do dpkg -x "$d" "$lvp/root"; done
    # Drop what the engine never loads (other drivers' and layers' libraries).
    find "$libdir" -maxdepth 1 \( -name 'libvulkan_*.so' ! -name libvulkan_lvp.so -o -name 'libVkLayer*' \) -delete
    api="$(sed -n 's/.*"api_version": *"\([^"]*\)".*/\1/p' "$lvp/root/usr/share/vulkan/icd.d/lvp_icd.json" | head -1)"
    rm -rf "$lvp/apt/archives" "$lvp/root/usr/share/vulkan"
    printf '{\n  "file_format_version": "1.0.0",\n  "ICD": { "library_path": "%s", "api_version": "%s" }\n}\n' "$libdir/libvulkan_lvp.so" "${api:-1.4.305}" > "$lvp/icd.json"
    touch "$lvp/.done-$MESA_VERSION"
  fi
  # Libraries lavapipe links against (LLVM 15, libdrm, xcb, wayland): bookworm's own packages.
  missing="$(ldd "$libdir/libvulkan_lvp.so" | awk '/not found/ {print $1}')"
  if [ -n "$missing" ]; then
    log "lavapipe needs: $(echo "$missing" | tr '\n' ' ')"
    deps=(libllvm15 libdrm2 libdrm-amdgpu1 libelf1 libexpat1 libwayland-client0 libx11-xcb1 libxcb-dri3-0
      libxcb-present0 libxcb-randr0 libxcb-shm0 libxcb-sync1 libxcb-xfixes0 libxcb1 libxshmfence1 libzstd1 zlib1g)
    if [ "$(id -u)" = 0 ]; then
      apt-get install -y -qq --no-install-recommends "${deps[@]}" || { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${deps[@]}"; }
    else
      log "run as root: apt-get install --no-install-recommends ${deps[*]}"; exit 1
    fi
  fi
  cat > "$lvp/env.sh" <<EOF
# Optional: source this to point a shell's Vulkan programs at the project's lavapipe only.
export VK_ICD_FILENAMES="$lvp/icd.json"
export LD_LIBRARY_PATH="$libdir\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}"
EOF
  if [ "$user_icd" = 1 ]; then
    icd_dir="${XDG_DATA_HOME:-$HOME/.local/share}/vulkan/icd.d"
    mkdir -p "$icd_dir"
    if ! cmp -s "$lvp/icd.json" "$icd_dir/covcheck-lavapipe.json" 2>/dev/null; then
      cp "$lvp/icd.json" "$icd_dir/covcheck-lavapipe.json"
      log "ICD manifest: $icd_dir/covcheck-lavapipe.json (remove it to hide lavapipe from Vulkan programs)"
    fi
  fi
fi

# --- 3. probe ------------------------------------------------------------------------------
if [ "$probe" = 1 ]; then
  node "$root/bin/run-ts.js" "$here/probe.ts"
fi
