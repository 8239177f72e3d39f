"""Where a model's errors off the coin-flip rows come from: train.txt backing its answer, or not.

The split words (`ambiguity.split_cue_words`) need 30 training rows and a near-even split. Rarer
emotion words split too ("assaulted": 17 fear, 8 sadness in train.txt), and a row labelled with
such a word's minority label is wrong for a reader that learnt train.txt, much as a coin-flip row
is. Each error is sorted into one kind:
- "self_report": an ISEAR-style row with no feel-word (`self_reports.is_self_report`);
- "answer_backed_by_its_words": the row's cue words together have more training rows under the
  model's answer than under the row's label;
- "unbacked": neither; the error is the model's own.

A cue word has at least MIN_CUE_ROWS training rows and labels that say more than the class priors
(the information test of the split words), which leaves out "i", "feel" and "the".
It is an analysis of the labels, and selects nothing.
"""

from collections import Counter

from .ambiguity import cue_words
from .self_reports import is_self_report

MIN_CUE_ROWS = 5
KINDS = ("self_report", "answer_backed_by_its_words", "unbacked")


def cue_word_counts(texts, labels):
    """{word: Counter of training labels} for the words that carry label information."""
    return cue_words(texts, labels, MIN_CUE_ROWS)


def row_cue_words(text, cues):
    return {w for w in text.split() if w in cues}


def error_kind(text, label, predicted, cues):
    if is_self_report(text):
        return "self_report"
    words = row_cue_words(text, cues)
    backed = sum(cues[w][predicted] for w in words) > sum(cues[w][label] for w in words)
    return "answer_backed_by_its_words" if backed else "unbacked"


def sort_errors(rows, cues, label_names):
    """rows: (text, label, predicted) of the errors to sort. Returns the count per kind and each row."""
    listed = []
    for text, label, predicted in rows:
        words = sorted(row_cue_words(text, cues), key=lambda w: -sum(cues[w].values()))
        listed.append({"kind": error_kind(text, label, predicted, cues), "label": label_names[label],
                       "answer": label_names[predicted], "text": text,
                       "cue_words": {w: {label_names[k]: c for k, c in cues[w].most_common(3)} for w in words}})
    counts = Counter(row["kind"] for row in listed)
    return {"counts": {kind: counts[kind] for kind in KINDS}, "rows": listed}
