"""The local backend: a Hugging Face chat model loaded in this process (transformers + bitsandbytes).

- `load_chat_model(settings)` loads the chat model (embedded SmolLM2, a local folder or a hub id)
  quantized as `--quantization` says (auto: NF4 on CUDA; on a CPU the fastest of NF4, torch's dynamic int8
  and float32 there) and returns a `ChatModel`.
- `ChatModel.stream(messages, ...)` applies the chat template and submits the request to the
  batching engine (chatbot/model/engine.py, chatbot/model/batch_cache.py, which import torch too); the returned
  `Generation` yields text pieces and stops on a cancel event (within one decode step), stop
  strings, `max_new_tokens` or a wall-clock timeout.

The embedded model's one-time conversion is chatbot/model/embedded.py; the sentence embedder used
by retrieval is chatbot/model/embedder.py.
"""
from __future__ import annotations

import logging
import os
import re
import threading
import time
from dataclasses import replace
from pathlib import Path

import torch
import transformers
from transformers import (
    AutoModelForCausalLM,
    AutoTokenizer,
    BitsAndBytesConfig,
)

from chatbot.config import Settings
from chatbot.model import ModelError
from chatbot.model.embedded import prepare_embedded
from chatbot.model.engine import Engine, Request
from chatbot.model.generation import Generation

HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")

os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
transformers.logging.set_verbosity_error()
# On AVX512-BF16 CPUs bitsandbytes looks for an optional kernel package that would be fetched from
# the hub; we never fetch it, and its fallback is the built-in kernel, so the warning is only noise.
logging.getLogger("bitsandbytes").setLevel(logging.ERROR)


def resolve_model(settings: Settings, log=print) -> tuple[str, bool]:
    """Return (folder or hub id, is_hub) for `--model`, or raise ModelError saying what is wrong."""
    name = settings.model.strip()
    if name == "embedded":
        return str(prepare_embedded(settings.cache_dir, log=log)), False
    path = Path(name).expanduser()
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise ModelError(f"{path} is a folder but has no config.json: it is not a Hugging Face model folder")
        return str(path), False
    if name.startswith((".", "/", "~")) or path.suffix or not HUB_ID.match(name):
        raise ModelError(
            f"model folder not found: {name}. Use --model embedded, an existing local folder, "
            "or a Hugging Face id like meta-llama/Llama-3.1-8B-Instruct"
        )
    return name, True


def pick_device(requested: str) -> str:
    if requested == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if requested == "cuda" and not torch.cuda.is_available():
        raise ModelError("--device cuda was asked for but no CUDA GPU is visible; use --device cpu or auto")
    return requested


def quantization_config(quantization: str) -> BitsAndBytesConfig | None:
    if quantization in ("none", CPU_INT8):  # int8-dynamic is applied after loading (quantize_after_load)
        return None
    if quantization == "int8":
        return BitsAndBytesConfig(load_in_8bit=True)
    return BitsAndBytesConfig(
        load_in_4bit=True,
        bnb_4bit_quant_type=quantization,
        # Double quantization saves ~0.4 bits/parameter; it matters for 8B models on smaller GPUs.
        bnb_4bit_use_double_quant=quantization == "nf4",
        bnb_4bit_compute_dtype=torch.bfloat16,
    )


def _hub_error(name: str, exc: Exception) -> ModelError:
    text = f"{type(exc).__name__}: {exc}"
    if "gated" in text.lower() or "401" in text or "403" in text:
        return ModelError(
            f"{name} is a gated model: accept its licence on huggingface.co, then run `hf auth login` "
            "(or set HF_TOKEN) and try again, or download it and pass the folder to --model"
        )
    return ModelError(
        f"could not download {name} from the Hugging Face hub (offline, or no such model). "
        "Download it on a machine with internet (`hf download " + name + " --local-dir DIR`) "
        "and pass --model DIR, or use --model embedded"
    )


def load_chat_model(settings: Settings, log=print) -> "ChatModel":
    source, is_hub = resolve_model(settings, log=log)
    device = pick_device(settings.device)
    started = time.perf_counter()
    try:
        tokenizer = AutoTokenizer.from_pretrained(source)
        # Inside the try: measuring `auto` loads the model too, with the same errors to explain.
        quantization = resolve_quantization(settings, source, device, log=log)
        model = AutoModelForCausalLM.from_pretrained(source, **load_kwargs(quantization, device))
        model = quantize_after_load(model, quantization, device)
    except OSError as exc:
        if is_hub:
            raise _hub_error(source, exc) from exc
        raise ModelError(f"could not load the model from {source}: {exc}") from exc
    except Exception as exc:  # hub errors are not all OSError subclasses across versions
        if is_hub and "huggingface_hub" in type(exc).__module__:
            raise _hub_error(source, exc) from exc
        raise
    if tokenizer.chat_template is None:
        raise ModelError(f"{source} has no chat template: use an instruct/chat model")
    model.eval()
    name = "SmolLM2-135M-Instruct" if settings.model == "embedded" else settings.model
    log(f"Loaded {name} ({quantization}, {device}) in {time.perf_counter() - started:.1f}s")
    return ChatModel(name, model, tokenizer, device, replace(settings, quantization=quantization))


CPU_INT8 = "int8-dynamic"


def decode_threads(quantization: str) -> int | None:
    """torch intra-op threads for the engine's decode steps (None: all): one for dynamic int8, whose
    tiny matmuls decoded at 20-25 tokens/s with two OpenMP threads from the engine's thread, 60 with one."""
    return 1 if quantization == CPU_INT8 else None


def quantize_after_load(model, quantization: str, device: str):
    """torch's dynamic int8 for every Linear layer (weights int8, activations quantized per call):
    on a 2-core AMD EPYC without AVX-512 SmolLM2-135M decoded 55-75 tokens/s against 19 in float32
    and 33 in bfloat16, in a plain decode loop (2026-12-03). CPU only: its kernels are fbgemm's."""
    if quantization != CPU_INT8:
        return model
    if device != "cpu":
        raise ModelError("--quantization int8-dynamic runs on the CPU only; use nf4 on a GPU")
    import warnings

    with warnings.catch_warnings():  # torch.ao.quantization's deprecation notice, on every load
        warnings.simplefilter("ignore")
        return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)


def load_kwargs(quantization: str, device: str) -> dict:
    """from_pretrained keywords for a concrete quantization ('auto' already resolved)."""
    # SDPA: the batching engine builds masks for it (chatbot/model/engine.py).
    kwargs: dict = {"device_map": {"": device}, "attn_implementation": "sdpa"}
    qconfig = quantization_config(quantization)
    if qconfig is not None:
        kwargs["quantization_config"] = qconfig
    else:
        # bfloat16 matmuls are slow on most CPUs; float32 there, bfloat16 on the GPU.
        kwargs["dtype"] = torch.bfloat16 if device == "cuda" else torch.float32
    return kwargs


def resolve_quantization(settings: Settings, source: str, device: str, log=print) -> str:
    """`auto` -> nf4 on CUDA, else what is fastest on this CPU (chatbot/model/quant_choice.py)."""
    if settings.quantization != "auto":
        return settings.quantization
    from chatbot.model.quant_choice import choose, measure_answer_seconds

    return choose(source, device, settings.cache_dir, measure=measure_answer_seconds, log=log)


def eos_token_ids(model, tokenizer) -> set[int]:
    """The ids that end a turn: the generation config's (what generate() stops on), else the tokenizer's."""
    configured = getattr(model.generation_config, "eos_token_id", None)
    ids = configured if isinstance(configured, (list, tuple)) else [configured]
    found = {int(i) for i in ids if i is not None}
    if not found and tokenizer.eos_token_id is not None:
        found.add(int(tokenizer.eos_token_id))
    return found


class ChatModel:
    """A loaded chat model. `stream` goes through the batching engine (chatbot/model/engine.py), so many
    answers are generated at once (eval/bench_baselines.py's `plain_generate` is the plain
    generate() baseline it is measured against)."""

    def __init__(self, name: str, model, tokenizer, device: str, settings: Settings):
        self.name, self.model, self.tokenizer, self.device = name, model, tokenizer, device
        self.settings = settings
        # Whether knowledge answers are drafted by default (`draft = "auto"`). The embedded 135M
        # model's drafts fail the grounding gate: 0 of 33 passed on the first 40 real-dev questions
        # (2026-12-03), so drafting only cost 2-13 s before the passage was shown anyway.
        self.draft_by_default = settings.model != "embedded"
        self.context_length = int(getattr(model.config, "max_position_embeddings", 4096))
        self.engine = Engine(model, eos_token_ids(model, tokenizer),
                             max_batch=settings.max_batch_size, prefill_chunk=settings.prefill_chunk,
                             decode_threads=decode_threads(settings.quantization))

    def encode_chat(self, messages: list[dict]) -> list[int]:
        text = self.tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
        return self.tokenizer(text, add_special_tokens=False)["input_ids"]

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def stream(self, messages: list[dict], **kwargs) -> Generation:
        """Start generating; iterate the result for text pieces. Closing it cancels generation.

        Keywords: max_new_tokens, temperature, stop, cancel, timeout_s, repetition_penalty."""
        return self.stream_ids(self.encode_chat(messages), **kwargs)

    def stream_ids(self, prompt: list[int], **options) -> Generation:
        """`stream` for a prompt already tokenized; also takes `ignore_eos` (benchmarks)."""
        request = self._request(prompt, **options)
        self.engine.submit(request)
        return request.generation

    def _request(
        self,
        prompt: list[int],
        *,
        max_new_tokens: int | None = None,
        temperature: float | None = None,
        stop: tuple[str, ...] | list[str] = (),
        cancel: threading.Event | None = None,
        timeout_s: float | None = None,
        repetition_penalty: float = 1.0,
        ignore_eos: bool = False,
    ) -> Request:
        """Settings' defaults filled in, the prompt checked against the context, its Generation made."""
        max_new_tokens = max_new_tokens or self.settings.max_new_tokens
        temperature = self.settings.temperature if temperature is None else temperature
        timeout_s = timeout_s or self.settings.generation_timeout_s
        if not prompt:
            raise ValueError("the prompt is empty")
        if len(prompt) + max_new_tokens > self.context_length:
            raise ValueError(
                f"prompt of {len(prompt)} tokens plus {max_new_tokens} new tokens exceeds the "
                f"model's context of {self.context_length}; trim the history or passages"
            )
        generation = Generation(
            lambda ids: self.tokenizer.decode(ids, skip_special_tokens=True),
            stop=tuple(stop), cancel=cancel or threading.Event(), prompt_tokens=len(prompt),
            max_new_tokens=max_new_tokens,
        )
        return Request(prompt, generation, max_new_tokens, temperature=temperature,
                       repetition_penalty=repetition_penalty, deadline=time.monotonic() + timeout_s,
                       ignore_eos=ignore_eos)

    def generate(self, messages: list[dict], **kwargs) -> str:
        return "".join(self.stream(messages, **kwargs))

    def quantized_layers(self) -> dict[str, int]:
        """Count the linear layer types: proof of what quantization really loaded."""
        counts: dict[str, int] = {}
        for module in self.model.modules():
            kind = type(module).__name__
            if kind == "LinearPackedParams":  # the weights' holder inside a dynamic int8 layer
                continue
            if "quantized.dynamic" in type(module).__module__:
                kind = f"DynamicQuantized{kind}"  # torch's int8 layer is also called "Linear"
            if "Linear" in kind:
                counts[kind] = counts.get(kind, 0) + 1
        return counts

    def weight_bytes(self) -> int:
        return int(self.model.get_memory_footprint())

    @property
    def device_name(self) -> str:
        if self.device == "cuda":
            return torch.cuda.get_device_name(0)
        return f"CPU ({os.cpu_count()} cores, {torch.get_num_threads()} torch threads)"


