"""BatchCache without a model: right alignment, masks, positions, removal, compaction, growth, reset.

Fake "prefilled" requests are DynamicCaches filled with small random tensors, so every column of
every row can be checked against what was put in.
"""
import pytest
import torch
from transformers.cache_utils import DynamicCache

from chatbot.model.batch_cache import COMPACT_MIN, COMPACT_SHARE, GROW_COLUMNS, BatchCache

LAYERS, HEADS, DIM = 3, 2, 4


def prefilled(length: int, seed: int):
    """A batch-of-one cache of `length` tokens; returns (cache, [(keys, values) per layer])."""
    generator = torch.Generator().manual_seed(seed)
    cache, data = DynamicCache(), []
    for layer in range(LAYERS):
        keys = torch.randn(1, HEADS, length, DIM, generator=generator)
        values = torch.randn(1, HEADS, length, DIM, generator=generator)
        cache.update(keys, values, layer)
        data.append((keys[0].clone(), values[0].clone()))
    return cache, data


def real_columns(kv: BatchCache, row: int, layer: int):
    """(keys, values) of one row's real tokens: columns start..length-1."""
    start = kv.starts[row]
    return kv.layers[layer].keys[row, :, start : kv.length], kv.layers[layer].values[row, :, start : kv.length]


def assert_row_holds(kv: BatchCache, row: int, data, extra=None):
    """The row's real columns equal `data` (per layer), followed by `extra` decoded columns if given."""
    for layer, (keys, values) in enumerate(data):
        want_k, want_v = keys, values
        if extra is not None:
            want_k = torch.cat([keys, extra[layer][0]], dim=1)
            want_v = torch.cat([values, extra[layer][1]], dim=1)
        got_k, got_v = real_columns(kv, row, layer)
        assert got_k.shape == want_k.shape, (row, layer, got_k.shape, want_k.shape)
        assert torch.equal(got_k, want_k), f"row {row} layer {layer}: keys differ"
        assert torch.equal(got_v, want_v), f"row {row} layer {layer}: values differ"


def expected_mask(starts: list[int], length: int) -> torch.Tensor:
    mask = torch.zeros(len(starts), 1, 1, length + 1, dtype=torch.bool)
    for row, start in enumerate(starts):
        mask[row, 0, 0, start:] = True  # the row's real columns plus the new column `length`
    return mask


def decode_step(kv: BatchCache, seed: int):
    """What one model step does: step_inputs, every layer's update through the Cache, advance.

    Returns the new column per layer as [(keys [rows, heads, 1, dim], values), ...] and the layers' returns."""
    generator = torch.Generator().manual_seed(seed)
    kv.step_inputs()
    new, returned = [], []
    for layer in range(LAYERS):
        keys = torch.randn(kv.rows, HEADS, 1, DIM, generator=generator)
        values = torch.randn(kv.rows, HEADS, 1, DIM, generator=generator)
        returned.append(kv.cache.update(keys, values, layer))
        new.append((keys, values))
    kv.advance()
    return new, returned


def test_rows_of_different_lengths_are_right_aligned_with_exact_masks_and_positions():
    kv = BatchCache(LAYERS, max_rows=4)
    assert kv.rows == 0 and kv.memory_bytes() == 0
    caches = [prefilled(n, seed) for seed, n in enumerate([5, 3, 8])]
    for index, (cache, _) in enumerate(caches):
        assert kv.insert(cache) == index
    # The longest (8) sets the length; the first row was shifted right by 3 when it came in.
    assert kv.length == 8 and kv.starts == [3, 5, 0] and kv.rows == 3
    for row, (_, data) in enumerate(caches):
        assert_row_holds(kv, row, data)

    positions, mask = kv.step_inputs()
    assert positions.tolist() == [[5], [3], [8]]  # each row's own length: the next token's position
    assert mask.dtype == torch.bool and mask.shape == (3, 1, 1, 9)
    assert torch.equal(mask, expected_mask([3, 5, 0], 8))
    rows, columns = kv.capacity
    assert rows >= 3 and columns >= 9
    assert kv.memory_bytes() == 2 * LAYERS * rows * HEADS * columns * DIM * 4


def test_a_shorter_row_is_padded_on_the_left_without_moving_the_others():
    kv = BatchCache(LAYERS, max_rows=2)
    long, long_data = prefilled(9, 0)
    short, short_data = prefilled(2, 1)
    kv.insert(long)
    kv.insert(short)
    assert kv.length == 9 and kv.starts == [0, 7]
    assert_row_holds(kv, 0, long_data)
    assert_row_holds(kv, 1, short_data)
    positions, mask = kv.step_inputs()
    assert positions.tolist() == [[9], [2]]
    assert torch.equal(mask, expected_mask([0, 7], 9))


def test_additive_float_mask_for_eager_attention():
    kv = BatchCache(LAYERS, max_rows=2)
    kv.insert(prefilled(6, 0)[0])
    kv.insert(prefilled(2, 1)[0])
    positions, mask = kv.step_inputs(torch.float32)
    allowed = expected_mask([0, 4], 6)
    assert mask.dtype == torch.float32 and mask.shape == allowed.shape
    assert torch.all(mask[allowed] == 0)
    assert torch.all(mask[~allowed] == torch.finfo(torch.float32).min)
    assert positions.tolist() == [[6], [2]]


def test_layer_update_writes_column_length_for_all_rows_and_returns_views_one_longer():
    kv = BatchCache(LAYERS, max_rows=3)
    caches = [prefilled(n, seed) for seed, n in enumerate([4, 7, 2])]
    for cache, _ in caches:
        kv.insert(cache)
    length = kv.length
    assert length == 7
    assert kv.layers[0].get_seq_length() == 7 and kv.cache.get_seq_length() == 7
    assert kv.layers[0].get_mask_sizes(1) == (8, 0)

    new, returned = decode_step(kv, seed=10)
    for layer, ((keys, values), (got_k, got_v)) in enumerate(zip(new, returned)):
        assert got_k.shape == (3, HEADS, length + 1, DIM) and got_v.shape == got_k.shape
        assert torch.equal(got_k[:, :, length], keys[:, :, 0]) and torch.equal(got_v[:, :, length], values[:, :, 0])
        # Views of the shared buffer, not copies: the next step sees what this one wrote.
        assert got_k.data_ptr() == kv.layers[layer].keys.data_ptr()
    assert kv.length == length + 1
    for row, (_, data) in enumerate(caches):  # old columns untouched, the new one appended
        extra = [(k[row], v[row]) for k, v in new]
        assert_row_holds(kv, row, data, extra)
    positions, mask = kv.step_inputs()
    assert positions.tolist() == [[5], [8], [3]]
    assert torch.equal(mask, expected_mask([3, 0, 5], 8))


def test_a_longer_row_joining_after_decode_steps_shifts_the_decoded_columns_too():
    kv = BatchCache(LAYERS, max_rows=2)
    first, first_data = prefilled(3, 0)
    kv.insert(first)
    steps = [decode_step(kv, seed)[0] for seed in (20, 21)]  # length 5 now
    second, second_data = prefilled(9, 1)
    kv.insert(second)
    assert kv.length == 9 and kv.starts == [4, 0]
    extra = [(torch.cat([s[layer][0][0] for s in steps], dim=1), torch.cat([s[layer][1][0] for s in steps], dim=1))
             for layer in range(LAYERS)]
    assert_row_holds(kv, 0, first_data, extra)
    assert_row_holds(kv, 1, second_data)
    assert kv.step_inputs()[0].tolist() == [[5], [9]]


def test_removing_a_middle_row_moves_the_last_row_into_its_place():
    kv = BatchCache(LAYERS, max_rows=4)
    caches = [prefilled(n, seed) for seed, n in enumerate([6, 4, 5])]
    for cache, _ in caches:
        kv.insert(cache)
    assert kv.starts == [0, 2, 1]
    kv.remove(1)
    assert kv.rows == 2 and kv.length == 6 and kv.starts == [0, 1]
    assert_row_holds(kv, 0, caches[0][1])
    assert_row_holds(kv, 1, caches[2][1])  # the former last row, values preserved
    positions, mask = kv.step_inputs()
    assert positions.tolist() == [[6], [5]]
    assert torch.equal(mask, expected_mask([0, 1], 6))

    kv.remove(1)  # the last row: nothing moves
    assert kv.rows == 1 and kv.starts == [0]
    assert_row_holds(kv, 0, caches[0][1])
    kv.remove(0)
    assert kv.rows == 0 and kv.length == 0


def test_common_left_padding_is_cut_once_it_is_large():
    long_length = 2 * COMPACT_MIN + 10
    kv = BatchCache(LAYERS, max_rows=3)
    caches = [prefilled(n, seed) for seed, n in enumerate([long_length, 5, 7])]
    for cache, _ in caches:
        kv.insert(cache)
    assert kv.starts == [0, long_length - 5, long_length - 7]
    kv.remove(0)  # the long one ends: the others start at >= COMPACT_MIN, a big share of the buffer
    assert kv.length == 7 and kv.starts == [0, 2]  # row 0 is the former last row (7 tokens)
    assert_row_holds(kv, 0, caches[2][1])
    assert_row_holds(kv, 1, caches[1][1])
    positions, mask = kv.step_inputs()
    assert positions.tolist() == [[7], [5]]
    assert torch.equal(mask, expected_mask([0, 2], 7))
    # Decoding goes on in the compacted buffer.
    new, _ = decode_step(kv, seed=30)
    assert kv.length == 8
    assert_row_holds(kv, 1, caches[1][1], [(k[1], v[1]) for k, v in new])


def test_small_or_minor_padding_is_not_compacted():
    # Padding below COMPACT_MIN stays.
    kv = BatchCache(LAYERS, max_rows=2)
    small = COMPACT_MIN - 1
    kv.insert(prefilled(small + 5, 0)[0])
    short, short_data = prefilled(5, 1)
    kv.insert(short)
    kv.remove(0)
    assert kv.length == small + 5 and kv.starts == [small]
    assert_row_holds(kv, 0, short_data)

    # Padding of COMPACT_MIN columns, but under 1/COMPACT_SHARE of the length, stays too.
    kv = BatchCache(LAYERS, max_rows=2)
    length = COMPACT_SHARE * COMPACT_MIN + 1
    kv.insert(prefilled(length, 2)[0])
    other, other_data = prefilled(length - COMPACT_MIN, 3)
    kv.insert(other)
    kv.remove(0)
    assert kv.length == length and kv.starts == [COMPACT_MIN]
    assert_row_holds(kv, 0, other_data)


def test_growing_past_the_allocated_columns_keeps_every_value():
    kv = BatchCache(LAYERS, max_rows=2)
    cache, data = prefilled(GROW_COLUMNS - 4, 0)
    kv.insert(cache)
    assert kv.capacity[1] == GROW_COLUMNS
    steps = [decode_step(kv, seed)[0] for seed in range(100, 106)]  # crosses the first allocation
    assert kv.length == GROW_COLUMNS + 2 and kv.capacity[1] == 2 * GROW_COLUMNS
    extra = [(torch.cat([s[layer][0][0] for s in steps], dim=1), torch.cat([s[layer][1][0] for s in steps], dim=1))
             for layer in range(LAYERS)]
    assert_row_holds(kv, 0, data, extra)
    # Rows grow too (capacity 1 -> 2) without losing the first row.
    second, second_data = prefilled(3, 1)
    kv.insert(second)
    assert kv.capacity[0] == 2
    assert_row_holds(kv, 0, data, extra)
    assert_row_holds(kv, 1, second_data)
    assert kv.step_inputs()[0].tolist() == [[GROW_COLUMNS + 2], [3]]


def test_reset_empties_the_batch_and_the_buffer_is_reused():
    kv = BatchCache(LAYERS, max_rows=2)
    kv.insert(prefilled(10, 0)[0])
    kv.insert(prefilled(4, 1)[0])
    decode_step(kv, seed=5)
    capacity = kv.capacity
    kv.reset()
    assert kv.rows == 0 and kv.length == 0 and kv.starts == []
    cache, data = prefilled(3, 2)
    assert kv.insert(cache) == 0
    assert kv.length == 3 and kv.starts == [0] and kv.capacity == capacity
    assert_row_holds(kv, 0, data)
    positions, mask = kv.step_inputs()
    assert positions.tolist() == [[3]] and torch.equal(mask, expected_mask([0], 3))


def test_inserting_beyond_max_rows_raises_and_leaves_the_batch_intact():
    kv = BatchCache(LAYERS, max_rows=2)
    caches = [prefilled(n, seed) for seed, n in enumerate([4, 6])]
    for cache, _ in caches:
        kv.insert(cache)
    with pytest.raises(RuntimeError, match="full"):
        kv.insert(prefilled(9, 2)[0])
    assert kv.rows == 2 and kv.length == 6 and kv.starts == [2, 0]
    for row, (_, data) in enumerate(caches):
        assert_row_holds(kv, row, data)


def assert_padding_is_zero(kv: BatchCache):
    """Every column left of a row's start is exactly zero, in every layer, keys and values."""
    for layer in kv.layers:
        for row, start in enumerate(kv.starts):
            assert torch.count_nonzero(layer.keys[row, :, :start]) == 0, (row, start)
            assert torch.count_nonzero(layer.values[row, :, :start]) == 0, (row, start)
        assert torch.isfinite(layer.keys[: kv.rows, :, : kv.length]).all()
        assert torch.isfinite(layer.values[: kv.rows, :, : kv.length]).all()


def test_padding_never_exposes_stale_or_uninitialized_memory(monkeypatch):
    """torch.empty returns whatever memory the allocator had, NaN included. A NaN in a masked column
    still poisons attention (0 x NaN = NaN), and the row's argmax becomes token 0: seen on a CPU
    where the suite ran many tests before this one. Here fresh buffers are NaN on purpose, and the
    rows of removed requests are NaN-free but nonzero, so both kinds of leftovers are caught."""
    real_empty, real_empty_like = torch.empty, torch.empty_like
    monkeypatch.setattr(torch, "empty", lambda *a, **k: real_empty(*a, **k).fill_(float("nan")))
    monkeypatch.setattr(torch, "empty_like", lambda *a, **k: real_empty_like(*a, **k).fill_(float("nan")))
    kv = BatchCache(LAYERS, max_rows=4)
    long_length = 2 * COMPACT_MIN + 10
    kv.insert(prefilled(3, 0)[0])
    assert_padding_is_zero(kv)
    kv.insert(prefilled(9, 1)[0])  # longer: the first row is shifted right
    kv.insert(prefilled(2, 2)[0])  # shorter: padded on the left
    assert_padding_is_zero(kv)
    decode_step(kv, seed=3)
    kv.remove(0)  # the last row moves into row 0, which held a longer request's keys
    assert_padding_is_zero(kv)
    kv.insert(prefilled(long_length, 4)[0])  # grows the columns: a fresh NaN buffer
    decode_step(kv, seed=5)
    assert_padding_is_zero(kv)
    kv.remove(2)  # the long one leaves: common padding is cut
    assert kv.length < long_length
    assert_padding_is_zero(kv)
    for cache in (prefilled(n, 6 + n)[0] for n in (1, 4)):
        kv.insert(cache)  # rows grow (capacity doubles): another fresh buffer
    decode_step(kv, seed=7)
    assert_padding_is_zero(kv)
