"""Generation: stop strings, held-back partial characters, cancellation and error hand-off.

These run with a tiny character-level "tokenizer" (id = code point), so the logic is exercised
exactly as the model's thread drives it, without loading a model.
"""
import threading

import pytest

from chatbot.model.generation import Generation


def decode(ids):
    return "".join(chr(i) for i in ids)


def feed(gen, text, step=1):
    for i in range(0, len(text), step):
        gen.feed_tokens([ord(c) for c in text[i : i + step]])


def test_text_streams_in_pieces_and_reassembles():
    gen = Generation(decode, max_new_tokens=100)
    feed(gen, "Pell grants help.")
    gen.finish(None)
    pieces = list(gen)
    assert len(pieces) > 1 and "".join(pieces) == "Pell grants help."
    assert gen.finish_reason == "end" and gen.new_tokens == len("Pell grants help.")


def test_stop_string_split_across_tokens_is_never_shown_and_cancels():
    gen = Generation(decode, stop=("<|im_end|>",))
    feed(gen, "Answer here<|im_", step=3)
    assert not gen.cancel.is_set()
    feed(gen, "end|> trailing junk")
    gen.finish(None)
    assert "".join(gen) == "Answer here"
    assert gen.finish_reason == "stop" and gen.cancel.is_set()


def test_a_false_start_of_a_stop_string_is_released():
    gen = Generation(decode, stop=("###",))
    feed(gen, "Step #1 and ## two")
    gen.finish(None)
    assert "".join(gen) == "Step #1 and ## two"


def test_partial_multibyte_character_is_held_back():
    # A decoder that shows U+FFFD until a character's second token arrives, like byte-level BPE.
    def bpe_like(ids):
        return "".join("\ufffd" if i == 0 else chr(i) for i in ids)

    gen = Generation(bpe_like)
    gen.feed_tokens([ord("a"), 0])
    gen.feed_tokens([])  # nothing new
    first = gen._queue.get_nowait()
    assert first == "a" and gen._queue.empty()


def test_error_in_model_thread_reaches_the_consumer():
    gen = Generation(decode)
    feed(gen, "ok")
    gen.finish(RuntimeError("CUDA out of memory"))
    it = iter(gen)
    assert next(it) == "o" and next(it) == "k"
    with pytest.raises(RuntimeError, match="out of memory"):
        next(it)
    assert gen.finish_reason == "error"


def test_close_sets_the_cancel_event_the_model_polls():
    cancel = threading.Event()
    gen = Generation(decode, cancel=cancel)
    gen.close()
    assert cancel.is_set() and gen.finish_reason == "cancelled"


def test_iterating_after_the_end_keeps_stopping():
    gen = Generation(decode)
    gen.finish(None)
    assert list(gen) == [] and list(gen) == []
