"""Public-use limits and the feedback seam: rate limit, stop switches, streaming turns, settings."""
import asyncio
import threading

import pytest

from chatbot.answers import Answer, Token
from chatbot.web.turns import StopSwitches, history_for_pipeline, stream_turn
from chatbot.config import ConfigError, load_settings
from chatbot.store.feedback import TurnRecord, new_turn_id
from tests.feedback_support import MemoryFeedbackSink
from chatbot.web.ratelimit import RateLimiter


def test_rate_limit_is_per_client_and_per_sliding_minute():
    now = [0.0]
    limiter = RateLimiter(2, clock=lambda: now[0])
    assert limiter.allow("a")
    now[0] = 30.0
    assert limiter.allow("a") and not limiter.allow("a")
    assert limiter.allow("b")  # another client is not affected
    now[0] = 59.9
    assert not limiter.allow("a")
    now[0] = 60.0  # the first request left the window, the second has not
    assert limiter.allow("a") and not limiter.allow("a")


def test_idle_clients_are_forgotten():
    now = [0.0]
    limiter = RateLimiter(5, clock=lambda: now[0])
    for i in range(999):
        limiter.allow(f"client-{i}")
    now[0] = 120.0
    limiter.allow("late")  # the 1000th call sweeps
    assert list(limiter._seen) == ["late"]


def test_feedback_sink_keeps_the_latest_per_turn_within_its_limit():
    sink = MemoryFeedbackSink(limit=2)
    ids = [new_turn_id() for _ in range(3)]
    assert len(set(ids)) == 3 and all(len(i) == 32 for i in ids)
    for turn_id in ids:
        sink.record_turn(TurnRecord(turn_id, "q", Answer("a"), "session", None, "en"))
    assert list(sink.turns) == ids[1:]
    sink.record_feedback(ids[2], "down")
    sink.record_feedback(ids[2], "down", "the date was wrong")
    assert sink.feedback[ids[2]].comment == "the date was wrong" and len(sink.feedback) == 1
    with pytest.raises(ValueError, match="rating must be one of"):
        sink.record_feedback(ids[2], "meh")


def test_stop_switches_reach_queued_turns_and_stay_bounded():
    stops = StopSwitches(limit=2)
    stops.stop("t1")  # pressed before the turn started running
    assert stops.event("t1").is_set()
    stops.event("t2"), stops.event("t3")
    assert not stops.event("t1").is_set()  # t1 was dropped (oldest), a fresh event now
    stops.release("t3")


class ScriptedPipeline:
    """Stands in for Pipeline.answer: yields tokens until cancelled, then a final Answer."""

    def __init__(self):
        self.saw_cancel = threading.Event()

    def answer(self, question, history, session=None, cancel=None):
        for i in range(200):
            if cancel.wait(0.01):
                self.saw_cancel.set()
                break
            yield Token(f"w{i} ")
        yield Answer("final", flags=["cancelled"] if cancel.is_set() else [])


def test_stream_turn_runs_off_the_event_loop_and_cancels_when_left_early():
    pipeline, cancel = ScriptedPipeline(), threading.Event()

    async def take_three():
        got = []
        async for event in stream_turn(lambda: pipeline.answer("q", [], session=None, cancel=cancel), cancel):
            got.append(event)
            if len(got) == 3:
                break
        return got

    got = asyncio.run(take_three())
    assert [e.text for e in got] == ["w0 ", "w1 ", "w2 "]
    assert cancel.is_set() and pipeline.saw_cancel.wait(2)


def test_stream_turn_hands_on_pipeline_errors():
    class Broken:
        def answer(self, *args, **kwargs):
            yield Token("a")
            raise RuntimeError("boom")

    async def run():
        return [e async for e in stream_turn(lambda: Broken().answer("q", []), threading.Event())]

    with pytest.raises(RuntimeError, match="boom"):
        asyncio.run(run())


def test_history_for_the_pipeline_is_plain_text():
    turns = [{"question": f"q{i}", "answer": f"a{i}"} for i in range(30)]
    history = history_for_pipeline(turns, keep=2)
    assert history == [{"role": "user", "content": "q28"}, {"role": "assistant", "content": "a28"},
                       {"role": "user", "content": "q29"}, {"role": "assistant", "content": "a29"}]


def test_public_use_settings_have_defaults_env_overrides_and_validation(tmp_path):
    s = load_settings(env={})
    assert (s.rate_limit_per_minute, s.queue_size, s.concurrency) == (20, 64, 16)
    assert s.schools_dir.parts[-2:] == ("knowledge", "schools")
    s = load_settings(env={"CHATBOT_RATE_LIMIT_PER_MINUTE": "5", "CHATBOT_SCHOOLS_DIR": str(tmp_path)})
    assert (s.rate_limit_per_minute, s.schools_dir) == (5, tmp_path)
    for name in ("rate_limit_per_minute", "queue_size", "concurrency"):
        with pytest.raises(ConfigError, match=f"{name} must be at least 1, got 0"):
            load_settings(flags={name: 0}, env={})
