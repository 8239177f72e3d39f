"""Metric reports per evaluation set, shared by training (selection) and training/evaluate.py."""

import numpy as np
from sklearn.metrics import f1_score

from .labels import NEUTRAL_ID
from .metrics import classification_metrics


def softmax(logits):
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def report(probs, labels):
    """Six-emotion metrics on the emotional rows; neutral rows reported apart, as the issue asks."""
    labels = np.asarray(labels)
    emotional = labels != NEUTRAL_ID
    result = classification_metrics(probs[emotional], labels[emotional]) if emotional.any() else {}
    if emotional.any():
        # The same rows with the neutral output ignored: how well the six emotions are told apart.
        six_way = probs[emotional][:, :NEUTRAL_ID]
        result["macro_f1_six_way"] = round(float(f1_score(labels[emotional], six_way.argmax(axis=1),
                                                          labels=sorted(set(labels[emotional].tolist())),
                                                          average="macro", zero_division=0)), 4)
    neutral = ~emotional
    if neutral.any():
        preds = probs.argmax(axis=1)
        result["neutral"] = {
            "n": int(neutral.sum()),
            "recall": round(float((preds[neutral] == NEUTRAL_ID).mean()), 4),
            "precision": round(float((labels[preds == NEUTRAL_ID] == NEUTRAL_ID).mean()), 4)
            if (preds == NEUTRAL_ID).any() else None,
            "all_rows": classification_metrics(probs, labels),
        }
    return result
