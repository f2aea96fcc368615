"""The capstone: the learner's own components inside a GPT that trains and then writes text.

Each component challenge's reference is one of the functions the model reaches through
`engine.components.Components`; the learner's passing code for that challenge replaces it.
The model is character-level and small enough to learn visible structure in a few minutes on
two CPU cores (measured: see `capstone_config`).
"""

import dataclasses
import importlib
import math
import sysconfig
import time
from pathlib import Path

import torch
import yaml

import lessons
from engine.components import Components
from engine.config import TransformerConfig
from engine.generate import generate
from engine.models import GPT
from engine.tokenizer import CharTokenizer
from engine.train import get_batch, next_token_loss, train

LESSONS_DIR = Path(lessons.__file__).parent

# The component challenges: challenge id -> (entry function, Components field). Used when a
# challenge's folder is not at hand; its challenge.yaml, when present, names the entries.
COMPONENT_CHALLENGES = {
    "attention/scaled-dot-product": [("scaled_dot_product_attention", "attention")],
    "softmax-scaling/stable-softmax": [("softmax", "softmax")],
    "multi-head/split-heads": [("split_heads", "split_heads"), ("merge_heads", "merge_heads")],
    "attention-block/layer-norm": [("layer_norm", "layer_norm")],
    "transformer-block/feed-forward": [("feed_forward", "feed_forward")],
    "stacking/causal-mask": [("causal_mask", "causal_mask")],
}

# Prose of a lesson file: what AIDE says, cards, questions and their explanations.
PROSE_KEYS = {"title", "summary", "aide", "body", "question", "text", "why", "explanation",
              "caption", "prompt"}


def component_entries(challenge_id):
    """[(entry function name, Components field)] for a challenge whose reference is a component."""
    spec_file = LESSONS_DIR / challenge_id / "challenge.yaml"
    if not spec_file.exists():
        return COMPONENT_CHALLENGES.get(challenge_id, [])
    defaults = {getattr(Components, f.name): f.name for f in dataclasses.fields(Components)}
    entries = []
    for function in yaml.safe_load(spec_file.read_text(encoding="utf-8")).get("functions", []):
        module_name, _, attr = function["reference"].partition(":")
        reference = getattr(importlib.import_module(module_name), attr)
        if reference in defaults:
            entries.append((function["entry"], defaults[reference]))
    return entries


def square_causal_mask(causal_mask):
    """The challenge asks for the square causal_mask(T); with a KV cache the model also asks for
    (T_q, T_k) masks, whose rows are the last T_q rows of the square (T_k, T_k) mask."""
    def offset_causal_mask(T_q, T_k=None):
        return causal_mask(T_q if T_k is None else T_k)[-T_q:]  # (T_q, T_k)
    return offset_causal_mask


# Learner functions whose challenge signature is narrower than what the model calls.
ADAPTERS = {"causal_mask": square_causal_mask}


def learner_components(codes):
    """(Components with the learner's functions, {field: challenge id or "engine"}).

    `codes` maps challenge ids to the learner's code. Each is run in a fresh namespace and its
    entry functions replace the engine's; fields nobody supplied keep the engine's own. Codes of
    challenges whose reference is not a component are ignored. The model reaches `softmax` only
    through the engine's attention: once the learner's attention is in, it normalises its own way
    and `softmax` is left out of the report (neither the learner's nor the engine's runs).
    """
    replaced, used = {}, {f.name: "engine" for f in dataclasses.fields(Components)}
    for challenge_id, code in (codes or {}).items():
        entries = component_entries(challenge_id)
        if not entries:
            continue
        namespace = {"__name__": f"capstone:{challenge_id}"}
        exec(compile(code, f"<{challenge_id}>", "exec"), namespace)
        for entry, field in entries:
            if entry not in namespace:
                raise ValueError(f"{challenge_id}: the code defines no function {entry}()")
            adapt = ADAPTERS.get(field)
            replaced[field] = adapt(namespace[entry]) if adapt else namespace[entry]
            used[field] = challenge_id
    if "attention" in replaced:
        del used["softmax"]
    return Components(**replaced), used


def _prose(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in PROSE_KEYS and isinstance(value, str):
                yield value.strip()
            else:
                yield from _prose(value)
    elif isinstance(node, list):
        for item in node:
            yield from _prose(item)


def lessons_text():
    """Every lesson's prose, in lesson-folder order: the course itself as a corpus."""
    texts = []
    for path in sorted(LESSONS_DIR.glob("*/lesson.yaml")):
        texts.extend(_prose(yaml.safe_load(path.read_text(encoding="utf-8"))))
    return "\n\n".join(texts)


def python_source_text(max_chars=1_000_000):
    """The Python standard library's own source files: a corpus for a small code model."""
    texts, total = [], 0
    for path in sorted(Path(sysconfig.get_paths()["stdlib"]).glob("*.py")):
        text = path.read_text(encoding="utf-8", errors="ignore")
        texts.append(text)
        total += len(text)
        if total >= max_chars:
            break
    return "".join(texts)[:max_chars]


def load_corpus(corpus="lessons"):
    """"lessons", "python", a path to a text file, or the text itself."""
    if corpus == "lessons":
        return lessons_text()
    if corpus == "python":
        return python_source_text()
    try:
        path = Path(corpus).expanduser()
        is_file = path.is_file()
    except (OSError, ValueError):  # text too long or odd to be a path
        is_file = False
    return path.read_text(encoding="utf-8", errors="replace") if is_file else corpus


def capstone_config(vocab_size):
    """Sized for a few minutes on two CPU cores: ~0.36M parameters, 64 characters of context.

    Measured on the course text, two idle cores: 1000 steps in 53 s reach a training loss of 1.5
    and 1.7 on held-out text (a uniform guess: 5.0), and the samples are mostly real words.
    """
    return TransformerConfig(vocab_size=vocab_size, block_size=64, n_layer=3, n_head=4, n_embd=96)


@torch.no_grad()
def mean_loss(model, data, batch_size=32, n_batches=8, seed=0):
    """Average next-token loss on random windows of a held-out token stream."""
    generator = torch.Generator().manual_seed(seed)
    block_size = model.config.block_size
    losses = [next_token_loss(model(x), y).item()
              for x, y in (get_batch(data, batch_size, block_size, generator) for _ in range(n_batches))]
    return sum(losses) / len(losses)


def run_capstone(components=None, corpus="lessons", steps=1500, seed=0, on_progress=None, prompt="",
                 max_new_tokens=300, temperature=0.8, progress_every=10, sample_every=250,
                 batch_size=32, max_lr=3e-3, time_limit_s=300):
    """Train a character-level GPT built from the learner's components, then let it write.

    components: {challenge id: code} of passed component challenges; corpus: see `load_corpus`.
    Training stops after `steps` or `time_limit_s`, whichever comes first: on a slow or busy
    machine the learner still gets a (less trained) model that writes, within the worker's limit.
    `on_progress` receives {"step", "loss", "lr", "elapsed_s"} every `progress_every` steps and
    {"step", "sample"} every `sample_every` steps. Returns the final training loss (mean of the
    last 20 steps), the loss on held-out text, the loss of a uniform guess, seconds, a sample
    and which implementation each component used.
    """
    notify = on_progress or (lambda data: None)
    text = load_corpus(corpus)
    tokenizer = CharTokenizer(text)
    config = capstone_config(tokenizer.vocab_size)
    min_chars = 11 * config.block_size  # the held-out tenth must hold a window and its target
    if len(text) < min_chars:
        raise ValueError(f"the corpus is too short: {len(text)} characters (at least {min_chars})")
    data = torch.tensor(tokenizer.encode(text), dtype=torch.long)  # (N,)
    n_train = int(0.9 * len(data))
    train_data, held_out = data[:n_train], data[n_train:]
    model_components, used = learner_components(components)
    torch.manual_seed(seed)
    model = GPT(config, components=model_components)
    prompt = "".join(ch for ch in prompt if ch in tokenizer.stoi) or text[0]
    prompt_ids = torch.tensor([tokenizer.encode(prompt)], dtype=torch.long)  # (1, T)

    def write(n_tokens):
        model.eval()
        out = generate(model, prompt_ids, n_tokens, temperature=temperature,
                       generator=torch.Generator().manual_seed(seed))
        model.train()
        return tokenizer.decode(out[0].tolist())

    start = time.perf_counter()

    def report(step, loss, lr):
        if step % progress_every == 0 or step == steps:
            notify({"step": step, "loss": loss, "lr": lr, "elapsed_s": time.perf_counter() - start})
        if sample_every and step % sample_every == 0 and step < steps:
            notify({"step": step, "sample": write(max_new_tokens // 2)})

    losses = train(model, train_data, steps, batch_size=batch_size, max_lr=max_lr, seed=seed,
                   callback=report, time_limit_s=time_limit_s)
    seconds = time.perf_counter() - start
    sample = write(max_new_tokens)
    return {
        "loss": sum(losses[-20:]) / len(losses[-20:]),
        "held_out_loss": mean_loss(model, held_out, seed=seed),
        "random_loss": math.log(tokenizer.vocab_size),
        "steps": len(losses),
        "seconds": seconds,
        "sample": sample,
        "components_used": used,
        "corpus_chars": len(text),
        "parameters": sum(p.numel() for p in model.parameters()),
    }
