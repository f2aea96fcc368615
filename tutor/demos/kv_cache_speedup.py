"""Greedy decoding with and without the KV cache: the gap grows with the length."""

from __future__ import annotations

from rich.text import Text

from tutor.demos.view import DemoView
from tutor.widgets.bars import bars


class KvCacheSpeedup(DemoView):
    NAME = "kv-cache-speedup"

    def draw(self, data) -> Text:
        rows = data["rows"]
        labels = [f"{r['length']} tokens" for r in rows]
        text = Text()
        text.append("speed-up from the KV cache (measured now, on this machine)\n", style="bold")
        text.append_text(bars(labels, [r["speedup"] for r in rows], fmt="{:.1f}×"))
        text.append("\n\ntokens per second: with cache / without\n", style="bold")
        for label, r in zip(labels, rows):
            text.append(f"{label:>12}  {r['with_cache_tokens_per_s']:8.0f} / "
                        f"{r['without_cache_tokens_per_s']:.0f}\n")
        return text
