#!/usr/bin/env bash
# Run HERE (not on the GPU machine) before scripts/gpu_bench.sh: puts what that machine lacks into two
# git-ignored folders to carry (device tool: carry [".whl", ".gpu"]):
#   .whl/  wheels it lacks or has too old (bitsandbytes; transformers 5.24 for the engine's cache= API)
#   .gpu/  the embedded model's tokenizer files and the bench's answer prompts (it has no knowledge
#          base dependencies and cannot download the embedded model)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
for d in /.whl/ /.gpu/; do grep -qxF "$d" .git/info/exclude || echo "$d" >> .git/info/exclude; done
mkdir -p .whl .gpu
"$PY" -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
  --platform manylinux_2_28_x86_64 --platform manylinux_2_24_x86_64 --platform manylinux_2_17_x86_64 \
  --platform manylinux2014_x86_64 -d .whl bitsandbytes==0.50.2 transformers==5.24.0
"$PY" scripts/random_llama.py --save-tokenizer --out .gpu/tokenizer
"$PY" -m eval bench --write-prompts .gpu/prompts.jsonl
ls -la .whl .gpu
