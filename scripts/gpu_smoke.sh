#!/usr/bin/env bash
# Run on the lent GPU machine (device tool), from the repository root, with the wheels carried in .whl/:
#   python3 -m pip install -q --no-index --no-deps --target /tmp/site .whl/*.whl   (bitsandbytes etc.)
# Then: random Llama-3.1-8B-shaped model -> our loader in NF4 -> 128 tokens at batch 1.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -d .whl ]; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl
  export PYTHONPATH=/tmp/site:${PYTHONPATH:-}
fi
export PYTHONPATH=$PWD:${PYTHONPATH:-}
nvidia-smi --query-gpu=name,memory.total,memory.used --format=csv
python3 scripts/gpu_smoke.py --size "${SIZE:-8b}" --tokens "${TOKENS:-128}" | tee "${OUT:-/tmp}/gpu_smoke.json"
