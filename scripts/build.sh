#!/usr/bin/env bash
# Installs missing dependencies, then configures and builds a Release build into build/.
# The executable is build/bin/feederlab.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
jobs="${FEEDERLAB_JOBS:-2}"
cmake --preset release -S "$root" >/dev/null
cmake --build "$root/build" -j "$jobs" "$@"
