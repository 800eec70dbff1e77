"""Turns messages into streamed text: the only torch/transformers/bitsandbytes code lives here.

- local.py: a Hugging Face model in this process (transformers + bitsandbytes), batched by
  engine.py over batch_cache.py; embedded.py converts the shipped SmolLM2 once; quant_choice.py
  decides `--quantization auto`.
- fake.py: a deterministic stand-in for tests; generation.py: the streaming hand-off both use.
- chat_model.py: the LangChain chat model every backend is reached through.
- embedder.py: the sentence embedder retrieval uses.

This file stays import-light (no torch), so callers can catch ModelError cheaply.
"""


class ModelError(RuntimeError):
    """The model cannot be loaded; the message says exactly what is missing and what to do."""
