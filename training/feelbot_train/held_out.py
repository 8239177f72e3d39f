"""The fixed share of a hand-written list that training never sees: every fifth item."""

HELD_OUT_EVERY = 5


def share(items, part):
    """The 'heldout' fifth of `items` (every fifth item), or the 'train' four fifths."""
    held_out = part == "heldout"
    return [item for i, item in enumerate(items) if (i % HELD_OUT_EVERY == HELD_OUT_EVERY - 1) == held_out]
