"""Checks of feelbot_train.ambiguity.relabelled_repeats.

    /usr/bin/python3 -m unittest discover -s training/tests
"""

import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from feelbot_train.ambiguity import relabelled_repeats  # noqa: E402

TRAIN_TEXTS = ["i feel so blessed", "i feel weird", "i feel weird", "i feel sad"]
TRAIN_LABELS = [2, 5, 4, 0]


class RelabelledRepeatsTest(unittest.TestCase):
    def test_a_training_sentence_under_another_label_is_a_repeat(self):
        repeats = relabelled_repeats(["i feel so blessed", "i feel glad"], [1, 1], TRAIN_TEXTS, TRAIN_LABELS)
        self.assertEqual(repeats, {0: [2]})

    def test_a_sentence_whose_label_train_already_has_is_not(self):
        # "i feel weird" is in train under surprise and fear; a fear row repeats a label train knows.
        repeats = relabelled_repeats(["i feel weird", "i feel sad"], [4, 0], TRAIN_TEXTS, TRAIN_LABELS)
        self.assertEqual(repeats, {})

    def test_every_training_label_is_listed(self):
        repeats = relabelled_repeats(["x", "i feel weird"], [0, 1], TRAIN_TEXTS, TRAIN_LABELS)
        self.assertEqual(repeats, {1: [4, 5]})


if __name__ == "__main__":
    unittest.main()
