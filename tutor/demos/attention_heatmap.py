"""Attention weights of a short sentence, head by head: who looks at whom."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding

from tutor.demos.view import DemoView
from tutor.widgets.heatmap import heatmap

TEMPERATURES = (0.25, 0.5, 1.0, 2.0, 4.0)


class AttentionHeatmap(DemoView):
    NAME = "attention-heatmap"
    BINDINGS = [
        Binding("c", "toggle_causal", "Causal mask"),
        Binding("plus,equals_sign", "temperature(1)", "Hotter"),
        Binding("minus", "temperature(-1)", "Colder"),
        Binding("right_square_bracket,tab", "head(1)", "Next head"),
        Binding("left_square_bracket,shift+tab", "head(-1)", "Prev head"),
    ]

    def draw(self, data) -> Text:
        tokens = data["tokens"]
        head = data["heads"][data["head"]]
        text = Text()
        text.append(f"head {data['head'] + 1}/{len(data['heads'])}: {head['name']}",
                    style="bold")
        text.append(f" — {head['description']}\n", style="italic")
        text.append_text(heatmap(tokens, tokens, head["weights"]))
        text.append("\nrows look at columns; each row sums to 1\n", style="dim")
        strongest = max(data["focus"], key=lambda f: f["weight"] if f["token"] != f["attends_to"]
                        else 0)
        text.append(f"e.g. “{strongest['token']}” → “{strongest['attends_to']}” "
                    f"({strongest['weight']:.2f})\n")
        text.append(f"[c] causal mask: {'on' if data['causal'] else 'off'}   "
                    f"[-/+] temperature: {data['temperature']:g}   [ / ] head", style="bold")
        return text

    def action_toggle_causal(self) -> None:
        self.update_params(causal=not self.params.get("causal", True))

    def action_temperature(self, step: int) -> None:
        now = self.params.get("temperature", 1.0)
        index = min(range(len(TEMPERATURES)), key=lambda i: abs(TEMPERATURES[i] - now))
        index = max(0, min(len(TEMPERATURES) - 1, index + step))
        self.update_params(temperature=TEMPERATURES[index])

    def action_head(self, step: int) -> None:
        heads = len(self.data["heads"]) if self.data else 4
        self.update_params(head=(self.params.get("head", 1) + step) % heads)
