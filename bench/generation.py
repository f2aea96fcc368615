"""Generation, training and quantization figures, in one run (a few minutes; not a test).

    python bench/generation.py [--threads 2] [--train-seconds 60]

1. Greedy decoding of 512 tokens with the KV cache vs recomputing the whole prefix (goal ≥ 5×).
2. Training throughput: a small character-level GPT (6 layers, 256 dims) trained for one minute
   on the course text.
3. Speculative decoding with that model as the target and a draft about ten times cheaper per
   token (1 layer, 64 dims) trained on the same text: acceptance rate and speed-up over the
   target's own cached decoding, greedy and sampled.
4. Int8 weight quantization of the trained model: size and the logit error it adds.
"""

import argparse
import time

import torch

from engine.capstone import lessons_text
from engine.config import TransformerConfig
from engine.generate import generate, greedy, speculative_generate
from engine.models import GPT
from engine.quantize import quantize_model
from engine.tokenizer import CharTokenizer
from engine.train import get_batch, next_token_loss, train


def timed(fn, repeat=1):
    """Best wall time of `repeat` calls, and the last result."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def kv_cache_speedup(n_tokens=512):
    torch.manual_seed(0)
    config = TransformerConfig(vocab_size=256, block_size=n_tokens + 1, n_layer=4, n_head=4, n_embd=256)
    model = GPT(config).eval()
    prompt = torch.zeros(1, 1, dtype=torch.long)
    cached, out_cached = timed(lambda: greedy(model, prompt, n_tokens), repeat=2)
    full, out_full = timed(lambda: greedy(model, prompt, n_tokens, use_cache=False))
    assert torch.equal(out_cached, out_full)
    print(f"1. KV cache, {n_tokens} tokens (4 layers, 256 dims): "
          f"{n_tokens / cached:,.0f} tok/s with, {n_tokens / full:,.0f} tok/s without: "
          f"{full / cached:.1f}x (goal >= 5x)")


def train_for(config, data, seconds, batch_size=16, seed=0):
    torch.manual_seed(seed)
    model = GPT(config)
    start = time.perf_counter()
    losses = train(model, data, 100_000, batch_size=batch_size, max_lr=3e-3, warmup_steps=20,
                   seed=seed, time_limit_s=seconds)
    elapsed = time.perf_counter() - start
    return model, losses, elapsed


@torch.no_grad()
def cached_step_seconds(model, context, n_tokens, repeat=20):
    """Best time of one decoding step: n_tokens more through the cache of context (1, T)."""
    cache = model.new_cache(1)
    model(context, cache=cache)

    def step():
        model(context[:, -n_tokens:], cache=cache)
        cache.crop(context.size(1))

    return timed(step, repeat)[0]


@torch.no_grad()
def held_out_loss(model, data, n_batches=10):
    generator = torch.Generator().manual_seed(0)
    batches = [get_batch(data, 16, model.config.block_size, generator) for _ in range(n_batches)]
    return sum(next_token_loss(model(x), y).item() for x, y in batches) / n_batches


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--train-seconds", type=float, default=60.0)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {args.threads} thread(s)")

    kv_cache_speedup()

    text = lessons_text()
    tokenizer = CharTokenizer(text)
    data = torch.tensor(tokenizer.encode(text), dtype=torch.long)
    split = int(0.9 * len(data))
    train_data, held_out = data[:split], data[split:]
    V = tokenizer.vocab_size
    # Speculation pays when a target pass costs much more than a draft step and the draft agrees
    # with the target: the target must be the better model, so it is as big as trains well in the
    # time given on two cores (a 6-layer, 256-dim one ends the minute worse than the draft).
    target_config = TransformerConfig(vocab_size=V, block_size=64, n_layer=4, n_head=4, n_embd=192)
    draft_config = TransformerConfig(vocab_size=V, block_size=64, n_layer=1, n_head=2, n_embd=64)

    target, losses, seconds = train_for(target_config, train_data, args.train_seconds)
    tokens = len(losses) * 16 * target_config.block_size
    n_params = sum(p.numel() for p in target.parameters())
    print(f"2. Training {n_params / 1e6:.2f}M-parameter GPT ({target_config.n_layer} layers, "
          f"{target_config.n_embd} dims, 64 context) on "
          f"{len(text):,} characters for {seconds:.0f} s: {len(losses)} steps, "
          f"{tokens / seconds:,.0f} tokens/s; loss {losses[0]:.2f} -> {losses[-1]:.2f}, "
          f"held-out {held_out_loss(target.eval(), held_out):.2f} (uniform guess {torch.tensor(V).log():.2f})")

    draft, draft_losses, draft_seconds = train_for(draft_config, train_data, args.train_seconds / 3)
    print(f"   draft (1 layer, 64 dims) for {draft_seconds:.0f} s, {len(draft_losses)} steps: held-out loss "
          f"{held_out_loss(draft.eval(), held_out):.2f}")
    n_new, k = 40, 3
    context = held_out[:32][None]
    print(f"   one cached step after 32 tokens: target {cached_step_seconds(target, context, 1) * 1e3:.2f} ms "
          f"for 1 token, {cached_step_seconds(target, context, k + 1) * 1e3:.2f} ms for {k + 1}; "
          f"draft {cached_step_seconds(draft, context, 1) * 1e3:.2f} ms for 1")

    prompts = [held_out[i : i + 16][None] for i in range(0, 8000, 1000)]  # 8 prompts of 16 characters
    for temperature in (0, 0.8):
        plain_s = spec_s = 0.0
        accepted = drafted = 0
        for i, prompt in enumerate(prompts):
            seed = lambda: torch.Generator().manual_seed(i)  # noqa: E731
            # best of 3 (each run reseeded, so the same tokens): the machine's other load only adds
            s, plain = timed(lambda: generate(target, prompt, n_new, temperature=temperature, generator=seed()),
                             repeat=3)
            plain_s += s
            s, (spec, stats) = timed(lambda: speculative_generate(target, draft, prompt, n_new, k=k,
                                                                  temperature=temperature, generator=seed()),
                                     repeat=3)
            spec_s += s
            accepted, drafted = accepted + stats["accepted"], drafted + stats["drafted"]
            if temperature == 0:
                assert torch.equal(spec, plain), "speculative greedy must equal the target's greedy"
        print(f"3. Speculative decoding, k={k}, temperature {temperature}: acceptance "
              f"{accepted / drafted:.0%}, {len(prompts) * n_new / spec_s:,.0f} tok/s vs "
              f"{len(prompts) * n_new / plain_s:,.0f} tok/s cached target alone: {plain_s / spec_s:.2f}x")
    print(f"   sample: {tokenizer.decode(spec[0].tolist())!r}")

    batch = held_out[:16 * 64].view(16, 64)
    quantized, report = quantize_model(target, batch)
    with torch.no_grad():
        logit_std = target(batch).std().item()
    print(f"4. Int8: {report['fp32_bytes'] / 1e6:.2f} MB fp32 -> {report['int8_bytes'] / 1e6:.2f} MB "
          f"({report['size_ratio']:.2f}x smaller; embeddings stay fp32); logit error max "
          f"{report['max_logit_error']:.4f}, mean {report['mean_logit_error']:.5f} "
          f"(logit std {logit_std:.2f}); held-out loss "
          f"{held_out_loss(target, held_out):.4f} fp32 vs {held_out_loss(quantized, held_out):.4f} int8")


if __name__ == "__main__":
    main()
