"""The interactive demos' numbers: `run(name, params) -> dict` of plain JSON values.

Each demo computes with the engine's own functions, so what the learner sees drawn is what the
code they read does. All are seeded; the quick ones answer in well under a second.
"""

import math
import re
import time
import zlib

import torch

from engine.attention import causal_mask, scaled_dot_product_attention
from engine.capstone import lessons_text
from engine.config import TransformerConfig
from engine.generate import filter_logits, generate, sampling_probs
from engine.models import GPT
from engine.positional import sinusoidal_encoding
from engine.tokenizer import ByteBPE, CharTokenizer, merge_pair, pair_counts
from engine.train import train

# --- attention-heatmap: four hand-built heads, each implementing one readable rule ------------

ANIMATE = {
    "cat", "cats", "dog", "dogs", "animal", "bird", "man", "woman", "child", "girl", "boy",
    "teacher", "student", "robot", "mouse", "fox", "friend", "mother", "father", "people",
}
PRONOUNS = {"it", "he", "she", "they", "him", "her", "them", "its", "his", "their"}
DETERMINERS = {"the", "a", "an", "this", "that", "my", "your", "our"}


def _words(sentence):
    return re.findall(r"\w+|[^\w\s]", sentence)[:32]


def _is_noun(words, i):
    # Animals and people by name; any other word right after a determiner ("the mat").
    return words[i].lower() in ANIMATE or (i > 0 and words[i - 1].lower() in DETERMINERS)


def _attention_heads(words):
    """Hand-made (name, description, q (T, d), k (T, d)) per head; scores are q·kᵀ/√d."""
    T = len(words)
    eye = torch.eye(T + 1)  # one-hot positions, one spare for "the position after"
    lower = [w.lower() for w in words]
    noun = torch.tensor([float(_is_noun(words, i)) for i in range(T)])  # (T,)
    animate = torch.tensor([float(w in ANIMATE) for w in lower])  # (T,)
    pronoun = torch.tensor([float(w in PRONOUNS) for w in lower])  # (T,)

    def sharp(x, d):  # scale unit features so that a match scores 6 after the 1/√d scaling
        return x * math.sqrt(6 * math.sqrt(d))

    # previous word: query i matches key j exactly when j + 1 = i
    prev_q, prev_k = sharp(eye[:T], T + 1), sharp(eye[1:], T + 1)
    # pronoun -> noun: pronouns ask for nouns (animate ones most); other words look at themselves
    feats_k = torch.cat([torch.stack([noun, 2 * animate], 1), eye[:T, :T]], 1)  # (T, 2 + T)
    feats_q = torch.cat([pronoun[:, None].expand(T, 2), (1 - pronoun)[:, None] * eye[:T, :T]], 1)
    coref_q, coref_k = sharp(feats_q, T + 2), sharp(feats_k, T + 2)
    # same word: a fixed random unit vector per word, so copies match; a one-hot position term
    # with opposite signs in q and k keeps a word from matching itself
    word_vecs = torch.stack([
        torch.randn(16, generator=torch.Generator().manual_seed(zlib.crc32(w.encode()))) for w in lower
    ])  # (T, 16)
    word_vecs = word_vecs / word_vecs.norm(dim=1, keepdim=True)
    same_q = sharp(torch.cat([word_vecs, -eye[:T, :T]], 1), 16 + T)  # (T, 16 + T)
    same_k = sharp(torch.cat([word_vecs, eye[:T, :T]], 1), 16 + T)
    # sink: every query matches the first token, whatever it is
    sink_q, sink_k = sharp(torch.ones(T, 1), 1), sharp(eye[:T, :1], 1)
    return [
        ("previous word", "each word looks at the word just before it", prev_q, prev_k),
        ("pronoun → noun", "pronouns look for the noun they stand for; other words keep to themselves",
         coref_q, coref_k),
        ("same word", "a word looks at its other copies", same_q, same_k),
        ("first token", "every word parks its attention on the first token (an attention sink)",
         sink_q, sink_k),
    ]


def attention_heatmap(sentence="The cat sat on the mat because it was tired", causal=True,
                      temperature=1.0, head=1):
    if temperature <= 0:
        raise ValueError(f"temperature must be positive, got {temperature}")
    words = _words(sentence)
    T = len(words)
    if T == 0 or not 0 <= head < 4:
        raise ValueError(f"need a sentence with words and a head in 0..3, got {sentence!r}, head {head}")
    mask = causal_mask(T) if causal else None
    heads = []
    for name, description, q, k in _attention_heads(words):
        # Temperature divides the scores: dividing q does exactly that.
        _, steps = scaled_dot_product_attention(q / temperature, k, k, mask, explain=True)
        heads.append({"name": name, "description": description, "weights": steps["weights"]})
    weights = heads[head]["weights"]  # (T, T)
    focus = [
        {"token": words[i], "attends_to": words[j], "weight": round(weights[i, j].item(), 4)}
        for i, j in enumerate(weights.argmax(dim=1).tolist())
    ]
    for h in heads:
        h["weights"] = _rounded(h["weights"])
    return {"tokens": words, "heads": heads, "head": head, "weights": heads[head]["weights"],
            "focus": focus, "causal": causal, "temperature": temperature}


# --- positional-waves ------------------------------------------------------------------------

def positional_waves(T=48, d_model=32, dims=(0, 1, 6, 7, 16, 17), base=10000.0, position=12):
    pe = sinusoidal_encoding(T, d_model, base)  # (T, d_model)
    dims, position = [d for d in dims if d < d_model], min(position, T - 1)
    waves = [
        {"dim": d, "fn": "sin" if d % 2 == 0 else "cos",
         "wavelength": 2 * math.pi * base ** ((d - d % 2) / d_model), "values": _rounded(pe[:, d])}
        for d in dims
    ]
    # The dot product of two encodings depends only on their distance: a band around `position`.
    similarity = pe @ pe[position] / (d_model / 2)  # (T,) 1 at the position itself
    return {"T": T, "d_model": d_model, "base": base, "matrix": _rounded(pe), "waves": waves,
            "position": position, "similarity": _rounded(similarity)}


# --- softmax-temperature and sampling --------------------------------------------------------

NEXT_WORDS = ["mat", "floor", "sofa", "bed", "roof", "chair", "table", "moon", "car", "piano"]
NEXT_LOGITS = [3.1, 2.2, 1.6, 1.5, 1.0, 0.9, 0.7, -0.5, -1.0, -1.8]


def softmax_temperature(logits=tuple(NEXT_LOGITS), labels=tuple(NEXT_WORDS),
                        temperatures=(0.25, 0.5, 1.0, 2.0, 5.0)):
    logits = torch.tensor(logits, dtype=torch.float64)
    rows = []
    for t in temperatures:
        p = sampling_probs(logits, temperature=t)  # temperature 0 is the one-hot limit
        entropy = -(p[p > 0] * p[p > 0].log2()).sum()
        rows.append({"temperature": t, "probs": _rounded(p), "entropy_bits": round(entropy.item(), 4)})
    return {"logits": logits.tolist(), "labels": list(labels), "temperatures": list(temperatures),
            "rows": rows, "max_entropy_bits": math.log2(len(logits))}


def sampling(logits=tuple(NEXT_LOGITS), labels=tuple(NEXT_WORDS), temperature=1.0, top_k=None,
             top_p=None, n_samples=200, seed=0, context="The cat sat on the"):
    logits = torch.tensor(logits, dtype=torch.float64)
    tempered = sampling_probs(logits, temperature)  # before top-k/top-p: what is cut away
    kept = filter_logits(logits, temperature, top_k, top_p) > float("-inf")
    probs = sampling_probs(logits, temperature, top_k, top_p)
    generator = torch.Generator().manual_seed(seed)
    draws = torch.multinomial(probs, n_samples, replacement=True, generator=generator)
    counts = torch.bincount(draws, minlength=len(logits))
    return {"context": context, "labels": list(labels), "logits": logits.tolist(),
            "tempered_probs": _rounded(tempered), "kept": kept.tolist(), "probs": _rounded(probs),
            "samples": counts.tolist(), "n_samples": n_samples, "temperature": temperature,
            "top_k": top_k, "top_p": top_p}


# --- bpe-merges --------------------------------------------------------------------------------

BPE_TEXT = (
    "the cat sat on the mat. the cat ate the rat. the rat ran to the hat. "
    "then the cat sat on the hat, and the rat sat on the cat."
)


def bpe_merges(text=BPE_TEXT, n_merges=12):
    bpe = ByteBPE().train(text, 256 + n_merges)
    ids = list(text.encode("utf-8"))
    merges = []
    for rank, (pair, new_id) in enumerate(bpe.merges.items()):
        merges.append({"rank": rank, "id": new_id, "left": bpe.token_text(pair[0]),
                       "right": bpe.token_text(pair[1]), "token": bpe.token_text(new_id),
                       "count": pair_counts(ids)[pair]})
        ids = merge_pair(ids, pair, new_id)
    return {"text": text, "merges": merges, "tokens": [bpe.token_text(i) for i in ids],
            "n_bytes": len(text.encode("utf-8")), "n_tokens": len(ids)}


# --- training-loss and kv-cache-speedup: a real (tiny) GPT ---------------------------------------

def training_loss(steps=150, text=None, seed=0, on_progress=None, progress_every=5):
    """Train gpt-nano on characters of the course's own text; stream the loss as it falls."""
    text = text or lessons_text()[:50_000]
    tokenizer = CharTokenizer(text)
    data = torch.tensor(tokenizer.encode(text), dtype=torch.long)
    torch.manual_seed(seed)
    model = GPT(TransformerConfig.nano(vocab_size=tokenizer.vocab_size, block_size=32))
    history = {"steps": [], "losses": [], "lrs": []}
    start = time.perf_counter()

    def record(step, loss, lr):
        for key, value in (("steps", step), ("losses", loss), ("lrs", lr)):
            history[key].append(value)
        if on_progress and (step % progress_every == 0 or step == steps):
            on_progress({"step": step, "loss": loss, "lr": lr, "elapsed_s": time.perf_counter() - start})

    losses = train(model, data, steps, batch_size=16, max_lr=1e-2, seed=seed, callback=record)
    prompt = torch.tensor([tokenizer.encode(text[0])], dtype=torch.long)
    sample = generate(model, prompt, 120, temperature=0.8, generator=torch.Generator().manual_seed(seed))
    return {**history, "random_loss": math.log(tokenizer.vocab_size), "final_loss": losses[-1],
            "seconds": time.perf_counter() - start, "sample": tokenizer.decode(sample[0].tolist())}


def kv_cache_speedup(lengths=(32, 64, 128), seed=0):
    """Greedy decoding speed with and without the KV cache at a few lengths.

    Without the cache step t recomputes all t positions, so the gap grows with the length; the
    model is wide enough (2 layers, 256 dims) for that compute, not Python, to dominate.
    """
    torch.manual_seed(seed)
    config = TransformerConfig.nano(block_size=max(lengths) + 1, n_layer=2, n_head=4, n_embd=256)
    model = GPT(config).eval()
    prompt = torch.zeros(1, 1, dtype=torch.long)
    generate(model, prompt, 4, temperature=0)  # warm-up: the first call pays one-off set-up costs
    rows = []
    for n in lengths:
        seconds = {}
        for use_cache in (True, False):
            start = time.perf_counter()
            generate(model, prompt, n, temperature=0, use_cache=use_cache)
            seconds[use_cache] = time.perf_counter() - start
        rows.append({"length": n, "with_cache_tokens_per_s": n / seconds[True],
                     "without_cache_tokens_per_s": n / seconds[False],
                     "speedup": seconds[False] / seconds[True]})
    return {"rows": rows, "lengths": list(lengths), "speedups": [r["speedup"] for r in rows]}


DEMOS = {
    "attention-heatmap": attention_heatmap,
    "positional-waves": positional_waves,
    "softmax-temperature": softmax_temperature,
    "sampling": sampling,
    "training-loss": training_loss,
    "kv-cache-speedup": kv_cache_speedup,
    "bpe-merges": bpe_merges,
}
STREAMING = {"training-loss"}  # these accept on_progress


def run(name, params=None, on_progress=None):
    """The numbers for demo `name` with `params` (keyword arguments of its function)."""
    if name not in DEMOS:
        raise ValueError(f"unknown demo {name!r}; choose one of {', '.join(DEMOS)}")
    params = dict(params or {})
    if name in STREAMING:
        params["on_progress"] = on_progress
    return DEMOS[name](**params)


def _rounded(t, digits=4):
    return torch.round(t.double(), decimals=digits).tolist()
