"""Checks of the sentence-encoder probe's cache and its refusals (the encoder itself is not run here).

    /usr/bin/python3 -m unittest discover -s training/tests
"""

import hashlib
import json
import sys
import tempfile
import unittest
from pathlib import Path
from unittest import mock

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import probe_sentence_encoder as probe  # noqa: E402

TEXTS = ["i feel calm", "ok see you at 5"]


def cache_key(texts):
    return hashlib.sha256(json.dumps(texts).encode("utf-8")).hexdigest()[:16]


class EmbedCacheTest(unittest.TestCase):
    def setUp(self):
        self.folder = Path(tempfile.mkdtemp())
        self.cache = self.folder / "cache"
        self.cache.mkdir()
        patches = [mock.patch.object(probe, "CACHE", self.cache),
                   mock.patch.object(probe, "ENCODER_DIR", self.folder / "encoder")]
        for patch in patches:
            patch.start()
            self.addCleanup(patch.stop)

    def test_cached_rows_are_read_without_running_the_encoder(self):
        rows = np.arange(len(TEXTS) * probe.DIM, dtype=np.float32).reshape(len(TEXTS), probe.DIM)
        rows.tofile(self.cache / f"{cache_key(TEXTS)}.f32")
        np.testing.assert_array_equal(probe.embed(TEXTS), rows)

    def test_a_cache_file_of_the_wrong_length_is_refused(self):
        np.zeros((len(TEXTS) + 1, probe.DIM), dtype=np.float32).tofile(self.cache / f"{cache_key(TEXTS)}.f32")
        with self.assertRaises(probe.ProbeError) as caught:
            probe.embed(TEXTS)
        self.assertEqual(caught.exception.code, "ENCODER_CACHE")

    def test_an_uninstalled_encoder_is_named_with_its_install_command(self):
        with mock.patch.object(probe, "REPO", self.folder):
            with self.assertRaises(probe.ProbeError) as caught:
                probe.embed(["a text never embedded"])
        self.assertEqual(caught.exception.code, "ENCODER_MISSING")
        self.assertIn("npm ci --prefix encoder", str(caught.exception))
        self.assertEqual(list(self.cache.iterdir()), [])

    def test_a_model_folder_without_its_training_recipe_is_refused(self):
        with self.assertRaises(probe.ProbeError) as caught:
            probe.training_sources(self.folder)
        self.assertEqual(caught.exception.code, "MODEL_RECIPE")
        self.assertIn("training-metrics.json", str(caught.exception))

    def test_string_labels_and_label_ids_map_alike(self):
        np.testing.assert_array_equal(probe.label_ids(["sadness", "neutral", 2]), [0, 6, 2])


if __name__ == "__main__":
    unittest.main()
