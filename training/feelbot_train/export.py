"""ONNX export in the layout transformers.js loads as a BERT-style text-classification model."""

import json
from pathlib import Path

import numpy as np
import onnx
import torch

from .gru_graph import OPSET, build_ensemble_graph, member_from_torch
from .half_tables import half_embedding_tables
from .labels import LABELS
from .model import BiGruEncoder
from .normalize import NORMALIZER_VERSION
from .wordpiece import MAX_LENGTH, write_tokenizer_files


def export_onnx(model, path, half_tables=False, extension=None):
    """An all-BiGRU ensemble as the lean graph of `gru_graph`; other architectures through torch.onnx.

    With `half_tables` the embedding tables are stored in fp16 (`half_tables.py` says why), as the
    shipped model.onnx is; quantize.py reads the fp32 ones, so it runs on the file written without.
    `extension` (vocab_extension.Extension) adds the words the members read through their maps.
    """
    model.eval()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    if all(isinstance(member.encoder, BiGruEncoder) for member in model.members):
        members = [member_from_torch(member) for member in model.members]
        if half_tables:
            members = [{**member, "table": member["table"].astype(np.float16)} for member in members]
        onnx.save(build_ensemble_graph(members, float(model.temperature), extension), str(path))
    elif extension is not None:
        raise ValueError("a vocabulary extension is exported for all-BiGRU ensembles only")
    else:
        export_with_torch(model, path)
        if half_tables:
            half_embedding_tables(path)


def export_with_torch(model, path):
    """torch.onnx's own graph of `model` (a path or a binary file object)."""
    ids = torch.tensor([[2, 10, 11, 3], [2, 12, 3, 0]])
    mask = (ids != 0).long()
    torch.onnx.export(
        model.eval(), (ids, mask), path if hasattr(path, "write") else str(path), opset_version=OPSET,
        input_names=["input_ids", "attention_mask"], output_names=["logits"],
        dynamic_axes={"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "sequence"},
                      "logits": {0: "batch"}},
        do_constant_folding=True,
    )


def write_config(out_dir, vocab_size, temperature, default_dtype, architecture_note, normalizer=NORMALIZER_VERSION):
    config = {
        # transformers.js maps "bert" to BertForSequenceClassification, which only feeds the
        # session's declared inputs and reads `logits`; the graph inside is ours.
        "model_type": "bert",
        "architectures": ["BertForSequenceClassification"],
        "problem_type": "single_label_classification",
        "id2label": {str(i): label for i, label in enumerate(LABELS)},
        "label2id": {label: i for i, label in enumerate(LABELS)},
        "vocab_size": vocab_size,
        "max_position_embeddings": MAX_LENGTH,
        "feelbot_normalizer": normalizer,
        "feelbot_default_dtype": default_dtype,
        "feelbot_temperature": round(temperature, 4),
        "feelbot_architecture": architecture_note,
    }
    (Path(out_dir) / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")


def write_model_folder(model, vocab, temperature, out_dir, default_dtype, architecture_note,
                       normalizer=NORMALIZER_VERSION, extension=None):
    out_dir = Path(out_dir)
    export_onnx(model, out_dir / "onnx" / "model.onnx", extension=extension)
    write_tokenizer_files(vocab, out_dir)
    write_config(out_dir, len(vocab), temperature, default_dtype, architecture_note, normalizer)
