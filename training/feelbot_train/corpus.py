"""The training mix and the selection sets, all passed through the chat normaliser."""

import random
from collections import Counter
from dataclasses import dataclass, field

from .augment import chat_variants
from .datasets import read_dailydialog, read_dair, read_goemotions, read_text_label_file
from .labels import LABEL_TO_ID, NEUTRAL_ID
from .normalize import normalize_chat_text

JOY_ID = LABEL_TO_ID["joy"]


@dataclass
class Split:
    texts: list = field(default_factory=list)
    labels: list = field(default_factory=list)
    weights: list = field(default_factory=list)

    def add(self, texts, labels, weight, label_weights=None):
        for text, label in zip(texts, labels):
            text = normalize_chat_text(text)
            if text:
                self.texts.append(text)
                self.labels.append(label)
                self.weights.append(weight * (label_weights or {}).get(label, 1.0))


def balance_weights(labels, power):
    """Per-label weights ∝ count^-power, with the weighted total kept equal to the row count."""
    counts = Counter(labels)
    raw = {label: count ** -power for label, count in counts.items()}
    scale = len(labels) / sum(raw[label] * count for label, count in counts.items())
    return {label: w * scale for label, w in raw.items()}


def cap_labels(texts, labels, caps, seed):
    """Keep at most caps[label] rows of each capped label (a fixed random subset); caps[label] 0 drops it."""
    rng = random.Random(seed)
    keep = set()
    for label in sorted(set(labels)):
        rows = [i for i, row_label in enumerate(labels) if row_label == label]
        if label in caps:
            rng.shuffle(rows)
            rows = rows[:caps[label]]
        keep.update(rows)
    return [texts[i] for i in sorted(keep)], [labels[i] for i in sorted(keep)]


def build_training_split(options):
    split = Split()
    texts, labels = read_dair(options.data_dir, "train")
    split.add(texts, labels, 1.0)
    split.add(*chat_variants(texts, labels, options.augment_fraction, options.seed), options.augment_weight)
    if options.goemotions_weight > 0:
        texts, labels = read_goemotions(options.data_dir, "train")
        texts, labels = cap_labels(texts, labels, {NEUTRAL_ID: options.goemotions_max_neutral}, options.seed)
        # Its emotions are far from balanced (joy ~12k comments, fear ~0.5k) and macro-F1 counts each alike.
        split.add(texts, labels, options.goemotions_weight, balance_weights(labels, options.goemotions_balance))
    if options.dailydialog_weight > 0:
        texts, labels = read_dailydialog(options.data_dir, "train")
        # Its emotional turns are mostly "happiness" on polite turns ("thank you", "sounds great"), so
        # that label is capped; the rarer ones are what dialogue adds beyond the other corpora.
        caps = {NEUTRAL_ID: options.dailydialog_max_neutral, JOY_ID: options.dailydialog_max_joy}
        if not options.dailydialog_emotions:
            caps |= {label: 0 for label in range(NEUTRAL_ID)}
        split.add(*cap_labels(texts, labels, caps, options.seed), options.dailydialog_weight)
    for path in options.extra:
        split.add(*read_text_label_file(path), options.extra_weight)
    return split


def build_selection_sets(data_dir):
    """Used to pick epochs and the temperature; dair-ai test.txt is never read here."""
    sets = {}
    for name, (texts, labels) in {
        "dair_validation": read_dair(data_dir, "validation"),
        "goemotions_dev": read_goemotions(data_dir, "dev"),
        "dailydialog_dev": read_dailydialog(data_dir, "dev"),
    }.items():
        split = Split()
        split.add(texts, labels, 1.0)
        sets[name] = split
    return sets
