"""A randomly initialised Llama of a real model's shape, saved as a Hugging Face folder.

No weights can be downloaded on the GPU machine, so the GPU scripts build the model from its config
with random weights and load the folder with `chatbot.model.local.load_chat_model`, exactly as a real
`--model FOLDER` would be. Speed and memory depend on the shape, not on the weights' values.

    python scripts/random_llama.py --size 8b --device cuda --out /tmp/random-llama-8b
"""
from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

import torch
from transformers import LlamaConfig, LlamaForCausalLM

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository, for chatbot.*

from chatbot.config import load_settings  # noqa: E402
from chatbot.model.embedded import prepare_embedded  # noqa: E402

TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "chat_template.jinja")
SHAPES = {  # from the published config.json files of these models
    "8b": dict(hidden_size=4096, intermediate_size=14336, num_hidden_layers=32, num_attention_heads=32,
               num_key_value_heads=8, vocab_size=128256, rope_theta=500000.0, max_position_embeddings=131072),
    "3b": dict(hidden_size=3072, intermediate_size=8192, num_hidden_layers=28, num_attention_heads=24,
               num_key_value_heads=8, vocab_size=128256, rope_theta=500000.0, max_position_embeddings=131072,
               tie_word_embeddings=True),
    "tiny": dict(hidden_size=256, intermediate_size=512, num_hidden_layers=2, num_attention_heads=4,
                 num_key_value_heads=2, vocab_size=128256, max_position_embeddings=4096),
}


def build_random_llama(size: str, folder: Path, device: str, tokenizer: Path | None = None) -> float:
    started = time.perf_counter()
    config = LlamaConfig(**SHAPES[size], torch_dtype="bfloat16")
    with torch.device(device):
        model = LlamaForCausalLM(config).to(torch.bfloat16)
    model.save_pretrained(folder)
    # Any Llama chat tokenizer will do for a smoke test: borrow the embedded model's (ids < vocab).
    # A machine without the embedded model's package (the GPU machine) gets the files carried in.
    tokenizer_dir = tokenizer or prepare_embedded(load_settings().cache_dir, log=lambda *_: None)
    for name in TOKENIZER_FILES:
        shutil.copy(tokenizer_dir / name, folder / name)
    del model
    if device == "cuda":
        torch.cuda.empty_cache()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SHAPES), default="8b")
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--tokenizer", type=Path, help="folder with the tokenizer files (default: the embedded model's)")
    parser.add_argument("--save-tokenizer", action="store_true", help="only copy the embedded tokenizer's files to --out")
    args = parser.parse_args()
    if args.save_tokenizer:
        args.out.mkdir(parents=True, exist_ok=True)
        source = prepare_embedded(load_settings().cache_dir, log=lambda *_: None)
        for name in TOKENIZER_FILES:
            shutil.copy(source / name, args.out / name)
        return
    if (args.out / "config.json").is_file():
        print(f"{args.out} exists")
        return
    seconds = build_random_llama(args.size, args.out, args.device, args.tokenizer)
    print(f"built {args.out} in {seconds:.1f}s")


if __name__ == "__main__":
    main()
