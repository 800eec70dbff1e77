"""`--quantization auto`'s decision without a model: CUDA -> nf4; on a CPU the measured winner,
recorded per model folder and CPU, reused, re-measured when the record is damaged. The real
measurement on the embedded model runs in `make test`'s prepare step (tests/test_model_local.py checks it)."""
import json

from chatbot.model.quant_choice import RECORD, TIMING, choose, winner


class Stopwatch:
    def __init__(self, seconds):
        self.seconds, self.calls = seconds, []

    def __call__(self, source, quantization):
        self.calls.append((source, quantization))
        return self.seconds[quantization]


def test_cuda_is_always_nf4_and_measures_nothing(tmp_path):
    watch = Stopwatch({"nf4": 9.0, "int8-dynamic": 2.0, "none": 1.0})
    assert choose("/m/llama", "cuda", tmp_path, measure=watch, key="cpu") == "nf4"
    assert watch.calls == [] and not (tmp_path / RECORD).exists()


def test_the_faster_one_wins_is_recorded_and_reused(tmp_path):
    slow_nf4 = Stopwatch({"nf4": 30.0, "int8-dynamic": 9.0, "none": 6.0})  # an AVX2 CPU: bnb's CPU kernels are slow
    assert choose("/m/smollm2", "cpu", tmp_path, measure=slow_nf4, key="EPYC", log=lambda *_: None) == "none"
    assert [q for _, q in slow_nf4.calls] == ["nf4", "int8-dynamic", "none"]
    record = json.loads((tmp_path / RECORD).read_text())
    assert record["smollm2 | EPYC"]["choice"] == "none"
    assert record["smollm2 | EPYC"]["answer_s"] == {"nf4": 30.0, "int8-dynamic": 9.0, "none": 6.0}

    again = Stopwatch({"nf4": 1.0, "int8-dynamic": 1.0, "none": 99.0})
    assert choose("/m/smollm2", "cpu", tmp_path, measure=again, key="EPYC") == "none"  # the record, not a new run
    assert again.calls == []

    fast_nf4 = Stopwatch({"nf4": 3.0, "int8-dynamic": 3.2, "none": 4.0})  # another CPU (or model) gets its own entry
    assert choose("/m/smollm2", "cpu", tmp_path, measure=fast_nf4, key="Xeon AVX512", log=lambda *_: None) == "nf4"
    assert set(json.loads((tmp_path / RECORD).read_text())) == {"smollm2 | EPYC", "smollm2 | Xeon AVX512"}


def test_a_damaged_record_is_measured_again(tmp_path):
    (tmp_path / RECORD).write_text("{not json")
    watch = Stopwatch({"nf4": 2.0, "int8-dynamic": 3.0, "none": 5.0})
    assert choose("/m/x", "cpu", tmp_path, measure=watch, key="k", log=lambda *_: None) == "nf4"
    (tmp_path / RECORD).write_text(json.dumps({"x | k": {"choice": "fp8"}}))  # not a CPU candidate
    assert choose("/m/x", "cpu", tmp_path, measure=watch, key="k", log=lambda *_: None) == "nf4"
    assert len(watch.calls) == 6  # three candidates, measured twice


def test_float32_must_win_clearly_a_near_tie_keeps_the_smaller_nf4():
    assert winner({"nf4": 3.7, "none": 3.5}) == "nf4"  # 5% faster: noise, and 4x the memory
    assert winner({"nf4": 10.0, "none": 8.0}) == "none"
    assert winner({"nf4": 3.0, "none": 4.0}) == "nf4"
    assert winner({"nf4": 10.0, "int8-dynamic": 3.0, "none": 8.0}) == "int8-dynamic"


def test_a_record_made_with_other_candidates_is_measured_again(tmp_path):
    (tmp_path / RECORD).write_text(json.dumps({"smollm2 | EPYC": {"choice": "nf4", "answer_s": {"nf4": 2.8, "none": 6.0}}}))
    watch = Stopwatch({"nf4": 2.8, "int8-dynamic": 0.9, "none": 6.0})
    assert choose("/m/smollm2", "cpu", tmp_path, measure=watch, key="EPYC", log=lambda *_: None) == "int8-dynamic"
    assert len(watch.calls) == 3


def test_a_record_timed_on_the_main_thread_is_measured_again(tmp_path):
    # Timing 1 ran on the main thread, where NF4 looked faster than it is in the engine's thread.
    old = {"choice": "nf4", "answer_s": {"nf4": 3.1, "int8-dynamic": 2.7, "none": 6.6}, "measured": "2026-12-03"}
    (tmp_path / RECORD).write_text(json.dumps({"smollm2 | EPYC": old}))
    watch = Stopwatch({"nf4": 8.2, "int8-dynamic": 3.9, "none": 8.1})
    assert choose("/m/smollm2", "cpu", tmp_path, measure=watch, key="EPYC", log=lambda *_: None) == "int8-dynamic"
    assert len(watch.calls) == 3
    assert json.loads((tmp_path / RECORD).read_text())["smollm2 | EPYC"]["timing"] == TIMING
