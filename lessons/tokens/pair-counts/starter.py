def pair_counts(ids: list[int]) -> dict[tuple[int, int], int]:
    """How often each adjacent pair occurs: [1, 2, 1, 2] -> {(1, 2): 2, (2, 1): 1}."""
    raise NotImplementedError("count each (ids[i], ids[i + 1]) in a dictionary")
