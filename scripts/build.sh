#!/usr/bin/env bash
# Installs missing dependencies, then configures and builds a Release build into build/.
# The executable is build/bin/feederlab.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
jobs="${FEEDERLAB_JOBS:-2}"
cmake --preset release -S "$root" >/dev/null
mkdir -p "$root/build"
log="$root/build/build.log"
echo "building (Release, $jobs jobs; log in build/build.log) ..." >&2
if ! cmake --build "$root/build" -j "$jobs" "$@" >"$log" 2>&1; then
  tail -n 60 "$log" >&2
  echo "build failed; full log: $log" >&2
  exit 1
fi
echo "build done: $root/build/bin/feederlab" >&2
