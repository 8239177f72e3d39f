"""The training mix and the selection sets, all passed through the chat normaliser."""

import random
from dataclasses import dataclass, field

from .augment import chat_variants
from .chat_messages import chat_message_examples
from .chat_phrases import chat_phrase_examples
from .coin_flip_targets import coin_flip_soft_targets
from .cross_validation import partition
from .datasets import read_dailydialog, read_dair, read_goemotions, read_text_label_file
from .labels import EMOTION_LABELS, LABEL_TO_ID, LABELS, NEUTRAL_ID
from .normalize import NORMALIZER_VERSION, normalize_chat_text
from .self_reports import self_report_weights, without_self_reports
from .written_self_reports import (
    SECOND_SELF_REPORTS_FILE, SELF_REPORTS_FILE, THIRD_SELF_REPORTS_FILE, written_self_report_examples)


@dataclass
class Split:
    texts: list = field(default_factory=list)
    labels: list = field(default_factory=list)
    weights: list = field(default_factory=list)
    # {row index: target vector} for rows trained toward a soft target (`--coin-flip-soft`).
    soft_targets: dict = field(default_factory=dict)
    # dair-ai train rows held out of training by `--cv-fold`, as (train.txt index, text, label).
    held_out: list = field(default_factory=list)
    # The chat normaliser every added text goes through (`--normalizer`).
    normalizer: str = NORMALIZER_VERSION

    def add(self, texts, labels, weight):
        """`weight` is one loss weight for every row, or a list with one per row."""
        weights = weight if isinstance(weight, list) else [weight] * len(texts)
        for text, label, row_weight in zip(texts, labels, weights):
            text = normalize_chat_text(text, self.normalizer)
            if text:
                self.texts.append(text)
                self.labels.append(label)
                self.weights.append(row_weight)


EMOTION_IDS = frozenset(LABEL_TO_ID[label] for label in EMOTION_LABELS)


def subsample_neutral(texts, labels, max_neutral, seed, keep_emotional=True):
    """Keep a fixed random share of the neutral rows, and the emotional ones that `keep_emotional` names.

    `keep_emotional` is True (every emotional row), False (none) or a collection of label ids.
    """
    neutral = [i for i, label in enumerate(labels) if label == NEUTRAL_ID]
    random.Random(seed).shuffle(neutral)
    keep = set(neutral[:max_neutral])
    emotional = EMOTION_IDS if keep_emotional is True else keep_emotional or ()
    keep |= {i for i, label in enumerate(labels) if label in emotional}
    return [texts[i] for i in sorted(keep)], [labels[i] for i in sorted(keep)]


def dailydialog_emotions_kept(options):
    """The DailyDialog emotional turns to train on: those of the named labels, every one, or none."""
    if options.dailydialog_emotion_labels:
        return {LABEL_TO_ID[name] for name in options.dailydialog_emotion_labels.split(",")}
    return bool(options.dailydialog_emotions)


def dailydialog_weights(labels, options):
    """DailyDialog's loss weight: one for every turn, or `--dailydialog-emotions-weight` on the emotional ones."""
    if options.dailydialog_emotions_weight is None:
        return options.dailydialog_weight
    return [options.dailydialog_weight if label == NEUTRAL_ID else options.dailydialog_emotions_weight
            for label in labels]


def build_training_split(options):
    split = Split(normalizer=options.normalizer)
    texts, labels = read_dair(options.data_dir, "train")
    if options.hold_out_self_reports:
        # Before the chat-like variants are made, so that no copy of a held-out row is trained on.
        texts, labels = without_self_reports(texts, labels)
    if options.cv_fold is not None:
        texts, labels, split.held_out = partition(texts, labels, options.cv_fold, options.cv_folds)
    split.add(texts, labels, self_report_weights(texts, options.self_report_weight))
    split.add(*chat_variants(texts, labels, options.augment_fraction, options.seed), options.augment_weight)
    if options.coin_flip_soft > 0:
        # dair-ai's rows and their chat-like variants are all the split holds so far.
        split.soft_targets = coin_flip_soft_targets(
            texts, labels, split.texts, split.labels, options.coin_flip_soft, len(LABELS))
    if options.goemotions_weight > 0:
        texts, labels = read_goemotions(options.data_dir, "train")
        split.add(*subsample_neutral(texts, labels, options.goemotions_max_neutral, options.seed),
                  options.goemotions_weight)
    if options.dailydialog_weight > 0:
        texts, labels = read_dailydialog(options.data_dir, "train")
        # DailyDialog's emotion labels are sparse and mostly "happiness" on polite turns, so by default
        # only its "no emotion" turns are used, to teach neutral.
        texts, labels = subsample_neutral(texts, labels, options.dailydialog_max_neutral, options.seed,
                                          keep_emotional=dailydialog_emotions_kept(options))
        split.add(texts, labels, dailydialog_weights(labels, options))
    if options.chat_phrases_weight > 0:
        split.add(*chat_phrase_examples("train", options.chat_phrases_per_label, options.seed),
                  options.chat_phrases_weight)
    if options.chat_messages_weight > 0:
        split.add(*chat_message_examples("train"), options.chat_messages_weight)
    for path, weight, per_label in written_self_report_files(options):
        if weight > 0:
            split.add(*written_self_report_examples("train", per_label, options.seed, path), weight)
    for path in options.extra:
        split.add(*read_text_label_file(path), options.extra_weight)
    return split


def written_self_report_files(options):
    """(file, loss weight, answers per label) for each file of written self-reports, in training order."""
    return [
        (SELF_REPORTS_FILE, options.written_self_reports_weight, options.written_self_reports_per_label),
        (SECOND_SELF_REPORTS_FILE, options.second_self_reports_weight, options.second_self_reports_per_label),
        (THIRD_SELF_REPORTS_FILE, options.third_self_reports_weight, options.third_self_reports_per_label),
    ]


def build_selection_sets(data_dir, normalizer=NORMALIZER_VERSION):
    """Used to pick epochs and the temperature; dair-ai test.txt is never read here."""
    sets = {}
    for name, (texts, labels) in {
        "dair_validation": read_dair(data_dir, "validation"),
        "goemotions_dev": read_goemotions(data_dir, "dev"),
        "dailydialog_dev": read_dailydialog(data_dir, "dev"),
    }.items():
        split = Split(normalizer=normalizer)
        split.add(texts, labels, 1.0)
        sets[name] = split
    return sets
