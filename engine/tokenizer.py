"""Tokenizers: byte-level BPE (Sennrich et al. 2016, as in GPT-2) and a character tokenizer.

Byte-level BPE starts from the 256 possible bytes, so any text can be encoded and nothing is
ever "unknown". Training repeatedly finds the most frequent adjacent pair of ids and replaces it
by a new id; encoding replays those merges in the order they were learned.
"""

import json
from pathlib import Path

N_BYTES = 256  # ids 0..255 are the raw bytes; learned merges take ids from 256 on


def pair_counts(ids: list[int]) -> dict[tuple[int, int], int]:
    """How often each adjacent pair occurs: [1, 2, 1, 2] -> {(1, 2): 2, (2, 1): 1}."""
    counts: dict[tuple[int, int], int] = {}
    for pair in zip(ids, ids[1:]):
        counts[pair] = counts.get(pair, 0) + 1
    return counts


def merge_pair(ids: list[int], pair: tuple[int, int], new_id: int) -> list[int]:
    """Replace every occurrence of `pair`, scanning left to right without overlaps.

    merge_pair([5, 5, 5], (5, 5), 9) -> [9, 5]: the first two fives are merged, the third has no
    partner left.
    """
    first, second = pair  # any pair-like sequence, e.g. [1, 2] from JSON
    merged = []
    i = 0
    while i < len(ids):
        if i + 1 < len(ids) and ids[i] == first and ids[i + 1] == second:
            merged.append(new_id)
            i += 2
        else:
            merged.append(ids[i])
            i += 1
    return merged


class ByteBPE:
    """Byte-level BPE without pre-splitting: merges may cross spaces ("e " is a common one).

    `merges` maps each learned pair to its new id, in the order the pairs were learned;
    `vocab` maps every id to the bytes it stands for.
    """

    def __init__(self, merges: dict[tuple[int, int], int] | None = None):
        self._reset()
        for pair, new_id in (merges or {}).items():
            self._add_merge(pair, new_id)

    def _reset(self) -> None:
        self.merges: dict[tuple[int, int], int] = {}
        self.vocab: dict[int, bytes] = {i: bytes([i]) for i in range(N_BYTES)}

    @property
    def vocab_size(self) -> int:
        return len(self.vocab)

    def _add_merge(self, pair: tuple[int, int], new_id: int) -> None:
        self.merges[pair] = new_id
        self.vocab[new_id] = self.vocab[pair[0]] + self.vocab[pair[1]]

    def train(self, text: str, vocab_size: int) -> "ByteBPE":
        """Learn `vocab_size - 256` merges on `text` (fewer if the text runs out of pairs)."""
        if vocab_size < N_BYTES:
            raise ValueError(f"vocab_size must be at least {N_BYTES}, got {vocab_size}")
        self._reset()
        ids = list(text.encode("utf-8"))
        for new_id in range(N_BYTES, vocab_size):
            counts = pair_counts(ids)
            if not counts:
                break
            # Most frequent pair; among equals the one seen first, so training is deterministic.
            pair = max(counts, key=counts.get)
            ids = merge_pair(ids, pair, new_id)
            self._add_merge(pair, new_id)
        return self

    def encode(self, text: str) -> list[int]:
        ids = list(text.encode("utf-8"))
        while len(ids) >= 2:
            # Apply the earliest-learned merge present: the order training created them in.
            pair = min(pair_counts(ids), key=lambda p: self.merges.get(p, float("inf")))
            if pair not in self.merges:
                break
            ids = merge_pair(ids, pair, self.merges[pair])
        return ids

    def decode(self, ids: list[int]) -> str:
        # A cut through a multi-byte character decodes to U+FFFD instead of raising.
        return b"".join(self.vocab[i] for i in ids).decode("utf-8", errors="replace")

    def token_text(self, token_id: int) -> str:
        """Readable text of one token, for showing merges."""
        return self.vocab[token_id].decode("utf-8", errors="replace")

    def save(self, path: str | Path) -> None:
        merges = [[a, b, new_id] for (a, b), new_id in self.merges.items()]
        Path(path).write_text(json.dumps({"type": "byte-bpe", "merges": merges}), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> "ByteBPE":
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls({(a, b): new_id for a, b, new_id in data["merges"]})


class CharTokenizer:
    """One id per distinct character of a text, ids in sorted character order."""

    def __init__(self, text: str):
        self.chars = sorted(set(text))
        self.stoi = {ch: i for i, ch in enumerate(self.chars)}

    @property
    def vocab_size(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> list[int]:
        unknown = sorted(set(text) - self.stoi.keys())
        if unknown:
            raise ValueError(f"characters not in the vocabulary: {''.join(unknown)!r}")
        return [self.stoi[ch] for ch in text]

    def decode(self, ids: list[int]) -> str:
        return "".join(self.chars[i] for i in ids)
