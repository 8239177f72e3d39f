"""Readers for the corpora under shared/data, each returning (texts, label ids) with raw text."""

import json
import os
from pathlib import Path

from .labels import DAILYDIALOG_TO_LABEL, GOEMOTIONS_TO_LABEL, LABEL_TO_ID

# The shared corpora sit beside the repository (../shared/data); FEELBOT_DATA_DIR points elsewhere.
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA_DIR = Path(os.environ.get("FEELBOT_DATA_DIR") or REPO_ROOT.parent / "shared" / "data").resolve()
# Every tenth DailyDialog dialogue is held out to select and evaluate the neutral class.
DAILYDIALOG_DEV_EVERY = 10


def read_text_label_file(path):
    """`text;label` lines, split on the last ';' (the text itself may contain one)."""
    texts, labels = [], []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        text, label = line.rsplit(";", 1)
        texts.append(text)
        labels.append(LABEL_TO_ID[label.strip()])
    return texts, labels


def read_dair(data_dir, split):
    return read_text_label_file(Path(data_dir) / "emotion" / f"{split}.txt")


def read_goemotions(data_dir, split):
    """Comments whose labels all map to one feelbot class; neutral only when it is the sole label."""
    root = Path(data_dir) / "goemotions"
    names = (root / "emotions.txt").read_text().split()
    texts, labels = [], []
    for line in (root / f"{split}.tsv").read_text(encoding="utf-8").splitlines():
        text, ids, _ = line.split("\t")
        mapped = {GOEMOTIONS_TO_LABEL.get(names[int(i)]) for i in ids.split(",")}
        if len(mapped) == 1 and None not in mapped:
            texts.append(text)
            labels.append(LABEL_TO_ID[mapped.pop()])
    return texts, labels


def read_dailydialog(data_dir, part):
    """Every turn of the train dialogues; part 'train' or 'dev' picks the split made here."""
    texts, labels = [], []
    for path in sorted((Path(data_dir) / "dialogue" / "dailydialog").glob("train-*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            dialogue = json.loads(line)
            index = int(dialogue["dialogue_id"].rsplit("-", 1)[1])
            is_dev = index % DAILYDIALOG_DEV_EVERY == 0
            if is_dev != (part == "dev"):
                continue
            for turn in dialogue["turns"]:
                texts.append(turn["text"])
                labels.append(LABEL_TO_ID[DAILYDIALOG_TO_LABEL[turn["emotion"]]])
    return texts, labels
