"""Warm verdict latency of the attention challenge, and the worker's cold start.

Measures what the learner waits for: `WorkerClient.check` round trips (JSON both ways, fork,
four trials, reference, trace, compare) on a warm worker. Goals: p50 < 150 ms, p95 < 400 ms.

    python bench/verdict_latency.py [--runs 50]
"""

from __future__ import annotations

import argparse
import statistics
import time

from tutor.loader import load_curriculum
from tutor.worker_client import WorkerClient

CHALLENGE = "attention/scaled-dot-product"
GOAL_P50_MS, GOAL_P95_MS = 150, 400


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(client: WorkerClient, spec: dict, code: str, runs: int) -> tuple[list[float], dict]:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        verdict = client.check(spec, code)
        timings.append((time.perf_counter() - started) * 1000)
    return timings, verdict


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    challenge = load_curriculum().challenges[CHALLENGE]
    solution = (challenge.dir / "solution.py").read_text(encoding="utf-8")
    # a classic mistake: the failing path also runs every mutant and the divergence search
    mistaken = solution.replace(" / math.sqrt(d_k)", "")

    started = time.perf_counter()
    with WorkerClient() as client:
        client.wait_ready()
        cold_s = time.perf_counter() - started
        client.check(challenge.spec, solution)  # the first cell after warm-up
        passing, verdict = measure(client, challenge.spec, solution, args.runs)
        assert verdict["status"] == "pass", verdict["summary"]
        failing, verdict = measure(client, challenge.spec, mistaken, args.runs)
        assert verdict["mistake"] == "missing-scale", verdict["summary"]

    print(f"cold start (spawn to ready): {cold_s:.2f} s")
    for name, timings in (("pass", passing), ("fail, mistake named", failing)):
        p50, p95 = percentile(timings, 0.5), percentile(timings, 0.95)
        print(f"warm verdict, {name} ({len(timings)} runs): p50 {p50:.0f} ms "
              f"({p50 / GOAL_P50_MS:.2f} of the {GOAL_P50_MS} ms goal), p95 {p95:.0f} ms "
              f"({p95 / GOAL_P95_MS:.2f} of the {GOAL_P95_MS} ms goal), mean {statistics.mean(timings):.0f} ms")


if __name__ == "__main__":
    main()
