"""Weight-only int8: large float initializers become int8 + DequantizeLinear, computed in fp32.

Per-row scales for 2-D tables (the embedding dominates the file) and for each direction's rows of
3-D GRU weights ([directions, 3 * hidden, inputs], stored as [directions * 3 * hidden, inputs] and
reshaped after dequantizing, since DequantizeLinear takes one scale axis); one scale for other tensors.
Activations stay fp32, so the outputs move only by the rounding of the weights.
"""

import numpy as np
import onnx
from onnx import helper, numpy_helper

# Small tensors (biases, the temperature) are not worth a dequantize node.
MIN_ELEMENTS = 4096
INT8_MAX = 127.0


def quantize_weights(src, dst):
    onnx.save(quantized(onnx.load(str(src))), str(dst))


def quantize_rows(rows):
    """(int8 rows, float32 scale per row): each row's largest magnitude maps to 127."""
    scale = np.abs(rows).max(axis=1) / INT8_MAX
    scale = np.where(scale == 0, 1.0, scale).astype(np.float32)
    return np.round(rows / scale[:, None]).clip(-INT8_MAX, INT8_MAX).astype(np.int8), scale


def quantized(model):
    """`model` with its large float initializers stored as int8 (changed in place and returned)."""
    graph = model.graph
    kept, nodes = [], []
    for init in graph.initializer:
        weights = numpy_helper.to_array(init)
        if weights.dtype != np.float32 or weights.size < MIN_ELEMENTS:
            kept.append(init)
            continue
        name = init.name
        shape = weights.shape
        rows = weights.reshape(-1, shape[-1]) if weights.ndim == 3 else weights
        if rows.ndim == 2:
            q, scale = quantize_rows(rows)
            axis = {"axis": 0}
        else:
            scale = np.array(max(float(np.abs(rows).max()) / INT8_MAX, 1e-12), dtype=np.float32)
            q = np.round(rows / scale).clip(-INT8_MAX, INT8_MAX).astype(np.int8)
            axis = {}
        kept += [numpy_helper.from_array(q, name + "_int8"), numpy_helper.from_array(scale, name + "_scale"),
                 numpy_helper.from_array(np.zeros_like(scale, dtype=np.int8), name + "_zero")]
        dequantized = name + "_rows" if weights.ndim == 3 else name
        nodes.append(helper.make_node("DequantizeLinear", [name + "_int8", name + "_scale", name + "_zero"],
                                      [dequantized], name=name + "_dequantize", **axis))
        if weights.ndim == 3:
            kept.append(numpy_helper.from_array(np.array(shape, dtype=np.int64), name + "_shape"))
            nodes.append(helper.make_node("Reshape", [dequantized, name + "_shape"], [name], name=name + "_reshape"))
    del graph.initializer[:]
    graph.initializer.extend(kept)
    existing = list(graph.node)
    del graph.node[:]
    graph.node.extend(nodes + existing)
    onnx.checker.check_model(model)
    return model
