"""The batching engine with the real embedded model: every row of a batch computes what its request
alone computes, and each request's limits, failures and cancellation stay its own.

Why not "batched output == plain generate() token for token": the float math of a batch is legitimately
not the math of one request (kernels are chosen by shape, and differ between CPUs), so a free-running
greedy comparison diverges at the first near-tie on some machines. Instead:

- Teacher forcing. A forward hook records the logits of every row at every step; the same request
  alone (its prompt plus the tokens the engine chose, one forward) must give the same logits within
  rounding. In float32 the two agree to ~1e-4 (measured: max 8e-5 over 4 prompts x 24 steps), while a
  wrong mask, position or row shifts them by 0.5 to 11 on average (measured by attending to the
  padding), so EXACT_TOL = 1e-2 cannot flake and cannot miss a broken cache. Those tests use the
  embedded weights in float32 (`exact`); the engine code is the same for every weight format.
- In NF4 (the GPU's format, and `auto`'s on CPUs with fast 4-bit kernels) bitsandbytes runs one row through a bfloat16 gemv kernel and several rows
  through dequantize + float32 matmul, so rows differ from alone by up to ~0.6 logits (mean ~0.07): that
  test checks finite logits at every row and step, and that each chosen token is within NF4_TOL of
  the best choice alone.
- Token equality only where it is decided: a reference token counts as decided when its greedy margin
  (best minus second best, penalty applied) is at least DECIDED_MARGIN, 100x the float32 rounding;
  tests compare tokens up to the first undecided one and check the rest by teacher forcing.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import pytest
import torch

from chatbot.model.batch_cache import COMPACT_MIN
from chatbot.model.engine import Engine, EngineClosed, Request
from eval.bench_baselines import plain_generate

pytestmark = pytest.mark.slow

PENALTY = 1.1  # what the pipeline uses
MAX = 24
WAIT_S = 60  # a generous bound on any one wait, so a broken engine fails instead of hanging
EXACT_TOL = 1e-2  # float32: batch vs alone logits (see the module docstring)
DECIDED_MARGIN = 1e-2
NF4_TOL = 2.0  # NF4: a chosen token's logit may trail the alone-best by this much (kernel choice)

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
PASSAGE = (
    "The Federal Pell Grant is awarded to undergraduate students who display exceptional financial "
    "need and have not earned a bachelor's degree. The amount depends on the Student Aid Index, the "
    "cost of attendance, enrollment status and plans to attend for a full academic year. "
)


@dataclass
class Ref:
    prompt: list[int]
    ids: list[int]  # plain generate()'s new tokens, end-of-turn ids stripped
    text: str
    finish_reason: str
    decided: int  # leading tokens (counting the end-of-turn choice) whose greedy margin is decided

    @property
    def fully_decided(self) -> bool:
        return self.decided >= len(self.ids) + (self.finish_reason == "end")


@pytest.fixture(scope="module")
def exact(fp32_model):
    """The embedded weights in float32: batch and alone agree to rounding (module docstring)."""
    return fp32_model


def alone_logits(chat, prompt: list[int], ids: list[int]) -> torch.Tensor:
    """Raw logits the request alone gives at each position of `ids` and one after them (teacher
    forcing: prompt + ids in one forward)."""
    with torch.inference_mode():
        return chat.model(input_ids=torch.tensor([prompt + ids])).logits[0, len(prompt) - 1 :].float()


def penalized(logits: torch.Tensor, prompt: list[int], ids: list[int]) -> torch.Tensor:
    """`logits` with the repetition penalty applied at each step, as the engine applies it."""
    scores = logits.clone()
    for step in range(scores.shape[0]):
        seen = torch.tensor(prompt + ids[:step])
        picked = scores[step].gather(0, seen)
        scores[step].scatter_(0, seen, torch.where(picked < 0, picked * PENALTY, picked / PENALTY))
    return scores


def chosen_tokens(chat, scores: torch.Tensor, ids: list[int], ended: bool) -> list[int]:
    """The tokens greedy decoding chose: `ids`, plus the end-of-turn token when it ended there."""
    return ids + ([max(chat.engine.eos_ids, key=lambda e: scores[len(ids), e])] if ended else [])


def assert_greedy_alone(chat, prompt: list[int], ids: list[int], tol: float = EXACT_TOL, ended: bool = False,
                        logits: torch.Tensor | None = None):
    """Each chosen token is the alone-best within `tol` (and so is the end-of-turn, if it ended)."""
    scores = penalized(alone_logits(chat, prompt, ids) if logits is None else logits, prompt, ids)
    for step, token in enumerate(chosen_tokens(chat, scores, ids, ended)):
        best = scores[step].max()
        assert scores[step, token] >= best - tol, f"step {step}: chose {token} ({scores[step, token]:.4f}), best {best:.4f}"


def decided_prefix(chat, prompt: list[int], ids: list[int], ended: bool) -> int:
    scores = penalized(alone_logits(chat, prompt, ids), prompt, ids)
    chosen = chosen_tokens(chat, scores, ids, ended)
    for step, token in enumerate(chosen):
        top = scores[step].topk(2).values
        if scores[step, token] < top[0] or top[0] - top[1] < DECIDED_MARGIN:
            return step
    return len(chosen)


@pytest.fixture(scope="module")
def refs(exact) -> dict[str, Ref]:
    out = {}
    for name, messages in PROMPTS.items():
        prompt = exact.encode_chat(messages)
        gen = plain_generate(exact, prompt, max_new_tokens=MAX, repetition_penalty=PENALTY)
        text = collect(gen)
        ids = [t for t in gen._ids if t not in exact.engine.eos_ids]
        ended = gen.finish_reason == "end"
        out[name] = Ref(prompt, ids, text, gen.finish_reason, decided_prefix(exact, prompt, ids, ended))
    # The prompts differ in length, so the engine's rows really are padded differently.
    assert len({len(r.prompt) for r in out.values()}) == len(out)
    return out


def assert_matches(chat, gen, ref: Ref, tokens: int | None = None):
    """`gen` produced what the request alone produces: decided tokens equal, all greedy within
    rounding, and (when the reference is fully decided and `tokens` is not cut) the same end."""
    want = ref.ids if tokens is None else ref.ids[:tokens]
    upto = min(ref.decided, len(want))
    assert gen._ids[:upto] == want[:upto], (gen._ids, want, upto)
    assert_greedy_alone(chat, ref.prompt, gen._ids, ended=gen.finish_reason == "end")
    assert gen.finished
    if ref.fully_decided:
        assert gen._ids == want
        if tokens is None:
            assert gen.finish_reason == ref.finish_reason


def collect(gen, timeout: float = WAIT_S) -> str:
    """All of a generation's text, failing (not hanging) if it does not finish in time."""
    assert gen._finished.wait(timeout), f"the generation did not finish within {timeout}s"
    return "".join(gen)


def text_of(chat, gen) -> str:
    return chat.tokenizer.decode(gen._ids, skip_special_tokens=True)


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


def spy_shifts(chat, monkeypatch) -> list[int]:
    """Every `_shift(by)` the engine's BatchCache makes from now on (+: pad, -: compact)."""
    kv = chat.engine.kv
    seen: list[int] = []
    original = kv._shift

    def spy(by):
        seen.append(by if kv.rows else 0)
        return original(by)

    monkeypatch.setattr(kv, "_shift", spy)
    return seen


@pytest.fixture
def shifts(exact, monkeypatch):
    return spy_shifts(exact, monkeypatch)


class LogitTap:
    """A forward hook on the model: the logits each request got at each step (prefill's last position,
    then one per decode step), and every non-finite row seen. It runs on the engine's thread and
    only records; the test asserts afterwards."""

    def __init__(self, chat):
        self.engine, self.by_request, self.non_finite = chat.engine, {}, []
        self.steps = 0
        self._handle = chat.model.register_forward_hook(self._hook, with_kwargs=True)

    def _hook(self, module, args, kwargs, output):
        logits = output.logits[:, -1, :].float()
        finite = torch.isfinite(logits).all(-1).tolist()
        if kwargs.get("attention_mask") is not None:  # a decode step: one row per running request
            requests = list(self.engine.running)
            self.steps += 1
        else:  # a prefill chunk of the first prefilling request; only its last chunk's logits count
            request = self.engine.prefilling[0]
            if request.prefilled + kwargs["input_ids"].shape[1] < len(request.prompt):
                return
            requests = [request]
        for row, request in enumerate(requests):
            if not finite[row]:
                self.non_finite.append((self.steps, row, len(requests)))
            self.by_request.setdefault(id(request.generation), []).append(logits[row].clone())

    def logits(self, gen) -> torch.Tensor:
        return torch.stack(self.by_request[id(gen)][: gen.new_tokens])

    def close(self):
        self._handle.remove()


def run_the_busy_scenario(chat, monkeypatch):
    """Joins (shorter and longer than the running rows), leaves at different steps, and a
    compaction when a long request leaves. Returns {name: (prompt, generation)}, the shifts and tap."""
    shifts = spy_shifts(chat, monkeypatch)
    prompts = {name: chat.encode_chat(messages) for name, messages in PROMPTS.items()}
    prompts["long"] = chat.encode_chat([{"role": "system", "content": PASSAGE * 2}, {"role": "user", "content": "Summarize."}])
    assert len(prompts["long"]) - len(prompts["hi"]) > COMPACT_MIN + 8
    tap = LogitTap(chat)
    try:
        gens = {"long": chat.stream_ids(prompts["long"], max_new_tokens=5, repetition_penalty=PENALTY, ignore_eos=True)}
        wait_tokens(gens["long"], 1)
        gens["hi"] = chat.stream_ids(prompts["hi"], max_new_tokens=MAX, repetition_penalty=PENALTY, ignore_eos=True)
        gens["pell"] = chat.stream_ids(prompts["pell"], max_new_tokens=8, repetition_penalty=PENALTY, ignore_eos=True)
        wait_tokens(gens["hi"], 8)  # the long one has left and the batch was compacted by now
        gens["fafsa"] = chat.stream_ids(prompts["fafsa"], max_new_tokens=MAX, repetition_penalty=PENALTY, ignore_eos=True)
        gens["scholarship"] = chat.stream_ids(prompts["scholarship"], max_new_tokens=12, repetition_penalty=PENALTY,
                                              ignore_eos=True)
        for gen in gens.values():
            collect(gen)
    finally:
        tap.close()
    return {name: (prompts[name], gen) for name, gen in gens.items()}, shifts, tap


def test_every_row_computes_what_its_request_alone_computes_across_joins_leaves_and_compaction(exact, monkeypatch):
    exact.engine.reset_stats()
    runs, shifts, tap = run_the_busy_scenario(exact, monkeypatch)
    assert tap.non_finite == []
    assert any(by > 0 for by in shifts) and any(by < 0 for by in shifts), shifts
    assert exact.engine.stats.max_rows >= 3
    for name, (prompt, gen) in runs.items():
        logits = alone_logits(exact, prompt, gen._ids)
        got, alone = tap.logits(gen), logits[:-1]
        assert got.shape == alone.shape, name
        worst = (got - alone).abs().max().item()
        assert worst <= EXACT_TOL, f"{name}: batch and alone logits differ by {worst:.4f}"
        assert_greedy_alone(exact, prompt, gen._ids, logits=logits)


def test_the_nf4_model_gives_finite_logits_in_every_row_at_every_step(nf4_model, monkeypatch):
    chat = nf4_model
    runs, shifts, tap = run_the_busy_scenario(chat, monkeypatch)
    assert tap.non_finite == [], f"non-finite logits at (step, row, rows): {tap.non_finite[:5]}"
    assert tap.steps >= MAX and any(by < 0 for by in shifts)
    for name, (prompt, gen) in runs.items():
        assert len(tap.logits(gen)) == gen.new_tokens, name
        assert_greedy_alone(chat, prompt, gen._ids, tol=NF4_TOL)


def test_a_wrong_mask_is_caught_by_the_teacher_forced_comparison(exact, monkeypatch):
    """The comparison above has teeth: attending to the padding (one plausible cache bug) moves the
    padded rows' logits far past EXACT_TOL."""
    real = exact.engine.kv.step_inputs

    def attends_to_padding(mask_dtype=None):
        positions, mask = real(mask_dtype)
        return positions, torch.ones_like(mask)

    monkeypatch.setattr(exact.engine.kv, "step_inputs", attends_to_padding)
    runs, _, tap = run_the_busy_scenario(exact, monkeypatch)
    worst = {name: (tap.logits(gen) - alone_logits(exact, prompt, gen._ids)[:-1]).abs().max().item()
             for name, (prompt, gen) in runs.items()}
    assert max(worst.values()) > 50 * EXACT_TOL, worst


def test_per_request_max_tokens_and_a_stop_string_end_only_their_request(exact, refs):
    fafsa = refs["fafsa"]
    # A stop word inside the decided part of the reference, so every machine reaches it.
    decided_text = exact.tokenizer.decode(fafsa.ids[: fafsa.decided], skip_special_tokens=True)
    words = decided_text.split()[:-1]  # the last one may be cut
    assert len(words) >= 4, decided_text
    stop = " " + words[3]
    at = fafsa.text.find(stop)
    assert at > 0
    limits = {"pell": 5, "scholarship": 12, "hi": MAX}
    requests = {name: submit(exact, refs[name].prompt, limit) for name, limit in limits.items()}
    stopped = submit(exact, fafsa.prompt, MAX, stop=[stop])

    assert collect(stopped.generation) == fafsa.text[:at]
    assert stopped.generation.finish_reason == "stop"
    assert stopped.generation._ids == fafsa.ids[: stopped.generation.new_tokens]
    assert stopped.generation.new_tokens < len(fafsa.ids)
    for name, request in requests.items():
        gen = request.generation
        collect(gen)
        assert_matches(exact, gen, refs[name], tokens=limits[name])
        if name != "hi":
            assert gen.new_tokens == limits[name] and gen.finish_reason == "length", name
        assert not gen.cancel.is_set(), name


def test_cancelling_one_request_ends_it_within_a_step_and_the_others_finish(exact, refs):
    names = ["pell", "scholarship", "fafsa"]
    requests = {name: submit(exact, refs[name].prompt, MAX) for name in names}
    by_event, by_close = requests["scholarship"].generation, requests["fafsa"].generation

    seen = wait_tokens(by_event, 3)
    by_event.cancel.set()
    collect(by_event)
    assert by_event.finish_reason == "cancelled"
    assert by_event.new_tokens - seen <= 2, (seen, by_event.new_tokens)
    assert_matches(exact, by_event, refs["scholarship"], tokens=by_event.new_tokens)

    seen = wait_tokens(by_close, 4)
    by_close.close()  # the consumer goes away: returns once the engine has let go
    assert by_close.finished and by_close.finish_reason == "cancelled"
    assert by_close.new_tokens - seen <= 2, (seen, by_close.new_tokens)
    assert_matches(exact, by_close, refs["fafsa"], tokens=by_close.new_tokens)

    survivor = requests["pell"].generation
    collect(survivor)
    assert_matches(exact, survivor, refs["pell"])


def test_a_request_whose_decoding_fails_does_not_stall_the_others(exact, refs):
    decode = exact.tokenizer.decode

    def failing(ids):
        if len(ids) >= 3:
            raise RuntimeError("decoding exploded")
        return decode(ids, skip_special_tokens=True)

    good = [submit(exact, refs[name].prompt, MAX) for name in ("pell", "scholarship")]
    bad = submit(exact, refs["fafsa"].prompt, MAX, decode=failing).generation
    assert bad._finished.wait(WAIT_S)
    pieces = []
    with pytest.raises(RuntimeError, match="decoding exploded"):
        for piece in bad:
            pieces.append(piece)
    assert "".join(pieces) == decode(bad._ids[:2], skip_special_tokens=True)
    for name, request in zip(("pell", "scholarship"), good):
        collect(request.generation)
        assert_matches(exact, request.generation, refs[name])
    # Checked once the others are done: the failed request left the batch at once, nothing fed after.
    assert bad.finish_reason == "error" and bad.new_tokens == 3 and len(bad.token_times) == 3
    # The engine keeps serving.
    fresh = exact.stream_ids(refs["hi"].prompt, max_new_tokens=6, repetition_penalty=PENALTY)
    collect(fresh)
    assert_matches(exact, fresh, refs["hi"], tokens=6)


def test_a_request_whose_prefill_fails_does_not_stall_the_others(exact, refs):
    running = exact.stream_ids(refs["pell"].prompt, max_new_tokens=MAX, repetition_penalty=PENALTY)
    wait_tokens(running, 2)
    vocab = exact.model.config.vocab_size
    bad = submit(exact, refs["hi"].prompt + [vocab + 7], MAX).generation  # no such token: embedding fails
    assert bad._finished.wait(WAIT_S)
    with pytest.raises(IndexError):
        list(bad)
    assert bad.finish_reason == "error" and bad.new_tokens == 0
    assert not running.finished or running.token_times[-1] > bad.ended_at  # it failed while the other ran
    collect(running)
    assert_matches(exact, running, refs["pell"])


def test_past_deadlines_end_with_timeout_and_others_are_unaffected(exact, refs):
    other = submit(exact, refs["pell"].prompt, MAX).generation
    late = submit(exact, refs["scholarship"].prompt, MAX)
    expired = exact._request(refs["hi"].prompt, max_new_tokens=MAX, temperature=0.0, repetition_penalty=PENALTY)
    expired.deadline = time.monotonic() - 1
    exact.engine.submit(expired)

    seen = wait_tokens(late.generation, 3)
    late.deadline = time.monotonic() - 1  # its time runs out mid-decode
    assert collect(late.generation) == exact.tokenizer.decode(late.generation._ids, skip_special_tokens=True)
    assert late.generation.finish_reason == "timeout"
    assert late.generation.new_tokens - seen <= 2, (seen, late.generation.new_tokens)
    assert_matches(exact, late.generation, refs["scholarship"], tokens=late.generation.new_tokens)

    assert collect(expired.generation) == ""
    assert expired.generation.finish_reason == "timeout" and expired.generation.new_tokens == 0

    collect(other)
    assert_matches(exact, other, refs["pell"])


def test_ignore_eos_produces_exactly_max_new_tokens(exact, refs):
    hi = refs["hi"]
    assert hi.finish_reason == "end" and len(hi.ids) < MAX - 2  # without it the answer ends early
    wanted = len(hi.ids) + 3
    gen = exact.stream_ids(hi.prompt, max_new_tokens=wanted, repetition_penalty=PENALTY, ignore_eos=True)
    collect(gen)
    assert gen.new_tokens == wanted and len(gen._ids) == wanted
    assert gen.finish_reason == "length"
    assert_greedy_alone(exact, hi.prompt, gen._ids)
    if hi.fully_decided:
        assert gen._ids[: len(hi.ids)] == hi.ids
        assert gen._ids[len(hi.ids)] in exact.engine.eos_ids  # the end-of-turn token was fed on, not stopped at


def test_a_long_request_leaving_compacts_the_batch_and_the_short_one_stays_exact(exact, refs, shifts):
    passage = (
        "The Federal Pell Grant is awarded to undergraduate students who display exceptional financial "
        "need and have not earned a bachelor's degree. The amount depends on the Student Aid Index, the "
        "cost of attendance, enrollment status and plans to attend for a full academic year. "
    )
    long_prompt = exact.encode_chat([{"role": "system", "content": passage * 2},
                                    {"role": "user", "content": "Summarize."}])
    short = refs["hi"]
    assert len(long_prompt) - len(short.prompt) > COMPACT_MIN + 8
    # Four tokens: it is still decoding when "hi" joins (a prefill and a decode step share a loop).
    long_gen = submit(exact, long_prompt, 4).generation
    short_gen = exact.stream_ids(short.prompt, max_new_tokens=12, repetition_penalty=PENALTY)
    collect(long_gen)
    assert long_gen.new_tokens == 4
    collect(short_gen)
    assert_matches(exact, short_gen, short, tokens=12)
    assert any(by < 0 for by in shifts), shifts  # the common left padding was cut while "hi" ran


def test_more_requests_than_max_batch_wait_their_turn_and_all_finish(exact, refs):
    engine = Engine(exact.model, exact.engine.eos_ids, max_batch=2)
    try:
        names = ["pell", "scholarship", "fafsa", "hi", "pell"]
        requests = [submit(exact, refs[name].prompt, 8, engine=engine) for name in names]
        assert len(engine.waiting) >= 3  # at most two are admitted at a time
        for name, request in zip(names, requests):
            collect(request.generation)
            assert_matches(exact, request.generation, refs[name], tokens=8)
            assert request.generation.finish_reason == "length", name
        assert engine.stats.max_rows == 2
        assert engine.stats.decode_rows <= 2 * engine.stats.decode_steps
        assert engine.stats.prefill_tokens == sum(len(refs[name].prompt) for name in names)
        assert not (engine.waiting or engine.prefilling or engine.running) and engine.kv.rows == 0
    finally:
        engine.close()
    with pytest.raises(EngineClosed):
        submit(exact, refs["hi"].prompt, 4, engine=engine)


def test_a_cancelled_request_still_in_the_queue_finishes_at_once(exact, refs):
    engine = Engine(exact.model, exact.engine.eos_ids, max_batch=1)
    try:
        running = submit(exact, refs["pell"].prompt, MAX, engine=engine).generation
        queued = submit(exact, refs["scholarship"].prompt, MAX, engine=engine).generation
        after = submit(exact, refs["fafsa"].prompt, 6, engine=engine).generation
        queued.cancel.set()
        assert queued._finished.wait(WAIT_S)
        assert not running.finished  # it did not wait for the running request to end
        assert collect(queued) == "" and queued.finish_reason == "cancelled" and queued.new_tokens == 0
        collect(running)
        assert_matches(exact, running, refs["pell"])
        collect(after)
        assert_matches(exact, after, refs["fafsa"], tokens=6)  # the queue moved on past it
        # Never prefilled: only the other two prompts went through the model.
        assert engine.stats.prefill_tokens == len(refs["pell"].prompt) + len(refs["fafsa"].prompt)
    finally:
        engine.close()


def test_closing_the_engine_fails_the_unfinished_requests(exact, refs):
    engine = Engine(exact.model, exact.engine.eos_ids, max_batch=1)
    running = submit(exact, refs["pell"].prompt, MAX, engine=engine).generation
    queued = submit(exact, refs["scholarship"].prompt, MAX, engine=engine).generation
    wait_tokens(running, 2)
    engine.close()
    for gen in (running, queued):
        assert gen._finished.wait(5)
        with pytest.raises(EngineClosed):
            list(gen)
        assert gen.finish_reason == "error"
    assert running.new_tokens < MAX and queued.new_tokens == 0
    assert not engine._thread.is_alive()


def test_an_error_while_finishing_one_request_does_not_kill_the_engine(exact, refs):
    engine = Engine(exact.model, exact.engine.eos_ids, max_batch=2)
    decode, calls, final_call = exact.tokenizer.decode, [], threading.Event()

    def fails_on_the_final_decode(ids):
        calls.append(len(ids))
        if len(calls) > 3:  # feed_tokens decoded 3 times; this is finish(None)'s decode
            final_call.set()
            raise RuntimeError("final decode failed")
        return decode(ids, skip_special_tokens=True)

    try:
        bad = submit(exact, refs["pell"].prompt, 3, engine=engine, decode=fails_on_the_final_decode).generation
        assert final_call.wait(WAIT_S)
        fresh = submit(exact, refs["hi"].prompt, 2, engine=engine).generation
        assert fresh._finished.wait(3), (
            "the engine stopped serving after one request's finish() raised: the scheduler thread died "
            f"(alive={engine._thread.is_alive()}, still waiting={len(engine.waiting)})")
        assert_matches(exact, fresh, refs["hi"], tokens=2)
        assert bad._finished.wait(3), "the failing request's consumer was never told (it would block forever)"
        with pytest.raises(RuntimeError, match="final decode failed"):
            list(bad)
    finally:
        engine.close()


def test_when_the_engine_thread_dies_the_next_request_is_still_answered(exact, refs):
    class ThreadKilled(BaseException):  # not an Exception: gets past every step's own guard
        pass

    engine = Engine(exact.model, exact.engine.eos_ids, max_batch=2)
    real, died = engine._drop_ended, threading.Event()

    def dies_once():
        if not died.is_set():
            died.set()
            raise ThreadKilled()
        return real()

    engine._drop_ended = dies_once
    try:
        lost = submit(exact, refs["pell"].prompt, MAX, engine=engine).generation
        assert died.wait(WAIT_S) and lost._finished.wait(WAIT_S), "the request in flight was never told"
        with pytest.raises(EngineClosed):
            list(lost)
        fresh = submit(exact, refs["hi"].prompt, 2, engine=engine).generation
        assert fresh._finished.wait(WAIT_S), "after its thread died the engine never served again"
        assert_matches(exact, fresh, refs["hi"], tokens=2)
    finally:
        engine.close()


def test_decode_threads_compute_the_same_and_give_the_thread_count_back(exact, refs):
    threads = torch.get_num_threads()
    engine = Engine(exact.model, exact.engine.eos_ids, max_batch=2, decode_threads=1)
    try:
        request = submit(exact, refs["pell"].prompt, 8, engine=engine)
        collect(request.generation)
        assert_matches(exact, request.generation, refs["pell"], tokens=8)
    finally:
        engine.close()
    assert torch.get_num_threads() == threads
