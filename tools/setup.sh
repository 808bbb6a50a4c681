#!/usr/bin/env bash
# Sets regsim up on a Debian machine: installs the Debian packages that are
# missing (only those), then configures and builds into build/.
# Idempotent and quick when everything is present.
#   tools/setup.sh            build dependencies, Python and R analysis packages
#   REGSIM_SETUP_MINIMAL=1    only what building and running regsim needs
set -euo pipefail
cd "$(dirname "$0")/.."

build_pkgs=(build-essential cmake pkg-config libgsl-dev libhdf5-dev hdf5-tools libcjson-dev
            zlib1g-dev libopenmpi-dev openmpi-bin)
analysis_pkgs=(python3 python3-h5py python3-xarray python3-h5netcdf python3-matplotlib
               python3-pandas python3-numpy r-base-core r-cran-hdf5r valgrind clang libclang-rt-14-dev bc)
pkgs=("${build_pkgs[@]}")
if [ "${REGSIM_SETUP_MINIMAL:-0}" != 1 ]; then pkgs+=("${analysis_pkgs[@]}"); fi

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    SUDO=sudo
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: all ${#pkgs[@]} Debian packages present"
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
# compiler diagnostics only; a failed build stops here (an old binary must not pass for a new one)
if ! cmake --build build -j "$(nproc)" > build/build.log 2>&1; then
  grep -E "(warning|error):" build/build.log || tail -20 build/build.log
  echo "setup: the build failed (build/build.log)" >&2
  exit 1
fi
grep -E "(warning|error):" build/build.log || true
test -x build/regsim
echo "setup: built build/regsim ($(build/regsim --version))"
