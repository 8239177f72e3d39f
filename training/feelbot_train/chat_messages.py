"""Whole chat messages written for this project, one per line in training/data/chat-messages.txt.

The chat phrases (chat_phrases.py) are templates: a label's phrase between a lead and a tail. These
are free-form Discord messages instead, 120 per label, about half of them naming no emotion word
(anger as blame or sarcasm, fear as worry or dread). Their author never opened the evaluation-only
training/data/chat-check.txt; lines that still came out close to it were rewritten, and
tests/test_chat_messages.py checks that the two share no run of four words. Every fifth message of
each label is held out. Those share no template with training but come from the same hand, so their
score is an upper bound on chat the model has never seen.
"""

from pathlib import Path

from .datasets import read_text_label_file
from .held_out import share
from .labels import LABELS

CHAT_MESSAGES_FILE = Path(__file__).resolve().parent.parent / "data" / "chat-messages.txt"


def chat_message_examples(part, path=CHAT_MESSAGES_FILE):
    """(texts, label ids): the 'train' four fifths or the 'heldout' fifth of each label's messages, in file order."""
    all_texts, all_labels = read_text_label_file(path)
    texts, labels = [], []
    for label_id in range(len(LABELS)):
        kept = share([t for t, y in zip(all_texts, all_labels) if y == label_id], part)
        texts += kept
        labels += [label_id] * len(kept)
    return texts, labels
