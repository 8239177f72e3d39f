"""The no-feel-word reader: a model folder may route texts that name no feeling to a second model.

config.json's `feelbot_no_feel_word_reader` names a subfolder holding a complete model (its own
tokenizer and ONNX graph). Texts whose normalised form has a feel-word ("i feel", "felt") go to the
folder's own model; the rest (most chat, self-reports, dialogue) to the subfolder's. The app does
the same in src/adapters/transformers/load-emotion-model.ts.
"""

import json
from pathlib import Path

from .self_reports import is_self_report

CONFIG_KEY = "feelbot_no_feel_word_reader"


def no_feel_word_reader(model_dir):
    """The reader subfolder a model folder names, or None."""
    config = json.loads((Path(model_dir) / "config.json").read_text())
    name = config.get(CONFIG_KEY)
    return Path(model_dir) / name if name else None


def reader_dtype(reader_dir):
    """The weights a reader runs at: its own default (config.json), whatever the folder's model uses."""
    return json.loads((Path(reader_dir) / "config.json").read_text()).get("feelbot_default_dtype", "fp32")


def routes_to_reader(normalized_texts):
    """True for each text the reader answers: those that name no feeling."""
    return [is_self_report(text) for text in normalized_texts]
