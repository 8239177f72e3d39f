"""Probe U's scoring and verdict (probe_self_report_transfer.py)."""

import sys
import unittest
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from probe_self_report_transfer import scores, verdict  # noqa: E402

SADNESS, JOY, FEAR, NEUTRAL = 0, 1, 4, 6


def one_hot_rows(*answers):
    probs = np.full((len(answers), 7), 0.01)
    for row, (first, second) in enumerate(answers):
        probs[row, first], probs[row, second] = 0.6, 0.3
    return probs


class ScoresTest(unittest.TestCase):
    def test_neutral_is_ignored_for_the_answer_and_counted_apart(self):
        # Row 0 is mostly neutral, then fear: answered fear, as `feelbot eval` does.
        result, right = scores(one_hot_rows((NEUTRAL, FEAR), (JOY, SADNESS), (SADNESS, JOY)), [FEAR, JOY, JOY])
        self.assertEqual(right.tolist(), [True, True, False])
        self.assertEqual(result["accuracy"], 0.6667)
        self.assertEqual(result["called_neutral"], 0.3333)
        self.assertEqual(result["recall"], {"joy": 0.5, "fear": 1.0})


class VerdictTest(unittest.TestCase):
    def test_a_large_significant_gain_transfers(self):
        self.assertEqual(verdict(0.06, 0.01, 0.99), "transfers")

    def test_a_large_gain_by_chance_or_a_small_sure_one_is_no_answer(self):
        self.assertEqual(verdict(0.06, 0.2, 0.9), "no clear difference")
        self.assertEqual(verdict(0.03, 0.01, 0.99), "no clear difference")

    def test_a_large_significant_loss_hurts(self):
        self.assertEqual(verdict(-0.05, 0.99, 0.02), "hurts")

    def test_probe_vs_smaller_threshold_counts_a_smaller_sure_gain(self):
        self.assertEqual(verdict(0.03, 0.01, 0.99, min_difference=0.03), "transfers")
        self.assertEqual(verdict(0.0274, 0.01, 0.99, min_difference=0.03), "no clear difference")
        self.assertEqual(verdict(-0.03, 0.99, 0.01, min_difference=0.03), "hurts")


if __name__ == "__main__":
    unittest.main()
