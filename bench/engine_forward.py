"""Engine GPT forward time against transformers' GPT2LMHeadModel on the same config and weights.

Prints, from one run: both forward times, their ratio (goal: engine / transformers ≤ 1.0), the
machine's fp32 matmul throughput measured here, and the share of it the engine's forward reaches.

    python bench/engine_forward.py [--layers 12 --embd 768 --heads 12 --seq 256 --batch 1]
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch
from transformers import GPT2Config, GPT2LMHeadModel

from engine.interop import load_gpt2


def seconds(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def matmul_gflops(a: torch.Tensor, b: torch.Tensor) -> float:
    """fp32 GFLOP/s of one square matmul: the machine's practical ceiling."""
    return 2 * a.size(0) ** 3 / seconds(lambda: a @ b) / 1e9


def forward_flops(n_layer: int, C: int, d_ff: int, vocab: int, B: int, T: int) -> int:
    """Multiply-adds ×2 of the matmuls: projections, QKᵀ and weights·V (full T×T), MLP, LM head."""
    per_layer = 2 * T * C * 3 * C + 2 * 2 * T * T * C + 2 * T * C * C + 2 * 2 * T * C * d_ff
    return B * (n_layer * per_layer + 2 * T * C * vocab)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layers", type=int, default=12)
    parser.add_argument("--embd", type=int, default=768)
    parser.add_argument("--heads", type=int, default=12)
    parser.add_argument("--vocab", type=int, default=50257)
    parser.add_argument("--seq", type=int, default=256)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()

    torch.manual_seed(0)
    config = GPT2Config(vocab_size=args.vocab, n_positions=max(1024, args.seq), n_embd=args.embd,
                        n_layer=args.layers, n_head=args.heads, bos_token_id=0, eos_token_id=0)
    reference = GPT2LMHeadModel(config).eval()
    engine = load_gpt2(reference.state_dict(), n_head=args.heads).eval()
    idx = torch.randint(0, args.vocab, (args.batch, args.seq))

    a, b = torch.randn(1024, 1024), torch.randn(1024, 1024)
    with torch.inference_mode():
        torch.testing.assert_close(engine(idx), reference(idx).logits, atol=1e-4, rtol=1e-4)  # same model
        a @ b  # warm-up
        engine_times, reference_times, matmul_rates = [], [], []
        for _ in range(args.repeats):  # interleaved, so a busy moment hits all three
            engine_times.append(seconds(lambda: engine(idx)))
            reference_times.append(seconds(lambda: reference(idx)))
            matmul_rates.extend(matmul_gflops(a, b) for _ in range(3))
    t_engine, t_reference = statistics.median(engine_times), statistics.median(reference_times)
    peak = statistics.median(matmul_rates)
    achieved = forward_flops(args.layers, args.embd, 4 * args.embd, args.vocab, args.batch, args.seq) / t_engine / 1e9

    print(f"config: {args.layers} layers, {args.embd} dims, {args.heads} heads, vocab {args.vocab}, "
          f"B={args.batch}, T={args.seq}, fp32, {torch.get_num_threads()} threads")
    print(f"engine GPT forward          {t_engine * 1e3:8.1f} ms")
    print(f"transformers GPT-2 forward  {t_reference * 1e3:8.1f} ms")
    print(f"ratio engine / transformers {t_engine / t_reference:8.3f}   (goal ≤ 1.0)")
    print(f"fp32 matmul (1024²)         {peak:8.1f} GFLOP/s measured now")
    print(f"engine forward              {achieved:8.1f} GFLOP/s = {achieved / peak:.0%} of that")


if __name__ == "__main__":
    main()
