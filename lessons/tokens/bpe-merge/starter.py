def merge_pair(ids: list[int], pair: tuple[int, int], new_id: int) -> list[int]:
    """Replace each adjacent occurrence of `pair` in `ids` by `new_id`.

    Scan left to right without overlaps: merge_pair([5, 5, 5, 2], (5, 5), 9) == [9, 5, 2].
    Return a new list; leave `ids` unchanged.
    """
    raise NotImplementedError("walk through ids, merging each (ids[i], ids[i + 1]) == pair")
