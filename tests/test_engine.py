"""The batching engine with the real embedded model: greedy outputs equal plain generate() token for
token, whatever joins or leaves the batch, and each request's limits, failures and cancellation stay
its own.

References come from `ChatModel.stream_plain` (one plain transformers generate() per prompt), computed
once per module. Plain generate() feeds the end-of-turn id to its Generation and the engine does not,
so references are compared with end-of-turn ids stripped.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import pytest

from chatbot.batch_cache import COMPACT_MIN
from chatbot.engine import Engine, EngineClosed, Request

pytestmark = pytest.mark.slow

PENALTY = 1.1  # what the pipeline uses
MAX = 24
WAIT_S = 60  # a generous bound on any one wait, so a broken engine fails instead of hanging

PROMPTS = {
    "hi": [{"role": "user", "content": "hi"}],
    "pell": [{"role": "user", "content": "What is a Pell Grant?"}],
    "scholarship": [
        {"role": "system", "content": "You are a helpful assistant for US student aid questions."},
        {"role": "user", "content": "Explain what a college scholarship is in three sentences."},
    ],
    "fafsa": [
        {"role": "system", "content": "You answer questions about FAFSA deadlines."},
        {"role": "user", "content": "When should I file the FAFSA?"},
        {"role": "assistant", "content": "As early as possible after October 1."},
        {"role": "user", "content": "Why does filing early matter for state aid?"},
    ],
}


@dataclass
class Ref:
    prompt: list[int]
    ids: list[int]  # plain generate()'s new tokens, end-of-turn ids stripped
    text: str
    finish_reason: str


@pytest.fixture(scope="module")
def chat(embedded_model):
    return embedded_model


@pytest.fixture(scope="module")
def refs(chat) -> dict[str, Ref]:
    out = {}
    for name, messages in PROMPTS.items():
        prompt = chat.encode_chat(messages)
        gen = chat.stream_plain(prompt, max_new_tokens=MAX, repetition_penalty=PENALTY)
        text = collect(gen)
        out[name] = Ref(prompt, [t for t in gen._ids if t not in chat.engine.eos_ids], text, gen.finish_reason)
    # The prompts differ in length, so the engine's rows really are padded differently.
    assert len({len(r.prompt) for r in out.values()}) == len(out)
    return out


def collect(gen, timeout: float = WAIT_S) -> str:
    """All of a generation's text, failing (not hanging) if it does not finish in time."""
    assert gen._finished.wait(timeout), f"the generation did not finish within {timeout}s"
    return "".join(gen)


def wait_tokens(gen, count: int, timeout: float = WAIT_S) -> int:
    deadline = time.monotonic() + timeout
    while len(gen.token_times) < count:
        assert not gen.finished, f"finished after {gen.new_tokens} tokens, before {count} ({gen.finish_reason})"
        assert time.monotonic() < deadline, f"no {count} tokens within {timeout}s"
        time.sleep(0.002)
    return len(gen.token_times)


def submit(chat, prompt, max_new_tokens, *, engine=None, stop=(), ignore_eos=False, decode=None) -> Request:
    """Like ChatModel.stream_ids, greedy, but hands back the Request (its deadline can be changed)."""
    request = chat._request(prompt, max_new_tokens=max_new_tokens, temperature=0.0, stop=stop,
                            repetition_penalty=PENALTY, ignore_eos=ignore_eos)
    if decode is not None:
        request.generation._decode = decode
    (engine or chat.engine).submit(request)
    return request


@pytest.fixture
def shifts(chat, monkeypatch):
    """Every `_shift(by)` the shared engine's BatchCache makes during the test (+: pad, -: compact)."""
    kv = chat.engine.kv
    seen: list[int] = []
    original = kv._shift

    def spy(by):
        seen.append(by if kv.rows else 0)
        return original(by)

    monkeypatch.setattr(kv, "_shift", spy)
    return seen


def test_concurrent_greedy_outputs_equal_plain_generate_token_for_token(chat, refs):
    chat.engine.reset_stats()
    gens = {name: chat.stream_ids(ref.prompt, max_new_tokens=MAX, repetition_penalty=PENALTY)
            for name, ref in refs.items()}
    texts = {name: collect(gen) for name, gen in gens.items()}
    for name, gen in gens.items():
        assert gen._ids == refs[name].ids, name
        assert texts[name] == refs[name].text, name
        assert gen.finish_reason == refs[name].finish_reason, name
    assert refs["hi"].finish_reason == "end" and refs["pell"].finish_reason == "length"  # both paths covered
    stats = chat.engine.stats.as_dict()
    assert stats["max_batch"] == len(refs), stats  # all were decoded together at some point
    assert stats["prefill_tokens"] == sum(len(r.prompt) for r in refs.values())
    assert stats["mean_batch"] > 1.5, stats


def test_request_joining_mid_decode_matches_plain_generate(chat, refs, shifts):
    chat.engine.reset_stats()
    first = chat.stream_ids(refs["pell"].prompt, max_new_tokens=MAX, repetition_penalty=PENALTY)
    wait_tokens(first, 3)
    # Longer prompt than the running row: the running row is shifted right to make room.
    second = chat.stream_ids(refs["fafsa"].prompt, max_new_tokens=MAX, repetition_penalty=PENALTY)
    assert collect(first) == refs["pell"].text and first._ids == refs["pell"].ids
    assert collect(second) == refs["fafsa"].text and second._ids == refs["fafsa"].ids
    assert chat.engine.stats.as_dict()["max_batch"] == 2
    assert second.token_times[0] > first.token_times[2]  # it really joined mid-decode...
    assert second.token_times[0] < first.token_times[-1]  # ...and both decoded together
    assert any(by > 0 for by in shifts), shifts


def test_per_request_max_tokens_and_a_stop_string_end_only_their_request(chat, refs):
    fafsa = refs["fafsa"]
    stop = " " + fafsa.text.split()[5]
    at = fafsa.text.find(stop)
    assert at > 0
    limits = {"pell": 5, "scholarship": 12, "hi": MAX}
    requests = {name: submit(chat, refs[name].prompt, limit) for name, limit in limits.items()}
    stopped = submit(chat, fafsa.prompt, MAX, stop=[stop])

    assert collect(stopped.generation) == fafsa.text[:at]
    assert stopped.generation.finish_reason == "stop"
    assert stopped.generation._ids == fafsa.ids[: stopped.generation.new_tokens]
    assert stopped.generation.new_tokens < len(fafsa.ids)
    for name, request in requests.items():
        gen, want = request.generation, refs[name].ids[: limits[name]]
        collect(gen)
        assert gen._ids == want, name
        assert gen.new_tokens == len(want), name
        assert gen.finish_reason == ("end" if name == "hi" else "length"), name
        assert not gen.cancel.is_set(), name


def test_cancelling_one_request_ends_it_within_a_step_and_the_others_finish(chat, refs):
    names = ["pell", "scholarship", "fafsa"]
    requests = {name: submit(chat, refs[name].prompt, MAX) for name in names}
    by_event, by_close = requests["scholarship"].generation, requests["fafsa"].generation

    seen = wait_tokens(by_event, 3)
    by_event.cancel.set()
    collect(by_event)
    assert by_event.finish_reason == "cancelled"
    assert by_event.new_tokens - seen <= 2, (seen, by_event.new_tokens)
    assert by_event._ids == refs["scholarship"].ids[: by_event.new_tokens]

    seen = wait_tokens(by_close, 4)
    by_close.close()  # the consumer goes away: returns once the engine has let go
    assert by_close.finished and by_close.finish_reason == "cancelled"
    assert by_close.new_tokens - seen <= 2, (seen, by_close.new_tokens)
    assert by_close._ids == refs["fafsa"].ids[: by_close.new_tokens]

    survivor = requests["pell"].generation
    assert collect(survivor) == refs["pell"].text and survivor._ids == refs["pell"].ids
    assert survivor.finish_reason == "length"


def test_a_request_whose_decoding_fails_does_not_stall_the_others(chat, refs):
    decode = chat.tokenizer.decode

    def failing(ids):
        if len(ids) >= 3:
            raise RuntimeError("decoding exploded")
        return decode(ids, skip_special_tokens=True)

    good = [submit(chat, refs[name].prompt, MAX) for name in ("pell", "scholarship")]
    bad = submit(chat, refs["fafsa"].prompt, MAX, decode=failing).generation
    assert bad._finished.wait(WAIT_S)
    pieces = []
    with pytest.raises(RuntimeError, match="decoding exploded"):
        for piece in bad:
            pieces.append(piece)
    assert "".join(pieces) == decode(refs["fafsa"].ids[:2], skip_special_tokens=True)
    for name, request in zip(("pell", "scholarship"), good):
        assert collect(request.generation) == refs[name].text, name
        assert request.generation._ids == refs[name].ids, name
    # Checked once the others are done: the failed request left the batch at once, nothing fed after.
    assert bad.finish_reason == "error" and bad.new_tokens == 3 and len(bad.token_times) == 3
    # The engine keeps serving.
    fresh = chat.stream_ids(refs["hi"].prompt, max_new_tokens=6, repetition_penalty=PENALTY)
    collect(fresh)
    assert fresh._ids == refs["hi"].ids[:6] and fresh.finish_reason == "length"


def test_a_request_whose_prefill_fails_does_not_stall_the_others(chat, refs):
    running = chat.stream_ids(refs["pell"].prompt, max_new_tokens=MAX, repetition_penalty=PENALTY)
    wait_tokens(running, 2)
    vocab = chat.model.config.vocab_size
    bad = submit(chat, refs["hi"].prompt + [vocab + 7], MAX).generation  # no such token: embedding fails
    assert bad._finished.wait(WAIT_S)
    with pytest.raises(IndexError):
        list(bad)
    assert bad.finish_reason == "error" and bad.new_tokens == 0
    assert not running.finished or running.token_times[-1] > bad.ended_at  # it failed while the other ran
    assert collect(running) == refs["pell"].text and running._ids == refs["pell"].ids


def test_past_deadlines_end_with_timeout_and_others_are_unaffected(chat, refs):
    other = submit(chat, refs["pell"].prompt, MAX).generation
    late = submit(chat, refs["scholarship"].prompt, MAX)
    expired = chat._request(refs["hi"].prompt, max_new_tokens=MAX, temperature=0.0, repetition_penalty=PENALTY)
    expired.deadline = time.monotonic() - 1
    chat.engine.submit(expired)

    seen = wait_tokens(late.generation, 3)
    late.deadline = time.monotonic() - 1  # its time runs out mid-decode
    assert collect(late.generation) == chat.tokenizer.decode(late.generation._ids, skip_special_tokens=True)
    assert late.generation.finish_reason == "timeout"
    assert late.generation.new_tokens - seen <= 2, (seen, late.generation.new_tokens)
    assert late.generation._ids == refs["scholarship"].ids[: late.generation.new_tokens]

    assert collect(expired.generation) == ""
    assert expired.generation.finish_reason == "timeout" and expired.generation.new_tokens == 0

    assert collect(other) == refs["pell"].text and other._ids == refs["pell"].ids
    assert other.finish_reason == "length"


def test_ignore_eos_produces_exactly_max_new_tokens(chat, refs):
    hi = refs["hi"]
    assert hi.finish_reason == "end" and len(hi.ids) < MAX - 2  # without it the answer ends early
    wanted = len(hi.ids) + 3
    gen = chat.stream_ids(hi.prompt, max_new_tokens=wanted, repetition_penalty=PENALTY, ignore_eos=True)
    collect(gen)
    assert gen.new_tokens == wanted and len(gen._ids) == wanted
    assert gen.finish_reason == "length"
    assert gen._ids[: len(hi.ids)] == hi.ids
    assert gen._ids[len(hi.ids)] in chat.engine.eos_ids  # the end-of-turn token was fed on, not stopped at


def test_a_long_request_leaving_compacts_the_batch_and_the_short_one_stays_exact(chat, refs, shifts):
    passage = (
        "The Federal Pell Grant is awarded to undergraduate students who display exceptional financial "
        "need and have not earned a bachelor's degree. The amount depends on the Student Aid Index, the "
        "cost of attendance, enrollment status and plans to attend for a full academic year. "
    )
    long_prompt = chat.encode_chat([{"role": "system", "content": passage * 2},
                                    {"role": "user", "content": "Summarize."}])
    short = refs["hi"]
    assert len(long_prompt) - len(short.prompt) > COMPACT_MIN + 8
    # Four tokens: it is still decoding when "hi" joins (a prefill and a decode step share a loop).
    long_gen = submit(chat, long_prompt, 4).generation
    short_gen = chat.stream_ids(short.prompt, max_new_tokens=12, repetition_penalty=PENALTY)
    collect(long_gen)
    assert long_gen.new_tokens == 4
    collect(short_gen)
    assert short_gen._ids == short.ids[:12]
    assert any(by < 0 for by in shifts), shifts  # the common left padding was cut while "hi" ran


def test_more_requests_than_max_batch_wait_their_turn_and_all_finish(chat, refs):
    engine = Engine(chat.model, chat.engine.eos_ids, max_batch=2)
    try:
        names = ["pell", "scholarship", "fafsa", "hi", "pell"]
        requests = [submit(chat, refs[name].prompt, 8, engine=engine) for name in names]
        assert len(engine.waiting) >= 3  # at most two are admitted at a time
        for name, request in zip(names, requests):
            collect(request.generation)
            assert request.generation._ids == refs[name].ids[:8], name
            assert request.generation.finish_reason == "length", name
        assert engine.stats.max_rows == 2
        assert engine.stats.decode_rows <= 2 * engine.stats.decode_steps
        assert engine.stats.prefill_tokens == sum(len(refs[name].prompt) for name in names)
        assert not (engine.waiting or engine.prefilling or engine.running) and engine.kv.rows == 0
    finally:
        engine.close()
    with pytest.raises(EngineClosed):
        submit(chat, refs["hi"].prompt, 4, engine=engine)


def test_a_cancelled_request_still_in_the_queue_finishes_at_once(chat, refs):
    engine = Engine(chat.model, chat.engine.eos_ids, max_batch=1)
    try:
        running = submit(chat, refs["pell"].prompt, MAX, engine=engine).generation
        queued = submit(chat, refs["scholarship"].prompt, MAX, engine=engine).generation
        after = submit(chat, refs["fafsa"].prompt, 6, engine=engine).generation
        queued.cancel.set()
        assert queued._finished.wait(WAIT_S)
        assert not running.finished  # it did not wait for the running request to end
        assert collect(queued) == "" and queued.finish_reason == "cancelled" and queued.new_tokens == 0
        assert collect(running) == refs["pell"].text
        collect(after)
        assert after._ids == refs["fafsa"].ids[:6]  # the queue moved on past it
        # Never prefilled: only the other two prompts went through the model.
        assert engine.stats.prefill_tokens == len(refs["pell"].prompt) + len(refs["fafsa"].prompt)
    finally:
        engine.close()


def test_closing_the_engine_fails_the_unfinished_requests(chat, refs):
    engine = Engine(chat.model, chat.engine.eos_ids, max_batch=1)
    running = submit(chat, refs["pell"].prompt, MAX, engine=engine).generation
    queued = submit(chat, refs["scholarship"].prompt, MAX, engine=engine).generation
    wait_tokens(running, 2)
    engine.close()
    for gen in (running, queued):
        assert gen._finished.wait(5)
        with pytest.raises(EngineClosed):
            list(gen)
        assert gen.finish_reason == "error"
    assert running.new_tokens < MAX and queued.new_tokens == 0
    assert not engine._thread.is_alive()


def test_an_error_while_finishing_one_request_does_not_kill_the_engine(chat, refs):
    engine = Engine(chat.model, chat.engine.eos_ids, max_batch=2)
    decode, calls, final_call = chat.tokenizer.decode, [], threading.Event()

    def fails_on_the_final_decode(ids):
        calls.append(len(ids))
        if len(calls) > 3:  # feed_tokens decoded 3 times; this is finish(None)'s decode
            final_call.set()
            raise RuntimeError("final decode failed")
        return decode(ids, skip_special_tokens=True)

    try:
        bad = submit(chat, refs["pell"].prompt, 3, engine=engine, decode=fails_on_the_final_decode).generation
        assert final_call.wait(WAIT_S)
        fresh = submit(chat, refs["hi"].prompt, 2, engine=engine).generation
        assert fresh._finished.wait(3), (
            "the engine stopped serving after one request's finish() raised: the scheduler thread died "
            f"(alive={engine._thread.is_alive()}, still waiting={len(engine.waiting)})")
        assert fresh._ids == refs["hi"].ids[:2]
        assert bad._finished.wait(3), "the failing request's consumer was never told (it would block forever)"
        with pytest.raises(RuntimeError, match="final decode failed"):
            list(bad)
    finally:
        engine.close()
