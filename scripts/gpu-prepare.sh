#!/usr/bin/env bash
# Packs into .gpu/ (git-ignored) what scripts/gpu-check.sh needs on a GPU machine that
# has no Rust and no network: the CUDA binary (scripts/build-cuda.sh), the batch
# benchmark's 10,000 generated scripts, and the model. The model is a copy whose
# word-embedding rows that none of the checked texts use are zeroed (`answerlint model
# trim`): the same embeddings for those texts, a third of the size once compressed, so
# that the pack fits a 64 MiB transfer. `--verify-trim` also checks, on the CPU, that the
# trimmed model gives the same findings as the full one on those texts.
#
#   scripts/gpu-prepare.sh [--cap 90] [--verify-trim]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
cap=90
verify=false
while [ $# -gt 0 ]; do
    case "$1" in
        --cap) cap=$2; shift 2 ;;
        --verify-trim) verify=true; shift ;;
        *) echo "gpu-prepare.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
bash scripts/build-cuda.sh --cap "$cap"
cargo build --release --locked --bin answerlint
cpu=target/release/answerlint
"$cpu" model status >/dev/null 2>&1 || "$cpu" model install

work=target/gpu-pack
rm -rf "$work" .gpu
mkdir -p "$work" .gpu
rustc -O --edition 2021 scripts/gen-corpus.rs -o "$work/gen-corpus"
"$work/gen-corpus" "$work/corpus" 10000
tar czf .gpu/corpus.tar.gz -C "$work/corpus" .

# Every line of every file the check reads, whole and cut at sentence ends and list
# markers, so that each sentence the engine embeds keeps its rows.
python3 - "$work/texts.txt" examples tests/fixtures "$work/corpus" <<'PY'
import json, os, re, sys
out = set()
def add(line):
    line = line.strip()
    if not line:
        return
    out.add(line)
    bare = re.sub(r'^(#+|[-*+>]|\d+[.)、]|[①-⑳])\s*', '', line)
    out.add(bare)
    for piece in re.split(r'(?<=[。！？!?；;：:])|(?<=[.])\s+', bare):
        if piece.strip():
            out.add(piece.strip())
for root in sys.argv[2:]:
    for d, _, files in os.walk(root):
        for f in files:
            try:
                text = open(os.path.join(d, f), encoding='utf-8').read()
            except (UnicodeDecodeError, OSError):
                continue
            for line in text.splitlines():
                add(line)
for t in json.load(open('tests/data/e5-reference.json'))['texts']:
    add(t)
open(sys.argv[1], 'w').write('\n'.join(sorted(out)) + '\n')
PY
"$cpu" model trim --texts "$work/texts.txt" models/data/train/zh.jsonl models/data/train/en.jsonl \
    models/data/heldout/zh.jsonl models/data/heldout/en.jsonl --out "$work/model"
tar czf .gpu/model.tar.gz -C "$work/model" .
if $verify; then
    full=$(mktemp) trimmed=$(mktemp)
    "$cpu" check --device cpu --no-cache --format json examples tests/fixtures "$work/corpus/c000" >"$full" || true
    ANSWERLINT_MODEL_DIR=$work/model "$cpu" check --device cpu --no-cache --format json \
        examples tests/fixtures "$work/corpus/c000" >"$trimmed" || true
    if cmp -s "$full" "$trimmed"; then
        echo "trimmed model: the same JSON as the full model on examples/, the fixtures and 100 scripts"
    else
        echo "trimmed model: findings differ from the full model" >&2
        diff <(python3 -m json.tool "$full") <(python3 -m json.tool "$trimmed") | head -20 >&2
        exit 1
    fi
fi
strip -o "$work/answerlint" "target/cuda-sm$cap/release/answerlint"
gzip -c "$work/answerlint" >.gpu/answerlint.gz
du -ab .gpu
