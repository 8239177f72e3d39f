"""How much of dair-ai's remaining error is label noise: the split cue words and what they cost.

    /usr/bin/python3 training/label_ambiguity.py --model models/emotion

Finds the split words on train.txt, tests on train.txt whether a sentence's other words predict
which of the two labels it got, and on validation.txt reports the bounds those words put on
accuracy and macro-F1 and where the model's errors fall (coin-flip rows, ISEAR-style self-reports,
the rest). It also draws the coin-flip rows at chance to give the share of readers that reach
macro-F1 0.90, and counts the model's other errors that would have to be fixed to reach it.
Prints one JSON object. test.txt is read only when named with --file.
"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

sys.path.insert(0, str(Path(__file__).resolve().parent))

from evaluate import predict_raw_texts  # noqa: E402
from feelbot_train.ambiguity import (  # noqa: E402
    best_assignment_bound, coin_flip_word, context_test, cue_oracle, first_split_word, majority_label,
    relabelled_repeats, split_cue_words)
from feelbot_train.datasets import DEFAULT_DATA_DIR, read_dair, read_text_label_file  # noqa: E402
from feelbot_train.labels import LABELS, NEUTRAL_ID  # noqa: E402
from feelbot_train.residual_errors import cue_word_counts, sort_errors  # noqa: E402
from feelbot_train.self_reports import is_self_report  # noqa: E402
from feelbot_train.target_chance import chance_of_target, other_errors_to_fix  # noqa: E402

# Issue 3's dair-ai test target.
TARGET_MACRO_F1 = 0.90


def model_predictions(model_dir, texts):
    """Six-way answers (the emotion with the most probability), as `feelbot eval` scores them."""
    probs = predict_raw_texts(model_dir.resolve(), "fp32", texts)
    return probs[:, :NEUTRAL_ID].argmax(axis=1)


def model_errors(predicted, texts, labels, words, repeats, cues):
    labels = np.asarray(labels)
    wrong = predicted != labels
    cue = [coin_flip_word(t, label, words) for t, label in zip(texts, labels)]
    flip = np.array([w is not None for w in cue])
    self_report = np.array([is_self_report(t) for t in texts])
    majority = np.array([majority_label(w, words) if w else -1 for w in cue])
    departs = flip & (predicted != majority)
    return {"errors": int(wrong.sum()), "errors_on_coin_flip_rows": int(wrong[flip].sum()),
            "accuracy_on_coin_flip_rows": round(float(1 - wrong[flip].mean()), 4),
            "word_majority_accuracy_on_coin_flip_rows": round(float((majority[flip] == labels[flip]).mean()), 4),
            # Where the model answers a coin-flip row against the word's training majority, who is right
            # more often: a sign of whether it reads something in the context.
            "departures_from_word_majority": {"rows": int(departs.sum()),
                                              "model_right": int((predicted == labels)[departs].sum()),
                                              "majority_right": int((majority == labels)[departs].sum())},
            "accuracy_elsewhere": round(float(1 - wrong[~flip].mean()), 4),
            "self_report_rows": int(self_report.sum()),
            "errors_on_self_report_rows": int(wrong[self_report].sum()),
            # Sentences train.txt holds under another label: answering that label is learning train.txt.
            "answers_the_training_label_on_relabelled_repeats": sum(
                int(predicted[i]) in train_labels for i, train_labels in repeats.items()),
            # The model's own coin-flip answers with every other row made right: what its other errors cost.
            "macro_f1_if_right_elsewhere": round(float(f1_score(labels, np.where(flip, predicted, labels),
                                                                average="macro")), 4),
            "other_errors_to_fix_for_target": other_errors_to_fix(texts, labels, words, predicted, TARGET_MACRO_F1),
            # The errors off the coin-flip rows, each with its cue words' training labels (residual_errors).
            "errors_elsewhere": sort_errors(
                [(texts[i], int(labels[i]), int(predicted[i])) for i in np.flatnonzero(wrong & ~flip)], cues, LABELS)}


def target_chances(texts, labels, words, predicted, rates):
    """Share of readers reaching the target when coin-flip rows are chance: right elsewhere, or as the model.

    `rates`: the chances of being right on a coin-flip row to draw with.
    """
    chances = {}
    for p_right in rates:
        chances[f"right_elsewhere_p{p_right}"] = chance_of_target(texts, labels, words, None, p_right, TARGET_MACRO_F1)
        if predicted is not None:
            chances[f"model_elsewhere_p{p_right}"] = chance_of_target(
                texts, labels, words, predicted, p_right, TARGET_MACRO_F1)
    return chances


def with_label_names(bound):
    return {**bound, "answers": {w: LABELS[k] for w, k in bound["answers"].items()}}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--file", type=Path, help="`text;label` file to bound (default: dair-ai validation.txt)")
    parser.add_argument("--model", type=Path, help="model folder whose errors to place")
    args = parser.parse_args()
    train_texts, train_labels = read_dair(args.data_dir, "train")
    words = split_cue_words(train_texts, train_labels)
    texts, labels = read_text_label_file(args.file) if args.file else read_dair(args.data_dir, "validation")
    rows_with_word = sum(first_split_word(t, words) is not None for t in texts)
    context = context_test(train_texts, train_labels, words)
    repeats = relabelled_repeats(texts, labels, train_texts, train_labels)
    predicted = model_predictions(args.model, texts) if args.model else None
    errors = (model_errors(predicted, texts, labels, words, repeats, cue_word_counts(train_texts, train_labels))
              if args.model else None)
    # 0.5, the best rate learnable from train.txt, and the model's own rate on this file's coin-flip
    # rows (as if its edge there were skill rather than luck).
    rates = [0.5, max(0.5, context["word_majority_accuracy"])]
    if errors:
        rates.append(round(errors["accuracy_on_coin_flip_rows"], 3))
    result = {
        "split_words": {w: {LABELS[k]: c for k, c in counts.most_common(3)} for w, counts in
                        sorted(words.items(), key=lambda item: -sum(item[1].values()))},
        "context_test_on_train": context,
        "file": str(args.file or "dair-ai validation"),
        "rows": len(texts),
        "rows_with_split_word": rows_with_word,
        "coin_flip_rows": sum(coin_flip_word(t, label, words) is not None for t, label in zip(texts, labels)),
        # The same sentence in train.txt, only under other labels (see relabelled_repeats).
        "relabelled_repeats_of_train": {
            "rows": len(repeats),
            "coin_flip_rows": sum(coin_flip_word(texts[i], labels[i], words) is not None for i in repeats)},
        "cue_oracle": cue_oracle(texts, labels, words),
        # The same reader answering each word with its macro-F1-best label on train.txt instead.
        "cue_oracle_macro_f1_answers_from_train": cue_oracle(
            texts, labels, words, best_assignment_bound(train_texts, train_labels, words)["answers"]),
        "bound_best_word_answers": with_label_names(best_assignment_bound(texts, labels, words)),
        # Coin-flip rows drawn at chance (see target_chances for the rates).
        f"chance_of_macro_f1_{TARGET_MACRO_F1}": target_chances(texts, labels, words, predicted, rates),
    }
    if errors:
        result["model"] = {"dir": str(args.model), **errors}
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
