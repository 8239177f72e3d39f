"""Checks of feelbot_train.target_chance on a small hand-made split.

    /usr/bin/python3 -m unittest discover -s training/tests
"""

import sys
import unittest
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from feelbot_train.target_chance import chance_of_target, other_errors_to_fix  # noqa: E402

# "weird" splits between surprise (5) and fear (4); every other row has a word that decides it.
WORDS = {"weird": Counter({5: 10, 4: 9})}
TEXTS = ["i feel weird"] * 4 + ["i feel sad"] * 4 + ["i feel happy"] * 4 + ["i feel scared"] * 2
LABELS = [5, 5, 4, 4] + [0] * 4 + [1] * 4 + [4] * 2


class ChanceOfTargetTest(unittest.TestCase):
    def test_always_right_on_coin_flips_reaches_a_perfect_score(self):
        result = chance_of_target(TEXTS, LABELS, WORDS, p_right=1.0, target=0.99, draws=50)
        self.assertEqual(result["share_reaching_target"], 1.0)
        self.assertEqual(result["macro_f1_p05_median_p95"], [1.0, 1.0, 1.0])

    def test_never_right_on_coin_flips_swaps_their_labels(self):
        # Surprise rows read as fear and fear rows as surprise: surprise F1 0, fear 2*2/(4+4) = 0.5.
        result = chance_of_target(TEXTS, LABELS, WORDS, p_right=0.0, target=0.5, draws=50)
        self.assertEqual(result["macro_f1_p05_median_p95"], [0.625, 0.625, 0.625])
        self.assertEqual(result["share_reaching_target"], 1.0)

    def test_model_errors_elsewhere_lower_p05_median_and_p95_by_what_each_draw_loses(self):
        elsewhere = list(LABELS)
        elsewhere[4] = 1  # one sadness row read as joy
        perfect = chance_of_target(TEXTS, LABELS, WORDS, p_right=0.5, draws=2000)
        flawed = chance_of_target(TEXTS, LABELS, WORDS, elsewhere, p_right=0.5, draws=2000)
        # The same seed draws the same coin flips, and the error is off them: every draw loses
        # sadness F1 1 -> 6/7 and joy F1 1 -> 8/9 over the 4 labels present, so the whole spread,
        # both tails and the median, moves down by that much.
        loss = ((1 - 6 / 7) + (1 - 8 / 9)) / 4
        for label, before, after in zip(("p05", "median", "p95"), perfect["macro_f1_p05_median_p95"],
                                        flawed["macro_f1_p05_median_p95"]):
            with self.subTest(label):
                self.assertAlmostEqual(before - after, loss, delta=2e-4)  # quantiles are rounded to 4 places


class OtherErrorsToFixTest(unittest.TestCase):
    def test_counts_the_fixes_off_the_coin_flip_rows(self):
        predicted = list(LABELS)
        predicted[4], predicted[8] = 1, 0  # two errors elsewhere
        predicted[0] = 4  # one coin-flip error, which fixes must not touch: at best 0.889
        # Both fixes lift macro-F1 0.764 -> 0.825 -> 0.889; neither alone reaches 0.85.
        self.assertEqual(other_errors_to_fix(TEXTS, LABELS, WORDS, predicted, target=0.85),
                         {"fixes_needed": 2, "errors_elsewhere": 2})

    def test_reports_none_when_fixing_everything_falls_short(self):
        predicted = [4, 4, 5, 5] + LABELS[4:]
        self.assertEqual(other_errors_to_fix(TEXTS, LABELS, WORDS, predicted, target=0.9),
                         {"fixes_needed": None, "errors_elsewhere": 0})


if __name__ == "__main__":
    unittest.main()
