"""The key/value cache of the batching engine: every running request's keys and values in one buffer.

Layout per attention layer: `keys[row, head, column, dim]`, preallocated and grown in steps. Requests
are right-aligned: each one's last token sits in the same column (`length - 1`), so one decode step
writes column `length` for all rows at once, and a row's padding on the left is masked out. A new
request's prefilled keys are copied in once (`insert`); a finished one is dropped by moving the last
row into its place (`remove`), so the running rows stay contiguous and need no gather per step.
When every row starts well to the right, the common padding is cut off (`_compact`), so attention
never reads much more than the longest running request.

Every column left of a row's start holds zeros, never stale or uninitialized memory. The mask hides
those columns, but attention still multiplies them: one NaN or inf there (torch.empty hands out
whatever the allocator had) turns the whole row's logits into NaN, and greedy argmax then picks
token 0 in the middle of an answer.

Used by chatbot/model/engine.py through transformers' `Cache` interface (the layers' `update`).
"""
from __future__ import annotations

import torch
from transformers.cache_utils import Cache, DynamicLayer

GROW_COLUMNS = 256  # columns added at a time: few reallocations, little unused memory
COMPACT_MIN = 64  # cut off common left padding once it is at least this many columns...
COMPACT_SHARE = 4  # ...and at least 1/COMPACT_SHARE of the buffer


class _Layer(DynamicLayer):
    """One attention layer's view of the shared buffer; transformers calls `update` once per step."""

    def __init__(self, owner: "BatchCache"):
        super().__init__()
        self.owner = owner
        self.keys = self.values = None
        self.is_initialized = True  # buffers are allocated by the owner, never lazily here

    def update(self, key_states: torch.Tensor, value_states: torch.Tensor, *args, **kwargs):
        rows, column = key_states.shape[0], self.owner.length
        self.keys[:rows, :, column] = key_states[:, :, 0]
        self.values[:rows, :, column] = value_states[:, :, 0]
        return self.keys[:rows, :, : column + 1], self.values[:rows, :, : column + 1]

    def get_seq_length(self) -> int:
        return self.owner.length

    def get_mask_sizes(self, query_length: int) -> tuple[int, int]:
        return self.owner.length + query_length, 0


class BatchCache:
    """Rows of running requests, right-aligned. Call `insert`, `remove`, and per decode step
    `step_inputs` -> model forward with `cache=self.cache` -> `advance`."""

    def __init__(self, num_layers: int, max_rows: int):
        self.max_rows = max_rows
        self.layers = [_Layer(self) for _ in range(num_layers)]
        self.cache = Cache(layers=self.layers)
        self.length = 0  # columns in use; the next decode step writes column `length`
        self.starts: list[int] = []  # first real column of each row
        self.capacity = (0, 0)  # (rows, columns) allocated

    @property
    def rows(self) -> int:
        return len(self.starts)

    def memory_bytes(self) -> int:
        layer = self.layers[0]
        return 0 if layer.keys is None else 2 * len(self.layers) * layer.keys.numel() * layer.keys.element_size()

    def insert(self, prefilled: Cache) -> int:
        """Copy a prefilled request (batch of one) in as a new row; returns its row index."""
        if self.rows >= self.max_rows:
            raise RuntimeError(f"the batch is full ({self.max_rows} rows)")
        size = prefilled.layers[0].keys.shape[-2]
        if self.rows == 0:
            self.length = 0
        # +1: room for the column the next decode step writes.
        self._reserve(self.rows + 1, max(self.length, size) + 1, prefilled.layers[0].keys)
        if size > self.length:
            self._shift(size - self.length)
        row, start = self.rows, self.length - size
        for layer, source in zip(self.layers, prefilled.layers):
            layer.keys[row, :, start : self.length] = source.keys[0]
            layer.values[row, :, start : self.length] = source.values[0]
            layer.keys[row, :, :start] = 0
            layer.values[row, :, :start] = 0
        self.starts.append(start)
        return row

    def remove(self, row: int) -> None:
        """Drop a row; the last row moves into its place (callers mirror that in their own list)."""
        last = self.rows - 1
        if row != last:
            start = self.starts[last]
            for layer in self.layers:
                layer.keys[row, :, start : self.length] = layer.keys[last, :, start : self.length]
                layer.values[row, :, start : self.length] = layer.values[last, :, start : self.length]
                layer.keys[row, :, :start] = 0  # the removed row's keys would otherwise stay there
                layer.values[row, :, :start] = 0
            self.starts[row] = start
        self.starts.pop()
        if not self.starts:
            self.length = 0
            return
        common = min(self.starts)
        if common >= COMPACT_MIN and common * COMPACT_SHARE >= self.length:
            self._shift(-common)

    def step_inputs(self, mask_dtype: torch.dtype | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """Position ids (rows, 1) and the 4-D attention mask (rows, 1, 1, length + 1) for one step.

        The mask is boolean (True = attend) for SDPA, or additive floats when `mask_dtype` is given."""
        self._reserve(self.rows, self.length + 1, self.layers[0].keys)
        device = self.layers[0].keys.device
        starts = torch.tensor(self.starts, device=device)
        positions = (self.length - starts).unsqueeze(1)
        columns = torch.arange(self.length + 1, device=device)
        allowed = (columns.unsqueeze(0) >= starts.unsqueeze(1))[:, None, None, :]
        if mask_dtype is None:
            return positions, allowed
        mask = torch.zeros(allowed.shape, dtype=mask_dtype, device=device)
        return positions, mask.masked_fill_(~allowed, torch.finfo(mask_dtype).min)

    def advance(self) -> None:
        self.length += 1

    def reset(self) -> None:
        self.starts.clear()
        self.length = 0

    def _reserve(self, rows: int, columns: int, like: torch.Tensor) -> None:
        have_rows, have_columns = self.capacity
        if rows <= have_rows and columns <= have_columns:
            return
        # Rows double (up to max_rows) and columns grow in steps, so reallocation stays rare.
        new_rows = min(self.max_rows, max(rows, 2 * have_rows, 1))
        new_columns = max(have_columns, -(-(columns + 1) // GROW_COLUMNS) * GROW_COLUMNS)
        _, heads, _, dim = like.shape
        for layer in self.layers:
            keys = torch.empty(new_rows, heads, new_columns, dim, dtype=like.dtype, device=like.device)
            values = torch.empty_like(keys)
            if layer.keys is not None and self.rows:
                keys[: self.rows, :, : self.length] = layer.keys[: self.rows, :, : self.length]
                values[: self.rows, :, : self.length] = layer.values[: self.rows, :, : self.length]
            layer.keys, layer.values = keys, values
        self.capacity = (new_rows, new_columns)

    def _shift(self, by: int) -> None:
        """Move every row `by` columns right (pad on the left) or left (cut common padding)."""
        rows, length = self.rows, self.length
        new_length = length + by
        if rows:
            self._reserve(rows, new_length + 1, self.layers[0].keys)
            source = slice(max(0, -by), length)
            target = slice(max(0, by), new_length)
            for layer in self.layers:
                layer.keys[:rows, :, target] = layer.keys[:rows, :, source].clone()
                layer.values[:rows, :, target] = layer.values[:rows, :, source].clone()
                if by > 0:  # the new padding on the left
                    layer.keys[:rows, :, :by] = 0
                    layer.values[:rows, :, :by] = 0
        self.starts = [s + by for s in self.starts]
        self.length = new_length
