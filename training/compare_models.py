"""The measures the selection rules in training/README.md read, for two model folders side by side.

    /usr/bin/python3 training/compare_models.py --candidate /tmp/runI/emotion            # against models/emotion
    /usr/bin/python3 training/compare_models.py --baseline A --candidate B --json out.json

Prints a Markdown table, one row per measure: baseline, candidate and the difference. dair-ai's
validation split, chat-check.txt and chat-check-b.txt are scored by `feelbot eval` (build first:
`npm run build`), as the rules say; the other sets by evaluate.py's path (the Python normaliser,
then transformers.js).
A rule's floors are its own; this script only measures. dair-ai test.txt is never read.
"""

import argparse
import json
import os
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from evaluate import NAMED_SETS, REPO, score  # noqa: E402
from feelbot_train.ambiguity import relabelled_repeats, split_cue_words  # noqa: E402
from feelbot_train.datasets import DEFAULT_DATA_DIR, read_dair  # noqa: E402
from feelbot_train.residual_errors import cue_word_counts  # noqa: E402
from label_ambiguity import model_errors, model_predictions  # noqa: E402

CHAT_CHECK = REPO / "training" / "data" / "chat-check.txt"
CHAT_CHECK_B = REPO / "training" / "data" / "chat-check-b.txt"
# (key, label, decimals): the rows of the table, in the order the rules list their clauses.
MEASURES = [
    ("dair_val_accuracy", "dair-ai validation accuracy (`feelbot eval`)", 4),
    ("dair_val_macro_f1", "dair-ai validation macro-F1 (`feelbot eval`)", 4),
    ("dair_val_coin_flip_errors", "dair-ai validation errors on coin-flip rows", 0),
    ("dair_val_other_errors", "dair-ai validation errors on other rows", 0),
    ("dair_val_self_report_errors", "dair-ai validation self-report rows wrong (of 24)", 0),
    ("members_mean_val_accuracy", "members alone, mean dair-ai validation accuracy (training-metrics.json)", 4),
    ("goemotions_six", "GoEmotions dev six-label macro-F1", 4),
    ("written_self_reports_six", "written self-reports held out, six-way F1", 4),
    ("written_self_reports_b_six", "second file's written self-reports held out, six-way F1", 4),
    ("written_self_reports_c_six", "third file's written self-reports held out, six-way F1", 4),
    ("dailydialog_neutral_recall", "DailyDialog \"no emotion\" recall", 4),
    ("dailydialog_neutral_answered", "DailyDialog \"no emotion\" answered by auto mode", 4),
    ("dailydialog_six", "DailyDialog emotional turns, six-way F1", 4),
    ("dailydialog_all_turns_f1", "DailyDialog all held-out turns, seven-way macro-F1", 4),
    ("chat_phrases_six", "chat phrases held out, six-way F1", 4),
    ("chat_phrases_neutral_recall", "chat phrases held out, neutral recall", 4),
    ("chat_messages_six", "chat messages held out, six-way F1", 4),
    ("chat_messages_neutral_recall", "chat messages held out, neutral recall", 4),
    ("chat_check_accuracy", "chat-check seven-way accuracy (`feelbot eval`)", 4),
    ("chat_check_macro_f1", "chat-check seven-way macro-F1 (`feelbot eval`)", 4),
    ("chat_check_anger_fear_right", "chat-check anger + fear right (of 30)", 0),
    ("chat_check_b_accuracy", "chat-check-b seven-way accuracy (`feelbot eval`)", 4),
    ("chat_check_b_macro_f1", "chat-check-b seven-way macro-F1 (`feelbot eval`)", 4),
]


def feelbot_eval(model_dir, file):
    """The report `feelbot eval <file>` prints for the model folder."""
    env = {**os.environ, "EMOTION_MODEL": str(model_dir), "FEELBOT_ENV_FILE": "", "LOG_LEVEL": "error"}
    result = subprocess.run(["node", "dist/cli/main.js", "eval", str(file)], cwd=REPO, env=env,
                            check=True, capture_output=True, text=True)
    return json.loads(result.stdout)


def named_set_report(model_dir, name):
    return score(model_dir, "fp32", *NAMED_SETS[name]())


@lru_cache(maxsize=1)
def validation_cues():
    """dair-ai validation with its split cue words, relabelled repeats and cue words, read once for both models."""
    train_texts, train_labels = read_dair(DEFAULT_DATA_DIR, "train")
    texts, labels = read_dair(DEFAULT_DATA_DIR, "validation")
    return (texts, labels, split_cue_words(train_texts, train_labels),
            relabelled_repeats(texts, labels, train_texts, train_labels), cue_word_counts(train_texts, train_labels))


def members_mean_accuracy(model_dir):
    """The mean of the members' own dair-ai validation accuracies, as training recorded them."""
    members = json.loads((model_dir / "training-metrics.json").read_text(encoding="utf-8"))["members"]
    return sum(member["dair_val_acc"] for member in members) / len(members)


def measure(model_dir):
    """Every measure in MEASURES for one exported model folder."""
    model_dir = Path(model_dir).resolve()
    validation = feelbot_eval(model_dir, DEFAULT_DATA_DIR / "emotion" / "validation.txt")
    texts, labels, words, repeats, cues = validation_cues()
    errors = model_errors(model_predictions(model_dir, texts), texts, labels, words, repeats, cues)
    goemotions = named_set_report(model_dir, "goemotions-dev")
    dialogue = named_set_report(model_dir, "dailydialog-dev")
    chat = named_set_report(model_dir, "chat-phrases-heldout")
    written = named_set_report(model_dir, "self-reports-heldout")
    written_b = named_set_report(model_dir, "self-reports-b-heldout")
    written_c = named_set_report(model_dir, "self-reports-c-heldout")
    messages = named_set_report(model_dir, "chat-messages-heldout")
    check = feelbot_eval(model_dir, CHAT_CHECK)
    check_b = feelbot_eval(model_dir, CHAT_CHECK_B)
    return {
        "dair_val_accuracy": validation["accuracy"],
        "dair_val_macro_f1": validation["macro_f1"],
        "dair_val_coin_flip_errors": errors["errors_on_coin_flip_rows"],
        "dair_val_other_errors": errors["errors"] - errors["errors_on_coin_flip_rows"],
        "dair_val_self_report_errors": errors["errors_on_self_report_rows"],
        "members_mean_val_accuracy": members_mean_accuracy(model_dir),
        "goemotions_six": goemotions["macro_f1_six_way"],
        "written_self_reports_six": written["macro_f1_six_way"],
        "written_self_reports_b_six": written_b["macro_f1_six_way"],
        "written_self_reports_c_six": written_c["macro_f1_six_way"],
        "dailydialog_neutral_recall": dialogue["neutral"]["recall"],
        "dailydialog_neutral_answered": dialogue["neutral"]["auto_mode_answer_rate"],
        "dailydialog_six": dialogue["macro_f1_six_way"],
        "dailydialog_all_turns_f1": dialogue["neutral"]["all_rows"]["macro_f1"],
        "chat_phrases_six": chat["macro_f1_six_way"],
        "chat_phrases_neutral_recall": chat["neutral"]["recall"],
        "chat_messages_six": messages["macro_f1_six_way"],
        "chat_messages_neutral_recall": messages["neutral"]["recall"],
        "chat_check_accuracy": check["accuracy"],
        "chat_check_macro_f1": check["macro_f1"],
        "chat_check_anger_fear_right": sum(check["confusion"][label][label] for label in ("anger", "fear")),
        "chat_check_b_accuracy": check_b["accuracy"],
        "chat_check_b_macro_f1": check_b["macro_f1"],
    }


def markdown_table(baseline, candidate):
    """One row per measure: baseline | candidate | candidate − baseline."""
    lines = ["| measure | baseline | candidate | difference |", "| --- | ---: | ---: | ---: |"]
    for key, label, decimals in MEASURES:
        before, after = baseline[key], candidate[key]
        lines.append(f"| {label} | {before:.{decimals}f} | {after:.{decimals}f} | {after - before:+.{decimals}f} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", type=Path, default=REPO / "models" / "emotion")
    parser.add_argument("--candidate", type=Path, required=True)
    parser.add_argument("--json", type=Path, help="also write both sets of numbers to this file")
    args = parser.parse_args()
    baseline, candidate = measure(args.baseline), measure(args.candidate)
    if args.json:
        args.json.write_text(json.dumps({"baseline": baseline, "candidate": candidate}, indent=2) + "\n")
    print(markdown_table(baseline, candidate))


if __name__ == "__main__":
    main()
