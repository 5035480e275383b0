#!/usr/bin/env bash
# The main job on a feeder that ships with the project: builds if needed, then runs it.
# Until the FIDVR study lands: info, validate and the power flow of the medium synthetic feeder.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/build.sh" >&2
feeder="${1:-$root/feeders/synth-medium}"
out="${2:-$root/out/synth-medium}"
exe="$root/build/bin/feederlab"
mkdir -p "$out"
"$exe" info "$feeder"
"$exe" validate "$feeder" -o "$out"
"$exe" powerflow "$feeder" -o "$out"
echo "results in $out: validation.html, voltages.csv, summary.json" >&2
