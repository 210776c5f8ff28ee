#!/usr/bin/env bash
# The large oracle sweep: `cmake --build build --target oracle-sweep`, seed and size from the environment.
# ORACLE_SEED (default 1), ORACLE_COUNT (default 500), ORACLE_FIRMWARE (default seabios).
set -euo pipefail
aperture="$1"
out="${2:-oracle-sweep.jsonl}"
exec python3 "$(dirname "$0")/sweep.py" --aperture "$aperture" --seed "${ORACLE_SEED:-1}" \
     --count "${ORACLE_COUNT:-500}" --firmware "${ORACLE_FIRMWARE:-seabios}" --jobs 2 --out "$out"
