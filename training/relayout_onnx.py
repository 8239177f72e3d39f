"""Rewrites a model folder's BiGRU ensemble graphs, as torch.onnx wrote them, in the lean layout
that `train_classifier.py` now exports (`feelbot_train/gru_graph.py`). The weights stay the same.

    /usr/bin/python3 training/relayout_onnx.py models/emotion

`onnx/model.onnx` is rebuilt from its own tensors (fp16 tables stay fp16). `onnx/model_quantized.onnx`
is rebuilt from its dequantized weights and quantized again with the same per-row scales, so its
int8 values come back unchanged. Folders already in the lean layout are left alone. Check the result
with `node training/check_transformers_js.mjs <folder>`, which compares with the PyTorch
probabilities saved at training time.
"""

import argparse
import sys
from pathlib import Path

import onnx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from feelbot_train.gru_graph import build_ensemble_graph, members_from_torch_export  # noqa: E402
from feelbot_train.quantize import quantized  # noqa: E402


def is_torch_export(model):
    """torch.onnx writes one-way GRUs; the lean layout's are bidirectional."""
    grus = [node for node in model.graph.node if node.op_type == "GRU"]
    return bool(grus) and not any(a.name == "direction" for node in grus for a in node.attribute)


def relayout(path, quantize):
    model = onnx.load(str(path))
    if not is_torch_export(model):
        return False
    lean = build_ensemble_graph(*members_from_torch_export(model))
    onnx.save(quantized(lean) if quantize else lean, str(path))
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    args = parser.parse_args()
    for name, quantize in (("model.onnx", False), ("model_quantized.onnx", True)):
        path = args.folder / "onnx" / name
        if path.exists():
            print(f"{path}: {'rewritten' if relayout(path, quantize) else 'already lean, left alone'}")


if __name__ == "__main__":
    main()
