#!/usr/bin/env bash
# The whole test suite from a fresh Debian 12 machine: installs dependencies, builds (Release),
# runs the default ctest suite, then the long validation cases (ctest label `validation`).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/build.sh"
jobs="${FEEDERLAB_JOBS:-2}"
cd "$root/build"
echo "== default suite ==" >&2
ctest --output-on-failure -j "$jobs" -LE validation
if ctest -N -L validation | grep -q "Total Tests: [1-9]"; then
  echo "== validation cases ==" >&2
  ctest --output-on-failure -j "$jobs" -L validation
fi
