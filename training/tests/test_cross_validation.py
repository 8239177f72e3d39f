"""Checks of the cross-validation folds and the soft coin-flip targets.

    /usr/bin/python3 -m unittest discover -s training/tests
"""

import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cross_validate import sign_test  # noqa: E402
from feelbot_train.coin_flip_targets import coin_flip_soft_targets  # noqa: E402
from feelbot_train.cross_validation import fold_of_rows, partition  # noqa: E402


class FoldsTest(unittest.TestCase):
    def test_every_row_is_held_out_exactly_once_across_the_folds(self):
        texts = [f"row {i}" for i in range(103)]
        held = [index for fold in range(5) for index, _, _ in partition(texts, [0] * 103, fold, 5)[2]]
        self.assertEqual(sorted(held), list(range(103)))

    def test_a_fold_leaves_its_rows_out_of_training(self):
        texts = [f"row {i}" for i in range(50)]
        kept, labels, held = partition(texts, list(range(50)), 2, 5)
        self.assertEqual(len(kept) + len(held), 50)
        self.assertFalse({t for _, t, _ in held} & set(kept))
        self.assertEqual(len(held), 10)

    def test_folds_are_fixed_between_runs(self):
        # Pinned: reports written by earlier runs name held-out rows by these folds (FOLD_SEED 0).
        self.assertEqual(fold_of_rows(40, 5)[:20], [0, 3, 2, 2, 0, 1, 2, 0, 0, 4, 2, 0, 2, 3, 4, 0, 1, 4, 4, 2])


class SoftTargetsTest(unittest.TestCase):
    # "weird": 17 surprise (5), 13 fear (4); "happy" always joy (1).
    TEXTS = ["i feel weird"] * 30 + ["i feel happy"] * 30
    LABELS = [5] * 17 + [4] * 13 + [1] * 30

    def test_mixes_the_label_with_the_words_split(self):
        rows = ["i feel weird today", "i feel happy", "i feel weird"], [4, 1, 0]
        targets = coin_flip_soft_targets(self.TEXTS, self.LABELS, *rows, 0.5, 7)
        self.assertEqual(set(targets), {0})  # joy is no coin flip; sadness is not one of weird's two labels
        self.assertAlmostEqual(float(targets[0][4]), 0.5 + 0.5 * 13 / 30, places=6)
        self.assertAlmostEqual(float(targets[0][5]), 0.5 * 17 / 30, places=6)
        self.assertAlmostEqual(float(targets[0].sum()), 1.0, places=6)


class SignTestTest(unittest.TestCase):
    def test_one_sided_tail(self):
        self.assertAlmostEqual(sign_test(3, 0), 1 / 8)
        self.assertAlmostEqual(sign_test(2, 1), 4 / 8)
        self.assertEqual(sign_test(0, 0), 1.0)


if __name__ == "__main__":
    unittest.main()
