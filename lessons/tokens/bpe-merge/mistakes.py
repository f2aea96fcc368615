"""Classic wrong versions of merge_pair, one per mistake id."""


def no_skip_after_merge(ids, pair, new_id):
    # Always advances by one, so the pair's second id is looked at again: [5, 5, 5] gives [9, 9, 5].
    first, second = pair
    merged = []
    for i, token in enumerate(ids):
        if i + 1 < len(ids) and token == first and ids[i + 1] == second:
            merged.append(new_id)
        else:
            merged.append(token)
    return merged


def drops_last_id(ids, pair, new_id):
    # Stops at len(ids) - 1, so an unmatched final id is lost.
    first, second = pair
    merged = []
    i = 0
    while i < len(ids) - 1:
        if ids[i] == first and ids[i + 1] == second:
            merged.append(new_id)
            i += 2
        else:
            merged.append(ids[i])
            i += 1
    return merged


def first_only(ids, pair, new_id):
    # Merges the first occurrence and copies the rest untouched.
    first, second = pair
    for i in range(len(ids) - 1):
        if ids[i] == first and ids[i + 1] == second:
            return list(ids[:i]) + [new_id] + list(ids[i + 2:])
    return list(ids)
