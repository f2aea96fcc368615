import json
import math

import pytest
import torch

from engine import demos
from engine.positional import sinusoidal_encoding



def run(name, **params):
    result = demos.run(name, params)
    assert json.loads(json.dumps(result)) == result  # plain JSON values only
    return result


def test_attention_heatmap_pronoun_head_links_it_to_cat():
    result = run("attention-heatmap")
    tokens = result["tokens"]
    assert tokens[:3] == ["The", "cat", "sat"] and len(result["heads"]) == 4
    weights = torch.tensor(result["weights"])  # (T, T)
    assert weights.shape == (len(tokens), len(tokens))
    torch.testing.assert_close(weights.sum(1), torch.ones(len(tokens)), atol=1e-3, rtol=0)
    it = tokens.index("it")
    assert tokens[int(weights[it].argmax())] == "cat"
    focus = result["focus"][it]
    assert (focus["token"], focus["attends_to"]) == ("it", "cat")
    assert focus["weight"] == pytest.approx(weights[it].max().item(), abs=1e-4)


def test_attention_heatmap_causal_mask_and_heads():
    causal = run("attention-heatmap", sentence="the dog saw the cat and the dog ran", head=0)
    for head in causal["heads"]:
        w = torch.tensor(head["weights"])
        assert torch.all(w.triu(1) == 0)  # nothing from the future
    previous = torch.tensor(causal["heads"][0]["weights"])
    assert all(int(previous[i].argmax()) == i - 1 for i in range(1, previous.size(0)))
    same = torch.tensor(causal["heads"][2]["weights"])
    tokens = causal["tokens"]
    assert tokens[int(same[7].argmax())] == "dog" and int(same[7].argmax()) == 1  # the earlier "dog"
    sink = torch.tensor(causal["heads"][3]["weights"])
    assert (sink[:, 0] > 0.5).all()


def test_attention_heatmap_temperature_flattens_and_bidirectional_sees_ahead():
    it = 7  # "The cat sat on the mat because it ..."
    sharp = torch.tensor(run("attention-heatmap", temperature=0.5)["weights"])[it]
    flat = torch.tensor(run("attention-heatmap", temperature=20.0)["weights"])[it]
    assert sharp.max() > 0.99 and flat.max() < 0.5
    both = torch.tensor(run("attention-heatmap", causal=False, head=0)["weights"])
    assert both.triu(1).sum() > 0
    with pytest.raises(ValueError, match="positive"):
        demos.run("attention-heatmap", {"temperature": 0})


def test_positional_waves():
    result = run("positional-waves", T=20, d_model=16, dims=[0, 1, 8], position=5)
    matrix = torch.tensor(result["matrix"])
    torch.testing.assert_close(matrix, sinusoidal_encoding(20, 16), atol=1e-4, rtol=0)
    assert [w["fn"] for w in result["waves"]] == ["sin", "cos", "sin"]
    assert result["waves"][0]["wavelength"] == pytest.approx(2 * math.pi)
    assert result["waves"][2]["wavelength"] == pytest.approx(2 * math.pi * 10000 ** 0.5)
    similarity = result["similarity"]
    assert max(similarity) == similarity[5] == pytest.approx(1.0)
    assert similarity[4] == pytest.approx(similarity[6], abs=1e-4)  # depends on distance only


def test_softmax_temperature_rows():
    result = run("softmax-temperature", logits=[2.0, 1.0, 0.0], labels=["a", "b", "c"],
                 temperatures=[0, 0.5, 1, 100])
    rows = result["rows"]
    assert rows[0]["probs"] == [1.0, 0.0, 0.0] and rows[0]["entropy_bits"] == 0.0
    expected = torch.softmax(torch.tensor([2.0, 1.0, 0.0]), -1)
    torch.testing.assert_close(torch.tensor(rows[2]["probs"]), expected, atol=1e-4, rtol=0)
    entropies = [r["entropy_bits"] for r in rows]
    assert entropies == sorted(entropies) and entropies[-1] == pytest.approx(math.log2(3), abs=1e-3)


def test_sampling_keeps_exactly_the_filtered_tokens():
    result = run("sampling", top_k=4, top_p=0.8, n_samples=300)
    kept = result["kept"]
    assert sum(kept) <= 4 and kept[0]
    assert all(p == 0 for p, k in zip(result["probs"], kept) if not k)
    assert sum(result["probs"]) == pytest.approx(1.0, abs=1e-3)
    assert sum(result["samples"]) == 300
    assert all(n == 0 for n, k in zip(result["samples"], kept) if not k)
    assert run("sampling", temperature=0)["kept"] == [True] + [False] * 9


def test_bpe_merges_lists_merges_in_order():
    result = run("bpe-merges", text="low lower lowest low low", n_merges=5)
    merges = result["merges"]
    assert [m["rank"] for m in merges] == list(range(5))
    assert [m["id"] for m in merges] == list(range(256, 261))
    assert merges[0]["token"] == merges[0]["left"] + merges[0]["right"]
    assert merges[0]["count"] >= merges[-1]["count"]
    assert "".join(result["tokens"]) == "low lower lowest low low"
    assert result["n_tokens"] < result["n_bytes"] == 24


def test_training_loss_falls_and_streams_progress():
    progress = []
    result = demos.run("training-loss", {"steps": 40, "text": "the cat sat on the mat. " * 40},
                       on_progress=progress.append)
    assert result["steps"] == list(range(1, 41)) and len(result["losses"]) == 40
    assert result["final_loss"] < result["losses"][0] - 0.5
    assert result["losses"][0] == pytest.approx(result["random_loss"], abs=0.5)
    assert [p["step"] for p in progress] == list(range(5, 41, 5))
    assert set(result["sample"]) <= set("the cat sat on the mat. ")


def test_kv_cache_speedup_rows():
    result = run("kv-cache-speedup", lengths=[8, 24])
    assert [r["length"] for r in result["rows"]] == [8, 24]
    for row in result["rows"]:
        assert row["with_cache_tokens_per_s"] > 0 and row["without_cache_tokens_per_s"] > 0
        assert row["speedup"] == pytest.approx(row["with_cache_tokens_per_s"] / row["without_cache_tokens_per_s"])


def test_unknown_demo_is_named():
    with pytest.raises(ValueError, match="unknown demo 'nope'"):
        demos.run("nope", {})
