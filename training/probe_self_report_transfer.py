"""Probes U and V: do written self-reports teach the model to read real ones?

    /usr/bin/python3 training/probe_self_report_transfer.py --baseline /tmp/runU0/emotion --candidate /tmp/runU1/emotion
    /usr/bin/python3 training/probe_self_report_transfer.py --baseline /tmp/runV0/emotion --candidate /tmp/runV1/emotion --min-difference 0.03

Both folders must come from `train_classifier.py --hold-out-self-reports`, so that dair-ai's 219
ISEAR-style rows with no feel-word (train.txt's 195, validation's 24) are text neither model
trained on. Scores each model on them as `feelbot eval` does (the emotion with the most
probability, neutral ignored), then compares the two row by row. Prints one JSON object.
training/README.md, "Probe U" and "Probe V", give the questions and what counts as an answer, written
before the runs.
"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cross_validate import head_to_head  # noqa: E402
from evaluate import dair_self_reports, predict_raw_texts  # noqa: E402
from feelbot_train.datasets import DEFAULT_DATA_DIR, read_dair  # noqa: E402
from feelbot_train.labels import LABELS, NEUTRAL_ID  # noqa: E402
from feelbot_train.self_reports import only_self_reports  # noqa: E402

# What counts as an answer (Probe U, training/README.md): a difference of at least this much
# six-way accuracy (probe V: 0.03, `--min-difference`), with a one-sided sign test over the rows only
# one model gets right under P_VALUE.
MIN_DIFFERENCE = 0.05
P_VALUE = 0.05


def scores(probs, labels):
    labels = np.asarray(labels)
    answers = probs[:, :NEUTRAL_ID].argmax(axis=1)
    present = sorted(set(labels.tolist()))
    return {"rows": len(labels),
            "accuracy": round(float((answers == labels).mean()), 4),
            "macro_f1": round(float(f1_score(labels, answers, labels=present, average="macro", zero_division=0)), 4),
            "recall": {LABELS[k]: round(float((answers[labels == k] == k).mean()), 4) for k in present},
            "called_neutral": round(float((probs.argmax(axis=1) == NEUTRAL_ID).mean()), 4)}, answers == labels


def verdict(difference, p_better, p_worse, min_difference=MIN_DIFFERENCE):
    if difference >= min_difference and p_better < P_VALUE:
        return "transfers"
    if difference <= -min_difference and p_worse < P_VALUE:
        return "hurts"
    return "no clear difference"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", type=Path, required=True, help="probe U: trained with --written-self-reports-weight 0")
    parser.add_argument("--candidate", type=Path, required=True, help="probe U: trained with the written self-reports")
    parser.add_argument("--min-difference", type=float, default=MIN_DIFFERENCE,
                        help="six-way accuracy difference an answer needs (probe U 0.05, probe V 0.03)")
    args = parser.parse_args()
    texts, labels = dair_self_reports(DEFAULT_DATA_DIR)
    validation_rows = len(only_self_reports(*read_dair(DEFAULT_DATA_DIR, "validation"))[0])
    result, right = {}, {}
    for name, folder in (("baseline", args.baseline), ("candidate", args.candidate)):
        probs = predict_raw_texts(folder.resolve(), "fp32", texts)
        result[name], right[name] = scores(probs, labels)
        result[name]["validation_rows"] = scores(probs[-validation_rows:], labels[-validation_rows:])[0]
    wins, losses, p_better = head_to_head(right["candidate"], right["baseline"])
    p_worse = head_to_head(right["baseline"], right["candidate"])[2]
    difference = round(result["candidate"]["accuracy"] - result["baseline"]["accuracy"], 4)
    result["paired"] = {"accuracy_difference": difference, "only_candidate_right": wins,
                        "only_baseline_right": losses, "sign_test_candidate_better": p_better,
                        "sign_test_candidate_worse": p_worse,
                        "verdict": verdict(difference, p_better, p_worse, args.min_difference)}
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
