"""Print the metrics JSON of an exported model folder on a `text;label` file (split on the last ';').

    /usr/bin/python3 training/evaluate.py ../shared/data/emotion/test.txt --model models/emotion
    /usr/bin/python3 training/evaluate.py goemotions-dev      # the mapped GoEmotions dev set
    /usr/bin/python3 training/evaluate.py dailydialog-dev     # the held-out DailyDialog dialogues
    /usr/bin/python3 training/evaluate.py chat-phrases-heldout  # chat messages from phrases training never saw
    /usr/bin/python3 training/evaluate.py self-reports-heldout  # ISEAR-style answers about events training never saw
    /usr/bin/python3 training/evaluate.py self-reports-b-heldout  # the same from the second file's held-out fifth
    /usr/bin/python3 training/evaluate.py self-reports-c-heldout  # the same from the third file's held-out fifth
    /usr/bin/python3 training/evaluate.py dair-validation-handles  # the same sentences after a pasted "@handle"
    /usr/bin/python3 training/evaluate.py dair-self-reports  # dair-ai's 219 ISEAR-style rows (--hold-out-self-reports)

Texts go through the Python chat normaliser, then through transformers.js in Node (the path the app
uses), so the numbers describe the shipped ONNX file, not a PyTorch twin of it.
"""

import argparse
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from feelbot_train.chat_messages import chat_message_examples  # noqa: E402
from feelbot_train.chat_phrases import chat_phrase_examples  # noqa: E402
from feelbot_train.datasets import (  # noqa: E402
    DEFAULT_DATA_DIR, read_dailydialog, read_dair, read_goemotions, read_text_label_file)
from feelbot_train.evaluation import report  # noqa: E402
from feelbot_train.labels import LABELS  # noqa: E402
from feelbot_train.normalize import normalize_chat_text  # noqa: E402
from feelbot_train.routing import no_feel_word_reader, reader_dtype, routes_to_reader  # noqa: E402
from feelbot_train.self_reports import only_self_reports  # noqa: E402
from feelbot_train.written_self_reports import (  # noqa: E402
    SECOND_SELF_REPORTS_FILE, THIRD_SELF_REPORTS_FILE, written_self_report_examples)

CHAT_HELDOUT_PER_LABEL = 150
HELDOUT_SEED = 7
SELF_REPORTS_HELDOUT_PER_LABEL = 70
REPO = Path(__file__).resolve().parent.parent
PREDICT_SCRIPT = Path(__file__).resolve().parent / "predict_transformers_js.mjs"
NAMED_SETS = {
    "goemotions-dev": lambda: read_goemotions(DEFAULT_DATA_DIR, "dev"),
    "dailydialog-dev": lambda: read_dailydialog(DEFAULT_DATA_DIR, "dev"),
    # Messages made only from the phrases training leaves out (training/data/chat-phrases.json).
    "chat-phrases-heldout": lambda: chat_phrase_examples("heldout", CHAT_HELDOUT_PER_LABEL, HELDOUT_SEED),
    # The fifth of each label's free-form messages that training leaves out (training/data/chat-messages.txt).
    "chat-messages-heldout": lambda: chat_message_examples("heldout"),
    # Answers made only from the events and moments training leaves out (training/data/self-report-events.json).
    "self-reports-heldout": lambda: written_self_report_examples("heldout", SELF_REPORTS_HELDOUT_PER_LABEL, HELDOUT_SEED),
    # The held-out fifth of the second file (training/data/self-report-events-b.json).
    "self-reports-b-heldout": lambda: written_self_report_examples(
        "heldout", SELF_REPORTS_HELDOUT_PER_LABEL, HELDOUT_SEED, SECOND_SELF_REPORTS_FILE),
    # The held-out fifth of the third file (training/data/self-report-events-c.json).
    "self-reports-c-heldout": lambda: written_self_report_examples(
        "heldout", SELF_REPORTS_HELDOUT_PER_LABEL, HELDOUT_SEED, THIRD_SELF_REPORTS_FILE),
    # dair-ai's real ISEAR-style self-reports, train.txt's 195 then validation's 24: unseen only by a
    # model trained with `--hold-out-self-reports` (the shipped model trained on the 195).
    "dair-self-reports": lambda: dair_self_reports(DEFAULT_DATA_DIR),
    # dair-ai validation with a handle pasted before each sentence, as in tweets ("@user i feel ...").
    "dair-validation-handles": lambda: with_handles(*read_dair(DEFAULT_DATA_DIR, "validation")),
}
HANDLES = ["@user", "@jess_m", "@BigMike42", "@nytimes", "@sarahlovesdogs", "@xo_kate", "@DrJones"]


def dair_self_reports(data_dir):
    texts, labels = [], []
    for split in ("train", "validation"):
        split_texts, split_labels = only_self_reports(*read_dair(data_dir, split))
        texts, labels = texts + split_texts, labels + split_labels
    return texts, labels


def with_handles(texts, labels):
    pick = random.Random(HELDOUT_SEED)
    return [f"{pick.choice(HANDLES)} {text}" for text in texts], labels


def predict_probabilities(model_dir, dtype, texts):
    """Probabilities in LABELS order for normalised texts, routed as the app routes them."""
    reader = no_feel_word_reader(model_dir)
    if reader is None:
        return transformers_js_probabilities(model_dir, dtype, texts)
    to_reader = np.array(routes_to_reader(texts), dtype=bool)
    probs = np.zeros((len(texts), len(LABELS)))
    # The reader runs at its own default weights, as in the app; `dtype` picks the folder's own model's.
    for rows, folder, weights in ((~to_reader, model_dir, dtype), (to_reader, reader, reader_dtype(reader))):
        if rows.any():
            probs[rows] = transformers_js_probabilities(folder, weights, [t for t, keep in zip(texts, rows) if keep])
    return probs


def transformers_js_probabilities(model_dir, dtype, texts):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(texts, handle)
    result = subprocess.run(["node", str(PREDICT_SCRIPT), str(model_dir), dtype, handle.name],
                            cwd=REPO, check=True, capture_output=True, text=True)
    Path(handle.name).unlink()
    output = json.loads(result.stdout)
    order = [output["labels"].index(label) for label in LABELS]
    return np.asarray(output["probabilities"], dtype=np.float64)[:, order]


def predict_raw_texts(model_dir, dtype, texts):
    """Probabilities for raw texts: the chat normaliser first, as in the app."""
    # An empty normalised text would be classified as-is by the app; keep the same fallback.
    return predict_probabilities(model_dir, dtype, [normalize_chat_text(t) or t for t in texts])


def score(model_dir, dtype, texts, labels):
    """evaluate.py's report for raw texts, read as the app reads them."""
    return report(predict_raw_texts(model_dir, dtype, texts), labels)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", help="`text;label` file (labels by name), or one of: " + ", ".join(NAMED_SETS))
    parser.add_argument("--model", type=Path, default=REPO / "models" / "emotion")
    parser.add_argument("--dtype", choices=["fp32", "q8"], default="fp32")
    args = parser.parse_args()
    texts, labels = NAMED_SETS[args.file]() if args.file in NAMED_SETS else read_text_label_file(args.file)
    print(json.dumps({"file": str(args.file), "model": str(args.model), "dtype": args.dtype,
                      **score(args.model.resolve(), args.dtype, texts, labels)}, indent=2))


if __name__ == "__main__":
    main()
