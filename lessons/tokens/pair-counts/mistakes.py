"""Classic wrong versions of pair_counts, one per mistake id."""


def presence_not_count(ids):
    return {pair: 1 for pair in zip(ids, ids[1:])}


def drops_last_pair(ids):
    counts = {}
    for i in range(len(ids) - 2):
        pair = (ids[i], ids[i + 1])
        counts[pair] = counts.get(pair, 0) + 1
    return counts


def wraps_around(ids):
    counts = {}
    for pair in zip(ids, ids[1:] + ids[:1]):
        counts[pair] = counts.get(pair, 0) + 1
    return counts


def skips_overlaps(ids):
    # Counts like str.count: an occurrence may not overlap the previous one of the same pair.
    counts, next_free = {}, {}
    for i, pair in enumerate(zip(ids, ids[1:])):
        if i >= next_free.get(pair, 0):
            counts[pair] = counts.get(pair, 0) + 1
            next_free[pair] = i + 2
    return counts
