"""Soft targets for dair-ai's coin-flip rows (`--coin-flip-soft`).

On a row whose split word's two labels divide almost evenly in training ("overwhelmed": 58 surprise,
56 fear), the row's own label says little beyond that split. Training toward the one-hot label asks
the model to explain a coin flip from the rest of the sentence. The soft target mixes the one-hot
label with the word's split over its two labels:

    target = (1 - alpha) * one_hot(label) + alpha * split(word)

so the model is pulled less toward context that only fits the noise (Reed et al. 2015, "bootstrapping"
targets for noisy labels; here the mix is fixed by the word instead of the model's own prediction).
"""

import numpy as np

from .ambiguity import coin_flip_word, split_cue_words, two_labels


def coin_flip_soft_targets(dair_texts, dair_labels, texts, labels, alpha, classes):
    """{position: target vector} for the rows of `texts`/`labels` that are coin-flip rows.

    The split words and their label shares come from `dair_texts`/`dair_labels`, the dair-ai rows
    being trained on.
    """
    words = split_cue_words(dair_texts, dair_labels)
    shares = {}
    for word in words:
        pair = two_labels(word, words)
        counts = np.array([words[word][label] for label in pair], dtype=np.float64)
        shares[word] = dict(zip(pair, counts / counts.sum()))
    targets = {}
    for index, (text, label) in enumerate(zip(texts, labels)):
        word = coin_flip_word(text, label, words)
        if word is None:
            continue
        target = np.zeros(classes, dtype=np.float32)
        target[label] = 1.0 - alpha
        for other, share in shares[word].items():
            target[other] += alpha * share
        targets[index] = target
    return targets
