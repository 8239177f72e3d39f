"""Short chat messages made from the hand-written phrasing in training/data/chat-phrases.json.

dair-ai is "i feel ..." sentences and GoEmotions is Reddit prose; neither says "im freaking out",
"so done with this" or "wait what". Each message is one template filled with a label's phrase and,
where the template asks, one of its leads, tails or situations. Every fifth phrase and situation is
held out of training, so the evaluation set measures phrasing the model never saw.
"""

import json
import random
from pathlib import Path

from .held_out import share
from .labels import LABEL_TO_ID

PHRASES_FILE = Path(__file__).resolve().parent.parent / "data" / "chat-phrases.json"


def _fill(template, phrase, parts, rng):
    slots = {"phrase": phrase}
    for slot in ("lead", "tail", "context"):
        if "{" + slot + "}" in template:
            choices = parts[slot + "s"]
            if not choices:
                return None
            slots[slot] = rng.choice(choices)
    return template.format(**slots)


def chat_phrase_examples(part, per_label, seed, path=PHRASES_FILE):
    """(texts, label ids): `per_label` distinct messages per label from the 'train' or 'heldout' phrases."""
    spec = json.loads(Path(path).read_text(encoding="utf-8"))
    rng = random.Random(seed)
    texts, labels = [], []
    for label, parts in spec["labels"].items():
        phrases = share(parts["phrases"], part)
        parts = {**parts, "contexts": share(parts["contexts"], part)}
        made = set()
        # Bounded tries: a label with few phrases and slots cannot make `per_label` distinct messages.
        for _ in range(per_label * 20):
            if len(made) == per_label:
                break
            text = _fill(rng.choice(spec["templates"]), rng.choice(phrases), parts, rng)
            if text:
                made.add(text)
        texts += sorted(made)
        labels += [LABEL_TO_ID[label]] * len(made)
    return texts, labels
