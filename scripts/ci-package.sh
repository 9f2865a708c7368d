#!/usr/bin/env bash
# The Python package and the pre-commit hooks, as CI checks them (called by .ci/run after
# the release build, so that maturin reuses target/release's compiled dependencies):
#   1. build the wheel with maturin (pinned), install it into a fresh virtual environment,
#      run `answerlint --version`, `check examples/`, `model status` from there;
#   2. pre-commit (pinned) in a temporary git repository using this repository's
#      .pre-commit-hooks.yaml at HEAD: a vague answer fails, a clean one passes, with both
#      hooks (the model hook needs the model installed, as .ci/run does first).
# Prints the wheel's size and the seconds from `pip install` of the wheel to the first
# `check` output.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
MATURIN=maturin==1.16.0
PRE_COMMIT=pre-commit==4.7.0
tools=target/ci-tools
if [ ! -x "$tools/bin/maturin" ] || [ ! -x "$tools/bin/pre-commit" ]; then
  python3 -m venv "$tools"
  "$tools/bin/pip" install --quiet --disable-pip-version-check "$MATURIN" "$PRE_COMMIT"
fi

# 1. The wheel.
rm -rf target/wheels
"$tools/bin/maturin" build --release --locked --quiet --out target/wheels
wheel=$(ls target/wheels/answerlint-*.whl)
echo "wheel: $wheel, $(stat -c %s "$wheel") bytes"
venv=$(mktemp -d)/venv
python3 -m venv "$venv"
t0=$(date +%s.%N)
"$venv/bin/pip" install --quiet --disable-pip-version-check --no-index "$wheel"
"$venv/bin/answerlint" check --no-model examples/zh-strong.md >/dev/null
t1=$(date +%s.%N)
echo "pip install of the wheel to first check output: $(python3 -c "print(round($t1 - $t0, 2))") s"
"$venv/bin/answerlint" --version
set +e
"$venv/bin/answerlint" check examples/ >/dev/null
code=$?
set -e
[ "$code" -eq 1 ] || { echo "wheel: expected exit 1 on examples/, got $code"; exit 1; }
"$venv/bin/answerlint" model status

# 2. pre-commit, with the hooks of this repository's HEAD. The hook environment is built
# by pip from source; CARGO_TARGET_DIR lets it reuse the compiled dependencies, and the
# constraint pins the maturin it builds with.
work=$(mktemp -d)
echo "$MATURIN" >"$work/constraints.txt"
export PIP_CONSTRAINT=$work/constraints.txt CARGO_TARGET_DIR=$root/target
export PRE_COMMIT_HOME=$work/cache
rev=$(git rev-parse HEAD)
repo=$work/repo
git init --quiet "$repo"
cd "$repo"
git config user.email ci@example.invalid
git config user.name ci
run_hook() { # hook, expected exit status (0 or 1), file contents
  local hook=$1 want=$2 text=$3
  cat >.pre-commit-config.yaml <<YAML
repos:
  - repo: $root
    rev: $rev
    hooks:
      - id: $hook
YAML
  printf '%s\n' "$text" >answer.md
  git add -A
  set +e
  "$root/$tools/bin/pre-commit" run --all-files >"$work/out.txt" 2>&1
  local got=$?
  set -e
  if [ "$got" -ne "$want" ]; then
    echo "pre-commit $hook: expected exit $want, got $got"
    cat "$work/out.txt"
    exit 1
  fi
  echo "pre-commit $hook: exit $got as expected"
}
vague='您放心，我们会尽力解决，一般3天左右补发。'
clean='2小时内客服接单并回复买家，24小时内补发并把新运单号同步到订单后台，72小时内提交8D报告。退货率1.2%（后台截图见附件3），低于类目平均的3.5%。'
for hook in answerlint-no-model answerlint; do
  run_hook "$hook" 1 "$vague"
  grep -q 'answer.md:1:1: error\[vague-commitment\]' "$work/out.txt" ||
    { echo "pre-commit $hook: no vague-commitment finding"; cat "$work/out.txt"; exit 1; }
  run_hook "$hook" 0 "$clean"
done
rm -rf "$work" "$(dirname "$venv")"
