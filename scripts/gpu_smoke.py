"""GPU smoke test: a randomly initialised Llama (Llama-3.1-8B's shape by default) through our loader in NF4.

No weights can be downloaded on the GPU machine, so the model is built from its config with random
weights, saved as safetensors, then loaded with `chatbot.model.local.load_chat_model` exactly as a real
`--model FOLDER` would be. Prints load time, GPU memory and decode tokens/s at batch 1.

    python scripts/gpu_smoke.py --size 8b --tokens 128          # on the H100
    python scripts/gpu_smoke.py --size tiny --device cpu        # rehearsal on a CPU machine
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import torch
from random_llama import SHAPES, build_random_llama  # scripts/ is on sys.path when run as a script

from chatbot.config import load_settings
from chatbot.model.local import load_chat_model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SHAPES), default="8b")
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--quantization", default="nf4")
    parser.add_argument("--tokens", type=int, default=128)
    args = parser.parse_args()
    report: dict = {"size": args.size, "device": args.device, "quantization": args.quantization}
    if args.device == "cuda":
        report["gpu"] = torch.cuda.get_device_name(0)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / f"random-llama-{args.size}"
        report["build_and_save_s"] = round(build_random_llama(args.size, folder, args.device), 1)
        started = time.perf_counter()
        settings = load_settings(flags={"model": str(folder), "device": args.device, "quantization": args.quantization})
        chat = load_chat_model(settings, log=lambda *_: None)
        report["load_s"] = round(time.perf_counter() - started, 1)
        report["layers"] = chat.quantized_layers()
        report["weights_gib"] = round(chat.weight_bytes() / 2**30, 2)
        prompt = chat.encode_chat([{"role": "user", "content": "What is the FAFSA?"}])
        ids = torch.tensor([prompt], device=args.device)
        # Random weights emit arbitrary ids, so time generate() directly with a fixed length
        # instead of decoding text; min_new_tokens keeps an early end-of-turn from cutting it short.
        for label, n in (("warmup", 8), ("run", args.tokens)):
            if args.device == "cuda":
                torch.cuda.synchronize()
                torch.cuda.reset_peak_memory_stats()
            started = time.perf_counter()
            with torch.inference_mode():
                out = chat.model.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=n,
                                          min_new_tokens=n, do_sample=False, pad_token_id=0)
            if args.device == "cuda":
                torch.cuda.synchronize()
            elapsed = time.perf_counter() - started
        report["new_tokens"] = int(out.shape[1] - ids.shape[1])
        report["tokens_per_s_batch1"] = round(report["new_tokens"] / elapsed, 1)
        if args.device == "cuda":
            report["gpu_peak_allocated_gib"] = round(torch.cuda.max_memory_allocated() / 2**30, 2)
            report["gpu_reserved_gib"] = round(torch.cuda.memory_reserved() / 2**30, 2)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
