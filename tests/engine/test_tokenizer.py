import pytest

from engine.tokenizer import ByteBPE, CharTokenizer, merge_pair, pair_counts

TEXT = (
    "the cat sat on the mat. the cat ate the rat. then the cat sat on the hat.\n"
    "naïve café, déjà vu — 東京 and 😀 are bytes too.\n"
)


def test_pair_counts_counts_overlapping_pairs():
    assert pair_counts([1, 2, 1, 2, 2]) == {(1, 2): 2, (2, 1): 1, (2, 2): 1}
    assert pair_counts([7]) == {}
    assert pair_counts([]) == {}


def test_merge_pair_is_left_to_right_and_non_overlapping():
    assert merge_pair([5, 5, 5], (5, 5), 9) == [9, 5]
    assert merge_pair([5, 5, 5, 5], (5, 5), 9) == [9, 9]
    assert merge_pair([1, 2, 3, 1, 2], (1, 2), 256) == [256, 3, 256]
    assert merge_pair([1, 3, 2], (1, 2), 256) == [1, 3, 2]
    assert merge_pair([1, 2, 1], [1, 2], 7) == [7, 1]  # a pair given as a list


def test_first_merge_is_the_most_frequent_pair():
    bpe = ByteBPE().train("aaabdaaabac", 259)
    # "aa" occurs 4 times. After merging it, (aa, a) and (a, b) both occur twice: the pair seen
    # first wins the tie, then (aaa, b) is the only pair left occurring twice.
    first_pair, first_id = next(iter(bpe.merges.items()))
    assert first_pair == (ord("a"), ord("a")) and first_id == 256
    assert [bpe.token_text(i) for i in bpe.merges.values()] == ["aa", "aaa", "aaab"]


@pytest.mark.parametrize("text", [TEXT, "", "x", "東京 😀", "the the the"])
def test_byte_bpe_round_trips_any_text(text):
    bpe = ByteBPE().train(TEXT, 300)
    assert bpe.decode(bpe.encode(text)) == text


def test_training_compresses_and_ids_stay_in_vocab():
    bpe = ByteBPE().train(TEXT, 300)
    ids = bpe.encode(TEXT)
    assert len(ids) < len(TEXT.encode("utf-8")) * 0.7
    assert max(ids) < bpe.vocab_size == 300


def test_encode_applies_merges_in_learned_order():
    # With (a, b) learned before (b, c), "abc" must become [ab, c], never [a, bc].
    bpe = ByteBPE({(97, 98): 256, (98, 99): 257})
    assert bpe.encode("abc") == [256, 99]
    reverse = ByteBPE({(98, 99): 256, (97, 98): 257})
    assert reverse.encode("abc") == [97, 256]


def test_encode_equals_replaying_every_merge_in_order():
    bpe = ByteBPE().train(TEXT, 320)
    text = "the cat ate the hat, déjà vu"
    ids = list(text.encode("utf-8"))
    for pair, new_id in bpe.merges.items():
        ids = merge_pair(ids, pair, new_id)
    assert bpe.encode(text) == ids


def test_save_load_identity(tmp_path):
    bpe = ByteBPE().train(TEXT, 290)
    path = tmp_path / "bpe.json"
    bpe.save(path)
    loaded = ByteBPE.load(path)
    assert list(loaded.merges.items()) == list(bpe.merges.items())
    assert loaded.vocab == bpe.vocab
    assert loaded.encode(TEXT) == bpe.encode(TEXT)


def test_vocab_size_below_bytes_is_rejected():
    with pytest.raises(ValueError, match="at least 256"):
        ByteBPE().train("abc", 100)


def test_char_tokenizer_round_trip_and_sorted_ids():
    tok = CharTokenizer(TEXT)
    assert tok.decode(tok.encode(TEXT)) == TEXT
    assert tok.vocab_size == len(set(TEXT))
    assert tok.encode("\n ") == [0, 1]  # the two smallest code points get the first ids


def test_char_tokenizer_names_unknown_characters():
    tok = CharTokenizer("abc")
    with pytest.raises(ValueError, match="'xz'"):
        tok.encode("axcz")
