"""Sampling the next word: temperature, top-k and top-p cut the distribution, then we draw."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding

from tutor.demos.view import DemoView
from tutor.widgets.bars import bars

TOP_P = (None, 0.9, 0.75, 0.5)


class Sampling(DemoView):
    NAME = "sampling"
    BINDINGS = [
        Binding("plus,equals_sign", "temperature(0.25)", "Hotter"),
        Binding("minus", "temperature(-0.25)", "Colder"),
        Binding("k", "top_k", "top-k"),
        Binding("p", "top_p", "top-p"),
        Binding("s", "resample", "Resample"),
    ]

    def draw(self, data) -> Text:
        text = Text()
        text.append(f"“{data['context']} …”\n", style="italic")
        removed = [not kept for kept in data["kept"]]
        text.append("probability after temperature, top-k and top-p\n", style="bold")
        text.append_text(bars(data["labels"], data["probs"], dim=removed, scale=1.0))
        text.append(f"\n\n{data['n_samples']} draws\n", style="bold")
        text.append_text(bars(data["labels"], data["samples"], fmt="{:.0f}", dim=removed))
        top_k = data["top_k"] or "off"
        top_p = data["top_p"] or "off"
        text.append(f"\n[-/+] temperature {data['temperature']:g}   [k] top-k {top_k}   "
                    f"[p] top-p {top_p}   [s] resample", style="bold")
        return text

    def action_temperature(self, step: float) -> None:
        now = self.params.get("temperature", 1.0)
        self.update_params(temperature=round(max(0.25, min(3.0, now + step)), 2))

    def action_top_k(self) -> None:
        now = self.params.get("top_k")
        self.update_params(top_k={None: 5, 5: 3, 3: 1}.get(now))

    def action_top_p(self) -> None:
        now = self.params.get("top_p")
        self.update_params(top_p=TOP_P[(TOP_P.index(now) + 1) % len(TOP_P)] if now in TOP_P
                           else None)

    def action_resample(self) -> None:
        self.update_params(seed=self.params.get("seed", 0) + 1)
