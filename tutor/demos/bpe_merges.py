"""Byte-pair encoding learning its vocabulary: each merge joins the most frequent pair."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding

from tutor.demos.view import DemoView


class BpeMerges(DemoView):
    NAME = "bpe-merges"
    BINDINGS = [Binding("plus,equals_sign", "merges(4)", "More merges"),
                Binding("minus", "merges(-4)", "Fewer merges")]

    def draw(self, data) -> Text:
        text = Text()
        text.append("merges, most frequent pair first\n", style="bold")
        for m in data["merges"]:
            text.append(f"{m['rank'] + 1:>3}. ", style="dim")
            text.append(f"{m['left']!r} + {m['right']!r} → {m['token']!r}")
            text.append(f"   ×{m['count']}\n", style="dim")
        text.append(f"\n{data['n_bytes']} bytes → {data['n_tokens']} tokens:\n", style="bold")
        for i, token in enumerate(data["tokens"]):
            text.append(token, style="reverse" if i % 2 else "underline")
        text.append("\n\n[-/+] number of merges", style="bold")
        return text

    def action_merges(self, step: int) -> None:
        now = self.params.get("n_merges", 12)
        self.update_params(n_merges=max(0, min(64, now + step)))
