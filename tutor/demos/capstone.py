"""The capstone: the learner's passing code plugged into a GPT that trains, then writes."""

from __future__ import annotations

from typing import Any, Callable

from tutor.demos.training_loss import TrainingLoss
from tutor.rules import challenge_histories
from tutor.store import EventKind


class Capstone(TrainingLoss):
    NAME = "capstone"
    IDLE_STATUS = "Press t to train your model (a few minutes on two cores; it stops at five)."

    def learner_code(self) -> dict[str, str]:
        """Every passed challenge's code; the engine keeps the ones that are model components."""
        store = self.app.store
        passed = [c for c, h in challenge_histories(store.events()).items()
                  if h.runs_before_pass is not None]
        return {c: code for c in passed if (code := store.draft(c)) is not None}

    def train(self, on_progress: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
        payload = {**self.params, "components": self.learner_code()}
        return self.app.client.capstone(payload, on_progress=on_progress)

    def finished(self, data: dict[str, Any]) -> None:
        super().finished(data)
        self.app.record(lambda store: store.record(
            EventKind.CAPSTONE_GENERATED, "capstone", None,
            {k: data[k] for k in ("loss", "steps", "seconds", "sample")}))

    def summary(self, data: dict[str, Any]) -> str:
        mine = sorted(set(by for by in data["components_used"].values() if by != "engine"))
        return (f"done: loss {data['loss']:.3f} (held out {data['held_out_loss']:.3f}, a uniform "
                f"guess {data['random_loss']:.3f}) after {data['steps']} steps in {data['seconds']:.0f} s\n"
                f"your components inside: {', '.join(mine) or 'none yet'}")
