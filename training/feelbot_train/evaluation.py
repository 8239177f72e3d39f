"""Metric reports per evaluation set, shared by training (selection) and training/evaluate.py."""

import numpy as np
from sklearn.metrics import f1_score

from .labels import NEUTRAL_ID
from .metrics import classification_metrics

# The app's auto reply mode answers a message only when its top emotion beats neutral and holds at
# least this share of all probability (AUTO_MODE_MIN_CONFIDENCE in src/domain/guild-settings.ts).
AUTO_MODE_MIN_CONFIDENCE = 0.6


def auto_mode_answers(probs):
    """Which rows the auto reply mode would answer: the product's own neutral decision."""
    top_emotion = probs[:, :NEUTRAL_ID].max(axis=1)
    return (probs.argmax(axis=1) != NEUTRAL_ID) & (top_emotion >= AUTO_MODE_MIN_CONFIDENCE)


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
        result["auto_mode_answer_rate"] = round(float(auto_mode_answers(probs[emotional]).mean()), 4)
    neutral = ~emotional
    if neutral.any():
        preds = probs.argmax(axis=1)
        result["neutral"] = {
            "n": int(neutral.sum()),
            "recall": round(float((preds[neutral] == NEUTRAL_ID).mean()), 4),
            "precision": round(float((labels[preds == NEUTRAL_ID] == NEUTRAL_ID).mean()), 4)
            if (preds == NEUTRAL_ID).any() else None,
            # Share of the neutral rows the auto reply mode would still answer (lower is better).
            "auto_mode_answer_rate": round(float(auto_mode_answers(probs[neutral]).mean()), 4),
            "all_rows": classification_metrics(probs, labels),
        }
    return result
