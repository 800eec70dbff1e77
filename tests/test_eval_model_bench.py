"""`python -m eval modelbench`'s llama.cpp comparison row (runs where llama-cpp-python is installed)."""
from __future__ import annotations

import pytest


@pytest.mark.slow
def test_the_llama_cpp_row_measures_the_shipped_gguf():
    pytest.importorskip("llama_cpp", reason="optional, bench only: " + __import__("eval.model_bench").model_bench.LLAMA_CPP_HINT)
    from eval.model_bench import bench_llama_cpp

    row = bench_llama_cpp(tokens=8, runs=1)
    assert row["quantization"].startswith("llama.cpp") and row["tokens_per_s"] > 0 and row["ttft_s"] > 0


def test_without_llama_cpp_the_row_is_left_out(monkeypatch):
    import builtins

    from eval.model_bench import bench_llama_cpp

    real_import = builtins.__import__

    def no_llama(name, *args, **kwargs):
        if name == "llama_cpp":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_llama)
    assert bench_llama_cpp(tokens=8, runs=1) is None
