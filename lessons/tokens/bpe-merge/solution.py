def merge_pair(ids: list[int], pair: tuple[int, int], new_id: int) -> list[int]:
    """Replace each adjacent occurrence of `pair` in `ids` by `new_id`, left to right."""
    first, second = pair
    merged = []
    i = 0
    while i < len(ids):
        # A match needs a partner to the right; both ids are consumed by the merge.
        if i + 1 < len(ids) and ids[i] == first and ids[i + 1] == second:
            merged.append(new_id)
            i += 2
        else:
            merged.append(ids[i])
            i += 1
    return merged
