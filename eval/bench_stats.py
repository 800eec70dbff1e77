"""Pure numbers for `python -m eval bench`: latency percentiles, throughput, the markdown tables, the plot.

A request record is a dict: {"submitted": t0, "token_times": [t1, t2, ...], "ended": t_end}
(perf_counter seconds). Time to first token = token_times[0] - submitted; inter-token latency =
the gaps between consecutive tokens of one request, pooled over all requests.
"""
from __future__ import annotations

import math
from pathlib import Path

# Memory bandwidth of common cards (bytes/s), for the bandwidth share; override with --bandwidth-gbs.
GPU_BANDWIDTH = {"H200": 4.8e12, "H100": 3.35e12, "A100": 2.0e12, "L40S": 0.864e12, "A10": 0.6e12}


def percentile(values: list[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100), None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarize(records: list[dict], wall_s: float) -> dict:
    """Latency and throughput of one run: `records` finished within `wall_s` seconds."""
    ttfts = [r["token_times"][0] - r["submitted"] for r in records if r["token_times"]]
    gaps = [b - a for r in records for a, b in zip(r["token_times"], r["token_times"][1:])]
    per_user = [
        (len(r["token_times"]) - 1) / (r["token_times"][-1] - r["token_times"][0])
        for r in records if len(r["token_times"]) > 1 and r["token_times"][-1] > r["token_times"][0]
    ]
    tokens = sum(len(r["token_times"]) for r in records)
    return {
        "requests": len(records),
        "tokens": tokens,
        "wall_s": round(wall_s, 3),
        "ttft_p50_s": _round(percentile(ttfts, 50), 3),
        "ttft_p99_s": _round(percentile(ttfts, 99), 3),
        "itl_p50_ms": _round(_ms(percentile(gaps, 50)), 1),
        "itl_p99_ms": _round(_ms(percentile(gaps, 99)), 1),
        "per_user_tokens_per_s": _round(percentile(per_user, 50), 1),
        "aggregate_tokens_per_s": round(tokens / wall_s, 1) if wall_s > 0 else None,
        "requests_per_s": round(len(records) / wall_s, 3) if wall_s > 0 else None,
    }


def bandwidth_share(weight_bytes: int, decode_steps: int, wall_s: float, bandwidth: float | None) -> float | None:
    """Weight bytes read per decode step x steps/s, as a share of the memory bandwidth.

    A lower bound on the real traffic: the key/value cache read each step is not counted."""
    if not bandwidth or wall_s <= 0:
        return None
    return weight_bytes * decode_steps / wall_s / bandwidth


def device_bandwidth(device_name: str, override_gbs: float | None) -> float | None:
    if override_gbs:
        return override_gbs * 1e9
    for name, value in GPU_BANDWIDTH.items():
        if name in device_name:
            return value
    return None


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1000


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _cell(value, fmt: str = "{}") -> str:
    return "–" if value is None else fmt.format(value)


def users_table(rows: list[dict], baseline: dict) -> str:
    """One row per N concurrent users, plus the sequential baseline first."""
    head = ("| users | requests | TTFT p50 / p99 s | inter-token p50 / p99 ms | per-user tok/s | "
            "aggregate tok/s | requests/s | vs baseline | mean batch | bandwidth share |")
    lines = [head, "|" + "---|" * 10]
    lines.append(_row("baseline: sequential generate()", baseline, None))
    for row in rows:
        lines.append(_row(str(row["users"]), row, baseline))
    return "\n".join(lines)


def _row(label: str, row: dict, baseline: dict | None) -> str:
    ratio = None
    if baseline and baseline.get("aggregate_tokens_per_s") and row.get("aggregate_tokens_per_s"):
        ratio = row["aggregate_tokens_per_s"] / baseline["aggregate_tokens_per_s"]
    engine = row.get("engine") or {}
    share = row.get("bandwidth_share")
    return (
        f"| {label} | {row['requests']} | {_cell(row['ttft_p50_s'], '{:.2f}')} / {_cell(row['ttft_p99_s'], '{:.2f}')} "
        f"| {_cell(row['itl_p50_ms'], '{:.0f}')} / {_cell(row['itl_p99_ms'], '{:.0f}')} "
        f"| {_cell(row['per_user_tokens_per_s'], '{:.1f}')} | {_cell(row['aggregate_tokens_per_s'], '{:.1f}')} "
        f"| {_cell(row['requests_per_s'], '{:.3f}')} | {_cell(ratio, '{:.2f}x')} "
        f"| {_cell(engine.get('mean_batch'))} | {_cell(None if share is None else 100 * share, '{:.1f}%')} |"
    )


def methods_table(rows: list[dict]) -> str:
    """Same N prompts and fixed new tokens through each way of batching; ratio to the first row."""
    lines = ["| method | requests | new tokens | seconds | aggregate tok/s | vs sequential |", "|---|---|---|---|---|---|"]
    first = rows[0]["aggregate_tokens_per_s"] if rows else None
    for row in rows:
        rate = row.get("aggregate_tokens_per_s")
        ratio = rate / first if rate and first else None
        lines.append(
            f"| {row['method']} | {row['requests']} | {row['tokens']} | {_cell(row.get('wall_s'), '{:.1f}')} "
            f"| {_cell(rate, '{:.1f}')} | {_cell(ratio, '{:.2f}x')} |"
        )
    return "\n".join(lines)


def plot(rows: list[dict], baseline: dict, path: Path) -> None:
    """Aggregate tokens/s and TTFT (p50, p99) against the number of users."""
    import matplotlib

    matplotlib.use("Agg")  # headless
    import matplotlib.pyplot as plt

    users = [r["users"] for r in rows]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    left.plot(users, [r["aggregate_tokens_per_s"] for r in rows], "o-", label="engine")
    left.axhline(baseline["aggregate_tokens_per_s"], color="grey", linestyle="--", label="sequential generate()")
    left.set(xscale="log", xlabel="concurrent users", ylabel="aggregate tokens/s", title="Throughput")
    left.set_xticks(users, [str(u) for u in users])
    left.legend()
    right.plot(users, [r["ttft_p50_s"] for r in rows], "o-", label="p50")
    right.plot(users, [r["ttft_p99_s"] for r in rows], "s--", label="p99")
    right.set(xscale="log", xlabel="concurrent users", ylabel="seconds", title="Time to first token")
    right.set_xticks(users, [str(u) for u in users])
    right.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
