#!/usr/bin/env bash
# Installs the Debian 12 packages feederlab needs, only those that are missing.
set -euo pipefail
packages=(g++ cmake ninja-build pkg-config
  libeigen3-dev libsundials-dev libsuitesparse-dev libboost-graph-dev libpugixml-dev
  libfmt-dev doctest-dev libcli11-dev nlohmann-json3-dev
  # Study report: gnuplot draws the plots (SVG); the report test opens the HTML in headless chromium.
  gnuplot-nox chromium
  # Sweeps across machines: OpenMPI (the sweep test runs `mpirun -np 2`); gzip reads the
  # compressed GridLAB-D reference players of validation/dynamics.
  openmpi-bin libopenmpi-dev gzip)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
