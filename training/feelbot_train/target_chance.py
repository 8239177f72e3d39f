"""How likely a reader of given quality is to reach a macro-F1 target on a split with coin-flip rows.

On a coin-flip row (`ambiguity.coin_flip_word`) the gold label is one of its split word's two
labels and nothing learnable tells which, so whether a reader is right there is chance. This module
draws that chance many times and reports the macro-F1 a reader reaches, holding every other row
fixed: either all right (the best any reader can do there) or as a given model answers them.
It also counts how many of a model's other errors would have to be fixed to reach the target.
"""

import numpy as np

from .ambiguity import coin_flip_word, two_labels


def _macro_f1(true_pos, predicted, gold):
    present = gold > 0
    return (2 * true_pos[..., present] / np.maximum(predicted[..., present] + gold[present], 1)).mean(axis=-1)


def _coin_flip_rows(texts, labels, words):
    flip, other = [], []
    for i, (text, label) in enumerate(zip(texts, labels)):
        word = coin_flip_word(text, label, words)
        if word:
            flip.append(i)
            first, second = two_labels(word, words)
            other.append(second if label == first else first)
    return np.array(flip, dtype=int), np.array(other, dtype=int)


def chance_of_target(texts, labels, words, elsewhere=None, p_right=0.5, target=0.90, draws=20_000,
                     seed=0, classes=6):
    """Macro-F1 over `draws` readers that are right on each coin-flip row with probability `p_right`.

    `elsewhere`: predicted label ids for every row, used on the rows that are not coin flips
    (default: all of them right). Returns the share of draws reaching `target` and quantiles.
    """
    labels = np.asarray(labels)
    flip, other = _coin_flip_rows(texts, labels, words)
    fixed = np.ones(len(labels), dtype=bool)
    fixed[flip] = False
    answers = labels if elsewhere is None else np.asarray(elsewhere)
    gold = np.bincount(labels, minlength=classes).astype(float)
    base_true_pos = np.bincount(labels[fixed][answers[fixed] == labels[fixed]], minlength=classes)
    base_predicted = np.bincount(answers[fixed], minlength=classes)
    right = np.random.default_rng(seed).random((draws, len(flip))) < p_right
    gold_onehot = np.eye(classes)[labels[flip]]
    other_onehot = np.eye(classes)[other]
    true_pos = base_true_pos + right @ gold_onehot
    predicted = base_predicted + right @ gold_onehot + (~right) @ other_onehot
    macro = _macro_f1(true_pos, predicted, gold)
    q05, q50, q95 = np.quantile(macro, [0.05, 0.5, 0.95])
    return {"p_right_on_coin_flip_rows": p_right, "draws": draws,
            "share_reaching_target": round(float((macro >= target).mean()), 4),
            "macro_f1_p05_median_p95": [round(float(q), 4) for q in (q05, q50, q95)]}


def other_errors_to_fix(texts, labels, words, predicted, target=0.90, classes=6):
    """Fewest of a model's errors off the coin-flip rows that, fixed (best first), lift macro-F1 to `target`.

    Keeps the model's own coin-flip answers. Returns the count (None if fixing all falls short) and
    how many such errors there are.
    """
    labels = np.asarray(labels)
    answers = np.asarray(predicted).copy()
    flip, _ = _coin_flip_rows(texts, labels, words)
    errors = set(np.flatnonzero(answers != labels)) - set(flip.tolist())
    total = len(errors)
    gold = np.bincount(labels, minlength=classes).astype(float)

    def score(a):
        return float(_macro_f1(np.bincount(labels[a == labels], minlength=classes).astype(float),
                               np.bincount(a, minlength=classes).astype(float), gold))

    fixed = 0
    while score(answers) < target:
        if not errors:
            return {"fixes_needed": None, "errors_elsewhere": total}
        best = max(errors, key=lambda i: score(np.where(np.arange(len(answers)) == i, labels, answers)))
        answers[best] = labels[best]
        errors.discard(best)
        fixed += 1
    return {"fixes_needed": fixed, "errors_elsewhere": total}
