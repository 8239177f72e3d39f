"""Accuracy, macro-F1, per-label F1 and expected calibration error, as reported in the model card."""

import numpy as np
from sklearn.metrics import accuracy_score, f1_score

from .labels import EMOTION_LABELS, LABELS, NEUTRAL_ID

# Equal-width confidence bins, the usual choice for ECE (Guo et al. 2017).
ECE_BINS = 15


def expected_calibration_error(probs, labels):
    confidence = probs.max(axis=1)
    correct = probs.argmax(axis=1) == np.asarray(labels)
    edges = np.linspace(0.0, 1.0, ECE_BINS + 1)
    ece = 0.0
    for low, high in zip(edges[:-1], edges[1:]):
        in_bin = (confidence > low) & (confidence <= high)
        if in_bin.any():
            ece += in_bin.mean() * abs(correct[in_bin].mean() - confidence[in_bin].mean())
    return float(ece)


def classification_metrics(probs, labels):
    """Metrics over the labels present in `labels`; neutral is reported apart from the six emotions."""
    labels = np.asarray(labels)
    preds = probs.argmax(axis=1)
    present = sorted(set(labels.tolist()))
    emotions_present = [i for i in present if i != NEUTRAL_ID]
    per_label = f1_score(labels, preds, labels=present, average=None, zero_division=0)
    emotional = labels != NEUTRAL_ID
    result = {
        "n": int(len(labels)),
        "accuracy": round(float(accuracy_score(labels, preds)), 4),
        "macro_f1": round(float(f1_score(labels, preds, labels=present, average="macro", zero_division=0)), 4),
        "macro_f1_emotions": round(float(f1_score(labels, preds, labels=emotions_present, average="macro",
                                                  zero_division=0)), 4),
        "per_label_f1": {LABELS[i]: round(float(f), 4) for i, f in zip(present, per_label)},
        "ece": round(expected_calibration_error(probs, labels), 4),
        # How often a real emotion is swallowed by neutral: the cost of the 7th class.
        "predicted_neutral_rate_on_emotional": round(float((preds[emotional] == NEUTRAL_ID).mean()), 4)
        if emotional.any() else None,
    }
    if NEUTRAL_ID in present:
        is_neutral = labels == NEUTRAL_ID
        result["neutral_recall"] = round(float((preds[is_neutral] == NEUTRAL_ID).mean()), 4)
        result["neutral_precision"] = round(float((labels[preds == NEUTRAL_ID] == NEUTRAL_ID).mean()), 4) \
            if (preds == NEUTRAL_ID).any() else None
    if set(present) <= set(range(len(EMOTION_LABELS))):
        result.pop("macro_f1_emotions")
    return result
