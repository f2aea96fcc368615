def pair_counts(ids: list[int]) -> dict[tuple[int, int], int]:
    """How often each adjacent pair occurs: [1, 2, 1, 2] -> {(1, 2): 2, (2, 1): 1}."""
    counts = {}
    # zip stops at the shorter list, so the last id (which has no right neighbour) starts no pair.
    for pair in zip(ids, ids[1:]):
        counts[pair] = counts.get(pair, 0) + 1
    return counts
