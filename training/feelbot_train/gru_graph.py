"""The BiGRU ensemble written as a lean ONNX graph, one bidirectional GRU per member.

torch.onnx writes each member's backward GRU as a forward GRU over the message reversed within its
length, with the index arithmetic for that reversal (Shape, Range, Sub, Clip, Expand,
GatherElements, twice) and the padding mask rebuilt per member: about 70 small nodes per member
around two GRUs. ONNX's own GRU does the same reading with `direction: bidirectional` and
`sequence_lens`: the reverse pass starts at each message's last token. This module writes that
graph directly: the masks once, then per member an embedding lookup, one GRU, masked max + mean
pooling and the linear head; then the mean of the members' logits over the temperature. The
weights and the arithmetic are the same; only the float rounding of the graph differs.
"""

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from .model import MASK_FILL

# onnxruntime-node 1.2x runs opset 14 everywhere; newer opsets buy nothing for these ops.
OPSET = 14


def _onnx_gate_order(matrix, hidden):
    """PyTorch stacks GRU gates as (reset, update, new); ONNX as (update, reset, hidden)."""
    reset, update, new = matrix[:hidden], matrix[hidden:2 * hidden], matrix[2 * hidden:]
    return np.concatenate([update, reset, new])


def member_from_torch(member):
    """One trained EmotionClassifier (BiGRU encoder) as the arrays the graph takes."""
    encoder = member.encoder
    hidden = encoder.forward_gru.hidden_size

    def direction(gru):
        w = _onnx_gate_order(gru.weight_ih_l0.detach().numpy(), hidden)
        r = _onnx_gate_order(gru.weight_hh_l0.detach().numpy(), hidden)
        b = np.concatenate([_onnx_gate_order(gru.bias_ih_l0.detach().numpy(), hidden),
                            _onnx_gate_order(gru.bias_hh_l0.detach().numpy(), hidden)])
        return w, r, b

    forward, backward = direction(encoder.forward_gru), direction(encoder.backward_gru)
    extended = {}
    if hasattr(member.embed, "map_weight"):
        extended = {"map_weight": member.embed.map_weight.numpy().astype(np.float32),
                    "map_bias": member.embed.map_bias.numpy().astype(np.float32)}
    return {
        **extended,
        "table": member.embed.weight.detach().numpy().astype(np.float32),
        "W": np.stack([forward[0], backward[0]]).astype(np.float32),
        "R": np.stack([forward[1], backward[1]]).astype(np.float32),
        "B": np.stack([forward[2], backward[2]]).astype(np.float32),
        "head_weight": member.head.weight.detach().numpy().astype(np.float32),
        "head_bias": member.head.bias.detach().numpy().astype(np.float32),
    }


def dequantized_tensors(model):
    """Every float tensor of a graph: its initializers, and what its DequantizeLinear nodes make of
    int8 ones (per-axis or single scale, as `quantize.quantize_weights` writes them)."""
    tensors = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    for node in model.graph.node:
        if node.op_type == "DequantizeLinear":
            q, scale, zero = (tensors[name] for name in node.input)
            axis = next((a.i for a in node.attribute if a.name == "axis"), 1)
            shape = [1] * q.ndim
            if scale.ndim == 1:
                shape[axis] = -1
            tensors[node.output[0]] = ((q.astype(np.float32) - zero.reshape(shape)) * scale.reshape(shape)
                                       ).astype(np.float32)
        elif node.op_type == "Reshape" and node.input[0] in tensors and node.input[1] in tensors:
            tensors[node.output[0]] = tensors[node.input[0]].reshape(tensors[node.input[1]])
    return tensors


def members_from_torch_export(model):
    """The same arrays read back from a graph torch.onnx wrote for `EnsembleForExport`.

    Its initializers come member by member: the embedding table (fp32, or fp16 once
    `half_tables` has run) and head by name, and six GRU tensors in node order, the forward GRU's
    W, R, B then the backward one's, already in ONNX's gate order. A quantized graph's weights are
    read dequantized.
    """
    tensors = dequantized_tensors(model)
    gru_inputs = [node.input[1:4] for node in model.graph.node if node.op_type == "GRU"]
    members = []
    for k in range(len(gru_inputs) // 2):
        forward, backward = gru_inputs[2 * k], gru_inputs[2 * k + 1]
        table = tensors.get(f"members.{k}.embed.weight")
        members.append({
            "table": table if table is not None else tensors[f"members.{k}.embed.weight_fp16"],
            "W": np.concatenate([tensors[forward[0]], tensors[backward[0]]]),
            "R": np.concatenate([tensors[forward[1]], tensors[backward[1]]]),
            "B": np.concatenate([tensors[forward[2]], tensors[backward[2]]]),
            "head_weight": tensors[f"members.{k}.head.weight"],
            "head_bias": tensors[f"members.{k}.head.bias"],
        })
    return members, float(tensors["temperature"])


def _extension_lookup(node, const, extension, base_size):
    """Shared by the members: which ids are extra words, their clamped ids into the member tables,
    and the extra words' rows (int8 rows gathered, then scaled, so only looked-up rows are widened)."""
    size = const("base_vocabulary", np.array(base_size, dtype=np.int64))
    is_extra = node("Unsqueeze", [node("GreaterOrEqual", ["input_ids", size], "is_extra_word"),
                                  const("axis_last_extra", np.array([-1], dtype=np.int64))], "is_extra_word3")
    base_ids = node("Min", ["input_ids", const("last_base_id", np.array(base_size - 1, dtype=np.int64))], "base_ids")
    extra_ids = node("Max", [node("Sub", ["input_ids", size], "extra_offset"), const("zero_id", np.array(0, np.int64))],
                     "extra_ids")
    rows = node("Cast", [node("Gather", [const("extra_words_int8", extension.rows_int8), extra_ids], "extra_q")],
                "extra_q_fp32", to=TensorProto.FLOAT)
    scale = node("Unsqueeze", [node("Gather", [const("extra_words_scale", extension.row_scale), extra_ids],
                                    "extra_scale"), "axis_last_extra"], "extra_scale3")
    return is_extra, base_ids, node("Mul", [rows, scale], "extra_rows")


def build_ensemble_graph(members, temperature, extension=None):
    """The ONNX model: input_ids, attention_mask [batch, sequence] -> logits [batch, labels] / T.

    With an `extension` (vocab_extension.Extension) ids past the members' tables are extra words,
    read as the shared int8 rows through each member's map."""
    hidden = members[0]["R"].shape[2]
    nodes, inits = [], []

    def const(name, array):
        inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def node(op, inputs, output, **attrs):
        nodes.append(helper.make_node(op, inputs, [output], name=output, **attrs))
        return output

    axis1 = const("axis_1", np.array([1], dtype=np.int64))
    mask = node("Cast", ["attention_mask"], "mask", to=TensorProto.FLOAT)
    lengths = node("Cast", [node("ReduceSum", ["attention_mask", axis1], "length", keepdims=0)],
                   "sequence_lens", to=TensorProto.INT32)
    mask3 = node("Unsqueeze", [mask, const("axis_last", np.array([-1], dtype=np.int64))], "mask3")
    # Padding gets a large negative value before the max, as `masked_max_mean` does.
    fill = node("Mul", [node("Sub", [const("one", np.float32(1.0)), mask3], "unmasked"),
                        const("fill", np.float32(MASK_FILL))], "max_fill")
    count = node("Clip", [node("ReduceSum", [mask, axis1], "count", keepdims=1), const("count_floor", np.float32(1.0))],
                 "count_at_least_one")
    batch_sequence = const("batch_sequence_states", np.array([0, 0, 2 * hidden], dtype=np.int64))
    ids = "input_ids"
    if extension is not None:
        is_extra, ids, extra_rows = _extension_lookup(node, const, extension, members[0]["table"].shape[0])

    logits = []
    for k, member in enumerate(members):
        p = f"member{k}"
        table = const(f"{p}.embed", member["table"])
        embedded = node("Gather", [table, ids], f"{p}.embedded")
        if member["table"].dtype == np.float16:
            embedded = node("Cast", [embedded], f"{p}.embedded_fp32", to=TensorProto.FLOAT)
        if extension is not None:
            mapped = node("Add", [node("MatMul", [extra_rows, const(f"{p}.map.weight", member["map_weight"])],
                                       f"{p}.extra_mapped"), const(f"{p}.map.bias", member["map_bias"])],
                          f"{p}.extra_embedded")
            embedded = node("Where", [is_extra, mapped, embedded], f"{p}.embedded_all")
        steps = node("Transpose", [embedded], f"{p}.steps", perm=[1, 0, 2])
        states = node("GRU", [steps, const(f"{p}.W", member["W"]), const(f"{p}.R", member["R"]),
                              const(f"{p}.B", member["B"]), lengths],
                      f"{p}.gru", hidden_size=hidden, direction="bidirectional", linear_before_reset=1)
        # [sequence, 2, batch, hidden] -> [batch, sequence, forward ++ backward]
        states = node("Reshape", [node("Transpose", [states], f"{p}.gru_batch_first", perm=[2, 0, 1, 3]),
                                  batch_sequence], f"{p}.states")
        masked = node("Mul", [states, mask3], f"{p}.masked")
        top = node("ReduceMax", [node("Add", [masked, fill], f"{p}.filled")], f"{p}.max", axes=[1], keepdims=0)
        mean = node("Div", [node("ReduceSum", [masked, axis1], f"{p}.sum", keepdims=0), count], f"{p}.mean")
        pooled = node("Concat", [top, mean], f"{p}.pooled", axis=-1)
        logits.append(node("Gemm", [pooled, const(f"{p}.head.weight", member["head_weight"]),
                                    const(f"{p}.head.bias", member["head_bias"])], f"{p}.logits", transB=1))
    total = node("Sum", logits, "logit_sum") if len(logits) > 1 else logits[0]
    node("Div", [total, const("members_times_temperature", np.float32(len(members) * temperature))], "logits")

    graph = helper.make_graph(
        nodes, "feelbot-emotion-bigru-ensemble",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "sequence"])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", members[0]["head_bias"].shape[0]])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="feelbot")
    onnx.checker.check_model(model)
    return model
