#!/usr/bin/env bash
# The main job on a feeder that ships with the project: installs what is missing, builds, then
# runs the FIDVR study (validate, power flow, reduce, simulate full / reduced / single-bus
# baseline under the ten default events, compare, report).
#   scripts/demo.sh [FEEDER [OUTDIR]]     default: feeders/synth-medium -> out/synth-medium
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/build.sh" >&2
feeder="${1:-$root/feeders/synth-medium}"
out="${2:-$root/out/synth-medium}"
exe="$root/build/bin/feederlab"
mkdir -p "$out"
"$exe" info "$feeder"
"$exe" study "$feeder" -o "$out"
echo "report: $out/report.html (also report.md, metrics.json, cases/, reduction/, validation.html)" >&2
