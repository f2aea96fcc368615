import torch

from engine.checker.inputs import make_call, make_trials, random_mask
from engine.checker.spec import evaluate_dim, parse_spec

SPEC = parse_spec({
    "dims": {"d_model": "H * d_head"},
    "functions": [{
        "entry": "f", "reference": "engine.attention:split_heads",
        "args": {"x": {"shape": ["B", "T", "d_model"]}, "n_head": {"kind": "int", "value": "H"},
                 "mask": {"kind": "mask", "shape": ["B", 1, "T", "T"], "optional": True},
                 "scale": {"kind": "float", "value": 0.5}},
        "output": ["B", "H", "T", "d_head"],
    }],
    "trials": [{}, {"sizes": {"B": 1}}, {"args": {"mask": "omit"}}],
})


def test_every_dim_gets_its_own_size_and_derived_dims_follow():
    for trial in make_trials(SPEC):
        base = [trial.sizes[name] for name in ("B", "T", "H", "d_head")]
        assert len(set(base)) == 4
        assert trial.sizes["d_model"] == trial.sizes["H"] * trial.sizes["d_head"]
        assert trial.sizes["d_model"] not in base


def test_trials_change_sizes_and_seeds_and_apply_overrides():
    first, second, third = make_trials(SPEC)
    assert (first.sizes["B"], second.sizes["B"]) == (2, 1)
    assert first.sizes["T"] != third.sizes["T"]
    assert len({first.seed, second.seed, third.seed}) == 3


def test_an_omitted_argument_passes_the_following_ones_by_keyword():
    first, _, third = make_trials(SPEC)
    call = make_call(SPEC.functions[0], first, torch.float64)
    assert len(call.args) == 4 and call.args[0].dtype == torch.float64
    assert call.args[0].shape == (first.sizes["B"], first.sizes["T"], first.sizes["d_model"])
    call = make_call(SPEC.functions[0], third, torch.float64)
    assert len(call.args) == 2 and call.kwargs == {"scale": 0.5}


def test_inputs_are_reproducible_and_fresh_copies():
    trial = make_trials(SPEC)[0]
    a = make_call(SPEC.functions[0], trial, torch.float64)
    b = make_call(SPEC.functions[0], trial, torch.float64)
    assert torch.equal(a.args[0], b.args[0])
    args, _ = a.fresh()
    args[0].zero_()
    assert not torch.equal(args[0], a.args[0])


def test_masks_let_every_row_attend_except_the_requested_full_row():
    generator = torch.Generator().manual_seed(0)
    mask = random_mask([2, 1, 5, 7], generator, full_row=False)
    assert mask.any(-1).all()
    mask = random_mask([2, 1, 5, 7], generator, full_row=True)
    assert not mask[0, 0, -1].any() and mask.any(-1).sum() == 2 * 5 - 1


def test_dim_expressions():
    assert evaluate_dim("H * d_head + 1", {"H": 3, "d_head": 5}) == 16


def test_a_dim_named_only_inside_a_derived_dim_gets_a_size_and_literal_strings_are_not_dims():
    spec = parse_spec({
        "dims": {"C": "H * d"},
        "functions": [{
            "entry": "f", "reference": "engine.attention:merge_heads",
            "args": {"x": {"shape": ["B", "T", "C"]}, "activation": {"value": "gelu"}},
            "output": ["B", "T", "C"],
        }],
    })
    [trial] = make_trials(spec)
    assert trial.sizes["C"] == trial.sizes["H"] * trial.sizes["d"]
    assert "gelu" not in trial.sizes
    assert make_call(spec.functions[0], trial, torch.float64).args[1] == "gelu"


def test_uniform_and_scaled_inputs():
    spec = parse_spec({
        "functions": [{
            "entry": "f", "reference": "engine.attention:softmax",
            "args": {"u": {"kind": "uniform", "shape": ["N"]},
                     "logits": {"shape": ["N", "V"], "scale": 1000}},
            "output": ["N", "V"],
        }],
    })
    [trial] = make_trials(spec)
    u, logits = make_call(spec.functions[0], trial, torch.float64).args
    assert ((u >= 0) & (u < 1)).all() and u.sum() != 1
    assert logits.abs().max() > 100
