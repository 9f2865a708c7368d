#!/usr/bin/env bash
# Build answerlint with candle's CUDA backend (`--features cuda`), with a CUDA toolkit
# installed from PyPI into a local folder: no system CUDA, no GPU and no driver needed to
# build. The default build and CI never use this script.
#
#   scripts/build-cuda.sh            # Hopper (H100/H200): compute capability 90
#   scripts/build-cuda.sh --cap 80   # Ampere (A100)
#
# Output: target/cuda-smCAP/release/answerlint. It links to libcuda.so.1 (the driver's),
# libcublas.so.13, libcublasLt.so.13, libcurand.so.10, libnvrtc.so.13 and
# libcudart.so.13: the machine that runs it needs a driver for CUDA 13 (580 or newer) and
# those libraries on its library path (a CUDA 13 toolkit, or the nvidia-* wheels listed in
# scripts/cuda-requirements.txt: `scripts/gpu-check.sh` finds them in either place).
#
# Environment: ANSWERLINT_CUDA_HOME (where the toolkit goes; default target/cuda-13.0),
# CARGO_BUILD_JOBS as usual.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cap=90
while [ $# -gt 0 ]; do
    case "$1" in
        --cap) cap=${2:?--cap needs a compute capability such as 90 or 80}; shift 2 ;;
        --cap=*) cap=${1#--cap=}; shift ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "build-cuda.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
case "$cap" in
    [5-9][0-9]|1[0-9][0-9]) ;;
    *) echo "build-cuda.sh: --cap '$cap' is not a compute capability (e.g. 80, 90)" >&2; exit 2 ;;
esac

home=${ANSWERLINT_CUDA_HOME:-$repo/target/cuda-13.0}
cuda=$home/nvidia/cu13
if [ ! -x "$cuda/bin/nvcc" ] || [ ! -e "$cuda/nvvm/bin/cicc" ]; then
    echo "Installing the CUDA 13.0 toolkit from PyPI into $home" >&2
    mkdir -p "$home/wheels"
    python3 -m pip download --quiet --no-deps --require-hashes --only-binary=:all: \
        -r "$repo/scripts/cuda-requirements.txt" -d "$home/wheels"
    for w in "$home"/wheels/*.whl; do
        python3 -m zipfile -e "$w" "$home"
    done
    chmod +x "$cuda"/bin/* "$cuda"/nvvm/bin/*
fi

# Unversioned names for the linker (the wheels ship only the versioned ones).
for lib in cublas.so.13 cublasLt.so.13 curand.so.10 nvrtc.so.13 cudart.so.13; do
    ln -sf "lib$lib" "$cuda/lib/lib${lib%.so.*}.so"
done

# The driver library is not in any wheel: it comes with the GPU driver. For linking we
# make a stub with the same soname whose every entry point answers "no device" (100,
# CUDA_ERROR_NO_DEVICE); at run time the driver's real libcuda.so.1 is loaded instead.
stub=$cuda/lib/stubs/libcuda.so
if [ ! -e "$stub" ]; then
    mkdir -p "$cuda/lib/stubs"
    cudarc=$(cd "$repo" && cargo metadata --locked --format-version 1 --features cuda |
        python3 -c 'import json,sys; print(next(p["manifest_path"] for p in json.load(sys.stdin)["packages"] if p["name"] == "cudarc"))')
    bindings=$(dirname "$cudarc")/src/driver/sys/mod.rs
    grep -oE '^pub unsafe fn cu[A-Za-z0-9_]+' "$bindings" | sed 's/^pub unsafe fn //' | sort -u |
        awk '{ printf "int %s(void) { return 100; }\n", $1 }' >"$cuda/lib/stubs/libcuda.c"
    cc -shared -fPIC -Wl,-soname,libcuda.so.1 -o "$stub" "$cuda/lib/stubs/libcuda.c"
fi

export PATH=$cuda/bin:$PATH
export CUDA_HOME=$cuda CUDA_ROOT=$cuda CUDA_COMPUTE_CAP=$cap CUDARC_CUDA_VERSION=13000
export LIBRARY_PATH=$cuda/lib:$cuda/lib/stubs${LIBRARY_PATH:+:$LIBRARY_PATH}
cd "$repo"
cargo build --release --locked --features cuda --target-dir "target/cuda-sm$cap" --bin answerlint
bin=target/cuda-sm$cap/release/answerlint
echo "built $bin (CUDA 13.0, sm_$cap)"
