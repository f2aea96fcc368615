"""Terminal renderers for the engine's demos; the numbers come from the worker's `demo` op."""

from __future__ import annotations

from typing import Any

from textual.widget import Widget
from textual.widgets import Static

from tutor.demos.attention_heatmap import AttentionHeatmap
from tutor.demos.bpe_merges import BpeMerges
from tutor.demos.capstone import Capstone
from tutor.demos.kv_cache_speedup import KvCacheSpeedup
from tutor.demos.positional_waves import PositionalWaves
from tutor.demos.sampling import Sampling
from tutor.demos.softmax_temperature import SoftmaxTemperature
from tutor.demos.training_loss import TrainingLoss

DEMOS = {view.NAME: view for view in
         (AttentionHeatmap, SoftmaxTemperature, PositionalWaves, Sampling, TrainingLoss,
          KvCacheSpeedup, BpeMerges, Capstone)}


def demo_widget(name: str, params: dict[str, Any]) -> Widget:
    view = DEMOS.get(name)
    if view is None:
        return Static(f"The `{name}` demo cannot be shown in this version.", classes="error")
    return view(params)
