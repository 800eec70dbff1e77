"""The engine benchmark: its pure statistics, and the whole `python -m eval bench` run through
scripts/gpu_bench.sh on a tiny random Llama on the CPU (the rehearsal of the GPU run)."""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from eval.bench_stats import (
    bandwidth_share,
    device_bandwidth,
    methods_table,
    percentile,
    summarize,
    users_table,
)

ROOT = Path(__file__).resolve().parent.parent


def test_percentiles_interpolate_between_ranks():
    values = [4.0, 1.0, 3.0, 2.0]
    assert percentile(values, 0) == 1.0 and percentile(values, 100) == 4.0
    assert percentile(values, 50) == 2.5
    assert percentile(list(range(101)), 99) == 99
    assert percentile([], 50) is None


def test_summary_of_two_requests():
    records = [
        {"submitted": 0.0, "token_times": [1.0, 1.1, 1.2, 1.3], "ended": 1.3},
        {"submitted": 0.5, "token_times": [3.5, 3.7], "ended": 3.7},
    ]
    s = summarize(records, wall_s=3.7)
    assert s["requests"] == 2 and s["tokens"] == 6
    assert s["ttft_p50_s"] == 2.0  # first tokens after 1.0 s and 3.0 s
    assert s["itl_p50_ms"] == 100.0 and s["itl_p99_ms"] == pytest.approx(197, abs=0.5)  # 0.1 + 0.97 * 0.1 s
    assert s["per_user_tokens_per_s"] == 7.5  # median of 3 gaps / 0.3 s = 10 and 1 / 0.2 s = 5
    assert s["aggregate_tokens_per_s"] == round(6 / 3.7, 1) and s["requests_per_s"] == round(2 / 3.7, 3)


def test_bandwidth_share_counts_weight_reads_per_decode_step():
    # 4.5 GB of weights read 200 times in 2 s = 450 GB/s, about 13% of an H100's 3.35 TB/s.
    share = bandwidth_share(int(4.5e9), decode_steps=200, wall_s=2.0, bandwidth=device_bandwidth("NVIDIA H100 80GB HBM3", None))
    assert share == pytest.approx(450e9 / 3.35e12)
    assert device_bandwidth("NVIDIA H200", None) == 4.8e12
    assert device_bandwidth("CPU (2 cores)", None) is None and device_bandwidth("CPU", 20) == 20e9
    assert bandwidth_share(10, 1, 1.0, None) is None


def test_tables_give_each_row_its_ratio_to_the_baseline():
    row = {"requests": 4, "ttft_p50_s": 0.5, "ttft_p99_s": 1.0, "itl_p50_ms": 20.0, "itl_p99_ms": 80.0,
           "per_user_tokens_per_s": 30.0, "aggregate_tokens_per_s": 100.0, "requests_per_s": 0.5}
    baseline = {**row, "aggregate_tokens_per_s": 25.0}
    table = users_table([{**row, "users": 4, "engine": {"mean_batch": 3.5}, "bandwidth_share": 0.25}], baseline)
    lines = table.splitlines()
    assert lines[2].startswith("| baseline: sequential generate() |") and "| – |" in lines[2]
    assert lines[3].startswith("| 4 | 4 | 0.50 / 1.00 | 20 / 80 | 30.0 | 100.0 | 0.500 | 4.00x | 3.5 | 25.0% |")
    methods = methods_table([
        {"method": "sequential", "requests": 2, "tokens": 10, "wall_s": 2.0, "aggregate_tokens_per_s": 5.0},
        {"method": "engine", "requests": 2, "tokens": 10, "wall_s": 0.5, "aggregate_tokens_per_s": 20.0},
        {"method": "broken", "requests": 2, "tokens": 0, "wall_s": None, "aggregate_tokens_per_s": None},
    ]).splitlines()
    assert methods[2].endswith("| 1.00x |") and methods[3].endswith("| 4.00x |") and methods[4].endswith("| – | – |")


@pytest.mark.slow
def test_gpu_bench_script_rehearsed_on_cpu_with_a_tiny_random_llama(tmp_path):
    # What scripts/gpu_prepare.sh carries to the GPU machine (less the wheels): tokenizer and prompts.
    prompts, tokenizer = tmp_path / "prompts.jsonl", tmp_path / "tokenizer"
    for args in (["-m", "eval", "bench", "--write-prompts", str(prompts)],
                 ["scripts/random_llama.py", "--save-tokenizer", "--out", str(tokenizer)]):
        done = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
    assert len(prompts.read_text().splitlines()) >= 100 and (tokenizer / "tokenizer.json").is_file()
    out = tmp_path / "out"
    env = {
        **os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "SIZE": "tiny", "DEVICE": "cpu", "USERS": "1,2", "NEW_TOKENS": "3-6", "COMPARE_AT": "2",
        "COMPARE_TOKENS": "3", "BASELINE": "1", "OUT": str(out), "MODEL_DIR": str(tmp_path / "model"),
        "PROMPTS_FILE": str(prompts), "TOKENIZER_DIR": str(tokenizer),
    }
    result = subprocess.run(["bash", "scripts/gpu_bench.sh"], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads((out / "bench.json").read_text())
    # The bench's own draw of lengths (seed 0): every request produced exactly what it asked for.
    rng = random.Random(0)
    lengths = [rng.randint(3, 6) for _ in range(2)]
    assert report["baseline"]["tokens"] == lengths[0]
    assert [(r["users"], r["requests"], r["tokens"]) for r in report["users"]] == [
        (1, 1, lengths[0]), (2, 2, sum(lengths))]
    assert report["users"][1]["engine"]["max_batch"] >= 1 and report["users"][1]["ttft_p99_s"] > 0
    assert 600 <= report["prompt_tokens"]["min"] <= report["prompt_tokens"]["max"] <= 900
    methods = {m["method"].split(" (")[0].split(":")[0]: m for m in report["methods"]}
    assert set(methods) == {"sequential generate()", "static batch", "transformers generate_batch", "this engine"}
    for name in ("sequential generate()", "static batch", "this engine"):
        assert methods[name]["tokens"] == 2 * 3 and methods[name]["aggregate_tokens_per_s"] > 0
    markdown = (out / "bench.md").read_text()
    assert "| baseline: sequential generate() |" in markdown and "| 2 | 2 |" in markdown
    assert (out / "bench.png").read_bytes()[:4] == b"\x89PNG"
