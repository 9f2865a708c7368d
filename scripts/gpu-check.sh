#!/usr/bin/env bash
# The GPU check of a CUDA build, for a machine with an NVIDIA GPU, the CUDA 13 libraries
# and python3, but no Rust and no network. It runs from what `scripts/gpu-prepare.sh`
# packed here into PACK (default .gpu/): the CUDA binary, the model directory and the
# 10,000 generated scripts of the batch benchmark; texts and fixtures come from this
# checkout. Everything it prints also goes to one results file. Under 6 minutes on an H200.
#
#   scripts/gpu-check.sh [PACK] [RESULTS]    # RESULTS defaults to $OUT/gpu-check.txt
#
# What it measures:
#   1. the encoder on the GPU against the CPU path (cosine per sentence, >= 0.999 required)
#      and against the reference embeddings of tests/data/e5-reference.json;
#   2. sentences/s at batch sizes 32, 128, 512 and 2,048 for f16 (the default), bf16 and
#      candle's 4-bit kernels, model load time;
#   3. the same findings with --device cpu and --device cuda on examples/, the fixtures and
#      1,000 generated scripts;
#   4. `check` with the model over the 10,000 generated scripts (files/s), and without it.
# CUDA_LIBS=DIR[:DIR] names the library folders instead of searching for them; SAMPLE=N
# compares findings on N generated scripts instead of 1,000 (for a dry run on a CPU);
# KERNELS="" skips the bf16 and q4 comparisons.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
pack=$(cd "${1:-$repo/.gpu}" && pwd)
results=${2:-${OUT:-/tmp}/gpu-check.txt}
work=$(mktemp -d)
exec > >(tee "$results") 2>&1
cd "$repo"
failures=0
section() { printf '\n## %s (t=%ds)\n' "$*" "$SECONDS"; }
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

section "machine"
date -u '+%Y-%m-%d %H:%M UTC'
nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv,noheader || fail "nvidia-smi"
echo "cpus: $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'),\
 avx512_bf16: $(grep -qm1 avx512_bf16 /proc/cpuinfo && echo yes || echo no)"

# The CUDA 13 libraries the binary links to: a toolkit's, or the nvidia-* Python wheels'.
# CUDA_LIBS (a library path) skips the search.
libdirs=${CUDA_LIBS:+:$CUDA_LIBS}
libs="libcublas.so.13 libcublasLt.so.13 libcurand.so.10 libnvrtc.so.13 libcudart.so.13"
if [ -z "$libdirs" ]; then
    # One folder that holds them all (a toolkit's lib64, or a wheel's lib), so that
    # cuBLAS and cuBLASLt come from the same release; else each where it is found.
    for d in $(find /usr/local /opt /usr/lib /usr/lib64 -name libcublas.so.13 2>/dev/null | xargs -r -n1 dirname); do
        all=true
        for lib in $libs; do [ -e "$d/$lib" ] || all=false; done
        if $all; then libdirs=":$d"; break; fi
    done
fi
[ -n "$libdirs" ] || for lib in $libs; do
    found=$(find /usr/local /opt /usr/lib /usr/lib64 -name "$lib" 2>/dev/null | head -1)
    if [ -n "$found" ]; then
        libdirs="$libdirs:$(dirname "$found")"
    else
        fail "$lib not found"
    fi
done
echo "CUDA libraries from: ${libdirs#:}"
export LD_LIBRARY_PATH="${libdirs#:}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
bin=$work/answerlint
gzip -dc "$pack/answerlint.gz" >"$bin" && chmod +x "$bin"
if ldd "$bin" | grep 'not found'; then
    fail "unresolved libraries; stopping"
    exit 1
fi
mkdir -p "$work/model" "$work/corpus"
tar xzf "$pack/model.tar.gz" -C "$work/model" || fail "model.tar.gz"
tar xzf "$pack/corpus.tar.gz" -C "$work/corpus" || fail "corpus.tar.gz"
export ANSWERLINT_MODEL_DIR=$work/model
"$bin" --version
echo "corpus: $(find "$work/corpus" -name '*.md' | wc -l) scripts, $(du -sb "$work/corpus" | cut -f1) bytes"

texts="models/data/train/zh.jsonl models/data/train/en.jsonl models/data/heldout/zh.jsonl models/data/heldout/en.jsonl"

section "device selection"
CUDA_VISIBLE_DEVICES="" "$bin" check --device auto --no-cache examples/zh-weak.md >/dev/null 2>"$work/auto.err"
echo "--device auto with no visible GPU: exit $?, stderr: $(grep -m1 -i 'cuda\|gpu' "$work/auto.err")"
CUDA_VISIBLE_DEVICES="" "$bin" check --device cuda --no-cache examples/zh-weak.md >/dev/null 2>"$work/cuda.err"
echo "--device cuda with no visible GPU: exit $?, stderr: $(head -1 "$work/cuda.err")"

section "encoder: f16 (default) against the CPU path and the reference; batch sizes"
timeout 150 "$bin" model bench --device cuda --texts $texts --batch 32,128,512,2048 \
    --count 16384 --compare-cpu 2904 --reference tests/data/e5-reference.json ||
    fail "f16 bench (exit $?)"

for kernel in ${KERNELS-bf16 q4}; do
    section "encoder: $kernel"
    ANSWERLINT_GPU_MATMUL=$kernel timeout 90 "$bin" model bench --device cuda --texts $texts \
        --batch 32,512,2048 --count 16384 --compare-cpu 512 \
        --reference tests/data/e5-reference.json || fail "$kernel bench (exit $?)"
done

section "encoder on this machine's CPU, for comparison"
timeout 60 "$bin" model bench --device cpu --texts $texts --batch 32,128 --count 1024 ||
    fail "cpu bench (exit $?)"

section "the same findings on CPU and GPU"
mkdir -p "$work/sample"
find "$work/corpus" -name '*.md' | sort | head -"${SAMPLE:-1000}" | xargs -I{} cp {} "$work/sample/"
for dev in cpu cuda; do
    timeout 150 "$bin" check --device "$dev" --no-cache --format json \
        examples tests/fixtures "$work/sample" >"$work/$dev.json" 2>"$work/$dev.err"
    echo "$dev: exit $? ($(wc -c <"$work/$dev.json") bytes of JSON; $(grep -c . "$work/$dev.err") stderr lines)"
done
python3 - "$work/cpu.json" "$work/cuda.json" <<'EOF' || fail "findings differ"
import json, sys
def load(p):
    d = json.load(open(p))
    out, conf, scores = {}, {}, {}
    for f in d["files"]:
        for g in f["diagnostics"]:
            key = (f["path"], g["rule"], g["start"], g["end"], g["severity"])
            out[key] = out.get(key, 0) + 1
            if g.get("confidence") is not None:
                conf[key] = g["confidence"]
        scores[f["path"]] = (f.get("score") or {}).get("total")
    return out, conf, scores
a, ca, sa = load(sys.argv[1])
b, cb, sb = load(sys.argv[2])
only_a = sorted(set(a) - set(b))
only_b = sorted(set(b) - set(a))
diffs = [abs(ca[k] - cb[k]) for k in ca if k in cb]
print(f"files: {len(sa)}; findings: cpu {sum(a.values())}, cuda {sum(b.values())}; "
      f"only on cpu {len(only_a)}, only on cuda {len(only_b)}; "
      f"model confidences compared {len(diffs)}, max |difference| {max(diffs, default=0):.4f}; "
      f"scores differing {sum(1 for p in sa if sa[p] != sb.get(p))}")
for k in only_a[:10]: print("  only cpu:", k)
for k in only_b[:10]: print("  only cuda:", k)
sys.exit(1 if only_a or only_b or any(sa[p] != sb.get(p) for p in sa) else 0)
EOF

section "check over the 10,000 generated scripts"
for run in "cuda:--device cuda" "cpu, rules only:--no-model"; do
    name=${run%%:*}
    start=$(date +%s.%N)
    timeout 240 "$bin" check ${run#*:} --no-cache --format concise "$work/corpus" >"$work/out.txt" 2>"$work/err.txt"
    code=$?
    end=$(date +%s.%N)
    python3 -c "import sys; s=float(sys.argv[2])-float(sys.argv[1]); print(f'$name: exit $code, 10000 files in {s:.2f} s = {10000/s:.0f} files/s, {sum(1 for _ in open(sys.argv[3]))} findings')" "$start" "$end" "$work/out.txt"
    grep -m3 -i 'warning\|error' "$work/err.txt"
done

section "done"
echo "failures: $failures; total ${SECONDS}s"
rm -rf "$work"
exit $((failures > 0))
