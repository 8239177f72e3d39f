"""The fixed share of a hand-written list that training never sees: every fifth item."""

HELD_OUT_EVERY = 5


def is_held_out(index):
    return index % HELD_OUT_EVERY == HELD_OUT_EVERY - 1


def share(items, part):
    """The 'heldout' fifth of `items`, or the 'train' four fifths."""
    return [item for i, item in enumerate(items) if is_held_out(i) == (part == "heldout")]
