"""Every demo renderer draws the engine's real numbers; the streaming ones draw as they arrive."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tutor.app.conftest import TODAY, ScriptedClient, greeted
from tutor.app import make_app
from tutor.demos import DEMOS, demo_widget
from tutor.loader import load_curriculum
from tutor.store import ProgressStore

FIXTURES = Path(__file__).parent / "fixtures" / "lessons"
QUICK = {  # demo -> params small enough for a test
    "attention-heatmap": {"sentence": "The cat sat because it was tired"},
    "softmax-temperature": {},
    "positional-waves": {"T": 17, "d_model": 8, "dims": [0, 1, 6, 7]},
    "sampling": {"top_k": 3},
    "bpe-merges": {"n_merges": 5},
    "kv-cache-speedup": {"lengths": [5, 7]},
}


async def show(app, name, params):
    async with app.run_test(size=(100, 40)) as pilot:
        view = demo_widget(name, params)
        await app.screen.mount(view)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        return view, str(view.content)


@pytest.mark.parametrize("name", sorted(QUICK))
async def test_demo_draws_the_engine_numbers(name, worker):
    app = make_app(curriculum=load_curriculum(FIXTURES), store=greeted(ProgressStore()),
                   client=worker, typing=False, today=lambda: TODAY)
    view, drawn = await show(app, name, QUICK[name])
    assert view.data is not None, drawn
    assert "could not" not in drawn


def test_every_demo_name_has_a_renderer():
    assert set(DEMOS) == {"attention-heatmap", "positional-waves", "softmax-temperature",
                          "sampling", "training-loss", "kv-cache-speedup", "bpe-merges",
                          "capstone"}


class StreamingClient(ScriptedClient):
    """Reports two training steps, then a result, like the worker's streaming ops."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[tuple[str, dict]] = []

    def demo(self, name, params, on_progress=None):
        return self.request("demo", {"name": name, "params": params}, timeout=None,
                            on_progress=on_progress)

    def capstone(self, payload, on_progress=None):
        return self.request("capstone", payload, timeout=None, on_progress=on_progress)

    def request(self, op, payload, *, timeout, on_progress=None):
        self.requests.append((op, payload, timeout))
        on_progress({"step": 10, "loss": 4.2, "lr": 1e-3, "elapsed_s": 1.0})
        on_progress({"step": 20, "loss": 3.1, "lr": 9e-4, "elapsed_s": 2.0})
        return {"loss": 3.0, "held_out_loss": 3.2, "random_loss": 4.4, "steps": 20,
                "seconds": 2.5, "sample": "the cat sat", "final_loss": 3.0,
                "components_used": {"attention": "attention/dot-product", "softmax": "engine"}}


async def test_capstone_streams_its_loss_and_sends_the_learners_code():
    client = StreamingClient()
    store = greeted(ProgressStore())
    store.record("cell_run", "attention", "attention/dot-product", {"status": "pass"})
    store.save_draft("attention/dot-product", "def scaled_dot_product_attention(q, k, v): ...")
    app = make_app(curriculum=load_curriculum(FIXTURES), store=store, client=client,
                   typing=False, today=lambda: TODAY)
    async with app.run_test(size=(100, 40)) as pilot:
        view = demo_widget("capstone", {"steps": 20})
        await app.screen.mount(view)
        await pilot.pause()
        assert "Press t to train" in str(view.content)
        view.focus()
        await pilot.press("t")
        await app.workers.wait_for_complete()
        await pilot.pause()
        op, payload, _ = client.requests[0]
        assert op == "capstone" and payload["steps"] == 20
        assert payload["components"] == {
            "attention/dot-product": "def scaled_dot_product_attention(q, k, v): ..."}
        assert view.losses == [4.2, 3.1]
        drawn = str(view.content)
        assert "the cat sat" in drawn and "attention/dot-product" in drawn
        assert "after 20 steps" in drawn
        assert "it-speaks" in {a.id for a in app.summary.earned}


async def test_training_demo_streams_through_the_clients_demo_call():
    client = StreamingClient()
    app = make_app(curriculum=load_curriculum(FIXTURES), store=greeted(ProgressStore()),
                   client=client, typing=False, today=lambda: TODAY)
    async with app.run_test(size=(100, 40)) as pilot:
        view = demo_widget("training-loss", {"steps": 20})
        await app.screen.mount(view)
        view.focus()
        await pilot.press("t")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert client.requests == [("demo", {"name": "training-loss", "params": {"steps": 20}}, None)]
        assert view.losses == [4.2, 3.1] and "done: loss 3.000" in str(view.content)
