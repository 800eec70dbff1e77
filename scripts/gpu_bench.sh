#!/usr/bin/env bash
# The engine benchmark on the lent GPU (device tool), from the repository root: a random
# Llama-3.1-8B-shaped model in NF4, N = 1, 8, 32, 64 users, and the batching methods at 32.
# First, here: bash scripts/gpu_prepare.sh (fills .whl/ and .gpu/), then on the device, carrying both:
#   bash scripts/gpu_bench.sh                                        # on the H100 (OUT set by the tool)
#   SIZE=tiny DEVICE=cpu USERS=1,2 NEW_TOKENS=4-8 COMPARE_AT=2 bash scripts/gpu_bench.sh   # CPU rehearsal
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -d .whl ]; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl
  export PYTHONPATH=/tmp/site:${PYTHONPATH:-}
fi
export PYTHONPATH=$PWD:${PYTHONPATH:-} PYTHONUNBUFFERED=1
SIZE=${SIZE:-8b}
DEVICE=${DEVICE:-cuda}
OUT=${OUT:-/tmp/gpu_bench}
MODEL_DIR=${MODEL_DIR:-/tmp/random-llama-$SIZE}
mkdir -p "$OUT"
if [ "$DEVICE" = cuda ]; then nvidia-smi --query-gpu=name,memory.total --format=csv; fi
TOKENIZER_DIR=${TOKENIZER_DIR:-.gpu/tokenizer}
PROMPTS_FILE=${PROMPTS_FILE:-.gpu/prompts.jsonl}
TOKENIZER=(); PROMPTS=()
if [ -d "$TOKENIZER_DIR" ]; then TOKENIZER=(--tokenizer "$TOKENIZER_DIR"); fi
if [ -f "$PROMPTS_FILE" ]; then PROMPTS=(--prompts "$PROMPTS_FILE"); fi
python3 scripts/random_llama.py --size "$SIZE" --device "$DEVICE" --out "$MODEL_DIR" "${TOKENIZER[@]}"
python3 -m eval bench --model "$MODEL_DIR" --device "$DEVICE" --quantization "${QUANTIZATION:-nf4}" "${PROMPTS[@]}" \
  --users "${USERS:-1,8,32,64}" --new-tokens "${NEW_TOKENS:-128-256}" --baseline-requests "${BASELINE:-4}" \
  --compare-at "${COMPARE_AT:-32}" --compare-tokens "${COMPARE_TOKENS:-128}" --out "$OUT" 2>&1 | tee "$OUT/bench.log"
