"""Pool the held-out folds written by `train_classifier.py --cv-fold K --cv-report DIR/fold-K.json`.

    /usr/bin/python3 training/cross_validate.py DIR [CANDIDATE_DIR]

For one run: accuracy on the held-out dair-ai train rows, split into coin-flip rows (the split
words of the whole train.txt, `feelbot_train/ambiguity.py`) and the rest, with the word majority's
accuracy on the coin-flip rows (the majority counted on each fold's training rows) and a sign test
of the model against it. With a candidate run: the paired difference, and a one-sided sign test over the coin-flip rows where
exactly one of the two is right. Prints one JSON object; test.txt is never read.
"""

import argparse
import json
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from feelbot_train.ambiguity import coin_flip_word, label_counts_by_word, split_cue_words  # noqa: E402
from feelbot_train.cross_validation import fold_of_rows  # noqa: E402
from feelbot_train.datasets import DEFAULT_DATA_DIR, read_dair  # noqa: E402
from feelbot_train.self_reports import is_self_report  # noqa: E402


def load_folds(run_dir):
    """({train.txt index: the ensemble's answer}, folds present, fold count) over the reports in `run_dir`."""
    paths = sorted(Path(run_dir).glob("fold-*.json"))
    if not paths:
        raise SystemExit(f"cross_validate: no fold-*.json reports in {run_dir}")
    answers, folds = {}, set()
    for path in paths:
        report = json.loads(path.read_text(encoding="utf-8"))
        folds.add(report["fold"])
        for position, row in enumerate(report["rows"]):
            answers[row["index"]] = report["ensemble"][position]
    return answers, folds, report["folds"]


def fold_majorities(texts, labels, words, folds):
    """Per fold, each split word's majority label among that fold's training rows."""
    assigned = fold_of_rows(len(texts), folds)
    majorities = []
    for fold in range(folds):
        kept = [i for i, f in enumerate(assigned) if f != fold]
        counts = label_counts_by_word([texts[i] for i in kept], [labels[i] for i in kept])
        majorities.append({w: counts[w].most_common(1)[0][0] for w in words if counts[w]})
    return assigned, majorities


def sign_test(wins, losses):
    """One-sided P(at least `wins` of wins + losses under a fair coin)."""
    n = wins + losses
    return sum(math.comb(n, k) for k in range(wins, n + 1)) / 2 ** n if n else 1.0


def head_to_head(right_a, right_b):
    """Rows only A gets right, rows only B gets right, and the one-sided sign test that A is better."""
    wins = int(sum(a and not b for a, b in zip(right_a, right_b)))
    losses = int(sum(b and not a for a, b in zip(right_a, right_b)))
    return wins, losses, round(sign_test(wins, losses), 4)


def score(answers, texts, labels, cue, assigned, majorities):
    """`cue`: each train.txt row's coin-flip word, or None."""
    share = lambda hits: round(sum(hits) / max(len(hits), 1), 4)  # noqa: E731
    right = {i: answer == labels[i] for i, answer in answers.items()}
    flips = [i for i in answers if cue[i]]
    model_right = [right[i] for i in flips]
    majority_right = [majorities[assigned[i]][cue[i]] == labels[i] for i in flips]
    other = [right[i] for i in answers if not cue[i]]
    self_report = [right[i] for i in answers if is_self_report(texts[i])]
    wins, losses, p = head_to_head(model_right, majority_right)
    return {"rows": len(answers), "accuracy": share(list(right.values())),
            "coin_flip_rows": len(flips), "coin_flip_accuracy": share(model_right),
            "word_majority_coin_flip_accuracy": share(majority_right),
            # Coin-flip rows where only the model, or only the word majority, is right: is its edge skill?
            "against_word_majority": {"only_model_right": wins, "only_majority_right": losses,
                                      "one_sided_sign_test_p": p},
            "other_rows": len(other), "other_accuracy": share(other),
            "self_report_rows": len(self_report), "self_report_accuracy": share(self_report)}


def paired(base, candidate, labels, cue):
    rows = [i for i in base.keys() & candidate.keys() if cue[i]]
    wins, losses, p = head_to_head([candidate[i] == labels[i] for i in rows], [base[i] == labels[i] for i in rows])
    return {"coin_flip_rows_only_candidate_right": wins, "coin_flip_rows_only_baseline_right": losses,
            "one_sided_sign_test_p": p}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("baseline", type=Path)
    parser.add_argument("candidate", type=Path, nargs="?")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    args = parser.parse_args()
    texts, labels = read_dair(args.data_dir, "train")
    words = split_cue_words(texts, labels)
    cue = [coin_flip_word(t, label, words) for t, label in zip(texts, labels)]
    base, folds, fold_count = load_folds(args.baseline)
    assigned, majorities = fold_majorities(texts, labels, words, fold_count)
    result = {"baseline": {"dir": str(args.baseline), "folds": sorted(folds),
                           **score(base, texts, labels, cue, assigned, majorities)}}
    if args.candidate:
        candidate, folds, _ = load_folds(args.candidate)
        result["candidate"] = {"dir": str(args.candidate), "folds": sorted(folds),
                               **score(candidate, texts, labels, cue, assigned, majorities)}
        for key in ("accuracy", "coin_flip_accuracy", "other_accuracy"):
            result[f"{key}_points_gained"] = round(100 * (result["candidate"][key] - result["baseline"][key]), 2)
        result["paired"] = paired(base, candidate, labels, cue)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
