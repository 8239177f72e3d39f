"""Chat-like variants of dair-ai sentences, so the model does not depend on "i feel" or clean spelling."""

import random
import re

# "i feel", "im feeling", "i am feeling so" ... up to and including the feel-word.
FEEL_PREFIX = re.compile(r"^.*?\b(feel|feeling|feelings|felt)\b\s*")
MIN_TYPO_WORD = 4


def drop_feel_prefix(text):
    stripped = FEEL_PREFIX.sub("", text, count=1)
    return stripped if stripped and stripped != text else None


def add_typo(text, rng):
    words = text.split()
    candidates = [i for i, w in enumerate(words) if len(w) >= MIN_TYPO_WORD]
    if not candidates:
        return None
    i = rng.choice(candidates)
    word = words[i]
    pos = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        word = word[:pos] + word[pos + 1:]
    elif kind == 1:
        word = word[:pos] + word[pos] + word[pos:]
    else:
        word = word[:pos - 1] + word[pos] + word[pos - 1] + word[pos + 1:]
    words[i] = word
    return " ".join(words)


def truncate_context(text, rng):
    """Keep a window around the feel-word: chat messages are short."""
    words = text.split()
    for i, w in enumerate(words):
        if w in ("feel", "feeling", "felt"):
            return " ".join(words[max(0, i - 2): i + rng.randint(2, 5)])
    return None


def chat_variants(texts, labels, fraction, seed):
    """One variant for about `fraction` of the examples; deterministic given the seed."""
    rng = random.Random(seed)
    out_texts, out_labels = [], []
    makers = [drop_feel_prefix, lambda t: add_typo(t, rng), lambda t: truncate_context(t, rng)]
    for text, label in zip(texts, labels):
        if rng.random() >= fraction:
            continue
        variant = rng.choice(makers)(text)
        if variant:
            out_texts.append(variant)
            out_labels.append(label)
    return out_texts, out_labels
