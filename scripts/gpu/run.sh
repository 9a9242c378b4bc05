#!/usr/bin/env bash
# The run on a GPU machine without Node (docs/gpu.md). Copy covcheck-gpu.tar.gz (scripts/gpu/pack.sh)
# and this script there, then:
#   bash run.sh [covcheck-gpu.tar.gz] [-- main.ts options: --quick, --steps N, --claims a,c,d, --seeds N,
#                                         --sampler-threads N (default here: every core but one)]
# It unpacks into $COVCHECK_GPU_WORK (default: a temporary folder), finds a Vulkan driver, runs the
# GPU checks and the large-preset benchmark (scripts/gpu/main.ts) and writes everything into one
# folder: $OUT if set, else ./gpu-results (results.json, log.txt, environment.txt).
# Exit status: main.ts's (0 all within tolerance, 1 something failed, 2 usage), or 3 when the pack
# cannot be used here.
# On CPU, to test the whole path with lavapipe (scripts/gpu/setup-lavapipe.sh first):
#   VK_ICD_FILENAMES=$PWD/.cache/lavapipe/icd.json bash scripts/gpu/run.sh .gpu-pack/covcheck-gpu.tar.gz -- --quick
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
pack="$here/covcheck-gpu.tar.gz"
if [ $# -gt 0 ] && [ "$1" != "--" ]; then pack="$1"; shift; fi
[ "${1:-}" = "--" ] && shift
out="${OUT:-$PWD/gpu-results}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
log() { printf '[gpu-run.sh] %s\n' "$*" | tee -a "$out/log.txt"; }

if [ -x "$here/node/bin/node" ] && [ -f "$here/app/bin/main.js" ]; then
  work="$here" # already unpacked (run.sh inside the pack)
else
  [ -f "$pack" ] || { log "no pack at $pack (scripts/gpu/pack.sh makes it)"; exit 3; }
  if [ -n "${COVCHECK_GPU_WORK:-}" ]; then
    work="$COVCHECK_GPU_WORK"
  else
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT # our own temporary folder only
  fi
  mkdir -p "$work"
  log "unpacking $pack into $work"
  tar -xzf "$pack" -C "$work" || { log "cannot unpack $pack"; exit 3; }
fi
[ "$(uname -m)" = x86_64 ] || { log "the pack is for x86-64 Linux, this is $(uname -sm)"; exit 3; }

export COVCHECK_WEBGPU_MODULE="$work/node_modules/webgpu/index.js"
export COVCHECK_VULKAN_LOADER="$work/lib/libvulkan.so.1"

# A Vulkan driver: the ICD manifests the loader searches, else NVIDIA's library without a manifest
# (containers that mount the driver's libraries but not /usr/share/vulkan/icd.d).
icds="$(ls /usr/share/vulkan/icd.d/*.json /etc/vulkan/icd.d/*.json /usr/local/share/vulkan/icd.d/*.json 2>/dev/null | tr '\n' ' ')"
if [ -z "${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-}" ] && [ -z "$icds" ]; then
  glx="$( (ldconfig -p 2>/dev/null | awk '/libGLX_nvidia\.so\.0/ {print $NF; exit}') || true)"
  if [ -n "$glx" ]; then
    printf '{ "file_format_version": "1.0.0", "ICD": { "library_path": "%s", "api_version": "1.3.0" } }\n' "$glx" > "$work/nvidia_icd.json"
    export VK_ICD_FILENAMES="$work/nvidia_icd.json"
    log "no ICD manifest installed: using $glx through $work/nvidia_icd.json"
  else
    log "no Vulkan ICD manifest and no libGLX_nvidia.so.0: Dawn will find no GPU (install the driver's Vulkan part, or NVIDIA_DRIVER_CAPABILITIES=all in a container)"
  fi
fi

{
  echo "date: $(date -u +%FT%TZ)"
  echo "host: $(uname -a)"
  echo "pack commit: $(cat "$work/COMMIT" 2>/dev/null || echo unknown)"
  echo "cpus: $(nproc 2>/dev/null || echo ?)"
  echo "VK_ICD_FILENAMES=${VK_ICD_FILENAMES:-} VK_DRIVER_FILES=${VK_DRIVER_FILES:-}"
  echo "ICD manifests: ${icds:-none}"
  command -v nvidia-smi >/dev/null && nvidia-smi -L
  ldconfig -p 2>/dev/null | grep -E 'libvulkan\.so\.1|libGLX_nvidia|libnvidia-gpucomp' || true
} > "$out/environment.txt" 2>&1

# Every core but the training one samples batches (the large preset's parallel sampler).
case " $* " in
  *" --sampler-threads "*) ;;
  *) cores="$(nproc 2>/dev/null || echo 2)"; set -- "$@" --sampler-threads "$(( cores > 1 ? cores - 1 : 1 ))" ;;
esac
log "running the GPU checks and benchmark (results in $out): main.js $*"
"$work/node/bin/node" "$work/app/bin/main.js" --out "$out" "$@" 2>&1 | grep --line-buffered -v 'artificially reduced' | tee -a "$out/log.txt"
rc=${PIPESTATUS[0]}
log "exit $rc"
exit "$rc"
