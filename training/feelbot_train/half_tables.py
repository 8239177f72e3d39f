"""Embedding tables stored in fp16: a looked-up row is cast back to fp32, so only storage changes.

The tables are most of the file (12,023 × 96 floats per member); halving them lets more members fit
the 25 MB budget. Rounding to fp16 moves a weight by at most 1/2048 of itself.
"""

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def half_embedding_tables(path):
    """Rewrites `path` in place; returns the names of the tables it halved."""
    model = onnx.load(str(path))
    graph = model.graph
    tables = {init.name: init for init in graph.initializer if init.dims and len(init.dims) == 2
              and init.data_type == TensorProto.FLOAT}
    lookups = [node for node in graph.node if node.op_type == "Gather" and node.input[0] in tables]
    halved = sorted({node.input[0] for node in lookups})
    # By identity: protobuf messages compare by value, and these are the graph's own nodes.
    lookup_ids = {id(node) for node in lookups}
    for name in halved:
        weights = numpy_helper.to_array(tables[name]).astype(np.float16)
        tables[name].CopyFrom(numpy_helper.from_array(weights, name + "_fp16"))
    nodes = []
    for node in graph.node:
        nodes.append(node)
        if id(node) in lookup_ids:
            node.input[0] += "_fp16"
            row = node.output[0]
            node.output[0] = row + "_fp16"
            nodes.append(helper.make_node("Cast", [row + "_fp16"], [row], name=row + "_to_fp32", to=TensorProto.FLOAT))
    del graph.node[:]
    graph.node.extend(nodes)
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return halved
