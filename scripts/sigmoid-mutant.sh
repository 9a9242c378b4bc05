#!/usr/bin/env bash
# Plants the shipped float32 sigmoid cancellation (tf.sigmoid, gradient y·(1 − y)) in the TF.js loss
# ops for one run of scripts/sigmoid-mutant.ts over N seeds, then restores the file (issue 12 item 6).
# Usage: scripts/sigmoid-mutant.sh [N=20]   (without the plant: PLANT=0 scripts/sigmoid-mutant.sh)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
file=src/engines/tfjs/lossOps.ts
stable='sigmoid: (a) => tf.exp(tf.neg(tf.softplus(tf.neg(t(a))))),'
grep -qF "$stable" "$file" || { echo "the stable sigmoid line is not in $file: update this script" >&2; exit 2; }
cp "$file" "$file.orig.tmp"
trap 'mv "$file.orig.tmp" "$file"' EXIT
if [ "${PLANT:-1}" = 1 ]; then
  sed -i "s|$stable|sigmoid: (a) => tf.sigmoid(t(a)), // PLANTED by scripts/sigmoid-mutant.sh|" "$file"
  grep -q PLANTED "$file"
fi
node bin/run-ts.js "${SCRIPT:-scripts/sigmoid-mutant.ts}" "${1:-20}" "${2:-1}"
