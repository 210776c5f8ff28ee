#!/usr/bin/env bash
# The large oracle sweep: `cmake --build build --target oracle-sweep`, seed and size from the environment.
# ORACLE_SEED (default 1), ORACLE_COUNT (default 500), ORACLE_STACK (a stack of stacks.py, e.g.
# qemu-10.0+seabios-1.16.3; default qemu-7.2+seabios-1.16.2) or ORACLE_FIRMWARE (seabios|ovmf: the system stacks).
set -euo pipefail
aperture="$1"
out="${2:-oracle-sweep.jsonl}"
if [ -n "${ORACLE_STACK:-}" ]; then
  which=(--stack "$ORACLE_STACK")
else
  which=(--firmware "${ORACLE_FIRMWARE:-seabios}")
fi
exec python3 "$(dirname "$0")/sweep.py" --aperture "$aperture" --seed "${ORACLE_SEED:-1}" \
     --count "${ORACLE_COUNT:-500}" "${which[@]}" --jobs 2 --out "$out"
