"""Checks of the GloVe vocabulary extension: the words chosen, the maps, the module and the graph.

    /usr/bin/python3 -m unittest discover -s training/tests

The graph's numbers are checked against PyTorch in transformers.js by check_transformers_js.mjs and
by test/integration/classifier/shipped-model-parity.test.ts (a reference text reads an extra word).
"""

import sys
import unittest
from pathlib import Path

import numpy as np
import onnx
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from feelbot_train.gru_graph import build_ensemble_graph, member_from_torch  # noqa: E402
from feelbot_train.model import EmotionClassifier, EnsembleForExport  # noqa: E402
from feelbot_train.quantize import quantize_rows, quantized  # noqa: E402
from feelbot_train.vocab_extension import (ExtendedEmbedding, build_extension, extend_members,  # noqa: E402
                                           extension_words, fit_map)
from feelbot_train.word_vectors import WordVectorsError, seed_rows  # noqa: E402

DIM = 4


def vectors_for(words, seed=0):
    rng = np.random.default_rng(seed)
    return {w: rng.normal(size=DIM).astype(np.float32) for w in words}


class ExtensionWordsTest(unittest.TestCase):
    def test_frequency_order_kept_and_only_new_lower_case_words_taken(self):
        vectors = vectors_for(["the", "Paris", "u.s.", "happy", "jubilant", "2019", "café", "glum", "aghast"])
        self.assertEqual(extension_words(vectors, ["[PAD]", "happy"], 2), ["the", "jubilant"])
        self.assertEqual(extension_words(vectors, ["the", "happy"], 10), ["jubilant", "glum", "aghast"])

    def test_vectors_with_nothing_new_are_rejected(self):
        with self.assertRaises(WordVectorsError) as caught:
            build_extension(vectors_for(["happy"]), ["[PAD]", "happy"], 5)
        self.assertEqual(caught.exception.code, "WORD_VECTORS_EMPTY")

    def test_int8_rows_come_back_within_half_a_step(self):
        rows = np.random.default_rng(1).normal(size=(50, DIM)).astype(np.float32)
        q, scale = quantize_rows(rows)
        self.assertEqual(q.dtype, np.int8)
        self.assertLessEqual(float(np.abs(q * scale[:, None] - rows).max()), float(scale.max()) / 2 + 1e-7)


class FitMapTest(unittest.TestCase):
    def test_an_exact_linear_relation_is_recovered(self):
        rng = np.random.default_rng(2)
        start = rng.normal(size=(200, DIM)).astype(np.float32)
        weight, bias = rng.normal(size=(DIM, DIM)).astype(np.float32), rng.normal(size=DIM).astype(np.float32)
        found_weight, found_bias, r2 = fit_map(start, start @ weight + bias)
        np.testing.assert_allclose(found_weight, weight, atol=1e-4)
        np.testing.assert_allclose(found_bias, bias, atol=1e-4)
        self.assertAlmostEqual(r2, 1.0, places=6)

    def test_unrelated_rows_give_a_low_r2(self):
        rng = np.random.default_rng(3)
        _, _, r2 = fit_map(rng.normal(size=(400, DIM)), rng.normal(size=(400, DIM)))
        self.assertLess(r2, 0.1)


class ExtendedMembersTest(unittest.TestCase):
    VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "happy", "sad", "angry", "calm", "tired", "scared"]

    def extended(self):
        vectors = vectors_for(self.VOCAB[4:] + ["glum", "aghast", "jubilant"])
        seeded = seed_rows(self.VOCAB, vectors, DIM)
        torch.manual_seed(0)
        members = [EmotionClassifier(len(self.VOCAB), 7, arch="gru", embed_dim=DIM, hidden=3) for _ in range(2)]
        for member in members:
            member.embed.weight.data[seeded[0]] = seeded[1] * 2.0 + 0.5  # "training" moved them linearly
        extension = build_extension(vectors, self.VOCAB, 3)
        fits = extend_members(members, seeded, extension)
        return members, extension, fits

    def test_each_member_reads_extra_words_through_its_own_map(self):
        members, extension, fits = self.extended()
        self.assertEqual(extension.words, ["glum", "aghast", "jubilant"])
        self.assertEqual(fits, [1.0, 1.0])
        ids = torch.tensor([[2, 4, 10, 12, 3]])
        for member in members:
            rows = member.embed(ids)[0]
            torch.testing.assert_close(rows[1], member.embed.base.weight[4])
            expected = torch.from_numpy(extension.rows()) * 2.0 + 0.5
            torch.testing.assert_close(rows[2], expected[0], atol=1e-4, rtol=1e-4)
            torch.testing.assert_close(rows[3], expected[2], atol=1e-4, rtol=1e-4)
        self.assertIsInstance(members[0].embed, ExtendedEmbedding)

    def test_the_graph_stores_the_extra_rows_once_in_int8_and_a_map_per_member(self):
        members, extension, _ = self.extended()
        ensemble = EnsembleForExport(members, 1.0).eval()
        model = build_ensemble_graph([member_from_torch(m) for m in ensemble.members], 1.0, extension)
        inits = {i.name: i for i in model.graph.initializer}
        self.assertEqual(inits["extra_words_int8"].data_type, onnx.TensorProto.INT8)
        self.assertEqual(list(inits["extra_words_int8"].dims), [3, DIM])
        self.assertEqual(sorted(n for n in inits if n.endswith(".map.weight")),
                         ["member0.map.weight", "member1.map.weight"])
        self.assertEqual(sum(n.op_type == "Where" for n in model.graph.node), 2)
        # Weight-only int8 leaves the already int8 rows as they are.
        again = {i.name: i for i in quantized(model).graph.initializer}
        self.assertEqual(again["extra_words_int8"].raw_data, inits["extra_words_int8"].raw_data)


if __name__ == "__main__":
    unittest.main()
