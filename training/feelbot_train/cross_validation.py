"""K-fold cross-validation over dair-ai train.txt, to measure what validation's 2,000 rows are too few for.

Validation holds 204 coin-flip rows (`ambiguity.coin_flip_word`), so a model's skill there moves by
±3.5 points from luck alone. Holding out each fifth of train.txt in turn scores every one of its
1,704 coin-flip rows on a model that never trained on it.
"""

import random

from .labels import NEUTRAL_ID

# The folds are fixed by this seed, so runs with different options score the same rows.
FOLD_SEED = 0


def fold_of_rows(count, folds):
    """Fold number of each row: a fixed shuffle dealt round-robin."""
    order = list(range(count))
    random.Random(FOLD_SEED).shuffle(order)
    fold = [0] * count
    for position, row in enumerate(order):
        fold[row] = position % folds
    return fold


def partition(texts, labels, fold, folds):
    """(training texts, training labels, held-out rows as (index, text, label))."""
    assigned = fold_of_rows(len(texts), folds)
    kept_texts, kept_labels, held_out = [], [], []
    for index, (text, label, f) in enumerate(zip(texts, labels, assigned)):
        if f == fold:
            held_out.append((index, text, label))
        else:
            kept_texts.append(text)
            kept_labels.append(label)
    return kept_texts, kept_labels, held_out


def held_out_report(held_out, member_logits, ensemble_logits, fold, folds):
    """The held-out rows with each member's and the ensemble's six-way answer (the emotion with the most logit)."""
    six = lambda logits: logits[:, :NEUTRAL_ID].argmax(axis=1).tolist()  # noqa: E731
    return {"fold": fold, "folds": folds, "fold_seed": FOLD_SEED,
            "rows": [{"index": i, "text": t, "label": label} for i, t, label in held_out],
            "members": [six(logits) for logits in member_logits],
            "ensemble": six(ensemble_logits)}
