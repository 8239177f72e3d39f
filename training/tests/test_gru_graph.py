"""Checks of feelbot_train.gru_graph against torch.onnx's own export of the same ensemble.

    /usr/bin/python3 -m unittest discover -s training/tests
"""

import io
import sys
import tempfile
import unittest
from pathlib import Path

import numpy as np
import onnx
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from feelbot_train.gru_graph import (  # noqa: E402
    build_ensemble_graph, dequantized_tensors, member_from_torch, members_from_torch_export)
from feelbot_train.export import export_onnx, export_with_torch  # noqa: E402
from feelbot_train.half_tables import half_embedding_tables  # noqa: E402
from feelbot_train.model import EmotionClassifier, EnsembleForExport  # noqa: E402
from feelbot_train.quantize import quantized  # noqa: E402


def tiny_ensemble(temperature=1.25, vocab=50, embed_dim=8, hidden=6):
    torch.manual_seed(0)
    members = [EmotionClassifier(vocab, 7, arch="gru", embed_dim=embed_dim, hidden=hidden) for _ in range(2)]
    return EnsembleForExport(members, temperature).eval()


def torch_export(ensemble):
    buffer = io.BytesIO()
    export_with_torch(ensemble, buffer)
    return onnx.load_from_string(buffer.getvalue())


class GruGraphTest(unittest.TestCase):
    def test_weights_from_torch_are_the_ones_torch_onnx_writes(self):
        # torch.onnx reorders PyTorch's (reset, update, new) gates into ONNX's order itself; reading
        # its graph back must give exactly what member_from_torch makes of the modules.
        ensemble = tiny_ensemble()
        exported, temperature = members_from_torch_export(torch_export(ensemble))
        self.assertAlmostEqual(temperature, 1.25, places=6)
        for ours, theirs in zip((member_from_torch(m) for m in ensemble.members), exported):
            for key in ("table", "W", "R", "B", "head_weight", "head_bias"):
                np.testing.assert_array_equal(ours[key], theirs[key], err_msg=key)

    def test_the_graph_is_one_bidirectional_gru_per_member_reading_lengths(self):
        ensemble = tiny_ensemble()
        model = build_ensemble_graph([member_from_torch(m) for m in ensemble.members], 1.25)
        grus = [n for n in model.graph.node if n.op_type == "GRU"]
        self.assertEqual(len(grus), 2)
        for gru in grus:
            attributes = {a.name: onnx.helper.get_attribute_value(a) for a in gru.attribute}
            self.assertEqual(attributes["direction"], b"bidirectional")
            self.assertEqual(attributes["linear_before_reset"], 1)
            self.assertEqual(gru.input[4], "sequence_lens")
        self.assertEqual([i.name for i in model.graph.input], ["input_ids", "attention_mask"])
        self.assertEqual([o.name for o in model.graph.output], ["logits"])

    def test_a_quantized_graph_reads_back_as_its_dequantized_weights(self):
        # Big enough for quantize_weights to take the tables (100 x 48) and GRU weights (2 x 96 x 48).
        members = [member_from_torch(m) for m in tiny_ensemble(vocab=100, embed_dim=48, hidden=32).members]
        tensors = dequantized_tensors(quantized(build_ensemble_graph(members, 1.0)))
        for name, original in (("member0.embed", members[0]["table"]), ("member1.W", members[1]["W"])):
            restored = tensors[name]
            self.assertEqual(restored.shape, original.shape)
            # One scale per row (per direction for GRU weights): within half a step of the original.
            rows = original.reshape(-1, original.shape[-1])
            step = np.abs(rows).max(axis=1, keepdims=True) / 127
            error = np.abs(restored.reshape(rows.shape) - rows)
            self.assertTrue(np.all(error <= step / 2 + 1e-7), name)
            self.assertGreater(error.max(), 0, name)  # it really was quantized

    def test_the_training_export_writes_the_bytes_the_relayout_wrote_for_the_shipped_file(self):
        # The shipped model.onnx is relayout_onnx.py's rewrite of a torch.onnx file whose tables
        # half_tables.py had stored in fp16; a retrain must write the same bytes from the same weights.
        ensemble = tiny_ensemble()
        with tempfile.TemporaryDirectory() as folder:
            shipped_way = Path(folder) / "shipped.onnx"
            export_with_torch(ensemble, shipped_way)
            half_embedding_tables(shipped_way)
            relaid = build_ensemble_graph(*members_from_torch_export(onnx.load(str(shipped_way))))
            retrained_way = Path(folder) / "retrained.onnx"
            export_onnx(ensemble, retrained_way, half_tables=True)
            self.assertEqual(retrained_way.read_bytes(), relaid.SerializeToString())
            tables = [i for i in onnx.load(str(retrained_way)).graph.initializer if i.name.endswith(".embed")]
            self.assertEqual([t.data_type for t in tables], [onnx.TensorProto.FLOAT16] * 2)


if __name__ == "__main__":
    unittest.main()
