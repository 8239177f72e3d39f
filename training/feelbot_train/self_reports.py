"""dair-ai's self-report rows: event descriptions with no feel-word, in the style of ISEAR.

About 1 % of dair-ai ("when my father shouted at me for going to a party;anger"). They carry no
emotion word, so the neutral class learned from DailyDialog's narrative turns pulls them in.
"""

import re

FEEL_WORD = re.compile(r"\b(feel|feels|feeling|feelings|feelin|felt)\b")


def is_self_report(text):
    return FEEL_WORD.search(text) is None


def self_report_weights(texts, weight):
    """`weight` for the self-reports, 1 for every other row."""
    return [weight if is_self_report(t) else 1.0 for t in texts]


def without_self_reports(texts, labels):
    """dair-ai's rows with a feel-word: the training rows left when the self-reports are held out."""
    return _rows_where(texts, labels, lambda text: not is_self_report(text))


def only_self_reports(texts, labels):
    return _rows_where(texts, labels, is_self_report)


def _rows_where(texts, labels, keep):
    kept = [(t, label) for t, label in zip(texts, labels) if keep(t)]
    return [t for t, _ in kept], [label for _, label in kept]
